// Polling one carrier account: the parcels that are due, most urgent first, in batches as large as
// the carrier's API takes, each request admitted by the account's limiter first.
//   due rows (priority, then most overdue) → batch → gate.take → adapter.track
//     ok       → saved 30 parcels at a time (poll-results.ts): new scans through ingestEvents, and
//                each parcel's next poll planned from its new status
//     429/5xx  → the account pauses (Retry-After or back-off); the batch stays due, nothing is lost
//     refused  → those parcels are tried again in an hour; the run goes on
// A run stops when nothing is due, the rate window is full (a continuation is queued for when it
// frees up), the day's (paced) quota is spent, or it has run for RUN_BUDGET_MS.
import type { CarrierAdapter, CarrierContext, TrackResult } from '../carriers/types.js';
import type { Deps } from '../deps.js';
import { TERMINAL_STATUSES } from '../shipments/vocabulary.js';
import { type AccountGate, stopsTheAccount } from './account.js';
import { PRIORITY } from './cadence.js';
import { saveAnswersApart } from './poll-results.js';

const DUE_PAGE = 500;
const RUN_BUDGET_MS = 45_000;
/** A batch the carrier refused as malformed is tried again this much later (it will not improve sooner). */
const REFUSED_RETRY_MS = 3_600_000;
const EARLY_MS = 2 * 3_600_000;
const SAVE_EVERY = 30;
const BATCH_WAIT_MS = 15 * 60_000;

export type PollRunResult = { requests: number; polled: number; stored: number; stoppedBy: 'nothing_due' | 'rate' | 'quota' | 'pacing' | 'carrier_failure' | 'time'; resumeAt: Date | null };

export type DueRow = { shipment_id: string; tracking_number: string; priority: number; next_poll_at: string | null; not_found: number; last_push_at: string | null; expires_at: string | null };

export async function pollDueShipments(deps: Deps, brandId: string, adapter: CarrierAdapter, ctx: CarrierContext, gate: AccountGate): Promise<PollRunResult> {
  const result: PollRunResult = { requests: 0, polled: 0, stored: 0, stoppedBy: 'nothing_due', resumeAt: null };
  // Answers are saved a few requests at a time (one transaction for up to SAVE_EVERY parcels):
  // a crash loses only polls, which are simply made again.
  const pending = { rows: [] as DueRow[], results: [] as TrackResult[] };
  const flush = async () => {
    if (pending.rows.length === 0) return;
    const { rows, results } = pending;
    pending.rows = [];
    pending.results = [];
    result.stored += await saveAnswersApart(deps, rows, results, deps.config.polling);
    result.polled += rows.length;
  };
  let stop: Pick<PollRunResult, 'stoppedBy' | 'resumeAt'>;
  try {
    const answered = async (batch: DueRow[], results: readonly TrackResult[]) => {
      pending.rows.push(...batch);
      // A single-number answer belongs to the number asked, whatever spelling the carrier gave back.
      pending.results.push(...(batch.length === 1 && results.length === 1 ? [{ ...results[0]!, trackingNumber: batch[0]!.tracking_number }] : results));
      if (pending.rows.length >= SAVE_EVERY) await flush();
    };
    stop = await pollPages(deps, brandId, adapter, ctx, gate, result, answered, flush);
  } finally {
    await flush();
  }
  return { ...result, ...stop };
}

async function pollPages(
  deps: Deps,
  brandId: string,
  adapter: CarrierAdapter,
  ctx: CarrierContext,
  gate: AccountGate,
  result: PollRunResult,
  answered: (batch: DueRow[], results: readonly TrackResult[]) => Promise<void>,
  saveAnswered: () => Promise<void>,
): Promise<Pick<PollRunResult, 'stoppedBy' | 'resumeAt'>> {
  const started = performance.now();
  const resumeAfter = (ms: number) => new Date(deps.clock.now().getTime() + ms);
  for (;;) {
    // No more parcels than the limits let through now (a starved account must not read its whole backlog each time).
    const page = Math.min(DUE_PAGE, gate.headroom(PRIORITY.nearDelivery) * adapter.maxBatchSize);
    if (page === 0) {
      const verdict = gate.peek(PRIORITY.nearDelivery);
      return verdict.ok ? { stoppedBy: 'nothing_due', resumeAt: null } : { stoppedBy: verdict.reason, resumeAt: verdict.reason === 'rate' ? resumeAfter(verdict.waitMs) : null };
    }
    await saveAnswered(); // what was polled is no longer due
    const due = await withEarlyRows(deps, brandId, adapter, await fullBatchesOrWaited(deps, adapter, await dueRows(deps, brandId, adapter.code, page)), page);
    if (due.length === 0) return { stoppedBy: 'nothing_due', resumeAt: null };
    for (let i = 0; i < due.length; i += adapter.maxBatchSize) {
      const batch = due.slice(i, i + adapter.maxBatchSize);
      if (performance.now() - started > RUN_BUDGET_MS) return { stoppedBy: 'time', resumeAt: deps.clock.now() };
      const admitted = await gate.take(batch[0]!.priority);
      if (!admitted.ok) return { stoppedBy: admitted.reason, resumeAt: admitted.reason === 'rate' ? resumeAfter(admitted.waitMs) : null };
      result.requests += 1;
      const answer = await adapter.track(ctx, batch.map((row) => row.tracking_number));
      deps.metrics.carrierRequests.inc({ carrier: adapter.code, outcome: answer.ok ? 'ok' : answer.error.code });
      if (!answer.ok) {
        if (stopsTheAccount(answer.error)) {
          await gate.failed(answer.error);
          return { stoppedBy: 'carrier_failure', resumeAt: null };
        }
        await postpone(deps, batch, REFUSED_RETRY_MS);
        continue;
      }
      await gate.succeeded();
      await answered(batch, answer.value);
    }
    if (due.length < page) return { stoppedBy: 'nothing_due', resumeAt: null };
  }
}

/** The brand's active parcels of this carrier with what planning their poll needs; callers add the time window. */
function pollRows(deps: Deps, brandId: string, carrier: string) {
  return (
    deps.db
      .selectFrom('shipment_polls as p')
      .innerJoin('shipments as s', 's.id', 'p.shipment_id')
      .leftJoin('push_subscriptions as sub', (join) => join.onRef('sub.shipment_id', '=', 'p.shipment_id').on('sub.state', '=', 'active'))
      .select(['p.shipment_id', 's.tracking_number', 'p.priority', 'p.next_poll_at', 'p.not_found', 'p.last_push_at', 'sub.expires_at'])
      .where('p.brand_id', '=', brandId)
      .where('p.carrier', '=', carrier)
      .where('s.status', 'not in', TERMINAL_STATUSES)
  );
}

/** Due parcels, most urgent first and the longest overdue first within a priority: one index range per priority. */
async function dueRows(deps: Deps, brandId: string, carrier: string, limit: number): Promise<DueRow[]> {
  const now = deps.clock.now().toISOString();
  const rows: DueRow[] = [];
  for (const priority of Object.values(PRIORITY)) {
    if (rows.length >= limit) break;
    const page = await pollRows(deps, brandId, carrier).where('p.priority', '=', priority).where('p.next_poll_at', '<=', now).orderBy('p.next_poll_at').limit(limit - rows.length).execute();
    rows.push(...page);
  }
  return rows;
}

/**
 * A carrier that takes several numbers a request gets full batches: a partial one waits (other
 * parcels fall due meanwhile) unless a parcel in it is near delivery or has waited BATCH_WAIT_MS.
 */
async function fullBatchesOrWaited(deps: Deps, adapter: CarrierAdapter, due: DueRow[]): Promise<DueRow[]> {
  const size = adapter.maxBatchSize;
  const full = due.length - (due.length % size);
  const rest = due.slice(full);
  if (size === 1 || rest.length === 0) return due;
  const waitedSince = new Date(deps.clock.now().getTime() - BATCH_WAIT_MS).toISOString();
  const urgent = rest.some((row) => row.priority === PRIORITY.nearDelivery || (row.next_poll_at ?? '') <= waitedSince);
  return urgent ? due : due.slice(0, full);
}

/**
 * A request that carries several numbers (FedEx: 30) costs the same full or not, so a partly filled
 * last batch takes parcels due within EARLY_MS as well, soonest first: their poll comes a little
 * early, for free.
 */
async function withEarlyRows(deps: Deps, brandId: string, adapter: CarrierAdapter, due: DueRow[], page: number): Promise<DueRow[]> {
  const room = (adapter.maxBatchSize - (due.length % adapter.maxBatchSize)) % adapter.maxBatchSize;
  if (room === 0 || due.length === 0 || due.length >= page) return due;
  const now = deps.clock.now();
  const early = await pollRows(deps, brandId, adapter.code)
    .where('p.next_poll_at', '>', now.toISOString())
    .where('p.next_poll_at', '<=', new Date(now.getTime() + EARLY_MS).toISOString())
    .orderBy('p.next_poll_at')
    .limit(room)
    .execute();
  return [...due, ...early];
}

async function postpone(deps: Deps, batch: readonly DueRow[], ms: number): Promise<void> {
  const next = new Date(deps.clock.now().getTime() + ms).toISOString();
  await deps.db.updateTable('shipment_polls').set({ next_poll_at: next }).where('shipment_id', 'in', batch.map((r) => r.shipment_id)).execute();
}
