// FedEx and USPS labels through the API against their emulators: the two ways a timeout after
// the carrier charged is made safe (FedEx: find by reference and cancel the stray, then buy; USPS:
// the same idempotency key hands back the same label), USPS's payment account, and FedEx's refusal
// of a void after pickup.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFedexEmulator, type FedexEmulator } from '../../src/carriers/fedex/emulator.js';
import { startUspsEmulator, type UspsEmulator } from '../../src/carriers/usps/emulator.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';
import { scanPdfBarcodes } from '../unit/helpers/scan-label.js';

let t: TestContext;
let fedex: FedexEmulator;
let usps: UspsEmulator;
const PARCEL = { weight: { value: 1.5, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10, unit: 'cm' } };

beforeAll(async () => {
  t = await createTestContext({ env: { CARRIER_TIMEOUT_MS: '1000' } });
  fedex = await startFedexEmulator();
  usps = await startUspsEmulator();
  await t.request('PUT', '/v1/carriers/fedex/connection', { credentials: { clientId: fedex.clientId, clientSecret: fedex.clientSecret, accountNumber: fedex.accountNumber }, baseUrl: fedex.url });
  await t.request('PATCH', '/v1/brand/settings', {
    shipFrom: { name: 'Shipping Desk', company: 'Test Brand', line1: '500 W Broad St', city: 'Columbus', region: 'OH', postalCode: '43215', country: 'US', phone: '+16145550100' },
  });
});
afterAll(async () => {
  await fedex?.close();
  await usps?.close();
  await t?.close();
});

async function newOrder(destination: Record<string, unknown> = {}) {
  const body = orderBody();
  const res = await t.request('POST', '/v1/orders', { ...body, destination: { ...body.destination, ...destination } });
  return res.json.id as string;
}
const buy = (orderId: string, body: Record<string, unknown>) => t.request('POST', `/v1/orders/${orderId}/shipments`, { label: true, parcel: PARCEL, ...body });
const shipmentsOf = (orderId: string) => t.deps.db.selectFrom('shipments').selectAll().where('order_id', '=', orderId).execute();

describe('FedEx labels through the API', () => {
  it('buys a FedEx label in kilograms and centimetres, sent in pounds and inches', async () => {
    const res = await buy(await newOrder(), { carrier: 'fedex' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ carrier: 'fedex', service: 'ground', status: 'info_received' });
    const item = JSON.parse(fedex.state.log.filter((r) => r.path === '/ship/v1/shipments').at(-1)!.body).requestedShipment.requestedPackageLineItems[0];
    expect(item.weight).toEqual({ units: 'LB', value: 3.4 });
    expect(item.dimensions).toEqual({ length: 12, width: 8, height: 4, units: 'IN' });
    const pdf = await t.app.request(res.json.label.downloads.pdf, { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(scanPdfBarcodes(new Uint8Array(await pdf.arrayBuffer()))).toContain(res.json.trackingNumber);
  });

  it('after FedEx times out having charged, the retry cancels the stray shipment it found by reference and buys one label', async () => {
    const orderId = await newOrder();
    fedex.labels.timeoutAfterChargeNext({ delayMs: 4_000 });
    const first = await buy(orderId, { carrier: 'fedex' });
    expect(first.status).toBe(503);
    const stray = fedex.labels.sold.at(-1)!;
    const retry = await buy(orderId, { carrier: 'fedex' });
    expect(retry.status).toBe(201);
    expect(stray.voided).toBe(true);
    const live = fedex.labels.sold.filter((l) => !l.voided && l.references.includes(first.json.error.details.purchaseId));
    expect(live.map((l) => l.trackingNumber)).toEqual([retry.json.trackingNumber]);
    expect(await shipmentsOf(orderId)).toHaveLength(1);
  });

  it('refuses a void after pickup with FedEx’s reason', async () => {
    const shipment = (await buy(await newOrder(), { carrier: 'fedex' })).json;
    fedex.labels.markPickedUp(shipment.trackingNumber);
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/void`);
    expect(res.status).toBe(409);
    expect(res.json.error.message).toMatch(/FedEx refused to void the label: .*tendered to FedEx \(picked up\)/);
    expect(res.json.error.details.carrierCode).toBe('SHIPMENT.CANCELLATION.NOTALLOWED');
  });
});

describe('USPS labels through the API', () => {
  it('needs the brand’s payment account on the connection before buying', async () => {
    await t.request('PUT', '/v1/carriers/usps/connection', { credentials: { clientId: 'test-client-id', clientSecret: 'test-client-secret' }, baseUrl: usps.url });
    const res = await buy(await newOrder(), { carrier: 'usps' });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe('carrier_not_connected');
    expect(res.json.error.message).toMatch(/crid, mid, accountNumber/);
    expect(usps.labels.requests).toBe(0);
  });

  it('refuses what USPS cannot ship before calling: no dimensions, a destination abroad', async () => {
    await t.request('PUT', '/v1/carriers/usps/connection', { credentials: { clientId: 'test-client-id', clientSecret: 'test-client-secret', ...usps.paymentAccount }, baseUrl: usps.url });
    const noDims = await buy(await newOrder(), { carrier: 'usps', parcel: { weight: { value: 1, unit: 'lb' } } });
    expect(noDims.status).toBe(422);
    expect(noDims.json.error.details).toEqual([expect.objectContaining({ field: 'parcel.dimensions' })]);
    const abroad = await buy(await newOrder({ city: 'Toronto', region: 'ON', postalCode: 'M5H 1J9', country: 'CA' }), { carrier: 'usps' });
    expect(abroad.status).toBe(422);
    expect(abroad.json.error.details.map((d: { field: string }) => d.field)).toContain('order.destination.country');
    expect(usps.labels.requests).toBe(0);
  });

  it('after USPS times out having charged, the retry with the same idempotency key gets the same label, charged once', async () => {
    const orderId = await newOrder();
    const sold = usps.labels.sold.length;
    usps.labels.timeoutAfterChargeNext({ delayMs: 4_000 });
    const first = await buy(orderId, { carrier: 'usps', service: 'priority_mail' });
    expect(first.status).toBe(503);
    expect(usps.labels.sold.length).toBe(sold + 1);
    const retry = await buy(orderId, { carrier: 'usps', service: 'priority_mail' });
    expect(retry.status).toBe(201);
    expect(retry.json).toMatchObject({ carrier: 'usps', service: 'priority_mail', status: 'info_received' });
    expect(retry.json.trackingNumber).toBe(usps.labels.sold.at(-1)!.trackingNumber);
    expect(usps.labels.sold.length).toBe(sold + 1);
    const keys = usps.requests.filter((r) => r.path === '/labels/v3/label').slice(-2).map((r) => r.headers['x-idempotency-key']);
    expect(keys).toEqual([first.json.error.details.purchaseId, first.json.error.details.purchaseId]);
    expect(await shipmentsOf(orderId)).toHaveLength(1);
  });

  it('passes on an address USPS cannot find, naming the field', async () => {
    usps.labels.rejectPostalCode('94105');
    const res = await buy(await newOrder({ city: 'San Francisco', region: 'CA', postalCode: '94105' }), { carrier: 'usps' });
    expect(res.status).toBe(422);
    expect(res.json.error.details).toEqual([{ field: 'order.destination', problem: expect.stringContaining('Address Not Found') }]);
  });
});
