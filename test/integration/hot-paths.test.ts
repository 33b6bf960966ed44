// The hot paths (shipment reads, event ingestion) run precompiled SQL beside Kysely on the same
// database. They must answer exactly what the Kysely-built queries answer, and must never run
// inside, or see the uncommitted work of, a Kysely transaction that is waiting on something else.
import type { Transaction } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shipmentJson } from '../../src/api/serialize.js';
import type { TrackingEventInput } from '../../src/carriers/types.js';
import { createBrand } from '../../src/brands/repo.js';
import type { Database } from '../../src/db/schema.js';
import { ingestEvents, STATUS_CHANGED_JOB } from '../../src/shipments/ingest.js';
import { findShipment, listEvents } from '../../src/shipments/service.js';
import { shipmentLabelSummary } from '../../src/labels/summary.js';
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

type Answer = Awaited<ReturnType<TestContext['request']>>;
/** An answer as bytes, its request id (in the body and the header) replaced: what must be identical both ways. */
const asSent = (answer: Answer) => {
  const requestId = answer.headers.get('x-request-id') ?? '';
  return { status: answer.status, contentType: answer.headers.get('content-type'), body: requestId ? answer.text.split(requestId).join('<request id>') : answer.text };
};

/**
 * A Kysely transaction that writes `write(trx)` (then `written` resolves) and waits, uncommitted,
 * until `finish()` is called; it then rolls back (`commit: false`) or commits.
 */
function slowTransaction(write: (trx: Transaction<Database>) => Promise<unknown>, commit: boolean) {
  let finish!: () => void;
  let wrote!: () => void;
  const gate = new Promise<void>((resolve) => (finish = resolve));
  const written = new Promise<void>((resolve) => (wrote = resolve));
  const done = t.deps.db
    .transaction()
    .execute(async (trx) => {
      await write(trx);
      wrote();
      await gate;
      if (!commit) throw new Error('rolled back on purpose');
    })
    .catch((error: Error) => {
      if (error.message !== 'rolled back on purpose') throw error;
    });
  return { written, finish, done };
}

/** ingestEvents (the path webhooks take) in a slow transaction, holding the shipment's row lock on PostgreSQL. */
function slowWebhookIngest(shipmentId: string, event: TrackingEventInput, commit: boolean) {
  return slowTransaction(async (trx) => {
    let query = trx.selectFrom('shipments').selectAll().where('id', '=', shipmentId);
    if (dialectUnderTest() === 'postgres') query = query.forUpdate();
    const row = await query.executeTakeFirstOrThrow();
    await ingestEvents(trx, t.clock.now(), [{ shipment: row, source: 'carrier_webhook', events: [event] }]);
  }, commit);
}

describe('the hot routes', () => {
  it('are still described in /openapi.json, with their request schemas', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { requestBody?: unknown; parameters?: unknown[] }>> };
    expect(doc.paths['/shipments/{shipmentId}']?.get?.parameters).toHaveLength(1);
    expect(doc.paths['/shipments/{shipmentId}/events']?.post?.requestBody).toBeDefined();
    expect(doc.paths['/events/batch']?.post?.requestBody).toBeDefined();
  });
});

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

  it('answers byte for byte what the general chain answers (reached by a percent-encoded path), label included', async () => {
    const plain = await newShipment();
    expect((await t.request('POST', `/v1/shipments/${plain.id}/events`, { events: [{ status: 'in_transit', occurredAt: '2026-03-01T10:00:00Z', location: { city: 'Memphis', country: 'US' } }] })).status).toBe(200);
    const order = await t.request('POST', '/v1/orders', orderBody());
    const labelled = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'simulated', label: true, parcel: { weight: { value: 2, unit: 'lb' } } });
    expect(labelled.status).toBe(201);
    for (const id of [plain.id, labelled.json.id as string, 'shp_not_there', `shp_${'x'.repeat(70)}`]) {
      const hot = await t.request('GET', `/v1/shipments/${id}`);
      const general = await t.request('GET', `/v1/shipments/${id.replace('_', '%5F')}`);
      expect(asSent(hot), id).toEqual(asSent(general));
    }
    // HEAD goes down the general chain: the same status and headers as the hot GET, no body.
    const head = await t.request('HEAD', `/v1/shipments/${plain.id}`);
    const hotGet = await t.request('GET', `/v1/shipments/${plain.id}`);
    expect({ status: head.status, contentType: head.headers.get('content-type'), text: head.text }).toEqual({ status: hotGet.status, contentType: hotGet.headers.get('content-type'), text: '' });
    const got = await t.request('GET', `/v1/shipments/${labelled.json.id}`);
    expect(got.json.label).toEqual(JSON.parse(JSON.stringify(await shipmentLabelSummary(t.deps, t.brand.id, labelled.json.id))));
    expect(got.json.label).toMatchObject({ status: 'bought', carrier: 'simulated' });
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
    await slow.written;
    let answered = false;
    const read = t.request('GET', `/v1/shipments/${shipment.id}`).then((res) => {
      answered = true;
      return res;
    });
    // SQLite has one connection: the read waits for it. PostgreSQL reads the last committed state
    // while the transaction is still open.
    if (dialectUnderTest() === 'postgres') await read;
    else await tick();
    expect(answered).toBe(dialectUnderTest() === 'postgres');
    slow.finish();
    await slow.done;
    const res = await read;
    expect(res.status).toBe(200);
    expect(res.json.events).toEqual([]);
  });
});

/** Bodies zod refuses for reasons the quick test of clean bodies (api/clean-events.ts) also sees. */
const good = { status: 'in_transit', occurredAt: '2026-03-01T10:00:00Z' };
const BAD_EVENT_BODIES: Array<[string, { events: unknown } & Record<string, unknown>]> = [
  ['events not a list', { events: good }],
  ['no events', { events: [] }],
  ['an event not an object', { events: ['in_transit'] }],
  ['no occurredAt', { events: [{ status: 'in_transit' }] }],
  ['no status', { events: [{ occurredAt: null }] }],
  ['unknown reason', { events: [{ ...good, reason: 'gremlins' }] }],
  ['delayed not a boolean', { events: [{ ...good, delayed: 'yes' }] }],
  ['eventId null', { events: [{ ...good, eventId: null }] }],
  ['empty eventId', { events: [{ ...good, eventId: '   ' }] }],
  ['carrierCode too long', { events: [{ ...good, carrierCode: 'x'.repeat(65) }] }],
  ['occurredAt without offset', { events: [{ ...good, occurredAt: '2026-03-01T10:00:00' }] }],
  ['location not an object', { events: [{ ...good, location: 'Memphis' }] }],
  ['lower-case country', { events: [{ ...good, location: { city: 'Memphis', country: 'us' } }] }],
  ['latitude out of range', { events: [{ ...good, location: { lat: 91, lon: 0 } }] }],
  ['control characters in a city', { events: [{ ...good, location: { city: 'Mem\u0000phis' } }] }],
  ['several problems, unknown keys beside', { events: [{ ...good, note: 'x', status: 'gone', carrierText: '' }, { ...good, occurredAt: 12 }] }],
];

describe('POST /v1/shipments/{id}/events', () => {
  const events = (status: string, occurredAt: string | null, extra: Record<string, unknown> = {}) => ({ events: [{ status, occurredAt, ...extra }] });
  let keys = 0;
  /** The same request through the hot route and, with an Idempotency-Key, through the general chain. */
  async function bothWays(path: string, body: unknown, headers: Record<string, string> = {}) {
    const hot = await t.request('POST', path, body, headers);
    const general = await t.request('POST', path, body, { ...headers, 'idempotency-key': `k-${++keys}` });
    return { hot, general };
  }

  it('stores and folds like the general chain, and answers the same shape', async () => {
    const shipment = await newShipment();
    const { hot, general } = await bothWays(`/v1/shipments/${shipment.id}/events`, events('in_transit', '2026-03-01T10:00:00Z', { eventId: 'same' }));
    expect(hot.status).toBe(200);
    expect(hot.json).toMatchObject({ stored: 1, duplicates: 0, shipment: { id: shipment.id, status: 'in_transit' } });
    expect(general.status).toBe(200);
    expect(general.json).toEqual({ ...hot.json, stored: 0, duplicates: 1 });
  });

  it('refuses bad input with the very answers of the general chain', async () => {
    const shipment = await newShipment();
    const path = `/v1/shipments/${shipment.id}/events`;
    const cases: Array<[string, unknown, Record<string, string>?]> = [
      ['malformed JSON', '{"events": [', undefined],
      ['not an object', '[]', undefined],
      ['unknown status', events('teleported', '2026-03-01T10:00:00Z'), undefined],
      ['impossible time', events('in_transit', '2026-02-30T10:00:00Z'), undefined],
      ['future time', events('in_transit', '2031-01-01T00:00:00Z'), undefined],
      ['control characters', events('in_transit', '2026-03-01T10:00:00Z', { carrierText: 'bad\u0007text' }), undefined],
      ['no API key', events('in_transit', '2026-03-01T10:00:00Z'), { authorization: '' }],
      ['wrong API key', events('in_transit', '2026-03-01T10:00:00Z'), { authorization: 'Bearer wb_wrong' }],
      ['declared too large', events('in_transit', '2026-03-01T10:00:00Z'), { 'content-length': String(t.deps.config.maxBodyBytes + 1) }],
      ['not JSON', 'events=1', { 'content-type': 'text/plain' }],
      ...BAD_EVENT_BODIES.map(([what, body]): [string, unknown] => [what, body]),
    ];
    for (const [what, body, headers] of cases) {
      const { hot, general } = await bothWays(path, body, headers);
      expect({ what, ...asSent(hot) }).toEqual({ what, ...asSent(general) });
      expect(hot.status, what).toBeGreaterThanOrEqual(400);
    }
    const long = await bothWays(`/v1/shipments/shp_${'x'.repeat(70)}/events`, events('in_transit', '2026-03-01T10:00:00Z'));
    expect(long.hot.status).toBe(422);
    expect(asSent(long.hot)).toEqual(asSent(long.general));
    const huge = await bothWays(path, { events: [{ status: 'in_transit', occurredAt: null, carrierText: 'x'.repeat(t.deps.config.maxBodyBytes) }] });
    expect(huge.hot.status).toBe(413);
    expect(asSent(huge.hot)).toEqual(asSent(huge.general));
    const stored = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(stored.json.events).toEqual([]);
  });

  it('refuses fields it does not know, naming them, as the general chain does, and stores nothing', async () => {
    const shipment = await newShipment();
    const path = `/v1/shipments/${shipment.id}/events`;
    const misspelt = { events: [{ status: 'in_transit', occurredAt: '2026-03-01T10:00:00Z', location: { city: 'Columbus', note: 'x' }, carrierTxt: 'Departed' }], estimatedDelivery: null, extra: true };
    const { hot, general } = await bothWays(path, misspelt);
    expect(hot.status).toBe(422);
    expect(hot.json.error.details).toEqual([
      { field: 'events.0.location', problem: 'has no field "note"' },
      { field: 'events.0', problem: 'has no field "carrierTxt"' },
      { field: '(body)', problem: 'has no field "extra"' },
    ]);
    expect({ ...general.json.error, requestId: null }).toEqual({ ...hot.json.error, requestId: null });
    expect((await t.request('GET', `/v1/shipments/${shipment.id}`)).json.events).toEqual([]);
  });

  it('stores what needs trimming as the general chain does (it finds it a duplicate)', async () => {
    const shipment = await newShipment();
    const path = `/v1/shipments/${shipment.id}/events`;
    const unclean = {
      events: [{ status: 'in_transit', occurredAt: '2026-03-01T10:00:00Z', carrierText: '  Departed  ', location: { city: ' Columbus', region: 'OH' } }],
      estimatedDelivery: null,
    };
    const { hot, general } = await bothWays(path, unclean);
    expect(hot.status).toBe(200);
    expect(hot.json).toMatchObject({ stored: 1, duplicates: 0 });
    expect(general.json).toEqual({ ...hot.json, stored: 0, duplicates: 1 });
    const stored = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(stored.json.events).toMatchObject([{ carrierText: 'Departed', location: { city: 'Columbus', region: 'OH' } }]);
    expect(stored.json.events[0].location).toEqual({ city: 'Columbus', region: 'OH' });
  });

  it('waits for a Kysely transaction that holds the shipment, then folds on top of its result', async () => {
    const shipment = await newShipment();
    const path = `/v1/shipments/${shipment.id}/events`;
    expect((await t.request('POST', path, events('in_transit', '2026-03-01T10:00:00Z'))).status).toBe(200);
    // A webhook-like ingestion through Kysely (ingestEvents) that stays open before committing.
    const slow = slowWebhookIngest(shipment.id, { status: 'out_for_delivery', occurredAt: '2026-03-01T12:00:00Z', dedupeKey: 'slow-1' }, true);
    await slow.written;
    let answered = false;
    const post = t.request('POST', path, events('in_transit', '2026-03-01T11:00:00Z', { eventId: 'hot-1' })).then((res) => {
      answered = true;
      return res;
    });
    await tick();
    expect(answered).toBe(false); // SQLite: the connection is taken; PostgreSQL: the row is locked
    slow.finish();
    await slow.done;
    const res = await post;
    expect(res.status).toBe(200);
    // The later out_for_delivery scan of the slow transaction stays the head: nothing was lost.
    expect(res.json).toMatchObject({ stored: 1, shipment: { status: 'out_for_delivery' } });
    const row = await t.deps.db.selectFrom('shipments').select(['event_count', 'status', 'last_event_at']).where('id', '=', shipment.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ event_count: 3, status: 'out_for_delivery', last_event_at: '2026-03-01T12:00:00.000Z' });
    const jobs = await t.deps.db.selectFrom('jobs').select('payload').where('kind', '=', STATUS_CHANGED_JOB).execute();
    const mine = jobs.map((j) => JSON.parse(j.payload)).filter((p) => p.shipmentId === shipment.id);
    expect(mine.map((p) => p.to.status)).toEqual(['in_transit', 'out_for_delivery']);
  });

  it('stores every one of many concurrent posts, in order per shipment, beside a refused one (SQLite: one group commit)', async () => {
    const [a, b] = [await newShipment(), await newShipment()];
    const post = (id: string, status: string, minute: number, eventId: string) =>
      t.request('POST', `/v1/shipments/${id}/events`, events(status, `2026-03-01T10:${String(minute).padStart(2, '0')}:00Z`, { eventId }));
    const answers = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => post(a.id, 'in_transit', i, `a-${i}`)),
      post(a.id, 'out_for_delivery', 30, 'a-ofd'),
      post('shp_01k0000000000000000000none', 'in_transit', 1, 'nobody'),
      ...Array.from({ length: 10 }, (_, i) => post(b.id, 'in_transit', i, `b-${i}`)),
      post(a.id, 'in_transit', 5, 'a-5'), // the same event again: a duplicate, stored once
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([...Array(21).fill(200), 404, ...Array(11).fill(200)]);
    // The event a-5 was posted twice at once: one of the two stores it, the other finds it stored
    // (on PostgreSQL the two run side by side, so either may come first).
    const pair = [answers[5]!.json, answers.at(-1)!.json].map((j: { stored: number; duplicates: number }) => [j.stored, j.duplicates]);
    expect(pair.sort()).toEqual([
      [0, 1],
      [1, 0],
    ]);
    const [gotA, gotB] = [await t.request('GET', `/v1/shipments/${a.id}`), await t.request('GET', `/v1/shipments/${b.id}`)];
    expect(gotA.json).toMatchObject({ status: 'out_for_delivery' });
    expect(gotA.json.events).toHaveLength(21);
    expect(gotB.json.events).toHaveLength(10);
    const row = await t.deps.db.selectFrom('shipments').select(['event_count']).where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(row.event_count).toBe(21);
  });

  it('leaves nothing behind when a Kysely transaction it waited for rolls back', async () => {
    const shipment = await newShipment();
    const path = `/v1/shipments/${shipment.id}/events`;
    const slow = slowWebhookIngest(shipment.id, { status: 'delivered', occurredAt: '2026-03-01T12:00:00Z', dedupeKey: 'rolled-back' }, false);
    await slow.written;
    const post = t.request('POST', path, events('in_transit', '2026-03-01T11:00:00Z'));
    await tick();
    slow.finish();
    await slow.done;
    const res = await post;
    expect(res.json).toMatchObject({ stored: 1, shipment: { status: 'in_transit' } });
    const got = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(got.json.events.map((e: { status: string }) => e.status)).toEqual(['in_transit']);
  });
});

describe('POST /v1/events/batch', () => {
  let keys = 0;

  it('answers per event like the general chain, and refuses bad input with its very answers', async () => {
    const a = await newShipment();
    const b = await newShipment();
    const batch = {
      events: [
        { carrier: 'UPS', trackingNumber: a.trackingNumber.toLowerCase(), status: 'in_transit', occurredAt: '2026-03-01T10:00:00Z', eventId: 'b-1' },
        { carrier: 'ups', trackingNumber: b.trackingNumber, status: 'out_for_delivery', occurredAt: '2026-03-01T11:00:00Z', eventId: 'b-2' },
        { carrier: 'ups', trackingNumber: 'NOSUCHNUMBER', status: 'delivered', occurredAt: '2026-03-01T12:00:00Z' },
        { carrier: 'ups', trackingNumber: a.trackingNumber, status: 'in_transit', occurredAt: '2026-03-01T10:00:00Z', eventId: 'b-1' },
      ],
    };
    const hot = await t.request('POST', '/v1/events/batch', batch);
    const general = await t.request('POST', '/v1/events/batch', batch, { 'idempotency-key': `batch-${++keys}` });
    expect(hot.status).toBe(200);
    expect(hot.json).toEqual({
      stored: 2,
      duplicates: 1,
      unknown: 1,
      failed: 0,
      results: [
        { index: 0, shipmentId: a.id, outcome: 'stored' },
        { index: 1, shipmentId: b.id, outcome: 'stored' },
        { index: 2, shipmentId: null, outcome: 'unknown_shipment' },
        { index: 3, shipmentId: a.id, outcome: 'duplicate' },
      ],
    });
    expect(general.json).toEqual({ ...hot.json, stored: 0, duplicates: 3, results: hot.json.results.map((r: { outcome: string }) => (r.outcome === 'stored' ? { ...r, outcome: 'duplicate' } : r)) });

    const tooMany = { events: Array.from({ length: 1001 }, (_, i) => ({ ...batch.events[0], eventId: `x-${i}` })) };
    const cases: Array<[string, unknown, Record<string, string>?]> = [
      ['malformed JSON', '{"events": [', undefined],
      ['no events', { events: [] }, undefined],
      ['more than 1,000 events', tooMany, undefined],
      ['missing tracking number', { events: [{ carrier: 'ups', status: 'in_transit', occurredAt: null }] }, undefined],
      ['impossible times', { events: [{ ...batch.events[0], occurredAt: '2031-01-01T00:00:00Z' }, { ...batch.events[1], occurredAt: '1999-12-31T23:59:59Z' }] }, undefined],
      ['wrong API key', batch, { authorization: 'Bearer wb_wrong' }],
      ['no carrier', { events: [{ ...good, trackingNumber: '1Z1' }] }],
      ['carrier too long', { events: [{ ...good, carrier: 'x'.repeat(33), trackingNumber: '1Z1' }] }],
      ['tracking number padded to nothing', { events: [{ ...good, carrier: 'ups', trackingNumber: '  ' }] }],
      ...BAD_EVENT_BODIES.map(([what, body]): [string, unknown] => [
        `batch: ${what}`,
        { events: Array.isArray(body.events) ? body.events.map((e) => (typeof e === 'object' ? { carrier: 'ups', trackingNumber: '1Z1', ...e } : e)) : body.events },
      ]),
    ];
    for (const [what, body, headers] of cases) {
      const hotAnswer = await t.request('POST', '/v1/events/batch', body, headers);
      const generalAnswer = await t.request('POST', '/v1/events/batch', body, { ...headers, 'idempotency-key': `batch-${++keys}` });
      expect({ what, ...asSent(hotAnswer) }).toEqual({ what, ...asSent(generalAnswer) });
      expect(hotAnswer.status, what).toBeGreaterThanOrEqual(400);
    }
  });

  it('waits for a Kysely transaction that holds one of its shipments, and loses none of either', async () => {
    const a = await newShipment();
    const b = await newShipment();
    const slow = slowWebhookIngest(a.id, { status: 'out_for_delivery', occurredAt: '2026-03-01T12:00:00Z', dedupeKey: 'slow-batch' }, true);
    await slow.written;
    let answered = false;
    const post = t
      .request('POST', '/v1/events/batch', {
        events: [
          { carrier: 'ups', trackingNumber: a.trackingNumber, status: 'in_transit', occurredAt: '2026-03-01T11:00:00Z' },
          { carrier: 'ups', trackingNumber: b.trackingNumber, status: 'in_transit', occurredAt: '2026-03-01T11:00:00Z' },
        ],
      })
      .then((res) => {
        answered = true;
        return res;
      });
    await tick();
    expect(answered).toBe(false);
    slow.finish();
    await slow.done;
    const res = await post;
    expect(res.json).toMatchObject({ stored: 2, unknown: 0 });
    const rows = await t.deps.db.selectFrom('shipments').select(['id', 'status', 'event_count']).where('id', 'in', [a.id, b.id]).orderBy('id').execute();
    expect(rows).toEqual([
      { id: a.id, status: 'out_for_delivery', event_count: 2 },
      { id: b.id, status: 'in_transit', event_count: 1 },
    ].sort((x, y) => (x.id < y.id ? -1 : 1)));
  });

  it('saves every folded column, whether the fold moved the status or kept it (each has its own statement)', async () => {
    const [kept, moved] = [await newShipment(), await newShipment()];
    const batch = (scans: Array<[{ trackingNumber: string }, string, string]>) =>
      t.request('POST', '/v1/events/batch', { events: scans.map(([s, status, occurredAt]) => ({ carrier: 'ups', trackingNumber: s.trackingNumber, status, occurredAt })) });
    const firstAt = t.clock.now().toISOString();
    expect((await batch([[kept, 'in_transit', '2026-03-01T08:00:00Z'], [moved, 'in_transit', '2026-03-01T08:00:00Z']])).status).toBe(200);
    t.clock.advance(60_000);
    const secondAt = t.clock.now().toISOString();
    expect((await batch([[kept, 'in_transit', '2026-03-01T09:00:00Z'], [moved, 'out_for_delivery', '2026-03-01T09:00:00Z']])).status).toBe(200);
    const rows = await t.deps.db
      .selectFrom('shipments')
      .select(['id', 'status', 'event_count', 'last_event_at', 'status_changed_at', 'updated_at', 'fold_state'])
      .where('id', 'in', [kept.id, moved.id])
      .execute();
    const saved = (id: string) => {
      const { fold_state: state, ...row } = rows.find((r) => r.id === id)!;
      return { ...row, head: (JSON.parse(state) as { head: { status: string; occurredAt: string } }).head };
    };
    const common = { event_count: 2, last_event_at: '2026-03-01T09:00:00.000Z', updated_at: secondAt };
    expect(saved(kept.id)).toMatchObject({ ...common, status: 'in_transit', status_changed_at: firstAt, head: { status: 'in_transit', occurredAt: '2026-03-01T09:00:00.000Z' } });
    expect(saved(moved.id)).toMatchObject({ ...common, status: 'out_for_delivery', status_changed_at: secondAt, head: { status: 'out_for_delivery', occurredAt: '2026-03-01T09:00:00.000Z' } });
  });
});
