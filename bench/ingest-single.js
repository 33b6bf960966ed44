// Single-event ingestion over HTTP: POST /v1/shipments/{id}/events carrying one distinct event
// per request (so every request stores one row, folds it and saves the shipment), round-robin
// over BENCH_INGEST_SHIPMENTS seeded shipments. Measured against the ceiling: a bare Hono app on
// @hono/node-server answering 200, driven by the same autocannon requests (same bodies, same
// connections, same duration) in the same run. Target: Waybill ≥ 25% of the ceiling's requests/s.
//
//   npm run build && node bench/ingest-single.js [--sqlite-only | --postgres-only]
//
// The server is `node bin/waybill.js serve` in its own process with WORKER_CONCURRENCY=0 (API
// only; BENCH_WORKER_CONCURRENCY changes it); autocannon runs in this process. Then, with the
// server stopped, the same work in-process (postShipmentEvents from dist/) to separate the HTTP
// path from the database path.
import { postShipmentEvents } from '../dist/shipments/service.js';
import { settings, TARGETS } from './lib/config.js';
import { countOf } from './lib/databases.js';
import { nextEvent, singleEventRequest } from './lib/events.js';
import { openInProcess, runFor } from './lib/in-process.js';
import { shipmentId } from './lib/seed.js';
import { assertClean, measure } from './lib/load.js';
import { runBenchmark, sampleRss, startWaybill } from './lib/processes.js';
import { describeRun, int, mb, ms, pct, printHeader, publish, verdict } from './lib/report.js';
import { anyFailed, forEachDatabase, measureCeiling } from './lib/scenario.js';

const storedByApi = (database) => countOf(database, "SELECT count(*) AS n FROM tracking_events WHERE source = 'manual'");

/** The bare handler's requests/s for the very same requests. */
async function measureWaybill(database, request) {
  const storedBefore = await storedByApi(database);
  const server = await startWaybill(database.url);
  const rss = sampleRss(server.pid);
  let run;
  try {
    run = await measure(server.baseUrl, request, { pid: server.pid, postgres: database.dialect === 'postgres' });
  } finally {
    run = { ...run, rss: rss.stop() };
    await server.stop();
  }
  assertClean(run, 'waybill');
  // Every 2xx answer must have stored exactly one event (requests still in flight when a run
  // ends may be stored without being counted, at most one per connection per run).
  const stored = (await storedByApi(database)) - storedBefore;
  return { ...run, stored, answered: run.ok + run.warmupOk };
}

/**
 * The same work without HTTP, with the server stopped: postShipmentEvents() (what the route
 * handler calls) from as many concurrent callers as there were connections.
 */
async function measureInProcess(database, brandId) {
  const { deps, brand, close } = await openInProcess(database.url, brandId);
  let next = 0;
  const post = () => postShipmentEvents(deps, brand, shipmentId(next++ % settings.ingestShipments), { events: [nextEvent()] }, 'manual');
  try {
    if (settings.warmupSeconds > 0) await runFor(settings.warmupSeconds, settings.connections, post);
    return await runFor(settings.seconds, settings.connections, post);
  } finally {
    await close();
  }
}

async function main() {
  if (settings.wantsHelp) return void console.log('node bench/ingest-single.js [--sqlite-only | --postgres-only]  (see bench/README.md)');
  await printHeader('Single-event ingestion: POST /v1/shipments/{id}/events, one distinct event per request', [
    `${int(settings.ingestShipments)} shipments`,
    `${settings.connections} connections`,
  ]);
  const results = await forEachDatabase({ shipments: settings.ingestShipments, events: { fixed: 2 } }, async ({ database, brandId, apiKey }) => {
    const request = singleEventRequest(apiKey, settings.ingestShipments);
    const ceiling = await measureCeiling(request);
    console.log(describeRun('ceiling (bare Hono, 200)', ceiling));
    const waybill = await measureWaybill(database, request);
    console.log(describeRun('waybill', waybill));
    const ratio = waybill.requestsPerSecond / ceiling.requestsPerSecond;
    const met = ratio >= TARGETS.singleIngestRatio;
    console.log(`stored ${int(waybill.stored)} events for ${int(waybill.answered)} 2xx answers · server RSS peak ${mb(waybill.rss.peakMb)}`);
    if (waybill.stored < waybill.answered) console.log('WARNING: fewer events stored than requests answered: some requests did not store their event');
    const inProcess = await measureInProcess(database, brandId);
    console.log(`in-process postShipmentEvents: ${int(inProcess.perSecond)} calls/s (${settings.connections} concurrent callers, mean ${ms(inProcess.latencyMs.mean)}, p99 ${ms(inProcess.latencyMs.p99)})`);
    console.log(`ratio ${pct(ratio)} of the ceiling (target ≥ ${pct(TARGETS.singleIngestRatio)}): ${verdict(met)}`);
    return { ceiling, waybill, inProcess, ratio, target: TARGETS.singleIngestRatio, met };
  });
  publish('ingest-single', results);
  return anyFailed(results) ? 1 : 0;
}

runBenchmark(main);
