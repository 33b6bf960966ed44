// The frame of every HTTP benchmark: for each database (SQLite, PostgreSQL), a fresh database
// with one brand and seeded shipments, then the benchmark's own measurements, then clean-up.
import { settings } from './config.js';
import { createBenchDatabase } from './databases.js';
import { assertClean, measure } from './load.js';
import { createBrand, startBareServer } from './processes.js';
import { int, pct } from './report.js';
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

/**
 * The ceiling for `request`: the bare server (lib/bare-server.js) under the same load. With
 * `bodyBytes`, its answer is that large (the same-size ceiling, a diagnostic).
 */
export async function measureCeiling(request, { bodyBytes = 0 } = {}) {
  const bare = await startBareServer(null, { bodyBytes });
  try {
    const run = await measure(bare.baseUrl, request, { pid: bare.pid });
    assertClean(run, bodyBytes ? 'same-size ceiling' : 'ceiling');
    return run;
  } finally {
    await bare.stop();
  }
}

/** The mean size in bytes of the answers to `samples` GET requests drawn from `request`. */
export async function meanAnswerBytes(baseUrl, request, samples = 100) {
  let total = 0;
  for (let i = 0; i < samples; i++) {
    const response = await fetch(`${baseUrl}${request.next().path}`, { headers: request.headers });
    if (!response.ok) throw new Error(`sizing the answers: ${response.status} ${await response.text()}`);
    // The bytes on the wire: a compressed answer's Content-Length (fetch hands back the body unzipped).
    const body = await response.arrayBuffer();
    total += response.headers.has('content-encoding') ? Number(response.headers.get('content-length')) : body.byteLength;
  }
  return Math.round(total / samples);
}

/** The same-size ceiling's line: how far the answer's size alone brings a handler that does nothing. */
export function describeSameSize(sameSize, bodyBytes, ceiling, waybill) {
  return `same-size ceiling: the bare handler answering ${int(bodyBytes)} bytes (Waybill's mean answer) makes ${int(sameSize.requestsPerSecond)} req/s = ${pct(sameSize.requestsPerSecond / ceiling.requestsPerSecond)} of the ceiling; Waybill makes ${pct(waybill.requestsPerSecond / sameSize.requestsPerSecond)} of it`;
}
