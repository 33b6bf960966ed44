import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrand } from '../../src/brands/repo.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';
import { pruneIdempotencyKeys } from '../../src/api/idempotency-keys.js';

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
    expect(res.json.currency).toBe('USD'); // none given
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
    expect(different.json.error.message).toContain('it differs in items');
    expect(different.json.error.details).toEqual([
      { field: 'number', problem: 'already used by a different order' },
      { field: 'items', problem: 'differs from the stored order' },
    ]);
    const stored = await t.request('GET', `/v1/orders/${first.json.id}`);
    expect(stored.json.items).toEqual(body.items);
  });

  it('takes an order sent again with its currency written as the default (USD) or left out as the same order; another currency is named as the difference', async () => {
    const body = orderBody();
    const first = await t.request('POST', '/v1/orders', body);
    expect(first.status).toBe(201);
    const explicit = await t.request('POST', '/v1/orders', { ...body, currency: 'USD' });
    expect([explicit.status, explicit.json.id]).toEqual([200, first.json.id]);
    const euros = await t.request('POST', '/v1/orders', { ...body, currency: 'EUR', customer: { ...body.customer, name: 'Someone Else' } });
    expect(euros.status).toBe(409);
    expect(euros.json.error.details.slice(1).map((d: { field: string }) => d.field)).toEqual(['customer.name', 'currency']);

    const usd = orderBody();
    const withUsd = await t.request('POST', '/v1/orders', { ...usd, currency: 'USD' });
    expect(withUsd.status).toBe(201);
    const without = await t.request('POST', '/v1/orders', usd);
    expect([without.status, without.json.id]).toEqual([200, withUsd.json.id]);
  });

  it('answers the same order sent again with placedAt written in another offset (or as the API answered it) with the first one, not 409', async () => {
    const body = orderBody({ placedAt: '2026-03-01T05:00:00-05:00' });
    const first = await t.request('POST', '/v1/orders', body);
    expect(first.status).toBe(201);
    for (const placedAt of ['2026-03-01T10:00:00Z', first.json.placedAt]) {
      const again = await t.request('POST', '/v1/orders', { ...body, placedAt });
      expect(again.status, placedAt).toBe(200);
      expect(again.json.id).toBe(first.json.id);
    }
    expect((await t.request('POST', '/v1/orders', { ...body, placedAt: '2026-03-01T10:00:01Z' })).status).toBe(409);
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

  it('refuses another list’s cursor on every list, rather than answering a wrong page', async () => {
    for (let i = 0; i < 2; i++) expect((await t.request('POST', '/v1/orders', orderBody())).status).toBe(201);
    const ordersCursor = (await t.request('GET', '/v1/orders?limit=1')).json.nextCursor as string;
    expect(ordersCursor).toEqual(expect.any(String));
    for (const list of ['/v1/shipments', '/v1/messages', '/v1/returns', '/v1/label-purchases', '/v1/inbound-webhooks/deliveries']) {
      const res = await t.request('GET', `${list}?cursor=${ordersCursor}`);
      expect([list, res.status, res.json.error?.details]).toEqual([list, 422, [{ field: 'cursor', problem: 'from another list' }]]);
    }
    const shipmentsCursor = Buffer.from('shp_01jd0000000000000000000000').toString('base64url');
    expect((await t.request('GET', `/v1/orders?cursor=${shipmentsCursor}`)).json.error.message).toContain('nextCursor of another list');
    expect((await t.request('GET', `/v1/orders?cursor=${ordersCursor}`)).status).toBe(200);
  });

  it('names a parameter given twice, and a limit that is no number, in words', async () => {
    const twice = await t.request('GET', '/v1/orders?limit=2&limit=3&status=delivered');
    expect([twice.status, twice.json.error.details]).toEqual([422, [{ field: 'limit', problem: 'is given more than once; give it once' }]]);
    expect(twice.json.error.message).toBe('the query is not valid: limit is given more than once; give it once');
    for (const limit of ['abc', '0', '2.5', '201']) {
      const res = await t.request('GET', `/v1/orders?limit=${limit}`);
      expect([limit, res.status, res.json.error.details]).toEqual([limit, 422, [{ field: 'limit', problem: 'must be a whole number from 1 to 200' }]]);
    }
    const deliveries = await t.request('GET', '/v1/inbound-webhooks/deliveries?limit=x');
    expect(deliveries.json.error.details).toEqual([{ field: 'limit', problem: 'must be a whole number from 1 to 500' }]);
  });

  it('finds an order by its number, exactly', async () => {
    const mine = orderBody({ number: `NW-${Date.now()}` });
    const created = await t.request('POST', '/v1/orders', mine);
    await t.request('POST', '/v1/orders', orderBody({ number: `${mine.number}-2` }));
    const found = await t.request('GET', `/v1/orders?number=${encodeURIComponent(mine.number)}`);
    expect(found.status).toBe(200);
    expect(found.json.data.map((o: { id: string }) => o.id)).toEqual([created.json.id]);
    expect(found.json.nextCursor).toBeNull();
    expect((await t.request('GET', `/v1/orders?number=${encodeURIComponent(mine.number.toLowerCase())}`)).json.data).toEqual([]);
    expect((await t.request('GET', '/v1/orders?number=NO-SUCH-ORDER')).json.data).toEqual([]);
    const { apiKey: otherKey } = await createBrand(t.deps.db, t.clock.now(), { name: 'Number Snooper' });
    const foreign = await t.request('GET', `/v1/orders?number=${encodeURIComponent(mine.number)}`, undefined, { authorization: `Bearer ${otherKey}` });
    expect(foreign.json.data).toEqual([]);
  });

  it('refuses a query parameter it does not know, naming it', async () => {
    const res = await t.request('GET', '/v1/orders?numbr=NW-10001');
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe('validation_failed');
    expect(res.json.error.message).toContain('"numbr"');
    expect(res.json.error.details).toEqual([{ field: '(query)', problem: expect.stringContaining('has no field "numbr"') }]);
    expect(res.json.error.details[0].problem).toContain('status, number, placedAfter, placedBefore, limit, cursor');
    for (const list of ['/v1/shipments', '/v1/returns', '/v1/messages', '/v1/catalogue/products', '/v1/inbound-webhooks/deliveries']) {
      const misspelt = await t.request('GET', `${list}?limit=5&nosuch=1`);
      expect(misspelt.status, list).toBe(422);
      expect(misspelt.json.error.message, list).toContain('has no field "nosuch"');
    }
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

  it('refuses fields it does not know, naming each (a misspelt shipBy is not dropped in silence), and stores nothing', async () => {
    const body = { ...orderBody(), shipby: '2026-03-05', customer: { ...orderBody().customer, mail: 'x@example.com' } };
    const res = await t.request('POST', '/v1/orders', body);
    expect(res.status).toBe(422);
    expect(res.json.error.details).toEqual(
      expect.arrayContaining([
        { field: '(body)', problem: 'has no field "shipby"' },
        { field: 'customer', problem: 'has no field "mail"' },
      ]),
    );
    expect((await t.request('GET', `/v1/orders?number=${encodeURIComponent(body.number)}`)).json.data).toEqual([]);
    const shipment = await t.request('POST', `/v1/orders/${(await t.request('POST', '/v1/orders', orderBody())).json.id}/shipments`, { carrier: 'ups', trackingNumber: '1Z999AA10123456784', tracking: 'x' });
    expect(shipment.status).toBe(422);
    expect(shipment.json.error.details).toEqual([{ field: '(body)', problem: 'has no field "tracking"' }]);
    const parcel = await t.request('POST', `/v1/orders/${(await t.request('POST', '/v1/orders', orderBody())).json.id}/shipments`, { carrier: 'simulated', label: true, parcel: { weight: { value: 2, unit: 'lb', grams: 900 } } });
    expect(parcel.json.error.details).toEqual([{ field: 'parcel.weight', problem: 'has no field "grams"' }]);
  });

  it('refuses control characters in strings', async () => {
    const res = await t.request('POST', '/v1/orders', orderBody({ number: 'A\u0000B' }));
    expect(res.status).toBe(422);
    expect(res.json.error.details).toContainEqual({ field: 'number', problem: 'must not contain control characters' });
  });

  it('refuses a NUL character in any field of any route (PostgreSQL cannot store one) with 422 naming the field, and stores nothing', async () => {
    const order = (await t.request('POST', '/v1/orders', orderBody())).json;
    const refusals = [
      { sent: await t.request('POST', '/v1/routing-rules', { name: 'a\u0000b', carrier: 'simulated', service: 'ground' }), field: 'name' },
      { sent: await t.request('POST', `/v1/orders/${order.id}/updates`, { text: 'on its way\u0000' }), field: 'text' },
      { sent: await t.request('PUT', '/v1/catalogue/products', { products: [{ id: 'NUL-1', title: 'Cap\u0000', url: 'https://shop.example.com/cap' }] }), field: 'products.0.title' },
      { sent: await t.request('PATCH', '/v1/brand/settings', { sender: { name: 'Shop\u0000' } }), field: 'sender.name' },
      { sent: await t.request('GET', '/v1/returns?orderId=ord_%00'), field: 'orderId' },
      { sent: await t.request('GET', '/v1/orders/ord_%00'), field: 'orderId' },
      { sent: await t.request('DELETE', '/v1/routing-rules/rul_%00'), field: 'ruleId' },
    ];
    for (const { sent, field } of refusals) {
      expect(sent.status, sent.text).toBe(422);
      expect(sent.json.error.details).toContainEqual({ field, problem: 'must not contain the NUL character (\\u0000)' });
    }
    expect((await t.request('GET', '/v1/routing-rules')).json.data).toEqual([]);
    expect((await t.request('GET', '/v1/catalogue/products')).json.data ?? []).not.toContainEqual(expect.objectContaining({ id: 'NUL-1' }));
    expect((await t.request('GET', '/v1/brand/settings')).json.sender?.name).toBeUndefined();
  });

  it('refuses a date without an offset and a country that is not a code', async () => {
    const res = await t.request('POST', '/v1/orders', orderBody({ placedAt: '2026-03-01 10:00', destination: { ...orderBody().destination, country: 'United States' } }));
    expect(res.status).toBe(422);
    const fields = res.json.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['placedAt', 'destination.country']));
  });

  it('refuses impossible order dates, naming the field and the range allowed, and stores nothing', async () => {
    const count = async () => Number((await t.deps.db.selectFrom('orders').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const before = await count();
    // The clock stands at 2026-03-02T15:00:00Z: what happened may be a day ahead, what is promised a year.
    const happened = '(allowed: 2000-01-01T00:00:00.000Z to 2026-03-03T15:00:00.000Z)';
    const promised = '(allowed: 2000-01-01T00:00:00.000Z to 2027-03-03T15:00:00.000Z)';
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ placedAt: '0000-01-01T00:00:00Z' }, 'placedAt', `is before the year 2000 ${happened}`],
      [{ placedAt: '9999-12-31T23:59:59Z' }, 'placedAt', `is more than a day in the future ${happened}`],
      [{ placedAt: '1999-12-31T23:59:59+01:00' }, 'placedAt', `is before the year 2000 ${happened}`],
      [{ shipBy: '9999-12-31T23:59:59Z' }, 'shipBy', `is more than a year in the future ${promised}`],
      [{ shipBy: '0000-01-01' }, 'shipBy', `is before the year 2000 ${promised}`],
    ];
    for (const [overrides, field, problem] of cases) {
      const res = await t.request('POST', '/v1/orders', orderBody(overrides));
      expect(res.status, JSON.stringify(overrides)).toBe(422);
      expect(res.json.error.code).toBe('validation_failed');
      expect(res.json.error.details).toEqual([{ field, problem }]);
      expect(res.json.error.message).toBe(`impossible time: ${field} ${problem}`);
    }
    // A ship-by date before the order was placed (a day's slack for the shop's own time zone).
    const backwards = await t.request('POST', '/v1/orders', orderBody({ placedAt: '2026-03-01T10:00:00Z', shipBy: '2026-02-20' }));
    expect(backwards.status).toBe(422);
    expect(backwards.json.error.details).toEqual([{ field: 'shipBy', problem: 'is before placedAt (2026-03-01T10:00:00Z)' }]);
    expect(await count()).toBe(before);

    const plausible = await t.request('POST', '/v1/orders', orderBody({ placedAt: '2026-03-03T14:00:00Z', shipBy: '2027-03-01' }));
    expect(plausible.status).toBe(201);
    const sameDayInTokyo = await t.request('POST', '/v1/orders', orderBody({ placedAt: '2026-03-01T20:00:00Z', shipBy: '2026-03-01' }));
    expect(sameDayInTokyo.status).toBe(201);
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

  it('keeps a key 24 hours: after that the key starts a new request, and the hourly prune deletes the old ones', async () => {
    const first = await t.request('POST', '/v1/orders', orderBody(), { 'idempotency-key': 'key-day' });
    expect(first.status).toBe(201);
    t.clock.advance(23 * 3_600_000);
    const withinADay = await t.request('POST', '/v1/orders', orderBody(), { 'idempotency-key': 'key-day' });
    expect(withinADay.json.error.code).toBe('idempotency_key_reused');
    const recent = await t.request('POST', '/v1/orders', orderBody(), { 'idempotency-key': 'key-recent' });
    expect(recent.status).toBe(201);
    t.clock.advance(2 * 3_600_000); // 25 hours after the first
    const anew = await t.request('POST', '/v1/orders', orderBody(), { 'idempotency-key': 'key-day' });
    expect(anew.status).toBe(201);
    expect(anew.json.id).not.toBe(first.json.id);
    expect(anew.headers.get('idempotent-replayed')).toBeNull();
    // The prune leaves keys younger than a day (key-recent: 2 hours; key-day: claimed again just now).
    t.clock.advance(22 * 3_600_000 + 1);
    expect(await pruneIdempotencyKeys(t.deps)).toBeGreaterThanOrEqual(1);
    const left = (await t.deps.db.selectFrom('idempotency_keys').select('key').where('brand_id', '=', t.brand.id).where('key', 'in', ['key-day', 'key-recent']).execute()).map((r) => r.key);
    expect(left).toEqual(['key-day']);
    t.clock.advance(-(47 * 3_600_000 + 1)); // back to where the other tests expect the clock
  });

  it('refuses the same key with a different body', async () => {
    await t.request('POST', '/v1/orders', orderBody(), { 'idempotency-key': 'key-2' });
    const reused = await t.request('POST', '/v1/orders', orderBody(), { 'idempotency-key': 'key-2' });
    expect(reused.status).toBe(422);
    expect(reused.json.error.code).toBe('idempotency_key_reused');
  });

  it('keeps the endpoint\'s own refusals (409) and replays them', async () => {
    const taken = orderBody();
    expect((await t.request('POST', '/v1/orders', taken)).status).toBe(201);
    const clash = { ...taken, items: [{ sku: 'OTHER', name: 'Other', quantity: 2 }] };
    const first = await t.request('POST', '/v1/orders', clash, { 'idempotency-key': 'key-3' });
    const again = await t.request('POST', '/v1/orders', clash, { 'idempotency-key': 'key-3' });
    expect(first.status).toBe(409);
    expect(again.status).toBe(409);
    expect(again.json).toEqual(first.json);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('keeps no answer to a request that failed validation: the corrected retry with the same key runs', async () => {
    const invalid = await t.request('POST', '/v1/orders', { number: 'IDEM-4' }, { 'idempotency-key': 'k-4' });
    expect(invalid.status).toBe(422);
    expect(invalid.json.error.code).toBe('validation_failed');
    const sameAgain = await t.request('POST', '/v1/orders', { number: 'IDEM-4' }, { 'idempotency-key': 'k-4' });
    expect(sameAgain.status).toBe(422);
    expect(sameAgain.headers.get('idempotent-replayed')).toBeNull();
    const corrected = await t.request('POST', '/v1/orders', orderBody({ number: 'IDEM-4' }), { 'idempotency-key': 'k-4' });
    expect(corrected.status).toBe(201);
    const replayed = await t.request('POST', '/v1/orders', orderBody({ number: 'IDEM-4' }), { 'idempotency-key': 'k-4' });
    expect(replayed.headers.get('idempotent-replayed')).toBe('true');
    expect(replayed.json.id).toBe(corrected.json.id);
  });

  it('keeps no answer to malformed JSON', async () => {
    expect((await t.request('POST', '/v1/orders', '{"number": ', { 'idempotency-key': 'k-5' })).status).toBe(400);
    expect((await t.request('POST', '/v1/orders', orderBody(), { 'idempotency-key': 'k-5' })).status).toBe(201);
  });

  it('keeps no validation refusal made by the service rather than the schema', async () => {
    const order = await t.request('POST', '/v1/orders', orderBody());
    const path = `/v1/orders/${order.json.id}/shipments`;
    expect((await t.request('POST', path, { carrier: 'pigeon-post', trackingNumber: '1Z12345E0205271688' }, { 'idempotency-key': 'k-6' })).status).toBe(422);
    expect((await t.request('POST', path, { carrier: 'ups', trackingNumber: '1Z12345E0205271688' }, { 'idempotency-key': 'k-6' })).status).toBe(201);
  });

  it('keeps no 404 of a route that does not exist', async () => {
    expect((await t.request('POST', '/v1/ordres', orderBody(), { 'idempotency-key': 'k-7' })).status).toBe(404);
    expect((await t.request('POST', '/v1/orders', orderBody(), { 'idempotency-key': 'k-7' })).status).toBe(201);
  });

  it('keeps the 404 of an endpoint that ran (an order that is not there)', async () => {
    const path = '/v1/orders/ord_01aaaaaaaaaaaaaaaaaaaaaaaa/shipments';
    const first = await t.request('POST', path, { carrier: 'ups', trackingNumber: '1Z12345E0205271688' }, { 'idempotency-key': 'k-404' });
    const again = await t.request('POST', path, { carrier: 'ups', trackingNumber: '1Z12345E0205271688' }, { 'idempotency-key': 'k-404' });
    expect(first.status).toBe(404);
    expect(again.status).toBe(404);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });

  it('compares what the body means, not its bytes: re-indented JSON with keys in another order is the same request', async () => {
    const body = orderBody();
    const first = await t.request('POST', '/v1/orders', JSON.stringify(body), { 'idempotency-key': 'k-canonical' });
    const reordered = Object.fromEntries(Object.entries({ ...body, customer: Object.fromEntries(Object.entries(body.customer).reverse()) }).reverse());
    const replay = await t.request('POST', '/v1/orders', JSON.stringify(reordered, null, 2), { 'idempotency-key': 'k-canonical' });
    expect(first.status).toBe(201);
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.json.id).toBe(first.json.id);
  });

  it('names what the key was first used for, and whether the path or the body differs', async () => {
    const body = orderBody();
    expect((await t.request('POST', '/v1/orders', body, { 'idempotency-key': 'k-first' })).status).toBe(201);
    const otherBody = await t.request('POST', '/v1/orders', { ...body, number: 'ELSE-1' }, { 'idempotency-key': 'k-first' });
    expect(otherBody.status).toBe(422);
    expect(otherBody.json.error.code).toBe('idempotency_key_reused');
    expect(otherBody.json.error.message).toBe('Idempotency-Key "k-first" was first used for POST /v1/orders with another body; send that body again to get its answer, or use a new key');
    const otherPath = await t.request('POST', '/v1/events/batch', { events: [{ carrier: 'ups', trackingNumber: '1Z1', status: 'in_transit', occurredAt: null }] }, { 'idempotency-key': 'k-first' });
    expect(otherPath.status).toBe(422);
    expect(otherPath.json.error.code).toBe('idempotency_key_reused');
    expect(otherPath.json.error.message).toBe('Idempotency-Key "k-first" was first used for POST /v1/orders, not POST /v1/events/batch; use a new key for another request');
  });

  it('answers a duplicate while the first is still running with 409, and keeps the first\'s claim', async () => {
    const body = orderBody();
    expect((await t.request('POST', '/v1/orders', body, { 'idempotency-key': 'k-running' })).status).toBe(201);
    // The key as it stands while its first request runs: claimed, no answer yet.
    await t.deps.db.updateTable('idempotency_keys').set({ status_code: 0, response_body: '' }).where('brand_id', '=', t.brand.id).where('key', '=', 'k-running').execute();
    const duplicate = await t.request('POST', '/v1/orders', body, { 'idempotency-key': 'k-running' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json.error.code).toBe('idempotency_key_in_use');
    const claim = await t.deps.db.selectFrom('idempotency_keys').select(['status_code']).where('key', '=', 'k-running').executeTakeFirstOrThrow();
    expect(claim.status_code).toBe(0);
  });

  it('runs concurrent duplicates once', async () => {
    const body = orderBody();
    const answers = await Promise.all([1, 2, 3].map(() => t.request('POST', '/v1/orders', body, { 'idempotency-key': 'k-concurrent' })));
    const first = answers.find((a) => a.status === 201 && a.headers.get('idempotent-replayed') === null)!;
    expect(first).toBeDefined();
    for (const other of answers.filter((a) => a !== first)) {
      if (other.status === 409) expect(other.json.error.code).toBe('idempotency_key_in_use');
      else expect(other).toMatchObject({ status: 201, json: { id: first.json.id } });
    }
    const stored = await t.deps.db.selectFrom('orders').select('id').where('number', '=', body.number).execute();
    expect(stored).toHaveLength(1);
  });
});
