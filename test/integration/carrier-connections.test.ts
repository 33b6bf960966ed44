// Carrier accounts and tracking a shipment now, against the UPS emulator over real HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpsEmulator, type UpsEmulator } from '../../src/carriers/ups/emulator.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
let ups: UpsEmulator;
const NUMBER = '1Z12345E0205271686';

beforeAll(async () => {
  t = await createTestContext();
  ups = await startUpsEmulator();
  ups.addShipment(NUMBER, {
    scheduledDelivery: '2026-03-04',
    activities: [
      { at: '2026-03-01T09:00:00-05:00', type: 'M', code: 'MP', statusCode: '003', description: 'Shipper created a label, UPS has not received the package yet.', location: { city: 'Columbus', stateProvince: 'OH', countryCode: 'US' } },
      { at: '2026-03-01T18:30:00-05:00', type: 'I', code: 'OR', statusCode: '005', description: 'Origin Scan', location: { city: 'Columbus', stateProvince: 'OH', countryCode: 'US' } },
      { at: '2026-03-02T08:10:00-06:00', type: 'I', code: 'AR', statusCode: '005', description: 'Arrived at Facility', location: { city: 'Dallas', stateProvince: 'TX', countryCode: 'US' } },
    ],
  });
});
afterAll(async () => {
  await ups?.close();
  await t?.close();
});

const connect = (credentials: unknown, baseUrl = ups.url) => t.request('PUT', '/v1/carriers/ups/connection', { credentials, baseUrl });

describe('carrier connections', () => {
  it('refuses incomplete credentials, naming the fields', async () => {
    const res = await connect({ clientId: 'only-an-id' });
    expect(res.status).toBe(422);
    expect(res.json.error.details.map((d: { field: string }) => d.field)).toContain('credentials.clientSecret');
  });

  it('refuses credential fields the carrier does not take, naming each and the fields it does take, and stores nothing', async () => {
    const res = await connect({ clientId: ups.clientId, clientSecret: ups.clientSecret, acountNumber: 'A1B2C3', secret: 'x' });
    expect(res.status).toBe(422);
    const takes = '(UPS takes: clientId, clientSecret, accountNumber, transactionSrc)';
    expect(res.json.error.details).toEqual([
      { field: 'credentials.acountNumber', problem: `is not a UPS credential ${takes}` },
      { field: 'credentials.secret', problem: `is not a UPS credential ${takes}` },
    ]);
    expect(res.json.error.message).toContain('credentials.acountNumber is not a UPS credential');
    for (const [carrier, credentials] of [
      ['fedex', { clientId: 'a', clientSecret: 'b', acountNumber: '740561073' }],
      ['usps', { clientId: 'a', clientSecret: 'b', acountNumber: '1000' }],
      ['dhl', { apiKey: 'a', acountNumber: '1' }],
    ] as const) {
      const other = await t.request('PUT', `/v1/carriers/${carrier}/connection`, { credentials, baseUrl: 'http://127.0.0.1:1' });
      expect(other.status, carrier).toBe(422);
      expect(other.json.error.details.map((d: { field: string }) => d.field)).toEqual(['credentials.acountNumber']);
    }
    expect(await t.deps.db.selectFrom('carrier_connections').selectAll().execute()).toEqual([]);
  });

  it('stores wrong credentials as failed, quoting the carrier', async () => {
    const res = await connect({ clientId: ups.clientId, clientSecret: 'wrong' });
    expect(res.status).toBe(200);
    expect(res.json.status).toBe('failed');
    expect(res.json.message).toMatch(/\S/);
    expect(JSON.stringify(res.json)).not.toContain('wrong');
  });

  it('connects with good credentials, stores them encrypted and never returns them', async () => {
    const res = await connect({ clientId: ups.clientId, clientSecret: ups.clientSecret });
    expect(res.json).toMatchObject({ carrier: 'ups', status: 'connected', baseUrl: ups.url });
    const list = await t.request('GET', '/v1/carriers/connections');
    expect(list.json.data).toHaveLength(1);
    expect(JSON.stringify(list.json)).not.toContain(ups.clientSecret);
    const row = await t.deps.db.selectFrom('carrier_connections').selectAll().executeTakeFirstOrThrow();
    expect(row.credentials).not.toContain(ups.clientSecret);
    expect(row.credentials).not.toContain(ups.clientId);
    expect(row.credentials).toMatch(/^v1\./);
  });

  it('answers a carrier outage or an unreachable carrier at the check with 503 naming the carrier, and changes nothing stored', async () => {
    const before = await t.deps.db.selectFrom('carrier_connections').selectAll().execute();
    ups.failNext({ status: 503, on: 'token' });
    const outage = await connect({ clientId: ups.clientId, clientSecret: 'new-secret-during-outage' });
    expect(outage.status).toBe(503);
    expect(outage.json.error).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/^UPS did not answer in time or is down .*nothing was saved; try again later$/) });
    const unreachable = await connect({ clientId: ups.clientId, clientSecret: 'new-secret' }, 'http://127.0.0.1:1');
    expect(unreachable.status).toBe(503);
    expect(unreachable.json.error.message).toMatch(/^UPS did not answer in time or is down \(UPS could not be reached/);
    expect(await t.deps.db.selectFrom('carrier_connections').selectAll().execute()).toEqual(before);
  });

  it('keeps a working connection when new credentials are refused, and says so', async () => {
    const before = await t.deps.db.selectFrom('carrier_connections').selectAll().execute();
    const refused = await connect({ clientId: ups.clientId, clientSecret: 'wrong' });
    expect(refused.status).toBe(200);
    expect(refused.json).toMatchObject({ carrier: 'ups', status: 'failed', verifiedAt: null });
    expect(refused.json.message).toMatch(/; the UPS credentials saved before still work and are kept \(verified 2026-03-02T15:00:00\.000Z\); polling goes on with them$/);
    expect(await t.deps.db.selectFrom('carrier_connections').selectAll().execute()).toEqual(before);
    expect((await t.request('GET', '/v1/carriers/connections')).json.data[0]).toMatchObject({ status: 'connected' });
  });

  it('refuses a carrier without a tracking API adapter', async () => {
    const res = await t.request('PUT', '/v1/carriers/ontrac/connection', { credentials: {} });
    expect(res.status).toBe(422);
  });
});

describe('tracking a shipment now', () => {
  it('fetches the carrier’s events and folds them through the ingest path', async () => {
    const order = await t.request('POST', '/v1/orders', orderBody());
    const shipment = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'ups', trackingNumber: NUMBER });
    const res = await t.request('POST', `/v1/shipments/${shipment.json.id}/refresh`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ found: true, stored: 3, duplicates: 0, shipment: { status: 'in_transit' } });
    const again = await t.request('POST', `/v1/shipments/${shipment.json.id}/refresh`);
    expect(again.json).toMatchObject({ found: true, stored: 0, duplicates: 3 });
    const timeline = await t.request('GET', `/v1/shipments/${shipment.json.id}`);
    expect(timeline.json.events.map((e: { source: string }) => e.source)).toEqual(['carrier_poll', 'carrier_poll', 'carrier_poll']);
    expect(timeline.json.events.at(-1)).toMatchObject({ carrierText: 'Arrived at Facility', location: { city: 'Dallas' } });
  });

  it('says when the carrier does not know the number', async () => {
    const order = await t.request('POST', '/v1/orders', orderBody());
    const shipment = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'ups', trackingNumber: '1Z12345E0205271699' });
    const res = await t.request('POST', `/v1/shipments/${shipment.json.id}/refresh`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ found: false, shipment: { status: 'pending' } });
  });

  it('passes on throttling with Retry-After, and an outage as 503, storing nothing', async () => {
    const order = await t.request('POST', '/v1/orders', orderBody());
    const shipment = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'ups', trackingNumber: '1Z12345E0205271695' });
    ups.failNext({ status: 429, retryAfter: 30, on: 'track' });
    const throttled = await t.request('POST', `/v1/shipments/${shipment.json.id}/refresh`);
    expect(throttled.status).toBe(429);
    expect(throttled.headers.get('retry-after')).toBe('30');
    t.clock.advance(30_000); // UPS's Retry-After paused the account: nothing goes to UPS before it ends
    ups.failNext({ status: 503, on: 'track', times: 3 });
    const down = await t.request('POST', `/v1/shipments/${shipment.json.id}/refresh`);
    expect(down.status).toBe(503);
    expect(down.json.error.code).toBe('unavailable');
  });

  it('answers 409 when the carrier is not connected', async () => {
    const order = await t.request('POST', '/v1/orders', orderBody());
    const shipment = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'fedex', trackingNumber: '123456789012' });
    const res = await t.request('POST', `/v1/shipments/${shipment.json.id}/refresh`);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('carrier_not_connected');
  });
});

describe('tracking-number detection over HTTP', () => {
  it('detects up to 1,000 numbers and refuses more', async () => {
    const res = await t.request('POST', '/v1/tracking-numbers/detect', { trackingNumbers: ['1z12345e0205271686', 'nonsense'] });
    expect(res.status).toBe(200);
    expect(res.json.data[0]).toMatchObject({ normalized: NUMBER, candidates: [{ courier: 'ups', valid: true }] });
    expect(res.json.data[1].candidates).toEqual([]);
    const tooMany = await t.request('POST', '/v1/tracking-numbers/detect', { trackingNumbers: Array.from({ length: 1001 }, () => 'x') });
    expect(tooMany.status).toBe(422);
  });
});
