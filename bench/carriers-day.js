// A day of carrier traffic on a simulated clock: SIM_SHIPMENTS active parcels (100,000 by default)
// spread over UPS, FedEx, USPS and DHL, for SIM_HOURS (24) simulated hours, against the four
// emulators with their published limits enforced. UPS parcels are subscribed to Track Alert and
// pushed; the others are polled by Waybill's scheduler. Everything runs in this process: the
// emulators, Waybill's HTTP server (UPS pushes to it), its job worker, on one manual clock that
// moves SIM_TICK_SECONDS (60) at a time. Not part of the test suite.
//
// Reports per carrier: limit violations, the share of status changes Waybill picked up, the median
// and p95 delay between a scan and Waybill storing it, requests per parcel per day, and the daily
// requests polling would need to keep every parcel within a target delay (SIM_TARGET_MINUTES).
//
//   npm run build && node bench/carriers-day.js                    (SQLite)
//   npm run build && node bench/carriers-day.js --postgres-only
import { serve } from '@hono/node-server';
import pino from 'pino';
import { createApp } from '../dist/app.js';
import { createBrand } from '../dist/brands/repo.js';
import { saveConnection } from '../dist/carriers/connections.js';
import { startDhlEmulator } from '../dist/carriers/dhl/emulator.js';
import { startFedexEmulator } from '../dist/carriers/fedex/emulator.js';
import { startUpsEmulator } from '../dist/carriers/ups/emulator.js';
import { startUspsEmulator } from '../dist/carriers/usps/emulator.js';
import { loadConfig } from '../dist/config.js';
import { migrateToLatest } from '../dist/db/migrate.js';
import { createDeps } from '../dist/deps.js';
import { issueEndpoint } from '../dist/inbound/endpoints.js';
import { INBOUND_PROCESS_JOB, INBOUND_SWEEP_JOB, processInbox, sweepInbox } from '../dist/inbound/inbox.js';
import { createWorker } from '../dist/jobs/worker.js';
import { manualClock } from '../dist/lib/clock.js';
import { createMetrics } from '../dist/observability/metrics.js';
import { POLL_ACCOUNT_JOB, POLL_DISCOVER_JOB, POLL_TICK_JOB, runPollAccount, runPollDiscover, runPollTick } from '../dist/polling/jobs.js';
import { DEFAULT_CARRIER_LIMITS } from '../dist/polling/limits.js';
import { accountStatus } from '../dist/polling/routes.js';
import { ensureCarrierSchedules } from '../dist/polling/schedules.js';
import { STATUS_CHANGED_JOB } from '../dist/shipments/ingest.js';
import { settings } from './lib/config.js';
import { seedCarrierDay } from './lib/carriers-seed.js';
import { createBenchDatabase } from './lib/databases.js';
import { CARRIERS, carrierEvent, carrierShipment, journeyOf } from './lib/journeys.js';
import { onCleanup, runBenchmark, SECRET_KEY } from './lib/processes.js';
import { codeVersion, int, pct } from './lib/report.js';

const env = (name, fallback) => (process.env[name] ? Number(process.env[name]) : fallback);
const SHIPMENTS = env('SIM_SHIPMENTS', 100_000);
const HOURS = env('SIM_HOURS', 24);
const TICK_SECONDS = env('SIM_TICK_SECONDS', 60);
const TARGET_MINUTES = (process.env.SIM_TARGET_MINUTES ?? '60,240').split(',').map(Number);
const START = Date.parse(process.env.SIM_START ?? '2026-03-02T00:00:00Z');
const END = START + HOURS * 3_600_000;
const HOUR = 3_600_000;

const limitsOf = (carrier) => {
  const { rate, dailyQuota } = DEFAULT_CARRIER_LIMITS[carrier];
  return { rate, ...(dailyQuota === null ? {} : { dailyQuota }) };
};

runBenchmark(async () => {
  const dialect = settings.dialects.length === 1 ? settings.dialects[0] : 'sqlite';
  const wall = performance.now();
  const elapsed = () => `${((performance.now() - wall) / 1000).toFixed(0)} s`;
  console.log(`\n=== carriers-day: ${int(SHIPMENTS)} parcels, ${HOURS} simulated hours, ${dialect} ===`);
  console.log(`${new Date().toISOString()} · commit ${codeVersion()} · node ${process.version} · tick ${TICK_SECONDS} s`);

  // ---- Waybill, its database and clock, and the four carriers ----
  const database = await createBenchDatabase(dialect);
  const clock = manualClock(new Date(START));
  const config = loadConfig({ DATABASE_URL: database.url, SECRET_KEY, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://127.0.0.1' });
  const deps = createDeps(config, SECRET_KEY, { clock, log: pino({ level: 'silent' }), metrics: createMetrics() });
  onCleanup(() => deps.close());
  await migrateToLatest(deps.db);
  const emulators = {
    ups: await startUpsEmulator({ clock, limits: limitsOf('ups'), logLimit: 10 }),
    fedex: await startFedexEmulator({ clock, limits: limitsOf('fedex'), logLimit: 10 }),
    usps: await startUspsEmulator({ clock, limits: limitsOf('usps'), maxRecordedRequests: 10 }),
    dhl: await startDhlEmulator({ clock, limits: limitsOf('dhl'), maxRecordedRequests: 10, timestamps: 'offset' }),
  };
  for (const emulator of Object.values(emulators)) onCleanup(() => emulator.close());
  const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  onCleanup(() => new Promise((resolve) => server.close(resolve)));
  const base = `http://127.0.0.1:${server.address().port}`;

  const { brand } = await createBrand(deps.db, clock.now(), { name: 'Simulated Brand' });
  const credentials = {
    ups: { clientId: emulators.ups.clientId, clientSecret: emulators.ups.clientSecret },
    fedex: { clientId: emulators.fedex.clientId, clientSecret: emulators.fedex.clientSecret },
    usps: { clientId: 'test-client-id', clientSecret: 'test-client-secret' },
    dhl: { apiKey: 'test-api-key' },
  };
  for (const carrier of CARRIERS) {
    const saved = await saveConnection(deps, brand.id, carrier, { credentials: credentials[carrier], baseUrl: emulators[carrier].url });
    if (saved.status !== 'connected') throw new Error(`${carrier}: ${saved.message}`);
  }
  const { reveal } = await issueEndpoint(deps, brand.id, 'ups_track_alert');
  emulators.ups.configureTrackAlert({ url: `${base}/webhooks/ups/track-alert`, tokenUrl: `${base}/webhooks/ups/oauth/token`, clientId: reveal.clientId, clientSecret: reveal.clientSecret });

  // ---- parcels, their history before the start, and a scheduler already in its stride ----
  const journeys = Array.from({ length: SHIPMENTS }, (_, i) => journeyOf(i, START));
  const { shipmentIds, mismatches } = await seedCarrierDay({ database, deps, brandId: brand.id, journeys, emulators, startMs: START });
  if (mismatches) console.log(`warning: for ${int(mismatches)} parcels Waybill read another status sequence than the simulation meant`);
  console.log(`seeded ${int(SHIPMENTS)} parcels with their history (${elapsed()})`);

  // ---- the day ----
  // Where the wall time goes: each job kind, the pushes, the rest.
  const spent = new Map();
  const timed = (name, work) => async (...args) => {
    const started = performance.now();
    try {
      return await work(...args);
    } finally {
      spent.set(name, (spent.get(name) ?? 0) + performance.now() - started);
    }
  };
  const worker = createWorker({
    db: deps.db,
    dialect: deps.dialect,
    clock,
    log: deps.log,
    batchSize: 100,
    handlers: {
      [POLL_TICK_JOB]: timed('poll tick', () => runPollTick(deps)),
      [POLL_DISCOVER_JOB]: timed('poll discovery', (payload) => runPollDiscover(deps, payload)),
      [POLL_ACCOUNT_JOB]: timed('poll accounts', (payload) => runPollAccount(deps, payload)),
      [INBOUND_PROCESS_JOB]: timed('inbox processing', async () => void (await processInbox(deps))),
      [INBOUND_SWEEP_JOB]: timed('inbox sweep', () => sweepInbox(deps)),
      [STATUS_CHANGED_JOB]: async () => {}, // customer messages are not part of this simulation
    },
  });
  const flushPushes = timed('UPS pushes (both sides)', () => emulators.ups.flushPushes());
  const drain = timed('worker total', () => worker.drain());
  await ensureCarrierSchedules(deps);
  const upcoming = journeys.flatMap((journey, i) => journey.scans.filter((s) => s.at > START && s.at <= END).map((scan) => ({ i, scan }))).sort((a, b) => a.scan.at - b.scan.at);
  let next = 0;
  for (let tickAt = START + TICK_SECONDS * 1000; tickAt <= END; tickAt += TICK_SECONDS * 1000) {
    clock.set(new Date(tickAt));
    for (; next < upcoming.length && upcoming[next].scan.at <= tickAt; next++) release(emulators, journeys[upcoming[next].i], upcoming[next].scan);
    await flushPushes();
    clock.set(new Date(tickAt + 2000)); // stored deliveries are processed a second or two later
    await drain();
    if ((tickAt - START) % (4 * HOUR) === 0) {
      console.log(`  ${((tickAt - START) / HOUR).toFixed(0).padStart(2)} h simulated (${elapsed()}): ${int(next)} scans released, ${int(emulators.ups.pushes.stats.delivered)} pushed`);
    }
  }
  console.log(`simulated ${HOURS} h in ${elapsed()}; wall time by part: ${[...spent].map(([name, ms]) => `${name} ${(ms / 1000).toFixed(0)} s`).join(', ')}`);

  // ---- figures ----
  const results = await measure(deps, brand.id, journeys, shipmentIds, emulators);
  printResults(results, elapsed());
  return 0;
});

/** A scan happens: the carrier's system shows it (and UPS pushes it to subscribers). */
function release(emulators, journey, scan) {
  const n = journey.trackingNumber;
  if (journey.carrier === 'ups') emulators.ups.addActivity(n, carrierEvent('ups', scan));
  else if (journey.carrier === 'fedex') emulators.fedex.addShipment(n, carrierShipment(journey, scan.at));
  else emulators[journey.carrier].addEvent(n, carrierEvent(journey.carrier, scan));
}

async function measure(deps, brandId, journeys, shipmentIds, emulators) {
  const stored = new Map();
  const rows = await deps.db
    .selectFrom('tracking_events')
    .select(['shipment_id', 'occurred_at', 'recorded_at', 'status', 'source'])
    .where('recorded_at', '>', new Date(START).toISOString())
    .execute();
  for (const row of rows) if (row.occurred_at) stored.set(`${row.shipment_id}|${Date.parse(row.occurred_at)}`, row);

  const requests = {
    ups: emulators.ups.state.requests.track,
    fedex: emulators.fedex.state.requests.track,
    usps: emulators.usps.counts.tracking,
    dhl: emulators.dhl.counts.tracking,
  };
  const violations = { ups: emulators.ups.state.violations, fedex: emulators.fedex.state.violations, usps: emulators.usps.violations, dhl: emulators.dhl.violations };
  const batch = { ups: 1, fedex: 30, usps: 1, dhl: 1 };
  const perCarrier = {};
  for (const carrier of CARRIERS) {
    const mine = journeys.map((journey, i) => ({ journey, id: shipmentIds[i] })).filter((p) => p.journey.carrier === carrier);
    const delays = [];
    const bySource = {};
    let changes = 0;
    let picked = 0;
    const activeHours = [];
    for (const { journey, id } of mine) {
      journey.scans.forEach((scan, k) => {
        if (scan.at <= START || scan.at > END) return;
        if (k > 0 && journey.scans[k - 1].status === scan.status) return; // not a status change
        changes++;
        const row = stored.get(`${id}|${scan.at}`);
        if (!row) return;
        picked++;
        delays.push(Date.parse(row.recorded_at) - scan.at);
        bySource[row.source] = (bySource[row.source] ?? 0) + 1;
      });
      const deliveredAt = journey.scans.at(-1).at;
      activeHours.push(Math.max(0, (Math.min(END, deliveredAt) - START) / HOUR));
    }
    delays.sort((a, b) => a - b);
    const quantile = (q) => (delays.length ? delays[Math.min(delays.length - 1, Math.floor(q * delays.length))] / 60_000 : null);
    // Polled every `m` minutes while active, a parcel's change is known within `m`: its polls, per day.
    const needed = Object.fromEntries(TARGET_MINUTES.map((m) => [m, Math.ceil(((activeHours.reduce((sum, h) => sum + Math.ceil((h * 60) / m), 0) / batch[carrier]) * 24) / HOURS)]));
    const status = await accountStatus(deps, brandId, carrier);
    perCarrier[carrier] = {
      parcels: mine.length,
      violations: violations[carrier],
      statusChanges: changes,
      pickedUp: picked,
      bySource,
      medianDelayMinutes: quantile(0.5),
      p95DelayMinutes: quantile(0.95),
      requests: requests[carrier],
      requestsPerParcelPerDay: (requests[carrier] / mine.length) * (24 / HOURS),
      neededRequestsPerDay: needed,
      waybillEstimate: { requestsNeededPerDay: status.requestsNeededPerDay, capacityPerDay: status.capacityPerDay, quotaTooSmall: status.quotaTooSmall },
    };
  }
  perCarrier.fedex.numbersAsked = emulators.fedex.state.numbersPerTrackRequest.reduce((a, b) => a + b, 0);
  perCarrier.ups.push = {
    webhooksDelivered: emulators.ups.pushes.stats.delivered,
    throttled: emulators.ups.pushes.stats.throttled,
    subscriptionCalls: emulators.ups.numbersPerSubscriptionRequest.length,
    numbersSubscribed: emulators.ups.numbersPerSubscriptionRequest.reduce((a, b) => a + b, 0),
  };
  return perCarrier;
}

function printResults(results, wallTime) {
  const minutes = (value) => (value === null ? 'n/a' : value < 10 ? `${value.toFixed(1)} min` : `${Math.round(value)} min`);
  console.log('');
  console.log(`| carrier | parcels | limit violations | status changes picked up | median delay | p95 delay | requests per parcel per day | requests/day polling needs for ${TARGET_MINUTES.map((m) => `≤ ${m} min`).join(' / ')} |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const carrier of CARRIERS) {
    const r = results[carrier];
    const v = r.violations.rate + r.violations.quota;
    console.log(
      `| ${carrier} | ${int(r.parcels)} | ${v} | ${pct(r.pickedUp / r.statusChanges)} (${int(r.pickedUp)} of ${int(r.statusChanges)}) | ${minutes(r.medianDelayMinutes)} | ${minutes(r.p95DelayMinutes)} | ${r.requestsPerParcelPerDay.toFixed(2)} | ${TARGET_MINUTES.map((m) => int(r.neededRequestsPerDay[m])).join(' / ')} |`,
    );
  }
  console.log('');
  for (const carrier of CARRIERS) console.log(`${carrier}: picked up by source ${JSON.stringify(results[carrier].bySource)}; Waybill's own estimate ${JSON.stringify(results[carrier].waybillEstimate)}`);
  console.log(`ups push: ${JSON.stringify(results.ups.push)}`);
  console.log(`fedex: ${int(results.fedex.requests)} requests asked about ${int(results.fedex.numbersAsked)} numbers`);
  console.log(`wall time: ${wallTime}`);
  console.log(`\nJSON ${JSON.stringify(results)}`);
}
