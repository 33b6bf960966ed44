import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrand } from '../../src/brands/repo.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

describe('orders', () => {
  it('creates an order and answers with its id, shipments and tracking page link', async () => {
    const body = orderBody();
    const res = await t.request('POST', '/v1/orders', body);
    expect(res.status).toBe(201);
    expect(res.json.id).toMatch(/^ord_[0-9a-z]{26}$/);
    expect(res.json).toMatchObject({ number: body.number, customer: body.customer, destination: body.destination, items: body.items, shipments: [] });
    expect(res.json.placedAt).toBe('2026-03-01T10:00:00.000Z');
    expect(res.json.trackingPageUrl).toMatch(/^http:\/\/waybill\.test\/t\/ord_/);

    const again = await t.request('GET', `/v1/orders/${res.json.id}`);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(res.json);
  });

  it('answers the same order sent twice with the first one (200), and a reused number for another order with 409', async () => {
    const body = orderBody();
    const first = await t.request('POST', '/v1/orders', body);
    const second = await t.request('POST', '/v1/orders', body);
    expect(second.status).toBe(200);
    expect(second.json.id).toBe(first.json.id);

    const different = await t.request('POST', '/v1/orders', { ...body, items: [{ sku: 'OTHER', name: 'Other', quantity: 2 }] });
    expect(different.status).toBe(409);
    expect(different.json.error.code).toBe('conflict');
    expect(different.json.error.message).toContain(body.number);
    const stored = await t.request('GET', `/v1/orders/${first.json.id}`);
    expect(stored.json.items).toEqual(body.items);
  });

  it('lists orders newest first with cursor pagination and filters', async () => {
    const numbers: string[] = [];
    for (let i = 0; i < 5; i++) {
      const body = orderBody({ placedAt: `2026-02-0${i + 1}T12:00:00Z` });
      numbers.push(body.number);
      expect((await t.request('POST', '/v1/orders', body)).status).toBe(201);
    }
    const page1 = await t.request('GET', '/v1/orders?limit=2&placedBefore=2026-02-06T00:00:00Z');
    expect(page1.status).toBe(200);
    expect(page1.json.data.map((o: { number: string }) => o.number)).toEqual([numbers[4], numbers[3]]);
    const page2 = await t.request('GET', `/v1/orders?limit=2&placedBefore=2026-02-06T00:00:00Z&cursor=${page1.json.nextCursor}`);
    expect(page2.json.data.map((o: { number: string }) => o.number)).toEqual([numbers[2], numbers[1]]);
    const page3 = await t.request('GET', `/v1/orders?limit=2&placedBefore=2026-02-06T00:00:00Z&cursor=${page2.json.nextCursor}`);
    expect(page3.json.data.map((o: { number: string }) => o.number)).toEqual([numbers[0]]);
    expect(page3.json.nextCursor).toBeNull();

    const window = await t.request('GET', '/v1/orders?placedAfter=2026-02-02T00:00:00Z&placedBefore=2026-02-04T00:00:00Z');
    expect(window.json.data.map((o: { number: string }) => o.number)).toEqual([numbers[2], numbers[1]]);

    const bad = await t.request('GET', '/v1/orders?cursor=not-a-cursor');
    expect(bad.status).toBe(422);
    expect(bad.json.error.details[0].field).toBe('cursor');
  });

  it('seals every brand from every other: a foreign order answers 404', async () => {
    const { apiKey: otherKey } = await createBrand(t.deps.db, t.clock.now(), { name: 'Other Brand' });
    const mine = await t.request('POST', '/v1/orders', orderBody());
    const theirs = await t.request('GET', `/v1/orders/${mine.json.id}`, undefined, { authorization: `Bearer ${otherKey}` });
    expect(theirs.status).toBe(404);
    expect(theirs.json.error.code).toBe('not_found');
    const list = await t.request('GET', '/v1/orders', undefined, { authorization: `Bearer ${otherKey}` });
    expect(list.json.data).toEqual([]);
  });
});

describe('bad input to orders', () => {
  it('refuses malformed JSON with 400 and the error body', async () => {
    const res = await t.request('POST', '/v1/orders', '{"number": "A-1", ');
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: 'malformed_json' });
    expect(res.json.error.requestId).toMatch(/\S/);
    expect(res.headers.get('x-request-id')).toBe(res.json.error.requestId);
  });

  it('names each missing or wrong-typed field with 422', async () => {
    const res = await t.request('POST', '/v1/orders', { number: 42, customer: { email: 'not-an-email' }, items: [] });
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('validation_failed');
    const fields = res.json.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['number', 'customer.email', 'destination', 'items', 'placedAt']));
  });

  it('refuses control characters in strings', async () => {
    const res = await t.request('POST', '/v1/orders', orderBody({ number: 'A\u0000B' }));
    expect(res.status).toBe(422);
    expect(res.json.error.details).toContainEqual({ field: 'number', problem: 'must not contain control characters' });
  });

  it('refuses a date without an offset and a country that is not a code', async () => {
    const res = await t.request('POST', '/v1/orders', orderBody({ placedAt: '2026-03-01 10:00', destination: { ...orderBody().destination, country: 'United States' } }));
    expect(res.status).toBe(422);
    const fields = res.json.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['placedAt', 'destination.country']));
  });

  it('refuses bodies that are not JSON (415) and oversized bodies (413)', async () => {
    const text = await t.request('POST', '/v1/orders', 'number=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(text.status).toBe(415);
    expect(text.json.error.code).toBe('unsupported_media_type');
    const huge = await t.request('POST', '/v1/orders', JSON.stringify({ ...orderBody(), padding: 'x'.repeat(6 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    expect(huge.json.error.code).toBe('payload_too_large');
  });

  it('answers a missing or wrong API key with 401', async () => {
    const missing = await t.request('GET', '/v1/orders', undefined, { authorization: '' });
    expect(missing.status).toBe(401);
    expect(missing.json.error.code).toBe('unauthorized');
    const wrong = await t.request('GET', '/v1/orders', undefined, { authorization: 'Bearer wb_not_a_real_key' });
    expect(wrong.status).toBe(401);
  });

  it('answers unknown and malformed ids with 404', async () => {
    expect((await t.request('GET', '/v1/orders/ord_01aaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
    expect((await t.request('GET', '/v1/orders/../../etc')).status).toBe(404);
    expect((await t.request('GET', '/v1/shipments/shp_nope')).status).toBe(404);
  });

  it('changes nothing stored when a request is refused', async () => {
    const before = await t.deps.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    await t.request('POST', '/v1/orders', '{bad');
    await t.request('POST', '/v1/orders', { number: 'X' });
    const after = await t.deps.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });
});

describe('Idempotency-Key', () => {
  it('replays the first answer for the same key and body', async () => {
    const body = orderBody();
    const first = await t.request('POST', '/v1/orders', body, { 'idempotency-key': 'key-1' });
    const replay = await t.request('POST', '/v1/orders', body, { 'idempotency-key': 'key-1' });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.json).toEqual(first.json);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
  });

  it('refuses the same key with a different body', async () => {
    await t.request('POST', '/v1/orders', orderBody(), { 'idempotency-key': 'key-2' });
    const reused = await t.request('POST', '/v1/orders', orderBody(), { 'idempotency-key': 'key-2' });
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe('idempotency_key_reused');
  });

  it('keeps 4xx answers too, as Stripe does', async () => {
    const first = await t.request('POST', '/v1/orders', { number: 'bad' }, { 'idempotency-key': 'key-3' });
    const again = await t.request('POST', '/v1/orders', { number: 'bad' }, { 'idempotency-key': 'key-3' });
    expect(first.status).toBe(422);
    expect(again.status).toBe(422);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });
});
