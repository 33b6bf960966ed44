// Whether a new estimate is news for the customer: only when the last day of the window moved to a
// later day. New hours on the same day, a window that got narrower or earlier, or the same instant
// written with another offset are noise, and no "running late" message should go out for them.
import type { DeliveryWindow } from '../carriers/types.js';
import { parseInstant } from '../lib/time.js';
import { wallClockIn, type CivilDate } from './civil-date.js';

/**
 * True when `next.to` falls on a later day than `previous.to`. Days are read on the clock of
 * `timeZone` when given (the destination's), else on the fixed offset `previous.to` is written in
 * (our windows are written in the destination's offset). No previous window, or an unreadable
 * one, is never a revision.
 */
export function isRevisedLater(previous: DeliveryWindow | null | undefined, next: DeliveryWindow | null | undefined, timeZone?: string): boolean {
  if (!previous || !next) return false;
  const before = parseInstant(previous.to);
  const after = parseInstant(next.to);
  if (!before || !after) return false;
  const dayOf = timeZone ? (instant: Date) => wallClockIn(timeZone, instant).date : dayAtOffset(offsetMinutesOf(previous.to));
  return dayOf(after) > dayOf(before);
}

/** The offset an ISO instant is written in, in minutes ("Z" is 0). */
function offsetMinutesOf(iso: string): number {
  const match = /([+-])(\d{2}):?(\d{2})$/.exec(iso);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

const dayAtOffset =
  (offsetMinutes: number) =>
  (instant: Date): CivilDate =>
    new Date(instant.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 10);
