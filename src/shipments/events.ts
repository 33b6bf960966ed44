// Normalizing events before they are stored: timestamps to UTC, a dedupe key for every event,
// and the check that refuses control characters in text (times: lib/plausible-times.ts). Pure.
import type { TrackingEventInput } from '../carriers/types.js';
import { canonicalJson, sha256Hex } from '../lib/crypto.js';
import { parseInstant } from '../lib/time.js';
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
