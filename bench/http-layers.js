// Diagnostic, no target: what Waybill's HTTP layers cost before any database work. The same
// single-event POST requests as ingest-single.js (and random GETs as reads.js) against the bare
// Hono server with one more layer switched on each time (see lib/layered-server.js), reporting
// requests/s and the server's CPU time per request (from /proc/<pid>/stat). No database.
//
//   npm run build && node bench/http-layers.js
import { settings } from './lib/config.js';
import { singleEventRequest } from './lib/events.js';
import { assertClean, measure } from './lib/load.js';
import { runBenchmark, startBareServer } from './lib/processes.js';
import { describeRun, printHeader, publish } from './lib/report.js';
import { shipmentId } from './lib/seed.js';

const POST_VARIANTS = [
  { name: 'POST bare (ceiling)', layers: null },
  { name: 'POST + read JSON body', layers: ['json'] },
  { name: "POST + hono's bodyLimit + read JSON", layers: ['honolimit', 'json'] },
  { name: 'POST + body-size check + read JSON', layers: ['bodylimit', 'json'] },
  { name: 'POST + request-id header', layers: ['header', 'bodylimit', 'json'] },
  { name: 'POST + zod validation', layers: ['header', 'bodylimit', 'json', 'validate'] },
];
const GET_VARIANTS = [
  { name: 'GET bare (ceiling)', layers: null },
  { name: 'GET + request-id header', layers: ['header'] },
  { name: "GET + header + hono's bodyLimit", layers: ['header', 'honolimit'] },
  { name: 'GET + header + body-size check', layers: ['header', 'bodylimit'] },
];

const randomGets = {
  method: 'GET',
  headers: { authorization: 'Bearer wb_not_checked_here' },
  next: () => ({ path: `/v1/shipments/${shipmentId(Math.floor(Math.random() * 1_000_000))}` }),
};

async function measureVariant(variant, request) {
  const server = await startBareServer(variant.layers);
  try {
    const run = await measure(server.baseUrl, request, { pid: server.pid });
    assertClean(run, variant.name);
    console.log(describeRun(variant.name, run));
    return { name: variant.name, layers: variant.layers ?? [], requestsPerSecond: run.requestsPerSecond, serverCpu: run.serverCpu, latencyMs: run.latencyMs };
  } finally {
    await server.stop();
  }
}

async function main() {
  if (settings.wantsHelp) return void console.log('node bench/http-layers.js  (see bench/README.md)');
  await printHeader("HTTP layers: the bare server with Waybill's layers added one at a time (no database)", [`${settings.connections} connections`], { databases: false });
  const post = singleEventRequest('wb_not_checked_here', 100_000);
  const variants = [];
  for (const variant of POST_VARIANTS) variants.push(await measureVariant(variant, post));
  for (const variant of GET_VARIANTS) variants.push(await measureVariant(variant, randomGets));
  publish('http-layers', { none: { variants } });
  return 0;
}

runBenchmark(main);
