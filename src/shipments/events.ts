// Normalizing events before they are stored: timestamps to UTC, a dedupe key for every event,
// carriers' impossible times set aside, and control characters out of carriers' text (the API's
// times: lib/plausible-times.ts). Pure.
import type { TrackingEventInput } from '../carriers/types.js';
import { withoutControlCharacters } from '../lib/control-characters.js';
import { canonicalJson, sha256Hex } from '../lib/crypto.js';
import { timeProblem } from '../lib/plausible-times.js';
import { parseInstant } from '../lib/time.js';
import type { EventSource, ExceptionReason, ShipmentStatus } from './vocabulary.js';

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
  statusCarried: boolean;
};

/**
 * The same scan reported by a poll and by a webhook must collapse into one row, so unless the
 * source names the event itself, its key is a digest of what the event says. A carried status is
 * part of what it says (as it always was: keys of stored events must not change), which is why the
 * inbox gives an update that is sent again the status its stored copy has (shipments/carried.ts).
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

/** A carrier's text, code or raw time as stored: each run of control characters one space (the digest key above is taken from the text as sent). */
const textOrNull = (value: string | null | undefined): string | null => (value == null ? null : withoutControlCharacters(value));

export function normalizeEvent(event: TrackingEventInput): NormalizedEvent {
  const parsed = event.occurredAt ? parseInstant(event.occurredAt) : null;
  const occurredAt = parsed ? parsed.toISOString() : null;
  return {
    dedupeKey: withoutControlCharacters(dedupeKeyOf(event, occurredAt)),
    status: event.status,
    reason: event.reason ?? null,
    delayed: event.delayed ?? false,
    occurredAt,
    occurredAtRaw: textOrNull(event.occurredAt),
    carrierCode: textOrNull(event.carrierCode),
    carrierText: textOrNull(event.carrierText),
    location: event.location ? JSON.stringify(event.location) : null,
    statusCarried: event.statusCarried ?? false,
  };
}

/** Sources whose times the API has refused already when implausible, or that Waybill stamps itself (commands). */
const TIMES_CHECKED_BEFORE_INGEST: ReadonlySet<EventSource> = new Set(['api', 'manual']);

/**
 * The API's rule for a time that happened (lib/plausible-times.ts: not before 2000, at most a day
 * ahead) applied to what carriers, aggregators and CSV files say: an event dated outside it is kept
 * with its code, text and raw time, but without a usable time, the way an unreadable date is kept,
 * so it never decides the status (a Track Alert dated 2099 would otherwise outrank every real scan
 * for ever). Its dedupe key stays the one its own time gives: sent again, it is the same event.
 */
export function setAsideImplausibleTime(event: NormalizedEvent, source: EventSource, receivedAt: Date): NormalizedEvent {
  if (event.occurredAt === null || TIMES_CHECKED_BEFORE_INGEST.has(source)) return event;
  return timeProblem(event.occurredAt, 'happened', receivedAt) === null ? event : { ...event, occurredAt: null };
}

