// Child processes (the Waybill server, the bare ceiling server, the CLI) and the clean-up that
// runs whatever happens: normal end, an exception, Ctrl-C, or the script's time limit.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { fileURLToPath } from 'node:url';
import { checkArgs, settings } from './config.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WAYBILL_BIN = fileURLToPath(new URL('../../bin/waybill.js', import.meta.url));
const BARE_SERVER = fileURLToPath(new URL('./bare-server.js', import.meta.url));
const LAYERED_SERVER = fileURLToPath(new URL('./layered-server.js', import.meta.url));
export const SECRET_KEY = 'bench-secret-key-0123456789abcdef0123456789';

// ---- clean-up ----

const cleanups = []; // last registered runs first
const children = new Set();

/** Registers an async clean-up step; returns a function that runs it early (and only once). */
export function onCleanup(step) {
  let done = false;
  const run = async () => {
    if (done) return;
    done = true;
    const index = cleanups.indexOf(run);
    if (index >= 0) cleanups.splice(index, 1);
    await step();
  };
  cleanups.push(run);
  return run;
}

async function cleanupAll() {
  while (cleanups.length > 0) {
    const step = cleanups[cleanups.length - 1];
    try {
      await step();
    } catch (error) {
      console.error(`clean-up step failed: ${error.message}`);
    }
  }
}

/**
 * Runs a benchmark's main function with clean-up guaranteed: on success, on a thrown error, on
 * SIGINT/SIGTERM and when BENCH_TIMEOUT_SECONDS runs out. Exits the process at the end, with the
 * code `main` returns (0 if none).
 */
export async function runBenchmark(main) {
  let exiting = false;
  const finish = async (code, message) => {
    if (exiting) return;
    exiting = true;
    if (message) console.error(message);
    await cleanupAll();
    process.exit(code);
  };
  process.once('SIGINT', () => finish(130, 'interrupted: cleaning up'));
  process.once('SIGTERM', () => finish(143, 'terminated: cleaning up'));
  // Last resort if the process dies anyway: never leave a server running.
  process.on('exit', () => {
    for (const child of children) child.kill('SIGKILL');
  });
  const watchdog = setTimeout(() => finish(1, `time limit of ${settings.timeoutSeconds} s reached (BENCH_TIMEOUT_SECONDS): stopping`), settings.timeoutSeconds * 1000);
  watchdog.unref();
  try {
    checkArgs();
    const code = await main();
    await finish(code ?? 0);
  } catch (error) {
    await finish(1, `benchmark failed: ${error?.stack ?? error}`);
  }
}

// ---- processes ----

/** A port that was free a moment ago (the server binds it right after). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Starts a child and keeps the end of its output for error messages. */
function startChild(args, env) {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let output = '';
  const keep = (chunk) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
    children.delete(child);
    resolve({ code, signal });
  }));
  return { child, exited, output: () => output };
}

/** Runs the waybill CLI to completion and returns its stdout. */
export async function runCli(args, env) {
  const { child, exited, output } = startChild([WAYBILL_BIN, ...args], { LOG_LEVEL: 'silent', ...env });
  let stdout = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  const { code } = await exited;
  if (code !== 0) throw new Error(`waybill ${args.join(' ')} exited with ${code}: ${output()}`);
  return stdout;
}

/** Creates a brand (which also migrates the database) and returns { brandId, apiKey }. */
export async function createBrand(databaseUrl) {
  const stdout = await runCli(['brand', 'create', '--name', 'Bench Outfitters', '--json'], { DATABASE_URL: databaseUrl, SECRET_KEY });
  return JSON.parse(stdout.trim().split('\n').pop());
}

async function waitUntilReady(url, handle, what) {
  const deadline = Date.now() + 60_000;
  let exitedEarly = null;
  handle.exited.then((result) => (exitedEarly = result));
  while (Date.now() < deadline) {
    if (exitedEarly) throw new Error(`${what} exited during start-up (${JSON.stringify(exitedEarly)}): ${handle.output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${what} did not answer ${url} within 60 s: ${handle.output()}`);
}

/** With several serving processes, the first answers before the others listen: waits for the line saying all do. */
async function waitForAllProcesses(handle, line, what) {
  if (settings.webConcurrency <= 1) return;
  const deadline = Date.now() + 60_000;
  while (!handle.output().includes(line)) {
    if (Date.now() > deadline) throw new Error(`${what} did not start ${settings.webConcurrency} processes within 60 s: ${handle.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Stops a child with SIGTERM, then SIGKILL after 15 s. */
async function stopChild(handle) {
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) return;
  handle.child.kill('SIGTERM');
  const killer = setTimeout(() => handle.child.kill('SIGKILL'), 15_000);
  await handle.exited;
  clearTimeout(killer);
}

/**
 * `node bin/waybill.js serve` in its own process (so its memory is its own), API only by
 * default (WORKER_CONCURRENCY=BENCH_WORKER_CONCURRENCY, 0 unless set). Returns when /healthz answers.
 */
export async function startWaybill(databaseUrl) {
  const port = await freePort();
  const handle = startChild([...settings.serverNodeOptions, WAYBILL_BIN, 'serve'], {
    DATABASE_URL: databaseUrl,
    SECRET_KEY,
    PORT: String(port),
    HOST: '127.0.0.1',
    // Waybill logs nothing per request; at info, its primary says when all its processes serve.
    LOG_LEVEL: settings.webConcurrency > 1 ? 'info' : 'silent',
    WORKER_CONCURRENCY: String(settings.workerConcurrency),
    WEB_CONCURRENCY: String(settings.webConcurrency),
  });
  const stop = onCleanup(() => stopChild(handle));
  await waitUntilReady(`http://127.0.0.1:${port}/healthz`, handle, 'waybill serve');
  await waitForAllProcesses(handle, `"processes":${settings.webConcurrency}`, 'waybill serve');
  return { pid: handle.child.pid, baseUrl: `http://127.0.0.1:${port}`, stop };
}

/**
 * The ceiling: a bare Hono app on @hono/node-server answering 200, in its own process too.
 * With `layers`, the diagnostic variant with some of Waybill's HTTP layers (lib/layered-server.js);
 * with `bodyBytes`, the bare app answers a JSON body of that size.
 */
export async function startBareServer(layers = null, { bodyBytes = 0 } = {}) {
  const port = await freePort();
  const bare = layers === null;
  const handle = startChild([bare ? BARE_SERVER : LAYERED_SERVER], { PORT: String(port), LAYERS: (layers ?? []).join(','), BODY_BYTES: String(bodyBytes), WEB_CONCURRENCY: String(bare ? settings.webConcurrency : 1) });
  const stop = onCleanup(() => stopChild(handle));
  await waitUntilReady(`http://127.0.0.1:${port}/`, handle, 'the bare server');
  if (bare) await waitForAllProcesses(handle, `serving on ${settings.webConcurrency} processes`, 'the bare server');
  return { pid: handle.child.pid, baseUrl: `http://127.0.0.1:${port}`, stop };
}

/** Resident memory in MB (VmRSS in /proc/<pid>/status) of a server: with several processes, all of them; null if unavailable. */
export function rssMb(pid) {
  let total = null;
  for (const each of serverProcesses(pid)) {
    try {
      const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${each}/status`, 'utf8'));
      if (match) total = (total ?? 0) + Number(match[1]) / 1024;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** A server's process and, when it runs several (BENCH_WEB_CONCURRENCY), their children too, from /proc. */
export function serverProcesses(pid) {
  if (settings.webConcurrency <= 1) return [pid];
  const found = [pid];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (Number(readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1].split(' ')[1]) === pid) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Samples a process's RSS every 200 ms until stopped; returns { startMb, peakMb, lastMb }. */
export function sampleRss(pid) {
  const startMb = rssMb(pid) ?? 0;
  let peakMb = startMb;
  let lastMb = peakMb;
  const timer = setInterval(() => {
    const value = rssMb(pid);
    if (value === null) return;
    lastMb = value;
    peakMb = Math.max(peakMb, value);
  }, 200);
  return {
    stop() {
      clearInterval(timer);
      const value = rssMb(pid);
      if (value !== null) {
        lastMb = value;
        peakMb = Math.max(peakMb, value);
      }
      return { startMb, peakMb, lastMb };
    },
  };
}
