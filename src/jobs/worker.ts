// The worker loop: claims ready jobs, runs their handler, and records success, a retry with
// backoff (the queue's, or the kind's own), or a dead letter (with what the kind marks as given up
// in the same transaction). Handlers must be idempotent: a job whose worker died mid-way runs again
// (unless that was its last attempt: then it is a dead letter).
// While a claim's jobs run, their leases are renewed every third of a lease, so a slow batch is not
// taken over by another worker; a job's outcome counts only if its claim still holds it.
import { hostname } from 'node:os';
import type { Transaction } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';
import type { Db } from '../db/connect.js';
import type { Database, JobRow } from '../db/schema.js';
import type { Metrics } from '../observability/metrics.js';
import { claimJobs, completeJob, enqueueDueSchedules, failJob, releaseJobs, renewLeases } from './queue.js';

export class JobFailure extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** A job's payload; one that is not JSON (written by hand into the table) will never be, so it is a dead letter at once rather than after every retry. */
function payloadOf(job: JobRow): unknown {
  try {
    return JSON.parse(job.payload);
  } catch {
    throw new JobFailure(`the job's payload is not JSON: ${job.payload.slice(0, 80)}`, false);
  }
}

export type JobHandler = (payload: unknown, job: JobRow) => Promise<void>;
/**
 * Takes every claimed job of its kind at once (one transaction for many, or many sends in
 * flight together). It may answer one outcome per job (null when done, the error otherwise);
 * answering nothing means all are done. When it throws, each job of the batch is run again
 * alone, so one bad job neither blocks nor fails the others.
 */
export type BatchJobHandler = { batch: (items: Array<{ payload: unknown; job: JobRow }>) => Promise<Array<unknown | null> | void> } & JobKindPolicy;

/**
 * What a batch handler may say about its kind of job: its own backoff (the wait before attempt
 * n+1 when a failure names none; else the queue's, 2 s doubling up to an hour), and what its dead
 * letters change besides the job's row.
 */
export type JobKindPolicy = { retryDelayMs?: (attempt: number) => number; deadLetters?: DeadLetterHooks };

/**
 * Each runs in the transaction that moves the job: `died` as it becomes a dead letter (its
 * attempts used, a failure that cannot pass, or its worker gone on its last attempt), `retried`
 * as `waybill jobs retry` sends it back. `leaseMs`: how long a claim holds a job unrenewed.
 */
export type DeadLetterHooks = {
  died(trx: Transaction<Database>, job: JobRow, death: { now: Date; failure: { message: string; retryable: boolean }; leaseMs: number }): Promise<void>;
  retried(trx: Transaction<Database>, job: JobRow, now: Date): Promise<void>;
};
export type JobHandlers = Record<string, JobHandler | BatchJobHandler>;

export type WorkerOptions = {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  clock: Clock;
  log: Logger;
  handlers: JobHandlers;
  /** Counts each job's outcome (waybill_jobs_finished_total). */
  metrics?: Pick<Metrics, 'jobsFinished'>;
  concurrency?: number;
  batchSize?: number;
  leaseMs?: number;
  /** Real milliseconds between lease renewals: a third of leaseMs unless the clock runs faster than real time (the demo). */
  renewLeasesEveryMs?: number;
  idleMs?: number;
  /**
   * Real milliseconds between two looks at the recurring schedules in the background loops (default
   * 1 s; drain() looks every time). On a clock thousands of times faster than real time (the demo)
   * every schedule is due at every turn, and the loops ran nothing but schedule runs.
   */
  schedulesEveryMs?: number;
  /**
   * Real milliseconds a claim may run before the jobs of it not started yet go back to the queue,
   * for other workers (default 2 s): one slow job (an import's chunk, a carrier poll) must not hold
   * the customer sends claimed with it for as long as it runs.
   */
  handBackAfterMs?: number;
};

export type Worker = {
  /** Runs ready jobs until none are left (tests and the CLI use it). Returns how many ran. */
  drain(): Promise<number>;
  start(): void;
  stop(): Promise<void>;
  /** Wakes an idle loop at once: called after enqueueing in this process. */
  nudge(): void;
};

export function createWorker(options: WorkerOptions): Worker {
  const workerId = `${hostname()}:${process.pid}:${Math.random().toString(36).slice(2, 8)}`;
  const { db, dialect, clock, log, handlers } = options;
  const batchSize = options.batchSize ?? 20;
  const leaseMs = options.leaseMs ?? 60_000;
  const idleMs = options.idleMs ?? 500;
  const schedulesEveryMs = options.schedulesEveryMs ?? 1000;
  const handBackAfterMs = options.handBackAfterMs ?? 2000;
  /** When a background loop last looked at the schedules (performance.now(), real time). */
  let schedulesLookedAt = -Infinity;
  const renewEveryMs = Math.min(options.renewLeasesEveryMs ?? leaseMs / 3, 2 ** 31 - 1);
  let running = false;
  /** stop() was called: jobs of a claim not started yet are handed back rather than run. */
  let stopping = false;
  let claims = 0;
  let loops: Promise<void>[] = [];
  const wakers = new Set<() => void>();

  async function runJob(job: JobRow): Promise<void> {
    const handler = handlers[job.kind];
    if (!handler) return recordFailure(job, new JobFailure(`no handler for job kind ${job.kind}`, false));
    try {
      if (typeof handler === 'function') await handler(payloadOf(job), job);
      else {
        // A batch handler answers a job's failure as its outcome rather than throwing it.
        const outcome = (await handler.batch([{ payload: payloadOf(job), job }]))?.[0] ?? null;
        if (outcome !== null) throw outcome;
      }
      await recordDone(job);
    } catch (error) {
      await recordFailure(job, error);
    }
  }

  async function runBatch(handler: BatchJobHandler, jobs: JobRow[]): Promise<void> {
    if (jobs.length === 1) return runJob(jobs[0]!);
    let outcomes: Array<unknown | null> | void;
    try {
      outcomes = await handler.batch(jobs.map((job) => ({ payload: payloadOf(job), job })));
    } catch (error) {
      log.warn({ kind: jobs[0]!.kind, jobs: jobs.length, err: error instanceof Error ? error.message : String(error) }, 'job batch failed: running its jobs one by one');
      for (const job of jobs) await runJob(job);
      return;
    }
    for (const [index, job] of jobs.entries()) {
      const error = outcomes?.[index] ?? null;
      if (error === null) await recordDone(job);
      else await recordFailure(job, error);
    }
  }

  async function recordDone(job: JobRow): Promise<void> {
    if (await completeJob(db, job, clock.now())) options.metrics?.jobsFinished.inc({ kind: job.kind, outcome: 'done' });
    else logLostLease(job);
  }

  function logLostLease(job: JobRow): void {
    log.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts }, 'job finished after its lease ran out and another worker took it: this outcome is not recorded');
  }

  async function recordFailure(job: JobRow, error: unknown): Promise<void> {
    const failure =
      error instanceof JobFailure
        ? { message: error.message, retryable: error.retryable, retryAfterMs: error.retryAfterMs }
        : { message: error instanceof Error ? error.message : String(error), retryable: true };
    const handler = handlers[job.kind];
    const policy: JobKindPolicy = handler && typeof handler !== 'function' ? handler : {};
    if (failure.retryAfterMs === undefined || Number.isNaN(failure.retryAfterMs)) failure.retryAfterMs = policy.retryDelayMs?.(job.attempts);
    const now = clock.now();
    const hooks = policy.deadLetters;
    const outcome = await failJob(db, job, now, failure, hooks && ((trx) => hooks.died(trx, job, { now, failure, leaseMs })));
    if (outcome === 'lost') return logLostLease(job);
    options.metrics?.jobsFinished.inc({ kind: job.kind, outcome });
    log.warn({ jobId: job.id, kind: job.kind, attempt: job.attempts, outcome, err: failure.message }, 'job failed');
  }

  async function runOnce(withSchedules: boolean): Promise<number> {
    if (withSchedules) await enqueueDueSchedules(db, clock.now());
    // Each claim locks its jobs under its own name, so loops of one process never mistake each other's.
    const claim = `${workerId}:${(claims += 1).toString(36)}`;
    // Oldest first (UPDATE … RETURNING gives no order): effects run in the order they were caused.
    const jobs = (await claimJobs(db, dialect, { workerId: claim, now: clock.now(), limit: batchSize, leaseMs, kinds: Object.keys(handlers) })).sort((a, b) => (a.run_at < b.run_at ? -1 : a.run_at > b.run_at ? 1 : a.id < b.id ? -1 : 1));
    const heartbeat = keepLeases(claim, jobs.map((job) => job.id));
    const waiting = workOf(jobs);
    // Jobs of the claim not started yet go back to the queue for another worker (or loop): when the
    // claim has run longer than handBackAfterMs (a slow job must not hold customer sends behind it
    // for a whole lease), when stopping (SIGTERM: the stop's grace period), and when an outcome
    // could not be recorded (the database is failing: they would wait a lease, each losing an attempt).
    const notStarted: JobRow[] = [];
    /** The work not started yet back to the queue (a failure to write that is logged: the leases then run out). */
    const handBack = async () => {
      const unstarted = waiting.splice(0).flatMap((work) => work.jobs);
      if (unstarted.length === 0) return;
      notStarted.push(...unstarted);
      await releaseJobs(db, unstarted, clock.now()).catch((error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not hand back jobs; they wait for their lease to run out'));
    };
    // Only a claim with work queued behind the first needs the timer.
    const releaseLate =
      waiting.length > 1
        ? setTimeout(() => {
            log.info({ afterMs: handBackAfterMs }, 'a slow job holds its claim: handing back the jobs not started yet');
            void handBack();
          }, handBackAfterMs).unref()
        : undefined;
    try {
      for (let work = waiting.shift(); work !== undefined; work = waiting.shift()) {
        if (stopping) {
          waiting.unshift(work);
          break;
        }
        try {
          await run(work);
        } catch (error) {
          // Only recording an outcome throws here (runJob catches what the handler throws).
          log.error({ err: error instanceof Error ? error.message : String(error), jobs: work.jobs.map((job) => job.id) }, 'could not record a job outcome: it runs again once its lease runs out');
          break;
        }
      }
    } finally {
      clearTimeout(releaseLate);
      heartbeat.stop();
      await handBack();
    }
    return jobs.length - notStarted.length;
  }

  type Work = { run: 'expired' | 'one' | 'batch'; jobs: JobRow[] };

  /** The claim as the work it makes, in order: jobs run alone as they come, then each batch handler's kind together. */
  function workOf(jobs: readonly JobRow[]): Work[] {
    const alone: Work[] = [];
    const batched = new Map<string, JobRow[]>();
    for (const job of jobs) {
      const handler = handlers[job.kind];
      if (job.attempts > job.max_attempts) alone.push({ run: 'expired', jobs: [job] });
      else if (handler && typeof handler !== 'function') batched.set(job.kind, [...(batched.get(job.kind) ?? []), job]);
      else alone.push({ run: 'one', jobs: [job] });
    }
    return [...alone, ...[...batched.values()].map((group): Work => ({ run: 'batch', jobs: group }))];
  }

  async function run(work: Work): Promise<void> {
    const [first] = work.jobs;
    // Taken over after its worker died on its last attempt (a job that kills its worker would kill every one that takes it): a dead letter.
    if (work.run === 'expired') return recordFailure(first!, new JobFailure('its worker stopped during its last attempt (its lease ran out)', false));
    if (work.run === 'one') return runJob(first!);
    return runBatch(handlers[first!.kind] as BatchJobHandler, work.jobs);
  }

  /** Renews the claim's leases on a timer until stopped (one renewal at a time; a failed one is retried at the next tick). */
  function keepLeases(claim: string, ids: string[]): { stop(): void } {
    if (ids.length === 0) return { stop() {} };
    let renewing = false;
    const timer = setInterval(() => {
      if (renewing) return;
      renewing = true;
      renewLeases(db, { lockedBy: claim, ids, now: clock.now(), leaseMs })
        .catch((error) => log.warn({ err: error instanceof Error ? error.message : String(error) }, 'could not renew job leases'))
        .finally(() => {
          renewing = false;
        });
    }, renewEveryMs);
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  async function loop(): Promise<void> {
    while (running) {
      let ran = 0;
      try {
        const now = performance.now();
        const withSchedules = now - schedulesLookedAt >= schedulesEveryMs;
        if (withSchedules) schedulesLookedAt = now;
        ran = await runOnce(withSchedules);
      } catch (error) {
        log.error({ err: error }, 'worker loop error');
      }
      if (ran === 0 && running) {
        await new Promise<void>((resolve) => {
          const wakeUp = () => {
            clearTimeout(timer);
            wakers.delete(wakeUp);
            resolve();
          };
          const timer = setTimeout(wakeUp, idleMs);
          wakers.add(wakeUp);
        });
      }
    }
  }

  return {
    async drain() {
      let total = 0;
      for (;;) {
        const ran = await runOnce(true);
        total += ran;
        if (ran === 0) return total;
      }
    },
    start() {
      if (running) return;
      running = true;
      stopping = false;
      loops = Array.from({ length: options.concurrency ?? 1 }, () => loop());
    },
    async stop() {
      running = false;
      stopping = true;
      for (const wakeUp of [...wakers]) wakeUp();
      await Promise.all(loops);
    },
    nudge() {
      for (const wakeUp of [...wakers]) wakeUp();
    },
  };
}
