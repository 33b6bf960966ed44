// Customer messages, measured in-process on SQLite and PostgreSQL, against local providers (a real
// SMTP server and the Twilio emulator on 127.0.0.1):
//   1. decide + enqueue: status changes handed to the notification pipeline (what the
//      `shipment.status_changed` job runs: read the shipment, order, consent and what went out
//      before, decide with the pure policy, insert the message rows and their send jobs in one
//      transaction), BENCH_NOTIFY_CALLERS at a time. Messages decided and enqueued per second,
//      against a ceiling measured in the same run: the same rows (2 messages + 2 jobs per change)
//      inserted in one bare transaction each, with nothing read and nothing decided.
//      Target: ≥ 2,000 messages/s on SQLite.
//   2. ingest → provider: "out for delivery" events ingested through the one ingest path at
//      BENCH_NOTIFY_RATE per second while the job worker runs; for each email and SMS, the time
//      from the ingest call to the provider accepting it (the SMTP server has the whole message;
//      Twilio has answered). Target: p95 ≤ 2 s outside quiet hours (the brand's SMS window is set
//      to 00:00–23:59 so the wall-clock hour of the run does not matter).
//   3. the crash window: for the same messages, from the provider accepting to the worker stamping
//      the row 'sent' (a kill -9 inside it sends that message twice: SMTP and Twilio take no
//      idempotency key), plus the time a one-row UPDATE takes to commit on the same database.
//
//   npm run build && node bench/notifications-send.js [--sqlite-only | --postgres-only]
import { once } from 'node:events';
import pino from 'pino';
import { SMTPServer } from 'smtp-server';
import { createBrand } from '../dist/brands/repo.js';
import { loadConfig } from '../dist/config.js';
import { createDeps } from '../dist/deps.js';
import { migrateToLatest } from '../dist/db/migrate.js';
import { jobHandlers } from '../dist/jobs/handlers.js';
import { createWorker } from '../dist/jobs/worker.js';
import { encryptSecret } from '../dist/lib/crypto.js';
import { newId } from '../dist/lib/ids.js';
import { notifyStatusChangedMany } from '../dist/notifications/pipeline.js';
import { EMULATOR_ACCOUNT, startTwilioEmulator } from '../dist/notifications/providers/twilio-emulator.js';
import { createMetrics } from '../dist/observability/metrics.js';
import { createOrder } from '../dist/orders/service.js';
import { pendingShipmentRow } from '../dist/shipments/rows.js';
import { postShipmentEvents } from '../dist/shipments/service.js';
import { settings } from './lib/config.js';
import { createBenchDatabase } from './lib/databases.js';
import { runBenchmark, SECRET_KEY } from './lib/processes.js';
import { codeVersion, int, ms, pct, verdict } from './lib/report.js';

const env = (name, fallback) => Number(process.env[name] ?? fallback);
const DECISIONS = env('BENCH_NOTIFY_DECISIONS', 3000);
const CALLERS = env('BENCH_NOTIFY_CALLERS', 2);
const BATCH = env('BENCH_NOTIFY_BATCH', 20); // the worker claims up to 20 jobs at a time
const CHANGES = env('BENCH_NOTIFY_CHANGES', 300);
const RATE = env('BENCH_NOTIFY_RATE', 30);
const TARGET_RATE = 2000;
const TARGET_P95_MS = 2000;

const quantile = (values, q) => {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
};
const spread = (values) => ({ n: values.length, p50: quantile(values, 0.5), p95: quantile(values, 0.95), max: quantile(values, 1) });
const describe = (s) => `n=${s.n} p50 ${ms(s.p50)}  p95 ${ms(s.p95)}  max ${ms(s.max)}`;

async function pool(count, callers, work) {
  let next = 0;
  await Promise.all(Array.from({ length: callers }, async () => {
    while (next < count) await work(next++);
  }));
}

async function openWaybill(database, providers) {
  const config = loadConfig({ DATABASE_URL: database.url, SECRET_KEY, LOG_LEVEL: 'silent', PUBLIC_URL: 'http://127.0.0.1:9', SMTP_URL: providers.smtpUrl, TWILIO_API_BASE: providers.twilioUrl });
  const deps = createDeps(config, SECRET_KEY, { log: pino({ level: 'silent' }), metrics: createMetrics(), fetch: providers.fetch });
  await migrateToLatest(deps.db);
  const { brand } = await createBrand(deps.db, new Date(), { name: 'Bench Outfitters' });
  const brandSettings = {
    sms: { accountSid: EMULATOR_ACCOUNT.accountSid, authToken: encryptSecret(deps.keys.credentials, EMULATOR_ACCOUNT.authToken), from: '+15005550006' },
    notifications: { smsWindow: { start: '00:00', end: '23:59' } },
  };
  await deps.db.updateTable('brands').set({ settings: JSON.stringify(brandSettings) }).where('id', '=', brand.id).execute();
  return { deps, brand: { ...brand, settings: JSON.stringify(brandSettings) } };
}

/** A distinct valid US mobile number per order (San Francisco 415, exchange 2xx/5xx by tag). */
const phoneOf = (tag, i) => `+1415${tag === 'l' ? 5 : 2}${String(i).padStart(6, '0')}`;

/** Orders with an email, a phone and consent, each with one UPS shipment in transit. */
async function seedOrders(deps, brand, count, tag) {
  const shipments = [];
  for (let i = 0; i < count; i++) {
    const { order } = await createOrder(deps, brand, {
      number: `${tag}-${i}`,
      customer: { email: `${tag}${i}@customer.example`, phone: phoneOf(tag, i), smsConsent: true, locale: 'en' },
      destination: { line1: '1 Congress Ave', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
      items: [{ sku: 'TEE', name: 'Tee', quantity: 1, price: 20 }],
      placedAt: new Date().toISOString(),
    });
    const shipment = pendingShipmentRow({ brandId: brand.id, orderId: order.id, carrier: 'ups', trackingNumber: `BENCH${tag}${i}`, now: new Date() });
    shipment.status = 'in_transit';
    await deps.db.insertInto('shipments').values(shipment).execute();
    shipments.push(shipment);
  }
  await deps.db.deleteFrom('jobs').execute(); // the confirmations are not what is measured here
  return shipments;
}

const view = (status) => ({ status, reason: null, delayed: false, correction: false });

async function measureDecisions(deps, brand) {
  const shipments = await seedOrders(deps, brand, DECISIONS, 'd');
  await deps.db.updateTable('shipments').set({ status: 'out_for_delivery' }).where('brand_id', '=', brand.id).execute();
  // As the worker hands them over: every claimed job of the kind at once, BENCH_NOTIFY_BATCH at a time.
  const started = performance.now();
  await pool(Math.ceil(shipments.length / BATCH), CALLERS, (b) =>
    notifyStatusChangedMany(
      deps,
      shipments.slice(b * BATCH, (b + 1) * BATCH).map((s) => ({ shipmentId: s.id, brandId: brand.id, orderId: s.order_id, from: view('in_transit'), to: view('out_for_delivery'), headEventId: null })),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const enqueued = await deps.db.selectFrom('messages').select((eb) => eb.fn.countAll().as('n')).where('state', '=', 'pending').executeTakeFirstOrThrow();
  const messages = Number(enqueued.n);

  // The ceiling: the same rows, written the same way (one transaction per batch), with nothing read or decided.
  const at = new Date().toISOString();
  const started2 = performance.now();
  await pool(Math.ceil(shipments.length / BATCH), CALLERS, (b) =>
    deps.db.transaction().execute(async (trx) => {
      const rows = shipments.slice(b * BATCH, (b + 1) * BATCH).flatMap((shipment, j) => ['email', 'sms'].map((channel) => ({
        id: newId('message'), brand_id: brand.id, order_id: shipment.order_id, shipment_id: shipment.id, milestone: 'out_for_delivery', occurrence: 'ceiling', channel,
        recipient: `r${b}-${j}`, dedupe_key: `ceiling:${b}:${j}:${channel}`, state: 'pending', held_reason: null, send_after: null, context: '{}', subject: null, body_text: null, provider: null,
        provider_message_id: null, provider_status: null, attempts: 0, last_error: null, created_at: at, sent_at: null, updated_at: at,
      })));
      await trx.insertInto('messages').values(rows).execute();
      await trx.insertInto('jobs').values(rows.map((m) => ({ id: newId('job'), kind: 'bench.ceiling', payload: JSON.stringify({ messageId: m.id }), state: 'done', run_at: at, attempts: 0, max_attempts: 1, locked_by: null, locked_until: null, last_error: null, idempotency_key: `ceiling:${m.id}`, created_at: at, updated_at: at }))).execute();
    }),
  );
  const ceilingSeconds = (performance.now() - started2) / 1000;
  const rate = messages / seconds;
  const ceiling = (shipments.length * 2) / ceilingSeconds;
  console.log(`decide + enqueue: ${int(shipments.length)} status changes → ${int(messages)} messages in ${seconds.toFixed(2)} s = ${int(rate)} messages/s (${int(shipments.length / seconds)} changes/s), ${CALLERS} callers`);
  console.log(`  ceiling (bare inserts of the same rows, same batches): ${int(ceiling)} messages/s; ratio ${pct(rate / ceiling)}`);
  await deps.db.deleteFrom('jobs').execute();
  return { changes: shipments.length, messages, messagesPerSecond: rate, ceilingPerSecond: ceiling, ratio: rate / ceiling };
}

async function measureLatency(deps, brand, providers) {
  const shipments = await seedOrders(deps, brand, CHANGES, 'l');
  const worker = createWorker({ db: deps.db, dialect: deps.dialect, clock: deps.clock, log: deps.log, handlers: jobHandlers(deps), concurrency: 2 });
  deps.notifyJobsEnqueued = () => worker.nudge();
  worker.start();
  const ingestedAt = new Map();
  try {
    const started = performance.now();
    for (let i = 0; i < shipments.length; i++) {
      const due = started + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const at = Date.now();
      await postShipmentEvents(deps, brand, shipments[i].id, { events: [{ status: 'out_for_delivery', occurredAt: new Date().toISOString(), eventId: `ofd-${i}` }] }, 'manual');
      ingestedAt.set(`l${i}@customer.example`, at);
      ingestedAt.set(phoneOf('l', i), at);
      deps.notifyJobsEnqueued();
    }
    const deadline = Date.now() + 120_000;
    while (providers.accepted.size < shipments.length * 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  } finally {
    await worker.stop();
  }
  const latency = { email: [], sms: [] };
  const window = { email: [], sms: [] };
  const rows = await deps.db.selectFrom('messages').select(['recipient', 'channel', 'state', 'updated_at']).where('milestone', '=', 'out_for_delivery').execute();
  for (const row of rows) {
    const accepted = providers.accepted.get(row.recipient);
    const ingested = ingestedAt.get(row.recipient);
    if (accepted === undefined || ingested === undefined) continue;
    latency[row.channel].push(accepted - ingested);
    if (row.state === 'sent') window[row.channel].push(Date.parse(row.updated_at) - accepted);
  }
  // A one-row UPDATE's commit, on the same database: the last step of the window.
  const commits = [];
  const sample = await deps.db.selectFrom('messages').select('id').limit(200).execute();
  for (const { id } of sample) {
    const t = performance.now();
    await deps.db.updateTable('messages').set({ updated_at: new Date().toISOString() }).where('id', '=', id).execute();
    commits.push(performance.now() - t);
  }
  const result = {
    changes: shipments.length,
    rate: RATE,
    missing: shipments.length * 2 - latency.email.length - latency.sms.length,
    email: spread(latency.email),
    sms: spread(latency.sms),
    windowEmail: spread(window.email),
    windowSms: spread(window.sms),
    commit: spread(commits),
  };
  console.log(`ingest → provider accepted (${int(shipments.length)} changes at ${RATE}/s):`);
  console.log(`  email ${describe(result.email)}`);
  console.log(`  sms   ${describe(result.sms)}`);
  if (result.missing) console.log(`  ${result.missing} messages were not accepted within 120 s`);
  console.log(`crash window (provider accepted → row stamped 'sent'): email ${describe(result.windowEmail)}; sms ${describe(result.windowSms)}; then the UPDATE commits: ${describe(result.commit)}`);
  return result;
}

/** A local SMTP server and the Twilio emulator, each noting when it accepted a message for a recipient. */
async function startProviders() {
  const accepted = new Map();
  const smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        for (const rcpt of session.envelope.rcptTo) if (!accepted.has(rcpt.address)) accepted.set(rcpt.address, Date.now());
        callback();
      });
    },
  });
  smtp.listen(0, '127.0.0.1');
  await once(smtp.server, 'listening');
  const twilio = await startTwilioEmulator({ maxRecorded: 100_000 });
  // Twilio accepted when its answer arrives: the emulator creates the message, then answers.
  const timedFetch = async (url, init) => {
    const response = await fetch(url, init);
    const to = init?.body ? new URLSearchParams(String(init.body)).get('To') : null;
    if (to && response.ok && !accepted.has(to)) accepted.set(to, Date.now());
    return response;
  };
  return {
    accepted,
    fetch: timedFetch,
    smtpUrl: `smtp://127.0.0.1:${smtp.server.address().port}`,
    twilioUrl: twilio.url,
    async close() {
      await twilio.close();
      await new Promise((resolve) => smtp.close(resolve));
    },
  };
}

await runBenchmark(async () => {
  console.log(`notifications-send — ${codeVersion()} — ${new Date().toISOString()} — node ${process.version}`);
  const results = {};
  for (const dialect of settings.dialects) {
    console.log(`\n--- ${dialect} ---`);
    const database = await createBenchDatabase(dialect);
    const providers = await startProviders();
    let opened;
    try {
      opened = await openWaybill(database, providers);
      const decisions = await measureDecisions(opened.deps, opened.brand);
      const latency = await measureLatency(opened.deps, opened.brand, providers);
      results[dialect] = { decisions, latency };
    } finally {
      await opened?.deps.close();
      await providers.close();
      await database.drop();
    }
  }
  console.log('\nAgainst the targets:');
  for (const [dialect, r] of Object.entries(results)) {
    console.log(`  ${dialect}: decide + enqueue ${int(r.decisions.messagesPerSecond)} messages/s ${dialect === 'sqlite' ? `(target ≥ ${int(TARGET_RATE)}: ${verdict(r.decisions.messagesPerSecond >= TARGET_RATE)})` : ''}; ingest → accepted p95 email ${ms(r.latency.email.p95)}, sms ${ms(r.latency.sms.p95)} (target ≤ ${int(TARGET_P95_MS)} ms: ${verdict(Math.max(r.latency.email.p95 ?? Infinity, r.latency.sms.p95 ?? Infinity) <= TARGET_P95_MS)})`);
  }
  if (process.env.BENCH_RESULT_FILE) {
    const { appendFileSync } = await import('node:fs');
    appendFileSync(process.env.BENCH_RESULT_FILE, `${JSON.stringify({ benchmark: 'notifications-send', results })}\n`);
  }
  return 0;
});
