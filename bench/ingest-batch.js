// Batch ingestion: POST /v1/events/batch with BENCH_BATCH_SIZE (1,000) distinct events per
// request, keyed by carrier + tracking number, spread over BENCH_INGEST_SHIPMENTS seeded
// shipments (BENCH_BATCH_EVENTS_PER_SHIPMENT, default 1, events per shipment per request).
// Target: ≥ 50,000 events/s stored over HTTP.
//
// Then the same batches in-process, with the server stopped: ingestBatch() from
// dist/shipments/service.js on deps built by createDeps, plus the cost of what the HTTP path adds
// around it (JSON.parse + zod validation of the body, JSON.stringify of the answer), so the HTTP
// and JSON overhead can be told apart from the database path.
//
//   npm run build && node bench/ingest-batch.js [--sqlite-only | --postgres-only]
import { BatchEventsSchema } from '../dist/api/schemas.js';
import { ingestBatch } from '../dist/shipments/service.js';
import { settings, TARGETS } from './lib/config.js';
import { countOf } from './lib/databases.js';
import { batchBodies, batchRequest } from './lib/events.js';
import { openInProcess, runFor } from './lib/in-process.js';
import { assertClean, cpuSnapshot, runLoad } from './lib/load.js';
import { runBenchmark, sampleRss, startWaybill } from './lib/processes.js';
import { describeRun, int, mb, ms, pct, printHeader, publish, verdict } from './lib/report.js';
import { anyFailed, forEachDatabase } from './lib/scenario.js';

const storedEvents = (database) => countOf(database, "SELECT count(*) AS n FROM tracking_events WHERE source = 'api'");

/**
 * One continuous load run: warm-up, then the measured window, then a short tail so the window
 * ends in steady state. Events stored during the window are counted in the database (a batch
 * commits all its 1,000 events at once, so counting completed requests would be coarse when a
 * batch takes seconds); autocannon's figures (requests, latency) cover the whole run.
 */
async function measureHttp(database, apiKey, bodies) {
  const server = await startWaybill(database.url);
  const rss = sampleRss(server.pid);
  const warmup = Math.max(settings.warmupSeconds, 2);
  let run;
  let window;
  try {
    const load = runLoad(server.baseUrl, batchRequest(apiKey, bodies), { seconds: warmup + settings.seconds + 2, connections: settings.batchConnections });
    window = await countDuring(database, server.pid, warmup, settings.seconds);
    run = await load;
  } finally {
    run = { ...run, rss: rss.stop() };
    await server.stop();
  }
  assertClean(run, 'waybill');
  return { ...run, eventsPerSecond: window.stored / window.seconds, window, completedEventsPerSecond: (run.ok * settings.batchSize) / run.seconds };
}

/** Events stored, and CPU used, between `after` s and `after + seconds` s from now. */
async function countDuring(database, pid, after, seconds) {
  await sleep(after * 1000);
  const first = await storedEvents(database);
  const cpu = cpuSnapshot(pid, { postgres: database.dialect === 'postgres' });
  const started = performance.now();
  await sleep(seconds * 1000);
  const last = await storedEvents(database);
  const elapsed = (performance.now() - started) / 1000;
  const used = cpu.since(null);
  return { stored: last - first, seconds: elapsed, ...used, serverCpuMsPer1000Events: last > first ? (used.cores * elapsed * 1e6) / (last - first) : null };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Mean milliseconds of `fn` over `rounds` calls (after one untimed call). */
async function meanMs(rounds, fn) {
  await fn();
  const started = performance.now();
  for (let i = 0; i < rounds; i++) await fn();
  return (performance.now() - started) / rounds;
}

async function measureInProcess(database, brandId, bodies) {
  const { deps, brand, close } = await openInProcess(database.url, brandId);
  try {
    const ingest = () => ingestBatch(deps, brand, bodies(), 'api');
    if (settings.warmupSeconds > 0) await runFor(settings.warmupSeconds, settings.batchConnections, ingest);
    // What one batch costs a single caller, step by step, as the HTTP route does it.
    const text = JSON.stringify(bodies());
    const parseAndValidate = await meanMs(10, () => BatchEventsSchema.parse(JSON.parse(text)));
    const answer = await ingestBatch(deps, brand, BatchEventsSchema.parse(JSON.parse(text)), 'api');
    const serializeAnswer = await meanMs(10, () => JSON.stringify(answer));
    const ingestOne = await meanMs(10, ingest);
    // Throughput with as many concurrent callers as the HTTP run had connections.
    const run = await runFor(settings.seconds, settings.batchConnections, ingest);
    return {
      ...run,
      eventsPerSecond: (run.calls * settings.batchSize) / run.seconds,
      perBatchMs: { parseAndValidate, ingestBatch: ingestOne, serializeAnswer },
    };
  } finally {
    await close();
  }
}

async function main() {
  if (settings.wantsHelp) return void console.log('node bench/ingest-batch.js [--sqlite-only | --postgres-only]  (see bench/README.md)');
  await printHeader('Batch ingestion: POST /v1/events/batch', [
    `${int(settings.batchSize)} events per request, ${settings.batchEventsPerShipment} per shipment`,
    `${int(settings.ingestShipments)} shipments`,
    `${settings.batchConnections} connections`,
  ]);
  const results = await forEachDatabase({ shipments: settings.ingestShipments, events: { fixed: 2 } }, async ({ database, brandId, apiKey }) => {
    const bodies = batchBodies(settings.ingestShipments, settings.batchSize, settings.batchEventsPerShipment);
    const http = await measureHttp(database, apiKey, bodies);
    console.log(describeRun('waybill (HTTP, whole run)', http));
    const w = http.window;
    const postgres = w.postgresCores !== null ? `, postgres ${w.postgresCores.toFixed(2)} cores` : '';
    console.log(`HTTP: ${int(http.eventsPerSecond)} events/s stored (${int(w.stored)} events in a ${w.seconds.toFixed(1)} s window) · ${int(http.completedEventsPerSecond)} events/s by answered requests`);
    console.log(`      server ${w.cores.toFixed(2)} cores, ${ms(w.serverCpuMsPer1000Events)} CPU per 1,000 events${postgres}, machine ${pct(w.machineBusy)} busy · server RSS peak ${mb(http.rss.peakMb)}`);
    const inProcess = await measureInProcess(database, brandId, bodies);
    const p = inProcess.perBatchMs;
    console.log(`in-process ingestBatch: ${int(inProcess.eventsPerSecond)} events/s (${int(inProcess.calls)} batches, ${settings.batchConnections} concurrent callers, mean ${ms(inProcess.latencyMs.mean)} per batch)`);
    console.log(`one batch, single caller: JSON.parse + zod validation ${ms(p.parseAndValidate)} · ingestBatch ${ms(p.ingestBatch)} · JSON.stringify of the answer ${ms(p.serializeAnswer)}`);
    const met = http.eventsPerSecond >= TARGETS.batchEventsPerSecond;
    console.log(`HTTP events/s ${int(http.eventsPerSecond)} (target ≥ ${int(TARGETS.batchEventsPerSecond)}): ${verdict(met)}`);
    return { http, inProcess, target: TARGETS.batchEventsPerSecond, met };
  });
  publish('ingest-batch', results);
  return anyFailed(results) ? 1 : 0;
}

runBenchmark(main);
