// The times Waybill believes, one rule for every time the API stores: a tracking event's
// occurredAt, an order's placedAt and shipBy, a shipment's estimated delivery window. Nothing
// before 2000 (no parcel in flight is that old), nothing further ahead than the kind of time
// allows: what has happened at most a day (a carrier's clock running a little fast), what is
// promised at most a year (a pre-order's ship-by date). A year 0 or 9999 is a typo or a broken
// clock, and what is computed from it breaks later (a delivery estimate looking for business days
// in +010000). Pure.
import { AppError, type FieldProblem } from './errors.js';
import { DAY_MS, parseInstant } from './time.js';

const EARLIEST = new Date('2000-01-01T00:00:00Z');

/** `happened`: an event, an order placed; `promised`: a ship-by date, an estimated delivery. */
export type TimeKind = 'happened' | 'promised';

const AHEAD: Record<TimeKind, { ms: number; words: string }> = {
  happened: { ms: DAY_MS, words: 'a day' },
  promised: { ms: 366 * DAY_MS, words: 'a year' },
};

export type TimedField = { field: string; value: string | null | undefined; kind: TimeKind };

/** What is wrong with one time, naming the range allowed; null when it is plausible or absent. */
export function timeProblem(value: string | null | undefined, kind: TimeKind, now: Date): string | null {
  if (value === null || value === undefined) return null;
  const at = instantOrDay(value);
  if (at === null) return 'must be an ISO-8601 date-time with a time zone offset, e.g. 2026-03-01T14:05:00-05:00';
  const latest = now.getTime() + AHEAD[kind].ms;
  if (at >= EARLIEST.getTime() && at <= latest) return null;
  const range = `(allowed: ${EARLIEST.toISOString()} to ${new Date(latest).toISOString()})`;
  return at < EARLIEST.getTime() ? `is before the year 2000 ${range}` : `is more than ${AHEAD[kind].words} in the future ${range}`;
}

/** Refuses the request (422) when any of its times is not plausible, naming each field and its range. */
export function assertPlausibleTimes(fields: readonly TimedField[], now: Date): void {
  const problems: FieldProblem[] = [];
  for (const { field, value, kind } of fields) {
    const problem = timeProblem(value, kind, now);
    if (problem) problems.push({ field, problem });
  }
  if (problems.length > 0) throw new AppError('validation_failed', `impossible time: ${problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`, problems);
}

/**
 * What is wrong when a time that must follow another comes before it (a ship-by date before the
 * order was placed, a delivery window that ends before it starts), or null. A date counts from the
 * start of its UTC day: comparing a shop's local date with an instant takes a day's slack.
 */
export function sequenceProblem(later: string | null | undefined, earlier: { field: string; value: string }, slackMs = 0): string | null {
  if (later === null || later === undefined) return null;
  const [a, b] = [instantOrDay(later), instantOrDay(earlier.value)];
  if (a === null || b === null || a >= b - slackMs) return null;
  return `is before ${earlier.field} (${earlier.value})`;
}

/** Refuses the request (422) when `later` comes before `earlier` (see sequenceProblem), naming `later`'s field. */
export function assertInSequence(later: { field: string; value: string | null | undefined }, earlier: { field: string; value: string }, slackMs = 0): void {
  const problem = sequenceProblem(later.value, earlier, slackMs);
  if (problem) throw new AppError('validation_failed', `${later.field} ${problem}`, [{ field: later.field, problem }]);
}

/** Epoch ms of an instant with offset, or of a calendar day's start in UTC (YYYY-MM-DD); else null. */
function instantOrDay(value: string): number | null {
  const instant = parseInstant(value);
  if (instant) return instant.getTime();
  const day = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  return Number.isNaN(day) ? null : day;
}
