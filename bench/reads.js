// Reads at scale: GET /v1/shipments/{id} (the shipment and its timeline) for random ids among
// BENCH_SHIPMENTS (default 1,000,000) stored shipments, one order per 10 shipments, shipment i
// with i % 5 events (0 to 4, 2 on average). Seeded directly with SQL (see lib/seed.js).
//
// Runs, each after a warm-up: the ceiling (bare Hono app answering 200, same requests and
// connections, autocannon), Waybill flat out (autocannon; its requests/s as a ratio of the
// ceiling), Waybill paced at half the ceiling's requests/s (open loop, evenly spaced requests:
// the latency a client sees at that load, queueing included; skipped when Waybill cannot reach
// that rate flat out, as its queue would only grow), and, for the analysis only, Waybill
// paced at half of its own flat-out rate (latency when it is not saturated). The
// server's RSS (VmRSS of its own process) is sampled all along. Targets: p99 ≤ 10 ms at ≥ 50% of
// the ceiling's throughput, RSS ≤ 300 MB.
//
//   npm run build && node bench/reads.js [--sqlite-only | --postgres-only]
import { settings, TARGETS } from './lib/config.js';
import { assertClean, measure } from './lib/load.js';
import { runBenchmark, sampleRss, startWaybill } from './lib/processes.js';
import { describeRun, int, mb, ms, pct, printHeader, publish, verdict } from './lib/report.js';
import { anyFailed, describeSameSize, forEachDatabase, meanAnswerBytes, measureCeiling } from './lib/scenario.js';
import { eventCount, shipmentId } from './lib/seed.js';

const EVENTS = { cycle: 5 };

/** GET /v1/shipments/{id} for a uniformly random seeded shipment. */
function randomReads(apiKey, shipments) {
  return {
    method: 'GET',
    headers: { authorization: `Bearer ${apiKey}` },
    next: () => ({ path: `/v1/shipments/${shipmentId(Math.floor(Math.random() * shipments))}` }),
  };
}

/** Checks one answer against the seed, so a broken seed cannot pass for a fast server. */
async function checkOneShipment(baseUrl, apiKey) {
  const index = Math.min(settings.shipments - 1, 4);
  const response = await fetch(`${baseUrl}/v1/shipments/${shipmentId(index)}`, { headers: { authorization: `Bearer ${apiKey}` } });
  const body = await response.json();
  if (!response.ok || body.events?.length !== eventCount(index, EVENTS)) {
    throw new Error(`GET /v1/shipments/${shipmentId(index)} answered ${response.status} with ${body.events?.length} events (expected ${eventCount(index, EVENTS)}): ${JSON.stringify(body).slice(0, 300)}`);
  }
}

async function measureWaybill(database, apiKey, request, halfCeiling) {
  const server = await startWaybill(database.url);
  const rss = sampleRss(server.pid);
  try {
    await checkOneShipment(server.baseUrl, apiKey);
    const answerBytes = await meanAnswerBytes(server.baseUrl, request);
    const flatOut = await measure(server.baseUrl, request, { pid: server.pid, postgres: database.dialect === 'postgres' });
    assertClean(flatOut, 'waybill flat out');
    // Paced at half the ceiling only if Waybill can sustain it flat out; otherwise the requests
    // just queue up (latency grows without bound) and the target is missed by construction.
    let atHalf = null;
    if (flatOut.requestsPerSecond >= halfCeiling * 0.97) {
      atHalf = await measure(server.baseUrl, request, { rate: halfCeiling, pid: server.pid, postgres: database.dialect === 'postgres' });
      assertClean(atHalf, 'waybill at half the ceiling');
    }
    // Not a target: the latency at half of what Waybill itself sustains, to tell per-request
    // cost from queueing when the target is missed.
    const halfOwn = Math.max(1, Math.round(flatOut.requestsPerSecond / 2));
    const atHalfOwn = await measure(server.baseUrl, request, { rate: halfOwn, pid: server.pid, postgres: database.dialect === 'postgres' });
    assertClean(atHalfOwn, 'waybill at half its own rate');
    return { flatOut, atHalf, atHalfOwn, halfOwn, answerBytes, rss: rss.stop() };
  } finally {
    rss.stop();
    await server.stop();
  }
}

async function main() {
  if (settings.wantsHelp) return void console.log('node bench/reads.js [--sqlite-only | --postgres-only]  (see bench/README.md)');
  await printHeader('Reads at scale: GET /v1/shipments/{id}, random ids', [`${int(settings.shipments)} shipments`, `${settings.connections} connections`]);
  const results = await forEachDatabase({ shipments: settings.shipments, events: EVENTS }, async ({ database, apiKey }) => {
    const request = randomReads(apiKey, settings.shipments);
    const ceiling = await measureCeiling(request);
    console.log(describeRun('ceiling (bare Hono, 200)', ceiling));
    const halfCeiling = Math.max(1, Math.round(ceiling.requestsPerSecond * TARGETS.readsRatio));
    const { flatOut, atHalf, atHalfOwn, halfOwn, answerBytes, rss } = await measureWaybill(database, apiKey, request, halfCeiling);
    console.log(describeRun('waybill flat out', flatOut));
    if (atHalf) console.log(describeRun(`waybill paced at ${int(halfCeiling)} req/s`, atHalf));
    else console.log(`waybill paced at ${int(halfCeiling)} req/s: not run, it answers only ${int(flatOut.requestsPerSecond)} req/s flat out`);
    console.log(describeRun(`waybill paced at ${int(halfOwn)} req/s`, atHalfOwn));
    const ratio = flatOut.requestsPerSecond / ceiling.requestsPerSecond;
    // Met when Waybill keeps up with half the ceiling's rate and answers that load within the p99 bound.
    const keptUp = atHalf !== null && atHalf.requestsPerSecond >= halfCeiling * 0.97;
    const checks = {
      throughput: ratio >= TARGETS.readsRatio && keptUp,
      p99: keptUp && atHalf.latencyMs.p99 <= TARGETS.readsP99Ms,
      rss: rss.peakMb <= TARGETS.readsRssMb,
    };
    console.log(`flat out: ${pct(ratio)} of the ceiling (target ≥ ${pct(TARGETS.readsRatio)}): ${verdict(checks.throughput)}`);
    console.log(
      atHalf
        ? `p99 paced at ${int(halfCeiling)} req/s (${int(atHalf.requestsPerSecond)} answered/s): ${ms(atHalf.latencyMs.p99)} (target ≤ ${TARGETS.readsP99Ms} ms at ≥ 50% of the ceiling): ${verdict(checks.p99)}`
        : `p99 at ≥ 50% of the ceiling: ${verdict(false)} (that rate is beyond Waybill's throughput); p99 paced at ${int(halfOwn)} req/s: ${ms(atHalfOwn.latencyMs.p99)}`,
    );
    // Not a target: the bare handler answering as many bytes as Waybill does, to show what the answer's size alone costs.
    const sameSize = await measureCeiling(request, { bodyBytes: answerBytes });
    console.log(describeRun(`same-size ceiling (${int(answerBytes)} B)`, sameSize));
    console.log(describeSameSize(sameSize, answerBytes, ceiling, flatOut));
    console.log(`server RSS: ${mb(rss.startMb)} idle after start-up, peak ${mb(rss.peakMb)}, after the load ${mb(rss.lastMb)} (target ≤ ${TARGETS.readsRssMb} MB): ${verdict(checks.rss)}`);
    return { ceiling, flatOut, atHalf, halfCeiling, atHalfOwn, halfOwn, ratio, rss, answerBytes, sameSize, checks, met: Object.values(checks).every(Boolean) };
  });
  publish('reads', results);
  return anyFailed(results) ? 1 : 0;
}

runBenchmark(main);
