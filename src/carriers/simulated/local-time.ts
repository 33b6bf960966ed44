// Local clock arithmetic for scans that follow business hours: pickups in the afternoon, vans out in
// the morning. A place's clock is its legal time zone (tz-lookup finds the IANA zone from the
// coordinates; Intl knows its offset and daylight saving), or solar time where no zone is found.
import tzlookup from 'tz-lookup';
import type { LatLon } from './geo.js';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;

/** Hours ahead of UTC at `place` at the instant `atMs` (fractions for India, Nepal...). */
export function utcOffsetHours(place: LatLon, atMs: number): number {
  const zone = timeZoneAt(place);
  return zone === null ? solarOffsetHours(place.lon) : zoneOffsetHours(zone, atMs);
}

/** Solar time rounded to the hour (longitude / 15): the fallback at sea or on bad coordinates. */
export function solarOffsetHours(lon: number): number {
  return Math.max(-12, Math.min(14, Math.round(lon / 15)));
}

const zonesByPoint = new Map<string, string | null>();
/** The IANA time zone at a place, or null when tz-lookup cannot say. Cached: cities repeat. */
export function timeZoneAt(place: LatLon): string | null {
  const key = `${place.lat},${place.lon}`;
  let zone = zonesByPoint.get(key);
  if (zone === undefined) {
    try {
      zone = tzlookup(place.lat, place.lon);
    } catch {
      zone = null;
    }
    zonesByPoint.set(key, zone);
  }
  return zone;
}

// Building a formatter costs ~0.3 ms; using one ~5 µs. One per zone, kept.
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
function zoneOffsetHours(zone: string, atMs: number): number {
  let formatter = offsetFormatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormatters.set(zone, formatter);
  }
  const name = formatter.formatToParts(atMs).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name); // "GMT-04:00"; plain "GMT" is zero
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) + Number(match[3]) / 60) : 0;
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
 * `instantMs` if the local hour at `place` lies in [openHour, closeHour), else the next opening plus
 * `lateByMs` (scans at opening time look staged; a few minutes' jitter reads like a real shift).
 */
export function withinHours(instantMs: number, place: LatLon, openHour: number, closeHour: number, lateByMs = 0): number {
  const offsetHours = utcOffsetHours(place, instantMs);
  const hour = localHour(instantMs, offsetHours);
  if (hour >= openHour && hour < closeHour) return instantMs;
  const dayStart = localDayStart(instantMs, offsetHours);
  const openingDay = hour < openHour ? dayStart : dayStart + DAY_MS;
  return atLocalHour(place, openingDay, offsetHours, openHour) + lateByMs;
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

/**
 * The instant the local clock at `place` shows `hour` on the local day starting at `dayStartMs`, that
 * day having been found with `offsetHours`. Corrects for a daylight-saving change in between, so a
 * 15:00 pickup planned on Friday in winter time is still 15:00 on Monday in summer time.
 */
export function atLocalHour(place: LatLon, dayStartMs: number, offsetHours: number, hour: number): number {
  const guess = dayStartMs + hour * HOUR_MS;
  return guess - (utcOffsetHours(place, guess) - offsetHours) * HOUR_MS;
}

export const WEEKDAYS = [1, 2, 3, 4, 5] as const;
export const DELIVERY_DAYS = [1, 2, 3, 4, 5, 6] as const;

function mod(value: number, divisor: number): number {
  return ((value % divisor) + divisor) % divisor;
}
