// Diagnostic, no target, SQLite only: what a prepared-statement cache would save. Kysely's SQLite
// driver asks better-sqlite3 to prepare every statement anew; here the same service calls run
// in-process on connections opened like src/db/connect.ts does, once as they are and once with
// `prepare` memoised per SQL text (a Map in front of better-sqlite3's prepare):
//   reads    findShipment + listEvents for random shipments (what GET /v1/shipments/{id} does)
//   writes   postShipmentEvents with one distinct event (what POST /v1/shipments/{id}/events does)
// Reports calls/s and this process's CPU time per call; BENCH_SECONDS each (after the warm-up).
//
//   npm run build && node bench/sqlite-statements.js
import Sqlite from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { getBrand } from '../dist/brands/repo.js';
import { findShipment, listEvents, postShipmentEvents } from '../dist/shipments/service.js';
import { settings } from './lib/config.js';
import { createBenchDatabase } from './lib/databases.js';
import { nextEvent } from './lib/events.js';
import { openInProcess } from './lib/in-process.js';
import { createBrand, runBenchmark } from './lib/processes.js';
import { int, printHeader, publish } from './lib/report.js';
import { seed, shipmentId } from './lib/seed.js';

const SHIPMENTS = settings.shipments; // as many as reads.js (1,000,000 by default): reads depend on the file size

/** A Kysely over a better-sqlite3 connection with connect.ts's pragmas, optionally caching statements. */
function openKysely(file, cacheStatements) {
  const sqlite = new Sqlite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  if (cacheStatements) {
    const prepare = sqlite.prepare.bind(sqlite);
    const statements = new Map();
    sqlite.prepare = (sql) => {
      let statement = statements.get(sql);
      if (!statement) statements.set(sql, (statement = prepare(sql)));
      return statement;
    };
  }
  return new Kysely({ dialect: new SqliteDialect({ database: sqlite }) });
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

async function main() {
  if (settings.wantsHelp) return void console.log('node bench/sqlite-statements.js  (see bench/README.md)');
  if (!settings.dialects.includes('sqlite')) return void console.log('sqlite-statements: SQLite only, skipped (--postgres-only)');
  await printHeader('SQLite: the service calls with and without a prepared-statement cache (in-process)', [`${int(SHIPMENTS)} shipments`], { databases: false });
  const database = await createBenchDatabase('sqlite');
  const { brandId } = await createBrand(database.url);
  await seed(database, { brandId, shipments: SHIPMENTS, events: { cycle: 5 } });
  const { deps: base, close } = await openInProcess(database.url, brandId);
  const results = {};
  try {
    for (const cached of [false, true]) {
      const db = openKysely(database.url, cached);
      const deps = { ...base, db };
      const brand = await getBrand(db, brandId);
      let next = 0;
      const reads = await rate(async () => {
        const shipment = await findShipment(deps, brandId, shipmentId(Math.floor(Math.random() * SHIPMENTS)));
        await listEvents(deps, shipment.id);
      });
      const writes = await rate(() => postShipmentEvents(deps, brand, shipmentId(next++ % SHIPMENTS), { events: [nextEvent()] }, 'manual'));
      await db.destroy();
      const label = cached ? 'with a statement cache' : 'as connect.ts (no cache)';
      results[cached ? 'cached' : 'asIs'] = { reads, writes };
      console.log(`${label.padEnd(26)} reads ${int(reads.perSecond).padStart(6)}/s, ${int(reads.cpuMicrosPerCall).padStart(4)} µs CPU each · writes ${int(writes.perSecond).padStart(6)}/s, ${int(writes.cpuMicrosPerCall).padStart(4)} µs CPU each`);
    }
  } finally {
    await close();
    await database.drop();
  }
  publish('sqlite-statements', { sqlite: results });
  return 0;
}

runBenchmark(main);
