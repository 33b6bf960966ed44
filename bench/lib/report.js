// Printing figures, and handing them to run-all.js (one JSON line per script in BENCH_RESULT_FILE).
import { execFileSync } from 'node:child_process';
import { appendFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { settings } from './config.js';

export const int = (value) => (value === null || value === undefined ? 'n/a' : Math.round(value).toLocaleString('en-US'));
export const ms = (value) => (value === null || value === undefined ? 'n/a' : `${value.toFixed(2)} ms`);
export const pct = (value) => `${(value * 100).toFixed(1)}%`;
export const mb = (value) => (value === null || value === undefined ? 'n/a' : `${value.toFixed(0)} MB`);
export const verdict = (met) => (met ? 'MET' : 'MISSED');

/** The commit measured, and whether src/ had uncommitted changes (dist/ is built from it). */
export function codeVersion() {
  try {
    const git = (...args) => execFileSync('git', args, { cwd: new URL('../../', import.meta.url), encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const changed = git('status', '--porcelain', '--', 'src').split('\n').filter(Boolean).length;
    return `${git('rev-parse', '--short', 'HEAD')}${changed ? ` + ${changed} uncommitted file(s) in src/` : ''}`;
  } catch {
    return 'unknown (no git)';
  }
}

/** Share of the machine's CPU time spent over one second (before we start anything: other load). */
async function cpuBusyShare() {
  const sample = () => {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = fields[3] + (fields[4] ?? 0);
    return { idle, total: fields.reduce((a, b) => a + b, 0) };
  };
  try {
    const first = sample();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const last = sample();
    return 1 - (last.idle - first.idle) / (last.total - first.total);
  } catch {
    return null;
  }
}

/** The header every script prints: what runs where, with which settings, and how busy the machine was. */
export async function printHeader(title, extra = [], { databases = true } = {}) {
  console.log(`\n=== ${title} ===`);
  console.log(`${new Date().toISOString()} · commit ${codeVersion()} · node ${process.version} · ${settings.cpus} CPUs (${os.cpus()[0]?.model ?? 'unknown'})${databases ? ` · ${settings.dialects.join(' + ')}` : ''}`);
  let busy = await cpuBusyShare();
  // On a shared machine, optionally wait (up to BENCH_WAIT_FOR_IDLE seconds) for the others to finish.
  const deadline = Date.now() + settings.waitForIdleSeconds * 1000;
  while (busy !== null && busy > 0.1 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 4000));
    busy = await cpuBusyShare();
  }
  if (busy !== null) console.log(`CPU busy before the run (other processes): ${pct(busy)}${busy > 0.1 ? '  ← something else is using the CPU: figures will be lower and noisier' : ''}`);
  console.log(`runs of ${settings.seconds} s after ${settings.warmupSeconds} s warm-up · server WORKER_CONCURRENCY=${settings.workerConcurrency}${extra.length ? ` · ${extra.join(' · ')}` : ''}`);
}

/** One line about a load run. */
export function describeRun(label, run) {
  const l = run.latencyMs;
  const c = run.serverCpu;
  const cpu = c ? `  server ${c.cores.toFixed(2)} cores, ${ms(c.msPerRequest)} CPU/req${c.postgresCores !== null ? `, postgres ${c.postgresCores.toFixed(2)} cores` : ''}, machine ${pct(c.machineBusy)} busy` : '';
  return `${label.padEnd(28)} ${int(run.requestsPerSecond).padStart(9)} req/s  p50 ${ms(l.p50)}  p99 ${ms(l.p99)}  max ${ms(l.max)}${cpu}  (${int(run.ok)} ok, ${run.non2xx} non-2xx, ${run.errors} errors, ${run.connections} conns)`;
}

/** Hands a script's results to the runner, if there is one. */
export function publish(benchmark, results) {
  if (!settings.resultFile) return;
  appendFileSync(settings.resultFile, `${JSON.stringify({ benchmark, settings: publicSettings(), results })}\n`);
}

const publicSettings = () => ({
  commit: codeVersion(),
  seconds: settings.seconds,
  warmupSeconds: settings.warmupSeconds,
  connections: settings.connections,
  batchConnections: settings.batchConnections,
  batchSize: settings.batchSize,
  shipments: settings.shipments,
  ingestShipments: settings.ingestShipments,
  workerConcurrency: settings.workerConcurrency,
  cpus: settings.cpus,
});
