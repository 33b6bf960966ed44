// The account's rate and daily quota under concurrency and crashes: requests outside a run ("track
// now", the check on save) admitted and counted in one step, a run's end never writing over what
// landed meanwhile, a run's requests counted on the row as they go (a run that dies has counted
// them), a run and a "track now" together never passing the quota, a carrier's pause on the row
// the moment it is decided (a run that dies right after a 429 has paused the account), and a run
// that lost its lease leaving the account to the runner that took it, and "track now" kept to the
// carrier's pause: refused without calling the carrier while it lasts, and a pause itself when the
// carrier throttles it.
import type { KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { connectedCarrier } from '../../src/carriers/connections.js';
import { startDhlEmulator, type DhlEmulator } from '../../src/carriers/dhl/emulator.js';
import type { CarrierAdapter } from '../../src/carriers/types.js';
import type { Deps } from '../../src/deps.js';
import { manualClock } from '../../src/lib/clock.js';
import { type AccountRun, takeOutsideRequest, withAccount } from '../../src/polling/account.js';
import { runPollAccount, runPollDiscover } from '../../src/polling/jobs.js';
import { pollDueShipments } from '../../src/polling/poll-run.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
let brandId: string;
beforeEach(async () => {
  t = await createTestContext();
  t.clock.set('2026-03-02T23:00:00Z'); // pacing allows the whole quota by now
  brandId = t.brand.id;
});
afterEach(async () => {
  await t?.close();
});

const accountRow = () => t.deps.db.selectFrom('carrier_poll_accounts').selectAll().where('brand_id', '=', brandId).where('carrier', '=', 'dhl').executeTakeFirstOrThrow();

/** The DHL account with `used` of its quota spent today and no recent request; `limits`: the account's own. */
async function dhlAt(used: number, limits: unknown = null) {
  await takeOutsideRequest(t.deps, brandId, 'dhl', { enforce: false });
  await t.deps.db
    .updateTable('carrier_poll_accounts')
    .set({ used_today: used, recent_requests: '[]', limits: limits === null ? null : JSON.stringify(limits) })
    .where('brand_id', '=', brandId)
    .where('carrier', '=', 'dhl')
    .execute();
}

it('five "track now" at once against the last two of the DHL quota: two admitted and counted', async () => {
  await dhlAt(248, { rate: [{ limit: 100, windowSeconds: 1 }] }); // the quota, not the rate, is what binds
  const verdicts = await Promise.all([0, 1, 2, 3, 4].map(() => takeOutsideRequest(t.deps, brandId, 'dhl', { enforce: true })));
  expect(verdicts.filter((v) => v.ok)).toHaveLength(2);
  expect(verdicts.filter((v) => !v.ok && v.reason === 'quota')).toHaveLength(3);
  expect((await accountRow()).used_today).toBe(250);
});

it('five "track now" at once at DHL’s one request a second: one admitted, the others told to wait', async () => {
  await dhlAt(248);
  const verdicts = await Promise.all([0, 1, 2, 3, 4].map(() => takeOutsideRequest(t.deps, brandId, 'dhl', { enforce: true })));
  expect(verdicts.filter((v) => v.ok)).toHaveLength(1);
  expect(verdicts.filter((v) => !v.ok && v.reason === 'rate')).toHaveLength(4);
  const row = await accountRow();
  expect(row.used_today).toBe(249);
  expect(JSON.parse(row.recent_requests)).toEqual([t.clock.now().getTime()]);
});

it('connection checks made at once are all counted', async () => {
  await dhlAt(10);
  await Promise.all([0, 1, 2, 3, 4].map(() => takeOutsideRequest(t.deps, brandId, 'dhl', { enforce: false })));
  expect((await accountRow()).used_today).toBe(15);
});

it('a "track now" landing while a run saves its count is added to it, not written over', async () => {
  await dhlAt(10);
  // Once the run's work is done, the first query of its end starts a "track now" (through the
  // ordinary handle) and waits a little before going on: a read of the row and the write back
  // with the run's count would have it in between.
  let armed = false;
  let reading: unknown = null;
  const outside: Promise<unknown>[] = [];
  const meanwhile: KyselyPlugin = {
    transformQuery(args) {
      if (armed) {
        armed = false;
        reading = args.queryId;
        outside.push(takeOutsideRequest(t.deps, brandId, 'dhl', { enforce: true }));
      }
      return args.node;
    },
    async transformResult(args) {
      if (args.queryId === reading) await new Promise((resolve) => setTimeout(resolve, 150));
      return args.result;
    },
  };
  const deps: Deps = { ...t.deps, db: t.deps.db.withPlugin(meanwhile) };
  t.clock.advance(5000);
  const run = await withAccount(deps, brandId, 'dhl', 'DHL', async (gate) => {
    expect((await gate.take(2)).ok).toBe(true);
    t.clock.advance(1500);
    expect((await gate.take(2)).ok).toBe(true);
    t.clock.advance(1500);
    armed = true;
  });
  expect(run.outcome).toBe('ran');
  expect(outside).toHaveLength(1);
  expect(await outside[0]).toEqual({ ok: true });
  const row = await accountRow();
  expect(row.used_today).toBe(13);
  expect(JSON.parse(row.recent_requests)).toHaveLength(1); // DHL's window is one second: only the newest is kept
  expect(row.lease_until).toBeNull();
});

it('a run cannot spend what a "track now" took while it was going on: the quota holds', async () => {
  await dhlAt(248, { rate: [{ limit: 100, windowSeconds: 1 }] });
  const run = await withAccount(t.deps, brandId, 'dhl', 'DHL', async (gate) => {
    const verdicts = [await gate.take(2)];
    verdicts.push(await takeOutsideRequest(t.deps, brandId, 'dhl', { enforce: true }));
    verdicts.push(await gate.take(2));
    return verdicts;
  });
  expect(run).toMatchObject({ outcome: 'ran', value: [{ ok: true }, { ok: true }, { ok: false, reason: 'quota' }] });
  expect((await accountRow()).used_today).toBe(250);
});

describe('a run whose process dies', () => {
  let dhl: DhlEmulator;
  afterEach(() => dhl?.close());

  it('has counted every request it sent: they are not spent again after the restart', async () => {
    dhl = await startDhlEmulator({ clock: t.clock });
    expect((await t.request('PUT', '/v1/carriers/dhl/connection', { credentials: { apiKey: 'test-api-key' }, baseUrl: dhl.url })).json.status).toBe('connected');
    const order = await t.request('POST', '/v1/orders', orderBody());
    for (let i = 0; i < 10; i++) {
      const number = `JJD0002${String(i).padStart(6, '0')}`;
      dhl.addShipment(number, { events: [{ statusCode: 'transit', at: '2026-03-02T20:00:00Z', description: 'The shipment has been processed in the parcel center' }] });
      expect((await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'dhl', trackingNumber: number })).status).toBe(201);
    }
    await runPollDiscover(t.deps);
    const before = (await accountRow()).used_today; // the check on save
    const asked = dhl.counts.tracking;
    t.clock.advance(1000);

    // The carrier answers three requests, a second apart (DHL allows one a second); the process
    // dies while the fourth is on its way: the run never ends, nothing after it runs.
    const { adapter, ctx } = await connectedCarrier(t.deps, brandId, 'dhl');
    let calls = 0;
    const dying: CarrierAdapter = {
      ...adapter,
      track: async (context, numbers) => {
        calls += 1;
        if (calls === 4) return new Promise<never>(() => {});
        const answer = await adapter.track(context, numbers);
        t.clock.advance(1000);
        return answer;
      },
    };
    void withAccount(t.deps, brandId, 'dhl', 'DHL', (gate) => pollDueShipments(t.deps, brandId, dying, ctx, gate));
    await vi.waitFor(() => expect(calls).toBe(4));

    const row = await accountRow();
    expect(dhl.counts.tracking).toBe(asked + 3);
    expect(row.used_today).toBe(before + 4); // the fourth was counted before it went: the safe side
    expect(row.lease_until).not.toBeNull(); // the run did not end: its lease runs out on its own
  });
});

describe('a carrier’s pause', () => {
  let dhl: DhlEmulator;
  afterEach(() => dhl?.close());
  const inMs = (ms: number) => new Date(t.clock.now().getTime() + ms).toISOString();

  /** DHL connected through its emulator, with one parcel in transit known to the poller; returns the shipment's id. */
  async function dhlParcel(number: string): Promise<string> {
    dhl = await startDhlEmulator({ clock: t.clock });
    expect((await t.request('PUT', '/v1/carriers/dhl/connection', { credentials: { apiKey: 'test-api-key' }, baseUrl: dhl.url })).json.status).toBe('connected');
    const order = await t.request('POST', '/v1/orders', orderBody());
    dhl.addShipment(number, { events: [{ statusCode: 'transit', at: '2026-03-02T20:00:00Z', description: 'The shipment has been processed in the parcel center' }] });
    const shipment = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'dhl', trackingNumber: number });
    expect(shipment.status).toBe(201);
    await runPollDiscover(t.deps);
    t.clock.advance(1000);
    return shipment.json.id as string;
  }

  it('is on the account’s row as soon as the 429 comes: a run that dies right after it leaves the account paused, and the next runner waits for Retry-After', async () => {
    await dhlParcel('JJD0003000001');

    // DHL throttles the account for 10 minutes; the process dies before the run ends.
    dhl.failNext({ status: 429, retryAfter: 600 });
    const { adapter, ctx } = await connectedCarrier(t.deps, brandId, 'dhl');
    let stopped: string | null = null;
    void withAccount(t.deps, brandId, 'dhl', 'DHL', async (gate) => {
      stopped = (await pollDueShipments(t.deps, brandId, adapter, ctx, gate)).stoppedBy;
      return new Promise<never>(() => {});
    });
    await vi.waitFor(() => expect(stopped).toBe('carrier_failure'));
    const until = inMs(600_000);
    expect(await accountRow()).toMatchObject({ failures: 1, paused_until: until, pause_reason: expect.stringMatching(/^DHL throttled the account/) });
    expect((await t.request('GET', '/v1/carriers/polling')).json.data[0]).toMatchObject({ pausedUntil: until });

    // The dead run's lease runs out before the pause does: the next runner sees the pause and asks nothing.
    const asked = dhl.counts.tracking;
    t.clock.advance(6 * 60_000);
    await runPollAccount(t.deps, { brandId, carrier: 'dhl' });
    expect(dhl.counts.tracking).toBe(asked);
    t.clock.advance(4 * 60_000);
    await runPollAccount(t.deps, { brandId, carrier: 'dhl' });
    expect(dhl.counts.tracking).toBe(asked + 1);
    expect(await accountRow()).toMatchObject({ failures: 0, paused_until: null, pause_reason: null, lease_until: null });
  });

  it('is held on the wall clock: a clock that runs fast (the demo’s) lets no second run in while the first runs, and a lease written by it far ahead is taken over', async () => {
    await dhlAt(10);
    const wall = manualClock(t.clock.now());
    const deps: Deps = { ...t.deps, wallClock: wall };
    let second: AccountRun<void> | null = null;
    await withAccount(deps, brandId, 'dhl', 'DHL', async () => {
      t.clock.advance(60 * 60_000); // an hour of the fast clock, a moment of real time
      second = await withAccount(deps, brandId, 'dhl', 'DHL', async () => undefined);
    });
    expect(second).toEqual({ outcome: 'busy' });
    // A lease a fast clock wrote hours ahead of real time does not keep the account for hours.
    await t.deps.db.updateTable('carrier_poll_accounts').set({ lease_until: '2027-01-01T00:00:00.000Z' }).where('brand_id', '=', brandId).where('carrier', '=', 'dhl').execute();
    expect(await withAccount(deps, brandId, 'dhl', 'DHL', async () => undefined)).toEqual({ outcome: 'ran', value: undefined });
  });

  it('from a run that lost its lease leaves the account to the runner holding it: lease and streak untouched, a longer pause still recorded', async () => {
    await dhlAt(10);
    let release!: () => void;
    let other: Promise<AccountRun<void>> | null = null;
    let otherRunning = false;
    const stalled = await withAccount(t.deps, brandId, 'dhl', 'DHL', async (gate) => {
      t.clock.advance(6 * 60_000); // stalled past its 5-minute lease: another runner takes the account
      other = withAccount(t.deps, brandId, 'dhl', 'DHL', async () => {
        otherRunning = true;
        await new Promise<void>((resolve) => (release = resolve));
      });
      await vi.waitFor(() => expect(otherRunning).toBe(true));
      await gate.failed({ code: 'rate_limited', message: 'DHL answered 429', retryable: true, retryAfterSeconds: 600 });
    });
    expect(stalled.outcome).toBe('ran');
    const row = await accountRow();
    expect(row.lease_until).toBe(inMs(5 * 60_000)); // the other runner's lease, not given back
    expect(row.failures).toBe(0);
    expect(row.paused_until).toBe(inMs(600_000)); // the carrier's refusal binds the account whoever runs it
    release();
    expect(await other).toEqual({ outcome: 'ran', value: undefined });
    expect(await accountRow()).toMatchObject({ lease_until: null, paused_until: inMs(600_000) });
  });

  it('keeps "track now" from DHL while it lasts: 429 carrier_paused with Retry-After at the pause’s end, nothing sent or counted; after it, DHL is called once', async () => {
    const id = await dhlParcel('JJD0003000002');
    dhl.failNext({ status: 429, retryAfter: 600 });
    await runPollAccount(t.deps, { brandId, carrier: 'dhl' });
    const until = inMs(600_000);
    expect(await accountRow()).toMatchObject({ paused_until: until, pause_reason: expect.stringMatching(/^DHL throttled the account/) });

    const asked = dhl.counts.tracking;
    const used = (await accountRow()).used_today;
    t.clock.advance(4 * 60_000);
    const refused = await t.request('POST', `/v1/shipments/${id}/refresh`);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('360');
    expect(refused.json.error).toMatchObject({
      code: 'carrier_paused',
      message: expect.stringMatching(new RegExp(`^the DHL account is paused until ${until}, and Waybill does not call DHL before then: DHL throttled the account`)),
      requestId: expect.any(String),
      details: { carrier: 'dhl', pausedUntil: until },
    });
    expect(dhl.counts.tracking).toBe(asked);
    expect((await accountRow()).used_today).toBe(used);

    t.clock.advance(6 * 60_000);
    const tracked = await t.request('POST', `/v1/shipments/${id}/refresh`);
    expect(tracked.status).toBe(200);
    expect(tracked.json).toMatchObject({ found: true, stored: 1 });
    expect(dhl.counts.tracking).toBe(asked + 1);
    expect((await accountRow()).used_today).toBe(used + 1);
  });

  it('comes from a "track now" DHL throttles, as from a poll: the polls and the next "track now" wait for Retry-After without calling DHL', async () => {
    const id = await dhlParcel('JJD0003000003');
    dhl.failNext({ status: 429, retryAfter: 300 });
    const throttled = await t.request('POST', `/v1/shipments/${id}/refresh`);
    expect(throttled.status).toBe(429);
    expect(throttled.json.error.code).toBe('rate_limited');
    expect(await accountRow()).toMatchObject({ paused_until: inMs(300_000), pause_reason: expect.stringMatching(/^DHL throttled the account/) });

    const asked = dhl.counts.tracking;
    t.clock.advance(1000);
    await runPollAccount(t.deps, { brandId, carrier: 'dhl' });
    const again = await t.request('POST', `/v1/shipments/${id}/refresh`);
    expect(again.status).toBe(429);
    expect(again.json.error.code).toBe('carrier_paused');
    expect(again.headers.get('retry-after')).toBe('299');
    expect(dhl.counts.tracking).toBe(asked);

    t.clock.advance(300_000);
    await runPollAccount(t.deps, { brandId, carrier: 'dhl' });
    expect(dhl.counts.tracking).toBe(asked + 1);
    expect(await accountRow()).toMatchObject({ failures: 0, paused_until: null, pause_reason: null });
  });

  it('is lifted when the brand saves the connection again (new credentials after refused ones): "track now" calls DHL at once, not after the hour', async () => {
    const id = await dhlParcel('JJD0003000004');
    dhl.failNext({ status: 401 });
    await runPollAccount(t.deps, { brandId, carrier: 'dhl' });
    expect((await accountRow()).paused_until).toBe(inMs(3_600_000));
    expect((await t.request('POST', `/v1/shipments/${id}/refresh`)).json.error.code).toBe('carrier_paused');

    expect((await t.request('PUT', '/v1/carriers/dhl/connection', { credentials: { apiKey: 'test-api-key' }, baseUrl: dhl.url })).json.status).toBe('connected');
    expect(await accountRow()).toMatchObject({ failures: 0, paused_until: null, pause_reason: null });
    const asked = dhl.counts.tracking;
    t.clock.advance(1000); // DHL's one request a second
    const tracked = await t.request('POST', `/v1/shipments/${id}/refresh`);
    expect(tracked.json.error ?? null).toBeNull();
    expect(dhl.counts.tracking).toBe(asked + 1);
  });
});
