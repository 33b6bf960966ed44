// Runs every benchmark in turn, each in its own process, and prints a summary of the figures
// against the issue's targets:
//   tracking-numbers.js  detection throughput and accuracy (no database)
//   ingest-single.js     POST /v1/shipments/{id}/events, one event per request, vs the ceiling
//   ingest-batch.js      POST /v1/events/batch, 1,000 events per request, events/s
//   reads.js             GET /v1/shipments/{id} among 1,000,000 shipments: ratio, p99, RSS
//   hub-page.js          GET /t/{token} (the tracking page) among 1,000,000 shipments: ratio, p99, page weight
//   http-layers.js       diagnostic: the bare server plus Waybill's HTTP layers one by one (no database)
//   ingest-breakdown.js  diagnostic: a 1,000-event batch step by step, in-process
//   sqlite-statements.js diagnostic: reads and writes in-process: Kysely without and with the statement cache, direct
//   notifications-send.js customer messages: decide + enqueue rate, ingest → provider p95, crash window
//
//   npm run bench                                  (builds first, then this)
//   node bench/run-all.js [--sqlite-only | --postgres-only] [--only ingest-single,reads]
//
// Settings come from the environment (BENCH_SECONDS, BENCH_SHIPMENTS, ...: see bench/README.md).
// The results of each script, as JSON lines, are kept in the file printed at the end.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TARGETS } from './lib/config.js';
import { int, mb, ms, pct, verdict } from './lib/report.js';

const BENCH = fileURLToPath(new URL('.', import.meta.url));
const SCRIPTS = ['tracking-numbers', 'ingest-single', 'ingest-batch', 'reads', 'hub-page', 'http-layers', 'ingest-breakdown', 'sqlite-statements', 'notifications-send'];

function parseArgs(argv) {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log('node bench/run-all.js [--sqlite-only | --postgres-only] [--only ' + SCRIPTS.join(',') + ']  (see bench/README.md)');
    process.exit(0);
  }
  const known = new Set(['--sqlite-only', '--postgres-only', '--only']);
  const stray = argv.filter((arg, i) => !known.has(arg) && argv[i - 1] !== '--only');
  if (stray.length) throw new Error(`unknown option(s) ${stray.join(' ')}; try --help`);
  const databaseFlags = argv.filter((arg) => arg === '--sqlite-only' || arg === '--postgres-only');
  const onlyIndex = argv.indexOf('--only');
  const only = onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',').filter(Boolean) : SCRIPTS;
  const unknown = only.filter((name) => !SCRIPTS.includes(name));
  if (unknown.length) throw new Error(`unknown benchmark(s) ${unknown.join(', ')}; choose from ${SCRIPTS.join(', ')}`);
  return { databaseFlags, only };
}

let current = null;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    // The child cleans up (stops its servers, drops its database) and exits; then we stop.
    if (current) current.kill(signal);
    else process.exit(130);
  });
}

/** Runs one script; resolves with its exit code (and stdout when captured). */
function runScript(name, args, env, capture) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(BENCH, `${name}.js`), ...args], { env: { ...process.env, ...env }, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
    current = child;
    let stdout = '';
    child.stdout?.on('data', (chunk) => (stdout += chunk));
    child.on('exit', (code, signal) => {
      current = null;
      resolve({ code: code ?? (signal ? 1 : 0), signal, stdout });
    });
  });
}

/** tracking-numbers.js is someone else's script: run it with --json and summarise its answer. */
async function runTrackingNumbers() {
  console.log('\n=== Tracking-number detection (bench/tracking-numbers.js) ===');
  const { code, stdout } = await runScript('tracking-numbers', ['--json'], {}, true);
  if (code !== 0) return { code, lines: ['tracking-numbers: FAILED (see above)'] };
  const r = JSON.parse(stdout.trim().split('\n').pop());
  const line = `waybill ${int(r.waybill.perSecond)} numbers/s vs ts-tracking-number ${int(r.tsTrackingNumber.perSecond)} numbers/s (${r.ratio.toFixed(1)}x); valid recognised ${r.waybill.validRight}/${r.valid}, invalid rejected ${r.waybill.invalidRight}/${r.invalid}`;
  console.log(line);
  return { code, lines: [`tracking-numbers   ${line}`], result: r };
}

/** Summary lines for one HTTP benchmark's results (one per database). */
function summarise(benchmark, results) {
  const lines = [];
  for (const [dialect, r] of Object.entries(results)) {
    const head = `${benchmark.padEnd(14)} ${dialect.padEnd(9)}`; // "none" for http-layers
    if (r.error) {
      lines.push(`${head} FAILED: ${r.error}`);
      continue;
    }
    if (benchmark === 'ingest-single') {
      lines.push(`${head} ${int(r.waybill.requestsPerSecond)} req/s vs ceiling ${int(r.ceiling.requestsPerSecond)} req/s = ${pct(r.ratio)} (target ≥ ${pct(TARGETS.singleIngestRatio)}): ${verdict(r.met)}; p99 ${ms(r.waybill.latencyMs.p99)}; in-process ${int(r.inProcess.perSecond)}/s`);
    } else if (benchmark === 'ingest-batch') {
      lines.push(`${head} ${int(r.http.eventsPerSecond)} events/s over HTTP (target ≥ ${int(TARGETS.batchEventsPerSecond)}): ${verdict(r.met)}; in-process ingestBatch ${int(r.inProcess.eventsPerSecond)} events/s`);
    } else if (benchmark === 'http-layers') {
      lines.push(`${benchmark.padEnd(14)} server CPU per request: ${r.variants.map((v) => `${v.name} ${ms(v.serverCpu?.msPerRequest)}`).join(' · ')}`);
    } else if (benchmark === 'ingest-breakdown') {
      const step = (name) => `${ms(r[name].wallMs)} (${ms(r[name].cpuMs)} CPU)`;
      lines.push(
        `${head} per 1,000-event batch: ingestBatch ${step('ingestBatch')} · parse+validate ${step('parseAndValidate')} · plan+fold ${step('planAndFold')} · ` +
          `look up ${step('lookUpShipments')} · insert events ${step('insertEvents')} · save ${step('saveFolded')} (the last two include a look-up) · Kysely's insert ${step('kyselyInsertEvents')}`,
      );
    } else if (benchmark === 'sqlite-statements') {
      const line = (k) => `reads ${int(r[k].reads.perSecond)}/s (${int(r[k].reads.cpuMicrosPerCall)} µs CPU), writes ${int(r[k].writes.perSecond)}/s (${int(r[k].writes.cpuMicrosPerCall)} µs CPU)`;
      lines.push(`${head} in-process, Kysely without cache: ${line('kyselyNoCache')} · Kysely + cache: ${line('kyselyCache')} · direct: ${line('direct')}`);
    } else if (benchmark === 'hub-page') {
      lines.push(
        `${head} ${int(r.flatOut.requestsPerSecond)} req/s vs ceiling ${int(r.ceiling.requestsPerSecond)} = ${pct(r.ratio)} (≥ 40%: ${verdict(r.checks.throughput)}); ` +
          `${r.atTarget ? `p99 ${ms(r.atTarget.latencyMs.p99)} at 40% of the ceiling` : '40% of the ceiling out of reach'} (≤ 15 ms: ${verdict(r.checks.p99)}); ` +
          `page ${int(r.weight.bytes)} B, ${int(r.weight.served)} B served (${r.weight.encoding}; ≤ 50 KB: ${verdict(r.checks.weight)}); ` +
          `a bare handler answering ${int(r.weight.meanBytes)} B: ${int(r.sameSize.requestsPerSecond)} req/s = ${pct(r.sameSize.requestsPerSecond / r.ceiling.requestsPerSecond)} of the ceiling`,
      );
    } else if (benchmark === 'reads') {
      lines.push(
        `${head} ${int(r.flatOut.requestsPerSecond)} req/s vs ceiling ${int(r.ceiling.requestsPerSecond)} = ${pct(r.ratio)} (≥ 50%: ${verdict(r.checks.throughput)}); ` +
          `${r.atHalf ? `p99 ${ms(r.atHalf.latencyMs.p99)} paced at ${int(r.halfCeiling)} req/s` : `${int(r.halfCeiling)} req/s out of reach`} (≤ ${TARGETS.readsP99Ms} ms: ${verdict(r.checks.p99)}); ` +
          `p99 ${ms(r.atHalfOwn.latencyMs.p99)} paced at ${int(r.halfOwn)} req/s; RSS peak ${mb(r.rss.peakMb)} (≤ ${TARGETS.readsRssMb} MB: ${verdict(r.checks.rss)}); ` +
          `a bare handler answering ${int(r.answerBytes)} B: ${int(r.sameSize.requestsPerSecond)} req/s = ${pct(r.sameSize.requestsPerSecond / r.ceiling.requestsPerSecond)} of the ceiling`,
      );
    }
  }
  return lines;
}

async function main() {
  const { databaseFlags, only } = parseArgs(process.argv.slice(2));
  const resultFile = process.env.BENCH_RESULT_FILE || path.join(mkdtempSync(path.join(os.tmpdir(), 'waybill-bench-results-')), 'results.jsonl');
  writeFileSync(resultFile, '');
  const started = new Date();
  const summary = [];
  let failed = false;
  for (const name of only) {
    if (name === 'tracking-numbers') {
      const { code, lines } = await runTrackingNumbers();
      failed ||= code !== 0;
      summary.push(...lines);
      continue;
    }
    const { code, signal } = await runScript(name, databaseFlags, { BENCH_RESULT_FILE: resultFile }, false);
    if (signal === 'SIGINT' || signal === 'SIGTERM' || code === 130 || code === 143) process.exit(130);
    failed ||= code !== 0;
    const published = readFileSync(resultFile, 'utf8').trim().split('\n').filter(Boolean).map((line) => JSON.parse(line));
    const mine = published.filter((entry) => entry.benchmark === name).pop();
    summary.push(...(mine ? summarise(name, mine.results) : [`${name.padEnd(14)} FAILED before reporting (exit ${code})`]));
  }
  const minutes = ((Date.now() - started.getTime()) / 60000).toFixed(1);
  console.log(`\n=== Summary (${started.toISOString()}, ${os.cpus().length} CPUs, node ${process.version}, ${minutes} min) ===`);
  for (const line of summary) console.log(line);
  console.log(`\nAll figures as JSON lines: ${resultFile}`);
  process.exitCode = failed ? 1 : 0;
}

main().catch((error) => {
  console.error(error.stack ?? error);
  process.exit(1);
});
