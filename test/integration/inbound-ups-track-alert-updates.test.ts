// UPS Track Alert type U events (UT updated delivery time, UP updated date, PX delivery photo) say
// nothing about where the parcel is: each keeps the status the parcel had at its own time (the
// latest event before it, stored or in the same batch) and never decides the shipment's status,
// whatever order the deliveries come in and however they fall into the inbox's batches.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
let client: { clientId: string; clientSecret: string };

beforeAll(async () => {
  t = await createTestContext();
  client = (await t.request('PUT', '/v1/inbound-webhooks/ups_track_alert')).json;
});
afterAll(async () => {
  await t?.close();
});

const tokenRequest = (body: string, headers: Record<string, string>) =>
  t.app.request('/webhooks/ups/oauth/token', { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers } });
const token = async () =>
  (await (await tokenRequest('grant_type=client_credentials', { authorization: `Basic ${Buffer.from(`${client.clientId}:${client.clientSecret}`).toString('base64')}` })).json()).access_token as string;

/** Pushes each body as UPS does, one event per POST. */
async function push(...bodies: unknown[]) {
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${await token()}`, 'x-api-key': client.clientId };
  for (const body of bodies) expect((await t.app.request('/webhooks/ups/track-alert', { method: 'POST', body: JSON.stringify(body), headers })).status).toBe(200);
}
/** Everything pushed so far, processed: one inbox batch. */
async function processed() {
  t.clock.advance(2_000);
  await t.worker.drain();
}

async function upsShipment(trackingNumber: string) {
  const order = await t.request('POST', '/v1/orders', orderBody());
  const res = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'ups', trackingNumber });
  expect(res.status).toBe(201);
  return res.json.id as string;
}

// Charlotte, NC, on 2 March 2026 (UTC-5).
const scan = (trackingNumber: string, gmtTime: string, type: string, code: string, description: string, descriptionCode = '') => ({
  trackingNumber,
  localActivityDate: '20260302',
  localActivityTime: String(Number(gmtTime) - 50_000).padStart(6, '0'),
  activityLocation: { city: 'Charlotte', stateProvince: 'NC', postalCode: '28202', country: 'US' },
  activityStatus: { type, code, description, descriptionCode },
  scheduledDeliveryDate: '20260302',
  gmtActivityDate: '20260302',
  gmtActivityTime: gmtTime,
  gmtOffset: '-05.00',
});
const AR = (n: string) => scan(n, '110000', 'I', 'AR', 'Arrived at Facility', '005');
const OT = (n: string) => scan(n, '141519', 'I', 'OT', 'Out for Delivery', '021');
const UT = (n: string) => scan(n, '141600', 'U', 'UT', 'Updated Delivery Time');
const FS = (n: string) => scan(n, '181553', 'D', 'FS', 'Delivered', '011');
const PX = (n: string) => scan(n, '181630', 'U', 'PX', 'Delivery Photo');

type Shipment = { status: string; correction: boolean; events: Array<{ carrierCode: string; status: string }> };
const shipmentOf = async (id: string): Promise<Shipment> => (await t.request('GET', `/v1/shipments/${id}`)).json;
const timeline = (shipment: Shipment) => shipment.events.map((e) => [e.carrierCode, e.status]);
const announced = async (shipmentId: string) =>
  (await t.deps.db.selectFrom('jobs').select('payload').where('kind', '=', 'shipment.status_changed').orderBy('created_at').orderBy('id').execute())
    .map((j) => JSON.parse(j.payload) as { shipmentId: string; to: { status: string } })
    .filter((p) => p.shipmentId === shipmentId)
    .map((p) => p.to.status);

it('a delivery photo processed with the delivery keeps the parcel delivered, and the delivery is announced', async () => {
  const id = await upsShipment('1Z204W4R0308071883');
  await push(OT('1Z204W4R0308071883'));
  await processed();
  await push(FS('1Z204W4R0308071883'), PX('1Z204W4R0308071883'));
  await processed();
  const shipment = await shipmentOf(id);
  expect(shipment).toMatchObject({ status: 'delivered', correction: false });
  expect(timeline(shipment)).toEqual([
    ['I/OT/021', 'out_for_delivery'],
    ['D/FS/011', 'delivered'],
    ['U/PX', 'delivered'],
  ]);
  expect(await announced(id)).toEqual(['out_for_delivery', 'delivered']);
});

it('the photo pushed before the delivery it follows, in the same batch, is the same story', async () => {
  const id = await upsShipment('1Z204W4R0308071892');
  await push(OT('1Z204W4R0308071892'));
  await processed();
  await push(PX('1Z204W4R0308071892'), FS('1Z204W4R0308071892'));
  await processed();
  const shipment = await shipmentOf(id);
  expect(shipment).toMatchObject({ status: 'delivered', correction: false });
  expect(timeline(shipment)).toEqual([
    ['I/OT/021', 'out_for_delivery'],
    ['D/FS/011', 'delivered'],
    ['U/PX', 'delivered'],
  ]);
});

it('an updated delivery time processed with the out-for-delivery scan keeps the parcel out for delivery', async () => {
  const id = await upsShipment('1Z204W4R0308071801');
  await push(AR('1Z204W4R0308071801'));
  await processed();
  await push(OT('1Z204W4R0308071801'), UT('1Z204W4R0308071801'));
  await processed();
  const shipment = await shipmentOf(id);
  expect(shipment.status).toBe('out_for_delivery');
  expect(timeline(shipment)).toEqual([
    ['I/AR/005', 'in_transit'],
    ['I/OT/021', 'out_for_delivery'],
    ['U/UT', 'out_for_delivery'],
  ]);
  expect(await announced(id)).toEqual(['in_transit', 'out_for_delivery']);
});

it('an update that arrives before the scan it follows does not hold the parcel at the status it had', async () => {
  const id = await upsShipment('1Z204W4R0308071810');
  await push(AR('1Z204W4R0308071810'));
  await processed();
  await push(UT('1Z204W4R0308071810'));
  await processed();
  expect((await shipmentOf(id)).status).toBe('in_transit');
  await push(OT('1Z204W4R0308071810'));
  await processed();
  const shipment = await shipmentOf(id);
  expect(shipment.status).toBe('out_for_delivery');
  // Stored when it came, with what was known then: the timeline shows that, the status ignores it.
  expect(timeline(shipment)).toEqual([
    ['I/AR/005', 'in_transit'],
    ['I/OT/021', 'out_for_delivery'],
    ['U/UT', 'in_transit'],
  ]);
  expect(await announced(id)).toEqual(['in_transit', 'out_for_delivery']);
});

it('an update alone, for a parcel with no scan yet, leaves it pending', async () => {
  const id = await upsShipment('1Z204W4R0308071847');
  await push(UT('1Z204W4R0308071847'));
  await processed();
  const shipment = await shipmentOf(id);
  expect(shipment.status).toBe('pending');
  expect(timeline(shipment)).toEqual([['U/UT', 'info_received']]);
  expect(await announced(id)).toEqual([]);
});

it('an update sent again after its delivery has left the inbox is stored once, whatever came in between', async () => {
  const id = await upsShipment('1Z204W4R0308071829');
  await push(AR('1Z204W4R0308071829'), UT('1Z204W4R0308071829'));
  await processed();
  await push(OT('1Z204W4R0308071829'));
  await processed();
  // Past the retention period the inbox no longer knows the delivery: only the event's dedupe key can tell.
  await t.deps.db.deleteFrom('inbound_events').where('body', 'like', '%1Z204W4R0308071829%').execute();
  await push(UT('1Z204W4R0308071829'));
  await processed();
  const shipment = await shipmentOf(id);
  expect(timeline(shipment)).toEqual([
    ['I/AR/005', 'in_transit'],
    ['I/OT/021', 'out_for_delivery'],
    ['U/UT', 'in_transit'],
  ]);
  expect(shipment.status).toBe('out_for_delivery');
});
