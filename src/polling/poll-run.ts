// Polling one carrier account: the parcels that are due, most urgent first, in batches as large as
// the carrier's API takes, each request admitted by the account's limiter first.
//   due rows (priority, then most overdue) → batch → gate.take → adapter.track
//     ok       → one transaction: lock shipments → ingestEvents (source carrier_poll) → plan each
//                parcel's next poll from its new status (cadence.ts) → save the plans
//     429/5xx  → the account pauses (Retry-After or back-off); the batch stays due, nothing is lost
//     refused  → those parcels are tried again in an hour; the run goes on
// A run stops when nothing is due, the rate window is full (a continuation is queued for when it
// frees up), the day's (paced) quota is spent, or it has run for RUN_BUDGET_MS.
import { sql, type Transaction } from 'kysely';
import type { CarrierAdapter, CarrierContext, CarrierError, TrackResult, TrackingEventInput } from '../carriers/types.js';
import type { Deps } from '../deps.js';
import type { Database, ShipmentRow } from '../db/schema.js';
import { ingestEvents, lockedForFold, viewOfRow, type ShipmentBatchItem } from '../shipments/ingest.js';
import { commandOccurredAt, decideCommand } from '../shipments/status.js';
import { foldStateOf } from '../shipments/ingest.js';
import { TERMINAL_STATUSES, type ShipmentStatus } from '../shipments/vocabulary.js';
import type { AccountGate } from './account.js';
import { isPushLive, planNextPoll, PRIORITY, type CadenceSettings, type PollPlan } from './cadence.js';

const DUE_PAGE = 500;
const RUN_BUDGET_MS = 45_000;
/** A batch the carrier refused as malformed is tried again this much later (it will not improve sooner). */
const REFUSED_RETRY_MS = 3_600_000;

export type PollRunResult = { requests: number; polled: number; stored: number; stoppedBy: 'nothing_due' | 'rate' | 'quota' | 'pacing' | 'carrier_failure' | 'time'; resumeAt: Date | null };

type DueRow = { shipment_id: string; tracking_number: string; priority: number; not_found: number; last_push_at: string | null; expires_at: string | null };

export async function pollDueShipments(deps: Deps, brandId: string, adapter: CarrierAdapter, ctx: CarrierContext, gate: AccountGate): Promise<PollRunResult> {
  const started = performance.now();
  const result: PollRunResult = { requests: 0, polled: 0, stored: 0, stoppedBy: 'nothing_due', resumeAt: null };
  const settings: CadenceSettings = deps.config.polling;
  for (;;) {
    const due = await dueRows(deps, brandId, adapter.code);
    if (due.length === 0) return result;
    for (let i = 0; i < due.length; i += adapter.maxBatchSize) {
      const batch = due.slice(i, i + adapter.maxBatchSize);
      if (performance.now() - started > RUN_BUDGET_MS) return { ...result, stoppedBy: 'time', resumeAt: deps.clock.now() };
      const admitted = gate.take(batch[0]!.priority);
      if (!admitted.ok) {
        const resumeAt = admitted.reason === 'rate' ? new Date(deps.clock.now().getTime() + admitted.waitMs) : null;
        return { ...result, stoppedBy: admitted.reason, resumeAt };
      }
      result.requests += 1;
      const answer = await adapter.track(ctx, batch.map((row) => row.tracking_number));
      deps.metrics.carrierRequests.inc({ carrier: adapter.code, outcome: answer.ok ? 'ok' : answer.error.code });
      if (!answer.ok) {
        if (stopsTheAccount(answer.error)) {
          gate.failed(answer.error);
          return { ...result, stoppedBy: 'carrier_failure' };
        }
        await postpone(deps, batch, REFUSED_RETRY_MS);
        continue;
      }
      gate.succeeded();
      const saved = await saveAnswers(deps, batch, answer.value, settings);
      result.polled += batch.length;
      result.stored += saved;
    }
    if (due.length < DUE_PAGE) return result;
  }
}

const stopsTheAccount = (error: CarrierError): boolean => error.retryable || error.code === 'auth_failed';

async function dueRows(deps: Deps, brandId: string, carrier: string): Promise<DueRow[]> {
  const now = deps.clock.now().toISOString();
  return deps.db
    .selectFrom('shipment_polls as p')
    .innerJoin('shipments as s', 's.id', 'p.shipment_id')
    .leftJoin('push_subscriptions as sub', (join) => join.onRef('sub.shipment_id', '=', 'p.shipment_id').on('sub.state', '=', 'active'))
    // A parcel that went out for delivery since its last poll (a webhook, a person) is urgent now.
    .select((eb) => ['p.shipment_id', 's.tracking_number', eb.case().when('s.status', '=', 'out_for_delivery').then(sql.lit(PRIORITY.nearDelivery)).else(eb.ref('p.priority')).end().as('priority'), 'p.not_found', 'p.last_push_at', 'sub.expires_at'])
    .where('p.brand_id', '=', brandId)
    .where('p.carrier', '=', carrier)
    .where('p.next_poll_at', '<=', now)
    .where('s.status', 'not in', TERMINAL_STATUSES)
    .orderBy('priority')
    .orderBy('p.next_poll_at')
    .limit(DUE_PAGE)
    .execute();
}

async function postpone(deps: Deps, batch: readonly DueRow[], ms: number): Promise<void> {
  const next = new Date(deps.clock.now().getTime() + ms).toISOString();
  await deps.db.updateTable('shipment_polls').set({ next_poll_at: next }).where('shipment_id', 'in', batch.map((r) => r.shipment_id)).execute();
}

/** Ingests one batch's answers and plans each parcel's next poll, in one transaction. Returns the events stored. */
async function saveAnswers(deps: Deps, batch: readonly DueRow[], results: readonly TrackResult[], settings: CadenceSettings): Promise<number> {
  const now = deps.clock.now();
  const byNumber = new Map(results.map((r) => [r.trackingNumber.replace(/\s+/g, '').toUpperCase(), r]));
  let stored = 0;
  let statusChanged = false;
  await deps.db.transaction().execute(async (trx) => {
    const ids = batch.map((r) => r.shipment_id).sort();
    const shipments = await lockedForFold(trx.selectFrom('shipments').selectAll().where('id', 'in', ids).orderBy('id'), deps.dialect).execute();
    const rowOf = new Map(batch.map((r) => [r.shipment_id, r]));
    const items: ShipmentBatchItem[] = [];
    const notFound = new Set<string>();
    for (const shipment of shipments) {
      const answer = byNumber.get(shipment.tracking_number) ?? (results.length === 1 && batch.length === 1 ? results[0] : undefined);
      if (answer?.found) items.push({ shipment, source: 'carrier_poll', events: answer.events, estimatedDelivery: answer.estimatedDelivery ?? null });
      else notFound.add(shipment.id);
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
