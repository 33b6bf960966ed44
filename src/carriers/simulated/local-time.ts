// Local clock arithmetic for scans that follow business hours. The city dataset has no time zones,
// so local time is solar time rounded to the hour (longitude / 15): within an hour or two of the
// legal zone, with no daylight saving. Good enough for "out for delivery in the morning".

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

export const SUNDAY = 0;
export const SATURDAY = 6;

export function solarOffsetHours(lon: number): number {
  return Math.max(-12, Math.min(14, Math.round(lon / 15)));
}

/** UTC instant of local midnight starting the local day that contains `instantMs`. */
export function localDayStart(instantMs: number, offsetHours: number): number {
  const localMs = instantMs + offsetHours * HOUR_MS;
  return localMs - mod(localMs, DAY_MS) - offsetHours * HOUR_MS;
}

/** Local hour of day, with fractions (13.5 = half past one in the afternoon). */
export function localHour(instantMs: number, offsetHours: number): number {
  return (instantMs - localDayStart(instantMs, offsetHours)) / HOUR_MS;
}

/** 0 = Sunday ... 6 = Saturday, for the local day starting at `dayStartMs`. */
export function localWeekday(dayStartMs: number, offsetHours: number): number {
  return new Date(dayStartMs + offsetHours * HOUR_MS).getUTCDay();
}

/**
 * `instantMs` if its local hour lies in [openHour, closeHour), else the next opening plus `lateByMs`
 * (scans at opening time look staged; a few minutes' jitter reads like a real shift).
 */
export function withinHours(instantMs: number, offsetHours: number, openHour: number, closeHour: number, lateByMs = 0): number {
  const hour = localHour(instantMs, offsetHours);
  if (hour >= openHour && hour < closeHour) return instantMs;
  const dayStart = localDayStart(instantMs, offsetHours);
  const nextOpening = hour < openHour ? dayStart + openHour * HOUR_MS : dayStart + DAY_MS + openHour * HOUR_MS;
  return nextOpening + lateByMs;
}

/**
 * The first local day, from the one containing `fromMs`, whose weekday is allowed and whose
 * `latestHour` is still at or after `fromMs`. Returns that day's local midnight (UTC ms).
 */
export function nextWorkingDay(fromMs: number, offsetHours: number, allowedWeekdays: readonly number[], latestHour: number): number {
  let day = localDayStart(fromMs, offsetHours);
  for (let guard = 0; guard < 14; guard++, day += DAY_MS) {
    if (allowedWeekdays.includes(localWeekday(day, offsetHours)) && day + latestHour * HOUR_MS >= fromMs) return day;
  }
  throw new RangeError('no allowed weekday within two weeks');
}

export const WEEKDAYS = [1, 2, 3, 4, 5] as const;
export const DELIVERY_DAYS = [1, 2, 3, 4, 5, 6] as const;

function mod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
