// The hot paths (shipment reads, event ingestion) run precompiled SQL beside Kysely on the same
// database. They must answer exactly what the Kysely-built queries answer, and must never run
// inside, or see the uncommitted work of, a Kysely transaction that is waiting on something else.
import type { Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipmentJson } from '../../src/api/serialize.js';
import { createBrand } from '../../src/brands/repo.js';
import type { Database } from '../../src/db/schema.js';
import { findShipment, listEvents } from '../../src/shipments/service.js';
import { createTestContext, dialectUnderTest, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

let numbers = 0;
async function newShipment() {
  const order = await t.request('POST', '/v1/orders', orderBody());
  numbers += 1;
  const res = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'ups', trackingNumber: `HOT${String(numbers).padStart(8, '0')}` });
  expect(res.status).toBe(201);
  return res.json as { id: string; trackingNumber: string };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

/**
 * A Kysely transaction that writes `write(trx)` and then waits, uncommitted, until `finish()` is
 * called; it then rolls back (`commit: false`) or commits.
 */
function slowTransaction(write: (trx: Transaction<Database>) => Promise<unknown>, commit: boolean) {
  let finish!: () => void;
  const gate = new Promise<void>((resolve) => (finish = resolve));
  const done = t.deps.db
    .transaction()
    .execute(async (trx) => {
      await write(trx);
      await gate;
      if (!commit) throw new Error('rolled back on purpose');
    })
    .catch((error: Error) => {
      if (error.message !== 'rolled back on purpose') throw error;
    });
  return { finish, done };
}

describe('GET /v1/shipments/{id}', () => {
  it('answers exactly what the Kysely queries give, timeline order and types included', async () => {
    const shipment = await newShipment();
    const events = [
      { status: 'in_transit', occurredAt: '2026-03-01T18:00:00-05:00', location: { city: 'Columbus', region: 'OH', country: 'US', lat: 39.96, lon: -83 }, carrierCode: 'IT', carrierText: 'Departed' },
      { status: 'delivered', occurredAt: null, carrierText: 'No time given' },
      { status: 'info_received', occurredAt: '2026-03-01T10:00:00Z', delayed: true },
      { status: 'exception', reason: 'weather', occurredAt: '2026-03-01T20:00:00Z', eventId: 'x-1' },
    ];
    expect((await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events, estimatedDelivery: { from: '2026-03-04T08:00:00-06:00', to: '2026-03-04T20:00:00-06:00' } })).status).toBe(200);
    const got = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(got.status).toBe(200);
    const row = await findShipment(t.deps, t.brand.id, shipment.id);
    const expected = JSON.parse(JSON.stringify(shipmentJson(row, await listEvents(t.deps, shipment.id))));
    expect(got.json).toEqual({ ...expected, label: null }); // a tracking number bought elsewhere has no label (src/labels)
    expect(got.json.events.map((e: { status: string }) => e.status)).toEqual(['info_received', 'exception', 'in_transit', 'delivered']);
    expect(got.json.events[2].location).toEqual({ city: 'Columbus', region: 'OH', country: 'US', lat: 39.96, lon: -83 });
    expect(got.json.events[0].delayed).toBe(true);
  });

  it('answers bad keys, foreign and malformed ids the way every /v1 route does', async () => {
    const shipment = await newShipment();
    const noKey = await t.request('GET', `/v1/shipments/${shipment.id}`, undefined, { authorization: '' });
    expect(noKey.status).toBe(401);
    expect(noKey.json.error).toMatchObject({ code: 'unauthorized', requestId: noKey.headers.get('x-request-id') });
    const { apiKey } = await createBrand(t.deps.db, t.clock.now(), { name: 'Other brand' });
    expect((await t.request('GET', `/v1/shipments/${shipment.id}`, undefined, { authorization: `Bearer ${apiKey}` })).status).toBe(404);
    expect((await t.request('GET', '/v1/shipments/ord_not_a_shipment')).status).toBe(404);
    const long = await t.request('GET', `/v1/shipments/shp_${'x'.repeat(70)}`);
    expect(long.status).toBe(422);
    expect(long.json.error.details).toEqual([{ field: 'shipmentId', problem: expect.stringMatching(/64/) }]);
    const echoed = await t.request('GET', `/v1/shipments/${shipment.id}`, undefined, { 'x-request-id': 'trace-123' });
    expect(echoed.headers.get('x-request-id')).toBe('trace-123');
  });

  it('never shows what a Kysely transaction has written but not committed', async () => {
    const shipment = await newShipment();
    const slow = slowTransaction(
      (trx) =>
        trx
          .insertInto('tracking_events')
          .values({ id: 'evt_uncommitted', shipment_id: shipment.id, brand_id: t.brand.id, dedupe_key: 'k:uncommitted', source: 'manual', status: 'delivered', reason: null, delayed: 0, carrier_code: null, carrier_text: null, location: null, occurred_at: '2026-03-01T10:00:00.000Z', occurred_at_raw: null, recorded_at: '2026-03-01T10:00:00.000Z' })
          .execute(),
      false,
    );
    await tick();
    let answered = false;
    const read = t.request('GET', `/v1/shipments/${shipment.id}`).then((res) => {
      answered = true;
      return res;
    });
    await tick();
    // SQLite has one connection: the read waits for it. PostgreSQL reads the last committed state at once.
    expect(answered).toBe(dialectUnderTest() === 'postgres');
    slow.finish();
    await slow.done;
    const res = await read;
    expect(res.status).toBe(200);
    expect(res.json.events).toEqual([]);
  });
});
