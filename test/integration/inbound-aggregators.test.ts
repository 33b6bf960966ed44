// EasyPost and Shippo webhooks end to end: endpoints issued through the API, deliveries verified on
// their bytes, stored once in the inbox, processed once through the ingest path; and every bad
// input the issue names: bad signature, wrong URL token, unknown tracking number, a flood.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrand } from '../../src/brands/repo.js';
import { signEasyPostBody } from '../../src/carriers/easypost/signature.js';
import { sweepInbox } from '../../src/inbound/inbox.js';
import { STATUS_CHANGED_JOB } from '../../src/shipments/ingest.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/carriers/${path}`, import.meta.url), 'utf8');
const EASYPOST_RAW = fixture('easypost/easypost_event_tracker_updated.json');
const EASYPOST_SIGNATURE = /X-Hmac-Signature: (\S+)/.exec(fixture('easypost/easypost_event_tracker_updated.headers.txt'))![1]!;
const SHIPPO_BODY = JSON.parse(fixture('shippo/shippo_track_updated_webhook_reconstructed.json'));

let t: TestContext;

beforeAll(async () => {
  t = await createTestContext({ env: { INBOUND_WEBHOOK_RATE: '5', INBOUND_WEBHOOK_BURST: '20' } });
  // The EasyPost fixture was sent on 2 August 2024; its signed created_at must be recent.
  t.clock.set('2024-08-02T19:30:00Z');
});
afterAll(async () => {
  await t?.close();
});

async function shipment(carrier: string, trackingNumber: string) {
  const order = await t.request('POST', '/v1/orders', orderBody({ placedAt: '2024-07-30T10:00:00Z' }));
  const created = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier, trackingNumber });
  expect(created.status).toBe(201);
  return created.json.id as string;
}

/** Runs the jobs due a few seconds from now (deliveries are processed in one-second batches). */
async function processDeliveries() {
  t.clock.advance(2_000);
  await t.worker.drain();
}

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  t.app.request(path, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });

const inboxCount = async () => Number((await t.deps.db.selectFrom('inbound_events').select((eb) => eb.fn.countAll().as('n')).where('source', 'in', ['easypost', 'shippo']).executeTakeFirstOrThrow()).n);
const eventsOf = (shipmentId: string) => t.deps.db.selectFrom('tracking_events').selectAll().where('shipment_id', '=', shipmentId).orderBy('occurred_at').execute();

describe('endpoints', () => {
  it('issues an EasyPost endpoint with the brand’s own secret, shows the secret once and stores it sealed', async () => {
    const res = await t.request('PUT', '/v1/inbound-webhooks/easypost', { secret: 'test_webhook_secret' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ provider: 'easypost', secret: 'test_webhook_secret', url: expect.stringMatching(/^http:\/\/waybill\.test\/webhooks\/easypost\/ep_/) });
    const list = await t.request('GET', '/v1/inbound-webhooks');
    expect(JSON.stringify(list.json)).not.toContain('test_webhook_secret');
    const row = await t.deps.db.selectFrom('inbound_endpoints').selectAll().where('provider', '=', 'easypost').executeTakeFirstOrThrow();
    expect(row.secret_sealed).toMatch(/^v1\./);
    expect(JSON.stringify(row)).not.toContain('test_webhook_secret');
  });

  it('issues a Shippo URL whose token is stored only as a digest', async () => {
    const res = await t.request('PUT', '/v1/inbound-webhooks/shippo');
    expect(res.status).toBe(201);
    const token = /\/webhooks\/shippo\/([\w-]+)$/.exec(res.json.url)![1]!;
    expect(token.length).toBeGreaterThanOrEqual(40);
    const list = await t.request('GET', '/v1/inbound-webhooks');
    expect(JSON.stringify(list.json)).not.toContain(token);
    const row = await t.deps.db.selectFrom('inbound_endpoints').selectAll().where('provider', '=', 'shippo').executeTakeFirstOrThrow();
    expect(JSON.stringify(row)).not.toContain(token);
  });

  it('refuses a secret of the brand’s own for Shippo', async () => {
    const res = await t.request('PUT', '/v1/inbound-webhooks/shippo', { secret: 'my-own-secret-1234567' });
    expect(res.status).toBe(422);
    expect(res.json.error.details[0].field).toBe('secret');
  });
});

describe('EasyPost tracker.updated', () => {
  let shipmentId: string;
  let url: string;
  beforeAll(async () => {
    shipmentId = await shipment('fedex', '1');
    url = new URL((await t.request('GET', '/v1/inbound-webhooks')).json.data.find((e: { provider: string }) => e.provider === 'easypost').url).pathname;
  });

  it('refuses a bad signature, a missing one and a tampered body, storing nothing', async () => {
    for (const [body, headers] of [
      [EASYPOST_RAW, { 'x-hmac-signature': signEasyPostBody('not the secret', EASYPOST_RAW) }],
      [EASYPOST_RAW, {}],
      [EASYPOST_RAW.replace('"Picked up"', '"Picked up!"'), { 'x-hmac-signature': EASYPOST_SIGNATURE }],
    ] as const) {
      const res = await post(url, body, headers);
      expect(res.status).toBe(401);
      expect((await res.json()).error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining('X-Hmac-Signature') });
    }
    expect(await inboxCount()).toBe(0);
  });

  it('answers 404 at a URL that is no endpoint', async () => {
    const res = await post('/webhooks/easypost/ep_nosuchendpoint', EASYPOST_RAW, { 'x-hmac-signature': EASYPOST_SIGNATURE });
    expect(res.status).toBe(404);
  });

  it('stores the same delivery five times once and processes it once', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await post(url, EASYPOST_RAW, { 'x-hmac-signature': EASYPOST_SIGNATURE });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true, duplicate: i > 0 });
    }
    expect(await inboxCount()).toBe(1);
    await processDeliveries();
    const events = await eventsOf(shipmentId);
    expect(events.map((e) => [e.source, e.status, e.carrier_code])).toEqual([
      ['aggregator_webhook', 'info_received', 'OC'],
      ['aggregator_webhook', 'in_transit', 'PU'],
      ['aggregator_webhook', 'in_transit', 'DP'],
      ['aggregator_webhook', 'in_transit', 'IT'],
      ['aggregator_webhook', 'in_transit', 'AR'],
    ]);
    const changes = await t.deps.db.selectFrom('jobs').select('id').where('kind', '=', STATUS_CHANGED_JOB).where('payload', 'like', `%${shipmentId}%`).execute();
    expect(changes).toHaveLength(1);
    const row = await t.deps.db.selectFrom('inbound_events').selectAll().where('source', '=', 'easypost').executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'processed', source_event_id: 'evt_1', brand_id: t.brand.id });
    // Sent again after processing: still one row, nothing new stored.
    await post(url, EASYPOST_RAW, { 'x-hmac-signature': EASYPOST_SIGNATURE });
    await processDeliveries();
    expect(await eventsOf(shipmentId)).toHaveLength(5);
    const shipmentNow = await t.request('GET', `/v1/shipments/${shipmentId}`);
    expect(shipmentNow.json).toMatchObject({ status: 'in_transit' });
  });

  it('stores and processes the same signed event for a second brand sharing the EasyPost account; a replay to that brand is a duplicate', async () => {
    const other = await createBrand(t.deps.db, t.clock.now(), { name: 'Sister Brand' });
    const asOther = { authorization: `Bearer ${other.apiKey}` };
    const endpoint = await t.request('PUT', '/v1/inbound-webhooks/easypost', { secret: 'test_webhook_secret' }, asOther);
    expect(endpoint.status).toBe(201);
    const order = await t.request('POST', '/v1/orders', orderBody({ placedAt: '2024-07-30T10:00:00Z' }), asOther);
    const otherShipmentId = (await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'fedex', trackingNumber: '1' }, asOther)).json.id as string;
    const otherUrl = new URL(endpoint.json.url).pathname;

    const answers = [];
    for (let i = 0; i < 2; i++) answers.push(await (await post(otherUrl, EASYPOST_RAW, { 'x-hmac-signature': EASYPOST_SIGNATURE })).json());
    expect(answers).toEqual([{ received: true, duplicate: false }, { received: true, duplicate: true }]);
    await processDeliveries();
    const rows = await t.deps.db.selectFrom('inbound_events').select(['brand_id', 'state']).where('source', '=', 'easypost').where('source_event_id', '=', 'evt_1').orderBy('received_at').execute();
    expect(rows).toEqual([
      { brand_id: t.brand.id, state: 'processed' },
      { brand_id: other.brand.id, state: 'processed' },
    ]);
    expect(await eventsOf(otherShipmentId)).toHaveLength(5);
    expect(await eventsOf(shipmentId)).toHaveLength(5);
    expect((await t.request('GET', `/v1/shipments/${otherShipmentId}`, undefined, asOther)).json.status).toBe('in_transit');
  });

  it('ignores events that carry no tracking, storing nothing', async () => {
    const body = JSON.stringify({ ...JSON.parse(EASYPOST_RAW), id: 'evt_refund', description: 'refund.successful' });
    const res = await post(url, body, { 'x-hmac-signature': signEasyPostBody('test_webhook_secret', body) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ignored: expect.any(String) });
    expect(await t.deps.db.selectFrom('inbound_events').select('id').where('source_event_id', '=', 'evt_refund').execute()).toHaveLength(0);
  });

  it('refuses a signed body that is not JSON, or not an event, naming the problem', async () => {
    const notJson = '{"object": "Event", ';
    const broken = await post(url, notJson, { 'x-hmac-signature': signEasyPostBody('test_webhook_secret', notJson) });
    expect(broken.status).toBe(400);
    const noCode = JSON.stringify({ object: 'Event', id: 'evt_x', description: 'tracker.updated', created_at: '2024-08-02T19:26:52Z', result: { tracking_code: '' } });
    const invalid = await post(url, noCode, { 'x-hmac-signature': signEasyPostBody('test_webhook_secret', noCode) });
    expect(invalid.status).toBe(422);
    expect((await invalid.json()).error.details[0].field).toBe('result.tracking_code');
  });

  it('checks the signed timestamp: a replay older than the retention window is refused', async () => {
    const body = JSON.stringify({ ...JSON.parse(EASYPOST_RAW), id: 'evt_old', created_at: '2024-06-01T00:00:00Z' });
    const res = await post(url, body, { 'x-hmac-signature': signEasyPostBody('test_webhook_secret', body) });
    expect(res.status).toBe(422);
    expect((await res.json()).error.details[0]).toEqual({ field: 'created_at', problem: 'is too old' });
  });

  it('accepts the previous secret for a day after a rotation, then only the new one', async () => {
    const rotated = await t.request('PUT', '/v1/inbound-webhooks/easypost');
    expect(rotated.status).toBe(200);
    const body = JSON.stringify({ ...JSON.parse(EASYPOST_RAW), id: 'evt_rotation' });
    expect((await post(url, body, { 'x-hmac-signature': signEasyPostBody('test_webhook_secret', body) })).status).toBe(200);
    expect((await post(url, body, { 'x-hmac-signature': signEasyPostBody(rotated.json.secret, body) })).status).toBe(200);
    t.clock.advance(25 * 3_600_000);
    const later = JSON.stringify({ ...JSON.parse(EASYPOST_RAW), id: 'evt_rotation_2', created_at: t.clock.now().toISOString() });
    expect((await post(url, later, { 'x-hmac-signature': signEasyPostBody('test_webhook_secret', later) })).status).toBe(401);
    expect((await post(url, later, { 'x-hmac-signature': signEasyPostBody(rotated.json.secret, later) })).status).toBe(200);
  });
});

describe('Shippo track_updated', () => {
  let path: string;
  beforeAll(async () => {
    const rotated = await t.request('PUT', '/v1/inbound-webhooks/shippo');
    path = new URL(rotated.json.url).pathname;
  });

  it('refuses a wrong URL token with 404, storing nothing', async () => {
    const before = await inboxCount();
    for (const wrong of ['/webhooks/shippo/not-the-token-but-long-enough-to-look-real', '/webhooks/shippo/x', `${path}x`]) {
      const res = await post(wrong, JSON.stringify(SHIPPO_BODY));
      expect(res.status).toBe(404);
    }
    expect(await inboxCount()).toBe(before);
  });

  it('parks a delivery for an unknown tracking number, stores no event, and processes it once the shipment exists', async () => {
    const res = await post(path, JSON.stringify(SHIPPO_BODY));
    expect(res.status).toBe(200);
    await processDeliveries();
    const parked = await t.request('GET', '/v1/inbound-webhooks/deliveries?state=parked');
    expect(parked.json.data).toHaveLength(1);
    expect(parked.json.data[0]).toMatchObject({ source: 'shippo', state: 'parked', attempts: 1, error: expect.stringContaining('9205590164917312751089') });
    expect(await t.deps.db.selectFrom('tracking_events').select('id').where('carrier_code', 'like', 'PRE_TRANSIT%').execute()).toHaveLength(0);

    const shipmentId = await shipment('usps', '9205590164917312751089');
    t.clock.advance(5 * 60_000); // the first retry of a parked delivery
    await sweepInbox(t.deps);
    const events = await eventsOf(shipmentId);
    expect(events.map((e) => [e.status, e.dedupe_key])).toEqual([
      ['info_received', 'k:shippo:1d6b4a8d7c8f4ce1a8f1b7a0b4a0b4c1'],
      ['delivered', 'k:shippo:ce48ff3d52a34e91b77aa98370182624'],
    ]);
    expect((await t.request('GET', '/v1/inbound-webhooks/deliveries?state=parked')).json.data).toHaveLength(0);
    expect((await t.request('GET', `/v1/shipments/${shipmentId}`)).json.status).toBe('delivered');
  });

  it('stores the same delivery five times once', async () => {
    const body = JSON.stringify({ ...SHIPPO_BODY, data: { ...SHIPPO_BODY.data, tracking_status: { ...SHIPPO_BODY.data.tracking_status, object_updated: '2024-07-23T21:00:00Z' } } });
    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await (await post(path, body)).json());
    expect(answers.map((a) => a.duplicate)).toEqual([false, true, true, true, true]);
    await processDeliveries();
    const rows = await t.deps.db.selectFrom('inbound_events').selectAll().where('source', '=', 'shippo').where('source_event_id', 'like', '%2024-07-23T21:00:00Z').execute();
    expect(rows.map((r) => r.state)).toEqual(['processed']);
  });

  it('answers a body too large with 413, storing nothing', async () => {
    const before = await inboxCount();
    const huge = JSON.stringify({ ...SHIPPO_BODY, padding: 'x'.repeat(300 * 1024) });
    const res = await post(path, huge);
    expect(res.status).toBe(413);
    expect(await inboxCount()).toBe(before);
  });
});

describe('a flood of deliveries', () => {
  it('answers 429 with Retry-After beyond the rate, and the sender’s retries lose and duplicate nothing', async () => {
    const shipmentId = await shipment('usps', '9400100000000000000017');
    const path = new URL((await t.request('PUT', '/v1/inbound-webhooks/shippo')).json.url).pathname;
    const bodies = Array.from({ length: 60 }, (_, i) =>
      JSON.stringify({
        event: 'track_updated',
        data: {
          carrier: 'usps',
          tracking_number: '9400100000000000000017',
          tracking_status: { object_id: `st_${i}`, object_updated: `u${i}`, status: 'TRANSIT', status_details: `Scan ${i}`, status_date: new Date(Date.parse('2024-08-03T10:00:00Z') + i * 60_000).toISOString() },
        },
      }),
    );
    let pending = bodies;
    let throttled = 0;
    for (let round = 0; pending.length > 0 && round < 20; round++) {
      const next: string[] = [];
      for (const body of pending) {
        const res = await post(path, body);
        if (res.status === 429) {
          throttled++;
          expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
          next.push(body);
        } else expect(res.status).toBe(200);
      }
      pending = next;
      t.clock.advance(5_000); // the sender waits for Retry-After
    }
    expect(pending).toHaveLength(0);
    expect(throttled).toBeGreaterThan(0);
    await processDeliveries();
    const events = await eventsOf(shipmentId);
    expect(events).toHaveLength(60);
    expect(new Set(events.map((e) => e.carrier_text)).size).toBe(60);
  });
});

describe('a crash between storing and processing', () => {
  it('loses nothing: a stored delivery whose job is gone is processed by the sweep', async () => {
    const shipmentId = await shipment('usps', '9400100000000000000024');
    const path = new URL((await t.request('PUT', '/v1/inbound-webhooks/shippo')).json.url).pathname;
    const body = JSON.stringify({
      event: 'track_updated',
      data: { carrier: 'usps', tracking_number: '9400100000000000000024', tracking_status: { object_id: 'st_crash', status: 'TRANSIT', status_details: 'Arrived', status_date: t.clock.now().toISOString() } },
    });
    expect((await post(path, body)).status).toBe(200);
    await t.deps.db.deleteFrom('jobs').where('kind', '=', 'inbound.process').where('state', '=', 'queued').execute();
    t.clock.advance(2_000);
    await t.worker.drain();
    expect(await eventsOf(shipmentId)).toHaveLength(0);
    await sweepInbox(t.deps);
    expect((await eventsOf(shipmentId)).map((e) => e.carrier_text)).toEqual(['Arrived']);
  });
});

describe('a delivery dated far in the future', () => {
  it('is kept with its code, text and raw time but without a usable time, so a real delivered scan still decides the status', async () => {
    const shipmentId = await shipment('usps', '9400100000000000000031');
    const path = new URL((await t.request('PUT', '/v1/inbound-webhooks/shippo')).json.url).pathname;
    const track = (objectId: string, status: string, details: string, date: string) =>
      JSON.stringify({ event: 'track_updated', data: { carrier: 'usps', tracking_number: '9400100000000000000031', tracking_status: { object_id: objectId, status, status_details: details, status_date: date } } });
    const deliveredAt = t.clock.now().toISOString();
    expect((await post(path, track('st_delivered', 'DELIVERED', 'Delivered, In/At Mailbox', deliveredAt))).status).toBe(200);
    expect((await post(path, track('st_future', 'TRANSIT', 'In transit (carrier clock broken)', '2099-01-01T00:00:00Z'))).status).toBe(200);
    await processDeliveries();

    const events = (await eventsOf(shipmentId)).sort((a, b) => a.dedupe_key.localeCompare(b.dedupe_key)); // st_delivered, st_future
    expect(events.map((e) => [e.status, e.carrier_text, e.occurred_at, e.occurred_at_raw])).toEqual([
      ['delivered', 'Delivered, In/At Mailbox', deliveredAt, deliveredAt],
      ['in_transit', 'In transit (carrier clock broken)', null, '2099-01-01T00:00:00Z'],
    ]);
    const now = await t.request('GET', `/v1/shipments/${shipmentId}`);
    expect(now.json).toMatchObject({ status: 'delivered', correction: false });
  });
});

describe('a delivery that cannot be processed', () => {
  const track = (number: string, objectId: string, details: string) =>
    JSON.stringify({ event: 'track_updated', data: { carrier: 'usps', tracking_number: number, tracking_status: { object_id: objectId, status: 'TRANSIT', status_details: details, status_date: t.clock.now().toISOString() } } });
  const deliveryOf = (objectId: string) => t.deps.db.selectFrom('inbound_events').selectAll().where('source', '=', 'shippo').where('source_event_id', 'like', `%:${objectId}:%`).executeTakeFirstOrThrow();

  it('does not hold back the others: they are processed, it keeps its error, is failed after three runs, and is processed once mended and retried', async () => {
    const damaged = await shipment('usps', '9400100000000000000048');
    const healthy = await shipment('usps', '9400100000000000000055');
    const path = new URL((await t.request('PUT', '/v1/inbound-webhooks/shippo')).json.url).pathname;
    const { fold_state: foldState } = await t.deps.db.selectFrom('shipments').select('fold_state').where('id', '=', damaged).executeTakeFirstOrThrow();
    await t.deps.db.updateTable('shipments').set({ fold_state: '{ damaged' }).where('id', '=', damaged).execute();

    expect((await post(path, track('9400100000000000000048', 'st_damaged', 'Arrived at hub'))).status).toBe(200);
    expect((await post(path, track('9400100000000000000055', 'st_healthy', 'Arrived at hub'))).status).toBe(200);
    await processDeliveries();
    expect((await eventsOf(healthy)).map((e) => e.carrier_text)).toEqual(['Arrived at hub']);
    expect(await deliveryOf('st_healthy')).toMatchObject({ state: 'processed' });
    expect(await deliveryOf('st_damaged')).toMatchObject({ state: 'received', attempts: 1, error: expect.stringMatching(/^processing failed \(run 1 of 3\): .*JSON/) });
    expect(await eventsOf(damaged)).toHaveLength(0);

    for (const run of [2, 3]) {
      t.clock.advance(60_000);
      await sweepInbox(t.deps);
      expect(await deliveryOf('st_damaged')).toMatchObject({ attempts: run, state: run === 3 ? 'failed' : 'received' });
    }
    const failed = await t.request('GET', '/v1/inbound-webhooks/deliveries?state=failed');
    expect(failed.json.data.map((d: { error: string }) => d.error)).toContainEqual(expect.stringContaining('run 3 of 3'));

    await t.deps.db.updateTable('shipments').set({ fold_state: foldState }).where('id', '=', damaged).execute();
    const { id } = await deliveryOf('st_damaged');
    expect((await t.request('POST', `/v1/inbound-webhooks/deliveries/${id}/retry`)).status).toBe(202);
    await processDeliveries();
    expect(await deliveryOf('st_damaged')).toMatchObject({ state: 'processed', error: null });
    expect((await eventsOf(damaged)).map((e) => e.carrier_text)).toEqual(['Arrived at hub']);
  });

  it('counts only its own failed runs, not the parkings before them: parked twice, then one fault, it is left for the next run', async () => {
    const number = '9400100000000000000093';
    const path = new URL((await t.request('PUT', '/v1/inbound-webhooks/shippo')).json.url).pathname;
    expect((await post(path, track(number, 'st_parked_first', 'Arrived at hub'))).status).toBe(200);
    await processDeliveries();
    expect(await deliveryOf('st_parked_first')).toMatchObject({ state: 'parked', attempts: 1 });
    t.clock.advance(5 * 60_000);
    await sweepInbox(t.deps);
    expect(await deliveryOf('st_parked_first')).toMatchObject({ state: 'parked', attempts: 2 });

    const id = await shipment('usps', number);
    const { fold_state: foldState } = await t.deps.db.selectFrom('shipments').select('fold_state').where('id', '=', id).executeTakeFirstOrThrow();
    await t.deps.db.updateTable('shipments').set({ fold_state: '{ damaged' }).where('id', '=', id).execute();
    t.clock.advance(15 * 60_000);
    await sweepInbox(t.deps);
    expect(await deliveryOf('st_parked_first')).toMatchObject({ state: 'received', attempts: 3, failed_runs: 1, error: expect.stringMatching(/^processing failed \(run 1 of 3\)/) });

    await t.deps.db.updateTable('shipments').set({ fold_state: foldState }).where('id', '=', id).execute();
    t.clock.advance(60_000);
    await sweepInbox(t.deps);
    expect(await deliveryOf('st_parked_first')).toMatchObject({ state: 'processed', error: null });
    expect((await eventsOf(id)).map((e) => e.carrier_text)).toEqual(['Arrived at hub']);
  });

  it('gives a failed delivery sent back its three runs again', async () => {
    const number = '9400100000000000000109';
    const id = await shipment('usps', number);
    const path = new URL((await t.request('PUT', '/v1/inbound-webhooks/shippo')).json.url).pathname;
    await t.deps.db.updateTable('shipments').set({ fold_state: '{ damaged' }).where('id', '=', id).execute();
    expect((await post(path, track(number, 'st_sent_back', 'Departed hub'))).status).toBe(200);
    await processDeliveries();
    for (let run = 2; run <= 3; run++) {
      t.clock.advance(60_000);
      await sweepInbox(t.deps);
    }
    const delivery = await deliveryOf('st_sent_back');
    expect(delivery).toMatchObject({ state: 'failed', failed_runs: 3 });
    expect((await t.request('POST', `/v1/inbound-webhooks/deliveries/${delivery.id}/retry`)).status).toBe(202);
    await processDeliveries();
    expect(await deliveryOf('st_sent_back')).toMatchObject({ state: 'received', failed_runs: 1, error: expect.stringMatching(/^processing failed \(run 1 of 3\)/) });
  });

  it('sends every failed delivery back at once after the cause is mended, and refuses a state it cannot send back', async () => {
    const numbers = ['9400100000000000000079', '9400100000000000000086'];
    const ids = [await shipment('usps', numbers[0]!), await shipment('usps', numbers[1]!)];
    const path = new URL((await t.request('PUT', '/v1/inbound-webhooks/shippo')).json.url).pathname;
    const saved = await t.deps.db.selectFrom('shipments').select(['id', 'fold_state']).where('id', 'in', ids).execute();
    await t.deps.db.updateTable('shipments').set({ fold_state: '{ damaged' }).where('id', 'in', ids).execute();
    for (const [i, number] of numbers.entries()) expect((await post(path, track(number, `st_bulk_${i}`, 'Departed hub'))).status).toBe(200);
    await processDeliveries();
    for (let run = 2; run <= 3; run++) {
      t.clock.advance(60_000);
      await sweepInbox(t.deps);
    }
    for (const i of [0, 1]) expect(await deliveryOf(`st_bulk_${i}`)).toMatchObject({ state: 'failed' });

    for (const row of saved) await t.deps.db.updateTable('shipments').set({ fold_state: row.fold_state }).where('id', '=', row.id).execute();
    const retried = await t.request('POST', '/v1/inbound-webhooks/deliveries/retry', { state: 'failed' });
    expect(retried.status).toBe(202);
    expect(retried.json.queued).toBeGreaterThanOrEqual(2); // with any other test's failed delivery
    await processDeliveries();
    for (const i of [0, 1]) expect(await deliveryOf(`st_bulk_${i}`)).toMatchObject({ state: 'processed' });
    for (const id of ids) expect((await eventsOf(id)).map((e) => e.carrier_text)).toEqual(['Departed hub']);
    expect((await t.request('POST', '/v1/inbound-webhooks/deliveries/retry', { state: 'failed' })).json.queued).toBe(0);

    const wrong = await t.request('POST', '/v1/inbound-webhooks/deliveries/retry', { state: 'processed' });
    expect([wrong.status, wrong.json.error.details[0].field]).toEqual([422, 'state']);
  });

  it('stores a carrier text with control characters (a NUL among them) with a space for each run of them', async () => {
    const shipmentId = await shipment('usps', '9400100000000000000062');
    const path = new URL((await t.request('PUT', '/v1/inbound-webhooks/shippo')).json.url).pathname;
    expect((await post(path, track('9400100000000000000062', 'st_nul', 'Arrived\u0000\u0001 at\u000Bhub'))).status).toBe(200);
    await processDeliveries();
    expect(await deliveryOf('st_nul')).toMatchObject({ state: 'processed' });
    expect((await eventsOf(shipmentId)).map((e) => e.carrier_text)).toEqual(['Arrived  at hub']);
  });
});
