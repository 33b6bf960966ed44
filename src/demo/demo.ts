// `waybill demo`: a demo brand whose parcels move live through every stage. It runs on its own
// database (a SQLite file recreated at each start; on PostgreSQL only the demo brand is replaced) and on a clock DEMO_SPEED times faster than real time,
// so a journey of a few days plays out in a few minutes. New orders keep arriving (orders.ts).
// One demo per database: a second one on the same DEMO_DATABASE_URL is refused (lock.ts).
import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { createBrand } from '../brands/repo.js';
import { type Config, databaseLocation, loadConfig, readEnv, sqliteFileOf } from '../config.js';
import { acceleratedClock, systemClock } from '../lib/clock.js';
import { SIMULATED_SCAN_JOB } from '../carriers/simulated/runtime.js';
import { ensureWatchSchedule, holdWatch } from '../notifications/watch/index.js';
import { STATUS_CHANGED_JOB } from '../shipments/ingest.js';
import type { Deps } from '../deps.js';
import type { BrandRow } from '../db/schema.js';
import { type DemoUpsFeed, startDemoUpsFeed } from './ups-feed.js';
import type { listen as Listen, Listener, RunningServer, startServer as StartServer } from '../main.js';
import { seedDemoOrders, startDemoArrivals } from './orders.js';
import { renderDemoStartPage } from './start-page.js';
import { setUpDemoShipping } from './labels.js';
import { DEMO_SLUG, seedDemoHub, startDemoReturn } from './hub.js';
import { claimDemoDatabase, type DemoLock } from './lock.js';

const DemoEnv = z.object({
  DEMO_DATABASE_URL: databaseLocation().default('./data/demo.db'),
  DEMO_SPEED: z.coerce.number().min(1).max(100_000).default(1440),
  DEMO_ORDER_EVERY_SECONDS: z.coerce.number().min(1).max(3600).default(15),
  DEMO_MAX_ORDERS: z.coerce.number().int().min(1).max(10_000).default(120),
});

export const DEMO_BRAND_ID = 'brd_demo0000000000000000000000';

export async function runDemo(env: Record<string, string | undefined>, startServer: typeof StartServer, listen: typeof Listen): Promise<number | undefined> {
  const demo = readEnv(DemoEnv, env, 'Invalid demo configuration');
  const config = loadConfig({ ...env, DATABASE_URL: demo.DEMO_DATABASE_URL });
  // The port first: a second demo on a port already in use stops here, before it deletes the
  // database the running one works on. One on another port stops at the claim on the database.
  const listener = await listen(config);
  const { stopOnSignals } = await import('../main.js');
  stopOnSignals(await startDemo(config, demo, listener, startServer));
  return undefined;
}

/** Starts the demo on its bound port. A failure closes what it opened, the listener included, before it is thrown. */
async function startDemo(config: Config, demo: z.infer<typeof DemoEnv>, listener: Listener, startServer: typeof StartServer): Promise<RunningServer> {
  let running: RunningServer | undefined;
  let ups: DemoUpsFeed | undefined;
  let lock: DemoLock | undefined;
  try {
    // Before anything is removed: a demo already running on this database keeps it, and this one stops.
    lock = await claimDemoDatabase(config.databaseUrl, config.dialect, { pid: process.pid, url: config.publicUrl });
    if (config.dialect === 'sqlite') removeSqliteFiles(sqliteFileOf(demo.DEMO_DATABASE_URL));
    // The generated key lives beside a SQLite demo database, or in ./data when the demo runs on PostgreSQL.
    const secretFolder = config.dialect === 'sqlite' ? path.dirname(path.resolve(sqliteFileOf(demo.DEMO_DATABASE_URL))) : path.resolve('data');
    const secretKey = config.secretKey ?? demoSecret(secretFolder);

    const clock = acceleratedClock(demo.DEMO_SPEED);
    let brand: BrandRow | undefined;
    let apiKey = '';
    running = await startServer(config, secretKey, {
      withHttp: true,
      listener,
      // Messages are captured and shown at /demo/messages instead of being sent.
      depsOverrides: { clock, wallClock: systemClock, captureMessages: true },
      demoPages: true,
      // A job lease is counted on the demo clock, so it must stretch with it.
      leaseMs: 60_000 * demo.DEMO_SPEED,
      // …while its renewals run on real time: a third of the lease's real minute.
      renewLeasesEveryMs: 20_000,
      startPage: (deps) => renderDemoStartPage(deps, brand, apiKey),
    });
    const { deps } = running;
    if (config.dialect === 'postgres') await removeDemoBrand(deps);
    ({ brand, apiKey } = await createBrand(deps.db, clock.now(), { name: 'Northwind Outfitters', id: DEMO_BRAND_ID }));
    brand = await setUpDemoShipping(deps, brand);
    brand = await seedDemoHub(deps, brand);
    // The seeded orders replay days of scans first: Waybill's own watch (late, stalled, digests) waits for that.
    await holdWatch(deps);
    // Some parcels go with an emulated UPS that pushes their scans (Track Alert) to this server.
    ups = await startDemoUpsFeed(deps, brand, `http://127.0.0.1:${config.port}`);
    const packing = await seedDemoOrders(deps, brand, ups.ship);
    const stopReturn = startDemoReturn(deps, brand);
    deps.notifyJobsEnqueued();
    const watch = watchAfterReplay(deps);
    const stopArrivals = startDemoArrivals(deps, brand, packing, { everyMs: demo.DEMO_ORDER_EVERY_SECONDS * 1000, maxOrders: demo.DEMO_MAX_ORDERS, ups: ups.ship });
    printDemoUrls(config, demo.DEMO_SPEED, apiKey);
    const [server, feed, claim] = [running, ups, lock];
    return { ...server, stop: async () => { stopArrivals(); stopReturn(); await watch.stop(); await feed.close(); await server.stop(); await claim.release(); } };
  } catch (error) {
    await ups?.close().catch(() => {});
    await (running ? running.stop() : listener.close()).catch(() => {});
    await lock?.release();
    throw error;
  }
}

function printDemoUrls(config: Config, speed: number, apiKey: string): void {
  process.stdout.write(
    [
      '',
      `Waybill demo is running (a simulated day passes every ${Math.round((86_400 / speed) * 10) / 10} s).`,
      `  Start page:     ${config.publicUrl}/`,
      `  Track an order: ${config.publicUrl}/track/${DEMO_SLUG} (order number + email or postal code)`,
      `  Messages:       ${config.publicUrl}/demo/messages (every email and SMS the customers got)`,
      `  UPS parcels:    pushed by an emulated UPS (Track Alert) and polled as a safety net; GET /v1/carriers/polling`,
      `  API reference:  ${config.publicUrl}/docs`,
      `  Demo API key:   ${apiKey}`,
      `  Try:            curl -H "Authorization: Bearer ${apiKey}" ${config.publicUrl}/v1/orders`,
      'Press Ctrl+C to stop.',
      '',
    ].join('\n'),
  );
}

/**
 * Starts the watch once no scan of the seeded history is still waiting to be ingested (or after a
 * minute regardless). Stopped with the demo: a demo stopped within that minute must not ask a
 * database it has closed (that crashed the process with exit code 1).
 */
function watchAfterReplay(deps: Deps): { stop(): Promise<void> } {
  let stopped = false;
  const waiting = waitForReplay(deps, () => stopped).catch((error) => deps.log.warn({ err: error }, 'the demo could not start its watch'));
  return {
    stop: async () => {
      stopped = true;
      await waiting;
    },
  };
}

async function waitForReplay(deps: Deps, stopped: () => boolean): Promise<void> {
  const giveUp = Date.now() + 60_000;
  while (Date.now() < giveUp) {
    if (stopped()) return;
    const due = await deps.db
      .selectFrom('jobs')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('state', 'in', ['queued', 'running'])
      .where('kind', 'in', [SIMULATED_SCAN_JOB, STATUS_CHANGED_JOB])
      .where('run_at', '<=', deps.clock.now().toISOString())
      .executeTakeFirstOrThrow();
    if (Number(due.n) === 0) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (stopped()) return;
  await ensureWatchSchedule(deps);
  deps.notifyJobsEnqueued();
}

function removeSqliteFiles(file: string): void {
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
}

/** A row added meanwhile that refers to one being deleted (23503), or a deadlock with the worker (40P01). */
const RACED_WITH_THE_WORKER = new Set(['23503', '40P01']);

/**
 * On PostgreSQL the demo shares a database it must not wipe: it removes only its own brand. The
 * worker is already running the previous demo's leftover jobs, which may add a row (a message, a
 * scan) between two of the deletes: the removal then starts again, a few times at most.
 */
async function removeDemoBrand(deps: Deps): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await deleteDemoBrand(deps);
    } catch (error) {
      if (attempt >= 5 || !RACED_WITH_THE_WORKER.has((error as { code?: string }).code ?? '')) throw error;
    }
  }
}

async function deleteDemoBrand(deps: Deps): Promise<void> {
  await deps.db.transaction().execute(async (trx) => {
    // With the brand's row locked, no row that refers to the brand itself can be added meanwhile;
    // with its orders and shipments locked, neither can a scan, a message or a label that refers to
    // one of them (the worker's insert waits for this transaction, then finds its parcel gone).
    await trx.selectFrom('brands').select('id').where('id', '=', DEMO_BRAND_ID).forUpdate().execute();
    await trx.selectFrom('orders').select('id').where('brand_id', '=', DEMO_BRAND_ID).orderBy('id').forUpdate().execute();
    await trx.selectFrom('shipments').select('id').where('brand_id', '=', DEMO_BRAND_ID).orderBy('id').forUpdate().execute();
    const purchases = trx.selectFrom('label_purchases').select('id').where('brand_id', '=', DEMO_BRAND_ID);
    await trx.deleteFrom('label_documents').where('purchase_id', 'in', purchases).execute();
    await trx.deleteFrom('label_purchases').where('brand_id', '=', DEMO_BRAND_ID).execute();
    await trx.deleteFrom('routing_rules').where('brand_id', '=', DEMO_BRAND_ID).execute();
    await trx.deleteFrom('returns').where('brand_id', '=', DEMO_BRAND_ID).execute();
    for (const table of ['catalogue_products', 'copurchase_skus', 'copurchase_pairs', 'hub_order_marks', 'hub_counters', 'cross_sell_clicks', 'cross_sell_attributions', 'brand_hubs', 'brand_assets'] as const) {
      await trx.deleteFrom(table).where('brand_id', '=', DEMO_BRAND_ID).execute();
    }
    for (const table of ['shipment_watch', 'short_links', 'messages', 'contact_preferences', 'personal_updates'] as const) await trx.deleteFrom(table).where('brand_id', '=', DEMO_BRAND_ID).execute();
    for (const table of ['shipment_polls', 'push_subscriptions', 'carrier_poll_accounts', 'inbound_events', 'inbound_endpoints', 'carrier_connections'] as const) {
      await trx.deleteFrom(table).where('brand_id', '=', DEMO_BRAND_ID).execute();
    }
    await trx.deleteFrom('tracking_events').where('brand_id', '=', DEMO_BRAND_ID).execute();
    await trx.deleteFrom('shipments').where('brand_id', '=', DEMO_BRAND_ID).execute();
    await trx.deleteFrom('orders').where('brand_id', '=', DEMO_BRAND_ID).execute();
    await trx.deleteFrom('idempotency_keys').where('brand_id', '=', DEMO_BRAND_ID).execute();
    await trx.deleteFrom('api_keys').where('brand_id', '=', DEMO_BRAND_ID).execute();
    await trx.deleteFrom('brands').where('id', '=', DEMO_BRAND_ID).execute();
  });
}

/** The demo keeps a generated SECRET_KEY beside its database so links survive restarts. */
function demoSecret(folder: string): string {
  const file = path.join(folder, 'demo-secret.key');
  fs.mkdirSync(folder, { recursive: true });
  if (!fs.existsSync(file)) fs.writeFileSync(file, randomBytes(32).toString('base64url'), { mode: 0o600 });
  return fs.readFileSync(file, 'utf8').trim();
}

