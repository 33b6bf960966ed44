// Settings shared by every benchmark, read once from the environment and the command line.
// Every duration and size can be changed without editing code (see bench/README.md).
import os from 'node:os';

const number = (name, fallback) => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw.replace(/_/g, ''));
  if (!Number.isFinite(value) || value < 0) throw new Error(`${name} must be a non-negative number (got ${JSON.stringify(raw)})`);
  return value;
};

const args = process.argv.slice(2);

/** For the benchmark scripts (run-all.js has options of its own). */
export function checkArgs() {
  for (const arg of args) {
    if (!['--sqlite-only', '--postgres-only', '--help', '-h'].includes(arg)) throw new Error(`unknown option ${arg}; options: --sqlite-only, --postgres-only`);
  }
  if (args.includes('--sqlite-only') && args.includes('--postgres-only')) throw new Error('--sqlite-only and --postgres-only exclude each other');
}

export const settings = Object.freeze({
  /** Which databases to run against. */
  dialects: args.includes('--sqlite-only') ? ['sqlite'] : args.includes('--postgres-only') ? ['postgres'] : ['sqlite', 'postgres'],
  wantsHelp: args.includes('--help') || args.includes('-h'),
  /** Length of each measured load run, and of the warm-up run before it. */
  seconds: number('BENCH_SECONDS', 10),
  warmupSeconds: number('BENCH_WARMUP_SECONDS', 2),
  /** Concurrent HTTP connections (the same for the ceiling and for Waybill). */
  connections: number('BENCH_CONNECTIONS', 10),
  /** Connections for the 1,000-event batch benchmark. */
  batchConnections: number('BENCH_BATCH_CONNECTIONS', 4),
  /** Events per POST /v1/events/batch request, and how many of them go to the same shipment. */
  batchSize: number('BENCH_BATCH_SIZE', 1000),
  batchEventsPerShipment: number('BENCH_BATCH_EVENTS_PER_SHIPMENT', 1),
  /** Shipments stored for the read benchmark. */
  shipments: number('BENCH_SHIPMENTS', 1_000_000),
  /** The size of the bench brand's uploaded logo in bytes (hub-page.js, hub-page-profile.js); 0: a small one (hub-page.js) or none (hub-page-profile.js). */
  logoBytes: number('BENCH_LOGO_BYTES', 0),
  /** The Accept-Encoding of hub-page.js's requests: a phone browser's by default; empty: identity, for pages served as HTML (as behind a proxy that compresses them itself). */
  pageEncoding: process.env.BENCH_PAGE_ENCODING ?? 'gzip, deflate, br, zstd',
  /** Shipments the ingestion benchmarks spread their events over. */
  ingestShipments: number('BENCH_INGEST_SHIPMENTS', 100_000),
  /** Job-worker loops in the server (0: API only, so the worker does not compete for the CPU). */
  workerConcurrency: number('BENCH_WORKER_CONCURRENCY', 0),
  /** Serving processes of the Waybill server (its WEB_CONCURRENCY) and of the ceiling's bare server alike. */
  webConcurrency: number('BENCH_WEB_CONCURRENCY', 1),
  /** Extra node flags for the Waybill server, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof". */
  serverNodeOptions: (process.env.BENCH_SERVER_NODE_OPTIONS ?? '').split(/\s+/).filter(Boolean),
  /** A PostgreSQL superuser URL; each run creates and drops its own database there. */
  postgresAdminUrl: process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  /** Hard limit for one benchmark script, after which it cleans up and exits with an error. */
  timeoutSeconds: number('BENCH_TIMEOUT_SECONDS', 1800),
  /** Before each script, wait up to this long for other processes to leave the CPU idle (shared machines). */
  waitForIdleSeconds: number('BENCH_WAIT_FOR_IDLE', 0),
  /** run-all.js sets this: each script appends its results as one JSON line. */
  resultFile: process.env.BENCH_RESULT_FILE || null,
  cpus: os.cpus().length,
});

/** The targets, checked by every script and by the summary. */
export const TARGETS = Object.freeze({
  singleIngestRatio: 0.25, // of the bare-handler ceiling's requests/s
  batchEventsPerSecond: 50_000,
  readsRatio: 0.5, // of the ceiling's requests/s
  readsP99Ms: 10,
  readsRssMb: 300,
});
