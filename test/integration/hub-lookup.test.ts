// Getting to an order safely: links that expire and can be revoked, a lookup form that gives the
// same answer for an unknown order and a wrong email, throttling, tracking-number-only lookups.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rotateLinkKey } from '../../src/brands/repo.js';
import { LOOKUP_FLOOR_MS, MAX_FAILURES_PER_ADDRESS, MAX_FAILURES_PER_ORDER } from '../../src/hub/lookup.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  await t.request('PUT', '/v1/brand/theme', { slug: 'acme' });
});
afterAll(async () => t.close());

const DAY = 86_400_000;
let addressCounter = 0;
const freshAddress = () => `203.0.113.${++addressCounter % 250}`;

async function lookup(fields: Record<string, string>, address = freshAddress()) {
  const started = performance.now();
  const res = await t.app.request('/track/acme', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: res.status, location: res.headers.get('location'), retryAfter: res.headers.get('retry-after'), html: await res.text(), ms: performance.now() - started };
}

async function placeOrder(overrides: Record<string, unknown> = {}) {
  const body = orderBody({ placedAt: t.clock.now().toISOString(), ...overrides });
  const order = (await t.request('POST', '/v1/orders', body)).json;
  const shipment = (await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' })).json;
  return { body, order, shipment };
}

describe('tracking links', () => {
  it('refuse tampered and truncated tokens, expire, and can all be revoked at once', async () => {
    const { order } = await placeOrder();
    const path = new URL(order.trackingPageUrl).pathname;
    expect((await t.app.request(path)).status).toBe(200);
    const token = path.slice(3);
    const [id, expiry, version, signature] = token.split('.');
    const tampered = [
      `${id}.${expiry}.${version}.${signature!.slice(0, -1)}${signature!.endsWith('A') ? 'B' : 'A'}`, // signature
      `${id}.${(parseInt(expiry!, 36) + 86_400).toString(36)}.${version}.${signature}`, // a later expiry
      `${id!.slice(0, -1)}${id!.endsWith('0') ? '1' : '0'}.${expiry}.${version}.${signature}`, // another order
      token.slice(0, -5), // truncated signature
      `${id}.${expiry}.${version}`, // no signature
      `${id}.${expiry}`,
      id!,
    ];
    for (const bad of tampered) {
      const res = await t.app.request(`/t/${bad}`);
      expect(res.status, bad).toBe(404);
      const page = await res.text();
      expect(page).toContain('This tracking link is not valid');
      // The link no longer says whose it is, so there is no form: the page must not point to one.
      expect(page, bad).not.toContain('<form');
      expect(page).not.toContain('below');
      expect(page).toContain('Use the link in your most recent message from the shop');
    }
    expect((await t.app.request(`${path}/data.json`.replace(signature!, 'x'.repeat(27)))).status).toBe(404);

    t.clock.advance(181 * DAY);
    const expired = await t.app.request(path);
    expect(expired.status).toBe(410);
    const html = await expired.text();
    expect(html).toContain('This tracking link has expired');
    expect(html).toContain('action="/track/acme"'); // the lookup form, to get a fresh link
    expect(html).toContain('Find your order below');
    t.clock.advance(-181 * DAY);

    await rotateLinkKey(t.deps.db, t.brand.id, t.clock.now());
    expect((await t.app.request(path)).status).toBe(404);
  });
});

describe('the lookup form', () => {
  it('takes the order number with the email (any case) or the postal code, and redirects to the signed page', async () => {
    const { body, order } = await placeOrder({ customer: { email: 'Mixed.Case@Example.com' }, destination: { line1: '1 Main St', city: 'Austin', region: 'TX', postalCode: '78701-1234', country: 'US' } });
    const page = await t.app.request('/track/acme');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Track your order');

    const byEmail = await lookup({ order: ` #${body.number} `, contact: 'mixed.case@example.COM' });
    expect(byEmail.status).toBe(303);
    expect(byEmail.location).toMatch(new RegExp(`^/t/${order.id}\\.`));
    expect((await t.app.request(byEmail.location!)).status).toBe(200);
    const byZip = await lookup({ order: body.number, contact: '78701' });
    expect(byZip.status).toBe(303);
    const byZip4 = await lookup({ order: body.number, contact: '78701 1234' });
    expect(byZip4.status).toBe(303);
    // People type the shop's "NW-10001" as "nw-10001".
    const shop = await placeOrder({ number: 'NW-20077', customer: { email: 'case@example.com' } });
    const lowerCase = await lookup({ order: 'nw-20077', contact: 'case@example.com' });
    expect(lowerCase.status).toBe(303);
    expect(lowerCase.location).toMatch(new RegExp(`^/t/${shop.order.id}\\.`));
    // A shop whose numbers have a space inside: found as typed, and with the space left out.
    const spaced = await placeOrder({ number: 'NW 30088', customer: { email: 'space@example.com' } });
    for (const typed of ['NW 30088', 'nw  30088 ']) {
      const found = await lookup({ order: typed, contact: 'space@example.com' });
      expect(found.status).toBe(303);
      expect(found.location).toMatch(new RegExp(`^/t/${spaced.order.id}\\.`));
    }
    // Two orders spelt apart only by case: each is found as typed.
    const lower = await placeOrder({ number: 'ab-1', customer: { email: 'lower@example.com' } });
    const upper = await placeOrder({ number: 'AB-1', customer: { email: 'upper@example.com' } });
    expect((await lookup({ order: 'ab-1', contact: 'lower@example.com' })).location).toMatch(new RegExp(`^/t/${lower.order.id}\\.`));
    expect((await lookup({ order: 'AB-1', contact: 'upper@example.com' })).location).toMatch(new RegExp(`^/t/${upper.order.id}\\.`));
  });

  it('answers a wrong email and an unknown order alike: same status, same page, neither sooner than the floor', async () => {
    const { body } = await placeOrder();
    const address = freshAddress();
    const wrongEmail = await lookup({ order: body.number, contact: 'someone.else@example.com' }, address);
    const unknown = await lookup({ order: 'NO-SUCH-ORDER-1', contact: 'someone.else@example.com' }, address);
    const wrongPostal = await lookup({ order: body.number, contact: '10001' }, address);
    expect(wrongEmail.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(wrongPostal.status).toBe(404);
    const strip = (html: string) => html.replace(/value="[^"]*"/g, 'value=""');
    expect(strip(wrongEmail.html)).toBe(strip(unknown.html));
    expect(strip(wrongPostal.html)).toBe(strip(unknown.html));
    expect(unknown.html).toContain('We could not find an order with these details');
    for (const answer of [wrongEmail, unknown, wrongPostal]) expect(answer.ms).toBeGreaterThanOrEqual(LOOKUP_FLOOR_MS - 5);
  });

  it('keeps the language the page was opened in: the form posts in it, a miss answers in it, a find opens the order in it', async () => {
    const { body } = await placeOrder({ customer: { email: 'idioma@example.com', locale: 'de' } });
    const page = await (await t.app.request('/track/acme?lang=es')).text();
    expect(page).toContain('<html lang="es"');
    expect(page).toContain('action="/track/acme?lang=es"');
    const post = (fields: Record<string, string>) =>
      t.app.request('/track/acme?lang=es', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': freshAddress() }, body: new URLSearchParams(fields).toString() });
    const miss = await post({ order: body.number, contact: 'otra@example.com' });
    expect(miss.status).toBe(404);
    const missed = await miss.text();
    expect(missed).toContain('<html lang="es"');
    expect(missed).toContain('action="/track/acme?lang=es"');
    const found = await post({ order: body.number, contact: 'idioma@example.com' });
    expect(found.status).toBe(303);
    expect(found.headers.get('location')).toMatch(/^\/t\/[^?]+\?lang=es$/);
    // A language the page does not speak is not carried.
    expect(await (await t.app.request('/track/acme?lang=xx')).text()).toContain('action="/track/acme"');
  });

  it('says which fields are missing', async () => {
    const res = await lookup({ order: '1042', contact: '' });
    expect(res.status).toBe(422);
    expect(res.html).toContain('Enter the order number and the email address or postal code');
  });

  it('stops a brute force: 10,000 guesses from one address find nothing and are throttled with Retry-After', { timeout: 240_000 }, async () => {
    const { body } = await placeOrder({ customer: { email: 'target@example.com' } });
    const address = '198.51.100.7';
    const statuses = new Map<number, number>();
    let retryAfter: string | null = null;
    for (let i = 0; i < 10_000; i++) {
      // Every guess is a plausible one: the real order number with a guessed email or postal code.
      const res = await t.app.request('/track/acme', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': address },
        body: new URLSearchParams({ order: i % 2 ? body.number : `G-${i}`, contact: i % 3 ? `guess${i}@example.com` : String(10000 + i) }).toString(),
      });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      if (res.status === 429) retryAfter ??= res.headers.get('retry-after');
      expect(res.status).not.toBe(303);
    }
    expect(statuses.get(404)).toBeLessThanOrEqual(MAX_FAILURES_PER_ADDRESS);
    expect(statuses.get(429)).toBeGreaterThanOrEqual(10_000 - MAX_FAILURES_PER_ADDRESS);
    expect(Number(retryAfter)).toBeGreaterThan(0);
    expect(Number(retryAfter)).toBeLessThanOrEqual(15 * 60);
    // The right details from that address are refused too until the window ends...
    expect((await lookup({ order: body.number, contact: 'target@example.com' }, address)).status).toBe(429);
    // ...and the window does end.
    t.clock.advance(16 * 60_000);
    expect((await lookup({ order: body.number, contact: 'target@example.com' }, address)).status).toBe(303);
  });

  it('throttles guesses at one order from many addresses', async () => {
    const { body } = await placeOrder({ customer: { email: 'popular@example.com' } });
    const answers = [];
    for (let i = 0; i < MAX_FAILURES_PER_ORDER + 3; i++) answers.push(await lookup({ order: body.number, contact: `nope${i}@example.com` }));
    expect(answers.slice(0, MAX_FAILURES_PER_ORDER).every((a) => a.status === 404)).toBe(true);
    const limited = answers.slice(MAX_FAILURES_PER_ORDER);
    expect(limited.every((a) => a.status === 429 && Number(a.retryAfter) > 0)).toBe(true);
    expect(limited[0]!.html).toContain('Too many attempts');
    // Another order is not affected.
    const other = await placeOrder({ customer: { email: 'calm@example.com' } });
    expect((await lookup({ order: other.body.number, contact: 'calm@example.com' })).status).toBe(303);
    t.clock.advance(16 * 60_000);
    expect((await lookup({ order: body.number, contact: 'popular@example.com' })).status).toBe(303);
  });

  it('throttles guesses sent all at once as it does guesses sent one after another', async () => {
    const { body } = await placeOrder({ customer: { email: 'rushed@example.com' } });
    const address = '198.51.100.60';
    const contacts = [...Array.from({ length: 59 }, (_, i) => `rush${i}@example.com`), 'rushed@example.com'];
    const answers = await Promise.all(contacts.map((contact) => lookup({ order: body.number, contact }, address)));
    const through = answers.filter((a) => a.status !== 429);
    expect(through.length).toBeLessThanOrEqual(MAX_FAILURES_PER_ORDER);
    expect(answers.filter((a) => a.status === 429).length).toBeGreaterThanOrEqual(contacts.length - MAX_FAILURES_PER_ORDER);
    // The window ends, and the right details open the order.
    t.clock.advance(16 * 60_000);
    expect((await lookup({ order: body.number, contact: 'rushed@example.com' }, address)).status).toBe(303);
    // Every try is counted before it is made, but one that finds the order is given back: finding it is not a failure.
    for (let i = 0; i < MAX_FAILURES_PER_ORDER + 2; i++) expect((await lookup({ order: body.number, contact: 'rushed@example.com' }, address)).status).toBe(303);
  });

  it('shows carrier events for a tracking number alone, and nothing about the order', async () => {
    const { body, shipment } = await placeOrder({ items: [{ sku: 'SECRET-SKU', name: 'Very private item', quantity: 1 }] });
    t.clock.advance(2 * DAY);
    await t.worker.drain();
    const found = await lookup({ tracking: shipment.trackingNumber.toLowerCase() });
    expect(found.status).toBe(200);
    expect(found.html).toContain(shipment.trackingNumber);
    expect(found.html).toContain('Label created');
    expect(found.html).toContain('This shows the carrier’s updates only');
    for (const secret of [body.number, 'Very private item', 'Austin', body.customer.email]) expect(found.html).not.toContain(secret);
    const missing = await lookup({ tracking: 'SIM0000000000000' });
    expect(missing.status).toBe(404);
    expect(missing.html).toContain('We could not find a parcel with this tracking number');
  });

  it('writes a tracking number’s scans and window on the destination’s clock, as the order’s page does, though it names no destination', async () => {
    const { order, shipment } = await placeOrder({ destination: { line1: '1 Pine St', city: 'Seattle', region: 'WA', postalCode: '98101', country: 'US' } });
    t.clock.advance(2 * 3_600_000); // the Tokyo scan comes after the label's
    const now = t.clock.now().getTime();
    // A day whose delivery hours in Seattle (16:00–23:59 UTC) fall on the next day in Tokyo, where the parcel was last scanned.
    const day = new Date(now + 2 * DAY).toISOString().slice(0, 10);
    const posted = await t.request('POST', `/v1/shipments/${shipment.id}/events`, {
      events: [{ status: 'in_transit', occurredAt: new Date(now - 3_600_000).toISOString(), carrierText: 'Departed facility', location: { city: 'Tokyo', country: 'JP' }, eventId: 'e-tokyo' }],
      estimatedDelivery: { from: `${day}T16:00:00Z`, to: `${day}T23:59:00Z` },
    });
    expect(posted.status).toBe(200);
    const orderPage = await (await t.app.request(new URL(order.trackingPageUrl).pathname)).text();
    const found = await lookup({ tracking: shipment.trackingNumber });
    expect(found.status).toBe(200);
    const expected = (html: string) => /<p>(Expected [^<]+)<\/p>/.exec(html)?.[1];
    const when = (html: string) => /<span class="muted">([^<]+) · Tokyo, JP<\/span>/.exec(html)?.[1];
    expect(expected(orderPage)).toBeDefined();
    expect(when(orderPage)).toBeDefined();
    expect(expected(found.html)).toBe(expected(orderPage));
    expect(when(found.html)).toBe(when(orderPage));
    expect(found.html).not.toContain('Seattle');
  });

  it('is not there for a slug nobody has: the hub’s page says so in the visitor’s language, not the API’s JSON', async () => {
    for (const method of ['GET', 'POST']) {
      const res = await t.app.request('/track/nobody-here', { method, headers: { 'accept-language': 'es-MX,es;q=0.9', 'content-type': 'application/x-www-form-urlencoded' }, ...(method === 'POST' ? { body: 'order=1&contact=x' } : {}) });
      expect(res.status, method).toBe(404);
      expect(res.headers.get('content-type')).toContain('text/html');
      const html = await res.text();
      expect(html).toContain('<html lang="es"');
      expect(html).toContain('Este enlace de seguimiento no es válido');
      expect(html).not.toContain('<form'); // no brand known, so no form to offer
    }
    // On Waybill's own address, /track and an unknown page under /t/ are not the API's JSON either.
    for (const path of ['/track', '/track/acme/extra', `/t/${(await placeOrder()).order.id}.x.y.z/nothing`]) {
      const res = await t.app.request(path);
      expect(res.status, path).toBe(404);
      expect(await res.text(), path).toContain('This tracking link is not valid');
    }
  });

  it('drops a trailing slash: the same page, by a redirect that keeps the language', async () => {
    const page = await t.app.request('/track/acme/?lang=fr');
    expect(page.status).toBe(301);
    expect(page.headers.get('location')).toBe('/track/acme?lang=fr');
    const posted = await t.app.request('/track/acme/', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'tracking=X' });
    expect(posted.status).toBe(308); // the form is sent again, to the page without the slash
    expect(posted.headers.get('location')).toBe('/track/acme');
    const { order } = await placeOrder();
    const path = new URL(order.trackingPageUrl).pathname;
    for (const slashed of [`${path}/`, `${path}/return/`]) {
      const res = await t.app.request(slashed);
      expect(res.status, slashed).toBe(301);
      expect(res.headers.get('location')).toBe(slashed.slice(0, -1));
    }
  });
});

describe('a product link that is not valid', () => {
  it('gets the hub’s page in the visitor’s language, not a line of English', async () => {
    const res = await t.app.request('/r/garbage', { headers: { 'accept-language': 'fr-CA' } });
    expect(res.status).toBe(404);
    const html = await res.text();
    expect(html).toContain('<html lang="fr"');
    expect(html).toContain('Ce lien n’est pas valide');
  });
});
