import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateLinkKey } from '../../src/brands/repo.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

const DAY = 86_400_000;

async function orderWithLabel(scenario: string) {
  const body = orderBody({ placedAt: t.clock.now().toISOString() });
  const order = await t.request('POST', '/v1/orders', body);
  const shipment = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'simulated', label: true, scenario });
  expect(shipment.status).toBe(201);
  return { body, order: order.json, shipment: shipment.json };
}

describe('the simulated carrier', () => {
  it('sells a label that creates the tracking number and moves the shipment to info_received', async () => {
    const { shipment } = await orderWithLabel('happy');
    expect(shipment.trackingNumber).toMatch(/^SIM\d{13}$/);
    expect(shipment).toMatchObject({ carrier: 'simulated', status: 'info_received', service: 'ground' });
    expect(shipment.estimatedDelivery.from < shipment.estimatedDelivery.to).toBe(true);
  });

  it('drives a parcel through its whole journey via the ingest path, on the clock', async () => {
    const { shipment } = await orderWithLabel('happy');
    await t.worker.drain();
    expect((await t.request('GET', `/v1/shipments/${shipment.id}`)).json.status).toBe('info_received');
    t.clock.advance(12 * DAY);
    await t.worker.drain();
    const done = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(done.json.status).toBe('delivered');
    const statuses = done.json.events.map((e: { status: string }) => e.status);
    expect(statuses[0]).toBe('info_received');
    expect(statuses).toContain('in_transit');
    expect(statuses).toContain('out_for_delivery');
    expect(statuses.at(-1)).toBe('delivered');
    expect(done.json.events.every((e: { source: string }) => e.source === 'simulated')).toBe(true);
    // Running the scan jobs again stores nothing new.
    await t.deps.db.updateTable('jobs').set({ state: 'queued' }).where('kind', '=', 'simulated.scan').execute();
    await t.worker.drain();
    expect((await t.request('GET', `/v1/shipments/${shipment.id}`)).json.events).toHaveLength(done.json.events.length);
  });

  it('plays the unhappy paths too', async () => {
    const failed = await orderWithLabel('failed_attempt');
    const returned = await orderWithLabel('return_to_sender');
    t.clock.advance(30 * DAY);
    await t.worker.drain();
    const a = await t.request('GET', `/v1/shipments/${failed.shipment.id}`);
    expect(a.json.events.map((e: { status: string }) => e.status)).toContain('attempt_failed');
    expect(a.json.status).toBe('delivered');
    const b = await t.request('GET', `/v1/shipments/${returned.shipment.id}`);
    expect(b.json.status).toBe('returned');
  });

  it('holds a parcel at a pickup point: the page and an email say where, then it is collected', async () => {
    const { order, shipment } = await orderWithLabel('pickup_point');
    const status = async () => (await t.request('GET', `/v1/shipments/${shipment.id}`)).json;
    // Walk the clock in six-hour steps until the parcel waits at the pickup point.
    let current = await status();
    for (let step = 0; step < 120 && current.status !== 'available_for_pickup'; step++) {
      t.clock.advance(DAY / 4);
      await t.worker.drain();
      current = await status();
    }
    expect(current.status).toBe('available_for_pickup');
    const held = current.events.at(-1);
    expect(held).toMatchObject({ carrierCode: 'SIM-AP', status: 'available_for_pickup' });
    const html = await (await t.app.request(new URL(order.trackingPageUrl).pathname)).text();
    expect(html).toContain('Ready for pickup');
    expect(html).toContain(held.location.city);
    // An email; the text stays off unless the brand turns it on (SMS is for the critical moments of product.md).
    const messages = await t.deps.db.selectFrom('messages').select(['channel', 'state', 'held_reason']).where('order_id', '=', order.id).where('milestone', '=', 'available_for_pickup').orderBy('channel').execute();
    expect(messages).toEqual([
      { channel: 'email', state: 'sent', held_reason: null },
      { channel: 'sms', state: 'held', held_reason: 'milestone_off' },
    ]);
    t.clock.advance(5 * DAY);
    await t.worker.drain();
    const collected = await status();
    expect(collected.status).toBe('delivered');
    expect(collected.events.at(-1)).toMatchObject({ carrierCode: 'SIM-PK', status: 'delivered' });
  });
});

describe('the order page at /t/{token}', () => {
  it('shows the order, its parcels and their timeline in plain language, and nothing personal', async () => {
    const { body, order, shipment } = await orderWithLabel('happy');
    t.clock.advance(2 * DAY);
    await t.worker.drain();
    const path = new URL(order.trackingPageUrl).pathname;
    const res = await t.app.request(path);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`Order ${body.number}`);
    expect(html).toContain(shipment.trackingNumber);
    expect(html).toMatch(/On its way|Out for delivery|Delivered/);
    expect(html).toContain('Label created');
    for (const secret of [body.destination.line1, body.customer.name, body.customer.email, body.customer.phone]) expect(html).not.toContain(secret);
    expect(res.headers.get('cache-control')).toContain('no-store');
  });

  it('answers a forged or tampered token with 404', async () => {
    const { order } = await orderWithLabel('happy');
    const path = new URL(order.trackingPageUrl).pathname;
    const tampered = path.slice(0, -2) + (path.endsWith('AA') ? 'BB' : 'AA');
    expect((await t.app.request(tampered)).status).toBe(404);
    expect((await t.app.request('/t/ord_01aaaaaaaaaaaaaaaaaaaaaaaa.zzzzz.1.abc')).status).toBe(404);
    expect((await t.app.request('/t/garbage')).status).toBe(404);
  });

  it('expires links and lets a brand revoke all of its links at once', async () => {
    const { order } = await orderWithLabel('happy');
    const path = new URL(order.trackingPageUrl).pathname;
    expect((await t.app.request(path)).status).toBe(200);
    await rotateLinkKey(t.deps.db, t.brand.id, t.clock.now());
    expect((await t.app.request(path)).status).toBe(404);
    const fresh = await t.request('GET', `/v1/orders/${order.id}`);
    const newPath = new URL(fresh.json.trackingPageUrl).pathname;
    expect(newPath).not.toBe(path);
    // The cached brand in the API key lookup may hold the old version for a few seconds; the page reads it fresh.
    expect((await t.app.request(newPath)).status).toBe(200);
    t.clock.advance(181 * DAY);
    expect((await t.app.request(newPath)).status).toBe(410);
  });
});

describe('service endpoints', () => {
  it('answers /healthz, /readyz and /metrics', async () => {
    expect((await t.app.request('/healthz')).status).toBe(200);
    const ready = await t.app.request('/readyz');
    expect(await ready.json()).toMatchObject({ status: 'ready' });
    const metrics = await (await t.app.request('/metrics')).text();
    expect(metrics).toContain('waybill_http_requests_total');
    expect(metrics).toContain('waybill_tracking_events_stored_total');
  });

  it('publishes an OpenAPI 3.1 description and a reference page covering every route', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { openapi: string; paths: Record<string, Record<string, unknown>> };
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/orders', '/orders/{orderId}', '/orders/{orderId}/shipments', '/shipments', '/shipments/{shipmentId}', '/shipments/{shipmentId}/events', '/events/batch', '/shipments/{shipmentId}/commands']),
    );
    // Every pattern is a plain ECMA-262 regex (JSON Schema has no flags), and a URL field's takes a URL.
    const patterns: Array<{ path: string; pattern: string }> = [];
    const walk = (value: unknown, path: string): void => {
      if (Array.isArray(value)) value.forEach((item, i) => walk(item, `${path}.${i}`));
      else if (value && typeof value === 'object') {
        for (const [key, inner] of Object.entries(value)) {
          if (key === 'pattern' && typeof inner === 'string') patterns.push({ path, pattern: inner });
          else walk(inner, `${path}.${key}`);
        }
      }
    };
    walk(doc, '');
    expect(patterns.length).toBeGreaterThan(20);
    for (const { path, pattern } of patterns) {
      expect(() => new RegExp(pattern, 'u'), path).not.toThrow();
      expect(pattern, path).not.toMatch(/\/[dgimsuvy]+$/);
      if (/(url|Url)$/.test(path) && !/imageUrl\.anyOf/.test(path)) expect(new RegExp(pattern, 'u').test('https://shop.example.com/p/cap?x=1'), path).toBe(true);
    }
    const html = await (await t.app.request('/docs')).text();
    expect(html).toContain('/v1/events/batch');
    expect(html).toContain('CreateOrder');
  });

  it('answers unknown routes with the error body', async () => {
    const res = await t.app.request('/v1/nothing-here', { headers: { authorization: `Bearer ${t.apiKey}` } });
    expect(res.status).toBe(404);
    expect((await res.json()).error.code).toBe('not_found');
  });
});

describe('bad input to the simulated carrier', () => {
  it('refuses a customs hold for a domestic parcel and a destination country it cannot route, storing nothing', async () => {
    const order = await t.request('POST', '/v1/orders', orderBody());
    const domestic = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'customs_hold' });
    expect(domestic.status).toBe(422);
    expect(domestic.json.error.details[0].field).toBe('scenario');
    const nowhere = await t.request('POST', '/v1/orders', orderBody({ destination: { line1: '1 Nowhere', city: 'Atlantis', postalCode: '00000', country: 'ZZ' } }));
    const refused = await t.request('POST', `/v1/orders/${nowhere.json.id}/shipments`, { carrier: 'simulated', label: true });
    expect(refused.status).toBe(422);
    expect(refused.json.error.message).toContain('ZZ');
    const shipments = await t.deps.db.selectFrom('shipments').selectAll().where('order_id', 'in', [order.json.id, nowhere.json.id]).execute();
    expect(shipments).toEqual([]);
  });
});
