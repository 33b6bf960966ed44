// The ingestion path without HTTP: Waybill's own service functions (from dist/) called in this
// process with deps built by createDeps, the way a route handler calls them. Comparing this with
// the HTTP figures separates HTTP/JSON/validation overhead from the database path.
import { getBrand } from '../../dist/brands/repo.js';
import { loadConfig } from '../../dist/config.js';
import { createDeps } from '../../dist/deps.js';
import { SECRET_KEY } from './processes.js';

/** Deps for `databaseUrl` (silent log, no worker) and the brand's row. Call close() after. */
export async function openInProcess(databaseUrl, brandId) {
  const config = loadConfig({ DATABASE_URL: databaseUrl, SECRET_KEY, LOG_LEVEL: 'silent', WORKER_CONCURRENCY: '0' });
  const deps = createDeps(config, SECRET_KEY);
  const brand = await getBrand(deps.db, brandId);
  if (!brand) throw new Error(`brand ${brandId} not found`);
  return { deps, brand, close: () => deps.close() };
}

/**
 * Calls `operation()` from `concurrency` loops for `seconds`; returns { calls, seconds, perSecond,
 * latencyMs: { mean, p50, p99 } }.
 */
export async function runFor(seconds, concurrency, operation) {
  const times = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  const loop = async () => {
    while (performance.now() < deadline) {
      const t = performance.now();
      await operation();
      times.push(performance.now() - t);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, loop));
  const elapsed = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const at = (p) => times[Math.min(times.length - 1, Math.ceil((p / 100) * times.length) - 1)] ?? null;
  return {
    calls: times.length,
    seconds: elapsed,
    perSecond: times.length / elapsed,
    latencyMs: { mean: times.reduce((a, b) => a + b, 0) / (times.length || 1), p50: at(50), p99: at(99) },
  };
}
