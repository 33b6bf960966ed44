// Batch handlers: every claimed job of a kind in one call; a batch that throws is run again job by
// job, so one bad job neither blocks nor fails the others.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJobs } from '../../src/jobs/queue.js';
import { createWorker, JobFailure } from '../../src/jobs/worker.js';
import { manualClock } from '../../src/lib/clock.js';
import { dialectUnderTest, freshDatabase } from '../harness/harness.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => database.drop());

const db = () => database.handle.db;

describe('batch job handlers', () => {
  it('hand over all claimed jobs of their kind at once; a failing batch falls back to one by one', async () => {
    const clock = manualClock();
    const calls: number[][] = [];
    await enqueueJobs(db(), clock.now(), [1, 2, 3, 4, 5].map((n) => ({ kind: 'many', payload: { n }, maxAttempts: 1 })));
    await enqueueJobs(db(), clock.now(), [{ kind: 'single', payload: { n: 0 } }]);
    const singles: unknown[] = [];
    const worker = createWorker({
      db: db(),
      dialect: dialectUnderTest(),
      clock,
      log: pino({ level: 'silent' }),
      handlers: {
        single: async (payload) => void singles.push(payload),
        many: {
          batch: async (items) => {
            const ns = items.map((item) => (item.payload as { n: number }).n);
            calls.push(ns);
            if (ns.includes(3)) throw new JobFailure('3 is bad', false);
          },
        },
      },
    });
    expect(await worker.drain()).toBe(6);
    expect(singles).toEqual([{ n: 0 }]);
    expect(calls[0]!.sort()).toEqual([1, 2, 3, 4, 5]); // the whole batch first…
    expect(calls.slice(1).map((c) => c.length)).toEqual([1, 1, 1, 1, 1]); // …then each alone
    const states = await db().selectFrom('jobs').select(['payload', 'state', 'last_error']).where('kind', '=', 'many').execute();
    expect(states.filter((j) => j.state === 'done')).toHaveLength(4);
    expect(states.find((j) => j.state === 'dead')).toMatchObject({ payload: JSON.stringify({ n: 3 }), last_error: '3 is bad' });
  });

  it('retry a job whose failure is answered as its outcome, also when it was claimed alone', async () => {
    const clock = manualClock();
    await enqueueJobs(db(), clock.now(), [{ kind: 'send', payload: { n: 1 }, maxAttempts: 3 }]);
    let attempts = 0;
    const worker = createWorker({
      db: db(),
      dialect: dialectUnderTest(),
      clock,
      log: pino({ level: 'silent' }),
      handlers: { send: { batch: async (items) => items.map(() => (++attempts < 3 ? new JobFailure('provider unavailable', true) : null)) } },
    });
    const job = () => db().selectFrom('jobs').select(['state', 'attempts', 'last_error']).where('kind', '=', 'send').executeTakeFirstOrThrow();
    await worker.drain();
    expect(await job()).toMatchObject({ state: 'queued', last_error: 'provider unavailable' }); // not done: retried later
    for (let i = 0; i < 2; i++) {
      clock.advance(3_600_000);
      await worker.drain();
    }
    expect(attempts).toBe(3);
    expect(await job()).toMatchObject({ state: 'done' });
  });

  it('let a lone job whose every attempt fails end in the dead letters', async () => {
    const clock = manualClock();
    await enqueueJobs(db(), clock.now(), [{ kind: 'doomed', payload: {}, maxAttempts: 2 }]);
    const worker = createWorker({ db: db(), dialect: dialectUnderTest(), clock, log: pino({ level: 'silent' }), handlers: { doomed: { batch: async (items) => items.map(() => new Error('refused')) } } });
    for (let i = 0; i < 3; i++) {
      await worker.drain();
      clock.advance(3_600_000);
    }
    expect(await db().selectFrom('jobs').select(['state', 'last_error']).where('kind', '=', 'doomed').executeTakeFirstOrThrow()).toEqual({ state: 'dead', last_error: 'refused' });
  });
});
