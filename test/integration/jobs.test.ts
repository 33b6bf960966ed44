import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import { claimJobs, completeJob, enqueueJob, enqueueJobs, ensureSchedule, failJob, renewLeases, retryDeadJob, retryDelayMs } from '../../src/jobs/queue.js';
import { createWorker, JobFailure } from '../../src/jobs/worker.js';
import { acceleratedClock, manualClock, systemClock } from '../../src/lib/clock.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { dialectUnderTest, freshDatabase } from '../harness/harness.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
const log = pino({ level: 'silent' });
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => database.drop());

const db = () => database.handle.db;
const clean = () => db().deleteFrom('jobs').execute();

describe('the job queue', () => {
  it('runs a job once, and enqueues a job with the same idempotency key only once', async () => {
    await clean();
    const clock = manualClock();
    const seen: unknown[] = [];
    await enqueueJob(db(), clock.now(), { kind: 'echo', payload: { n: 1 }, idempotencyKey: 'only-once' });
    await enqueueJob(db(), clock.now(), { kind: 'echo', payload: { n: 2 }, idempotencyKey: 'only-once' });
    const worker = createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, handlers: { echo: async (p) => void seen.push(p) } });
    expect(await worker.drain()).toBe(1);
    expect(seen).toEqual([{ n: 1 }]);
    const row = await db().selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('waits for run_at', async () => {
    await clean();
    const clock = manualClock();
    const seen: unknown[] = [];
    await enqueueJob(db(), clock.now(), { kind: 'later', payload: 1, runAt: new Date(clock.now().getTime() + 60_000) });
    const worker = createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, handlers: { later: async (p) => void seen.push(p) } });
    expect(await worker.drain()).toBe(0);
    clock.advance(60_000);
    expect(await worker.drain()).toBe(1);
    expect(seen).toEqual([1]);
  });

  it('retries a failing job with backoff, then dead-letters it; a dead job can be retried', async () => {
    await clean();
    const clock = manualClock();
    let calls = 0;
    await enqueueJob(db(), clock.now(), { kind: 'flaky', payload: null, maxAttempts: 3 });
    const worker = createWorker({
      db: db(),
      dialect: dialectUnderTest(),
      clock,
      log,
      handlers: {
        flaky: async () => {
          calls += 1;
          throw new Error(`boom ${calls}`);
        },
      },
    });
    await worker.drain();
    let row = await db().selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'queued', attempts: 1, last_error: 'boom 1' });
    expect(Date.parse(row.run_at) - clock.now().getTime()).toBeGreaterThanOrEqual(1000);
    for (let i = 0; i < 5; i++) {
      clock.advance(3_600_000);
      await worker.drain();
    }
    row = await db().selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'dead', attempts: 3, last_error: 'boom 3' });
    expect(calls).toBe(3);

    expect(await retryDeadJob(db(), row.id, clock.now())).toBe(true);
    await worker.drain();
    expect(calls).toBe(4);
  });

  it('dead-letters at once a failure marked not retryable, and obeys retryAfter', async () => {
    await clean();
    const clock = manualClock();
    await enqueueJobs(db(), clock.now(), [
      { kind: 'fatal', payload: null },
      { kind: 'throttled', payload: null },
    ]);
    const worker = createWorker({
      db: db(),
      dialect: dialectUnderTest(),
      clock,
      log,
      handlers: {
        fatal: async () => {
          throw new JobFailure('bad payload', false);
        },
        throttled: async () => {
          throw new JobFailure('429', true, 120_000);
        },
      },
    });
    await worker.drain();
    const rows = await db().selectFrom('jobs').selectAll().orderBy('kind').execute();
    expect(rows[0]).toMatchObject({ kind: 'fatal', state: 'dead' });
    expect(rows[1]).toMatchObject({ kind: 'throttled', state: 'queued' });
    expect(Date.parse(rows[1]!.run_at) - clock.now().getTime()).toBe(120_000);
  });

  it('records a failure whose message quotes a carrier’s control characters (a NUL, which PostgreSQL cannot store), with a space for each run', async () => {
    await clean();
    const clock = manualClock();
    await enqueueJob(db(), clock.now(), { kind: 'quoting', payload: null, maxAttempts: 2 });
    const worker = createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, handlers: { quoting: async () => Promise.reject(new JobFailure('the carrier said: Bad\u0000\u0001 number', false)) } });
    expect(await worker.drain()).toBe(1);
    expect(await db().selectFrom('jobs').select(['state', 'last_error']).executeTakeFirstOrThrow()).toEqual({ state: 'dead', last_error: 'the carrier said: Bad  number' });
  });

  it('dead-letters at once a job whose payload is not JSON (written into the table by hand), naming it, and runs the others of its batch', async () => {
    await clean();
    const clock = manualClock();
    const seen: unknown[] = [];
    await enqueueJob(db(), clock.now(), { kind: 'echo', payload: { n: 1 }, idempotencyKey: 'payload-bad' });
    await enqueueJob(db(), clock.now(), { kind: 'echo', payload: { n: 2 }, idempotencyKey: 'payload-good' });
    await db().updateTable('jobs').set({ payload: '{ not json' }).where('idempotency_key', '=', 'payload-bad').execute();
    const worker = createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, handlers: { echo: { batch: async (items) => void seen.push(...items.map((i) => i.payload)) } } });
    expect(await worker.drain()).toBe(2);
    expect(seen).toEqual([{ n: 2 }]);
    const bad = await db().selectFrom('jobs').select(['state', 'attempts', 'last_error']).where('idempotency_key', '=', 'payload-bad').executeTakeFirstOrThrow();
    expect(bad).toEqual({ state: 'dead', attempts: 1, last_error: "the job's payload is not JSON: { not json" });
  });

  it('takes a job back when its worker died holding the lease', async () => {
    await clean();
    const clock = manualClock();
    await enqueueJob(db(), clock.now(), { kind: 'work', payload: null });
    const claimed = await claimJobs(db(), dialectUnderTest(), { workerId: 'dead-worker', now: clock.now(), limit: 10, leaseMs: 30_000 });
    expect(claimed).toHaveLength(1);
    // While the lease holds, nobody else gets it.
    expect(await claimJobs(db(), dialectUnderTest(), { workerId: 'other', now: clock.now(), limit: 10, leaseMs: 30_000 })).toHaveLength(0);
    clock.advance(31_000);
    const retaken = await claimJobs(db(), dialectUnderTest(), { workerId: 'other', now: clock.now(), limit: 10, leaseMs: 30_000 });
    expect(retaken).toHaveLength(1);
    expect(retaken[0]).toMatchObject({ locked_by: 'other', attempts: 2 });
  });

  it('enqueues each run of a recurring schedule once, however many processes tick', async () => {
    await clean();
    await db().deleteFrom('job_schedules').execute();
    const clock = manualClock();
    await ensureSchedule(db(), { name: 'expire-stale', kind: 'tick', everySeconds: 3600 }, clock.now());
    let ticks = 0;
    const workers = [1, 2, 3].map(() => createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, handlers: { tick: async () => void (ticks += 1) } }));
    await Promise.all(workers.map((w) => w.drain()));
    expect(ticks).toBe(1);
    clock.advance(1_800_000);
    await Promise.all(workers.map((w) => w.drain()));
    expect(ticks).toBe(1);
    clock.advance(1_800_000);
    await Promise.all(workers.map((w) => w.drain()));
    expect(ticks).toBe(2);
  });

  it('looks at the schedules about once a real second in its background loop, however fast its clock runs (the demo’s): it does not spin on schedule runs', async () => {
    await clean();
    await db().deleteFrom('job_schedules').execute();
    const clock = acceleratedClock(43_200); // a minute of this clock passes in 1.4 real ms
    await ensureSchedule(db(), { name: 'every-minute', kind: 'tick', everySeconds: 60 }, clock.now());
    let ticks = 0;
    const worker = createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, handlers: { tick: async () => void (ticks += 1) }, idleMs: 20, schedulesEveryMs: 200 });
    worker.start();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await worker.stop();
    // Five looks in a second (one at once, then one every 200 ms), not one per turn of the loop.
    expect(ticks).toBeGreaterThanOrEqual(3);
    expect(ticks).toBeLessThanOrEqual(6);
  });

  it('brings a schedule left far ahead (another clock, a longer interval) back to one interval from now at start-up', async () => {
    await clean();
    await db().deleteFrom('job_schedules').execute();
    const clock = manualClock('2026-03-02T12:00:00Z');
    let ticks = 0;
    const worker = createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, handlers: { tick: async () => void (ticks += 1) } });
    // A process whose clock ran 60 days ahead (the demo's fast clock on a shared database, a clock jump) ran it last.
    const ahead = manualClock('2026-05-01T12:00:00Z');
    await ensureSchedule(db(), { name: 'sweep', kind: 'tick', everySeconds: 60 }, ahead.now());
    await createWorker({ db: db(), dialect: dialectUnderTest(), clock: ahead, log, handlers: { tick: async () => {} } }).drain();
    // Back on the right clock, the next start registers it again: it runs within one interval, not in 60 days.
    await ensureSchedule(db(), { name: 'sweep', kind: 'tick', everySeconds: 60 }, clock.now());
    clock.advance(60_000);
    await worker.drain();
    expect(ticks).toBe(1);

    // Restarted with a shorter interval: the next run is at most that interval away.
    await ensureSchedule(db(), { name: 'hourly', kind: 'tick', everySeconds: 3600 }, clock.now());
    await worker.drain();
    expect(ticks).toBe(2);
    await ensureSchedule(db(), { name: 'hourly', kind: 'tick', everySeconds: 60 }, clock.now());
    clock.advance(60_000);
    await worker.drain();
    expect(ticks).toBe(4); // both schedules, each once
  });

  it('dead-letters a job whose worker died on its last attempt, instead of running it again and again', async () => {
    await clean();
    await db().deleteFrom('job_schedules').execute();
    const clock = manualClock();
    const metrics = createMetrics();
    await enqueueJob(db(), clock.now(), { kind: 'crashes', payload: null, maxAttempts: 2 });
    // A job that kills its worker (out of memory, say): two workers die holding it.
    for (const name of ['first', 'second']) {
      expect(await claimJobs(db(), dialectUnderTest(), { workerId: name, now: clock.now(), limit: 10, leaseMs: 30_000 })).toHaveLength(1);
      clock.advance(31_000);
    }
    let runs = 0;
    const worker = createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, metrics, handlers: { crashes: async () => void (runs += 1) } });
    await worker.drain();
    expect(runs).toBe(0);
    const row = await db().selectFrom('jobs').selectAll().executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'dead', attempts: 3, locked_by: null, locked_until: null });
    expect(row.last_error).toMatch(/lease/);
    expect((await metrics.jobsFinished.get()).values.map((v) => [v.labels.kind, v.labels.outcome, v.value])).toEqual([['crashes', 'dead', 1]]);
    // Like any dead letter, it can be retried.
    expect(await retryDeadJob(db(), row.id, clock.now())).toBe(true);
    expect(await worker.drain()).toBe(1);
    expect(runs).toBe(1);
  });

  it('waits out a Retry-After too long to be a date, without losing the other jobs of the claim', async () => {
    await clean();
    await db().deleteFrom('job_schedules').execute();
    const clock = manualClock();
    const runs: string[] = [];
    await enqueueJobs(db(), clock.now(), [
      { kind: 'far', payload: 'far' }, // past year 9999: "+033700-…" sorts before today as text
      { kind: 'beyond', payload: 'beyond' }, // past the last date JavaScript has
      { kind: 'fine', payload: 'fine' },
    ]);
    // Each asks to be retried after its Retry-After, in milliseconds.
    const throttled = (retryAfterMs: number) => async (p: unknown) => {
      runs.push(p as string);
      throw new JobFailure('429', true, retryAfterMs);
    };
    const handlers = { far: throttled(1e15), beyond: throttled(1e20), fine: async (p: unknown) => void runs.push(p as string) };
    const worker = createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, handlers });
    await worker.drain();
    expect(runs.sort()).toEqual(['beyond', 'far', 'fine']);
    const rows = await db().selectFrom('jobs').selectAll().orderBy('kind').execute();
    expect(rows.map((r) => [r.kind, r.state])).toEqual([
      ['beyond', 'queued'],
      ['far', 'queued'],
      ['fine', 'done'],
    ]);
    for (const row of rows.filter((r) => r.state === 'queued')) {
      expect(row.run_at).toMatch(/^\d{4}-/);
      expect(Date.parse(row.run_at)).toBeGreaterThan(clock.now().getTime());
    }
  });

  it('lets several workers share the queue without running any job twice', async () => {
    await clean();
    const clock = manualClock();
    const total = 300;
    await enqueueJobs(db(), clock.now(), Array.from({ length: total }, (_, i) => ({ kind: 'count', payload: i })));
    const runs = new Map<number, number>();
    const handlers = {
      count: async (p: unknown) => {
        runs.set(p as number, (runs.get(p as number) ?? 0) + 1);
        await new Promise((r) => setTimeout(r, Math.random() * 2));
      },
    };
    // On PostgreSQL each worker has its own connection pool, as separate processes would.
    const extra = dialectUnderTest() === 'postgres' ? await Promise.all([1, 2].map(() => import('../../src/db/connect.js').then((m) => m.openDatabase(database.url, { poolSize: 2 })))) : [];
    const dbs = [db(), ...extra.map((h) => h.db)];
    const workers = dbs.map((d) => createWorker({ db: d, dialect: dialectUnderTest(), clock, log, handlers, batchSize: 7 }));
    await Promise.all(workers.map((w) => w.drain()));
    await Promise.all(extra.map((h) => h.close()));
    expect(runs.size).toBe(total);
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });

  it('renews the leases of jobs that run longer than a lease, so another worker never runs them again', async () => {
    await clean();
    await db().deleteFrom('job_schedules').execute(); // only these four jobs
    const leaseMs = 600;
    const slowly = () => new Promise((resolve) => setTimeout(resolve, 900));
    await enqueueJobs(db(), systemClock.now(), [
      ...[1, 2].map((n) => ({ kind: 'slow', payload: n })),
      ...[3, 4].map((n) => ({ kind: 'slow_batch', payload: n })),
    ]);
    const runs = new Map<number, number>();
    const count = (n: unknown) => runs.set(n as number, (runs.get(n as number) ?? 0) + 1);
    const handlers = {
      slow: async (p: unknown) => {
        count(p);
        await slowly();
      },
      slow_batch: {
        batch: async (items: Array<{ payload: unknown }>) => {
          items.forEach((item) => count(item.payload));
          await slowly();
        },
      },
    };
    const extra = dialectUnderTest() === 'postgres' ? [openDatabase(database.url, { poolSize: 2 })] : [];
    // Two workers (on SQLite, two on the one connection, as two loops of a process would be).
    const workers = [db(), extra[0]?.db ?? db()].map((d) => createWorker({ db: d, dialect: dialectUnderTest(), clock: systemClock, log, handlers, leaseMs, idleMs: 50 }));
    workers.forEach((w) => w.start());
    // The first worker to claim takes all four (2.7 s of work, 4½ leases); the other polls all along.
    for (let waited = 0; waited < 15_000; waited += 100) {
      const left = await db().selectFrom('jobs').select('id').where('state', '!=', 'done').execute();
      if (left.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await Promise.all(workers.map((w) => w.stop()));
    await Promise.all(extra.map((h) => h.close()));
    expect(Object.fromEntries(runs)).toEqual({ 1: 1, 2: 1, 3: 1, 4: 1 });
    const rows = await db().selectFrom('jobs').select(['state', 'attempts']).execute();
    expect(rows).toEqual(Array.from({ length: 4 }, () => ({ state: 'done', attempts: 1 })));
  });

  it('stops (SIGTERM) after the jobs it is running, handing back those of its claim it has not started', async () => {
    await clean();
    await db().deleteFrom('job_schedules').execute();
    await enqueueJobs(db(), systemClock.now(), Array.from({ length: 10 }, (_, n) => ({ kind: 'slow', payload: n })));
    const started: number[] = [];
    let first!: () => void;
    const running = new Promise<void>((resolve) => (first = resolve));
    const handlers = {
      slow: async (p: unknown) => {
        started.push(p as number);
        first();
        await new Promise((resolve) => setTimeout(resolve, 300));
      },
    };
    const worker = createWorker({ db: db(), dialect: dialectUnderTest(), clock: systemClock, log, handlers, idleMs: 50 });
    worker.start();
    await running;
    await worker.stop();
    // The one it was running finished; the nine it had claimed but not started wait, unspent, for the next worker.
    expect(started).toEqual([0]);
    const rows = await db().selectFrom('jobs').select(['payload', 'state', 'attempts', 'locked_by']).orderBy('run_at').orderBy('id').execute();
    expect(rows.filter((r) => r.state === 'done')).toHaveLength(1);
    expect(rows.filter((r) => r.state === 'queued')).toEqual(Array.from({ length: 9 }, (_, i) => ({ payload: String(i + 1), state: 'queued', attempts: 0, locked_by: null })));
  });

  it('records the outcome of a job only from the claim that still holds it', async () => {
    await clean();
    const clock = manualClock();
    await enqueueJobs(db(), clock.now(), [{ kind: 'work', payload: 1 }]);
    const [first] = await claimJobs(db(), dialectUnderTest(), { workerId: 'slow-worker', now: clock.now(), limit: 1, leaseMs: 30_000 });
    clock.advance(31_000);
    const [second] = await claimJobs(db(), dialectUnderTest(), { workerId: 'slow-worker', now: clock.now(), limit: 1, leaseMs: 30_000 });
    // The same worker name, a later claim: the first run's outcome must not finish the second's job.
    expect(await renewLeases(db(), { lockedBy: 'other-worker', ids: [first!.id], now: clock.now(), leaseMs: 30_000 })).toBe(0);
    expect(await completeJob(db(), first!, clock.now())).toBe(false);
    expect(await failJob(db(), first!, clock.now(), { message: 'late', retryable: true })).toBe('lost');
    expect(await db().selectFrom('jobs').select(['state', 'attempts']).executeTakeFirstOrThrow()).toEqual({ state: 'running', attempts: 2 });
    expect(await completeJob(db(), second!, clock.now())).toBe(true);
  });

  it('counts each finished job by kind and outcome in waybill_jobs_finished_total', async () => {
    await clean();
    await db().deleteFrom('job_schedules').execute();
    const clock = manualClock();
    const metrics = createMetrics();
    await enqueueJobs(db(), clock.now(), [
      { kind: 'fine', payload: null },
      { kind: 'fine', payload: null },
      { kind: 'flaky', payload: null },
      { kind: 'fatal', payload: null },
      { kind: 'unknown', payload: null },
    ]);
    const handlers = {
      fine: async () => {},
      flaky: async () => {
        throw new Error('try again');
      },
      fatal: async () => {
        throw new JobFailure('bad payload', false);
      },
    };
    await createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, handlers, metrics }).drain();
    const counted = (await metrics.jobsFinished.get()).values.map((v) => [v.labels.kind, v.labels.outcome, v.value]);
    expect(counted).toEqual(
      expect.arrayContaining([
        ['fine', 'done', 2],
        ['flaky', 'retrying', 1],
        ['fatal', 'dead', 1],
      ]),
    );
    expect(counted).toHaveLength(3);
    // A kind this worker has no handler for is not its to take (below).
    expect(await db().selectFrom('jobs').select(['state', 'attempts']).where('kind', '=', 'unknown').execute()).toEqual([{ state: 'queued', attempts: 0 }]);
  });

  it('leaves a kind it cannot run to a worker that can (a rolling upgrade: the older version does not dead-letter the newer one’s jobs)', async () => {
    await db().deleteFrom('jobs').execute();
    await db().deleteFrom('job_schedules').execute();
    const clock = manualClock();
    const ran: string[] = [];
    await enqueueJobs(db(), clock.now(), [
      { kind: 'known', payload: null },
      { kind: 'newer', payload: null },
    ]);
    await createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, handlers: { known: async () => void ran.push('known') } }).drain();
    expect(ran).toEqual(['known']);
    expect(await db().selectFrom('jobs').select(['state', 'attempts']).where('kind', '=', 'newer').executeTakeFirstOrThrow()).toEqual({ state: 'queued', attempts: 0 });
    await createWorker({ db: db(), dialect: dialectUnderTest(), clock, log, handlers: { newer: async () => void ran.push('newer') } }).drain();
    expect(ran).toEqual(['known', 'newer']);
    expect(await db().selectFrom('jobs').select('state').where('kind', '=', 'newer').executeTakeFirstOrThrow()).toEqual({ state: 'done' });
  });

  it('backs off exponentially with jitter, capped at an hour', () => {
    expect(retryDelayMs(1, () => 0.5)).toBe(2_000);
    expect(retryDelayMs(2, () => 0.5)).toBe(4_000);
    expect(retryDelayMs(5, () => 0)).toBe(16_000);
    expect(retryDelayMs(30, () => 0.5)).toBe(3_600_000);
  });
});
