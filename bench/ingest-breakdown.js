// Diagnostic, no target: where one 1,000-event batch spends its time. In-process, on a fresh
// seeded database per dialect, each step a mean over BENCH_BREAKDOWN_ROUNDS rounds:
//   ingestBatch        the real thing, from dist/shipments/service.js (single caller)
//   parseAndValidate   JSON.parse + zod (BatchEventsSchema) of the request body, as the general chain does
//   parseAndCheckClean JSON.parse + the quick test of clean bodies (api/clean-events.ts), as the hot route
//                      does first (it falls back to zod for anything else; the benchmark's bodies are clean)
//   planAndFold        the pure JavaScript per event: rows (normalize, ids), fold, outbox jobs
//   and the statements the batch path issues (src/shipments/statements.ts), each step in its own
//   transaction, on its own shipments:
//     lookUpShipments  SQLite: the fold's columns by carrier + tracking number, one cached
//                      statement per shipment; PostgreSQL: one named statement locking all of them
//     insertEvents     SQLite: one cached INSERT per event; PostgreSQL: one INSERT … unnest
//     saveFolded       SQLite: one cached UPDATE per shipment; PostgreSQL: one UPDATE … unnest
//   and, for comparison, the same insert built by Kysely as one multi-row statement (what
//   ingestEvents, the path of webhooks and polls, does): kyselyInsertEvents.
// Reports wall time and this process's CPU time per batch (PostgreSQL's own CPU is not in it).
//
//   npm run build && node bench/ingest-breakdown.js [--sqlite-only | --postgres-only]
import { cleanBatchEvents } from '../dist/api/clean-events.js';
import { BatchEventsSchema } from '../dist/api/schemas.js';
import { pgTransaction, runNamed } from '../dist/db/direct.js';
import { eventRowsOf, foldIntoShipment } from '../dist/shipments/ingest.js';
import { columnsOf, insertEventsSqlite, saveSqlite, savePostgres } from '../dist/shipments/hot-ingest.js';
import { ingestBatch } from '../dist/shipments/service.js';
import { EVENT_COLUMNS, POSTGRES, SQLITE } from '../dist/shipments/statements.js';
import { settings } from './lib/config.js';
import { batchBodies, nextEvent } from './lib/events.js';
import { openInProcess } from './lib/in-process.js';
import { runBenchmark } from './lib/processes.js';
import { ms, printHeader, publish } from './lib/report.js';
import { anyFailed, forEachDatabase } from './lib/scenario.js';
import { CARRIER, trackingNumber } from './lib/seed.js';

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

/** Tracking numbers for round r of a step (each step and round gets its own shipments). */
const numbersFor = (step, round) => Array.from({ length: SIZE }, (_, i) => trackingNumber((step * (ROUNDS + 2) * SIZE + round * SIZE + i) % POOL));

/**
 * One write transaction of the batch path: `sqlite(direct)` runs synchronously under the SQLite
 * lock, `postgres(client)` on one pooled connection.
 */
function inTransaction(direct, { sqlite, postgres }) {
  return direct.dialect === 'sqlite' ? direct.transaction(() => sqlite(direct)) : pgTransaction(direct.pool, postgres);
}

/** The shipments of `numbers`, as the batch path reads them: SQLite synchronously, PostgreSQL locked. */
const lookUpSqlite = (direct, brandId, numbers) => {
  const byNumber = direct.statements.prepare(SQLITE.foldableByNumber);
  return numbers.map((number) => byNumber.get(brandId, CARRIER, number));
};
const lookUpPostgres = async (client, brandId, numbers) =>
  (await runNamed(client, POSTGRES.lockShipmentsByNumber, [brandId, numbers.map(() => CARRIER), numbers])).rows;

/** An event as the API hands it to the ingest path (its eventId is the dedupe key). */
const apiEvent = () => {
  const { eventId, ...event } = nextEvent();
  return { ...event, dedupeKey: eventId };
};
const eventsFor = (shipments, recordedAt) => shipments.flatMap((shipment) => eventRowsOf(shipment, 'api', [apiEvent()], recordedAt));

async function breakdown(deps, brand) {
  const { direct } = deps;
  const steps = {};
  const bodies = batchBodies(POOL, SIZE, 1);
  steps.ingestBatch = await cost(() => ingestBatch(deps, brand, bodies(), 'api'));
  const text = JSON.stringify(bodies());
  steps.parseAndValidate = await cost(() => BatchEventsSchema.parse(JSON.parse(text)));
  steps.parseAndCheckClean = await cost(() => {
    if (!cleanBatchEvents(JSON.parse(text))) throw new Error('the benchmark body should be clean');
  });
  const numbers = (step, round) => numbersFor(step, round);
  const sample = await inTransaction(direct, {
    sqlite: (d) => lookUpSqlite(d, brand.id, numbers(1, 0)),
    postgres: (client) => lookUpPostgres(client, brand.id, numbers(1, 0)),
  });
  steps.planAndFold = await cost(() => {
    const recordedAt = new Date().toISOString();
    for (const shipment of sample) foldIntoShipment({ ...shipment }, eventRowsOf(shipment, 'api', [apiEvent()], recordedAt), 1, null, recordedAt);
  });
  steps.lookUpShipments = await cost((round) =>
    inTransaction(direct, { sqlite: (d) => lookUpSqlite(d, brand.id, numbers(2, round)), postgres: (client) => lookUpPostgres(client, brand.id, numbers(2, round)) }),
  );
  steps.insertEvents = await cost((round) =>
    inTransaction(direct, {
      sqlite: (d) => insertEventsSqlite(d, eventsFor(lookUpSqlite(d, brand.id, numbers(3, round)), new Date().toISOString())),
      postgres: async (client) => runNamed(client, POSTGRES.insertEvents, columnsOf(eventsFor(await lookUpPostgres(client, brand.id, numbers(3, round)), new Date().toISOString()), EVENT_COLUMNS)),
    }),
  );
  // A scan that keeps the status, as four in five of the benchmark's events do.
  const touched = (shipments, now) =>
    shipments.map((s) => ({ shipment: Object.assign(s, { event_count: s.event_count + 1, last_event_at: now.toISOString(), updated_at: now.toISOString() }), statusMoved: false }));
  steps.saveFolded = await cost((round) =>
    inTransaction(direct, {
      sqlite: (d) => saveSqlite(d, new Date(), touched(lookUpSqlite(d, brand.id, numbers(4, round)), new Date()), []),
      postgres: async (client) => savePostgres(client, new Date(), touched(await lookUpPostgres(client, brand.id, numbers(4, round)), new Date()), []),
    }),
  );
  steps.kyselyInsertEvents = await cost(async (round) => {
    const shipments = await inTransaction(direct, {
      sqlite: (d) => lookUpSqlite(d, brand.id, numbers(5, round)),
      postgres: (client) => lookUpPostgres(client, brand.id, numbers(5, round)),
    });
    const rows = eventsFor(shipments, new Date().toISOString());
    await deps.db.transaction().execute((trx) => trx.insertInto('tracking_events').values(rows).onConflict((oc) => oc.columns(['shipment_id', 'dedupe_key']).doNothing()).returning('id').execute());
  });
  return steps;
}

async function main() {
  if (settings.wantsHelp) return void console.log('node bench/ingest-breakdown.js [--sqlite-only | --postgres-only]  (see bench/README.md)');
  await printHeader(`Batch ingestion, step by step (in-process, ${SIZE} events for ${SIZE} shipments, mean of ${ROUNDS} rounds)`);
  const results = await forEachDatabase({ shipments: POOL, events: { fixed: 2 } }, async ({ database, brandId }) => {
    const { deps, brand, close } = await openInProcess(database.url, brandId);
    try {
      const steps = await breakdown(deps, brand);
      for (const [name, step] of Object.entries(steps)) console.log(`${name.padEnd(20)} ${ms(step.wallMs).padStart(11)} wall  ${ms(step.cpuMs).padStart(11)} CPU (this process)`);
      console.log('(insertEvents and saveFolded include looking their shipments up again: subtract lookUpShipments)');
      return steps;
    } finally {
      await close();
    }
  });
  publish('ingest-breakdown', results);
  return anyFailed(results) ? 1 : 0;
}

runBenchmark(main);
