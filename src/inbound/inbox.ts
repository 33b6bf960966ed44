// The inbox of carrier and aggregator webhooks. A verified delivery is stored under its own event
// id (unique per brand and source: brands sharing an aggregator account get the same ids) together with a job to process it, in one transaction, before the sender
// hears 2xx; the same delivery sent again is stored once. Processing takes stored deliveries in
// batches, one transaction each:
//   parse → find each parcel's shipment (brand + tracking number, carrier when named) → give each
//   update that does not move the parcel (keep_previous) the status at its own time → ingestEvents
//   → the delivery is `processed`, or `parked` when no shipment has its number (retried later:
//   the shipment may not be created yet), or `failed` when its body cannot be read any more.
// Ingest and the delivery's new state commit together, so a crash at any point processes it once.
import { lockedForUpdate } from '../db/locks.js';
import { sql, type Transaction } from 'kysely';
import type { InboundUpdate } from '../carriers/aggregator-kit.js';
import type { DraftEvent } from '../carriers/parse-kit.js';
import { KNOWN_CARRIERS } from '../carriers/registry.js';
import type { Deps } from '../deps.js';
import type { Database, InboundEventRow, ShipmentRow } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { enqueueJob } from '../jobs/queue.js';
import { withoutControlCharacters } from '../lib/control-characters.js';
import { carryStatusesByTime, type StoredEvent } from '../shipments/carried.js';
import { ingestEvents, type ShipmentBatchItem } from '../shipments/ingest.js';
import type { EventSource } from '../shipments/vocabulary.js';
import { INBOUND_SOURCES, type InboundSource } from './sources.js';

export const INBOUND_PROCESS_JOB = 'inbound.process';
export const INBOUND_SWEEP_JOB = 'inbound.sweep';
export const INBOUND_SWEEP_EVERY_SECONDS = 60;

const BATCH = 200;
/** A parked delivery is tried again after 5 min, 15 min, 45 min, … at most every 6 hours, for the retention period. */
export const parkedRetryDelayMs = (attempts: number): number => Math.min(6 * 3_600_000, 5 * 60_000 * 3 ** Math.max(0, attempts - 1));

export type Delivery = { source: InboundSource; eventId: string; brandId: string; headers: Record<string, string>; body: string };

/**
 * Stores a delivery and schedules its processing. Deliveries of the same second share one job,
 * due a second later, so a burst is processed in batches rather than one by one.
 */
export async function storeDelivery(deps: Deps, delivery: Delivery): Promise<{ stored: boolean }> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const second = Math.floor(now.getTime() / 1000);
  // This second's job is already queued (by this process): the row alone is enough.
  const jobQueued = queuedSecond.get(deps) === second;
  const stored = await deps.db.transaction().execute(async (trx) => {
    const inserted = await trx
      .insertInto('inbound_events')
      .values({
        id: newId('inbound'),
        source: delivery.source,
        source_event_id: delivery.eventId.slice(0, 500),
        brand_id: delivery.brandId,
        received_at: at,
        headers: JSON.stringify(delivery.headers),
        body: delivery.body,
        state: 'received',
        processed_at: null,
        error: null,
      })
      .onConflict((oc) => oc.columns(['brand_id', 'source', 'source_event_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (!inserted) return false;
    if (!jobQueued) await enqueueInboxRun(trx, now, `inbound:process:${second}`, new Date((second + 1) * 1000));
    return true;
  });
  if (stored) queuedSecond.set(deps, second);
  if (stored) deps.notifyJobsEnqueued();
  deps.metrics.inboundWebhooks.inc({ source: delivery.source, outcome: stored ? 'stored' : 'duplicate' });
  return { stored };
}

const queuedSecond = new WeakMap<Deps, number>();

/** Queues a run of processInbox (it takes every received delivery, not only those that asked for it). */
export const enqueueInboxRun = (trx: Transaction<Database>, now: Date, idempotencyKey: string, runAt?: Date): Promise<void> =>
  enqueueJob(trx, now, { kind: INBOUND_PROCESS_JOB, payload: {}, maxAttempts: 5, idempotencyKey, ...(runAt ? { runAt } : {}) });

/** How many runs a delivery that fails on its own gets before it is set aside as `failed`. */
export const ISOLATED_FAILURES_BEFORE_FAILED = 3;

/**
 * Processes every stored delivery, batch after batch. Returns how many deliveries it settled.
 * A batch that throws is taken again one delivery at a time, so one delivery nothing foresaw (a
 * shipment whose stored state is damaged, say) cannot hold back the rest: the ones that go
 * through are processed, the one that fails alone keeps its error and is left for the next run,
 * and after ISOLATED_FAILURES_BEFORE_FAILED such runs it is `failed` (the retry route sends it
 * back). When the database itself is unreachable or locked, reading the batch or writing that note
 * fails too: the error is thrown, nothing is marked, and the job's retries take it from there.
 */
export async function processInbox(deps: Deps, options: { maxBatches?: number } = {}): Promise<number> {
  let settled = 0;
  const failedAlone = new Set<string>(); // left for the next run
  for (let batch = 0; batch < (options.maxBatches ?? 50); batch++) {
    let count: number;
    try {
      count = await processBatch(deps, { skip: failedAlone });
    } catch (batchError) {
      deps.log.warn({ err: batchError }, 'a batch of inbound deliveries failed: taking them one at a time');
      count = await processOneByOne(deps, failedAlone);
    }
    settled += count;
    if (count < BATCH) break;
  }
  return settled;
}

async function processOneByOne(deps: Deps, failedAlone: Set<string>): Promise<number> {
  const ids = await waiting(deps.db, { skip: failedAlone }).select('id').execute();
  let settled = 0;
  for (const { id } of ids) {
    try {
      settled += await processBatch(deps, { only: id });
    } catch (error) {
      await recordFailureAlone(deps, id, error);
      failedAlone.add(id);
      settled++;
    }
  }
  return settled;
}

type Selection = { skip?: ReadonlySet<string>; only?: string };

/** The received deliveries a batch takes, oldest first: the next ones (except those to skip) or the one named. */
function waiting(db: Deps['db'] | Transaction<Database>, pick: Selection) {
  let query = db.selectFrom('inbound_events').where('state', '=', 'received').where('source', 'in', [...INBOUND_SOURCES.keys()]);
  if (pick.only) query = query.where('id', '=', pick.only);
  if (pick.skip && pick.skip.size > 0) query = query.where('id', 'not in', [...pick.skip]);
  return query.orderBy('received_at').orderBy('id').limit(BATCH);
}

async function recordFailureAlone(deps: Deps, id: string, error: unknown): Promise<void> {
  const row = await deps.db.selectFrom('inbound_events').select(['attempts', 'failed_runs', 'state']).where('id', '=', id).executeTakeFirst();
  if (!row || row.state !== 'received') return;
  // Its own failed runs decide, not its attempts: those count the parkings that came before too.
  const runs = row.failed_runs + 1;
  const failed = runs >= ISOLATED_FAILURES_BEFORE_FAILED;
  const message = withoutControlCharacters(error instanceof Error ? error.message : String(error));
  deps.log.error({ err: error, deliveryId: id, failedRuns: runs }, failed ? 'an inbound delivery failed on its own again: set aside as failed' : 'an inbound delivery failed on its own: left for the next run');
  await deps.db
    .updateTable('inbound_events')
    .set({
      state: failed ? 'failed' : 'received',
      attempts: row.attempts + 1,
      failed_runs: runs,
      error: `processing failed (run ${runs} of ${ISOLATED_FAILURES_BEFORE_FAILED}): ${message}`.slice(0, 1000),
      ...(failed ? { processed_at: deps.clock.now().toISOString(), retry_at: null } : {}),
    })
    .where('id', '=', id)
    .where('state', '=', 'received')
    .execute();
}

type Settled = { row: InboundEventRow; state: 'processed' | 'parked' | 'failed'; error: string | null; shipmentId?: string };

/** One transaction: the next batch of received deliveries (or the one named), except those to skip. */
async function processBatch(deps: Deps, pick: Selection): Promise<number> {
  const now = deps.clock.now();
  let statusChanged = false;
  const count = await deps.db.transaction().execute(async (trx) => {
    let query = waiting(trx, pick).selectAll();
    if (deps.dialect === 'postgres') query = query.forUpdate().skipLocked();
    const rows = await query.execute();
    if (rows.length === 0) return 0;

    const parsed = rows.map((row) => ({ row, update: INBOUND_SOURCES.get(row.source as InboundSource)!.parse(row.body) }));
    const numbers = [...new Set(parsed.flatMap((p) => (p.update.ok ? [p.update.value.trackingNumber] : [])))];
    const brands = [...new Set(rows.map((r) => r.brand_id).filter((b): b is string => b !== null))];
    const shipments = await lockShipments(trx, deps.dialect, brands, numbers);

    const settled: Settled[] = [];
    // Each shipment's deliveries of the batch, merged: their events stay drafts until all are in.
    const drafts = new Map<string, { shipment: ShipmentRow; source: EventSource; events: DraftEvent[]; estimatedDelivery: ShipmentBatchItem['estimatedDelivery'] }>();
    for (const { row, update } of parsed) {
      if (!update.ok) {
        settled.push({ row, state: 'failed', error: `${update.error.field} ${update.error.problem}` });
        continue;
      }
      const match = matchShipment(shipments, row.brand_id, update.value);
      if (!match.ok) {
        settled.push({ row, state: 'parked', error: match.error });
        continue;
      }
      const shipment = match.value;
      const existing = drafts.get(shipment.id);
      const estimate = update.value.estimatedDelivery ?? existing?.estimatedDelivery ?? null;
      drafts.set(shipment.id, { shipment, source: INBOUND_SOURCES.get(row.source as InboundSource)!.eventSource, events: [...(existing?.events ?? []), ...update.value.events], estimatedDelivery: estimate });
      settled.push({ row, state: 'processed', error: null, shipmentId: shipment.id });
    }

    // An update that does not move the parcel takes the status at its own time, from the stored
    // events and the whole batch (not the row as read before it), and never decides the status.
    const carrying = [...drafts.values()].filter((d) => d.events.some((e) => e.status === 'keep_previous')).map((d) => d.shipment.id);
    const stored = await storedEventsOf(trx, carrying);
    const items = new Map<string, ShipmentBatchItem & { source: EventSource }>(
      [...drafts].map(([id, d]) => [id, { ...d, events: carryStatusesByTime(d.events, stored.get(id) ?? []) }]),
    );
    const ordered = [...items.values()].sort((a, b) => (a.shipment.id < b.shipment.id ? -1 : 1));
    const outcomes = await ingestEvents(trx, now, ordered);
    statusChanged = outcomes.some((o) => o.statusChanged);
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.stored) deps.metrics.eventsStored.inc({ source: ordered[index]!.source }, outcome.stored);
      if (outcome.duplicates) deps.metrics.eventsDuplicate.inc({ source: ordered[index]!.source }, outcome.duplicates);
      if (outcome.statusChanged) deps.metrics.statusChanges.inc({ status: outcome.after.status });
    }
    await saveSettled(trx, settled, now);
    // A parcel that hears from a webhook has a live push source: polling backs off to a safety net.
    const heard = [...items.keys()];
    for (let i = 0; i < heard.length; i += 500) {
      await trx.updateTable('shipment_polls').set({ last_push_at: now.toISOString() }).where('shipment_id', 'in', heard.slice(i, i + 500)).execute();
    }
    return rows.length;
  });
  if (statusChanged) deps.notifyJobsEnqueued();
  return count;
}

/** The shipments these numbers may belong to, locked for folding (the brand + carrier + number index finds them). */
async function lockShipments(trx: Transaction<Database>, dialect: Deps['dialect'], brands: string[], numbers: string[]): Promise<ShipmentRow[]> {
  const rows: ShipmentRow[] = [];
  if (brands.length === 0) return rows;
  for (let i = 0; i < numbers.length; i += 500) {
    const query = trx
      .selectFrom('shipments')
      .selectAll()
      .where('brand_id', 'in', brands)
      .where('carrier', 'in', KNOWN_CARRIERS)
      .where('tracking_number', 'in', numbers.slice(i, i + 500))
      .orderBy('id');
    rows.push(...(await lockedForUpdate(query, dialect).execute()));
  }
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1));
}

/** What the updates that do not move a parcel carry their status from: these shipments' stored events (their rows are locked already). */
async function storedEventsOf(trx: Transaction<Database>, shipmentIds: readonly string[]): Promise<Map<string, StoredEvent[]>> {
  const byShipment = new Map<string, StoredEvent[]>();
  for (let i = 0; i < shipmentIds.length; i += 500) {
    const rows = await trx
      .selectFrom('tracking_events')
      .select(['shipment_id', 'dedupe_key', 'status', 'reason', 'delayed', 'occurred_at', 'status_carried'])
      .where('shipment_id', 'in', shipmentIds.slice(i, i + 500))
      .execute();
    for (const row of rows) {
      const events = byShipment.get(row.shipment_id) ?? [];
      events.push(row);
      byShipment.set(row.shipment_id, events);
    }
  }
  return byShipment;
}

/** The brand's shipment with this number: the named carrier's when there are several, the only one otherwise. */
export function matchShipment(shipments: readonly ShipmentRow[], brandId: string | null, update: Pick<InboundUpdate, 'carrier' | 'trackingNumber'>) {
  const candidates = shipments.filter((s) => s.brand_id === brandId && s.tracking_number === update.trackingNumber);
  const ofCarrier = update.carrier ? candidates.filter((s) => s.carrier === update.carrier) : [];
  const chosen = ofCarrier.length === 1 ? ofCarrier[0] : candidates.length === 1 ? candidates[0] : undefined;
  if (chosen) return { ok: true as const, value: chosen };
  const carrierText = update.carrier ? `${update.carrier} ` : '';
  return {
    ok: false as const,
    error:
      candidates.length === 0
        ? `no ${carrierText}shipment with tracking number ${update.trackingNumber} (yet): kept and tried again later`
        : `${candidates.length} shipments have tracking number ${update.trackingNumber} (${candidates.map((c) => c.carrier).join(', ')}); the delivery does not say which`,
  };
}

async function saveSettled(trx: Transaction<Database>, settled: readonly Settled[], now: Date): Promise<void> {
  const at = now.toISOString();
  const processed = settled.filter((s) => s.state === 'processed').map((s) => s.row.id);
  for (let i = 0; i < processed.length; i += 500) {
    await trx.updateTable('inbound_events').set({ state: 'processed', processed_at: at, error: null, retry_at: null }).where('id', 'in', processed.slice(i, i + 500)).execute();
  }
  for (const s of settled.filter((x) => x.state !== 'processed')) {
    const attempts = s.row.attempts + 1;
    const retryAt = s.state === 'parked' ? new Date(now.getTime() + parkedRetryDelayMs(attempts)).toISOString() : null;
    await trx.updateTable('inbound_events').set({ state: s.state, error: s.error, attempts, retry_at: retryAt, processed_at: at }).where('id', '=', s.row.id).execute();
  }
}

/**
 * The periodic sweep: parked deliveries whose retry time has come go back to `received`,
 * deliveries past the retention period are deleted, then everything waiting is processed
 * (including deliveries whose own job was lost to a crash).
 */
export async function sweepInbox(deps: Deps): Promise<void> {
  const now = deps.clock.now();
  const oldest = new Date(now.getTime() - deps.config.inbound.retentionDays * 86_400_000).toISOString();
  await deps.db
    .updateTable('inbound_events')
    .set({ state: 'received' })
    .where('state', '=', 'parked')
    .where('retry_at', '<=', now.toISOString())
    .where('received_at', '>', oldest)
    .execute();
  await deps.db.deleteFrom('inbound_events').where('received_at', '<=', oldest).where('state', 'in', ['processed', 'parked']).where('source', 'in', [...INBOUND_SOURCES.keys()]).execute();
  await processInbox(deps);
}

/** Deliveries stored and not yet processed, counted at most once a second (the flood guard asks often). */
export function backlogCounter(deps: Deps): () => Promise<number> {
  let cached = { at: Number.NEGATIVE_INFINITY, count: 0 };
  return async () => {
    const now = deps.clock.now().getTime();
    if (now - cached.at < 1000) return cached.count;
    const row = await deps.db
      .selectFrom('inbound_events')
      .select(sql<number>`count(*)`.as('n'))
      .where('state', '=', 'received')
      .executeTakeFirstOrThrow();
    cached = { at: now, count: Number(row.n) };
    return cached.count;
  };
}
