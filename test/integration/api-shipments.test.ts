import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrand } from '../../src/brands/repo.js';
import type { TrackingEventInput } from '../../src/carriers/types.js';
import { ingestEvents } from '../../src/shipments/ingest.js';
import type { EventSource } from '../../src/shipments/vocabulary.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

async function newOrder() {
  const res = await t.request('POST', '/v1/orders', orderBody());
  expect(res.status).toBe(201);
  return res.json.id as string;
}

let upsCounter = 0;
/** A UPS 1Z number with a correct check digit (mod 10 over the 15 characters after 1Z). */
function upsNumber(): string {
  upsCounter += 1;
  const body = `12345E${String(upsCounter).padStart(9, '0')}`;
  const values = [...body].map((ch) => (/\d/.test(ch) ? Number(ch) : (ch.charCodeAt(0) - 3) % 10));
  const sum = values.reduce((acc, v, i) => acc + (i % 2 === 1 ? v * 2 : v), 0);
  return `1Z${body}${(10 - (sum % 10)) % 10}`;
}

async function newShipment(extra: Record<string, unknown> = {}) {
  const orderId = await newOrder();
  const res = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'ups', trackingNumber: upsNumber(), ...extra });
  expect(res.status).toBe(201);
  return res.json as { id: string; trackingNumber: string; orderId: string };
}

const ev = (status: string, occurredAt: string | null, extra: Record<string, unknown> = {}) => ({ status, occurredAt, ...extra });

describe('shipments', () => {
  it('creates a pending shipment with a carrier and tracking number, normalizing the number', async () => {
    const orderId = await newOrder();
    const number = upsNumber();
    const res = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'UPS', trackingNumber: ` ${number.toLowerCase().slice(0, 6)} ${number.slice(6).toLowerCase()} ` });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ carrier: 'ups', trackingNumber: number, status: 'pending', direction: 'outbound', delayed: false, correction: false });
    const order = await t.request('GET', `/v1/orders/${orderId}`);
    expect(order.json.shipments.map((s: { id: string }) => s.id)).toEqual([res.json.id]);
  });

  it('detects the carrier when none is named, and refuses a number that fits no format', async () => {
    const orderId = await newOrder();
    const detected = await t.request('POST', `/v1/orders/${orderId}/shipments`, { trackingNumber: upsNumber() });
    expect(detected.status).toBe(201);
    expect(detected.json.carrier).toBe('ups');

    const wrongDigit = upsNumber().slice(0, -1) + '0';
    const fixed = upsNumber();
    void fixed;
    const unknown = await t.request('POST', `/v1/orders/${orderId}/shipments`, { trackingNumber: 'HELLO-WORLD-123' });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.message).toMatch(/fits no known carrier format/);
    expect(unknown.json.error.details[0].field).toBe('trackingNumber');

    const named = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'ups', trackingNumber: 'HELLO-WORLD-123' });
    expect(named.status).toBe(201);
    void wrongDigit;
  });

  it('refuses unknown carriers, missing tracking numbers and labels from carriers without label support', async () => {
    const orderId = await newOrder();
    const unknown = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'pigeon-post', trackingNumber: '123' });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.details[0]).toMatchObject({ field: 'carrier' });
    const missing = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'ups' });
    expect(missing.status).toBe(422);
    expect(missing.json.error.details[0]).toMatchObject({ field: 'trackingNumber' });
    const label = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'ontrac', label: true });
    expect(label.status).toBe(422);
    expect(label.json.error.details[0]).toMatchObject({ field: 'carrier' });
    expect(label.json.error.message).toMatch(/cannot buy ontrac labels/);
  });

  it('refuses the same carrier and tracking number twice with 409', async () => {
    const shipment = await newShipment();
    const orderId = await newOrder();
    const again = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'ups', trackingNumber: shipment.trackingNumber });
    expect(again.status).toBe(409);
  });

  it('returns 404 for a foreign order or shipment', async () => {
    const { apiKey } = await createBrand(t.deps.db, t.clock.now(), { name: 'Intruder' });
    const shipment = await newShipment();
    const auth = { authorization: `Bearer ${apiKey}` };
    expect((await t.request('GET', `/v1/shipments/${shipment.id}`, undefined, auth)).status).toBe(404);
    expect((await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('delivered', '2026-03-02T10:00:00Z')] }, auth)).status).toBe(404);
    expect((await t.request('POST', `/v1/orders/${shipment.orderId}/shipments`, { carrier: 'ups', trackingNumber: upsNumber() }, auth)).status).toBe(404);
    const mine = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(mine.json.status).toBe('pending');
  });
});

describe('listing shipments', () => {
  it('finds a shipment by tracking number, with or without its carrier, as the number is stored', async () => {
    const ups = await newShipment();
    const other = await newShipment();
    const byNumber = await t.request('GET', `/v1/shipments?trackingNumber=${ups.trackingNumber}`);
    expect(byNumber.status).toBe(200);
    expect(byNumber.json.data.map((s: { id: string }) => s.id)).toEqual([ups.id]);
    const spaced = `${ups.trackingNumber.slice(0, 6).toLowerCase()} ${ups.trackingNumber.slice(6)}`;
    const withCarrier = await t.request('GET', `/v1/shipments?carrier=UPS&trackingNumber=${encodeURIComponent(spaced)}`);
    expect(withCarrier.json.data.map((s: { id: string }) => s.id)).toEqual([ups.id]);
    expect((await t.request('GET', `/v1/shipments?carrier=fedex&trackingNumber=${ups.trackingNumber}`)).json.data).toEqual([]);
    expect((await t.request('GET', '/v1/shipments?trackingNumber=SIM1289363958198')).json.data).toEqual([]);
    const byCarrier = await t.request('GET', '/v1/shipments?carrier=ups&limit=200');
    expect(byCarrier.json.data.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining([ups.id, other.id]));
  });

  it('refuses an unknown carrier as a POST body does, and query parameters it does not know', async () => {
    const unknown = await t.request('GET', '/v1/shipments?carrier=nosuch');
    expect(unknown.status).toBe(422);
    expect(unknown.json.error).toMatchObject({ code: 'validation_failed', message: 'unknown carrier "nosuch"' });
    expect(unknown.json.error.details).toEqual([{ field: 'carrier', problem: expect.stringMatching(/^must be one of: simulated, ups, fedex/) }]);
    const orderId = await newOrder();
    const posted = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'nosuch', trackingNumber: '123' });
    expect(posted.json.error.details).toEqual(unknown.json.error.details);

    const misspelt = await t.request('GET', '/v1/shipments?tracking=SIM1289363958198');
    expect(misspelt.status).toBe(422);
    expect(misspelt.json.error.message).toContain('"tracking"');
    expect(misspelt.json.error.details[0].problem).toContain('status, carrier, trackingNumber, limit, cursor');
  });

  it('describes the lookups in /openapi.json', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, { get: { parameters: Array<{ name: string; description?: string }> } }> };
    const names = (path: string) => doc.paths[path]!.get.parameters.map((p) => p.name);
    expect(names('/orders')).toEqual(expect.arrayContaining(['number', 'status', 'placedAfter', 'placedBefore', 'limit', 'cursor']));
    expect(names('/shipments')).toEqual(expect.arrayContaining(['trackingNumber', 'carrier', 'status', 'limit', 'cursor']));
    expect(doc.paths['/shipments']!.get.parameters.find((p) => p.name === 'trackingNumber')!.description).toMatch(/tracking number/i);
  });

  it('publishes no schema that combines closed objects (allOf of parts that each refuse the others’ fields), nor parts that describe one field twice', async () => {
    type Schema = { allOf?: Schema[]; $ref?: string; additionalProperties?: unknown; properties?: Record<string, unknown> };
    const doc = (await (await t.app.request('/openapi.json')).json()) as { components: { schemas: Record<string, Schema> } };
    const resolve = (s: Schema): Schema => (s.$ref ? doc.components.schemas[s.$ref.split('/').pop()!]! : s);
    // A closed part refuses every field the other parts add.
    const impossible = Object.entries(doc.components.schemas).filter(([, { allOf = [] }]) => allOf.length > 1 && allOf.some((part) => resolve(part).additionalProperties === false));
    expect(impossible.map(([name]) => name)).toEqual([]);
    // Nor one whose parts both describe a field: a value must then pass both (a null imageUrl
    // answered by the catalogue would fail the part that says it is a URL).
    const twice = Object.entries(doc.components.schemas).flatMap(([name, { allOf = [] }]) => {
      const fields = allOf.flatMap((part) => Object.keys(resolve(part).properties ?? {}));
      return fields.filter((field, i) => fields.indexOf(field) !== i).map((field) => `${name}.${field}`);
    });
    expect(twice).toEqual([]);
    const batchEvent = doc.components.schemas.BatchEvent!;
    expect(Object.keys(batchEvent.properties!)).toEqual(expect.arrayContaining(['carrier', 'trackingNumber', 'status', 'occurredAt']));
    expect(batchEvent.additionalProperties).toBe(false);
  });
});

describe('tracking events', () => {
  it('folds posted events into the status and returns the timeline oldest first', async () => {
    const shipment = await newShipment();
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/events`, {
      events: [
        ev('in_transit', '2026-03-01T18:00:00-05:00', { carrierText: 'Departed facility', location: { city: 'Columbus', region: 'OH', country: 'US' } }),
        ev('info_received', '2026-03-01T10:00:00-05:00', { carrierText: 'Label created' }),
      ],
      estimatedDelivery: { from: '2026-03-04T08:00:00-06:00', to: '2026-03-04T20:00:00-06:00' },
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ stored: 2, duplicates: 0, shipment: { status: 'in_transit', estimatedDelivery: { from: '2026-03-04T08:00:00-06:00' } } });
    const got = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(got.json.events.map((e: { status: string }) => e.status)).toEqual(['info_received', 'in_transit']);
    expect(got.json.events[1]).toMatchObject({ occurredAt: '2026-03-01T18:00:00-05:00', carrierText: 'Departed facility', location: { city: 'Columbus' }, source: 'manual' });
  });

  it('stores the same event once however often it arrives, and a stale one never moves the status back', async () => {
    const shipment = await newShipment();
    const delivered = ev('delivered', '2026-03-02T14:00:00Z', { carrierCode: 'D', carrierText: 'Delivered' });
    const first = await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [delivered, delivered] });
    expect(first.json).toMatchObject({ stored: 1, duplicates: 1 });
    const again = await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [delivered, ev('in_transit', '2026-03-01T09:00:00Z')] });
    expect(again.json).toMatchObject({ stored: 1, duplicates: 1, shipment: { status: 'delivered', correction: false } });
    const byId = await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('delivered', '2026-03-02T14:00:00Z', { eventId: 'carrier-evt-1' })] });
    const byIdAgain = await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('delivered', '2026-03-02T14:00:00Z', { eventId: 'carrier-evt-1' })] });
    expect(byId.json.stored).toBe(1);
    expect(byIdAgain.json).toMatchObject({ stored: 0, duplicates: 1 });
  });

  it('applies a newer event that leaves delivered and flags it as a correction', async () => {
    const shipment = await newShipment();
    await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('delivered', '2026-03-02T14:00:00Z')] });
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('out_for_delivery', '2026-03-02T16:00:00Z')] });
    expect(res.json.shipment).toMatchObject({ status: 'out_for_delivery', correction: true });
  });

  it('stores an event without a time but does not fold it', async () => {
    const shipment = await newShipment();
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('delivered', null, { carrierText: 'Delivered (no time given)' })] });
    expect(res.json).toMatchObject({ stored: 1, shipment: { status: 'pending' } });
  });

  it('refuses impossible timestamps, naming each, and stores none of the request', async () => {
    const shipment = await newShipment();
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/events`, {
      events: [ev('in_transit', '2026-03-01T10:00:00Z'), ev('delivered', '2031-01-01T00:00:00Z'), ev('in_transit', '1970-01-01T00:00:00Z')],
    });
    expect(res.status).toBe(422);
    const allowed = '(allowed: 2000-01-01T00:00:00.000Z to 2026-03-03T15:00:00.000Z)';
    expect(res.json.error.details).toEqual([
      { field: 'events.1.occurredAt', problem: `is more than a day in the future ${allowed}` },
      { field: 'events.2.occurredAt', problem: `is before the year 2000 ${allowed}` },
    ]);
    const unreal = await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('in_transit', '2026-03-01T10:00:00Z'), ev('in_transit', '2026-02-30T10:00:00Z')] });
    expect(unreal.status).toBe(422);
    expect(unreal.json.error.details).toEqual([{ field: 'events.1.occurredAt', problem: 'is not a real date-time' }]);
    const got = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(got.json.events).toEqual([]);
  });

  it('keeps a carrier, webhook or CSV event dated far ahead or before 2000 without a usable time, so it never decides the status (ingestEvents)', async () => {
    const shipment = await newShipment();
    const ingest = (source: EventSource, events: TrackingEventInput[]) =>
      t.deps.db.transaction().execute(async (trx) => {
        const row = await trx.selectFrom('shipments').selectAll().where('id', '=', shipment.id).executeTakeFirstOrThrow();
        return (await ingestEvents(trx, t.clock.now(), [{ shipment: row, source, events }]))[0]!;
      });
    await ingest('carrier_poll', [{ status: 'delivered', occurredAt: '2026-03-02T14:00:00Z', carrierCode: 'D', carrierText: 'Delivered' }]);
    const outcomes = [
      await ingest('carrier_webhook', [{ status: 'in_transit', occurredAt: '2099-01-01T00:00:00Z', carrierCode: 'I', carrierText: 'Arrival scan' }]),
      await ingest('csv', [{ status: 'exception', occurredAt: '2026-03-04T15:00:01Z', carrierText: 'Two days ahead' }]),
      await ingest('carrier_poll', [{ status: 'in_transit', occurredAt: '1970-01-01T00:00:00Z', carrierText: 'Epoch zero' }]),
    ];
    expect(outcomes.map((o) => [o.stored, o.after.status, o.statusChanged])).toEqual([
      [1, 'delivered', false],
      [1, 'delivered', false],
      [1, 'delivered', false],
    ]);
    // Within a day ahead (a carrier clock a little fast) the time still counts.
    const fast = await ingest('carrier_poll', [{ status: 'returning_to_sender', occurredAt: '2026-03-03T14:00:00Z', carrierText: 'Return to sender' }]);
    expect(fast.after.status).toBe('returning_to_sender');

    const stored = await t.deps.db.selectFrom('tracking_events').select(['carrier_code', 'carrier_text', 'occurred_at', 'occurred_at_raw']).where('shipment_id', '=', shipment.id).execute();
    expect(stored).toEqual(
      expect.arrayContaining([
        { carrier_code: 'I', carrier_text: 'Arrival scan', occurred_at: null, occurred_at_raw: '2099-01-01T00:00:00Z' },
        { carrier_code: null, carrier_text: 'Two days ahead', occurred_at: null, occurred_at_raw: '2026-03-04T15:00:01Z' },
        { carrier_code: null, carrier_text: 'Epoch zero', occurred_at: null, occurred_at_raw: '1970-01-01T00:00:00Z' },
      ]),
    );
    // Sent again, the far-future event is the same event: a duplicate, not a second row.
    expect((await ingest('carrier_webhook', [{ status: 'in_transit', occurredAt: '2099-01-01T00:00:00Z', carrierCode: 'I', carrierText: 'Arrival scan' }])).duplicates).toBe(1);
    const row = await t.deps.db.selectFrom('shipments').select('last_event_at').where('id', '=', shipment.id).executeTakeFirstOrThrow();
    expect(row.last_event_at).toBe('2026-03-03T14:00:00.000Z');
  });

  it('refuses an impossible estimated delivery window, naming the field and the range allowed, and stores nothing', async () => {
    const shipment = await newShipment();
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/events`, {
      events: [ev('in_transit', '2026-03-01T10:00:00Z')],
      estimatedDelivery: { from: '2026-03-04T08:00:00Z', to: '9999-12-31T23:59:59Z' },
    });
    expect(res.status).toBe(422);
    expect(res.json.error.details).toEqual([{ field: 'estimatedDelivery.to', problem: 'is more than a year in the future (allowed: 2000-01-01T00:00:00.000Z to 2027-03-03T15:00:00.000Z)' }]);
    expect(res.json.error.message).toContain('estimatedDelivery.to');
    // A window that ends before it starts.
    const backwards = await t.request('POST', `/v1/shipments/${shipment.id}/events`, {
      events: [ev('in_transit', '2026-03-01T10:00:00Z')],
      estimatedDelivery: { from: '2026-03-05T08:00:00Z', to: '2026-03-04T20:00:00Z' },
    });
    expect(backwards.status).toBe(422);
    expect(backwards.json.error.details).toEqual([{ field: 'estimatedDelivery.to', problem: 'is before estimatedDelivery.from (2026-03-05T08:00:00Z)' }]);
    const got = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(got.json).toMatchObject({ events: [], estimatedDelivery: null });
  });

  it('refuses unknown statuses and reasons', async () => {
    const shipment = await newShipment();
    const res = await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('teleported', '2026-03-01T10:00:00Z'), ev('exception', '2026-03-01T10:00:00Z', { reason: 'gremlins' })] });
    expect(res.status).toBe(422);
    expect(res.json.error.details.map((d: { field: string }) => d.field)).toEqual(['events.0.status', 'events.1.reason']);
  });

  it('enqueues one status-change job per change, in the same transaction', async () => {
    const shipment = await newShipment();
    await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('in_transit', '2026-03-01T10:00:00Z')] });
    await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('in_transit', '2026-03-01T10:00:00Z')] }); // duplicate: no change
    await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('in_transit', '2026-03-01T20:00:00Z')] }); // new scan, same status: no change
    await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('delivered', '2026-03-02T10:00:00Z')] });
    const jobs = await t.deps.db.selectFrom('jobs').selectAll().where('kind', '=', 'shipment.status_changed').execute();
    const mine = jobs.map((j) => JSON.parse(j.payload)).filter((p) => p.shipmentId === shipment.id);
    expect(mine.map((p) => p.to.status)).toEqual(['in_transit', 'delivered']);
  });
});

describe('concurrent ingestion', () => {
  it('folds concurrent posts to one shipment without losing any', async () => {
    const shipment = await newShipment();
    const statuses = ['in_transit', 'in_transit', 'in_transit', 'out_for_delivery', 'in_transit', 'in_transit'];
    const posts = Array.from({ length: 24 }, (_, i) =>
      t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev(i === 23 ? 'delivered' : statuses[i % statuses.length]!, `2026-03-01T${String(i).padStart(2, '0')}:00:00Z`)] }),
    );
    const results = await Promise.all(posts);
    expect(results.every((r) => r.status === 200)).toBe(true);
    const got = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(got.json.status).toBe('delivered');
    expect(got.json.events).toHaveLength(24);
    const row = await t.deps.db.selectFrom('shipments').select(['event_count', 'last_event_at']).where('id', '=', shipment.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ event_count: 24, last_event_at: '2026-03-01T23:00:00.000Z' });
  });
});

describe('batch events', () => {
  it('takes events keyed by carrier and tracking number, answering per event', async () => {
    const a = await newShipment();
    const b = await newShipment();
    const res = await t.request('POST', '/v1/events/batch', {
      events: [
        { carrier: 'ups', trackingNumber: a.trackingNumber, ...ev('in_transit', '2026-03-01T10:00:00Z') },
        { carrier: 'UPS', trackingNumber: b.trackingNumber.toLowerCase(), ...ev('delivered', '2026-03-02T10:00:00Z') },
        { carrier: 'ups', trackingNumber: a.trackingNumber, ...ev('in_transit', '2026-03-01T10:00:00Z') },
        { carrier: 'ups', trackingNumber: '1ZNOTKNOWN0000000', ...ev('in_transit', '2026-03-01T10:00:00Z') },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ stored: 2, duplicates: 1, unknown: 1 });
    expect(res.json.results.map((r: { outcome: string }) => r.outcome)).toEqual(['stored', 'stored', 'duplicate', 'unknown_shipment']);
    expect((await t.request('GET', `/v1/shipments/${b.id}`)).json.status).toBe('delivered');
  });

  it('answers for each event whether that event was stored: an already known one among new ones, and a copy within the request', async () => {
    const a = await newShipment();
    const known = { carrier: 'ups', trackingNumber: a.trackingNumber, ...ev('in_transit', '2026-03-01T10:00:00Z'), eventId: 'scan-known' };
    expect((await t.request('POST', '/v1/events/batch', { events: [known] })).json).toMatchObject({ stored: 1 });
    const fresh = { ...known, ...ev('out_for_delivery', '2026-03-02T08:00:00Z'), eventId: 'scan-new' };
    const later = { ...known, ...ev('delivered', '2026-03-02T15:00:00Z'), eventId: 'scan-later' };
    const res = await t.request('POST', '/v1/events/batch', { events: [known, fresh, fresh, later] });
    expect(res.json).toMatchObject({ stored: 2, duplicates: 2, unknown: 0 });
    expect(res.json.results.map((r: { outcome: string }) => r.outcome)).toEqual(['duplicate', 'stored', 'duplicate', 'stored']);
  });

  it('refuses an event for a carrier Waybill does not know, naming it, and stores none of the batch', async () => {
    const a = await newShipment();
    const res = await t.request('POST', '/v1/events/batch', {
      events: [
        { carrier: 'ups', trackingNumber: a.trackingNumber, ...ev('in_transit', '2026-03-01T10:00:00Z') },
        { carrier: 'upss', trackingNumber: a.trackingNumber, ...ev('in_transit', '2026-03-01T11:00:00Z') },
      ],
    });
    expect(res.status).toBe(422);
    expect(res.json.error.message).toContain('unknown carrier "upss"');
    expect(res.json.error.details).toEqual([{ field: 'events.1.carrier', problem: expect.stringMatching(/^must be one of: .*\bups\b/) }]);
    expect((await t.request('GET', `/v1/shipments/${a.id}`)).json.events).toEqual([]);
  });

  it('sets apart a shipment whose events cannot be processed, stores the rest, and answers which failed', async () => {
    const [a, damaged, b] = [await newShipment(), await newShipment(), await newShipment()];
    const { fold_state: foldState } = await t.deps.db.selectFrom('shipments').select('fold_state').where('id', '=', damaged.id).executeTakeFirstOrThrow();
    await t.deps.db.updateTable('shipments').set({ fold_state: '{ damaged' }).where('id', '=', damaged.id).execute();
    const scan = (shipment: { trackingNumber: string }, at: string) => ({ carrier: 'ups', trackingNumber: shipment.trackingNumber, ...ev('in_transit', at) });
    const events = [scan(a, '2026-03-01T10:00:00Z'), scan(damaged, '2026-03-01T10:00:00Z'), scan(b, '2026-03-01T11:00:00Z'), scan(damaged, '2026-03-01T12:00:00Z'), { ...scan(b, '2026-03-01T11:00:00Z') }];

    const res = await t.request('POST', '/v1/events/batch', { events });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ stored: 2, duplicates: 1, unknown: 0, failed: 2 });
    expect(res.json.results.map((r: { outcome: string }) => r.outcome)).toEqual(['stored', 'failed', 'stored', 'failed', 'duplicate']);
    expect(res.json.results[1]).toEqual({ index: 1, shipmentId: null, outcome: 'failed', error: expect.stringMatching(/^not stored: .*send them again later$/) });
    expect((await t.request('GET', `/v1/shipments/${a.id}`)).json.status).toBe('in_transit');
    expect((await t.request('GET', `/v1/shipments/${b.id}`)).json.events).toHaveLength(1);
    expect(await t.deps.db.selectFrom('tracking_events').select('id').where('shipment_id', '=', damaged.id).execute()).toEqual([]);

    // Mended, the same events are taken: the failed ones stored, the others known.
    await t.deps.db.updateTable('shipments').set({ fold_state: foldState }).where('id', '=', damaged.id).execute();
    const again = await t.request('POST', '/v1/events/batch', { events });
    expect(again.json).toMatchObject({ stored: 2, duplicates: 3, unknown: 0, failed: 0 });
    expect((await t.request('GET', `/v1/shipments/${damaged.id}`)).json.events).toHaveLength(2);
  });

  it('answers 500 and stores nothing when every shipment of the batch fails alone too', async () => {
    const [a, b] = [await newShipment(), await newShipment()];
    await t.deps.db.updateTable('shipments').set({ fold_state: '{ damaged' }).where('id', 'in', [a.id, b.id]).execute();
    const res = await t.request('POST', '/v1/events/batch', {
      events: [a, b].map((s) => ({ carrier: 'ups', trackingNumber: s.trackingNumber, ...ev('in_transit', '2026-03-01T10:00:00Z') })),
    });
    expect(res.status).toBe(500);
    expect(res.json.error.code).toBe('internal');
    expect(await t.deps.db.selectFrom('tracking_events').select('id').where('shipment_id', 'in', [a.id, b.id]).execute()).toEqual([]);
  });

  it('refuses more than 1,000 events', async () => {
    const events = Array.from({ length: 1001 }, () => ({ carrier: 'ups', trackingNumber: 'X', ...ev('in_transit', '2026-03-01T10:00:00Z') }));
    const res = await t.request('POST', '/v1/events/batch', { events });
    expect(res.status).toBe(422);
    expect(res.json.error.details[0].field).toBe('events');
  });
});

describe('commands', () => {
  it('cancels a label before pickup and refuses to cancel one in transit', async () => {
    const early = await newShipment();
    await t.request('POST', `/v1/shipments/${early.id}/events`, { events: [ev('info_received', '2026-03-01T10:00:00Z')] });
    const cancelled = await t.request('POST', `/v1/shipments/${early.id}/commands`, { command: 'cancel' });
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ status: 'cancelled', reason: 'cancelled_by_sender' });

    const moving = await newShipment();
    await t.request('POST', `/v1/shipments/${moving.id}/events`, { events: [ev('in_transit', '2026-03-01T10:00:00Z')] });
    const refused = await t.request('POST', `/v1/shipments/${moving.id}/commands`, { command: 'cancel' });
    expect(refused.status).toBe(409);
    expect(refused.json.error.code).toBe('invalid_transition');
    expect((await t.request('GET', `/v1/shipments/${moving.id}`)).json.status).toBe('in_transit');
  });

  it('marks lost and marks delivered, even when the carrier clock runs ahead', async () => {
    const shipment = await newShipment();
    // A scan stamped an hour after "now": the command must still win.
    await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [ev('in_transit', '2026-03-02T16:00:00Z')] });
    const lost = await t.request('POST', `/v1/shipments/${shipment.id}/commands`, { command: 'mark_lost' });
    expect(lost.json).toMatchObject({ status: 'exception', reason: 'lost' });
    const found = await t.request('POST', `/v1/shipments/${shipment.id}/commands`, { command: 'mark_delivered' });
    expect(found.json).toMatchObject({ status: 'delivered', reason: null });
    const unknown = await t.request('POST', `/v1/shipments/${shipment.id}/commands`, { command: 'teleport' });
    expect(unknown.status).toBe(422);
  });
});
