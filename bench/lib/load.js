// Load generation and what we report about a run: requests/s, exact latency percentiles (from
// every 2xx response, sub-millisecond), errors, and where the CPU went (the server process,
// PostgreSQL's processes, the whole machine).
//
// Two generators, both in this process:
//   runLoad   autocannon, closed loop: N connections, each sends its next request as soon as the
//             previous answer arrives. Used for the ceiling and for "flat out" figures.
//   runPaced  open loop at a fixed rate, for latency at a given load. (autocannon's own rate limit
//             sends each second's quota in a burst and then pauses, which measures queueing behind
//             the burst rather than latency at that rate.) Requests are scheduled evenly; latency
//             counts from the scheduled time, so waiting for a free connection is included.
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import autocannon from 'autocannon';
import { settings } from './config.js';
import { serverProcesses } from './processes.js';

/**
 * One autocannon run against `baseUrl`. `request` is { method, headers, next() → { path, body } }:
 * `next` is called for every request, so each one can carry a new id or a distinct event.
 */
export function runLoad(baseUrl, request, { seconds, connections }) {
  const latencies = new Latencies();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: baseUrl,
        connections,
        duration: seconds,
        requests: [{ method: request.method, headers: request.headers, setupRequest: (req) => ({ ...req, ...request.next() }) }],
      },
      (error, result) => {
        if (error) return reject(error);
        resolve({
          requestsPerSecond: result['2xx'] / result.duration,
          ok: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          seconds: result.duration,
          connections: result.connections,
          latencyMs: latencies.percentiles(),
          statusCodes: result.statusCodeStats,
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.add(responseTime);
    });
  });
}

/**
 * `rate` requests/s for `seconds`, spread evenly, over at most `connections` keep-alive
 * connections. Requests still unanswered 10 s after the last one was due count as timeouts.
 */
export function runPaced(baseUrl, request, { seconds, connections, rate }) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const latencies = new Latencies();
  const total = Math.max(1, Math.round(rate * seconds));
  const interval = 1000 / rate;
  const counts = { ok: 0, non2xx: 0, errors: 0, statusCodes: {} };
  let due = 0;
  let finished = 0;
  const started = performance.now();
  let lastAnswer = started;
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(giveUp);
      agent.destroy();
      // Over the time it took to answer them all: a server that cannot keep up finishes late.
      const elapsed = Math.max(seconds, (lastAnswer - started) / 1000);
      resolve({
        requestsPerSecond: counts.ok / elapsed,
        asked: rate,
        ...counts,
        timeouts: total - finished,
        seconds: elapsed,
        connections,
        latencyMs: latencies.percentiles(),
      });
    };
    const giveUp = setTimeout(done, seconds * 1000 + 10_000);
    const settle = (statusCode) => {
      lastAnswer = performance.now();
      if (statusCode === null) counts.errors++;
      else {
        counts.statusCodes[statusCode] = (counts.statusCodes[statusCode] ?? 0) + 1;
        if (statusCode >= 200 && statusCode < 300) counts.ok++;
        else counts.non2xx++;
      }
      if (++finished === total) done();
    };
    const send = (scheduledAt) => {
      const { path, body } = request.next();
      const req = http.request({ agent, host: url.hostname, port: url.port, method: request.method, path, headers: request.headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode >= 200 && res.statusCode < 300) latencies.add(performance.now() - scheduledAt);
          settle(res.statusCode);
        });
      });
      req.on('error', () => settle(null));
      req.end(body);
    };
    const tick = () => {
      const now = performance.now();
      while (due < total && started + due * interval <= now) send(started + due++ * interval);
      if (due < total) setTimeout(tick, Math.max(0, started + due * interval - performance.now()));
    };
    tick();
  });
}

/**
 * A warm-up run (JIT, caches, connection set-up), then the measured run, closed loop (runLoad)
 * or, given `rate`, paced (runPaced). Returns the measured run, with `warmupOk` (2xx answers of
 * the warm-up, to reconcile with rows stored) and, given the server's `pid`, `serverCpu`: the
 * server's cores and CPU per request, PostgreSQL's cores (with `postgres: true`), and how busy
 * the whole machine was.
 */
export async function measure(baseUrl, request, options = {}) {
  const connections = options.connections ?? settings.connections;
  const run = (seconds) => (options.rate ? runPaced(baseUrl, request, { seconds, connections, rate: options.rate }) : runLoad(baseUrl, request, { seconds, connections }));
  const warmup = settings.warmupSeconds > 0 ? await run(settings.warmupSeconds) : { ok: 0 };
  const cpu = options.pid ? cpuSnapshot(options.pid, { postgres: options.postgres }) : null;
  const measured = await run(settings.seconds);
  return { ...measured, warmupOk: warmup.ok, serverCpu: cpu ? cpu.since(measured) : null };
}

/**
 * CPU counters now; `since(run)` turns them into cores used during the run. With `postgres`,
 * also the CPU of every postgres process (the server's backends, and any other's: see machineBusy).
 */
export function cpuSnapshot(pid, { postgres: withPostgres = false } = {}) {
  const server = cpuSeconds(pid);
  const postgres = withPostgres ? postgresCpuSeconds() : 0;
  const machine = machineTicks();
  const started = performance.now();
  return {
    since(run) {
      const seconds = (performance.now() - started) / 1000;
      const used = cpuSeconds(pid) - server;
      const now = machineTicks();
      return {
        cores: used / seconds,
        msPerRequest: run?.ok ? (used * 1000) / run.ok : null,
        postgresCores: withPostgres ? (postgresCpuSeconds() - postgres) / seconds : null,
        machineBusy: 1 - (now.idle - machine.idle) / (now.total - machine.total),
      };
    },
  };
}

const CLOCK_TICKS = 100; // USER_HZ on Linux

/** Seconds of CPU (user + system, all threads) a server has used, from /proc/<pid>/stat: with several processes, all of them. */
export function cpuSeconds(pid) {
  let total = 0;
  for (const each of serverProcesses(pid)) {
    try {
      const fields = readFileSync(`/proc/${each}/stat`, 'utf8').split(') ')[1].split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      // a process replaced meanwhile
    }
  }
  return total;
}

/** CPU seconds of every process named postgres on this machine (0 when there is none). */
function postgresCpuSeconds() {
  let total = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const fields = stat.split(') ')[1].split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
    } catch {
      // the process ended meanwhile
    }
  }
  return total;
}

/** The machine's CPU ticks, idle and total, from /proc/stat. */
export function machineTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: fields[3] + (fields[4] ?? 0), total: fields.reduce((a, b) => a + b, 0) };
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
