// Helpers the carrier parsers share: putting events in time order, carrying a status forward over
// events that say nothing new, JSON decoding, the carrier's own words on an error, and zod
// summaries for `bad_response` messages.
// PURE: no I/O, never throws.
import { z } from 'zod';
import { err, ok, type Result } from '../lib/result.js';
import type { ShipmentStatus } from '../shipments/vocabulary.js';
import type { CarrierError, TrackingEventInput } from './types.js';

/** An event whose status may still be "whatever the event before it said". */
export type DraftEvent = Omit<TrackingEventInput, 'status'> & { status: ShipmentStatus | 'keep_previous' };

export type CarriedStatus = Pick<TrackingEventInput, 'status' | 'reason' | 'delayed'>;

/** keep_previous events take the status (and reason, delay) of the event before them; `initial` (info_received) before any. */
export function carryStatusForward(drafts: DraftEvent[], initial: CarriedStatus = { status: 'info_received', reason: null, delayed: false }): TrackingEventInput[] {
  let previous: CarriedStatus = initial;
  return drafts.map((draft) => {
    const event: TrackingEventInput =
      draft.status === 'keep_previous' ? { ...draft, status: previous.status, reason: previous.reason, delayed: previous.delayed } : { ...draft, status: draft.status };
    previous = event;
    return event;
  });
}

/** Stable sort by occurredAt; an event without a time stays right after the event before it. */
export function sortOldestFirst<T extends { occurredAt: string | null }>(events: T[]): T[] {
  let carried = Number.NEGATIVE_INFINITY;
  const keyed = events.map((event) => {
    const at = event.occurredAt === null ? Number.NaN : Date.parse(event.occurredAt);
    if (Number.isFinite(at)) carried = at;
    return { event, key: carried };
  });
  return keyed.sort((a, b) => a.key - b.key).map((k) => k.event);
}

/** Events a carrier lists newest first, oldest first: sorted by time when every one has a time, else in reverse order. */
export function orderChronologically<T extends { at: { utcMs: number } | null }>(newestFirst: T[]): T[] {
  const oldestFirst = [...newestFirst].reverse();
  if (oldestFirst.some((item) => item.at === null)) return oldestFirst;
  return oldestFirst.sort((a, b) => a.at!.utcMs - b.at!.utcMs);
}

/** The carrier's own error code and text, shown to the merchant verbatim. */
export type CarrierSaid = Pick<CarrierError, 'carrierCode' | 'carrierMessage'>;

/** What the carrier said, keeping only what it did say: a code when it gave one, a message when it gave one. */
export function carrierSaid(code: string | null | undefined, message: string | null | undefined): CarrierSaid {
  return { ...(code ? { carrierCode: code } : {}), ...(message != null ? { carrierMessage: message } : {}) };
}

export function badResponse(message: string, said: CarrierSaid = {}): CarrierError {
  return { code: 'bad_response', message, retryable: false, ...said };
}

/** The body as JSON, or undefined when it is not JSON. */
export function readJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The client reads bodies as text; a body that is not JSON is a bad response, never a throw. */
export function decodeJson(text: string, carrier: string): Result<unknown, CarrierError> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err(badResponse(`${carrier} answered with a body that is not JSON (${text.length} bytes)`));
  }
}

/** The first zod issue, with its path: "trackResponse.shipment: Invalid input". */
export function firstZodIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'unexpected shape';
  return issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
}

/** Every zod issue on one line, cut at 300 characters. */
export function zodSummary(error: z.ZodError): string {
  const message = z.prettifyError(error).replace(/\s+/g, ' ');
  return message.length > 300 ? `${message.slice(0, 300)}…` : message;
}
