// `waybill serve` on several processes (WEB_CONCURRENCY above 1), to use more than one core: this
// process (node:cluster's primary) has the database migrated once, then starts that many serving
// processes on the same HOST:PORT (the primary hands each new connection to one of them), replaces
// one that dies, and stops them all on SIGINT/SIGTERM. It serves nothing itself, but it gathers
// every process's metrics when /metrics is asked of any one of them.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from 'pino';
import { answerMetricsRequests } from './observability/process-metrics.js';

/** A serving process that dies is replaced, but not more often than this: then something is wrong with every start. */
export const MAX_REPLACEMENTS = 5;
export const REPLACEMENT_WINDOW_MS = 60_000;
/** How long the processes get to finish their requests and jobs on SIGINT/SIGTERM before they are killed. */
const STOP_GRACE_MS = 30_000;

/** Whether a process that died at `now` may be replaced, given when the earlier replacements happened. Pure. */
export function mayReplace(replacedAt: readonly number[], now: number): boolean {
  return replacedAt.filter((at) => now - at < REPLACEMENT_WINDOW_MS).length < MAX_REPLACEMENTS;
}

/**
 * Runs `count` serving processes until a signal stops them. `prepare` runs first, once (the
 * migration), and answers an exit code: anything but 0 stops here with it; a signal meanwhile
 * aborts it and stops here too, with its code (0 once it has stopped as asked). Each forked process runs
 * this same command and serves as a single `serve` would. Resolves with the exit code once they
 * have all stopped.
 */
export async function serveOnProcesses(options: { count: number; log: Logger; url: string; prepare: (stopping: AbortSignal) => Promise<number> }): Promise<number> {
  const { count, log } = options;
  // A signal while preparing (a stop during a long migration) aborts `prepare` and starts nothing.
  const stopping = new AbortController();
  let onSignal = (signal: string) => {
    if (stopping.signal.aborted) return;
    log.info({ signal }, 'shutting down');
    stopping.abort();
  };
  process.once('SIGINT', () => onSignal('SIGINT'));
  process.once('SIGTERM', () => onSignal('SIGTERM'));
  const prepared = await options.prepare(stopping.signal);
  if (prepared !== 0 || stopping.signal.aborted) return prepared;
  const serving = new Set<Worker>();
  answerMetricsRequests(() => [...serving]);
  return new Promise<number>((resolve) => {
    // Until all have started, a process that exits is a start-up problem (it has said why on stderr): everything stops.
    let phase: 'starting' | 'serving' | 'stopping' = 'starting';
    const replacedAt: number[] = [];
    const stop = (code: number) => {
      phase = 'stopping';
      void stopAll(log).then(() => resolve(code));
    };
    cluster.on('listening', (worker) => {
      serving.add(worker);
      if (phase !== 'starting') return;
      // The first starts alone: a start-up problem (the port is taken, a bad database) is said once, not `count` times.
      if (serving.size === 1) for (let i = 1; i < count; i++) cluster.fork();
      if (serving.size === count) {
        phase = 'serving';
        log.info({ url: options.url, processes: count }, 'waybill is serving');
      }
    });
    cluster.on('exit', (worker, code, signal) => {
      serving.delete(worker);
      if (phase === 'stopping') return;
      if (phase === 'starting') return stop(code || 1);
      // Exiting with 0 is stopping as asked (a signal sent to that process alone, or Ctrl+C reaching it first): not replaced.
      if (code === 0) {
        if (Object.keys(cluster.workers ?? {}).length === 0) resolve(0);
        return;
      }
      const now = Date.now();
      if (!mayReplace(replacedAt, now)) {
        log.error({ stoppedPid: worker.process.pid, code, signal }, `a serving process stopped, the ${MAX_REPLACEMENTS + 1}th within a minute: stopping`);
        return stop(1);
      }
      replacedAt.push(now);
      log.warn({ stoppedPid: worker.process.pid, code, signal }, 'a serving process stopped: starting another');
      cluster.fork();
    });
    onSignal = (signal: string) => {
      if (phase === 'stopping') return;
      log.info({ signal }, 'shutting down');
      stop(0);
    };
    cluster.fork();
  });
}

/** Asks every serving process to stop as `waybill serve` does on SIGTERM; kills those still running after the grace period. */
async function stopAll(log: Logger): Promise<void> {
  const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
  const exits = running.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
  for (const worker of running) worker.process.kill('SIGTERM');
  const late = setTimeout(() => {
    for (const worker of running) {
      if (worker.isDead()) continue;
      log.warn({ stoppedPid: worker.process.pid }, `a serving process did not stop within ${STOP_GRACE_MS / 1000} s: killing it`);
      worker.process.kill('SIGKILL');
    }
  }, STOP_GRACE_MS);
  await Promise.all(exits);
  clearTimeout(late);
}
