// Diagnostic, no target: the three hot routes through the whole app (createApp(deps).fetch: routing,
// hot routes, validation, database, answer), in-process: no socket, no load generator, no other
// process to share the CPU with. CPU time per request (this process, which includes SQLite's
// checkpoint thread), the least and the median of 5 rounds, on a seeded database
// (BENCH_INGEST_SHIPMENTS shipments with two events each; 100,000 by default).
//
//   npm run build && node bench/app-in-process.js [--sqlite-only | --postgres-only]
//   BENCH_ONLY=get node bench/app-in-process.js --sqlite-only      (get, post, batch)
import { createApp } from '../dist/app.js';
import { settings } from './lib/config.js';
import { batchBodies, nextEvent } from './lib/events.js';
import { openInProcess } from './lib/in-process.js';
import { runBenchmark } from './lib/processes.js';
import { printHeader, publish } from './lib/report.js';
import { anyFailed, forEachDatabase } from './lib/scenario.js';
import { shipmentId } from './lib/seed.js';

const ROUNDS = 5;
const POOL = settings.ingestShipments;
const ONLY = (process.env.BENCH_ONLY ?? 'get,post,batch').split(',');

/** Least and median CPU microseconds per call of `call` (its answer read to the end) over ROUNDS rounds of `count`. */
async function cpuPerCall(count, call) {
  for (let i = 0; i < Math.ceil(count / 4); i++) await (await call()).arrayBuffer();
  const rounds = [];
  for (let round = 0; round < ROUNDS; round++) {
    const before = process.cpuUsage();
    for (let i = 0; i < count; i++) {
      const response = await call();
      if (response.status !== 200) throw new Error(`answer ${response.status}: ${await response.text()}`);
      await response.arrayBuffer();
    }
    const used = process.cpuUsage(before);
    rounds.push((used.user + used.system) / count);
  }
  rounds.sort((a, b) => a - b);
  return { leastUs: rounds[0], medianUs: rounds[Math.floor(ROUNDS / 2)] };
}

async function measure(app, apiKey) {
  const auth = { authorization: `Bearer ${apiKey}` };
  const json = { ...auth, 'content-type': 'application/json' };
  let next = 0;
  const bodies = batchBodies(POOL, settings.batchSize, 1);
  const calls = {
    get: [5000, () => app.fetch(new Request(`http://bench/v1/shipments/${shipmentId(Math.floor(Math.random() * POOL))}`, { headers: auth }))],
    post: [3000, () => app.fetch(new Request(`http://bench/v1/shipments/${shipmentId(next++ % POOL)}/events`, { method: 'POST', headers: json, body: JSON.stringify({ events: [nextEvent()] }) }))],
    batch: [10, () => app.fetch(new Request('http://bench/v1/events/batch', { method: 'POST', headers: json, body: JSON.stringify(bodies()) }))],
  };
  const results = {};
  for (const name of ONLY) {
    const [count, call] = calls[name];
    results[name] = await cpuPerCall(count, call);
    const { leastUs, medianUs } = results[name];
    const unit = name === 'batch' ? (us) => `${(us / 1000).toFixed(2)} ms` : (us) => `${us.toFixed(1)} µs`;
    console.log(`${name.padEnd(6)} least ${unit(leastUs).padStart(10)}  median ${unit(medianUs).padStart(10)} CPU per request`);
  }
  return results;
}

async function main() {
  if (settings.wantsHelp) return void console.log('node bench/app-in-process.js [--sqlite-only | --postgres-only]  (see bench/README.md)');
  await printHeader(`The hot routes through createApp(deps).fetch, in-process (${POOL} shipments, ${ROUNDS} rounds)`);
  const results = await forEachDatabase({ shipments: POOL, events: { fixed: 2 } }, async ({ database, brandId, apiKey }) => {
    const { deps, close } = await openInProcess(database.url, brandId);
    try {
      return await measure(createApp(deps), apiKey);
    } finally {
      await close();
    }
  });
  publish('app-in-process', results);
  return anyFailed(results) ? 1 : 0;
}

runBenchmark(main);
