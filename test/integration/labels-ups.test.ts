// Buying, voiding and recovering UPS labels through the API, against the UPS emulator over real
// HTTP: every bad input the label issue names (missing weight, an address UPS rejects, a timeout
// after UPS charged, a void after pickup) and the good path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpsEmulator, type UpsEmulator } from '../../src/carriers/ups/emulator.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';
import { scanPdfBarcodes } from '../unit/helpers/scan-label.js';

let t: TestContext;
let ups: UpsEmulator;
const WAREHOUSE = { name: 'Shipping Desk', company: 'Test Brand', line1: '500 W Broad St', city: 'Columbus', region: 'OH', postalCode: '43215', country: 'US', phone: '+16145550100' };
const PARCEL = { weight: { value: 2, unit: 'lb' }, dimensions: { length: 12, width: 9, height: 4, unit: 'in' } };

beforeAll(async () => {
  t = await createTestContext({ env: { CARRIER_TIMEOUT_MS: '1000' } });
  ups = await startUpsEmulator();
  const connected = await t.request('PUT', '/v1/carriers/ups/connection', { credentials: { clientId: ups.clientId, clientSecret: ups.clientSecret, accountNumber: ups.accountNumber }, baseUrl: ups.url });
  expect(connected.json.status).toBe('connected');
  expect((await t.request('PATCH', '/v1/brand/settings', { shipFrom: WAREHOUSE })).status).toBe(200);
});
afterAll(async () => {
  await ups?.close();
  await t?.close();
});

async function newOrder(destination: Record<string, unknown> = {}) {
  const body = orderBody();
  const res = await t.request('POST', '/v1/orders', { ...body, destination: { ...body.destination, ...destination } });
  expect(res.status).toBe(201);
  return res.json.id as string;
}
const buy = (orderId: string, extra: Record<string, unknown> = {}) => t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'ups', label: true, parcel: PARCEL, ...extra });
const purchasesOf = (orderId: string) => t.deps.db.selectFrom('label_purchases').selectAll().where('order_id', '=', orderId).execute();
const shipmentsOf = (orderId: string) => t.deps.db.selectFrom('shipments').selectAll().where('order_id', '=', orderId).execute();
const reconcileJob = (purchaseId: string) => () => t.deps.db.selectFrom('jobs').selectAll().where('idempotency_key', '=', `label-reconcile:${purchaseId}`).executeTakeFirstOrThrow();

/** A purchase UPS charged for and never answered: left `unknown`, for the reconcile job. */
async function unsettledPurchase() {
  const orderId = await newOrder();
  ups.labels.timeoutAfterChargeNext({ delayMs: 4_000 });
  const first = await buy(orderId);
  expect(first.status).toBe(503);
  const purchaseId = first.json.error.details.purchaseId as string;
  const listed = async () => ((await t.request('GET', '/v1/label-purchases')).json.data as Array<Record<string, unknown>>).find((p) => p.id === purchaseId);
  return { orderId, purchaseId, charged: ups.labels.sold.at(-1)!, listed };
}

describe('UPS labels through the API', () => {
  it('buys a label: a 1Z tracking number on the shipment, info_received, the charge, and a PDF that scans', async () => {
    const orderId = await newOrder();
    const res = await buy(orderId);
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ carrier: 'ups', service: 'ground', status: 'info_received', direction: 'outbound' });
    expect(res.json.trackingNumber).toMatch(/^1Z/);
    expect(res.json.label).toMatchObject({ status: 'bought', carrier: 'ups', formats: ['pdf'], carrierChoice: { decidedBy: 'request' } });
    expect(res.json.label.charge).toEqual({ amount: expect.any(Number), currency: 'USD' });
    const pdf = await t.app.request(res.json.label.downloads.pdf, { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(scanPdfBarcodes(new Uint8Array(await pdf.arrayBuffer()))).toContain(res.json.trackingNumber);
    const zpl = await t.request('GET', `/v1/shipments/${res.json.id}/label?format=zpl`);
    expect(zpl.status).toBe(404);
    expect(zpl.json.error.message).toMatch(/bought as pdf/);

    await t.worker.drain();
    const messages = await t.deps.db.selectFrom('messages').select('milestone').where('shipment_id', '=', res.json.id).execute();
    expect(messages.map((m) => m.milestone)).toContain('shipped');
  });

  it('buys ZPL and return labels (UPS Print Return Label) to the brand', async () => {
    const orderId = await newOrder();
    const zpl = await buy(orderId, { labelFormat: 'zpl' });
    expect(zpl.status).toBe(201);
    const text = await (await t.app.request(zpl.json.label.downloads.zpl, { headers: { authorization: `Bearer ${t.apiKey}` } })).text();
    expect(text).toContain(zpl.json.trackingNumber);
    // Asked for without a format, a label bought only as ZPL comes as ZPL (there is no PDF of it).
    const plain = await t.app.request(`/v1/shipments/${zpl.json.id}/label`, { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('application/zpl');
    expect(await plain.text()).toBe(text);
    expect((await t.app.request(`/v1/shipments/${zpl.json.id}/label?format=pdf`, { headers: { authorization: `Bearer ${t.apiKey}` } })).status).toBe(404);
    const back = await buy(orderId, { direction: 'return' });
    expect(back.status).toBe(201);
    expect(back.json).toMatchObject({ direction: 'return', status: 'info_received' });
    const sent = JSON.parse(ups.state.log.filter((r) => r.path.endsWith('/ship')).at(-1)!.body).ShipmentRequest.Shipment;
    expect(sent.ReturnService).toEqual({ Code: '9' });
    expect(sent.ShipTo.Address.PostalCode).toBe('43215');
    expect(sent.ShipFrom.Address.PostalCode).toBe('78701');
  });

  it('refuses a label without a weight before calling UPS, naming parcel.weight', async () => {
    const orderId = await newOrder();
    const before = ups.labels.requests;
    const res = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'ups', label: true });
    expect(res.status).toBe(422);
    expect(res.json.error.details).toEqual([expect.objectContaining({ field: 'parcel.weight' })]);
    expect(ups.labels.requests).toBe(before);
    expect(await purchasesOf(orderId)).toEqual([]);
  });

  it('refuses addresses it can tell are wrong before calling UPS, naming each field', async () => {
    const orderId = await newOrder({ region: 'Texas', postalCode: '7870' });
    const res = await buy(orderId, { service: 'warp_speed' });
    expect(res.status).toBe(422);
    expect(res.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['order.destination.postalCode', 'order.destination.region', 'service']);
  });

  it('passes on an address UPS rejects, naming the field, and keeps nothing but the failed attempt', async () => {
    const orderId = await newOrder({ postalCode: '73301' });
    ups.labels.rejectPostalCode('73301');
    const res = await buy(orderId);
    expect(res.status).toBe(422);
    expect(res.json.error.details).toEqual([{ field: 'order.destination', problem: expect.stringContaining('Address Validation Error on ShipTo address') }]);
    expect(await shipmentsOf(orderId)).toEqual([]);
    expect((await purchasesOf(orderId)).map((p) => p.state)).toEqual(['failed']);
  });

  it('after UPS times out having charged, a retry collects that label: one label bought, one shipment', async () => {
    const orderId = await newOrder();
    const sold = ups.labels.sold.length;
    ups.labels.timeoutAfterChargeNext({ delayMs: 4_000 });
    const first = await buy(orderId);
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('5');
    expect(first.json.error.details).toMatchObject({ state: 'unknown' });
    expect(ups.labels.sold.length).toBe(sold + 1);
    expect(await shipmentsOf(orderId)).toEqual([]);

    const retry = await buy(orderId);
    expect(retry.status).toBe(201);
    expect(retry.json.trackingNumber).toBe(ups.labels.sold.at(-1)!.trackingNumber);
    expect(ups.labels.sold.length).toBe(sold + 1); // recovered by reference, not bought again
    expect(await shipmentsOf(orderId)).toHaveLength(1);
    expect((await purchasesOf(orderId)).map((p) => [p.id, p.state])).toEqual([[first.json.error.details.purchaseId, 'bought']]);
    const pdf = await t.app.request(retry.json.label.downloads.pdf, { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(scanPdfBarcodes(new Uint8Array(await pdf.arrayBuffer()))).toContain(retry.json.trackingNumber);

    const again = await buy(orderId); // a later, separate request is a second label, on purpose
    expect(again.status).toBe(201);
    expect(again.json.trackingNumber).not.toBe(retry.json.trackingNumber);
  });

  it('voids an attempt nobody came back for: the reconciler finds the label UPS sold and voids it', async () => {
    const orderId = await newOrder();
    ups.labels.timeoutAfterChargeNext({ delayMs: 4_000 });
    expect((await buy(orderId)).status).toBe(503);
    const charged = ups.labels.sold.at(-1)!;
    t.clock.advance(16 * 60_000);
    await t.worker.drain();
    expect(charged.voided).toBe(true);
    const [purchase] = await purchasesOf(orderId);
    expect(purchase).toMatchObject({ state: 'voided', tracking_number: charged.trackingNumber, open_fingerprint: null });
    expect(await shipmentsOf(orderId)).toEqual([]);
  });

  it('voids a label: UPS voids it, the shipment is cancelled, the label can no longer be downloaded', async () => {
    const orderId = await newOrder();
    const shipment = (await buy(orderId)).json;
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/void`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'cancelled', reason: 'cancelled_by_sender', label: { status: 'voided', downloads: {} } });
    expect(ups.labels.sold.find((l) => l.trackingNumber === shipment.trackingNumber)!.voided).toBe(true);
    expect((await t.request('GET', `/v1/shipments/${shipment.id}/label`)).status).toBe(409);
    expect((await t.request('POST', `/v1/shipments/${shipment.id}/void`)).status).toBe(200); // repeating is harmless
  });

  it('voids at UPS the label of a shipment cancelled with the plain cancel command', async () => {
    const orderId = await newOrder();
    const shipment = (await buy(orderId)).json;
    expect((await t.request('POST', `/v1/shipments/${shipment.id}/commands`, { command: 'cancel' })).json.status).toBe('cancelled');
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/void`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'cancelled', label: { status: 'voided', downloads: {} } });
    expect(ups.labels.sold.find((l) => l.trackingNumber === shipment.trackingNumber)!.voided).toBe(true);
    expect((await t.request('GET', `/v1/shipments/${shipment.id}/label`)).status).toBe(409);
  });

  it('refuses a void after pickup with UPS’s reason, and the label stays valid', async () => {
    const orderId = await newOrder();
    const shipment = (await buy(orderId)).json;
    ups.labels.markPickedUp(shipment.trackingNumber);
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/void`);
    expect(res.status).toBe(409);
    expect(res.json.error.message).toMatch(/UPS refused to void the label: .*picked up/);
    expect(res.json.error.details).toMatchObject({ carrier: 'ups', carrierCode: '190117' });
    const after = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(after.json).toMatchObject({ status: 'info_received', label: { status: 'bought' } });
  });

  it('refuses to void a label the shipment has moved past, through the command table', async () => {
    const orderId = await newOrder();
    const shipment = (await buy(orderId)).json;
    await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [{ status: 'in_transit', occurredAt: '2026-03-02T16:00:00Z' }] });
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/void`);
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('invalid_transition');
  });

  // The last two: they move the clock hours on.
  it('keeps asking about an unsettled purchase through a long outage, hourly at most, shows it to the brand, and settles it once UPS answers', async () => {
    const { orderId, purchaseId, charged, listed } = await unsettledPurchase();
    expect(await listed()).toMatchObject({ orderId, carrier: 'ups', service: 'ground', direction: 'outbound', state: 'unknown', carrierCalls: 1, checks: 0, nextCheckAt: new Date(t.clock.now().getTime() + 15 * 60_000).toISOString() });

    // UPS cannot be reached for half a day: far more checks than the queue's default of 10 attempts.
    const connection = () => t.deps.db.selectFrom('carrier_connections').select('base_url').where('brand_id', '=', t.brand.id).where('carrier', '=', 'ups');
    const baseUrl = (await connection().executeTakeFirstOrThrow()).base_url;
    const setBaseUrl = (url: string | null) => t.deps.db.updateTable('carrier_connections').set({ base_url: url }).where('brand_id', '=', t.brand.id).where('carrier', '=', 'ups').execute();
    await setBaseUrl('http://127.0.0.1:1');
    const job = reconcileJob(purchaseId);
    const nextCheck = async () => {
      t.clock.advance(Math.max(0, Date.parse((await job()).run_at) - t.clock.now().getTime()));
      await t.worker.drain();
    };
    const waits: number[] = [];
    for (let check = 1; check <= 14; check += 1) {
      await nextCheck();
      waits.push((Date.parse((await job()).run_at) - t.clock.now().getTime()) / 60_000);
    }
    expect(waits).toEqual([5, 10, 20, 40, ...Array(10).fill(60)]);
    expect(await job()).toMatchObject({ state: 'queued', attempts: 14 });
    expect(await listed()).toMatchObject({ state: 'unknown', checks: 14, nextCheckAt: (await job()).run_at, lastError: expect.any(String) });

    await setBaseUrl(baseUrl);
    await nextCheck();
    expect(charged.voided).toBe(true);
    expect((await purchasesOf(orderId))[0]).toMatchObject({ state: 'voided', tracking_number: charged.trackingNumber });
    expect((await job()).state).toBe('done');
    expect(await listed()).toBeUndefined();
  });

  it('stops asking about an unsettled purchase once the brand disconnects UPS, shows it as unresolved, and settles it when UPS is connected again', async () => {
    const { orderId, purchaseId, charged, listed } = await unsettledPurchase();
    const job = reconcileJob(purchaseId);
    expect(await listed()).toMatchObject({ state: 'unknown', unresolved: null });

    expect((await t.request('DELETE', '/v1/carriers/ups/connection')).status).toBe(204);
    t.clock.advance(16 * 60_000);
    await t.worker.drain();
    expect(await listed()).toMatchObject({ state: 'unknown', unresolved: 'carrier_disconnected', nextCheckAt: null, checks: 1, lastError: expect.stringMatching(/^unresolved: carrier disconnected .*PUT \/v1\/carriers\/ups\/connection/) });
    expect((await job()).state).toBe('done'); // no hourly failures for ever
    t.clock.advance(6 * 3_600_000);
    await t.worker.drain();
    expect(await job()).toMatchObject({ state: 'done', attempts: 1 });

    const connected = await t.request('PUT', '/v1/carriers/ups/connection', { credentials: { clientId: ups.clientId, clientSecret: ups.clientSecret, accountNumber: ups.accountNumber }, baseUrl: ups.url });
    expect(connected.json.status).toBe('connected');
    expect(await listed()).toMatchObject({ state: 'unknown', unresolved: null, nextCheckAt: t.clock.now().toISOString() });
    await t.worker.drain();
    expect(charged.voided).toBe(true);
    expect((await purchasesOf(orderId))[0]).toMatchObject({ state: 'voided', tracking_number: charged.trackingNumber, unresolved: null });
    expect(await listed()).toBeUndefined();
  });
});
