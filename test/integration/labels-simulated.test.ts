// Labels from the simulated carrier through the API: a real 4×6 PDF (and ZPL) stored with the
// shipment and downloadable, the shipment at info_received with "shipped" sent, return labels from
// the customer back to the brand, and loadShipmentLabel for the rest of Waybill.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrand } from '../../src/brands/repo.js';
import { loadShipmentLabel } from '../../src/labels/index.js';
import { newId } from '../../src/lib/ids.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';
import { pdfText, scanPdfBarcodes } from '../unit/helpers/scan-label.js';

let t: TestContext;
const WAREHOUSE = { name: 'Test Brand Warehouse', line1: '500 W Broad St', city: 'Columbus', region: 'OH', postalCode: '43215', country: 'US', phone: '+16145550100' };
const RETURNS = { name: 'Test Brand Returns', line1: '77 Dock Rd', city: 'Indianapolis', region: 'IN', postalCode: '46201', country: 'US' };

beforeAll(async () => {
  t = await createTestContext();
  const saved = await t.request('PATCH', '/v1/brand/settings', { shipFrom: WAREHOUSE, returnTo: RETURNS });
  expect(saved.status).toBe(200);
});
afterAll(async () => t?.close());

async function newOrder() {
  const res = await t.request('POST', '/v1/orders', orderBody());
  expect(res.status).toBe(201);
  return res.json.id as string;
}

async function download(shipmentId: string, format?: string) {
  const res = await t.app.request(`/v1/shipments/${shipmentId}/label${format ? `?format=${format}` : ''}`, { headers: { authorization: `Bearer ${t.apiKey}` } });
  return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
}

describe('simulated carrier labels', () => {
  it('buys a label: the tracking number is born with it, the shipment is info_received, and the answer describes the label', async () => {
    const orderId = await newOrder();
    const res = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true, parcel: { weight: { value: 2.25, unit: 'lb' } } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ carrier: 'simulated', service: 'ground', direction: 'outbound', status: 'info_received' });
    expect(res.json.trackingNumber).toMatch(/^SIM\d{13}$/);
    expect(res.json.label).toMatchObject({ status: 'bought', carrier: 'simulated', service: 'ground', formats: ['pdf', 'zpl'] });
    expect(res.json.label.carrierChoice).toMatchObject({ decidedBy: 'request', rule: null });
    expect(res.json.label.downloads.pdf).toBe(`/v1/shipments/${res.json.id}/label?format=pdf`);
    const again = await t.request('GET', `/v1/shipments/${res.json.id}`);
    expect(again.json.label.id).toBe(res.json.label.id);
  });

  it('serves the PDF: 4×6, addresses, service, weight, and a barcode that scans to the tracking number', async () => {
    const orderId = await newOrder();
    const shipment = (await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true, parcel: { weight: { value: 36, unit: 'oz' } } })).json;
    const pdf = await download(shipment.id);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(pdf.headers.get('content-disposition')).toBe(`inline; filename="label-${shipment.trackingNumber}.pdf"`);
    expect(scanPdfBarcodes(pdf.body)).toEqual([shipment.trackingNumber]);
    const text = pdfText(pdf.body);
    for (const expected of ['TEST BRAND WAREHOUSE', '500 W BROAD ST', 'ADA LOVELACE', '1 INFINITE LOOP', 'AUSTIN, TX 78701', 'GROUND', '2 LB 4 OZ']) expect(text).toContain(expected);
  });

  it('serves the ZPL for thermal printers', async () => {
    const orderId = await newOrder();
    const shipment = (await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true })).json;
    const zpl = await download(shipment.id, 'zpl');
    expect(zpl.status).toBe(200);
    expect(zpl.headers.get('content-type')).toBe('application/zpl');
    const text = new TextDecoder().decode(zpl.body);
    expect(text).toMatch(new RegExp(`\\^BCN,\\d+,N,N,N\\^FD${shipment.trackingNumber}\\^FS`));
    expect(text).toContain('ADA LOVELACE');
  });

  it('sends "shipped" at once, because the label moved the shipment to info_received', async () => {
    const orderId = await newOrder();
    const shipment = (await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' })).json;
    await t.worker.drain();
    const messages = await t.deps.db.selectFrom('messages').select(['milestone', 'channel']).where('shipment_id', '=', shipment.id).execute();
    expect(messages.map((m) => m.milestone)).toContain('shipped');
  });

  it('buys a return label: from the customer to the brand’s return address, a new tracking number, no "shipped" message', async () => {
    const orderId = await newOrder();
    const outbound = (await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true })).json;
    const res = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true, direction: 'return' });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ direction: 'return', status: 'info_received' });
    expect(res.json.trackingNumber).not.toBe(outbound.trackingNumber);

    const label = await loadShipmentLabel(t.deps, t.brand.id, res.json.id, 'pdf');
    expect(label).toMatchObject({ contentType: 'application/pdf', filename: `return-label-${res.json.trackingNumber}.pdf` });
    expect(scanPdfBarcodes(label!.body)).toEqual([res.json.trackingNumber]);
    const text = pdfText(label!.body);
    expect(text).toContain('RETURN');
    expect(text.indexOf('ADA LOVELACE')).toBeLessThan(text.indexOf('TEST BRAND RETURNS'));
    expect(text).toContain('INDIANAPOLIS, IN 46201');

    // The return parcel's journey runs from the customer's city to the return address.
    const events = await t.request('GET', `/v1/shipments/${res.json.id}`);
    expect(events.json.events[0].location.city).toBe('Austin');
    await t.worker.drain();
    const milestones = await t.deps.db.selectFrom('messages').select('milestone').where('shipment_id', '=', res.json.id).execute();
    expect(milestones.map((m) => m.milestone)).not.toContain('shipped');
  });

  it('loadShipmentLabel answers null for another brand, a shipment without a label, and a malformed id', async () => {
    const orderId = await newOrder();
    const shipment = (await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true })).json;
    const other = await createBrand(t.deps.db, t.clock.now(), { name: 'Other' });
    expect(await loadShipmentLabel(t.deps, other.brand.id, shipment.id, 'pdf')).toBeNull();
    expect(await loadShipmentLabel(t.deps, t.brand.id, 'not-an-id', 'pdf')).toBeNull();
    const manual = (await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'ups', trackingNumber: '1Z12345E0205271686' })).json;
    expect(await loadShipmentLabel(t.deps, t.brand.id, manual.id, 'pdf')).toBeNull();
    expect((await download(manual.id)).status).toBe(404);
    expect((await download('shp_01jd0000000000000000000000')).status).toBe(404);
  });

  it('voids a simulated label: the shipment is cancelled and its journey stops', async () => {
    const orderId = await newOrder();
    const shipment = (await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' })).json;
    const pending = () => t.deps.db.selectFrom('jobs').select('id').where('state', '=', 'queued').where('idempotency_key', 'like', `sim:${shipment.id}:%`).execute();
    expect((await pending()).length).toBeGreaterThan(0);
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/void`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'cancelled', label: { status: 'voided' } });
    expect(await pending()).toEqual([]);
    t.clock.advance(30 * 86_400_000);
    await t.worker.drain();
    expect((await t.request('GET', `/v1/shipments/${shipment.id}`)).json.status).toBe('cancelled');
    expect(await loadShipmentLabel(t.deps, t.brand.id, shipment.id, 'pdf')).toBeNull();
  });

  it('voids the label of a shipment cancelled with the plain cancel command: no longer printable, journey stopped', async () => {
    const orderId = await newOrder();
    const shipment = (await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' })).json;
    const pending = () => t.deps.db.selectFrom('jobs').select('id').where('state', '=', 'queued').where('idempotency_key', 'like', `sim:${shipment.id}:%`).execute();
    const cancelled = await t.request('POST', `/v1/shipments/${shipment.id}/commands`, { command: 'cancel' });
    expect(cancelled.json).toMatchObject({ status: 'cancelled' });
    expect((await download(shipment.id)).status).toBe(200); // the record only: the label still stands
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/void`);
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: 'cancelled', reason: 'cancelled_by_sender', label: { status: 'voided', downloads: {} } });
    expect((await download(shipment.id)).status).toBe(409);
    expect(await loadShipmentLabel(t.deps, t.brand.id, shipment.id, 'pdf')).toBeNull();
    expect(await pending()).toEqual([]);
    expect((await t.request('POST', `/v1/shipments/${shipment.id}/void`)).status).toBe(200); // repeating is harmless
  });

  it('refuses to void once the simulated carrier has the parcel, and a shipment without a label', async () => {
    const orderId = await newOrder();
    const shipment = (await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' })).json;
    t.clock.advance(3 * 86_400_000);
    await t.worker.drain();
    expect((await t.request('GET', `/v1/shipments/${shipment.id}`)).json.status).not.toBe('info_received');
    const refused = await t.request('POST', `/v1/shipments/${shipment.id}/void`);
    expect(refused.status).toBe(409);
    expect(refused.json.error).toMatchObject({ code: 'invalid_transition', message: expect.stringMatching(/^cannot void the label: cannot cancel a shipment that is/) });
    const manual = (await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'ups', trackingNumber: '1Z12345E0205271693' })).json;
    const none = await t.request('POST', `/v1/shipments/${manual.id}/void`);
    expect(none.status).toBe(409);
    expect(none.json.error.message).toMatch(/no label bought through Waybill/);
  });

  it('keeps the brand’s addresses and default parcel in its settings, refusing incomplete ones by field', async () => {
    const bad = await t.request('PATCH', '/v1/brand/settings', { shipFrom: { name: 'Desk', city: 'Columbus', postalCode: '43215', country: 'USA' }, shipping: { defaultParcel: { weight: { value: -1, unit: 'lb' } } } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['shipFrom.country', 'shipFrom.line1', 'shipping.defaultParcel.weight.value']);
    const good = await t.request('PATCH', '/v1/brand/settings', { shipping: { defaultParcel: { weight: { value: 20, unit: 'oz' } }, labelFormat: 'zpl' } });
    expect(good.status).toBe(200);
    expect(good.json).toMatchObject({ shipFrom: WAREHOUSE, returnTo: RETURNS, shipping: { labelFormat: 'zpl' } });
    const shipment = (await t.request('POST', `/v1/orders/${await newOrder()}/shipments`, { carrier: 'simulated', label: true })).json;
    expect(pdfText((await download(shipment.id)).body)).toContain('1 LB 4 OZ');
    await t.request('PATCH', '/v1/brand/settings', { shipping: { labelFormat: 'pdf' } });
  });

  it('refuses a bad format and a parcel over the limit, naming the field', async () => {
    const orderId = await newOrder();
    const shipment = (await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true })).json;
    const bad = await t.request('GET', `/v1/shipments/${shipment.id}/label?format=png`);
    expect(bad.status).toBe(422);
    expect(bad.json.error.details[0].field).toBe('format');
    const heavy = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true, parcel: { weight: { value: 400, unit: 'lb' } } });
    expect(heavy.status).toBe(422);
    expect(heavy.json.error.details).toEqual([expect.objectContaining({ field: 'parcel.weight' })]);
    const service = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'simulated', label: true, service: 'teleport' });
    expect(service.status).toBe(422);
    expect(service.json.error.details[0]).toMatchObject({ field: 'service' });
  });
});

describe('GET /v1/label-purchases', () => {
  it('pages like every list (limit, cursor, nextCursor), oldest first, unsettled only; a purchase settled between pages moves nothing', async () => {
    const { brand, apiKey } = await createBrand(t.deps.db, t.clock.now(), { name: 'Unsettled' });
    const list = async (query = '') => {
      const res = await t.app.request(`/v1/label-purchases${query}`, { headers: { authorization: `Bearer ${apiKey}` } });
      return { status: res.status, json: (await res.json()) as { data: Array<{ id: string }>; nextCursor: string | null; error?: { details: Array<{ field: string }> } } };
    };
    const states = ['unknown', 'bought', 'requesting', 'unknown', 'failed', 'unknown', 'requesting', 'voided', 'unknown'];
    const now = t.clock.now().toISOString();
    const rows = states.map((state) => ({
      id: newId('label'), brand_id: brand.id, order_id: newId('order'), shipment_id: newId('shipment'), carrier: 'ups', service: 'ground', direction: 'outbound', format: 'pdf',
      state, fingerprint: 'f', request: '{}', choice: '{}', calls: 1, created_at: now, updated_at: now,
    }));
    await t.deps.db.insertInto('label_purchases').values(rows).execute();
    const unsettled = rows.filter((r) => r.state === 'requesting' || r.state === 'unknown').map((r) => r.id).sort();
    expect(unsettled).toHaveLength(6);

    const whole = await list();
    expect(whole.status).toBe(200);
    expect(whole.json.data.map((p) => p.id)).toEqual(unsettled);
    expect(whole.json.nextCursor).toBeNull();

    const first = await list('?limit=4');
    expect(first.json.data.map((p) => p.id)).toEqual(unsettled.slice(0, 4));
    expect(first.json.nextCursor).toEqual(expect.any(String));
    // Settled meanwhile, the first page's last one is left out of nothing: the next page starts after it.
    await t.deps.db.updateTable('label_purchases').set({ state: 'bought' }).where('id', '=', unsettled[3]!).execute();
    const second = await list(`?limit=4&cursor=${first.json.nextCursor}`);
    expect(second.json.data.map((p) => p.id)).toEqual(unsettled.slice(4));
    expect(second.json.nextCursor).toBeNull();

    // Another brand's are not listed, and the list refuses what the others refuse.
    expect((await t.request('GET', '/v1/label-purchases')).json.data.map((p: { id: string }) => p.id)).not.toContain(unsettled[0]);
    for (const [query, field] of [['?cursor=bm90LW9uZQ', 'cursor'], ['?limit=0', 'limit'], ['?limit=201', 'limit'], ['?offset=4', '(query)']] as const) {
      const refused = await list(query);
      expect(refused.status, query).toBe(422);
      expect(refused.json.error!.details.map((d) => d.field)).toContain(field);
    }
    const described = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, { get: { parameters: Array<{ name: string }>; responses: { 200: { content: { 'application/json': { schema: { properties: Record<string, unknown> } } } } } } }> };
    const operation = described.paths['/label-purchases']!.get;
    expect(operation.parameters.map((p) => p.name).sort()).toEqual(['cursor', 'limit']);
    expect(Object.keys(operation.responses[200].content['application/json'].schema.properties).sort()).toEqual(['data', 'nextCursor']);
  });
});
