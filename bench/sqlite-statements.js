// Diagnostic, no target, SQLite only: what the statement cache and the direct hot paths save, the
// same service work in-process three ways, over BENCH_SHIPMENTS stored shipments (reads depend on
// the file size):
//   Kysely, no cache       Kysely's own SQLite dialect, which has better-sqlite3 prepare every
//                          statement anew (how Waybill ran before the cache)
//   Kysely + cache         the dialect src/db/connect.ts builds: statements cached per SQL text
//   direct                 the hot paths' precompiled statements (src/shipments/statements.ts)
// reads: findShipment + listEvents (Kysely) or findShipmentWithEvents (direct), random shipments;
// writes: one new event folded into a shipment, through ingestEvents in a Kysely transaction (the
// path of webhooks and polls) or through postShipmentEvents (direct).
// Reports calls/s and this process's CPU time per call; BENCH_SECONDS each (after the warm-up).
//
//   npm run build && node bench/sqlite-statements.js
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { getBrand } from '../dist/brands/repo.js';
import { ConnectionLock, lockedSqliteDialect, StatementCache } from '../dist/db/sqlite.js';
import { ingestEvents } from '../dist/shipments/ingest.js';
import { findShipment, findShipmentWithEvents, listEvents, postShipmentEvents } from '../dist/shipments/service.js';
import { settings } from './lib/config.js';
import { createBenchDatabase } from './lib/databases.js';
import { nextEvent } from './lib/events.js';
import { openInProcess } from './lib/in-process.js';
import { createBrand, runBenchmark } from './lib/processes.js';
import { int, printHeader, publish } from './lib/report.js';
import { seed, shipmentId } from './lib/seed.js';

const SHIPMENTS = settings.shipments; // as many as reads.js (1,000,000 by default)

/** A Kysely over a connection with connect.ts's pragmas, with or without the statement cache. */
function openKysely(file, cacheStatements) {
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const dialect = cacheStatements ? lockedSqliteDialect(sqlite, new StatementCache(sqlite), new ConnectionLock()) : new SqliteDialect({ database: sqlite });
  return new Kysely({ dialect });
}

/** Calls/s and CPU µs per call of `operation`, sequentially, for BENCH_SECONDS after a warm-up. */
async function rate(operation) {
  const warmupEnd = performance.now() + settings.warmupSeconds * 1000;
  while (performance.now() < warmupEnd) await operation();
  const cpu = process.cpuUsage();
  const started = performance.now();
  let calls = 0;
  while (performance.now() - started < settings.seconds * 1000) {
    await operation();
    calls++;
  }
  const used = process.cpuUsage(cpu);
  return { perSecond: calls / ((performance.now() - started) / 1000), cpuMicrosPerCall: (used.user + used.system) / calls };
}

const randomShipment = () => shipmentId(Math.floor(Math.random() * SHIPMENTS));
/** An event as the API hands it to the ingest path (its eventId is the dedupe key). */
const apiEvent = () => {
  const { eventId, ...event } = nextEvent();
  return { ...event, dedupeKey: eventId };
};

async function kyselyWay(deps, brandId, file, cached) {
  const db = openKysely(file, cached);
  const kyselyDeps = { ...deps, db };
  let next = 0;
  try {
    const reads = await rate(async () => {
      const shipment = await findShipment(kyselyDeps, brandId, randomShipment());
      await listEvents(kyselyDeps, shipment.id);
    });
    const writes = await rate(() =>
      db.transaction().execute(async (trx) => {
        const shipment = await trx.selectFrom('shipments').selectAll().where('id', '=', shipmentId(next++ % SHIPMENTS)).where('brand_id', '=', brandId).executeTakeFirstOrThrow();
        await ingestEvents(trx, new Date(), [{ shipment, source: 'manual', events: [apiEvent()] }]);
      }),
    );
    return { reads, writes };
  } finally {
    await db.destroy();
  }
}

async function directWay(deps, brand) {
  let next = Math.floor(SHIPMENTS / 2);
  const reads = await rate(() => findShipmentWithEvents(deps, brand.id, randomShipment()));
  const writes = await rate(() => postShipmentEvents(deps, brand, shipmentId(next++ % SHIPMENTS), { events: [nextEvent()] }, 'manual'));
  return { reads, writes };
}

async function main() {
  if (settings.wantsHelp) return void console.log('node bench/sqlite-statements.js  (see bench/README.md)');
  if (!settings.dialects.includes('sqlite')) return void console.log('sqlite-statements: SQLite only, skipped (--postgres-only)');
  await printHeader('SQLite: reads and writes in-process without and with the statement cache, and on the direct hot paths', [`${int(SHIPMENTS)} shipments`], { databases: false });
  const database = await createBenchDatabase('sqlite');
  const { brandId } = await createBrand(database.url);
  await seed(database, { brandId, shipments: SHIPMENTS, events: { cycle: 5 } });
  const { deps, close } = await openInProcess(database.url, brandId);
  const results = {};
  try {
    const brand = await getBrand(deps.db, brandId);
    const ways = [
      ['kyselyNoCache', 'Kysely, no cache', () => kyselyWay(deps, brandId, database.url, false)],
      ['kyselyCache', 'Kysely + cache', () => kyselyWay(deps, brandId, database.url, true)],
      ['direct', 'direct', () => directWay(deps, brand)],
    ];
    for (const [key, label, measure] of ways) {
      const { reads, writes } = await measure();
      results[key] = { reads, writes };
      console.log(`${label.padEnd(18)} reads ${int(reads.perSecond).padStart(6)}/s, ${int(reads.cpuMicrosPerCall).padStart(4)} µs CPU each · writes ${int(writes.perSecond).padStart(6)}/s, ${int(writes.cpuMicrosPerCall).padStart(4)} µs CPU each`);
    }
  } finally {
    await close();
    await database.drop();
  }
  publish('sqlite-statements', { sqlite: results });
  return 0;
}

runBenchmark(main);
