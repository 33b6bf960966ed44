// The poll scheduler against the FedEx, USPS and DHL emulators with their limits enforced, on a
// manual clock: batches, cadence, terminal and expired parcels, priorities when a quota is short,
// a quota exhausted mid-day, an hour of 429s and 5xx, and the plain report of a quota too small.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startDhlEmulator, type DhlEmulator } from '../../src/carriers/dhl/emulator.js';
import { startFedexEmulator, type FedexEmulator, type FedexEmulatorEvent } from '../../src/carriers/fedex/emulator.js';
import { startUspsEmulator, type UspsEmulator } from '../../src/carriers/usps/emulator.js';
import { runPollDiscover, runPollTick } from '../../src/polling/jobs.js';
import { pruneFinishedJobs } from '../../src/jobs/retention.js';
import { DEFAULT_CARRIER_LIMITS } from '../../src/polling/limits.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
const HOUR = 3_600_000;

beforeEach(async () => {
  t = await createTestContext({ env: { POLL_EXPIRE_AFTER_DAYS: '10' } });
});
afterEach(async () => {
  await t?.close();
});

async function connect(carrier: string, credentials: unknown, baseUrl: string) {
  const res = await t.request('PUT', `/v1/carriers/${carrier}/connection`, { credentials, baseUrl });
  expect(res.json.status).toBe('connected');
}

async function shipments(carrier: string, numbers: string[]) {
  const order = await t.request('POST', '/v1/orders', orderBody());
  const ids: string[] = [];
  for (const trackingNumber of numbers) {
    const res = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier, trackingNumber });
    expect(res.status).toBe(201);
    ids.push(res.json.id);
  }
  return ids;
}

/** Runs the scheduler for `seconds` of simulated time, a tick every `stepSeconds`. */
async function runFor(seconds: number, stepSeconds = 60) {
  for (let elapsed = 0; elapsed < seconds; elapsed += stepSeconds) {
    await runPollDiscover(t.deps);
    await runPollTick(t.deps);
    await t.worker.drain();
    t.clock.advance(stepSeconds * 1000);
  }
}

const eventsOf = (id: string) => t.deps.db.selectFrom('tracking_events').selectAll().where('shipment_id', '=', id).orderBy('occurred_at').execute();
const pollOf = (id: string) => t.deps.db.selectFrom('shipment_polls').selectAll().where('shipment_id', '=', id).executeTakeFirstOrThrow();
const statusOf = async (id: string) => (await t.request('GET', `/v1/shipments/${id}`)).json.status as string;
const at = (hoursFromNow: number) => new Date(t.clock.now().getTime() + hoursFromNow * HOUR).toISOString();

describe('FedEx', () => {
  let fedex: FedexEmulator;
  beforeEach(async () => {
    fedex = await startFedexEmulator({ clock: t.clock, limits: DEFAULT_CARRIER_LIMITS.fedex as never });
    await connect('fedex', { clientId: fedex.clientId, clientSecret: fedex.clientSecret }, fedex.url);
  });
  afterEach(() => fedex.close());

  const moving = (hoursAgo: number): FedexEmulatorEvent[] => [
    { at: at(-hoursAgo - 2), eventType: 'PU', eventDescription: 'Picked up' },
    { at: at(-hoursAgo), eventType: 'AR', eventDescription: 'Arrived at FedEx location', location: { city: 'Memphis', stateOrProvinceCode: 'TN', countryCode: 'US' } },
  ];

  it('polls in batches of 30, adapts the cadence to the stage, and stops after a terminal status', async () => {
    const numbers = Array.from({ length: 65 }, (_, i) => `7700000${String(i).padStart(5, '0')}`);
    const ids = await shipments('fedex', numbers);
    for (const n of numbers.slice(0, 63)) fedex.addShipment(n, { events: moving(1), estimatedDelivery: at(96) });
    fedex.addShipment(numbers[63]!, { events: [...moving(3), { at: at(-1), eventType: 'OD', eventDescription: 'On FedEx vehicle for delivery' }] });
    fedex.addShipment(numbers[64]!, { events: [...moving(5), { at: at(-1), eventType: 'DL', eventDescription: 'Delivered' }] });

    await runFor(60);
    expect(fedex.state.numbersPerTrackRequest).toEqual([30, 30]); // the last 5 wait for more to fall due…
    await runFor(15 * 60);
    expect(fedex.state.numbersPerTrackRequest).toEqual([30, 30, 5]); // …for 15 minutes at most
    expect(await statusOf(ids[0]!)).toBe('in_transit');
    expect(await statusOf(ids[63]!)).toBe('out_for_delivery');
    expect(await statusOf(ids[64]!)).toBe('delivered');
    expect((await eventsOf(ids[0]!)).map((e) => [e.source, e.carrier_code])).toEqual([
      ['carrier_poll', 'PU'],
      ['carrier_poll', 'AR'],
    ]);
    const midJourney = await pollOf(ids[0]!);
    expect(midJourney.interval_seconds).toBeGreaterThanOrEqual(0.9 * 6 * 3600); // the estimate is 4 days away
    expect(await pollOf(ids[63]!)).toMatchObject({ priority: 0 });
    expect((await pollOf(ids[63]!)).interval_seconds).toBeLessThanOrEqual(1.1 * 30 * 60);
    expect((await pollOf(ids[64]!)).next_poll_at).toBeNull();

    // An hour later only the parcel out for delivery is due again; the delivered one never is.
    await runFor(3600);
    const after = fedex.state.numbersPerTrackRequest.slice(3);
    expect(after.every((n) => n === 1)).toBe(true);
    expect(after.length).toBeGreaterThanOrEqual(1);
    const asked = fedex.state.log.filter((r) => r.path === '/track/v1/trackingnumbers').flatMap((r) => JSON.parse(r.body).trackingInfo.map((i: { trackingNumberInfo: { trackingNumber: string } }) => i.trackingNumberInfo.trackingNumber));
    expect(asked.filter((n: string) => n === numbers[64])).toHaveLength(1);
    expect(fedex.state.violations).toEqual({ rate: 0, quota: 0 });
  });

  it('saves the answers of a batch around one parcel whose answer cannot be saved, sets that one aside for an hour, and takes it again once mended', async () => {
    const numbers = ['770000900001', '770000900002', '770000900003'];
    const [healthy1, damaged, healthy2] = await shipments('fedex', numbers);
    for (const n of numbers) fedex.addShipment(n, { events: moving(1), estimatedDelivery: at(96) });
    const { fold_state: foldState } = await t.deps.db.selectFrom('shipments').select('fold_state').where('id', '=', damaged!).executeTakeFirstOrThrow();
    await t.deps.db.updateTable('shipments').set({ fold_state: '{ damaged' }).where('id', '=', damaged!).execute();

    await runFor(16 * 60); // three parcels wait up to 15 minutes for more to fall due, then go in one request
    expect(fedex.state.numbersPerTrackRequest).toEqual([3]);
    for (const id of [healthy1!, healthy2!]) expect(await statusOf(id)).toBe('in_transit');
    expect(await eventsOf(damaged!)).toHaveLength(0);
    const setAsideUntil = Date.parse((await pollOf(damaged!)).next_poll_at!);
    expect(setAsideUntil - t.clock.now().getTime()).toBeGreaterThan(30 * 60_000);
    expect(setAsideUntil - t.clock.now().getTime()).toBeLessThanOrEqual(HOUR);

    await t.deps.db.updateTable('shipments').set({ fold_state: foldState }).where('id', '=', damaged!).execute();
    await runFor(HOUR / 1000 + 16 * 60, 300);
    expect(fedex.state.numbersPerTrackRequest[1]).toBe(1); // only the parcel set aside was due again
    expect(await statusOf(damaged!)).toBe('in_transit');
    expect((await eventsOf(damaged!)).map((e) => e.carrier_code)).toEqual(['PU', 'AR']);
  });

  it('reads a parcel the customer refused, delivered back to the shipper, as returned, and stops polling it', async () => {
    const [id] = await shipments('fedex', ['770000098001']);
    const denver = { city: 'Denver', stateOrProvinceCode: 'CO', countryCode: 'US' };
    fedex.addShipment('770000098001', {
      deliveryAttempts: 1,
      events: [
        { at: at(-72), eventType: 'PU', eventDescription: 'Picked up' },
        { at: at(-48), eventType: 'DE', eventDescription: 'Delivery exception', exceptionCode: '007', exceptionDescription: 'Customer refused delivery', location: denver },
        { at: at(-47), eventType: 'RS', eventDescription: 'Return to shipper', location: denver },
        { at: at(-3), eventType: 'OD', eventDescription: 'On FedEx vehicle for delivery' },
        { at: at(-1), eventType: 'DL', eventDescription: 'Delivered' },
      ],
    });
    await runFor(16 * 60); // a lone number waits up to 15 minutes for others to share its request
    expect(await statusOf(id!)).toBe('returned');
    expect((await eventsOf(id!)).map((e) => [e.carrier_code, e.status])).toEqual([
      ['PU', 'in_transit'],
      ['DE/007', 'attempt_failed'],
      ['RS', 'returning_to_sender'],
      ['OD', 'out_for_delivery'],
      ['DL', 'returned'],
    ]);
    expect((await pollOf(id!)).next_poll_at).toBeNull();
  });

  it('backs off through an hour of 429s and then 5xx, honouring Retry-After, and loses or duplicates nothing', async () => {
    const numbers = ['770000099001', '770000099002'];
    const ids = await shipments('fedex', numbers);
    const journey = moving(1);
    for (const n of numbers) fedex.addShipment(n, { events: journey });
    await runFor(60);
    const before = fedex.state.requests.track;

    fedex.failFor({ status: 429, durationMs: HOUR, retryAfter: 300, on: 'track' });
    // Meanwhile the parcels move on.
    for (const n of numbers) fedex.addShipment(n, { events: [...journey, { at: at(0.5), eventType: 'DP', eventDescription: 'Departed FedEx location' }] });
    t.clock.advance(6 * HOUR); // the next poll of a mid-journey parcel is hours away: make it due during the outage
    fedex.failFor({ status: 429, durationMs: HOUR, retryAfter: 300, on: 'track' });
    await runFor(60);
    const paused = (await t.request('GET', '/v1/carriers/polling')).json.data[0];
    expect(paused.pauseReason).toMatch(/^FedEx throttled the account/);
    await runFor(HOUR / 1000 - 60);
    const during429 = fedex.state.requests.track - before;
    expect(during429).toBeGreaterThan(0);
    expect(during429).toBeLessThanOrEqual(13); // at most one every Retry-After (5 min)

    fedex.failFor({ status: 503, durationMs: HOUR, on: 'track' });
    const before503 = fedex.state.requests.track;
    await runFor(HOUR / 1000);
    const during503 = fedex.state.requests.track - before503;
    expect(during503).toBeLessThanOrEqual(10); // back-off: 30 s, 1, 2, 4, 8, 16, 30 min …

    await runFor(2 * HOUR / 1000);
    for (const id of ids) expect((await eventsOf(id)).map((e) => e.carrier_code)).toEqual(['PU', 'AR', 'DP']);
    expect(fedex.state.violations).toEqual({ rate: 0, quota: 0 });
  });

  it('expires a parcel the carrier has said nothing about for the configured days, through the command table', async () => {
    const [id] = await shipments('fedex', ['770000088001']);
    await runFor(60);
    expect(await statusOf(id!)).toBe('pending');
    t.clock.advance(10 * 24 * HOUR);
    await runFor(60);
    expect(await statusOf(id!)).toBe('expired');
    const events = await eventsOf(id!);
    expect(events.map((e) => [e.status, e.carrier_code])).toEqual([['expired', 'waybill:expire']]);
    expect((await pollOf(id!)).next_poll_at).toBeNull();
    const asked = fedex.state.requests.track;
    await runFor(2 * 24 * 3600, 6 * 3600);
    expect(fedex.state.requests.track).toBe(asked);
  });

  it('has its own finished jobs deleted once they are a day old (jobs.prune)', async () => {
    await shipments('fedex', ['770000077001']);
    await runFor(120);
    const kinds = ['carriers.poll_tick', 'carriers.poll_account', 'carriers.poll_discover'];
    const countDone = async () => (await t.deps.db.selectFrom('jobs').select('id').where('state', '=', 'done').where('kind', 'in', kinds).execute()).length;
    expect(await countDone()).toBeGreaterThan(0);
    t.clock.advance(25 * HOUR);
    await pruneFinishedJobs(t.deps);
    expect(await countDone()).toBe(0);
  });
});

describe('DHL: a small quota', () => {
  let dhl: DhlEmulator;
  afterEach(() => dhl.close());

  it('polls parcels near delivery first when the quota is short, paces the rest, and says the quota is too small', async () => {
    dhl = await startDhlEmulator({ clock: t.clock, limits: { rate: [{ limit: 1, windowSeconds: 1 }], dailyQuota: 10 } });
    await connect('dhl', { apiKey: 'test-api-key' }, dhl.url);
    const limits = await t.request('PUT', '/v1/carriers/dhl/polling', { limits: { dailyQuota: 10 } });
    expect(limits.status).toBe(200);
    expect(limits.json).toMatchObject({ limitsSource: 'account', limits: { dailyQuota: 10, rate: [{ limit: 1, windowSeconds: 1 }] } });

    const numbers = Array.from({ length: 30 }, (_, i) => `JJD0000${String(i).padStart(6, '0')}`);
    const ids = await shipments('dhl', numbers);
    for (const [i, n] of numbers.entries()) {
      dhl.addShipment(n, { events: [{ statusCode: 'transit', at: at(-2), description: 'The shipment has been processed in the parcel center' }], destination: { countryCode: 'DE' } });
      if (i >= 25) {
        dhl.addEvent(n, { statusCode: 'transit', at: at(-1), description: 'The shipment has been loaded onto the delivery vehicle' });
        await t.request('POST', `/v1/shipments/${ids[i]}/events`, { events: [{ status: 'out_for_delivery', occurredAt: at(-1), eventId: `ofd-${i}` }] });
      }
    }
    await runFor(30, 1); // 30 s, a tick each second (DHL allows one call a second)
    const asked = dhl.requests.map((r) => r.query.trackingNumber).filter((n) => n !== '00340000000000000000'); // not the check on save
    // At 15:00 UTC, 10 × (15 + 1)/24 → 7 requests may have been spent, the check on save included;
    // the 5 parcels out for delivery go first, then one more.
    expect(asked).toHaveLength(6);
    expect(new Set(asked.slice(0, 5))).toEqual(new Set(numbers.slice(25)));
    expect(dhl.violations).toEqual({ rate: 0, quota: 0 });

    const report = (await t.request('GET', '/v1/carriers/polling')).json.data[0];
    expect(report).toMatchObject({ carrier: 'dhl', usedToday: 7, quotaTooSmall: true, activeShipments: 30 });
    expect(report.message).toMatch(/^DHL: the account is too small for this volume\. 30 active parcels need about \d+ requests a day/);
  });

  it('a quota exhausted mid-day by the carrier pauses polling until 00:00 UTC, then every event arrives once', async () => {
    dhl = await startDhlEmulator({ clock: t.clock, limits: { dailyQuota: 6 } });
    await connect('dhl', { apiKey: 'test-api-key' }, dhl.url); // the check on save spends one call of the 6
    const numbers = Array.from({ length: 6 }, (_, i) => `JJD0001${String(i).padStart(6, '0')}`);
    const ids = await shipments('dhl', numbers);
    for (const n of numbers) dhl.addShipment(n, { events: [{ statusCode: 'transit', at: at(-2), description: 'The shipment has been processed in the parcel center' }] });

    await runFor(20, 1);
    expect(dhl.violations.quota).toBe(1); // the one refusal that told Waybill the quota was spent
    const account = (await t.request('GET', '/v1/carriers/polling')).json.data[0];
    expect(account.pauseReason).toMatch(/daily quota is spent/);
    expect(account.pausedUntil).toBe('2026-03-03T00:00:00.000Z');
    expect(await Promise.all(ids.map(statusOf))).toEqual(['in_transit', 'in_transit', 'in_transit', 'in_transit', 'in_transit', 'pending']);
    await runFor(8 * 3600, 600); // until 23:00: no more requests
    expect(dhl.violations.quota).toBe(1);

    for (const n of numbers) dhl.addEvent(n, { statusCode: 'delivered', at: at(-0.5), description: 'The shipment has been delivered' });
    await runFor(3 * 3600, 60); // past midnight: the quota is back
    for (const id of ids) {
      expect(await statusOf(id)).toBe('delivered');
      expect((await eventsOf(id)).map((e) => e.status)).toEqual(['in_transit', 'delivered']);
    }
    expect(dhl.violations).toEqual({ rate: 0, quota: 1 });
  });
});

describe('USPS', () => {
  let usps: UspsEmulator;
  beforeEach(async () => {
    usps = await startUspsEmulator({ clock: t.clock, limits: { rate: [{ limit: 60, windowSeconds: 3600 }] } });
    await connect('usps', { clientId: 'test-client-id', clientSecret: 'test-client-secret' }, usps.url);
  });
  afterEach(() => usps.close());

  it('keeps within 60 requests an hour however many parcels are due, and catches up without duplicates', async () => {
    const numbers = Array.from({ length: 100 }, (_, i) => `9400100000000000${String(i).padStart(6, '0')}`);
    const ids = await shipments('usps', numbers);
    for (const n of numbers) usps.addShipment(n, [{ code: '03', at: at(-3) }, { code: '10', at: at(-1) }]);
    await runFor(3 * 3600, 300);
    expect(usps.violations).toEqual({ rate: 0, quota: 0 });
    expect(usps.counts.tracking).toBeGreaterThanOrEqual(100);
    expect(usps.counts.tracking).toBeLessThanOrEqual(180);
    for (const id of ids) expect((await eventsOf(id)).map((e) => e.carrier_code)).toEqual(['03', '10']);
  });

  it('polls a parcel that hears from a webhook only as a safety net', async () => {
    const [id] = await shipments('usps', ['9400100000000000999999']);
    usps.addShipment('9400100000000000999999', [{ code: '03', at: at(-3) }]);
    const shippo = await t.request('PUT', '/v1/inbound-webhooks/shippo');
    const body = JSON.stringify({
      event: 'track_updated',
      data: { carrier: 'usps', tracking_number: '9400100000000000999999', tracking_status: { object_id: 'st_1', status: 'TRANSIT', status_details: 'Arrived at USPS Regional Facility', status_date: at(-1) } },
    });
    await runFor(60); // polled: next in a few hours
    expect((await pollOf(id!)).interval_seconds).toBeLessThan(12 * 3600);
    const res = await t.app.request(new URL(shippo.json.url).pathname, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
    t.clock.advance(2000);
    await t.worker.drain();
    expect((await pollOf(id!)).last_push_at).not.toBeNull();
    await runFor(7 * 3600, 1800);
    const poll = await pollOf(id!);
    expect(poll.polls).toBe(2);
    expect(poll.interval_seconds).toBeGreaterThanOrEqual(0.9 * 12 * 3600);
  });

  it('counts "track now" against the same limits, and answers 429 with Retry-After instead of breaking them', async () => {
    const [id] = await shipments('usps', ['9400100000000000888888']);
    usps.addShipment('9400100000000000888888', [{ code: '03', at: at(-3) }]);
    await t.request('PUT', '/v1/carriers/usps/polling', { limits: { rate: [{ limit: 2, windowSeconds: 3600 }] } }); // the check on save was one
    expect((await t.request('POST', `/v1/shipments/${id}/refresh`)).status).toBe(200);
    const asked = usps.counts.tracking;
    const refused = await t.request('POST', `/v1/shipments/${id}/refresh`);
    expect(refused.status).toBe(429);
    expect(refused.json.error.message).toMatch(/rate limit/);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(3000);
    expect(usps.counts.tracking).toBe(asked);
    expect(usps.violations).toEqual({ rate: 0, quota: 0 });
  });

  it('refuses "track now" while a USPS outage has paused the account, naming USPS and the outage, without calling USPS', async () => {
    const [id] = await shipments('usps', ['9400100000000000999999']);
    usps.addShipment('9400100000000000999999', [{ code: '03', at: at(-3) }]);
    usps.failNext({ status: 503 });
    await runPollDiscover(t.deps);
    await runPollTick(t.deps);
    await t.worker.drain();
    const account = await t.deps.db.selectFrom('carrier_poll_accounts').selectAll().where('carrier', '=', 'usps').executeTakeFirstOrThrow();
    expect(account.pause_reason).toMatch(/^USPS is failing/);

    const asked = usps.counts.tracking;
    const refused = await t.request('POST', `/v1/shipments/${id}/refresh`);
    expect(refused.status).toBe(429);
    expect(refused.json.error).toMatchObject({ code: 'carrier_paused', message: expect.stringMatching(/^the USPS account is paused until .*: USPS is failing/) });
    expect(Number(refused.headers.get('retry-after'))).toBe(Math.ceil((Date.parse(account.paused_until!) - t.clock.now().getTime()) / 1000));
    expect(usps.counts.tracking).toBe(asked);
  });

  it('goes on polling an account whose re-save met a carrier outage (503, nothing stored)', async () => {
    const [id] = await shipments('usps', ['9400100000000000777777']);
    usps.addShipment('9400100000000000777777', [{ code: '03', at: at(-3) }]);
    usps.failNext({ status: 503, route: 'token' });
    const outage = await t.request('PUT', '/v1/carriers/usps/connection', { credentials: { clientId: 'test-client-id', clientSecret: 'test-client-secret' }, baseUrl: usps.url });
    expect(outage.status).toBe(503);
    expect(outage.json.error.message).toMatch(/^USPS /);
    await runFor(60);
    expect((await eventsOf(id!)).map((e) => e.carrier_code)).toEqual(['03']);
    expect((await t.request('GET', '/v1/carriers/polling')).json.data[0]).toMatchObject({ carrier: 'usps', connected: true });
  });

  it('refuses limits that make no sense, naming the field, and limits for a carrier not connected', async () => {
    const bad = await t.request('PUT', '/v1/carriers/usps/polling', { limits: { rate: [{ limit: 0, windowSeconds: 1 }] } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details[0].field).toBe('limits.rate.0.limit');
    const notConnected = await t.request('PUT', '/v1/carriers/dhl/polling', { limits: { dailyQuota: 10 } });
    expect(notConnected.status).toBe(409);
    const reset = await t.request('PUT', '/v1/carriers/usps/polling', { limits: null });
    expect(reset.json).toMatchObject({ limitsSource: 'default', limits: { rate: [{ limit: 60, windowSeconds: 3600 }], dailyQuota: null } });
  });
});

describe('an account that is not connected', () => {
  let usps: UspsEmulator;
  afterEach(() => usps.close());

  it('is not polled, and the report says so plainly instead of talking about its quota', async () => {
    usps = await startUspsEmulator({ clock: t.clock });
    await shipments('usps', ['9400100000000000666661', '9400100000000000666662']);
    const refused = await t.request('PUT', '/v1/carriers/usps/connection', { credentials: { clientId: 'test-client-id', clientSecret: 'not-the-secret' }, baseUrl: usps.url });
    expect(refused.json.status).toBe('failed');
    await runFor(120);
    expect(usps.counts.tracking).toBe(0);

    const report = (await t.request('GET', '/v1/carriers/polling')).json.data[0];
    expect(report).toMatchObject({ carrier: 'usps', connected: false, activeShipments: 2, coverage: 0, quotaTooSmall: false });
    expect(report.message).toMatch(/^USPS: not connected: not polled; reconnect with PUT \/v1\/carriers\/usps\/connection\. 2 active parcels get no USPS scans by polling until then\. The last check said: /);
    expect(report.message).not.toMatch(/rate limit|quota/);
  });
});
