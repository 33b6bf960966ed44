// `waybill jobs dead` and `waybill jobs retry`: the queue's dead letters listed and sent back to run
// from the command line, against the same database as the server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJobsCommand } from '../../src/jobs/cli.js';
import { enqueueJobs } from '../../src/jobs/queue.js';
import { createTestContext, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

const capture = () => {
  const out = { stdout: '', stderr: '' };
  const io = { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) } };
  return { out, io };
};
const env = () => ({ DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' });
const jobs = (...args: string[]) => {
  const { out, io } = capture();
  return runJobsCommand(args, env(), io).then((code) => ({ code, ...out }));
};

let keys = 0;
/** A job of `kind` that used up its attempts, its last error `error`; its id. */
async function deadJob(kind: string, error: string): Promise<string> {
  const key = `jobs-cli-${(keys += 1)}`;
  await enqueueJobs(t.deps.db, t.clock.now(), [{ kind, payload: { n: keys }, idempotencyKey: key }]);
  const { id } = await t.deps.db.selectFrom('jobs').select('id').where('idempotency_key', '=', key).executeTakeFirstOrThrow();
  await t.deps.db.updateTable('jobs').set({ state: 'dead', attempts: 5, max_attempts: 5, last_error: error, updated_at: `2026-03-02T15:00:0${keys}.000Z` }).where('id', '=', id).execute();
  return id;
}
const stateOf = async (id: string) => (await t.deps.db.selectFrom('jobs').select(['state', 'attempts', 'max_attempts']).where('id', '=', id).executeTakeFirstOrThrow());

describe('waybill jobs', () => {
  it('lists the dead letters newest first, by kind, as text or JSON, and sends the ones named back to run with three more attempts', async () => {
    const message = await deadJob('message.send', 'Twilio 400 (21211): invalid number\nat send()');
    const label = await deadJob('labels.reconcile', 'UPS 503: try later');

    const listed = await jobs('dead');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(
      [`${label}  labels.reconcile  5/5 attempts  died 2026-03-02T15:00:02.000Z`, '    UPS 503: try later', `${message}  message.send  5/5 attempts  died 2026-03-02T15:00:01.000Z`, '    Twilio 400 (21211): invalid number', ''].join('\n'),
    );
    expect(JSON.parse((await jobs('dead', '--kind', 'message.send', '--json')).stdout)).toEqual([
      { id: message, kind: 'message.send', attempts: 5, maxAttempts: 5, updatedAt: '2026-03-02T15:00:01.000Z', lastError: 'Twilio 400 (21211): invalid number\nat send()' },
    ]);
    expect((await jobs('dead', '--limit', '1')).stdout.split('\n')[0]).toContain(label);

    const retried = await jobs('retry', message, 'job_01k0000000000000000000none');
    expect(retried).toMatchObject({ code: 1, stdout: '1 dead job back in the queue, to run now\n' });
    expect(retried.stderr).toContain('job_01k0000000000000000000none is not a dead job');
    expect(await stateOf(message)).toEqual({ state: 'queued', attempts: 5, max_attempts: 8 });
    expect(await stateOf(label)).toMatchObject({ state: 'dead' });
    expect((await jobs('retry', message)).code).toBe(1); // queued now, not dead: left as it is
  });

  it('retries every dead job, or every one of a kind, with --all', async () => {
    const [a, b, c] = [await deadJob('hub.domain_check', 'DNS timeout'), await deadJob('hub.domain_check', 'DNS timeout'), await deadJob('message.send', 'SMTP 550')];
    expect(await jobs('retry', '--all', '--kind', 'hub.domain_check')).toMatchObject({ code: 0, stdout: '2 dead jobs back in the queue, to run now\n' });
    expect([(await stateOf(a)).state, (await stateOf(b)).state, (await stateOf(c)).state]).toEqual(['queued', 'queued', 'dead']);
    expect((await jobs('retry', '--all')).code).toBe(0);
    expect((await stateOf(c)).state).toBe('queued');
    expect(await jobs('dead')).toMatchObject({ code: 0, stdout: 'no dead jobs\n' });
  });

  it('refuses arguments it cannot act on with exit 2 and a line saying why, before opening the database', async () => {
    // A database nobody can reach: refused arguments never get as far as opening it.
    const refused = async (args: string[], says: RegExp) => {
      const { out, io } = capture();
      expect(await runJobsCommand(args, { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', LOG_LEVEL: 'silent' }, io)).toBe(2);
      expect(out.stderr).toMatch(says);
    };
    await refused(['frob'], /unknown jobs command "frob"/);
    await refused(['retry'], /name the dead jobs to retry/);
    await refused(['retry', 'job_1', '--all'], /not both/);
    await refused(['dead', '--limit', '0'], /--limit must be a whole number/);
    await refused(['dead', '--all'], /--all goes with jobs retry/);
    await refused(['dead', '--frob'], /Unknown option '--frob'/);
    const help = await jobs('--help');
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: waybill jobs dead');
  });
});
