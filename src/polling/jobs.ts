// The poll scheduler's jobs.
//   carriers.poll_tick (every POLL_TICK_SECONDS): give new active shipments of connected carriers a
//     poll row, expire parcels with no carrier data for POLL_EXPIRE_AFTER_DAYS, and queue one
//     account job per connected brand × carrier.
//   carriers.poll_account {brandId, carrier}: under the account's lease — Track Alert subscriptions
//     (UPS), then the due polls (poll-run.ts), then the quota report (report.ts). When the rate
//     window stopped it early, a continuation is queued for when the window frees up.
import { sql } from 'kysely';
import { connectedCarrier } from '../carriers/connections.js';
import type { Deps } from '../deps.js';
import { enqueueJob, enqueueJobs } from '../jobs/queue.js';
import { AppError } from '../lib/errors.js';
import { TERMINAL_STATUSES } from '../shipments/vocabulary.js';
import { withAccount } from './account.js';
import { PRIORITY } from './cadence.js';
import { expireShipments, pollDueShipments } from './poll-run.js';
import { keepTrackAlertSubscriptions } from './push-subscriptions.js';
import { refreshReport } from './report.js';

export const POLL_TICK_JOB = 'carriers.poll_tick';
export const POLL_ACCOUNT_JOB = 'carriers.poll_account';
export const POLLED_CARRIERS = ['ups', 'fedex', 'usps', 'dhl'] as const;
const DISCOVER_PER_TICK = 20_000;

export async function runPollTick(deps: Deps): Promise<void> {
  const now = deps.clock.now();
  await discoverShipments(deps, now);
  await expireStale(deps, now);
  const accounts = await deps.db
    .selectFrom('carrier_connections')
    .select(['brand_id', 'carrier'])
    .where('status', '=', 'connected')
    .where('carrier', 'in', POLLED_CARRIERS)
    .execute();
  const second = Math.floor(now.getTime() / 1000);
  await enqueueJobs(
    deps.db,
    now,
    accounts.map((a) => ({ kind: POLL_ACCOUNT_JOB, payload: { brandId: a.brand_id, carrier: a.carrier }, maxAttempts: 1, idempotencyKey: `poll:${a.brand_id}:${a.carrier}:${second}` })),
  );
  if (accounts.length > 0) deps.notifyJobsEnqueued();
}

/** Active shipments of a connected carrier without a poll row get one, due now. */
async function discoverShipments(deps: Deps, now: Date): Promise<void> {
  const at = now.toISOString();
  await deps.db
    .insertInto('shipment_polls')
    .columns(['shipment_id', 'brand_id', 'carrier', 'next_poll_at', 'priority', 'interval_seconds', 'polls', 'not_found', 'created_at'])
    .expression((eb) =>
      eb
        .selectFrom('shipments as s')
        .innerJoin('carrier_connections as c', (join) => join.onRef('c.brand_id', '=', 's.brand_id').onRef('c.carrier', '=', 's.carrier').on('c.status', '=', 'connected'))
        .select([
          's.id',
          's.brand_id',
          's.carrier',
          sql<string>`cast(${at} as text)`.as('next_poll_at'),
          (e) =>
            e
              .case()
              .when('s.status', '=', 'out_for_delivery')
              .then(sql.lit(PRIORITY.nearDelivery))
              .when('s.status', 'in', ['attempt_failed', 'available_for_pickup', 'exception'])
              .then(sql.lit(PRIORITY.actionNeeded))
              .when('s.status', '=', 'in_transit')
              .then(sql.lit(PRIORITY.moving))
              .else(sql.lit(PRIORITY.notMovingYet))
              .end()
              .as('priority'),
          sql<number>`3600`.as('interval_seconds'),
          sql<number>`0`.as('polls'),
          sql<number>`0`.as('not_found'),
          sql<string>`cast(${at} as text)`.as('created_at'),
        ])
        .where('s.status', 'not in', TERMINAL_STATUSES)
        .where('s.carrier', 'in', POLLED_CARRIERS)
        .where((w) => w.not(w.exists(w.selectFrom('shipment_polls as p').select('p.shipment_id').whereRef('p.shipment_id', '=', 's.id'))))
        .limit(DISCOVER_PER_TICK),
    )
    .onConflict((oc) => oc.column('shipment_id').doNothing())
    .execute();
}

/** Polled parcels whose newest carrier data (or creation) is older than POLL_EXPIRE_AFTER_DAYS, polled or not. */
async function expireStale(deps: Deps, now: Date): Promise<void> {
  const cutoff = new Date(now.getTime() - deps.config.polling.expireAfterDays * 86_400_000).toISOString();
  for (;;) {
    const changed = await deps.db.transaction().execute(async (trx) => {
      const query = trx
        .selectFrom('shipments as s')
        .innerJoin('shipment_polls as p', 'p.shipment_id', 's.id')
        .selectAll('s')
        .where('p.next_poll_at', 'is not', null)
        .where('s.status', 'not in', TERMINAL_STATUSES)
        .where((eb) => eb(eb.fn.coalesce('s.last_event_at', 's.created_at'), '<', cutoff))
        .orderBy('s.id')
        .limit(200);
      const stale = await (deps.dialect === 'postgres' ? query.forUpdate('s') : query).execute();
      if (stale.length === 0) return null;
      return { count: stale.length, statusChanged: await expireShipments(trx, now, stale) };
    });
    if (!changed) return;
    if (changed.statusChanged) deps.notifyJobsEnqueued();
    if (changed.count < 200) return;
  }
}

export async function runPollAccount(deps: Deps, payload: { brandId: string; carrier: string }): Promise<void> {
  let connection;
  try {
    connection = await connectedCarrier(deps, payload.brandId, payload.carrier);
  } catch (error) {
    if (error instanceof AppError) return; // disconnected since the tick: nothing to do
    throw error;
  }
  const { adapter, ctx } = connection;
  const run = await withAccount(deps, payload.brandId, payload.carrier, adapter.name, async (gate) => {
    if (adapter.code === 'ups') await keepTrackAlertSubscriptions(deps, payload.brandId, ctx, gate);
    const polled = gate.pausedUntil ? null : await pollDueShipments(deps, payload.brandId, adapter, ctx, gate);
    await refreshReport(deps, payload.brandId, adapter, gate);
    return polled;
  });
  const resumeAt = run.outcome === 'ran' ? run.value?.resumeAt : null;
  if (resumeAt) {
    await enqueueJob(deps.db, deps.clock.now(), {
      kind: POLL_ACCOUNT_JOB,
      payload,
      runAt: resumeAt,
      maxAttempts: 1,
      idempotencyKey: `poll:${payload.brandId}:${payload.carrier}:resume:${resumeAt.getTime()}`,
    });
  }
}
