// The one ingest path. Carrier polls, carrier and aggregator webhooks, CSV rows, people and the
// simulated carrier all hand a TrackingUpdate's events to `ingestEvents`, which in ONE transaction:
//   stores each event once (unique dedupe key per shipment) → folds the new ones into the
//   shipment's status → saves the shipment → enqueues the status change's effects (the outbox).
import type { Transaction } from 'kysely';
import type { DeliveryWindow, TrackingEventInput } from '../carriers/types.js';
import type { Database, ShipmentRow, TrackingEventRow } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { enqueueJobs, type NewJob } from '../jobs/queue.js';
import { normalizeEvent, setAsideImplausibleTime } from './events.js';
import { FOLDED_COLUMNS } from './statements.js';
import { attemptNumberAt, type FoldEvent, type FoldState, foldEvents, type ShipmentStatusView, viewOf } from './status.js';
import type { EventSource, ExceptionReason, ShipmentStatus } from './vocabulary.js';

export type IngestOutcome = {
  shipmentId: string;
  stored: number;
  duplicates: number;
  before: ShipmentStatusView;
  after: ShipmentStatusView;
  statusChanged: boolean;
};

export type ShipmentBatchItem = {
  shipment: ShipmentRow;
  source: EventSource;
  events: readonly TrackingEventInput[];
  estimatedDelivery?: DeliveryWindow | null;
};

export const STATUS_CHANGED_JOB = 'shipment.status_changed';
/** The carrier moved the delivery window: the customer may need to hear it is late (or early). */
export const ESTIMATE_CHANGED_JOB = 'shipment.estimate_changed';

export const foldStateOf = (row: Pick<ShipmentRow, 'fold_state'>): FoldState => JSON.parse(row.fold_state) as FoldState;

export const viewOfRow = (row: Pick<ShipmentRow, 'status' | 'reason' | 'delayed' | 'correction'>): ShipmentStatusView => ({
  status: row.status as ShipmentStatus,
  reason: row.reason as ExceptionReason | null,
  delayed: row.delayed === 1,
  correction: row.correction === 1,
});

const sameView = (a: ShipmentStatusView, b: ShipmentStatusView) =>
  a.status === b.status && a.reason === b.reason && a.delayed === b.delayed && a.correction === b.correction;

/** Stores and folds events for many shipments in one transaction (the batch API's hot path). */
export async function ingestEvents(trx: Transaction<Database>, now: Date, items: readonly ShipmentBatchItem[]): Promise<IngestOutcome[]> {
  const recordedAt = now.toISOString();
  const planned = items.map((item) => eventRowsOf(item.shipment, item.source, item.events, recordedAt));

  const allRows = planned.flat();
  const insertedIds = new Set<string>();
  // Chunks keep each statement under both databases' bound-parameter limits.
  for (let i = 0; i < allRows.length; i += 1000) {
    const inserted = await trx
      .insertInto('tracking_events')
      .values(allRows.slice(i, i + 1000))
      .onConflict((oc) => oc.columns(['shipment_id', 'dedupe_key']).doNothing())
      .returning('id')
      .execute();
    for (const row of inserted) insertedIds.add(row.id);
  }

  const outcomes: IngestOutcome[] = [];
  const effects: NewJob[] = [];
  const changed: ShipmentRow[] = [];
  items.forEach((item, i) => {
    const folded = foldIntoShipment(item.shipment, planned[i]!.filter((row) => insertedIds.has(row.id)), item.events.length, item.estimatedDelivery ?? null, recordedAt);
    if (folded.changed) changed.push(item.shipment);
    effects.push(...folded.jobs);
    outcomes.push(folded.outcome);
  });
  await saveFoldedShipments(trx, changed);
  await enqueueJobs(trx, now, effects);
  return outcomes;
}

/**
 * The rows to store for one shipment's events: normalized, a carrier's impossible time set aside,
 * each with a new id, the same event twice in one request kept once. Pure (but for the ids).
 */
export const eventRowsOf = (shipment: Pick<ShipmentRow, 'id' | 'brand_id'>, source: EventSource, events: readonly TrackingEventInput[], recordedAt: string): NewEventRow[] =>
  plannedEventRows(shipment, source, events, recordedAt).rows;

/**
 * eventRowsOf, with each event's row by its place in `events` (-1 for a copy of an event earlier
 * in the same request), so an answer can say per event whether it was stored.
 */
export function plannedEventRows(
  shipment: Pick<ShipmentRow, 'id' | 'brand_id'>,
  source: EventSource,
  events: readonly TrackingEventInput[],
  recordedAt: string,
): { rows: NewEventRow[]; rowOfEvent: number[] } {
  const rowOfKey = new Map<string, number>();
  const rows: NewEventRow[] = [];
  const rowOfEvent: number[] = [];
  const receivedAt = new Date(recordedAt);
  for (const input of events) {
    const event = setAsideImplausibleTime(normalizeEvent(input), source, receivedAt);
    if (rowOfKey.has(event.dedupeKey)) {
      rowOfEvent.push(-1);
      continue;
    }
    rowOfKey.set(event.dedupeKey, rows.length);
    rowOfEvent.push(rows.length);
    rows.push({
      id: newId('event'),
      shipment_id: shipment.id,
      brand_id: shipment.brand_id,
      dedupe_key: event.dedupeKey,
      source,
      status: event.status,
      reason: event.reason,
      delayed: event.delayed ? 1 : 0,
      carrier_code: event.carrierCode,
      carrier_text: event.carrierText,
      location: event.location,
      occurred_at: event.occurredAt,
      occurred_at_raw: event.occurredAtRaw,
      recorded_at: recordedAt,
      status_carried: event.statusCarried ? 1 : 0,
    });
  }
  return { rows, rowOfEvent };
}

/** What folding reads and writes of a shipment row (statements.ts FOLDABLE_COLUMNS). */
export type FoldableShipment = Pick<
  ShipmentRow,
  'id' | 'brand_id' | 'order_id' | 'status' | 'reason' | 'delayed' | 'correction' | 'fold_state' | 'estimated_from' | 'estimated_to' | 'status_changed_at' | 'last_event_at' | 'event_count' | 'updated_at'
>;

export type NewEventRow = TrackingEventRow & { status: ShipmentStatus; reason: ExceptionReason | null; delayed: 0 | 1 };

/**
 * Folds the events just stored (`fresh`, the others were already known) into the shipment, whose
 * row is updated in place so callers holding it see the saved state. Says whether the row must be
 * saved, what happened, and the outbox job a status change calls for. Pure.
 */
export function foldIntoShipment(
  shipment: FoldableShipment,
  fresh: readonly NewEventRow[],
  offered: number,
  estimate: DeliveryWindow | null,
  recordedAt: string,
): { changed: boolean; outcome: IngestOutcome; jobs: NewJob[] } {
  const before = viewOfRow(shipment);
  const foldInput: FoldEvent[] = fresh.map((row) => ({
    id: row.id,
    dedupeKey: row.dedupe_key,
    status: row.status,
    reason: row.reason,
    delayed: row.delayed === 1,
    occurredAt: row.occurred_at,
    statusCarried: row.status_carried === 1,
  }));
  const previous = foldStateOf(shipment);
  const state = foldEvents(previous, foldInput);
  const after = viewOf(state);
  const passedFailures = failedAttemptsPassedThrough(previous.head?.occurredAt ?? null, state.head?.eventId ?? null, fresh, state.failures);
  const estimateChanged = estimate !== null && (estimate.from !== shipment.estimated_from || estimate.to !== shipment.estimated_to);
  // A failed attempt folded through to a later scan is a change of its own for the customer (one
  // message per failed attempt), even when the status ends where it began; so is a failed attempt
  // after another with no scan between (not the same miss reported again: that has its time).
  const anotherFailure = after.status === 'attempt_failed' && before.status === 'attempt_failed' && state.head?.occurredAt !== previous.head?.occurredAt;
  const statusChanged = !sameView(before, after) || passedFailures.length > 0 || anotherFailure;
  const changed = fresh.length > 0 || estimateChanged;
  const jobs: NewJob[] = [];
  // The carrier moved its window: the notification watch compares it with the last one and the
  // promise. With a status change it rides in that job, to be announced after it ("shipped" before
  // "ahead of schedule"); alone, it is a job of its own.
  const previousWindow = shipment.estimated_from && shipment.estimated_to ? { from: shipment.estimated_from, to: shipment.estimated_to } : null;
  const movedWindow = estimateChanged ? { previous: previousWindow, next: estimate } : null;
  if (movedWindow && !statusChanged) {
    jobs.push({ kind: ESTIMATE_CHANGED_JOB, payload: { shipmentId: shipment.id, ...movedWindow }, idempotencyKey: `estimate:${shipment.id}:${movedWindow.next.from}:${movedWindow.next.to}` });
  }

  if (changed) {
    const latestEventAt = fresh.reduce<string | null>((max, r) => (r.occurred_at && (!max || r.occurred_at > max) ? r.occurred_at : max), shipment.last_event_at);
    shipment.status = after.status;
    shipment.reason = after.reason;
    shipment.delayed = after.delayed ? 1 : 0;
    shipment.correction = after.correction ? 1 : 0;
    shipment.fold_state = JSON.stringify(state);
    if (estimate) {
      shipment.estimated_from = estimate.from;
      shipment.estimated_to = estimate.to;
    }
    if (statusChanged) shipment.status_changed_at = recordedAt;
    shipment.last_event_at = latestEventAt;
    shipment.event_count += fresh.length;
    shipment.updated_at = recordedAt;
  }

  if (statusChanged) {
    jobs.push({
      kind: STATUS_CHANGED_JOB,
      payload: {
        shipmentId: shipment.id,
        brandId: shipment.brand_id,
        orderId: shipment.order_id,
        from: before,
        to: after,
        headEventId: state.head?.eventId ?? null,
        // Numbered now, from the failed attempts at or before this change: its job may run after
        // later ones are stored. A miss reported after a newer scan (a lost webhook, then a poll) is
        // history: not announced (failedAttemptsPassedThrough), and numbers already decided stay as
        // told; it counts from the next change on, as the carrier counts (a third attempt, often the
        // last before the parcel goes back, is not to be announced as the second).
        ...(state.failures && state.head ? { attemptNumber: attemptNumberAt(state.failures, state.head) } : {}),
        ...(movedWindow ? { estimate: movedWindow } : {}),
        ...(passedFailures.length > 0 ? { failedAttemptsPassed: passedFailures } : {}),
      },
      idempotencyKey: `status:${shipment.id}:${state.head?.eventId ?? 'none'}:${after.status}:${after.delayed ? 1 : 0}:${after.correction ? 1 : 0}`,
    });
  }
  return { changed, jobs, outcome: { shipmentId: shipment.id, stored: fresh.length, duplicates: offered - fresh.length, before, after, statusChanged } };
}

/**
 * A failed attempt a change went through: when, and its number among the shipment's failed
 * attempts at fold time (absent in jobs queued before numbers were decided at fold time, and for
 * shipments folded before their failures were kept: the job counts them then).
 */
export type PassedFailure = { occurredAt: string; attemptNumber?: number };

/**
 * The failed delivery attempts among the events just stored that the shipment went through
 * without stopping at: newer than its last head (news, not history arriving late) and not the new
 * head (that one is the status change itself). An update that only carries attempt_failed forward
 * (a new delivery time after the failed attempt) is no attempt of its own, nor is the same miss
 * reported twice. Oldest first, numbered among `failures` (the fold's, these included). Pure.
 */
export function failedAttemptsPassedThrough(
  previousHeadAt: string | null,
  headEventId: string | null,
  fresh: ReadonlyArray<Pick<NewEventRow, 'id' | 'status' | 'occurred_at' | 'occurred_at_raw'> & { status_carried?: 0 | 1 }>,
  failures: readonly string[] | undefined,
): PassedFailure[] {
  // Most folds pass through no failure: no arrays made for them (a batch folds 1,000 shipments).
  if (!fresh.some((row) => row.status === 'attempt_failed')) return [];
  const passed = new Map<string, PassedFailure>();
  for (const row of fresh) {
    const at = row.occurred_at;
    if (row.status !== 'attempt_failed' || at === null || row.status_carried === 1 || row.id === headEventId) continue;
    if ((previousHeadAt !== null && at <= previousHeadAt) || passed.has(at)) continue;
    passed.set(at, { occurredAt: row.occurred_at_raw ?? at, ...(failures ? { attemptNumber: attemptNumberAt(failures, { status: 'attempt_failed', occurredAt: at }) } : {}) });
  }
  return [...passed.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, failure]) => failure);
}

/**
 * Saves every folded shipment of the batch in one statement per 200 rows (an upsert on the
 * primary key that only ever updates), instead of one UPDATE per shipment: the round trips,
 * not the rows, are what a batch of events pays for.
 */
async function saveFoldedShipments(trx: Transaction<Database>, shipments: readonly ShipmentRow[]): Promise<void> {
  for (let i = 0; i < shipments.length; i += 200) {
    await trx
      .insertInto('shipments')
      .values(shipments.slice(i, i + 200))
      .onConflict((oc) => oc.column('id').doUpdateSet((eb) => Object.fromEntries(FOLDED_COLUMNS.map((column) => [column, eb.ref(`excluded.${column}`)]))))
      .execute();
  }
}

