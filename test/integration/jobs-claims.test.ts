// A worker's claim of several jobs: a slow one hands back the jobs it would hold up, and an
// outcome the database cannot record hands back the rest instead of leaving them leased.
import pino from 'pino';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJob } from '../../src/jobs/queue.js';
import { createWorker } from '../../src/jobs/worker.js';
import { manualClock, systemClock } from '../../src/lib/clock.js';
import { dialectUnderTest, freshDatabase } from '../harness/harness.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => database.drop());

const log = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Makes UPDATEs of jobs matching `when` fail, as a database in trouble would; returns how to stop. */
async function failJobUpdates(when: string): Promise<() => Promise<void>> {
  const db = database.handle.db;
  if (dialectUnderTest() === 'postgres') {
    await sql`CREATE OR REPLACE FUNCTION refuse_job_update() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'the database refused the update'; END $$ LANGUAGE plpgsql`.execute(db);
    await sql.raw(`CREATE TRIGGER refuse_job_update BEFORE UPDATE ON jobs FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION refuse_job_update()`).execute(db);
    return async () => void (await sql`DROP TRIGGER refuse_job_update ON jobs`.execute(db));
  }
  await sql.raw(`CREATE TRIGGER refuse_job_update BEFORE UPDATE ON jobs WHEN ${when} BEGIN SELECT RAISE(ABORT, 'the database refused the update'); END`).execute(db);
  return async () => void (await sql`DROP TRIGGER refuse_job_update`.execute(db));
}

const jobsByKind = async () => database.handle.db.selectFrom('jobs').select(['kind', 'state', 'attempts']).orderBy('run_at').orderBy('id').execute();

describe('a claim of several jobs', () => {
  it('hands back the jobs a slow one would hold up, so another worker runs them meanwhile', async () => {
    const db = database.handle.db;
    await db.deleteFrom('jobs').execute();
    const order: string[] = [];
    const handlers = {
      'test.slow': async () => {
        await sleep(1500);
        order.push('slow');
      },
      'test.send': async (payload: unknown) => void order.push(`send ${(payload as { n: number }).n}`),
    };
    const past = new Date(Date.now() - 1000);
    await enqueueJob(db, new Date(past.getTime() - 10), { kind: 'test.slow', payload: {} });
    for (let n = 0; n < 3; n++) await enqueueJob(db, past, { kind: 'test.send', payload: { n } });
    const options = { db, dialect: dialectUnderTest(), clock: systemClock, log, handlers, idleMs: 20, handBackAfterMs: 200 };
    const first = createWorker(options);
    const second = createWorker(options);
    first.start(); // claims all four, the slow one first
    await sleep(100);
    second.start();
    while (order.length < 4) await sleep(20);
    await Promise.all([first.stop(), second.stop()]);
    expect(order).toEqual(['send 0', 'send 1', 'send 2', 'slow']);
    expect((await jobsByKind()).map((job) => [job.kind, job.state, job.attempts])).toEqual([
      ['test.slow', 'done', 1],
      ['test.send', 'done', 1], // handed back without an attempt spent
      ['test.send', 'done', 1],
      ['test.send', 'done', 1],
    ]);
  });

  it('hands back the rest of the claim when an outcome cannot be recorded, so they run at once with no attempt lost', async () => {
    const db = database.handle.db;
    await db.deleteFrom('jobs').execute();
    const clock = manualClock('2026-03-02T15:00:00Z');
    const ran: string[] = [];
    await enqueueJob(db, new Date(clock.now().getTime() - 2), { kind: 'test.first', payload: {} });
    await enqueueJob(db, new Date(clock.now().getTime() - 1), { kind: 'test.watch', payload: {}, maxAttempts: 1 });
    for (let i = 0; i < 2; i++) await enqueueJob(db, clock.now(), { kind: 'test.sends', payload: { i } });
    const handlers = {
      'test.first': async () => void ran.push('first'),
      'test.watch': async () => void ran.push('watch'),
      'test.sends': { batch: async (items: unknown[]) => void ran.push(...items.map(() => 'send')) },
    };
    const worker = createWorker({ db, dialect: dialectUnderTest(), clock, log, handlers, leaseMs: 60_000 });
    // A short outage: neither "done" nor the "failed" written instead can be recorded for the first job.
    const mend = await failJobUpdates(`OLD.kind = 'test.first' AND NEW.state <> 'running'`);
    await worker.drain();
    await mend();
    // The rest of the claim was handed back and taken again at once: no lease to wait for, no
    // attempt spent, the one-attempt job run rather than taken for a worker that died on it.
    expect(ran).toEqual(['first', 'watch', 'send', 'send']);
    expect((await jobsByKind()).map((job) => [job.kind, job.state, job.attempts])).toEqual([
      ['test.first', 'running', 1], // ran, not recorded: run again once its lease runs out
      ['test.watch', 'done', 1],
      ['test.sends', 'done', 1],
      ['test.sends', 'done', 1],
    ]);
  });
});
