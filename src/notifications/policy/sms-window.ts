// SMS quiet hours: when may a text reach someone, in their own local time? Pure; the clock
// comes from Intl (the same reading as src/lib/time.ts offsetMinutesAt), so daylight saving,
// half-hour zones and odd transition hours are all handled by the time zone database.
import type { TimeOfDay } from '../types.js';

export type SmsWindow = { start: TimeOfDay; end: TimeOfDay };

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** "08:00" → 480. Throws on anything that is not a real time of day. */
export function minuteOfDay(time: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  const hours = match ? Number(match[1]) : NaN;
  const minutes = match ? Number(match[2]) : NaN;
  if (!(hours < 24 && minutes < 60)) throw new RangeError(`not a time of day (HH:MM): ${JSON.stringify(time)}`);
  return hours * 60 + minutes;
}

/** The window as minutes of the day, [start, end). Windows may not cross midnight. */
export function windowMinutes(window: SmsWindow): { start: number; end: number } {
  const start = minuteOfDay(window.start);
  const end = minuteOfDay(window.end);
  if (start >= end) throw new RangeError(`the SMS window must start before it ends, the same day: ${window.start}–${window.end}`);
  return { start, end };
}

// Building a formatter costs ~0.3 ms, using one a few µs; nextAllowedSendTime may ask ~30 times.
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();

/** The UTC offset in minutes that `timeZone` observes at `ms`. Throws RangeError on an unknown zone. */
export function zoneOffsetMinutes(timeZone: string, ms: number): number {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, formatter);
  }
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(formatter.format(ms)); // "GMT-04:00"; plain "GMT" is zero
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/** True when `timeZone` is a zone Intl knows. */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    zoneOffsetMinutes(timeZone, 0);
    return true;
  } catch {
    return false;
  }
}

const mod = (value: number, divisor: number): number => ((value % divisor) + divisor) % divisor;
const localMinuteOfDay = (ms: number, offset: number): number => Math.floor(mod(ms + offset * MINUTE_MS, DAY_MS) / MINUTE_MS);

export function isInsideWindow(instant: Date, timeZone: string, window: SmsWindow): boolean {
  const { start, end } = windowMinutes(window);
  const minute = localMinuteOfDay(instant.getTime(), zoneOffsetMinutes(timeZone, instant.getTime()));
  return minute >= start && minute < end;
}

/**
 * The earliest instant at or after `now` whose local time in `timeZone` lies in the window
 * ([start, end), minute granularity): `now` itself when inside.
 *
 * Between two offset changes local time is UTC plus a constant, so the next opening is simple
 * arithmetic. If the offset changes before that opening, we restart from the change itself:
 * a spring-forward can skip the opening (the window then begins at the jump), a fall-back can
 * carry the clock back into the window.
 */
export function nextAllowedSendTime(now: Date, timeZone: string, window: SmsWindow): Date {
  const { start, end } = windowMinutes(window);
  return firstLocalMinuteWhere(now, timeZone, (minute) => minute >= start && minute < end, (at, offset) => nextOpeningAssumingOffset(at, offset, start));
}

/**
 * The earliest instant at or after `now` whose local minute of the day passes `wanted`, given
 * `candidate`: the next such instant while the offset holds. Each pass either answers or moves past
 * one offset change (two changes within a day do not happen).
 */
function firstLocalMinuteWhere(now: Date, timeZone: string, wanted: (minute: number) => boolean, candidate: (ms: number, offset: number) => number): Date {
  let at = now.getTime();
  for (let pass = 0; pass < 16; pass++) {
    const offset = zoneOffsetMinutes(timeZone, at);
    if (wanted(localMinuteOfDay(at, offset))) return new Date(at);
    const next = candidate(at, offset);
    if (zoneOffsetMinutes(timeZone, next) === offset) return new Date(next);
    at = firstInstantWithOtherOffset(timeZone, at, next, offset);
  }
  throw new Error(`no SMS window boundary found for ${timeZone}`);
}

/** The next local `start` o'clock after `ms`, if the offset held. */
function nextOpeningAssumingOffset(ms: number, offset: number, start: number): number {
  const local = ms + offset * MINUTE_MS;
  let opening = local - mod(local, DAY_MS) + start * MINUTE_MS;
  if (opening <= local) opening += DAY_MS;
  return opening - offset * MINUTE_MS;
}

/** Binary search for the offset change in (from, to]: `from` observes `offset`, `to` does not. */
function firstInstantWithOtherOffset(timeZone: string, from: number, to: number, offset: number): number {
  let before = from;
  let after = to;
  while (after - before > 1) {
    const middle = Math.floor((before + after) / 2);
    if (zoneOffsetMinutes(timeZone, middle) === offset) before = middle;
    else after = middle;
  }
  return after;
}

/**
 * The earliest instant at or after `now` inside the window in every one of `timeZones` (for a
 * recipient somewhere in a country of several zones: the strictest reading of quiet hours), or
 * null when the zones are too far apart to share a moment within three days.
 */
export function nextAllowedSendTimeInAll(now: Date, timeZones: readonly string[], window: SmsWindow): Date | null {
  if (timeZones.length === 0) return null;
  const horizon = now.getTime() + 3 * DAY_MS;
  let candidate = now;
  // Each zone's answer is a lower bound for the shared one; raising the candidate to the latest
  // of them until nobody objects reaches the earliest shared instant.
  for (let pass = 0; pass < 64 && candidate.getTime() <= horizon; pass++) {
    const latest = Math.max(...timeZones.map((zone) => nextAllowedSendTime(candidate, zone, window).getTime()));
    if (latest === candidate.getTime()) return candidate;
    candidate = new Date(latest);
  }
  return null;
}

/**
 * The first instant at or after `now` whose local time in `timeZone` lies outside the window
 * ([start, end), minute granularity): when a text handed over at `now` must no longer reach the
 * recipient. `now` itself when already outside. An offset change before the closing restarts the
 * reading from the change, as nextAllowedSendTime does.
 */
export function windowClosesAt(now: Date, timeZone: string, window: SmsWindow): Date {
  const { start, end } = windowMinutes(window);
  // Inside the window, today's local `end` o'clock is still ahead.
  const closingAssumingOffset = (ms: number, offset: number) => {
    const local = ms + offset * MINUTE_MS;
    return local - mod(local, DAY_MS) + end * MINUTE_MS - offset * MINUTE_MS;
  };
  return firstLocalMinuteWhere(now, timeZone, (minute) => minute < start || minute >= end, closingAssumingOffset);
}

/** Twilio's ValidityPeriod bounds, in whole seconds (Messages API: 1 to 36,000, i.e. 10 hours). */
export const TWILIO_VALIDITY_MIN_SECONDS = 1;
export const TWILIO_VALIDITY_MAX_SECONDS = 36_000;

/**
 * The ValidityPeriod for a text handed over at `now` that must not arrive after `closes`: the whole
 * seconds left, clamped to what Twilio accepts (a text left in its queue past that is dropped by
 * Twilio, error 30036, rather than delivered at night). Pure.
 */
export function validityPeriodSeconds(now: Date, closes: Date): number {
  const left = Math.floor((closes.getTime() - now.getTime()) / 1000);
  return Math.min(TWILIO_VALIDITY_MAX_SECONDS, Math.max(TWILIO_VALIDITY_MIN_SECONDS, left));
}
