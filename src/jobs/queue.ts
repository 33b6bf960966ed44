// A durable job queue in the application's own database. Enqueueing inside the transaction of a
// state change is the transactional outbox: the effect exists exactly when the change does.
// Workers claim jobs with a lease (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one writer);
// a crashed worker's lease runs out and another worker takes the job again. A live worker renews
// the leases of the jobs it runs (renewLeases), and a job's outcome counts only from the claim
// that still holds it, so a slow job is neither taken over nor finished twice.
import type { ExpressionBuilder, Kysely, Transaction } from 'kysely';
import type { Database, JobRow } from '../db/schema.js';
import { withoutControlCharacters } from '../lib/control-characters.js';
import { newId } from '../lib/ids.js';

type Executor = Kysely<Database> | Transaction<Database>;

export type EnqueueOptions = {
  runAt?: Date;
  maxAttempts?: number;
  /** A job with the same key is enqueued only once, ever. */
  idempotencyKey?: string;
};

export type NewJob = { kind: string; payload: unknown } & EnqueueOptions;

export async function enqueueJobs(db: Executor, now: Date, jobs: readonly NewJob[]): Promise<void> {
  if (jobs.length === 0) return;
  await db.insertInto('jobs').values(jobRowsOf(now, jobs)).onConflict((oc) => oc.column('idempotency_key').doNothing()).execute();
}

/** The rows `jobs` are stored as (also for the hot paths that insert them without Kysely). */
export function jobRowsOf(now: Date, jobs: readonly NewJob[]): JobRow[] {
  const at = now.toISOString();
  return jobs.map((job) => ({
    id: newId('job'),
    kind: job.kind,
    payload: JSON.stringify(job.payload ?? null),
    state: 'queued',
    run_at: (job.runAt ?? now).toISOString(),
    attempts: 0,
    max_attempts: job.maxAttempts ?? 10,
    locked_by: null,
    locked_until: null,
    last_error: null,
    idempotency_key: job.idempotencyKey ?? null,
    created_at: at,
    updated_at: at,
  }));
}

export const enqueueJob = (db: Executor, now: Date, job: NewJob) => enqueueJobs(db, now, [job]);

export async function claimJobs(
  db: Kysely<Database>,
  dialect: 'sqlite' | 'postgres',
  options: { workerId: string; now: Date; limit: number; leaseMs: number; kinds?: readonly string[] },
): Promise<JobRow[]> {
  const now = options.now.toISOString();
  const lockedUntil = new Date(options.now.getTime() + options.leaseMs).toISOString();
  let ready = db
    .selectFrom('jobs')
    .select('id')
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'queued'), eb('run_at', '<=', now)]),
        eb.and([eb('state', '=', 'running'), eb('locked_until', '<', now)]),
      ]),
    )
    .orderBy('run_at')
    .limit(options.limit);
  // Only the kinds this worker can run: during a rolling upgrade a worker of the older version
  // leaves a kind only the newer one knows to it, instead of taking it and dead-lettering it.
  if (options.kinds && options.kinds.length > 0) ready = ready.where('kind', 'in', options.kinds);
  if (dialect === 'postgres') ready = ready.forUpdate().skipLocked();
  return db
    .updateTable('jobs')
    .set((eb) => ({
      state: 'running',
      locked_by: options.workerId,
      locked_until: lockedUntil,
      attempts: eb('attempts', '+', 1),
      updated_at: now,
    }))
    .where('id', 'in', ready)
    .returningAll()
    .execute();
}

/**
 * Extends the leases of the claimed jobs `ids` that `lockedBy` still holds (a heartbeat while they
 * run). A job already finished, or taken over after its lease ran out, is left alone.
 */
export async function renewLeases(db: Kysely<Database>, options: { lockedBy: string; ids: readonly string[]; now: Date; leaseMs: number }): Promise<number> {
  if (options.ids.length === 0) return 0;
  const result = await db
    .updateTable('jobs')
    .set({ locked_until: new Date(options.now.getTime() + options.leaseMs).toISOString() })
    .where('id', 'in', options.ids)
    .where('state', '=', 'running')
    .where('locked_by', '=', options.lockedBy)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

/** The claim `job` came from, if it still holds the job (another worker may have taken it over). */
const stillHeld = (job: JobRow) => (eb: ExpressionBuilder<Database, 'jobs'>) =>
  eb.and([eb('id', '=', job.id), eb('state', '=', 'running'), eb('locked_by', '=', job.locked_by), eb('attempts', '=', job.attempts)]);

/** Records the job as done; false (nothing written) when its claim had lost the job. */
export async function completeJob(db: Kysely<Database>, job: JobRow, now: Date): Promise<boolean> {
  const result = await db
    .updateTable('jobs')
    .set({ state: 'done', locked_by: null, locked_until: null, updated_at: now.toISOString() })
    .where(stillHeld(job))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Hands back claimed jobs that never started (their worker is stopping) as they were before the
 * claim: queued at their own run_at, the attempt unspent. A job the claim no longer holds is left alone.
 */
export async function releaseJobs(db: Kysely<Database>, jobs: readonly JobRow[], now: Date): Promise<void> {
  for (const job of jobs) {
    await db
      .updateTable('jobs')
      .set({ state: 'queued', attempts: job.attempts - 1, locked_by: null, locked_until: null, updated_at: now.toISOString() })
      .where(stillHeld(job))
      .execute();
  }
}

/** Exponential backoff with full jitter (0.5×–1.5×), from 2 s up to `capMs` (an hour unless a kind of job says less). */
export function retryDelayMs(attempt: number, random: () => number = Math.random, capMs = 3_600_000): number {
  const base = Math.min(capMs, 2_000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.5 + random()));
}

/**
 * The longest a retry waits, whatever the handler asks (a provider's Retry-After): a wait past
 * year 9999 writes a run_at ("+010000-…") that sorts before today as text, so the job would run
 * again at once, and one past JavaScript's last date is no date at all.
 */
export const MAX_RETRY_WAIT_MS = 86_400_000;

/** How long a failed job waits before its next attempt: the handler's wait if it gave one, else the backoff; at most a day. Pure. */
export function retryWaitMs(attempt: number, retryAfterMs?: number): number {
  const wait = retryAfterMs === undefined || Number.isNaN(retryAfterMs) ? retryDelayMs(attempt) : Math.max(0, retryAfterMs);
  return Math.min(MAX_RETRY_WAIT_MS, wait);
}

/**
 * Records a failed attempt: queued again after its wait, or dead when it cannot pass or has used
 * its attempts. `whenDead` runs in the same transaction as the job's death, only if the claim
 * still held the job: what the job was for is marked as given up exactly when the job is.
 */
export async function failJob(
  db: Kysely<Database>,
  job: JobRow,
  now: Date,
  failure: { message: string; retryable: boolean; retryAfterMs?: number },
  whenDead?: (trx: Transaction<Database>) => Promise<void>,
): Promise<'retrying' | 'dead' | 'lost'> {
  const dead = !failure.retryable || job.attempts >= job.max_attempts;
  const delay = retryWaitMs(job.attempts, failure.retryAfterMs);
  const record = async (executor: Executor) => {
    const result = await executor
      .updateTable('jobs')
      .set({
        state: dead ? 'dead' : 'queued',
        run_at: dead ? job.run_at : new Date(now.getTime() + delay).toISOString(),
        locked_by: null,
        locked_until: null,
        last_error: withoutControlCharacters(failure.message).slice(0, 2000), // it may quote a carrier's or provider's words
        updated_at: now.toISOString(),
      })
      .where(stillHeld(job))
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  };
  const recorded =
    dead && whenDead
      ? await db.transaction().execute(async (trx) => {
          const held = await record(trx);
          if (held) await whenDead(trx);
          return held;
        })
      : await record(db);
  if (!recorded) return 'lost';
  return dead ? 'dead' : 'retrying';
}

/**
 * Puts a dead-lettered job back in the queue with a fresh allowance of attempts. `whenRetried`
 * runs in the same transaction, given the job as it is now (its kind and payload).
 */
export async function retryDeadJob(db: Kysely<Database>, jobId: string, now: Date, whenRetried?: (trx: Transaction<Database>, job: JobRow) => Promise<void>): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const job = await trx
      .updateTable('jobs')
      .set((eb) => ({ state: 'queued', run_at: now.toISOString(), max_attempts: eb('attempts', '+', 3), updated_at: now.toISOString() }))
      .where('id', '=', jobId)
      .where('state', '=', 'dead')
      .returningAll()
      .executeTakeFirst();
    if (job && whenRetried) await whenRetried(trx, job);
    return job !== undefined;
  });
}

/**
 * Recurring jobs: whichever process moves `next_run_at` first enqueues that run, once. Registering
 * brings a next run more than one interval ahead back to one interval from now: it was set by a
 * clock that ran ahead (a jump, the demo's fast clock on a shared database) or for a longer
 * interval, and would otherwise hold the schedule until then. (Not to now: a run's idempotency key
 * names its time, and now may be the time of a run already enqueued.)
 */
export async function ensureSchedule(db: Kysely<Database>, schedule: { name: string; kind: string; everySeconds: number }, now: Date) {
  const latest = new Date(now.getTime() + schedule.everySeconds * 1000).toISOString();
  await db
    .insertInto('job_schedules')
    .values({ name: schedule.name, kind: schedule.kind, every_seconds: schedule.everySeconds, next_run_at: now.toISOString() })
    .onConflict((oc) =>
      oc.column('name').doUpdateSet((eb) => ({
        kind: schedule.kind,
        every_seconds: schedule.everySeconds,
        next_run_at: eb.case().when('job_schedules.next_run_at', '>', latest).then(latest).else(eb.ref('job_schedules.next_run_at')).end(),
      })),
    )
    .execute();
}

export async function enqueueDueSchedules(db: Kysely<Database>, now: Date): Promise<number> {
  const due = await db.selectFrom('job_schedules').selectAll().where('next_run_at', '<=', now.toISOString()).execute();
  let enqueued = 0;
  for (const schedule of due) {
    const next = new Date(now.getTime() + schedule.every_seconds * 1000).toISOString();
    await db.transaction().execute(async (trx) => {
      const moved = await trx
        .updateTable('job_schedules')
        .set({ next_run_at: next })
        .where('name', '=', schedule.name)
        .where('next_run_at', '=', schedule.next_run_at)
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) return; // another process got there first
      await enqueueJob(trx, now, {
        kind: schedule.kind,
        payload: { schedule: schedule.name },
        maxAttempts: 1,
        idempotencyKey: `schedule:${schedule.name}:${schedule.next_run_at}`,
      });
      enqueued += 1;
    });
  }
  return enqueued;
}
