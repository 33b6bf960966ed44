// Finished jobs are deleted once past their retention: the small housekeeping kinds after a day,
// every other done job after 30 days; jobs still due, running or dead are kept whatever their age.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { enqueueJobs } from '../../src/jobs/queue.js';
import { FINISHED_JOB_RETENTION_MS, HOUSEKEEPING_RETENTION_MS, JOBS_PRUNE_JOB, ensureJobRetentionSchedule, pruneFinishedJobs } from '../../src/jobs/retention.js';
import { INBOUND_PROCESS_JOB } from '../../src/inbound/inbox.js';
import { createTestContext, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

const HOUR = 3_600_000;

/** A job of `kind` in `state` that last ran `ageMs` ago. */
async function job(name: string, kind: string, state: string, ageMs: number): Promise<void> {
  const ranAt = new Date(t.clock.now().getTime() - ageMs);
  await enqueueJobs(t.deps.db, ranAt, [{ kind, payload: {}, idempotencyKey: `retention:${name}`, runAt: ranAt }]);
  await t.deps.db.updateTable('jobs').set({ state }).where('idempotency_key', '=', `retention:${name}`).execute();
}

const remaining = async () =>
  (await t.deps.db.selectFrom('jobs').select('idempotency_key').where('idempotency_key', 'like', 'retention:%').execute()).map((r) => r.idempotency_key).sort();

describe('finished jobs', () => {
  it('are deleted past their retention: housekeeping after a day, the rest after 30 days; due, running and dead ones are kept', async () => {
    await job('inbound-new', INBOUND_PROCESS_JOB, 'done', HOUSEKEEPING_RETENTION_MS - HOUR);
    await job('inbound-old', INBOUND_PROCESS_JOB, 'done', HOUSEKEEPING_RETENTION_MS + HOUR);
    await job('status-recent', 'shipment.status_changed', 'done', HOUSEKEEPING_RETENTION_MS + HOUR);
    await job('status-old', 'shipment.status_changed', 'done', FINISHED_JOB_RETENTION_MS + HOUR);
    await job('send-dead', 'message.send', 'dead', FINISHED_JOB_RETENTION_MS + HOUR);
    await job('send-due', 'message.send', 'pending', FINISHED_JOB_RETENTION_MS + HOUR);
    await job('import-running', 'shipments.import', 'running', FINISHED_JOB_RETENTION_MS + HOUR);

    expect(await pruneFinishedJobs(t.deps)).toBe(2);
    expect(await remaining()).toEqual(['retention:import-running', 'retention:inbound-new', 'retention:send-dead', 'retention:send-due', 'retention:status-recent']);
    expect(await pruneFinishedJobs(t.deps)).toBe(0);
  });

  it('works off a backlog larger than one statement deletes', async () => {
    const old = new Date(t.clock.now().getTime() - FINISHED_JOB_RETENTION_MS - HOUR);
    const many = Array.from({ length: 12_000 }, (_, i) => ({ kind: 'shipment.status_changed', payload: {}, idempotencyKey: `backlog:${i}`, runAt: old }));
    for (let i = 0; i < many.length; i += 1000) await enqueueJobs(t.deps.db, old, many.slice(i, i + 1000));
    await t.deps.db.updateTable('jobs').set({ state: 'done' }).where('idempotency_key', 'like', 'backlog:%').execute();
    expect(await pruneFinishedJobs(t.deps)).toBe(12_000);
  });

  it('are pruned by an hourly job of their own, which the worker runs', async () => {
    await ensureJobRetentionSchedule(t.deps);
    const schedule = await t.deps.db.selectFrom('job_schedules').selectAll().where('name', '=', 'jobs-prune').executeTakeFirstOrThrow();
    expect(schedule).toMatchObject({ kind: JOBS_PRUNE_JOB, every_seconds: 3600 });
    await job('before-the-run', 'shipment.status_changed', 'done', FINISHED_JOB_RETENTION_MS + HOUR);
    await enqueueJobs(t.deps.db, t.clock.now(), [{ kind: JOBS_PRUNE_JOB, payload: {}, idempotencyKey: 'retention-run-now' }]);
    await t.worker.drain();
    expect(await remaining()).not.toContain('retention:before-the-run');
    expect(await t.deps.db.selectFrom('jobs').select('state').where('idempotency_key', '=', 'retention-run-now').executeTakeFirstOrThrow()).toEqual({ state: 'done' });
  });
});
