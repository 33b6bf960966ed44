// The `waybill` command line. The only place that reads process.env and listens on a port.
// Heavy modules are imported when a command needs them, so `--help` and errors answer at once.
import { spawn } from 'node:child_process';
import cluster from 'node:cluster';
import { parseArgs } from 'node:util';
import { type Config, ConfigError, loadConfig, requireSecretKey, sqliteFileOf } from './config.js';
import { databaseFailureMessage, listenFailureMessage, StartupError, whileStarting } from './startup-errors.js';
import type { Logger } from 'pino';
import type { Deps, DepsOverrides } from './deps.js';
import type { Worker } from './jobs/worker.js';
import type { StartPage } from './web/pages.js';

const USAGE: Record<string, string> = {
  main: `Usage: waybill <command> [options]

Commands:
  serve                 the API, the tracking pages and the job worker in one process
  worker                the job worker only (run several against PostgreSQL)
  migrate               bring the database schema up to date
  backup FILE           copy the SQLite database to FILE while Waybill runs
  demo                  serve a demo brand whose parcels move live through every stage
  brand create          create a brand and print its API key once
  brand revoke-links    revoke every tracking-page link a brand has sent (--brand BRAND_ID)
  carrier connect       connect a brand's UPS, FedEx, USPS or DHL account
  inbound-webhook create  issue a brand's EasyPost, Shippo or UPS Track Alert webhook endpoint
  detect NUMBER...      recognise and validate tracking numbers
  import FILE.csv       load tracking numbers from a CSV (--brand BRAND_ID)
  jobs dead | retry     list the job queue's dead letters, and send them back to run

Run "waybill <command> --help" for a command's options. Configuration comes from environment
variables (DATABASE_URL, PORT, PUBLIC_URL, SECRET_KEY, LOG_LEVEL, ...): see the README.`,
  serve: `Usage: waybill serve

Serves the REST API (/v1), the API reference (/docs), tracking pages (/t/{token}), /healthz,
/readyz and /metrics, and runs the job worker in the same process (WORKER_CONCURRENCY loops; 0
for an API-only process). Migrates the database first. Needs SECRET_KEY.
With WEB_CONCURRENCY=N (default 1), runs N such processes on the same HOST:PORT to use N cores,
replaces one that dies, and stops them all on SIGINT/SIGTERM; /metrics then counts for all of them.`,
  worker: `Usage: waybill worker

Runs jobs (status-change effects, simulated carrier scans, schedules) without serving HTTP, so
it exposes no /metrics: for job metrics, run "waybill serve" on a private HOST instead.
On PostgreSQL, any number of workers and servers can share one database. Needs SECRET_KEY.`,
  migrate: `Usage: waybill migrate

Applies every pending migration to DATABASE_URL, all in one transaction (all of them or, if one
fails or the command is stopped, none), and prints what it applied.`,
  backup: `Usage: waybill backup FILE

Copies the SQLite database at DATABASE_URL to FILE, a consistent snapshot taken while Waybill keeps
serving and writing (nothing needs to stop), then opens the copy on its own, checks it and prints
what it holds. FILE must not exist yet (backups never overwrite); it is readable by its owner only.
Keep SECRET_KEY with the backups: tracking links and stored carrier credentials need the same key.
To restore, stop Waybill and point DATABASE_URL at the copy (or remove the database file's -wal and
-shm, then put the copy in its place). On PostgreSQL, use pg_dump instead.`,
  demo: `Usage: waybill demo

Starts Waybill with a demo brand on its own database (DEMO_DATABASE_URL, default ./data/demo.db:
a SQLite file is deleted and recreated at each start, once PORT is known to be free; a postgres://
URL is kept, and only the demo brand and everything of it are replaced), a simulated carrier on a
clock running DEMO_SPEED times faster than real time (default 1440: one simulated day a minute),
and a new order every DEMO_ORDER_EVERY_SECONDS (default 15), up to DEMO_MAX_ORDERS (default 120):
the newest is being packed, and ships when the next one arrives. Prints the URLs to open.
Generates and keeps a SECRET_KEY in ./data/ if none is set. One demo per database: a second one on
the same DEMO_DATABASE_URL is refused while the first runs.`,
  detect: `Usage: waybill detect [--json] NUMBER...

Recognises each tracking number (every courier and format of tracking_number_data v2.0.0) and
checks its check digit. Spaces inside a number are ignored: quote a number that contains spaces.
Exits 1 when any number fits no format validly.
  --json        print one JSON detection per line`,
  'carrier connect': `Usage: waybill carrier connect --brand BRAND_ID --carrier ups|fedex|usps|dhl --credentials-file FILE [--base-url URL]

Stores a brand's carrier account, encrypted with SECRET_KEY, after trying it against the carrier.
FILE holds the credentials as JSON (use - to read standard input), for example
  {"clientId": "...", "clientSecret": "..."}            UPS, FedEx (accountNumber optional), USPS
  {"apiKey": "..."}                                       DHL
  --base-url URL   the carrier's test environment, e.g. https://wwwcie.ups.com
Exits 1 when the carrier refuses the credentials (its message is printed).`,
  'inbound-webhook create': `Usage: waybill inbound-webhook create --brand BRAND_ID --provider easypost|shippo|ups_track_alert [--secret SECRET] [--json]

Issues (or rotates) the brand's endpoint for a carrier or aggregator webhook and prints what to
enter on the other side, once: the URL, and EasyPost's secret, or UPS's OAuth client id, secret and
token URL (Shippo's URL holds its secret). After a rotation the previous secret works for a day.
  --secret SECRET  EasyPost only: a webhook secret EasyPost already has
  --json           print the answer as JSON`,
  'brand create': `Usage: waybill brand create --name NAME [--json]

Creates a brand and prints its API key. The key is shown only this once: keep it.
  --name NAME   the brand's name (required)
  --json        print {"brandId": ..., "apiKey": ...} instead of text`,
  'brand revoke-links': `Usage: waybill brand revoke-links --brand BRAND_ID [--json]

Revokes every tracking-page link the brand has sent (pages, short links in texts, return forms and
labels): they answer as links that are not valid. Messages sent from now on carry new links. API
keys, webhook secrets, unsubscribe links and other brands are untouched. The same as
POST /v1/brand/links/revoke.
  --brand BRAND_ID  the brand (required)
  --json            print {"brandId": ..., "linkKeyVersion": ..., "revokedAt": ...} instead of text`,
};

export async function runCli(argv: string[]): Promise<void> {
  try {
    const code = await dispatch(argv);
    if (code !== undefined) process.exitCode = code;
  } catch (error) {
    if (error instanceof ConfigError || error instanceof CliError || error instanceof StartupError) {
      process.stderr.write(`waybill: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(`waybill: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  } finally {
    // One of several serving processes keeps its channel to the primary open: failing to start, it must leave by itself.
    if (process.exitCode && cluster.isWorker) process.exit();
  }
}

class CliError extends Error {}

const wantsHelp = (args: string[]) => args.includes('--help') || args.includes('-h');

async function dispatch(argv: string[]): Promise<number | undefined> {
  const [command, ...rest] = argv;
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE.main}\n`);
    return command ? 0 : 2;
  }
  if (command === 'brand') {
    const [verb, ...args] = rest;
    if (verb !== 'create' && verb !== 'revoke-links') {
      if (wantsHelp(rest) || verb === undefined) return printUsage('brand create', 'brand revoke-links');
      throw new CliError(`unknown brand command "${verb}"; try: waybill brand create --help, or waybill brand revoke-links --help`);
    }
    if (wantsHelp(args)) return printUsage(`brand ${verb}`);
    return verb === 'create' ? brandCreate(args) : brandRevokeLinks(args);
  }
  if (command === 'carrier') {
    const [verb, ...args] = rest;
    if (verb !== 'connect') {
      if (wantsHelp(rest) || verb === undefined) return printUsage('carrier connect');
      throw new CliError(`unknown carrier command "${verb}"; try: waybill carrier connect --help`);
    }
    if (wantsHelp(args)) return printUsage('carrier connect');
    return carrierConnect(args);
  }
  if (command === 'inbound-webhook') {
    const [verb, ...args] = rest;
    if (verb !== 'create') {
      if (wantsHelp(rest) || verb === undefined) return printUsage('inbound-webhook create');
      throw new CliError(`unknown inbound-webhook command "${verb}"; try: waybill inbound-webhook create --help`);
    }
    if (wantsHelp(args)) return printUsage('inbound-webhook create');
    return inboundWebhookCreate(args);
  }
  if (command === 'detect') {
    if (wantsHelp(rest)) return printUsage('detect');
    return detect(rest);
  }
  if (command === 'backup') {
    if (wantsHelp(rest)) return printUsage('backup');
    return backup(rest);
  }
  if (command === 'import') {
    const { runImportCommand } = await import('./imports/cli.js');
    return runImportCommand(rest, process.env);
  }
  if (command === 'jobs') {
    const { runJobsCommand } = await import('./jobs/cli.js');
    return runJobsCommand(rest, process.env);
  }
  if (!(command in USAGE) || command === 'main') throw new CliError(`unknown command "${command}"; try: waybill --help`);
  if (wantsHelp(rest)) return printUsage(command);
  if (rest.length > 0) throw new CliError(`"${command}" takes no arguments (got ${rest.join(' ')}); try: waybill ${command} --help`);
  const config = loadConfig(process.env);
  switch (command) {
    case 'migrate':
      return migrate(config);
    case 'serve':
      return serve(config, { withHttp: true });
    case 'worker':
      return serve(config, { withHttp: false });
    case 'demo': {
      const { runDemo } = await import('./demo/demo.js');
      return runDemo(process.env, startServer, listen);
    }
  }
  return undefined;
}

function printUsage(...commands: string[]): number {
  process.stdout.write(`${commands.map((command) => USAGE[command]).join('\n\n')}\n`);
  return 0;
}

async function migrate(config: Config): Promise<number> {
  const applied = await applyMigrations(config);
  process.stdout.write(applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n');
  return 0;
}

async function backup(args: string[]): Promise<number> {
  if (args.length !== 1 || args[0]!.startsWith('-')) throw new CliError(`backup takes one FILE to write (got ${args.length ? args.join(' ') : 'none'}); try: waybill backup --help`);
  const config = loadConfig(process.env);
  if (config.dialect === 'postgres') {
    throw new CliError('backup copies a SQLite database; on PostgreSQL use its own tool, e.g. pg_dump --format=custom --file=waybill.dump "$DATABASE_URL" (restore with pg_restore)');
  }
  const { backupSqlite, BackupError, describeBackup } = await import('./db/backup.js');
  try {
    process.stdout.write(`${describeBackup(backupSqlite(sqliteFileOf(config.databaseUrl), args[0]!))}\n`);
    return 0;
  } catch (error) {
    if (error instanceof BackupError) throw new CliError(error.message);
    throw error;
  }
}

async function brandCreate(args: string[]): Promise<number> {
  let values: { name?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { name: { type: 'string' }, json: { type: 'boolean' } }, strict: true }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}; try: waybill brand create --help`);
  }
  const name = values.name?.trim();
  if (!name) throw new CliError('--name is required, e.g. waybill brand create --name "Northwind Outfitters"');
  if (name.length > 200) throw new CliError('--name must be at most 200 characters');
  const config = loadConfig(process.env);
  const { openDatabase } = await import('./db/connect.js');
  const { migrateToLatest } = await import('./db/migrate.js');
  const { createBrand } = await import('./brands/repo.js');
  const handle = await whileStarting(() => openDatabase(config.databaseUrl), databaseFailureMessage);
  try {
    await whileStarting(() => migrateToLatest(handle.db), databaseFailureMessage);
    const { brand, apiKey } = await createBrand(handle.db, new Date(), { name });
    if (values.json) process.stdout.write(`${JSON.stringify({ brandId: brand.id, apiKey })}\n`);
    else process.stdout.write(`Created brand ${brand.name} (${brand.id}).\nAPI key (shown only now, keep it safe): ${apiKey}\n`);
    return 0;
  } finally {
    await handle.close();
  }
}

async function brandRevokeLinks(args: string[]): Promise<number> {
  let values: { brand?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { brand: { type: 'string' }, json: { type: 'boolean' } }, strict: true }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}; try: waybill brand revoke-links --help`);
  }
  const brandId = values.brand?.trim();
  if (!brandId) throw new CliError('--brand is required, e.g. waybill brand revoke-links --brand brd_01…');
  const config = loadConfig(process.env);
  const { openDatabase } = await import('./db/connect.js');
  const { migrateToLatest } = await import('./db/migrate.js');
  const { getBrand, rotateLinkKey } = await import('./brands/repo.js');
  const handle = await whileStarting(() => openDatabase(config.databaseUrl), databaseFailureMessage);
  try {
    await whileStarting(() => migrateToLatest(handle.db), databaseFailureMessage);
    const brand = await getBrand(handle.db, brandId);
    if (!brand) throw new CliError(`no brand ${brandId}`);
    const revoked = await rotateLinkKey(handle.db, brand.id, new Date());
    if (values.json) process.stdout.write(`${JSON.stringify({ brandId: brand.id, ...revoked })}\n`);
    else process.stdout.write(`Revoked every tracking link ${brand.name} (${brand.id}) has sent; links are signed under version ${revoked.linkKeyVersion} from now on.\n`);
    return 0;
  } finally {
    await handle.close();
  }
}

async function detect(args: string[]): Promise<number> {
  const json = args.includes('--json');
  const numbers = args.filter((a) => a !== '--json');
  if (numbers.length === 0) throw new CliError('give at least one tracking number; try: waybill detect --help');
  const { detectTrackingNumber } = await import('./carriers/tracking-numbers/index.js');
  let allValid = true;
  for (const number of numbers) {
    const detection = detectTrackingNumber(number);
    const best = detection.candidates.find((c) => c.valid);
    if (!best) allValid = false;
    if (json) {
      process.stdout.write(`${JSON.stringify(detection)}\n`);
      continue;
    }
    const lines = detection.candidates.map((c) => `    ${c.valid ? 'valid  ' : 'invalid'} ${c.courier} · ${c.format}${c.service ? ` · ${c.service}` : ''}`);
    process.stdout.write(`${detection.normalized || '(empty)'}: ${best ? best.courier : 'no valid match'}\n${lines.join('\n')}${lines.length ? '\n' : ''}`);
  }
  return allValid ? 0 : 1;
}

async function carrierConnect(args: string[]): Promise<number> {
  let values: { brand?: string; carrier?: string; 'credentials-file'?: string; 'base-url'?: string };
  try {
    ({ values } = parseArgs({ args, options: { brand: { type: 'string' }, carrier: { type: 'string' }, 'credentials-file': { type: 'string' }, 'base-url': { type: 'string' } }, strict: true }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}; try: waybill carrier connect --help`);
  }
  const missing = (['brand', 'carrier', 'credentials-file'] as const).filter((k) => !values[k]);
  if (missing.length) throw new CliError(`missing ${missing.map((m) => `--${m}`).join(', ')}; try: waybill carrier connect --help`);
  const fs = await import('node:fs');
  let credentials: unknown;
  try {
    const file = values['credentials-file']!;
    credentials = JSON.parse(fs.readFileSync(file === '-' ? 0 : file, 'utf8'));
  } catch (error) {
    throw new CliError(`could not read credentials JSON from ${values['credentials-file']}: ${(error as Error).message}`);
  }
  const config = loadConfig(process.env);
  const secretKey = requireSecretKey(config);
  const [{ createDeps }, { migrateToLatest }, { saveConnection }, { getBrand }, { AppError }, { default: pino }] = await Promise.all([
    import('./deps.js'),
    import('./db/migrate.js'),
    import('./carriers/connections.js'),
    import('./brands/repo.js'),
    import('./lib/errors.js'),
    import('pino'),
  ]);
  const deps = createDeps(config, secretKey, { log: pino({ level: 'warn' }) });
  try {
    await whileStarting(() => migrateToLatest(deps.db), databaseFailureMessage);
    if (!(await getBrand(deps.db, values.brand!))) throw new CliError(`no brand ${values.brand}`);
    const saved = await saveConnection(deps, values.brand!, values.carrier!.toLowerCase(), { credentials, baseUrl: values['base-url'] ?? null });
    process.stdout.write(`${saved.carrier}: ${saved.status} — ${saved.message}\n`);
    return saved.status === 'connected' ? 0 : 1;
  } catch (error) {
    if (error instanceof AppError) throw new CliError(error.message);
    throw error;
  } finally {
    await deps.close();
  }
}

async function inboundWebhookCreate(args: string[]): Promise<number> {
  let values: { brand?: string; provider?: string; secret?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { brand: { type: 'string' }, provider: { type: 'string' }, secret: { type: 'string' }, json: { type: 'boolean' } }, strict: true }));
  } catch (error) {
    throw new CliError(`${(error as Error).message}; try: waybill inbound-webhook create --help`);
  }
  const { INBOUND_PROVIDERS, issueEndpoint } = await import('./inbound/endpoints.js');
  const provider = values.provider as (typeof INBOUND_PROVIDERS)[number];
  if (!values.brand || !provider) throw new CliError('--brand and --provider are required; try: waybill inbound-webhook create --help');
  if (!INBOUND_PROVIDERS.includes(provider)) throw new CliError(`--provider must be one of: ${INBOUND_PROVIDERS.join(', ')}`);
  const config = loadConfig(process.env);
  const secretKey = requireSecretKey(config);
  const [{ createDeps }, { migrateToLatest }, { getBrand }, { AppError }, { default: pino }] = await Promise.all([
    import('./deps.js'),
    import('./db/migrate.js'),
    import('./brands/repo.js'),
    import('./lib/errors.js'),
    import('pino'),
  ]);
  const deps = createDeps(config, secretKey, { log: pino({ level: 'warn' }) });
  try {
    await whileStarting(() => migrateToLatest(deps.db), databaseFailureMessage);
    if (!(await getBrand(deps.db, values.brand))) throw new CliError(`no brand ${values.brand}`);
    const { reveal, created } = await issueEndpoint(deps, values.brand, provider, values.secret === undefined ? {} : { secret: values.secret });
    if (values.json) process.stdout.write(`${JSON.stringify(reveal)}\n`);
    else {
      const lines = Object.entries(reveal).filter(([key]) => !['provider', 'createdAt', 'updatedAt'].includes(key));
      process.stdout.write(`${created ? 'Created' : 'Rotated (the previous secret works for another day)'} ${provider} endpoint. Shown only now, keep it safe:\n${lines.map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`);
    }
    return 0;
  } catch (error) {
    if (error instanceof AppError) throw new CliError(error.message);
    throw error;
  } finally {
    await deps.close();
  }
}

/** How many job loops a process runs: WORKER_CONCURRENCY, but at least one in `waybill worker`, which does nothing else. */
const workerLoopsOf = (config: Config, options: { withHttp: boolean }) => (options.withHttp ? config.workerConcurrency : Math.max(1, config.workerConcurrency));

export type RunningServer = { deps: Deps; worker: Worker | null; url: string; stop(): Promise<void> };

/** What the HTTP server calls per request: the app's fetch (the env carries the socket, for the client's address). */
type Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

/** HOST:PORT, bound: requests get a 503 until the app is attached. */
export type Listener = { attach(fetch: Fetch): void; close(): Promise<void> };

/**
 * Binds HOST:PORT, or fails with its one-line reason (a StartupError). Binding comes apart from
 * the app so that the demo can claim its port before it touches its database.
 */
export async function listen(config: Config): Promise<Listener> {
  const { serve: serveHttp } = await import('@hono/node-server');
  let app: Fetch | null = null;
  const starting = () => new Response('Waybill is starting', { status: 503, headers: { 'retry-after': '1' } });
  let server!: import('node:http').Server;
  const listening = new Promise<void>((resolve, reject) => {
    server = serveHttp({ fetch: (request, env) => (app ? app(request, env) : starting()), port: config.port, hostname: config.host }, () => resolve()) as import('node:http').Server;
    server.once('error', reject);
  });
  await whileStarting(() => listening, (error) => listenFailureMessage(error, config));
  return {
    attach: (fetch) => void (app = fetch),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/**
 * Builds deps, migrates, starts the worker and (optionally) HTTP. Shared by serve and demo.
 * A `listener` passed in (already bound) serves the app; if starting fails, closing it is the caller's.
 */
export async function startServer(
  config: Config,
  secretKey: string,
  options: { withHttp: boolean; listener?: Listener; depsOverrides?: DepsOverrides; startPage?: StartPage; demoPages?: boolean; leaseMs?: number; renewLeasesEveryMs?: number },
): Promise<RunningServer> {
  const [{ createApp }, { createDeps }, { migrateToLatest }, { jobHandlers }, { createWorker }] = await Promise.all([
    import('./app.js'),
    import('./deps.js'),
    import('./db/migrate.js'),
    import('./jobs/handlers.js'),
    import('./jobs/worker.js'),
  ]);
  const deps = await whileStarting(() => createDeps(config, secretKey, options.depsOverrides), databaseFailureMessage);
  // One of several serving processes (WEB_CONCURRENCY): its counts go into every process's /metrics.
  if (cluster.isWorker) (await import('./observability/process-metrics.js')).shareMetricsWithPrimary(deps.metrics.registry);
  await whileStarting(() => migrateToLatest(deps.db), databaseFailureMessage, () => deps.close());
  await (await import('./notifications/watch/index.js')).ensureWatchSchedule(deps);
  await (await import('./polling/schedules.js')).ensureCarrierSchedules(deps);
  await (await import('./api/idempotency-keys.js')).ensureIdempotencySchedule(deps);
  await (await import('./jobs/retention.js')).ensureJobRetentionSchedule(deps);
  await (await import('./hub/domains.js')).ensureDomainCheckSchedule(deps);
  // The simulated carrier's city table (~0.1–0.3 s to decode) is loaded now, not inside the first label's transaction.
  const { preloadCities } = await import('./carriers/simulated/cities.js');
  preloadCities();
  if (deps.messaging.captured && !options.demoPages) deps.log.warn('neither SMTP_URL nor RESEND_API_KEY is set: customer emails are kept in memory, not sent');
  const concurrency = workerLoopsOf(config, options);
  const worker =
    concurrency > 0
      ? createWorker({ db: deps.db, dialect: deps.dialect, clock: deps.clock, log: deps.log, handlers: jobHandlers(deps), metrics: deps.metrics, concurrency, leaseMs: options.leaseMs ?? config.jobLeaseSeconds * 1000, renewLeasesEveryMs: options.renewLeasesEveryMs })
      : null;
  if (worker) {
    deps.notifyJobsEnqueued = () => worker.nudge();
    worker.start();
  }
  let listener: Listener | null = null;
  if (options.withHttp) {
    listener =
      options.listener ??
      (await whileStarting(
        () => listen(config),
        () => null, // listen's own StartupError passes through as it is
        async () => {
          await worker?.stop();
          await deps.close();
        },
      ));
    listener.attach(createApp(deps, { startPage: options.startPage, demoPages: options.demoPages }).fetch);
  }
  const stop = async () => {
    await listener?.close();
    await worker?.stop();
    await deps.close();
  };
  return { deps, worker, url: config.publicUrl, stop };
}

async function serve(config: Config, options: { withHttp: boolean }): Promise<number | undefined> {
  const secretKey = requireSecretKey(config);
  if (options.withHttp && config.webConcurrency > 1 && cluster.isPrimary) return serveOnProcesses(config);
  const running = await startServer(config, secretKey, options);
  running.deps.log.info(
    { url: options.withHttp ? running.url : undefined, database: running.deps.dialect, workers: workerLoopsOf(config, options) },
    options.withHttp ? 'waybill is serving' : 'waybill worker is running',
  );
  stopOnSignals(running);
  return undefined;
}

/** WEB_CONCURRENCY serving processes: migrated once, then each runs `serve` as above (src/serve-processes.ts). */
async function serveOnProcesses(config: Config): Promise<number> {
  const [{ serveOnProcesses: run }, { default: pino }] = await Promise.all([import('./serve-processes.js'), import('pino')]);
  const log = pino({ level: config.logLevel });
  return run({ count: config.webConcurrency, log, url: config.publicUrl, prepare: (stopping) => migrateInChildProcess(log, stopping) });
}

/**
 * Runs `waybill migrate` in a short-lived child process, so the primary, which lives as long as the
 * serving processes, never loads the database drivers and migrations (27 MB of its 92 idle).
 * The child says any problem on stderr itself, as `waybill migrate` does. Resolves with its exit code
 * (0 when a signal to this process stopped it, as asked).
 */
function migrateInChildProcess(log: Logger, stopping: AbortSignal): Promise<number> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, 'migrate'], { stdio: ['ignore', 'pipe', 'inherit'] });
  let said = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (said += chunk));
  // Stopped meanwhile: the migration stops too (it runs in one transaction, so nothing is left half-done).
  const stopMigration = () => child.kill('SIGTERM');
  stopping.addEventListener('abort', stopMigration, { once: true });
  return new Promise((resolve) => {
    child.once('error', (error) => {
      log.error({ err: error }, 'the migration could not be started');
      resolve(1);
    });
    child.once('close', (code, signal) => {
      stopping.removeEventListener('abort', stopMigration);
      if (code === 0) log.info({ migration: said.trim() }, 'database migrated');
      if (signal && stopping.aborted) log.info('the migration was stopped (all or nothing: the next start applies it)');
      resolve(code ?? (stopping.aborted ? 0 : 1));
    });
  });
}

/** Applies pending migrations; a database problem stops start-up with its one-line reason. */
async function applyMigrations(config: Config): Promise<string[]> {
  const { openDatabase } = await import('./db/connect.js');
  const { migrateToLatest } = await import('./db/migrate.js');
  const handle = await whileStarting(() => openDatabase(config.databaseUrl), databaseFailureMessage);
  try {
    return await whileStarting(() => migrateToLatest(handle.db), databaseFailureMessage);
  } finally {
    await handle.close();
  }
}

export function stopOnSignals(running: RunningServer): void {
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    running.deps.log.info({ signal }, 'shutting down');
    running.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        running.deps.log.error({ err: error }, 'stopping failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}
