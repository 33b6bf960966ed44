// Waybill's own watch on a real database: stalled and late parcels, the daily digest, lane
// figures learnt from delivered parcels, and the customer told when the carrier moves the window.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWatchSchedule, runWatch } from '../../src/notifications/watch/index.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
const HOUR = 3_600_000;

beforeAll(async () => {
  t = await createTestContext();
  await ensureWatchSchedule(t.deps);
});
afterAll(async () => t?.close());

let sequence = 0;
const destinations = {
  austin: { line1: '1 Congress Ave', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
  denver: { line1: '300 Main St', city: 'Denver', region: 'CO', postalCode: '80202', country: 'US' },
};

async function placeOrder(destination = destinations.austin, overrides: Record<string, unknown> = {}) {
  sequence += 1;
  const res = await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString(), destination, customer: { email: `watch${sequence}@example.com`, name: 'Grace Hopper', locale: 'en' }, ...overrides }));
  expect(res.status).toBe(201);
  return res.json as { id: string };
}

async function upsShipment(orderId: string) {
  sequence += 1;
  const res = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'ups', trackingNumber: `WATCH${String(sequence).padStart(8, '0')}` });
  expect(res.status).toBe(201);
  return res.json as { id: string };
}

const scan = (shipmentId: string, at: Date, extra: Record<string, unknown> = {}) =>
  t.request('POST', `/v1/shipments/${shipmentId}/events`, { events: [{ status: 'in_transit', occurredAt: at.toISOString(), location: { city: 'Columbus', region: 'OH', country: 'US' }, ...extra }] });

const messagesOf = async (orderId: string) => (await t.request('GET', `/v1/orders/${orderId}/messages`)).json.data as Array<Record<string, any>>;
const emails = async (orderId: string, milestone: string) => (await messagesOf(orderId)).filter((m) => m.milestone === milestone && m.channel === 'email');
const compact = (iso: string) => new Date(iso).toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '');

/** Moves the clock in steps, running every job (the watch schedule included) at each. */
async function live(hours: number, stepHours = 1) {
  for (let h = 0; h < hours; h += stepHours) {
    t.clock.advance(stepHours * HOUR);
    await t.worker.drain();
  }
}

describe('the simulated carrier’s unhappy paths, played on the clock', () => {
  it('a stalled parcel: one "running late" email for the silence, and at most one digest a day', async () => {
    const order = await placeOrder();
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'stalled' });
    await t.worker.drain();
    await live(12 * 24, 2);
    const log = await messagesOf(order.id);
    expect(log.find((m) => m.milestone === 'delivered' && m.channel === 'email')).toMatchObject({ state: 'sent' });
    const delayed = log.filter((m) => m.milestone === 'delayed' && m.channel === 'email');
    expect(delayed).toHaveLength(1);
    expect(delayed[0]).toMatchObject({ state: 'sent' });
    const digests = log.filter((m) => m.milestone === 'in_transit_digest');
    expect(digests.length).toBeGreaterThan(0);
    expect(new Set(digests.map((m) => m.occurrence)).size).toBe(digests.length);
    expect(digests.every((m) => m.channel === 'email' && m.state === 'sent')).toBe(true);
  });

  it('a parcel the carrier reports delayed: its own message, and no second one from our watch for the same wait', async () => {
    const order = await placeOrder();
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'delayed' });
    await t.worker.drain();
    await live(10 * 24, 2);
    const delayed = await emails(order.id, 'delayed');
    expect(delayed.length).toBeGreaterThanOrEqual(1);
    expect(delayed.length).toBeLessThanOrEqual(2); // the carrier's delay; at most one more if the window passes after the parcel moved on
    expect(new Set(delayed.map((m) => m.occurrence)).size).toBe(delayed.length);
  });
});

describe('stalls measured against the lane', () => {
  it('learns the 90th percentile of the longest silence from 30 delivered parcels, and uses the default elsewhere', async () => {
    const start = t.clock.now().getTime();
    for (let i = 0; i < 30; i++) {
      const order = await placeOrder();
      const shipment = await upsShipment(order.id);
      const first = new Date(start - 70 * HOUR + i * 60_000);
      const res = await t.request('POST', `/v1/shipments/${shipment.id}/events`, {
        events: [
          { status: 'in_transit', occurredAt: first.toISOString() },
          { status: 'in_transit', occurredAt: new Date(first.getTime() + (i < 27 ? 9 : 20) * HOUR).toISOString() },
          { status: 'delivered', occurredAt: new Date(first.getTime() + (i < 27 ? 18 : 40) * HOUR).toISOString() },
        ],
      });
      expect(res.status).toBe(200);
    }
    await t.worker.drain();
    const histogram = await t.deps.db.selectFrom('lane_gap_histogram').selectAll().where('lane', '=', 'ups|default|US-TX').execute();
    expect(histogram.map((r) => [Number(r.bucket_minutes), Number(r.shipments)]).sort()).toEqual([
      [1200, 3],
      [540, 27],
    ]);
    // Replaying the delivered changes adds nothing: one sample per parcel, ever.
    await t.deps.db.updateTable('jobs').set({ state: 'queued' }).where('kind', '=', 'shipment.status_changed').execute();
    await t.worker.drain();
    expect(Number((await t.deps.db.selectFrom('lane_samples').select((eb) => eb.fn.countAll<number>().as('n')).where('lane', '=', 'ups|default|US-TX').executeTakeFirstOrThrow()).n)).toBe(30);

    const texan = await placeOrder();
    const texanShipment = await upsShipment(texan.id);
    const coloradan = await placeOrder(destinations.denver);
    const coloradanShipment = await upsShipment(coloradan.id);
    const lastScan = t.clock.now();
    await scan(texanShipment.id, lastScan);
    await scan(coloradanShipment.id, lastScan);
    await t.worker.drain();

    t.clock.advance(8 * HOUR);
    await runWatch(t.deps);
    expect(await emails(texan.id, 'delayed')).toEqual([]);
    t.clock.advance(2 * HOUR); // 10 h of silence: past the lane's 9-hour figure (540 minutes)
    await runWatch(t.deps);
    await t.worker.drain();
    const texanDelay = await emails(texan.id, 'delayed');
    expect(texanDelay).toHaveLength(1);
    expect(texanDelay[0]).toMatchObject({ occurrence: `since-${compact(lastScan.toISOString())}`, state: 'sent' });
    expect(await emails(coloradan.id, 'delayed')).toEqual([]); // Colorado has no history: 48 h by default

    t.clock.advance(39 * HOUR); // 49 h of silence
    await runWatch(t.deps);
    await runWatch(t.deps);
    await t.worker.drain();
    expect(await emails(coloradan.id, 'delayed')).toHaveLength(1);
    expect(await emails(texan.id, 'delayed')).toHaveLength(1);
  });
});

describe('late by our own estimate', () => {
  it('gives a parcel without a carrier window ours at shipping, and says "running late" once when it passes', async () => {
    // Atlanta: a lane with no history yet, so daily scans are not stalls.
    const order = await placeOrder({ line1: '77 Peachtree St', city: 'Atlanta', region: 'GA', postalCode: '30303', country: 'US' });
    const shipment = await upsShipment(order.id);
    await scan(shipment.id, t.clock.now());
    await t.worker.drain();
    const row = await t.deps.db.selectFrom('shipments').select(['estimated_from', 'estimated_to']).where('id', '=', shipment.id).executeTakeFirstOrThrow();
    expect(row.estimated_to).toMatch(/^\d{4}-\d{2}-\d{2}T20:00:00-0[45]:00$/);
    const shipped = (await emails(order.id, 'shipped'))[0]!;
    expect(shipped.body).toMatch(/Estimated delivery/i);

    // A scan every day, so it never stalls; the window passes.
    while (t.clock.now().getTime() < Date.parse(row.estimated_to!) + 2 * HOUR) {
      await scan(shipment.id, t.clock.now());
      await live(24, 6);
    }
    await live(48, 6);
    const late = await emails(order.id, 'delayed');
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({ occurrence: `since-${compact(row.estimated_to!)}`, state: 'sent' });
    expect(late[0]!.body).not.toMatch(/Estimated delivery/i); // a passed window is not repeated
  });
});

describe('the carrier moves the window', () => {
  /** The same clock time `days` later, in the same offset. */
  const shift = (iso: string, days: number) => `${new Date(Date.parse(iso.slice(0, 10)) + days * 24 * HOUR).toISOString().slice(0, 10)}${iso.slice(10)}`;

  it('later than before and than promised: "running late", once per new day; earlier or the same day: nothing', async () => {
    const order = await placeOrder();
    const shipment = await upsShipment(order.id);
    await t.worker.drain();
    const promise = await t.deps.db.selectFrom('orders').select(['estimated_from', 'estimated_to']).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(promise.estimated_to).toBeTruthy();
    const post = async (estimatedDelivery: { from: string; to: string }) => {
      t.clock.advance(HOUR);
      const res = await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [{ status: 'in_transit', occurredAt: t.clock.now().toISOString() }], estimatedDelivery });
      expect(res.status).toBe(200);
      await t.worker.drain();
    };
    const first = { from: promise.estimated_from!, to: shift(promise.estimated_from!, 0).replace(/T.*/, promise.estimated_to!.slice(10)) };
    await post(first);
    expect(await emails(order.id, 'delayed')).toEqual([]);

    // Later than the carrier said, but still inside the promise: nothing to tell.
    await post({ from: promise.estimated_from!, to: promise.estimated_to! });
    expect(await emails(order.id, 'delayed')).toEqual([]);

    const later = { from: shift(promise.estimated_to!, 2).replace(/T.*/, promise.estimated_from!.slice(10)), to: shift(promise.estimated_to!, 2) };
    await post(later);
    await post(later); // the carrier repeating itself
    await post({ from: later.to.replace(/T.*/, 'T09:00:00' + later.to.slice(19)), to: later.to.replace(/T.*/, 'T12:00:00' + later.to.slice(19)) }); // new hours, same day
    await post(first); // earlier again: good news is not a delay
    const delayed = await emails(order.id, 'delayed');
    expect(delayed.map((m) => m.occurrence)).toEqual([`until-${later.to.slice(0, 10)}`]);
    expect(delayed[0]!.state).toBe('sent');
  });

  const day = (offsetDays: number, hours: string) => `${new Date(t.clock.now().getTime() + offsetDays * 24 * HOUR).toISOString().slice(0, 10)}T${hours}-05:00`;

  it('a window ending before the promised one begins: "ahead of schedule", once', async () => {
    const order = await placeOrder(destinations.austin, { shipBy: new Date(t.clock.now().getTime() + 12 * HOUR).toISOString() });
    await t.worker.drain(); // the confirmation promises its window
    const shipment = await upsShipment(order.id);
    const tomorrow = { from: day(1, '08:00:00'), to: day(1, '20:00:00') };
    await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [{ status: 'info_received', occurredAt: t.clock.now().toISOString() }], estimatedDelivery: tomorrow });
    await t.worker.drain();
    const early = await emails(order.id, 'shipped_early');
    expect(early.map((m) => m.state)).toEqual(['sent']);
    expect(early[0]!.subject).toMatch(/ahead of schedule/);
    // One email for the moment: "ahead of schedule" says it shipped, with the carrier and the number.
    expect(early[0]!.body).toMatch(/UPS[\s\S]*WATCH\d{8}/);
    expect((await emails(order.id, 'shipped')).map((m) => [m.state, m.heldReason])).toEqual([['held', 'combined']]);
  });

  it('a window that had already ended when it arrived (history being loaded): recorded, never sent', async () => {
    const order = await placeOrder(destinations.austin, { shipBy: new Date(t.clock.now().getTime() + 12 * HOUR).toISOString() });
    await t.worker.drain();
    const shipment = await upsShipment(order.id);
    const past = { from: day(-3, '08:00:00'), to: day(-2, '20:00:00') };
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [{ status: 'in_transit', occurredAt: new Date(t.clock.now().getTime() - 5 * 24 * HOUR).toISOString() }], estimatedDelivery: past });
    expect(res.status).toBe(200);
    await t.worker.drain();
    const news = [...(await emails(order.id, 'shipped_early')), ...(await emails(order.id, 'delayed'))];
    expect(news.filter((m) => m.state !== 'held')).toEqual([]);
    expect(news.every((m) => m.heldReason === 'stale')).toBe(true);
  });
});

describe('after a delay message of the carrier’s window, the silence counts as announced', () => {
  it('a window moved later by a poll that brings no new scan, then a long silence: one "running late" email, not two', async () => {
    // Denver: a lane with no history, so a stall is 48 h of silence.
    const order = await placeOrder(destinations.denver);
    const shipment = await upsShipment(order.id);
    const lastScan = t.clock.now(); // "9 Mar 15:00Z"
    const event = { status: 'in_transit', occurredAt: lastScan.toISOString(), location: { city: 'Columbus', region: 'OH', country: 'US' } };
    expect((await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [event] })).status).toBe(200);
    await t.worker.drain();
    const promise = await t.deps.db.selectFrom('orders').select('estimated_to').where('id', '=', order.id).executeTakeFirstOrThrow();

    // 40 h later ("11 Mar 07:00Z") a poll returns the same scan, with the window moved two weeks on.
    t.clock.set(new Date(lastScan.getTime() + 40 * HOUR).toISOString());
    const later = (hours: string) => `${new Date(lastScan.getTime() + 16 * 24 * HOUR).toISOString().slice(0, 10)}T${hours}-06:00`;
    expect(later('20:00:00') > promise.estimated_to!).toBe(true);
    expect((await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [event], estimatedDelivery: { from: later('08:00:00'), to: later('20:00:00') } })).status).toBe(200);
    await t.worker.drain();
    expect((await emails(order.id, 'delayed')).map((m) => [m.occurrence, m.state])).toEqual([[`until-${later('').slice(0, 10)}`, 'sent']]);

    // 49 h of silence ("11 Mar 16:00Z"): the stall is the same wait the customer was just told of.
    t.clock.set(new Date(lastScan.getTime() + 49 * HOUR).toISOString());
    await runWatch(t.deps);
    await t.worker.drain();
    expect(await emails(order.id, 'delayed')).toHaveLength(1);
    const memory = await t.deps.db.selectFrom('shipment_watch').selectAll().where('shipment_id', '=', shipment.id).executeTakeFirstOrThrow();
    expect(memory).toMatchObject({ stalled_since: expect.any(String), late_for: later('20:00:00') });
    expect(Date.parse(memory.stalled_since!)).toBe(lastScan.getTime());

    // A new scan and a new silence are news again.
    await scan(shipment.id, t.clock.now());
    await t.worker.drain();
    t.clock.advance(49 * HOUR);
    await runWatch(t.deps);
    await t.worker.drain();
    expect(await emails(order.id, 'delayed')).toHaveLength(2);
  });
});

describe('a parcel the carrier took out of delivered', () => {
  it('is not watched during the detour: no "running late" for its silence until it settles', async () => {
    const order = await placeOrder(destinations.denver);
    const shipment = await upsShipment(order.id);
    const at = (hours: number) => new Date(t.clock.now().getTime() + hours * HOUR).toISOString();
    expect((await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [{ status: 'in_transit', occurredAt: at(0) }, { status: 'delivered', occurredAt: at(1) }, { status: 'in_transit', occurredAt: at(2) }] })).status).toBe(200);
    await t.worker.drain();
    expect(await t.deps.db.selectFrom('shipments').select(['status', 'correction']).where('id', '=', shipment.id).executeTakeFirstOrThrow()).toEqual({ status: 'in_transit', correction: 1 });
    t.clock.advance(60 * HOUR);
    await runWatch(t.deps);
    await t.worker.drain();
    expect(await emails(order.id, 'delayed')).toEqual([]);
  });
});

describe('the daily digest', () => {
  it('tells where the parcel reached, in the evening on the customer’s clock', async () => {
    const order = await placeOrder();
    const shipment = await upsShipment(order.id);
    // 15:00 UTC is 09:00 in Austin.
    t.clock.set(new Date(Math.ceil(t.clock.now().getTime() / (24 * HOUR)) * 24 * HOUR + 15 * HOUR).toISOString());
    await scan(shipment.id, t.clock.now());
    await t.worker.drain();
    await runWatch(t.deps);
    expect(await emails(order.id, 'in_transit_digest')).toEqual([]);
    t.clock.advance(9 * HOUR); // 18:00 in Austin
    await runWatch(t.deps);
    await runWatch(t.deps);
    await t.worker.drain();
    const digests = await emails(order.id, 'in_transit_digest');
    expect(digests).toHaveLength(1);
    expect(digests[0]).toMatchObject({ state: 'sent' });
    expect(digests[0]!.body).toContain('Columbus, OH');
  });

  it('is not sent when the brand switches it off', async () => {
    const off = await t.request('PATCH', '/v1/brand/settings', { notifications: { channels: { in_transit_digest: { email: false } } } });
    expect(off.status).toBe(200);
    const order = await placeOrder();
    const shipment = await upsShipment(order.id);
    await scan(shipment.id, t.clock.now());
    await t.worker.drain();
    t.clock.advance(12 * HOUR);
    await runWatch(t.deps);
    await t.worker.drain();
    expect((await messagesOf(order.id)).filter((m) => m.milestone === 'in_transit_digest')).toEqual([]);
    await t.request('PATCH', '/v1/brand/settings', { notifications: { channels: { in_transit_digest: { email: true } } } });
  });

  it('refuses a digest time that is not a time of day, and a stall default out of range', async () => {
    const bad = await t.request('PATCH', '/v1/brand/settings', { notifications: { digestTime: '25:00', stallAfterHours: 1 } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details.map((d: { field: string }) => d.field).sort()).toEqual(['notifications.digestTime', 'notifications.stallAfterHours']);
  });
});
