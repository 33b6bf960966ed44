// Normalizing events before they are stored: timestamps to UTC, a dedupe key for every event,
// and the checks that refuse impossible input. Pure.
import type { TrackingEventInput } from '../carriers/types.js';
import { canonicalJson, sha256Hex } from '../lib/crypto.js';
import { DAY_MS, parseInstant } from '../lib/time.js';
import type { ExceptionReason, ShipmentStatus } from './vocabulary.js';

export type NormalizedEvent = {
  dedupeKey: string;
  status: ShipmentStatus;
  reason: ExceptionReason | null;
  delayed: boolean;
  occurredAt: string | null; // UTC
  occurredAtRaw: string | null;
  carrierCode: string | null;
  carrierText: string | null;
  location: string | null; // JSON
};

/** Carrier data older than this is not a parcel in flight; newer than `now + 1 day` is a broken clock. */
const EARLIEST_PLAUSIBLE = Date.parse('2000-01-01T00:00:00Z');
const FUTURE_TOLERANCE_MS = DAY_MS;

export type TimestampProblem = 'not_iso_with_offset' | 'too_old' | 'in_the_future';

export function checkOccurredAt(value: string | null | undefined, now: Date): TimestampProblem | null {
  if (value === null || value === undefined) return null;
  const date = parseInstant(value);
  if (!date) return 'not_iso_with_offset';
  if (date.getTime() < EARLIEST_PLAUSIBLE) return 'too_old';
  if (date.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) return 'in_the_future';
  return null;
}

export const TIMESTAMP_PROBLEM_TEXT: Record<TimestampProblem, string> = {
  not_iso_with_offset: 'must be an ISO-8601 date-time with a time zone offset, e.g. 2026-03-01T14:05:00-05:00',
  too_old: 'is before the year 2000',
  in_the_future: 'is more than a day in the future',
};

/**
 * The same scan reported by a poll and by a webhook must collapse into one row, so unless the
 * source names the event itself, its key is a digest of what the event says.
 */
export function dedupeKeyOf(event: TrackingEventInput, occurredAtUtc: string | null): string {
  if (event.dedupeKey) return `k:${event.dedupeKey}`;
  const content = canonicalJson({
    s: event.status,
    r: event.reason ?? null,
    d: event.delayed ?? false,
    t: occurredAtUtc,
    c: event.carrierCode ?? null,
    x: event.carrierText ?? null,
    l: event.location ? [event.location.city ?? null, event.location.region ?? null, event.location.country ?? null] : null,
  });
  return `h:${sha256Hex(content).slice(0, 32)}`;
}

export function normalizeEvent(event: TrackingEventInput): NormalizedEvent {
  const parsed = event.occurredAt ? parseInstant(event.occurredAt) : null;
  const occurredAt = parsed ? parsed.toISOString() : null;
  return {
    dedupeKey: dedupeKeyOf(event, occurredAt),
    status: event.status,
    reason: event.reason ?? null,
    delayed: event.delayed ?? false,
    occurredAt,
    occurredAtRaw: event.occurredAt ?? null,
    carrierCode: event.carrierCode ?? null,
    carrierText: event.carrierText ?? null,
    location: event.location ? JSON.stringify(event.location) : null,
  };
}

/** Control characters (other than tab and newline) have no place in stored text. */
// biome-ignore lint: a character class of control characters is the point here
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
export const hasControlCharacters = (value: string): boolean => CONTROL_CHARACTERS.test(value);
