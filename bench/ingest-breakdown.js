// Diagnostic, no target: where one 1,000-event batch spends its time in the database path.
// In-process, on a fresh seeded database per dialect:
//   ingestBatch            the real thing, from dist/shipments/service.js (single caller)
//   parseAndValidate       JSON.parse + zod (BatchEventsSchema) of the request body, as the route does
//   and the statements it issues, replayed with the same Kysely shapes as src/shipments/ingest.ts,
//   each step in its own transaction:
//     selectShipments      SELECT shipments by carrier + tracking number, chunks of 500
//     insertEvents         INSERT 1,000 tracking_events … ON CONFLICT DO NOTHING RETURNING id
//     saveFoldedUpsert     the folded shipments saved as ingest.ts does since 40d715a: an upsert
//                          (INSERT … ON CONFLICT (id) DO UPDATE) per 200 rows
//     updateEachShipment   for comparison, the earlier way: one UPDATE per shipment
//   and, for SQLite, what Kysely's compile and better-sqlite3's prepare cost for 1,000 statements
//   (the driver prepares every statement anew).
// Reports wall time and this process's CPU time per batch (PostgreSQL's own CPU is not in it).
//
//   npm run build && node bench/ingest-breakdown.js [--sqlite-only | --postgres-only]
import Sqlite from 'better-sqlite3';
import { BatchEventsSchema } from '../dist/api/schemas.js';
import { ingestBatch } from '../dist/shipments/service.js';
import { newId } from '../dist/lib/ids.js';
import { settings } from './lib/config.js';
import { batchBodies } from './lib/events.js';
import { openInProcess } from './lib/in-process.js';
import { runBenchmark } from './lib/processes.js';
import { ms, printHeader, publish } from './lib/report.js';
import { anyFailed, forEachDatabase } from './lib/scenario.js';
import { CARRIER, shipmentId, trackingNumber } from './lib/seed.js';

const SIZE = settings.batchSize;
const ROUNDS = Number(process.env.BENCH_BREAKDOWN_ROUNDS ?? 10);
const POOL = Math.max(settings.ingestShipments, SIZE * (ROUNDS + 2) * 8);

/** Mean wall and CPU milliseconds of `fn` over ROUNDS calls, after one untimed call. */
async function cost(fn) {
  await fn(0);
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (let round = 1; round <= ROUNDS; round++) await fn(round);
  const used = process.cpuUsage(cpu);
  return { wallMs: (performance.now() - started) / ROUNDS, cpuMs: (used.user + used.system) / 1000 / ROUNDS };
}

/** The shipment patch ingestEvents writes (same columns, plausible values). */
const patchOf = (now) => ({
  status: 'in_transit',
  reason: null,
  delayed: 0,
  correction: 0,
  fold_state: JSON.stringify({ head: { eventId: newId('event'), dedupeKey: 'k:x', occurredAt: now, status: 'in_transit', reason: null }, terminal: null, delay: null }),
  estimated_from: null,
  estimated_to: null,
  status_changed_at: now,
  last_event_at: now,
  event_count: 3,
  updated_at: now,
});

const eventRow = (brandId, index, now) => ({
  id: newId('event'),
  shipment_id: shipmentId(index),
  brand_id: brandId,
  dedupe_key: `k:breakdown-${newId('event')}`,
  source: 'api',
  status: 'in_transit',
  reason: null,
  delayed: 0,
  carrier_code: 'IT',
  carrier_text: 'Arrived at facility',
  location: '{"city":"Memphis","region":"TN","country":"US"}',
  occurred_at: now,
  occurred_at_raw: now,
  recorded_at: now,
});

/** Shipment indexes for round r of a step (each step and round gets its own shipments). */
const indexesFor = (step, round) => Array.from({ length: SIZE }, (_, i) => (step * (ROUNDS + 2) * SIZE + round * SIZE + i) % POOL);

const FOLDED_COLUMNS = ['status', 'reason', 'delayed', 'correction', 'fold_state', 'estimated_from', 'estimated_to', 'status_changed_at', 'last_event_at', 'event_count', 'updated_at'];

async function breakdown(deps, brand, database) {
  const db = deps.db;
  const steps = {};
  const upsertOnlyMs = [];
  const bodies = batchBodies(POOL, SIZE, 1);
  steps.ingestBatch = await cost(() => ingestBatch(deps, brand, bodies(), 'api'));
  const text = JSON.stringify(bodies());
  steps.parseAndValidate = await cost(() => BatchEventsSchema.parse(JSON.parse(text)));
  steps.selectShipments = await cost(async (round) => {
    const numbers = indexesFor(1, round).map(trackingNumber);
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < numbers.length; i += 500) {
        await trx.selectFrom('shipments').selectAll().where('carrier', 'in', [CARRIER]).where('tracking_number', 'in', numbers.slice(i, i + 500)).where('brand_id', '=', brand.id).execute();
      }
    });
  });
  steps.insertEvents = await cost(async (round) => {
    const now = new Date().toISOString();
    const rows = indexesFor(2, round).map((index) => eventRow(brand.id, index, now));
    await db.transaction().execute((trx) => trx.insertInto('tracking_events').values(rows).onConflict((oc) => oc.columns(['shipment_id', 'dedupe_key']).doNothing()).returning('id').execute());
  });
  steps.saveFoldedUpsert = await cost(async (round) => {
    const now = new Date().toISOString();
    await db.transaction().execute(async (trx) => {
      const rows = await trx.selectFrom('shipments').selectAll().where('id', 'in', indexesFor(4, round).map(shipmentId)).execute();
      const started = performance.now();
      const changed = rows.map((row) => Object.assign(row, patchOf(now)));
      for (let i = 0; i < changed.length; i += 200) {
        await trx
          .insertInto('shipments')
          .values(changed.slice(i, i + 200))
          .onConflict((oc) => oc.column('id').doUpdateSet((eb) => Object.fromEntries(FOLDED_COLUMNS.map((column) => [column, eb.ref(`excluded.${column}`)]))))
          .execute();
      }
      upsertOnlyMs.push(performance.now() - started);
    });
  });
  steps.saveFoldedUpsert.upsertOnlyWallMs = upsertOnlyMs.slice(1).reduce((a, b) => a + b, 0) / ROUNDS;
  steps.updateEachShipment = await cost(async (round) => {
    const now = new Date().toISOString();
    await db.transaction().execute(async (trx) => {
      for (const index of indexesFor(3, round)) await trx.updateTable('shipments').set(patchOf(now)).where('id', '=', shipmentId(index)).execute();
    });
  });
  if (deps.dialect === 'sqlite') {
    // What every statement pays before running on SQLite: Kysely builds and compiles it, and its
    // SQLite driver has better-sqlite3 prepare it again (there is no statement cache).
    const compiled = db.updateTable('shipments').set(patchOf('x')).where('id', '=', shipmentId(0)).compile();
    const raw = new Sqlite(database.url, { readonly: true });
    steps.perStatementKyselyCompile = await cost(() => {
      for (let i = 0; i < SIZE; i++) db.updateTable('shipments').set(patchOf('x')).where('id', '=', shipmentId(i)).compile();
    });
    steps.perStatementPrepare = await cost(() => {
      for (let i = 0; i < SIZE; i++) raw.prepare(compiled.sql);
    });
    raw.close();
  }
  return steps;
}

async function main() {
  if (settings.wantsHelp) return void console.log('node bench/ingest-breakdown.js [--sqlite-only | --postgres-only]  (see bench/README.md)');
  await printHeader(`Batch ingestion, step by step (in-process, ${SIZE} events for ${SIZE} shipments, mean of ${ROUNDS} rounds)`);
  const results = await forEachDatabase({ shipments: POOL, events: { fixed: 2 } }, async ({ database, brandId }) => {
    const { deps, brand, close } = await openInProcess(database.url, brandId);
    try {
      const steps = await breakdown(deps, brand, database);
      for (const [name, step] of Object.entries(steps)) {
        const extra = step.upsertOnlyWallMs ? `  (the upserts alone: ${ms(step.upsertOnlyWallMs)} wall; the rest is re-reading the rows)` : '';
        console.log(`${name.padEnd(27)} ${ms(step.wallMs).padStart(11)} wall  ${ms(step.cpuMs).padStart(11)} CPU (this process)${extra}`);
      }
      return steps;
    } finally {
      await close();
    }
  });
  publish('ingest-breakdown', results);
  return anyFailed(results) ? 1 : 0;
}

runBenchmark(main);
