// Calendar dates with no time zone ("2026-11-26"), and where a zone's clock meets them. Delivery
// promises are made in days ("Thursday"), so the arithmetic is done on dates and only turned into
// instants at the end, at a given local hour.
import { offsetMinutesAt, toIsoWithOffset } from '../lib/time.js';

/** YYYY-MM-DD, a day on the calendar, not an instant. */
export type CivilDate = string;

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const CIVIL_DATE = /^\d{4}-\d{2}-\d{2}$/;

export const isCivilDate = (value: string): boolean => CIVIL_DATE.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`));

const utcMidnightMs = (date: CivilDate): number => Date.parse(`${date}T00:00:00Z`);

export const addDays = (date: CivilDate, days: number): CivilDate => new Date(utcMidnightMs(date) + days * DAY_MS).toISOString().slice(0, 10);

/** 0 = Sunday ... 6 = Saturday. */
export const weekdayOf = (date: CivilDate): number => new Date(utcMidnightMs(date)).getUTCDay();

export const yearOf = (date: CivilDate): number => Number(date.slice(0, 4));

/** What a clock in `timeZone` shows at `instant`: the date, and the minutes since local midnight. */
export function wallClockIn(timeZone: string, instant: Date): { date: CivilDate; minutes: number } {
  const local = new Date(instant.getTime() + offsetMinutesAt(timeZone, instant) * MINUTE_MS);
  return { date: local.toISOString().slice(0, 10), minutes: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

/**
 * The instant a clock in `timeZone` shows `minutes` past midnight on `date`. The offset is read
 * twice, so a daylight-saving change between midnight UTC and the local hour is accounted for.
 */
export function instantAt(timeZone: string, date: CivilDate, minutes: number): Date {
  const wallMs = utcMidnightMs(date) + minutes * MINUTE_MS;
  const firstGuess = wallMs - offsetMinutesAt(timeZone, new Date(wallMs)) * MINUTE_MS;
  return new Date(wallMs - offsetMinutesAt(timeZone, new Date(firstGuess)) * MINUTE_MS);
}

/** An instant written on the local clock of `timeZone`: 2026-12-03T08:00:00-05:00. */
export const isoIn = (timeZone: string, instant: Date): string => toIsoWithOffset(instant, offsetMinutesAt(timeZone, instant));

/** "14:30" → 870; anything else → null. */
export function minutesOfClock(clock: string): number | null {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(clock);
  return match ? Number(match[1]) * 60 + Number(match[2]) : null;
}
