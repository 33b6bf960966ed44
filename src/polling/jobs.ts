// The poll scheduler's jobs.
//   carriers.poll_discover (every 5 minutes for the last hour's parcels, every 6 hours for all): give active
//     shipments of connected carriers a poll row, and expire parcels with no carrier data for
//     POLL_EXPIRE_AFTER_DAYS.
//   carriers.poll_tick (every POLL_TICK_SECONDS): queue one account job per connected brand × carrier.
//   carriers.poll_account {brandId, carrier}: under the account's lease — Track Alert subscriptions
//     (UPS), then the due polls (poll-run.ts), then the quota report (report.ts). When the rate
//     window stopped it early, a continuation is queued for when the window frees up.
import { connectedCarrier } from '../carriers/connections.js';
import type { Deps } from '../deps.js';
import { enqueueJob, enqueueJobs } from '../jobs/queue.js';
import { AppError } from '../lib/errors.js';
import { TERMINAL_STATUSES } from '../shipments/vocabulary.js';
import { withAccount } from './account.js';
import { PRIORITY } from './cadence.js';
import { expireShipments } from './poll-results.js';
import { pollDueShipments } from './poll-run.js';
import { keepTrackAlertSubscriptions } from './push-subscriptions.js';
import { refreshReport } from './report.js';

export const POLL_TICK_JOB = 'carriers.poll_tick';
export const POLL_ACCOUNT_JOB = 'carriers.poll_account';
export const POLLED_CARRIERS = ['ups', 'fedex', 'usps', 'dhl'] as const;
const DISCOVER_PER_RUN = 20_000;

export const POLL_DISCOVER_JOB = 'carriers.poll_discover';
/**
 * Two schedules run the discovery: every 5 minutes over the parcels created in the last hour (new
 * parcels wait at most that long for their first poll; carriers take 10–30 minutes to know a label
 * anyway), and every 6 hours over all of them (any missed), expiring stale parcels too.
 */
export const DISCOVERY_SCHEDULES = [
  { name: 'carrier-poll-discover', everySeconds: 300 },
  { name: 'carrier-poll-discover-all', everySeconds: 6 * 3600 },
] as const;
const RECENT_MS = 3_600_000;

/** Gives new parcels a poll row; the full run (any run but the 5-minute one) also expires stale parcels. */
export async function runPollDiscover(deps: Deps, payload?: { schedule?: string }): Promise<void> {
  const now = deps.clock.now();
  const recentOnly = payload?.schedule === DISCOVERY_SCHEDULES[0].name;
  await discoverShipments(deps, now, recentOnly ? new Date(now.getTime() - RECENT_MS) : null);
  if (!recentOnly) await expireStale(deps, now);
}

export async function runPollTick(deps: Deps): Promise<void> {
  const now = deps.clock.now();
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

/**
 * Active shipments of a connected carrier without a poll row get one, due now: those created since
 * `since` (the created_at index finds them; rows that exist are left alone), or, with no `since`,
 * every one that lacks a row.
 */
async function discoverShipments(deps: Deps, now: Date, since: Date | null): Promise<void> {
  const connected = await deps.db.selectFrom('carrier_connections').select(['brand_id', 'carrier']).where('status', '=', 'connected').where('carrier', 'in', POLLED_CARRIERS).execute();
  const accounts = new Set(connected.map((c) => `${c.brand_id}|${c.carrier}`));
  if (accounts.size === 0) return;
  const candidates = since
    ? await deps.db.selectFrom('shipments').select(['id', 'brand_id', 'carrier', 'status']).where('created_at', '>=', since.toISOString()).where('status', 'not in', TERMINAL_STATUSES).execute()
    : await deps.db
        .selectFrom('shipments as s')
        .select(['s.id', 's.brand_id', 's.carrier', 's.status'])
        .where('s.status', 'not in', TERMINAL_STATUSES)
        .where('s.carrier', 'in', POLLED_CARRIERS)
        .where((w) => w.not(w.exists(w.selectFrom('shipment_polls as p').select('p.shipment_id').whereRef('p.shipment_id', '=', 's.id'))))
        .limit(DISCOVER_PER_RUN)
        .execute();
  const at = now.toISOString();
  const rows = candidates
    .filter((s) => accounts.has(`${s.brand_id}|${s.carrier}`))
    .map((s) => ({ shipment_id: s.id, brand_id: s.brand_id, carrier: s.carrier, next_poll_at: at, priority: initialPriority(s.status), interval_seconds: 3600, polls: 0, not_found: 0, created_at: at }));
  for (let i = 0; i < rows.length; i += 200) {
    await deps.db.insertInto('shipment_polls').values(rows.slice(i, i + 200)).onConflict((oc) => oc.column('shipment_id').doNothing()).execute();
  }
}

/** Before its first poll, a parcel is as urgent as its status says (a person or a webhook may have set it). */
function initialPriority(status: string): number {
  if (status === 'out_for_delivery') return PRIORITY.nearDelivery;
  if (status === 'attempt_failed' || status === 'available_for_pickup' || status === 'exception') return PRIORITY.actionNeeded;
  return status === 'in_transit' ? PRIORITY.moving : PRIORITY.notMovingYet;
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
