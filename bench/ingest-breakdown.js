// Diagnostic, no target: where one 1,000-event batch spends its time in the database path, and
// what a set-based alternative would cost. In-process, on a fresh seeded database per dialect:
//   ingestBatch()          the real thing, from dist/shipments/service.js (single caller)
//   the statements it issues, replayed with the same Kysely shapes as src/shipments/ingest.ts:
//     SELECT shipments by tracking number (chunks of 500), INSERT 1,000 events RETURNING id,
//     1,000 × UPDATE shipments (one per shipment), each in its own transaction per batch
//   one set-based UPDATE … FROM (VALUES …) for the same 1,000 shipments (the suggested change)
// and, for SQLite, what Kysely's compile and better-sqlite3's prepare cost for 1,000 statements.
// Reports wall time and this process's CPU time per batch (PostgreSQL's own CPU is not in it).
//
//   npm run build && node bench/ingest-breakdown.js [--sqlite-only | --postgres-only]
import Sqlite from 'better-sqlite3';
import { sql } from 'kysely';
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

async function breakdown(deps, brand, database) {
  const db = deps.db;
  const steps = {};
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
  steps.updateEachShipment = await cost(async (round) => {
    const now = new Date().toISOString();
    await db.transaction().execute(async (trx) => {
      for (const index of indexesFor(3, round)) await trx.updateTable('shipments').set(patchOf(now)).where('id', '=', shipmentId(index)).execute();
    });
  });
  steps.updateSetBased = await cost(async (round) => {
    const now = new Date().toISOString();
    const indexes = indexesFor(4, round);
    await db.transaction().execute(async (trx) => {
      // 12 parameters a row: chunks of 250 rows stay under both databases' parameter limits.
      for (let i = 0; i < indexes.length; i += 250) await updateFromValues(trx, indexes.slice(i, i + 250), now);
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

/** UPDATE shipments SET … FROM (VALUES …) AS v WHERE shipments.id = v.id — both dialects. */
async function updateFromValues(trx, indexes, now) {
  const rows = indexes.map((index) => {
    const p = patchOf(now);
    return sql`(${shipmentId(index)}, ${p.status}, ${p.reason}, ${p.delayed}, ${p.correction}, ${p.fold_state}, ${p.estimated_from}, ${p.estimated_to}, ${p.status_changed_at}, ${p.last_event_at}, ${p.event_count}, ${p.updated_at})`;
  });
  // VALUES columns are column1, column2, … in both SQLite and PostgreSQL.
  await sql`
    UPDATE shipments SET status = v.status, reason = v.reason, delayed = CAST(v.delayed AS INTEGER), correction = CAST(v.correction AS INTEGER),
      fold_state = v.fold_state, estimated_from = v.estimated_from, estimated_to = v.estimated_to, status_changed_at = v.status_changed_at,
      last_event_at = v.last_event_at, event_count = CAST(v.event_count AS INTEGER), updated_at = v.updated_at
    FROM (SELECT column1 AS id, column2 AS status, column3 AS reason, column4 AS delayed, column5 AS correction, column6 AS fold_state,
            column7 AS estimated_from, column8 AS estimated_to, column9 AS status_changed_at, column10 AS last_event_at,
            column11 AS event_count, column12 AS updated_at
          FROM (VALUES ${sql.join(rows)}) AS t) AS v
    WHERE shipments.id = v.id`.execute(trx);
}

async function main() {
  if (settings.wantsHelp) return void console.log('node bench/ingest-breakdown.js [--sqlite-only | --postgres-only]  (see bench/README.md)');
  await printHeader(`Batch ingestion, step by step (in-process, ${SIZE} events for ${SIZE} shipments, mean of ${ROUNDS} rounds)`);
  const results = await forEachDatabase({ shipments: POOL, events: { fixed: 2 } }, async ({ database, brandId }) => {
    const { deps, brand, close } = await openInProcess(database.url, brandId);
    try {
      const steps = await breakdown(deps, brand, database);
      for (const [name, step] of Object.entries(steps)) {
        console.log(`${name.padEnd(22)} ${ms(step.wallMs).padStart(11)} wall  ${ms(step.cpuMs).padStart(11)} CPU (this process)`);
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
