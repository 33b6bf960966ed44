// The frame of every HTTP benchmark: for each database (SQLite, PostgreSQL), a fresh database
// with one brand and seeded shipments, then the benchmark's own measurements, then clean-up.
import { settings } from './config.js';
import { createBenchDatabase } from './databases.js';
import { createBrand } from './processes.js';
import { int } from './report.js';
import { seed } from './seed.js';

/**
 * Calls `measure({ database, brandId, apiKey, seeded })` once per selected dialect and returns
 * { sqlite: result, postgres: result } (or { error } for a dialect that failed).
 */
export async function forEachDatabase({ shipments, events }, measure) {
  const results = {};
  for (const dialect of settings.dialects) {
    console.log(`\n--- ${dialect} ---`);
    let database;
    try {
      database = await createBenchDatabase(dialect);
      const { brandId, apiKey } = await createBrand(database.url);
      const seeded = await seed(database, { brandId, shipments, events });
      console.log(`seeded ${database.label}: ${int(seeded.orders)} orders, ${int(seeded.shipments)} shipments, ${int(seeded.events)} events in ${seeded.seconds.toFixed(1)} s (+ ${seeded.flushSeconds.toFixed(1)} s to flush to disk)`);
      results[dialect] = await measure({ database, brandId, apiKey, seeded });
    } catch (error) {
      console.error(`${dialect}: ${error.stack ?? error}`);
      results[dialect] = { error: String(error.message ?? error) };
    } finally {
      await database?.drop();
    }
  }
  return results;
}

/** Exit status for a script: failed if any dialect failed (a missed target is not a failure). */
export const anyFailed = (results) => Object.values(results).some((r) => r && r.error);
