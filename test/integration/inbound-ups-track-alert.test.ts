// UPS Track Alert end to end, over real HTTP: Waybill issues the brand's OAuth client, UPS (the
// emulator) gets tokens from Waybill's token endpoint and pushes events with x-api-key; Waybill
// subscribes new 1Z numbers 100 to a call and renews them before their 14 days run out.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpsEmulator, type UpsEmulator } from '../../src/carriers/ups/emulator.js';
import { runPollDiscover, runPollTick } from '../../src/polling/jobs.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
let ups: UpsEmulator;
let server: ReturnType<typeof serve>;
let base: string;
let client: { clientId: string; clientSecret: string; tokenUrl: string; url: string };

const number = (i: number) => `1ZTA${String(i).padStart(14, '0')}`;

beforeAll(async () => {
  t = await createTestContext();
  ups = await startUpsEmulator({ clock: t.clock });
  server = serve({ fetch: t.app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await ups?.close();
  await t?.close();
});

const tokenRequest = (body: string, headers: Record<string, string> = {}) =>
  t.app.request('/webhooks/ups/oauth/token', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
const basic = (id: string, secret: string) => ({ authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` });
const pushTo = (body: unknown, headers: Record<string, string>) => t.app.request('/webhooks/ups/track-alert', { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
const token = async () => (await (await tokenRequest('grant_type=client_credentials', basic(client.clientId, client.clientSecret))).json()).access_token as string;

async function upsShipment(trackingNumber: string) {
  const order = await t.request('POST', '/v1/orders', orderBody());
  const res = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'ups', trackingNumber });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

const OFD = (trackingNumber: string) => ({
  trackingNumber,
  localActivityDate: '20260302',
  localActivityTime: '091519',
  activityLocation: { city: 'Charlotte', stateProvince: 'NC', postalCode: '28202', country: 'US' },
  activityStatus: { type: 'I', code: 'OT', description: 'Out for Delivery', descriptionCode: '021' },
  scheduledDeliveryDate: '20260302',
  gmtActivityDate: '20260302',
  gmtActivityTime: '141519',
  gmtOffset: '-05.00',
});

describe('the brand’s Track Alert client', () => {
  it('is issued once with its secret, and stored as a digest', async () => {
    const res = await t.request('PUT', '/v1/inbound-webhooks/ups_track_alert');
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ clientId: expect.stringMatching(/^wbups_/), clientSecret: expect.stringMatching(/^wbsec_/), tokenUrl: 'http://waybill.test/webhooks/ups/oauth/token', url: 'http://waybill.test/webhooks/ups/track-alert' });
    client = res.json;
    const row = await t.deps.db.selectFrom('inbound_endpoints').selectAll().where('provider', '=', 'ups_track_alert').executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(client.clientSecret);
    const list = await t.request('GET', '/v1/inbound-webhooks');
    expect(JSON.stringify(list.json)).not.toContain(client.clientSecret);
    expect(list.json.data[0]).toMatchObject({ clientId: client.clientId });
  });

  it('gets tokens with HTTP Basic or a form body, and is refused with the wrong secret or grant', async () => {
    const viaBasic = await tokenRequest('grant_type=client_credentials', basic(client.clientId, client.clientSecret));
    expect(viaBasic.status).toBe(200);
    expect(await viaBasic.json()).toMatchObject({ access_token: expect.any(String), token_type: 'Bearer', expires_in: 3600 });
    const viaForm = await tokenRequest(new URLSearchParams({ grant_type: 'client_credentials', client_id: client.clientId, client_secret: client.clientSecret }).toString());
    expect(viaForm.status).toBe(200);
    const wrong = await tokenRequest('grant_type=client_credentials', basic(client.clientId, 'wbsec_wrong'));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ error: 'invalid_client' });
    const unknown = await tokenRequest('grant_type=client_credentials', basic('wbups_nobody', client.clientSecret));
    expect(unknown.status).toBe(401);
    const grant = await tokenRequest('grant_type=password', basic(client.clientId, client.clientSecret));
    expect(grant.status).toBe(400);
    expect(await grant.json()).toMatchObject({ error: 'unsupported_grant_type' });
  });
});

describe('the receiving endpoint', () => {
  it('takes an event with a valid token and x-api-key, once however often it comes, and folds it', async () => {
    const shipmentId = await upsShipment('1Z204W4R0308071865');
    const bearer = await token();
    for (let i = 0; i < 5; i++) {
      const res = await pushTo(OFD('1Z204W4R0308071865'), { authorization: `Bearer ${bearer}`, 'x-api-key': client.clientId });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true, duplicate: i > 0 });
    }
    t.clock.advance(2_000);
    await t.worker.drain();
    const shipment = await t.request('GET', `/v1/shipments/${shipmentId}`);
    expect(shipment.json.status).toBe('out_for_delivery');
    expect(shipment.json.events.map((e: { source: string; carrierCode: string }) => [e.source, e.carrierCode])).toEqual([['carrier_webhook', 'I/OT/021']]);
  });

  it('refuses a missing, foreign, expired or revoked token, and a wrong x-api-key, storing nothing', async () => {
    const before = await t.deps.db.selectFrom('inbound_events').select('id').execute();
    const bearer = await token();
    const forged = bearer.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const cases: Array<Record<string, string>> = [
      { 'x-api-key': client.clientId },
      { authorization: `Bearer ${forged}`, 'x-api-key': client.clientId },
      { authorization: 'Bearer v1.iep_x.1.9999999999.sig', 'x-api-key': client.clientId },
      { authorization: `Bearer ${bearer}` },
      { authorization: `Bearer ${bearer}`, 'x-api-key': 'wbups_someone_else' },
    ];
    for (const headers of cases) {
      const res = await pushTo(OFD('1Z204W4R0308071865'), headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer error="invalid_token"/);
    }
    t.clock.advance(3_601_000);
    const expired = await pushTo(OFD('1Z204W4R0308071865'), { authorization: `Bearer ${bearer}`, 'x-api-key': client.clientId });
    expect(expired.status).toBe(401);
    expect((await expired.json()).error.message).toMatch(/expired/);
    expect(await t.deps.db.selectFrom('inbound_events').select('id').execute()).toHaveLength(before.length);
  });

  it('parks an event for a number the brand has no shipment for, storing no tracking event', async () => {
    const res = await pushTo(OFD('1Z999AA10123456784'), { authorization: `Bearer ${await token()}`, 'x-api-key': client.clientId });
    expect(res.status).toBe(200);
    t.clock.advance(2_000);
    await t.worker.drain();
    const parked = await t.request('GET', '/v1/inbound-webhooks/deliveries?state=parked');
    expect(parked.json.data.map((d: { source: string }) => d.source)).toEqual(['ups_track_alert']);
    expect(parked.json.data[0].error).toContain('1Z999AA10123456784');
  });

  it('refuses a body that is not a Track Alert event with 422 naming the field', async () => {
    const res = await pushTo({ trackingNumber: '1Z204W4R0308071865' }, { authorization: `Bearer ${await token()}`, 'x-api-key': client.clientId });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details[0].field).toBe('activityStatus');
  });
});

describe('subscriptions and pushes from UPS', () => {
  const ids: string[] = [];

  it('subscribes new 1Z numbers at most 100 to a call, and polls them only as a safety net', async () => {
    const connected = await t.request('PUT', '/v1/carriers/ups/connection', { credentials: { clientId: ups.clientId, clientSecret: ups.clientSecret }, baseUrl: ups.url });
    expect(connected.json.status).toBe('connected');
    for (let i = 0; i < 150; i++) ids.push(await upsShipment(number(i)));
    await runPollDiscover(t.deps);
    await runPollTick(t.deps);
    await t.worker.drain();
    expect(ups.numbersPerSubscriptionRequest).toEqual([100, 51]); // the 150 and the earlier out-for-delivery parcel
    expect(ups.subscriptions.size).toBe(151);
    const active = await t.deps.db.selectFrom('push_subscriptions').selectAll().where('state', '=', 'active').execute();
    expect(active).toHaveLength(151);
    expect(active[0]!.expires_at).toBe(new Date(t.clock.now().getTime() + 14 * 86_400_000).toISOString());
    const polls = await t.deps.db.selectFrom('shipment_polls').selectAll().where('last_polled_at', 'is not', null).execute();
    expect(polls.length).toBeGreaterThan(0);
    for (const poll of polls) expect(poll.interval_seconds).toBeGreaterThanOrEqual(0.9 * 12 * 3600);
    const status = await t.request('GET', '/v1/carriers/polling');
    expect(status.json.data[0]).toMatchObject({ carrier: 'ups', trackAlert: { active: 151, refused: 0, failed: 0 } });
  });

  it('receives what UPS pushes: the emulator gets a token from Waybill and posts the event', async () => {
    ups.configureTrackAlert({ url: `${base}/webhooks/ups/track-alert`, tokenUrl: `${base}/webhooks/ups/oauth/token`, clientId: client.clientId, clientSecret: client.clientSecret });
    ups.addActivity(number(7), { at: '2026-03-02T08:00:00-05:00', type: 'I', code: 'AR', statusCode: '005', description: 'Arrived at Facility', location: { city: 'Atlanta', stateProvince: 'GA', countryCode: 'US' } });
    ups.addActivity(number(7), { at: '2026-03-02T09:30:00-05:00', type: 'I', code: 'OT', statusCode: '021', description: 'Out For Delivery Today', location: { city: 'Atlanta', stateProvince: 'GA', countryCode: 'US' } });
    await ups.flushPushes();
    expect(ups.pushes.stats).toMatchObject({ delivered: 2, refused: 0, tokens: 1 });
    t.clock.advance(2_000);
    await t.worker.drain();
    const shipment = await t.request('GET', `/v1/shipments/${ids[7]}`);
    expect(shipment.json.status).toBe('out_for_delivery');
    // The same scans may also come back in a poll (the parcels are polled as a safety net): stored once either way.
    expect(shipment.json.events.map((e: { carrierText: string }) => e.carrierText)).toEqual(['Arrived at Facility', 'Out For Delivery Today']);
    const deliveries = await t.deps.db.selectFrom('inbound_events').select('state').where('source', '=', 'ups_track_alert').where('body', 'like', `%${number(7)}%`).execute();
    expect(deliveries.map((d) => d.state)).toEqual(['processed', 'processed']);
  });

  it('renews subscriptions a day before they run out, except for parcels that are done', async () => {
    const delivered = await t.request('POST', `/v1/shipments/${ids[7]}/commands`, { command: 'mark_delivered' });
    expect(delivered.json.status).toBe('delivered');
    t.clock.advance(13 * 86_400_000 + 60_000);
    await runPollDiscover(t.deps);
    await runPollTick(t.deps);
    await t.worker.drain();
    expect(ups.numbersPerSubscriptionRequest.slice(2)).toEqual([100, 50]);
    expect(ups.subscriptions.get(number(7))).toBeLessThan(t.clock.now().getTime() + 86_400_000);
    expect(ups.subscriptions.get(number(1))).toBe(t.clock.now().getTime() + 14 * 86_400_000);
  });

  it('rotating the client secret ends the old tokens; the old secret still gets new ones for a day', async () => {
    const old = await token();
    const rotated = await t.request('PUT', '/v1/inbound-webhooks/ups_track_alert');
    expect(rotated.json.clientId).toBe(client.clientId);
    const refused = await pushTo(OFD('1Z204W4R0308071865'), { authorization: `Bearer ${old}`, 'x-api-key': client.clientId });
    expect(refused.status).toBe(401);
    expect((await refused.json()).error.message).toMatch(/rotated/);
    const viaOld = await tokenRequest('grant_type=client_credentials', basic(client.clientId, client.clientSecret));
    expect(viaOld.status).toBe(200);
    t.clock.advance(86_400_000 + 1_000);
    expect((await tokenRequest('grant_type=client_credentials', basic(client.clientId, client.clientSecret))).status).toBe(401);
    expect((await tokenRequest('grant_type=client_credentials', basic(client.clientId, rotated.json.clientSecret))).status).toBe(200);
  });
});
