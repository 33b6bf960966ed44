// An Idempotency-Key claimed by a request that was cut off (a crash, a redeploy) must not refuse
// its retries for the key's whole day: once the claim is older than any request runs
// (IDEMPOTENCY_CLAIM_ABANDONED_MS), one retry takes it over and runs, and the cut-off request, if
// it was in fact still running, can neither overwrite that retry's answer nor free its claim.
// A small app with one endpoint that waits to be told what to answer stands in for a slow or dead
// request; the idempotency middleware and the database are the real ones.
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAppError } from '../../src/api/answers.js';
import type { AppEnv } from '../../src/api/context.js';
import { IDEMPOTENCY_CLAIM_ABANDONED_MS } from '../../src/api/idempotency-keys.js';
import { idempotency, requestHashOf } from '../../src/api/middleware.js';
import type { Deps } from '../../src/deps.js';
import { manualClock } from '../../src/lib/clock.js';
import { errorBody } from '../../src/lib/errors.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

type Run = { resolve(answer: { by: string }): void; reject(error: Error): void };

/** The app: POST /v1/work waits until the test settles its run (runs[i], in the order they started). */
function gatedApp(deps: Deps = t.deps) {
  const runs: Run[] = [];
  const app = new Hono<AppEnv>();
  app.onError((error, c) => {
    const appError = toAppError(error);
    return c.json(errorBody(appError, 'test'), appError.status as 400);
  });
  app.use('*', async (c, next) => {
    c.set('requestId', 'test');
    c.set('brand', t.brand);
    await next();
  });
  app.use('*', idempotency(deps));
  app.post('/v1/work', async (c) => c.json(await new Promise<{ by: string }>((resolve, reject) => runs.push({ resolve, reject })), 201));
  const post = async (key: string) => {
    const response = await app.request('/v1/work', { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: '{"job":1}' });
    return { status: response.status, replayed: response.headers.get('idempotent-replayed'), json: (await response.json()) as { by?: string; error?: { code: string; message: string } } };
  };
  return { runs, post };
}

/** Waits (a few ms at a time, for at most 2 s) until `condition` holds. */
async function until(condition: () => boolean) {
  for (let waited = 0; !condition(); waited += 5) {
    if (waited > 2_000) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const keyRow = (key: string) => t.deps.db.selectFrom('idempotency_keys').selectAll().where('brand_id', '=', t.brand.id).where('key', '=', key).executeTakeFirstOrThrow();

describe('an Idempotency-Key whose request was cut off', () => {
  it('refuses retries (409) while its request may still run, and lets the first retry after that run', async () => {
    const { runs, post } = gatedApp();
    const cutOff = post('k-dead'); // never answered: its process is gone
    await until(() => runs.length === 1);

    t.clock.advance(IDEMPOTENCY_CLAIM_ABANDONED_MS - 1);
    const early = await post('k-dead');
    expect(early.status).toBe(409);
    expect(early.json.error!.code).toBe('idempotency_key_in_use');
    expect(early.json.error!.message).toContain('frees its key 10 minutes after it began');

    t.clock.advance(1);
    const retry = post('k-dead');
    await until(() => runs.length === 2);
    runs[1]!.resolve({ by: 'retry' });
    expect(await retry).toEqual({ status: 201, replayed: null, json: { by: 'retry' } });
    expect(await post('k-dead')).toEqual({ status: 201, replayed: 'true', json: { by: 'retry' } });
    expect(runs).toHaveLength(2);
    runs[0]!.reject(new Error('never settled')); // lets the first request's promise end
    await cutOff;
  });

  it('is taken over by one retry of several at once; the others are refused 409', async () => {
    const { runs, post } = gatedApp();
    void post('k-race');
    await until(() => runs.length === 1);
    t.clock.advance(IDEMPOTENCY_CLAIM_ABANDONED_MS);

    const retries = [post('k-race'), post('k-race'), post('k-race'), post('k-race')];
    await until(() => runs.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 50)); // room for a second takeover, if one could happen
    expect(runs).toHaveLength(2);
    runs[1]!.resolve({ by: 'the one retry' });
    const answers = await Promise.all(retries);
    expect(answers.filter((a) => a.replayed === null && a.status === 201)).toEqual([{ status: 201, replayed: null, json: { by: 'the one retry' } }]);
    // The others were refused while it ran, or (reaching the key after it answered) got its answer.
    for (const other of answers.filter((a) => a.replayed !== null || a.status !== 201)) {
      if (other.status === 409) expect(other.json.error!.code).toBe('idempotency_key_in_use');
      else expect(other).toEqual({ status: 201, replayed: 'true', json: { by: 'the one retry' } });
    }
    expect(runs).toHaveLength(2);
    runs[0]!.reject(new Error('never settled'));
  });

  /** A first request with `key` that never answers, the claim's limit passed, and a retry that took it over; both still running. */
  async function retriedAfterCutOff(key: string) {
    const { runs, post } = gatedApp();
    const late = post(key);
    await until(() => runs.length === 1);
    t.clock.advance(IDEMPOTENCY_CLAIM_ABANDONED_MS);
    const retry = post(key);
    await until(() => runs.length === 2);
    return { runs, post, late, retry };
  }

  it('keeps nothing of the first request if it finishes after a retry took over: the retry holds the key and its answer is kept', async () => {
    const { runs, post, late, retry } = await retriedAfterCutOff('k-late');

    runs[0]!.resolve({ by: 'the late first request' });
    expect(await late).toEqual({ status: 201, replayed: null, json: { by: 'the late first request' } }); // its own caller still gets it
    expect((await keyRow('k-late')).status_code).toBe(0); // the retry's claim, unanswered yet
    expect((await post('k-late')).json.error!.code).toBe('idempotency_key_in_use');

    runs[1]!.resolve({ by: 'retry' });
    expect((await retry).json).toEqual({ by: 'retry' });
    expect(await post('k-late')).toEqual({ status: 201, replayed: 'true', json: { by: 'retry' } });
  });

  it('does not free the retry’s claim if the first request fails after the retry took over', async () => {
    const { runs, post, late, retry } = await retriedAfterCutOff('k-late-failure');

    runs[0]!.reject(new Error('the database went away'));
    expect((await late).status).toBe(500);
    expect((await post('k-late-failure')).json.error!.code).toBe('idempotency_key_in_use'); // not run a third time
    expect(runs).toHaveLength(2);

    runs[1]!.resolve({ by: 'retry' });
    expect((await retry).status).toBe(201);
    expect(await post('k-late-failure')).toEqual({ status: 201, replayed: 'true', json: { by: 'retry' } });
  });

  it('measures a claim’s age in real time, not by the demo’s fast clock', async () => {
    const wallClock = manualClock(t.clock.now());
    const { runs, post } = gatedApp({ ...t.deps, wallClock });
    void post('k-wall');
    await until(() => runs.length === 1);
    t.clock.advance(24 * 60 * 60_000 - 1); // a day less a millisecond of simulated time: not expired
    expect((await post('k-wall')).status).toBe(409);
    wallClock.advance(IDEMPOTENCY_CLAIM_ABANDONED_MS);
    const retry = post('k-wall');
    await until(() => runs.length === 2);
    runs[1]!.resolve({ by: 'retry' });
    expect((await retry).status).toBe(201);
    runs[0]!.reject(new Error('never settled'));
  });
});

describe('an Idempotency-Key claimed before claims were dated (migration 016)', () => {
  it('is dated by when the key was first used', async () => {
    const body = orderBody();
    await t.deps.db
      .insertInto('idempotency_keys')
      .values({
        brand_id: t.brand.id,
        key: 'k-legacy',
        method: 'POST',
        path: '/v1/orders',
        request_hash: requestHashOf({ method: 'POST', path: '/v1/orders', contentType: 'application/json', body: JSON.stringify(body) }),
        status_code: 0,
        response_body: '',
        created_at: t.clock.now().toISOString(),
      })
      .execute();
    expect((await t.request('POST', '/v1/orders', body, { 'idempotency-key': 'k-legacy' })).json.error.code).toBe('idempotency_key_in_use');
    t.clock.advance(IDEMPOTENCY_CLAIM_ABANDONED_MS);
    const retry = await t.request('POST', '/v1/orders', body, { 'idempotency-key': 'k-legacy' });
    expect(retry.status).toBe(201);
    const replay = await t.request('POST', '/v1/orders', body, { 'idempotency-key': 'k-legacy' });
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json.id).toBe(retry.json.id);
  });
});
