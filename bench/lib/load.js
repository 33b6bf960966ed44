// Load generation with autocannon (in this process) and what we report about a run:
// requests/s, exact latency percentiles (from every 2xx response, sub-millisecond), errors.
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';
import { settings } from './config.js';

/**
 * One autocannon run against `baseUrl`. `request` is { method, headers, next() → { path, body } }:
 * `next` is called for every request, so each one can carry a new id or a distinct event.
 * `rate` (optional) caps the total requests/s (open-loop-ish, to measure latency at a given load).
 */
export function runLoad(baseUrl, request, { seconds, connections, rate }) {
  const latencies = new Latencies();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections,
        duration: seconds,
        ...(rate ? { overallRate: rate } : {}),
        requests: [
          {
            method: request.method,
            headers: request.headers,
            setupRequest: (req) => ({ ...req, ...request.next() }),
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve(summarize(result, latencies));
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.add(responseTime);
    });
  });
}

/**
 * A warm-up run (JIT, caches, connection set-up), then the measured run. Returns the measured
 * run, with `warmupOk`: the 2xx answers of the warm-up (to reconcile with rows stored), and,
 * given the server's `pid`, the CPU the server used during the measured run (`serverCpu`).
 */
export async function measure(baseUrl, request, options = {}) {
  const connections = options.connections ?? settings.connections;
  const warmup = settings.warmupSeconds > 0 ? await runLoad(baseUrl, request, { seconds: settings.warmupSeconds, connections, rate: options.rate }) : { ok: 0 };
  const cpuBefore = options.pid ? cpuSeconds(options.pid) : null;
  const run = await runLoad(baseUrl, request, { seconds: settings.seconds, connections, rate: options.rate });
  const serverCpu = cpuBefore === null ? null : cpuUse(cpuSeconds(options.pid) - cpuBefore, run);
  return { ...run, warmupOk: warmup.ok, serverCpu };
}

/** Seconds of CPU (user + system, all threads) a process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** How many cores the server kept busy, and its CPU time per answered request. */
const cpuUse = (seconds, run) => ({ cores: seconds / run.seconds, msPerRequest: run.ok ? (seconds * 1000) / run.ok : null });

function summarize(result, latencies) {
  const ok = result['2xx'];
  return {
    requestsPerSecond: ok / result.duration,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds: result.duration,
    connections: result.connections,
    latencyMs: latencies.percentiles(),
    // autocannon's own p99 (whole ms; corrected for coordinated omission when a rate is set)
    autocannonP99Ms: result.latency.p99,
    statusCodes: result.statusCodeStats,
  };
}

/** Every response time of a run, for exact percentiles. */
class Latencies {
  values = new Float64Array(1 << 16);
  size = 0;

  add(ms) {
    if (this.size === this.values.length) {
      const bigger = new Float64Array(this.values.length * 2);
      bigger.set(this.values);
      this.values = bigger;
    }
    this.values[this.size++] = ms;
  }

  percentiles() {
    const sorted = this.values.slice(0, this.size).sort();
    const at = (p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : null);
    const mean = sorted.length ? sorted.reduce((a, b) => a + b, 0) / sorted.length : null;
    return { mean, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
  }
}

/** Throws if a run had failures, naming the status codes, so a broken setup is not reported as a figure. */
export function assertClean(run, what) {
  if (run.ok === 0 || run.non2xx > 0 || run.errors > 0) {
    throw new Error(`${what}: ${run.ok} ok, ${run.non2xx} non-2xx, ${run.errors} errors (${run.timeouts} timeouts); status codes ${JSON.stringify(run.statusCodes)}`);
  }
}
