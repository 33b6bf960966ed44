// The tracking page at scale: GET /t/{token} for random orders among BENCH_SHIPMENTS (default
// 1,000,000) stored shipments, one order per 10 shipments (so every page draws ten parcels, each
// with 0 to 4 scans), the brand themed (logo, colours, navigation, footer) and with a catalogue,
// so the page carries its map and its cross-sells as a customer sees it. Seeded directly with
// SQL (lib/seed.js); tokens are signed here with the server's key, like the links in messages.
//
// Runs, each after a warm-up: the ceiling (bare Hono app answering 200, same requests and
// connections), Waybill flat out (its requests/s as a ratio of the ceiling), Waybill paced at 40%
// of the ceiling's requests/s (the p99 a client sees at the target load; skipped when Waybill
// cannot reach that rate flat out), and, for the analysis only, Waybill paced at half its own
// rate. Then the page's weight: bytes of HTML (CSS inlined), and as served to a browser that takes
// gzip (as every phone's does; the requests of every run ask for it the same way).
// Targets: ≥ 40% of the ceiling, p99 ≤ 15 ms at that load, HTML + CSS ≤ 50 KB compressed.
//
//   npm run build && node bench/hub-page.js [--sqlite-only | --postgres-only]
import { deriveKeyring } from '../dist/lib/crypto.js';
import { signTrackingToken } from '../dist/orders/tracking-links.js';
import { settings } from './lib/config.js';
import { benchLogo } from './lib/logo.js';
import { assertClean, measure } from './lib/load.js';
import { runBenchmark, SECRET_KEY, startWaybill } from './lib/processes.js';
import { describeRun, int, ms, pct, printHeader, publish, verdict } from './lib/report.js';
import { anyFailed, describeSameSize, forEachDatabase, meanAnswerBytes, measureCeiling } from './lib/scenario.js';
import { orderId, SHIPMENTS_PER_ORDER } from './lib/seed.js';

const TARGETS = { ratio: 0.4, p99Ms: 15, compressedKb: 50 };
const EVENTS = { cycle: 5 };
const TOKENS = 20_000;
const TTL_MS = 180 * 86_400_000;

/** Links to random seeded orders, signed ahead (the load generator must not spend its CPU on HMACs). */
function pageRequests(brandId, shipments) {
  const key = deriveKeyring(SECRET_KEY)['tracking-links'];
  const orders = Math.ceil(shipments / SHIPMENTS_PER_ORDER);
  // Seeded orders were created 30 days ago (lib/seed.js): their links expire 150 days from now.
  const expiresAt = Date.now() - 30 * 86_400_000 + TTL_MS;
  const paths = Array.from({ length: TOKENS }, () => `/t/${signTrackingToken(key, brandId, { orderId: orderId(Math.floor(Math.random() * orders)), expiresAt, keyVersion: 1 })}`);
  // A phone browser's headers: its languages, and the encodings it takes (Chrome's list, unless BENCH_PAGE_ENCODING says otherwise).
  // (identity when it is empty, as fetch would otherwise ask for gzip on its own.)
  const headers = { 'accept-language': 'en-US,en;q=0.9', 'accept-encoding': settings.pageEncoding || 'identity' };
  return { method: 'GET', headers, next: () => ({ path: paths[Math.floor(Math.random() * paths.length)] }) };
}

/** The brand as a real one would set it up: a theme and a small catalogue (so the page has cross-sells). */
async function themeBrand(baseUrl, apiKey) {
  const put = async (path, body) => {
    const response = await fetch(`${baseUrl}/v1${path}`, { method: 'PUT', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`PUT ${path} answered ${response.status}: ${await response.text()}`);
  };
  await put('/brand/theme', {
    slug: 'bench',
    logo: benchLogo(settings.logoBytes),
    colors: { primary: '#1f3a2e', accent: '#b4531a' },
    nav: [
      { label: 'Shop', url: 'https://bench.example/shop' },
      { label: 'Help', url: 'https://bench.example/help' },
    ],
    footer: { text: 'Bench Outfitters', links: [{ label: 'Returns', url: 'https://bench.example/returns' }] },
    support: { email: 'help@bench.example' },
  });
  await put('/catalogue/products', {
    products: ['CAP', 'MUG', 'SOCKS', 'BOTTLE', 'TOTE', 'BEANIE'].map((id, i) => ({ id, title: `Bench ${id.toLowerCase()}`, price: 10 + i, url: `https://bench.example/p/${id.toLowerCase()}`, tags: ['bench'] })),
  });
  await put('/returns/policy', { enabled: true, windowDays: 30 });
}

async function pageWeight(baseUrl, request) {
  const response = await fetch(`${baseUrl}${request.next().path}`, { headers: request.headers });
  const html = await response.text(); // fetch unzips
  if (response.status !== 200 || !/<h1>Order B\d+<\/h1>/.test(html) || (html.match(/aria-labelledby="h-shp_/g) ?? []).length !== SHIPMENTS_PER_ORDER) {
    throw new Error(`the page answered ${response.status} without its order and ${SHIPMENTS_PER_ORDER} parcels: ${html.slice(0, 300)}`);
  }
  const encoding = response.headers.get('content-encoding');
  if (settings.pageEncoding.includes('gzip') && encoding !== 'gzip') throw new Error(`the page went out ${encoding ?? 'uncompressed'} to a browser that takes gzip`);
  const bytes = Buffer.byteLength(html);
  return { bytes, served: encoding ? Number(response.headers.get('content-length')) : bytes, encoding: encoding ?? 'none', crossSells: (html.match(/href="\/r\//g) ?? []).length, map: html.includes('class="map"') };
}

async function measureWaybill(database, apiKey, request, targetRate) {
  const server = await startWaybill(database.url);
  const postgres = database.dialect === 'postgres';
  try {
    await themeBrand(server.baseUrl, apiKey);
    const weight = await pageWeight(server.baseUrl, request);
    weight.meanBytes = await meanAnswerBytes(server.baseUrl, request);
    const flatOut = await measure(server.baseUrl, request, { pid: server.pid, postgres });
    assertClean(flatOut, 'waybill flat out');
    let atTarget = null;
    if (flatOut.requestsPerSecond >= targetRate * 0.97) {
      atTarget = await measure(server.baseUrl, request, { rate: targetRate, pid: server.pid, postgres });
      assertClean(atTarget, 'waybill at the target rate');
    }
    const halfOwn = Math.max(1, Math.round(flatOut.requestsPerSecond / 2));
    const atHalfOwn = await measure(server.baseUrl, request, { rate: halfOwn, pid: server.pid, postgres });
    assertClean(atHalfOwn, 'waybill at half its own rate');
    return { weight, flatOut, atTarget, atHalfOwn, halfOwn };
  } finally {
    await server.stop();
  }
}

async function main() {
  if (settings.wantsHelp) return void console.log('node bench/hub-page.js [--sqlite-only | --postgres-only]  (see bench/README.md)');
  await printHeader('The tracking page: GET /t/{token}, random orders of 10 parcels', [`${int(settings.shipments)} shipments`, `${settings.connections} connections`]);
  const results = await forEachDatabase({ shipments: settings.shipments, events: EVENTS }, async ({ database, brandId, apiKey }) => {
    const request = pageRequests(brandId, settings.shipments);
    const ceiling = await measureCeiling(request);
    console.log(describeRun('ceiling (bare Hono, 200)', ceiling));
    const targetRate = Math.max(1, Math.round(ceiling.requestsPerSecond * TARGETS.ratio));
    const { weight, flatOut, atTarget, atHalfOwn, halfOwn } = await measureWaybill(database, apiKey, request, targetRate);
    console.log(describeRun('waybill flat out', flatOut));
    if (atTarget) console.log(describeRun(`waybill paced at ${int(targetRate)} req/s`, atTarget));
    else console.log(`waybill paced at ${int(targetRate)} req/s: not run, it answers only ${int(flatOut.requestsPerSecond)} req/s flat out`);
    console.log(describeRun(`waybill paced at ${int(halfOwn)} req/s`, atHalfOwn));
    const ratio = flatOut.requestsPerSecond / ceiling.requestsPerSecond;
    const checks = {
      throughput: ratio >= TARGETS.ratio && atTarget !== null,
      p99: atTarget !== null && atTarget.latencyMs.p99 <= TARGETS.p99Ms,
      weight: weight.served <= TARGETS.compressedKb * 1024,
    };
    console.log(`page: ${int(weight.bytes)} bytes of HTML and CSS, ${int(weight.served)} as served (${weight.encoding}; target ≤ ${TARGETS.compressedKb} KB compressed): ${verdict(checks.weight)}; ${weight.crossSells} cross-sells, map ${weight.map ? 'drawn' : 'missing'}`);
    console.log(`flat out: ${pct(ratio)} of the ceiling (target ≥ ${pct(TARGETS.ratio)}): ${verdict(checks.throughput)}`);
    // Not a target: the bare handler answering as many bytes as a page, to show what the page's size alone costs.
    const sameSize = await measureCeiling(request, { bodyBytes: weight.meanBytes });
    console.log(describeRun(`same-size ceiling (${int(weight.meanBytes)} B)`, sameSize));
    console.log(describeSameSize(sameSize, weight.meanBytes, ceiling, flatOut));
    console.log(atTarget ? `p99 paced at ${int(targetRate)} req/s: ${ms(atTarget.latencyMs.p99)} (target ≤ ${TARGETS.p99Ms} ms): ${verdict(checks.p99)}` : `p99 at ${int(targetRate)} req/s: not measured (the rate is out of reach): ${verdict(false)}`);
    return { ceiling, flatOut, atTarget, atHalfOwn, weight, ratio, sameSize, checks };
  });
  publish('hub-page', results);
  return anyFailed(results) ? 1 : 0;
}

runBenchmark(main);
