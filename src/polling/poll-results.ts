// Saving what a poll brought back, one transaction per batch of answers:
//   lock the shipments → leave out the scans already stored → ingestEvents (source carrier_poll)
//   → plan each parcel's next poll from its new status (cadence.ts) → expire the stale → save the plans.
import { lockedForUpdate } from '../db/locks.js';
import type { Transaction } from 'kysely';
import type { TrackResult, TrackingEventInput } from '../carriers/types.js';
import type { Deps } from '../deps.js';
import type { Database, ShipmentRow } from '../db/schema.js';
import { normalizeEvent } from '../shipments/events.js';
import { foldStateOf, ingestEvents, viewOfRow, type ShipmentBatchItem } from '../shipments/ingest.js';
import { commandOccurredAt, decideCommand } from '../shipments/status.js';
import type { ShipmentStatus } from '../shipments/vocabulary.js';
import { isPushLive, planNextPoll, PRIORITY, type CadenceSettings, type PollPlan } from './cadence.js';
import type { DueRow } from './poll-run.js';

/** Ingests one batch's answers and plans each parcel's next poll, in one transaction. Returns the events stored. */
export async function saveAnswers(deps: Deps, batch: readonly DueRow[], results: readonly TrackResult[], settings: CadenceSettings): Promise<number> {
  const now = deps.clock.now();
  const byNumber = new Map(results.map((r) => [r.trackingNumber.replace(/\s+/g, '').toUpperCase(), r]));
  let stored = 0;
  let statusChanged = false;
  await deps.db.transaction().execute(async (trx) => {
    const ids = batch.map((r) => r.shipment_id).sort();
    const shipments = await lockedForUpdate(trx.selectFrom('shipments').selectAll().where('id', 'in', ids).orderBy('id'), deps.dialect).execute();
    const rowOf = new Map(batch.map((r) => [r.shipment_id, r]));
    const items: ShipmentBatchItem[] = [];
    const notFound = new Set<string>();
    const known = await knownEventKeys(trx, ids);
    for (const shipment of shipments) {
      const answer = byNumber.get(shipment.tracking_number);
      if (!answer?.found) {
        notFound.add(shipment.id);
        continue;
      }
      // Most polls repeat what is stored: only the scans not seen yet go to the ingest path (which
      // would skip the others itself, at the price of writing them again).
      const fresh = answer.events.filter((e) => !known.has(`${shipment.id}|${normalizeEvent(e).dedupeKey}`));
      const estimate = answer.estimatedDelivery ?? null;
      const estimateChanged = estimate !== null && (estimate.from !== shipment.estimated_from || estimate.to !== shipment.estimated_to);
      if (fresh.length > 0 || estimateChanged) items.push({ shipment, source: 'carrier_poll', events: fresh, estimatedDelivery: estimate });
    }
    const outcomes = await ingestEvents(trx, now, items);
    stored = outcomes.reduce((n, o) => n + o.stored, 0);
    statusChanged = outcomes.some((o) => o.statusChanged);
    if (stored) deps.metrics.eventsStored.inc({ source: 'carrier_poll' }, stored);

    const plans = shipments.map((shipment) => {
      const row = rowOf.get(shipment.id)!;
      const notFoundStreak = notFound.has(shipment.id) ? row.not_found + 1 : 0;
      const pushLive = isPushLive({ subscriptionExpiresAt: row.expires_at, lastPushAt: row.last_push_at }, now);
      return { shipment, notFoundStreak, plan: planOf(shipment, { pushLive, notFoundStreak }, settings, now) };
    });
    const expiring = plans.filter((p) => p.plan.kind === 'expire').map((p) => p.shipment);
    if (expiring.length > 0) statusChanged = (await expireShipments(trx, now, expiring)) || statusChanged;
    await savePlans(trx, now, plans);
  });
  if (statusChanged) deps.notifyJobsEnqueued();
  return stored;
}

/** How long a parcel whose answer cannot be saved (while its batch-mates' can) waits before it is polled again. */
export const SET_ASIDE_MS = 3_600_000;

/**
 * saveAnswers, and when the batch throws, each parcel's answer on its own: one parcel nothing
 * foresaw (its stored state damaged, say) must not hold back the rest of its batch, which would
 * otherwise stay due and be polled again at every run at the quota's expense, for good. The one
 * that fails alone is set aside for SET_ASIDE_MS and logged. When the database itself is the
 * trouble, setting it aside fails too and the error goes up: the run stops, nothing is marked.
 */
export async function saveAnswersApart(deps: Deps, batch: readonly DueRow[], results: readonly TrackResult[], settings: CadenceSettings): Promise<number> {
  try {
    return await saveAnswers(deps, batch, results, settings);
  } catch (batchError) {
    if (batch.length === 1) {
      await setAside(deps, batch[0]!, batchError);
      return 0;
    }
    deps.log.warn({ err: batchError }, 'a batch of poll answers could not be saved: saving them one at a time');
    let stored = 0;
    for (const row of batch) {
      try {
        stored += await saveAnswers(deps, [row], results, settings);
      } catch (error) {
        await setAside(deps, row, error);
      }
    }
    return stored;
  }
}

async function setAside(deps: Deps, row: DueRow, error: unknown): Promise<void> {
  const until = new Date(deps.clock.now().getTime() + SET_ASIDE_MS);
  deps.log.error({ err: error, shipmentId: row.shipment_id }, 'a poll answer could not be saved: the parcel is set aside for an hour');
  await deps.db.updateTable('shipment_polls').set({ next_poll_at: until.toISOString() }).where('shipment_id', '=', row.shipment_id).execute();
}

export function planOf(shipment: ShipmentRow, extra: { pushLive: boolean; notFoundStreak: number }, settings: CadenceSettings, now: Date): PollPlan {
  return planNextPoll(
    {
      shipmentId: shipment.id,
      status: shipment.status as ShipmentStatus,
      delayed: shipment.delayed === 1,
      estimatedTo: shipment.estimated_to,
      lastEventAt: shipment.last_event_at,
      createdAt: shipment.created_at,
      ...extra,
    },
    settings,
    now,
  );
}

async function knownEventKeys(trx: Transaction<Database>, shipmentIds: readonly string[]): Promise<Set<string>> {
  const rows = await trx.selectFrom('tracking_events').select(['shipment_id', 'dedupe_key']).where('shipment_id', 'in', shipmentIds).execute();
  return new Set(rows.map((r) => `${r.shipment_id}|${r.dedupe_key}`));
}

type Planned = { shipment: ShipmentRow; notFoundStreak: number; plan: PollPlan };

async function savePlans(trx: Transaction<Database>, now: Date, plans: readonly Planned[]): Promise<void> {
  const at = now.toISOString();
  const rows = plans.map(({ shipment, notFoundStreak, plan }) => ({
    shipment_id: shipment.id,
    brand_id: shipment.brand_id,
    carrier: shipment.carrier,
    next_poll_at: plan.kind === 'poll' ? plan.nextPollAt.toISOString() : null,
    priority: plan.kind === 'poll' ? plan.priority : PRIORITY.safetyNet,
    interval_seconds: plan.kind === 'poll' ? plan.intervalSeconds : 86_400,
    last_polled_at: at,
    last_push_at: null,
    polls: 1,
    not_found: notFoundStreak,
    created_at: at,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await trx
      .insertInto('shipment_polls')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc.column('shipment_id').doUpdateSet((eb) => ({
          next_poll_at: eb.ref('excluded.next_poll_at'),
          priority: eb.ref('excluded.priority'),
          interval_seconds: eb.ref('excluded.interval_seconds'),
          last_polled_at: eb.ref('excluded.last_polled_at'),
          not_found: eb.ref('excluded.not_found'),
          polls: eb('shipment_polls.polls', '+', 1),
        })),
      )
      .execute();
  }
}

/**
 * Parcels the carrier has said nothing about for too long become `expired`, through the command
 * table (so a status that does not allow it is left alone) and the one ingest path.
 */
export async function expireShipments(trx: Transaction<Database>, now: Date, shipments: readonly ShipmentRow[]): Promise<boolean> {
  const items: ShipmentBatchItem[] = [];
  for (const shipment of [...shipments].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    const decision = decideCommand(viewOfRow(shipment), 'expire');
    if (!decision.ok) continue;
    const event: TrackingEventInput = {
      status: decision.value.status,
      reason: decision.value.reason,
      occurredAt: commandOccurredAt(foldStateOf(shipment), now),
      carrierCode: 'waybill:expire',
      carrierText: 'No carrier updates for too long: tracking expired',
      dedupeKey: `command:expire:${now.toISOString()}`,
    };
    items.push({ shipment, source: 'carrier_poll', events: [event] });
  }
  if (items.length === 0) return false;
  const outcomes = await ingestEvents(trx, now, items);
  await trx.updateTable('shipment_polls').set({ next_poll_at: null }).where('shipment_id', 'in', items.map((i) => i.shipment.id)).execute();
  return outcomes.some((o) => o.statusChanged);
}
