// The status of an inbound update that does not move the parcel (a carrier's keep_previous: UPS
// Track Alert's new delivery time or date, a delivery photo; an aggregator's unknown status). PURE.
//
// Such an event keeps the status the parcel had at the event's own time: that of the latest event
// at or before it among the shipment's stored events and the same inbox batch's own (whatever
// order they came in), info_received before any. That is what a poll gives the same update over the
// carrier's full history (parse-kit carryStatusForward), so both store it under one dedupe key.
// It is marked statusCarried: stored for the timeline, never folded (shipments/status.ts), because
// what it carried may go stale when an older scan arrives late, and as the head it would hold the
// parcel there. For the same reason stored carried events are not carried from.
//
// The dedupe key holds the status (keys of stored events must not change), so an update sent again
// takes the status its stored copy has, whatever came in between: it is then the same event.
import type { DraftEvent } from '../carriers/parse-kit.js';
import type { TrackingEventInput } from '../carriers/types.js';
import type { TrackingEventRow } from '../db/schema.js';
import { parseInstant } from '../lib/time.js';
import { normalizeEvent } from './events.js';
import { compareMarks } from './status.js';
import type { ExceptionReason, ShipmentStatus } from './vocabulary.js';

export type StoredEvent = Pick<TrackingEventRow, 'dedupe_key' | 'status' | 'reason' | 'delayed' | 'occurred_at' | 'status_carried'>;

type Carried = { status: ShipmentStatus; reason: ExceptionReason | null; delayed: boolean };
type Known = Carried & { eventId: string; dedupeKey: string; occurredAt: string };

const BEFORE_ANY: Carried = { status: 'info_received', reason: null, delayed: false };

const carriedOf = (row: StoredEvent): Carried => ({ status: row.status as ShipmentStatus, reason: row.reason as ExceptionReason | null, delayed: row.delayed === 1 });
const utcOf = (occurredAt: string | null | undefined): string | null => (occurredAt ? (parseInstant(occurredAt)?.toISOString() ?? null) : null);

/** One shipment's drafts (all its deliveries in the batch) with every keep_previous resolved and marked statusCarried. */
export function carryStatusesByTime(drafts: readonly DraftEvent[], stored: readonly StoredEvent[]): TrackingEventInput[] {
  const known: Known[] = [
    ...stored.filter((row) => row.status_carried === 0 && row.occurred_at !== null).map((row) => ({ eventId: '', dedupeKey: row.dedupe_key, occurredAt: row.occurred_at!, ...carriedOf(row) })),
    ...drafts.flatMap((draft) => {
      if (draft.status === 'keep_previous') return [];
      const event = normalizeEvent({ ...draft, status: draft.status });
      return event.occurredAt ? [{ eventId: '', dedupeKey: event.dedupeKey, occurredAt: event.occurredAt, status: event.status, reason: event.reason, delayed: event.delayed }] : [];
    }),
  ];
  return drafts.map((draft) => {
    if (draft.status !== 'keep_previous') return { ...draft, status: draft.status };
    const at = utcOf(draft.occurredAt);
    const carried = storedCopyOf(draft, at, stored) ?? latestAtOrBefore(known, at) ?? BEFORE_ANY;
    return { ...draft, ...carried, statusCarried: true };
  });
}

/** The status under which this very update is stored already, if it is (the key must match exactly). */
function storedCopyOf(draft: DraftEvent, at: string | null, stored: readonly StoredEvent[]): Carried | null {
  // A copy has the same time, or none when its time was unusable or set aside as implausible.
  const copy = stored.find((row) => (row.occurred_at === at || row.occurred_at === null) && normalizeEvent({ ...draft, ...carriedOf(row) }).dedupeKey === row.dedupe_key);
  return copy ? carriedOf(copy) : null;
}

/** The latest known event at or before `at` (the fold's order: time, stage, key); the latest of all when the update has no time. */
function latestAtOrBefore(known: readonly Known[], at: string | null): Carried | null {
  let latest: Known | null = null;
  for (const event of known) {
    if (at !== null && event.occurredAt > at) continue;
    if (latest === null || compareMarks(event, latest) > 0) latest = event;
  }
  return latest && { status: latest.status, reason: latest.reason, delayed: latest.delayed };
}
