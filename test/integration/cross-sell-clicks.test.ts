// Cross-sell click links cannot be forged: the signature covers the product, so a real link with
// its product swapped (for one never shown, inactive) is refused and records nothing; a product
// since made inactive sends the visitor to the brand's shop, uncounted; links sent before products
// were signed still open, but count only for a product the order's page recommends. A link lives
// by the tracking link it was shown with: once that has expired, or its brand revoked its links,
// it still opens the product but counts nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrand, rotateLinkKey } from '../../src/brands/repo.js';
import { hmacBase64Url } from '../../src/lib/crypto.js';
import { readTrackingToken } from '../../src/orders/tracking-links.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
const products = [
  { id: 'TENT', title: 'The tent', url: shop('TENT'), price: 200, tags: ['camping'] },
  { id: 'STAKES', title: 'The stakes', url: shop('STAKES'), price: 15, tags: ['camping'] },
  { id: 'LAMP', title: 'The lamp', url: shop('LAMP'), price: 30, tags: ['camping'] },
  { id: 'MUG', title: 'The mug', url: shop('MUG'), price: 8, tags: ['camping'] },
  { id: 'SCARF', title: 'The scarf', url: shop('SCARF'), price: 12, tags: ['winter'] },
  { id: 'HIDDEN', title: 'Never shown', url: shop('HIDDEN'), price: 500, active: false },
];
// Two products on a page (the stakes and the lamp, the fallback), a third in emails (the mug,
// sharing the tent's tag), never the scarf.
const crossSellSettings = { fallback: ['STAKES', 'LAMP'], perPage: 2 };
beforeAll(async () => {
  t = await createTestContext();
  expect((await t.request('PUT', '/v1/catalogue/products', { products })).status).toBe(200);
  expect((await t.request('PUT', '/v1/cross-sells/settings', crossSellSettings)).status).toBe(200);
});
afterAll(async () => t.close());

const DAY = 86_400_000;
const b64 = (id: string) => Buffer.from(id).toString('base64url');
function shop(id: string) {
  return `https://shop.example.com/p/${id.toLowerCase()}`;
}

type Request = TestContext['request'];

async function order(email: string, skus: string[], prices: Record<string, number> = {}, request: Request = t.request) {
  const items = skus.map((sku) => ({ sku, name: sku, quantity: 1, price: prices[sku] ?? 10 }));
  return (await request('POST', '/v1/orders', orderBody({ customer: { email }, items, placedAt: t.clock.now().toISOString() }))).json as { id: string; trackingPageUrl: string };
}

/** A brand of its own with the same catalogue, whose links a test may revoke without touching the others'. */
async function brandOfItsOwn(name: string) {
  const { brand, apiKey } = await createBrand(t.deps.db, t.clock.now(), { name });
  const request: Request = (method, path, body, headers = {}) => t.request(method, path, body, { authorization: `Bearer ${apiKey}`, ...headers });
  expect((await request('PUT', '/v1/catalogue/products', { products })).status).toBe(200);
  expect((await request('PUT', '/v1/cross-sells/settings', crossSellSettings)).status).toBe(200);
  return { brand, request, order: (email: string, skus: string[], prices: Record<string, number> = {}) => order(email, skus, prices, request) };
}

/** Follows a click link: where it sent the visitor (it must send them somewhere). */
async function follow(link: string): Promise<string> {
  const res = await t.app.request(link);
  expect(res.status).toBe(302);
  return res.headers.get('location')!;
}

/** The later order of the same customer, and the products it was attributed to. */
async function attributedLater(email: string, skus: string[], request: Request = t.request): Promise<string[]> {
  t.clock.advance(DAY);
  const later = await order(email, skus, {}, request);
  await t.worker.drain();
  return (await t.deps.db.selectFrom('cross_sell_attributions').select('product_id').where('order_id', '=', later.id).execute()).map((a) => a.product_id).sort();
}

/** A link as Waybill made them before they carried their tracking link's terms: signed for the order, place and product. */
const productSignedLink = (brandId: string, orderId: string, productId: string, code: 'p' | 'e' = 'p') =>
  `/r/${orderId}.${code}.${hmacBase64Url(t.deps.keys['tracking-links'], `click2|${brandId}|${orderId}|${code}|${productId}`).slice(0, 22)}.${b64(productId)}`;

async function pageLinks(o: { trackingPageUrl: string }): Promise<Map<string, string>> {
  const html = await (await t.app.request(new URL(o.trackingPageUrl).pathname)).text();
  return new Map([...html.matchAll(/<a href="(\/r\/[^"]+)" rel="nofollow">(?:(?!<\/a>).)*?<span class="t">([^<]+)<\/span>/g)].map((m) => [m[2]!, m[1]!]));
}

const clicksOf = async (orderId: string) => (await t.deps.db.selectFrom('cross_sell_clicks').select('product_id').where('order_id', '=', orderId).execute()).map((c) => c.product_id).sort();

/** A link as Waybill made them before products were signed: one signature for the order and place. */
const legacyLink = (orderId: string, productId: string, code: 'p' | 'e' = 'p') =>
  `/r/${orderId}.${code}.${hmacBase64Url(t.deps.keys['tracking-links'], `click|${t.brand.id}|${orderId}|${code}`).slice(0, 22)}.${b64(productId)}`;

describe('a click link', () => {
  it('is good for its own product only: swapped for another product it is refused, records nothing, and no later order is attributed to it', async () => {
    const first = await order('swapper@example.com', ['TENT']);
    const links = await pageLinks(first);
    expect([...links.keys()]).toEqual(['The stakes', 'The lamp']);
    const real = links.get('The stakes')!;

    const swapped = real.replace(/\.[^.]+$/, `.${b64('HIDDEN')}`);
    const refused = await t.app.request(swapped);
    expect(refused.status).toBe(404);
    expect(refused.headers.get('location')).toBeNull();
    // Another active product that the page did show is refused just the same with this product's signature.
    expect((await t.app.request(real.replace(/\.[^.]+$/, `.${b64('LAMP')}`))).status).toBe(404);
    expect(await clicksOf(first.id)).toEqual([]);

    const followed = await t.app.request(real);
    expect(followed.status).toBe(302);
    expect(new URL(followed.headers.get('location')!).pathname).toBe('/p/stakes');
    expect(await clicksOf(first.id)).toEqual(['STAKES']);

    t.clock.advance(DAY);
    const later = await order('swapper@example.com', ['HIDDEN', 'STAKES'], { HIDDEN: 500, STAKES: 15 });
    await t.worker.drain();
    const attributed = await t.deps.db.selectFrom('cross_sell_attributions').select(['product_id', 'revenue']).where('order_id', '=', later.id).execute();
    expect(attributed.map((a) => [a.product_id, Number(a.revenue)])).toEqual([['STAKES', 15]]);
  });

  it('for a product made inactive since sends the visitor to the brand’s shop, or its lookup page, and records nothing', async () => {
    const placed = await order('late@example.com', ['TENT']);
    const lamp = (await pageLinks(placed)).get('The lamp')!;
    await t.request('PUT', '/v1/catalogue/products', { products: [{ id: 'LAMP', title: 'The lamp', url: shop('LAMP'), price: 30, tags: ['camping'], active: false }] });
    try {
      const toLookup = await t.app.request(lamp);
      expect(toLookup.status).toBe(302);
      expect(toLookup.headers.get('location')).toBe(`${t.deps.config.publicUrl}/track/${t.brand.id}`);
      expect((await t.app.request(new URL(toLookup.headers.get('location')!).pathname)).status).toBe(200);

      expect((await t.request('PUT', '/v1/brand/theme', { homeUrl: 'https://shop.example.com/' })).status).toBe(200);
      const toShop = await t.app.request(lamp);
      expect(toShop.status).toBe(302);
      expect(toShop.headers.get('location')).toBe('https://shop.example.com/');
      expect(await clicksOf(placed.id)).toEqual([]);
    } finally {
      await t.request('PUT', '/v1/brand/theme', {});
      await t.request('PUT', '/v1/catalogue/products', { products: [{ id: 'LAMP', title: 'The lamp', url: shop('LAMP'), price: 30, tags: ['camping'] }] });
    }
  });

  it('sent before products were signed still opens, but counts only for a product the order’s page recommends', async () => {
    const placed = await order('old.link@example.com', ['TENT']);
    // The page recommends the stakes and the lamp (emails the mug too); the scarf is active but never shown for this order.
    const shown = await t.app.request(legacyLink(placed.id, 'STAKES'));
    expect(shown.status).toBe(302);
    expect(new URL(shown.headers.get('location')!).pathname).toBe('/p/stakes');

    const notShown = await t.app.request(legacyLink(placed.id, 'SCARF'));
    expect(notShown.status).toBe(302);
    expect(new URL(notShown.headers.get('location')!).pathname).toBe('/p/scarf');

    const hidden = await t.app.request(legacyLink(placed.id, 'HIDDEN'));
    expect(hidden.status).toBe(302);
    expect(hidden.headers.get('location')).toBe(`${t.deps.config.publicUrl}/track/${t.brand.id}`);
    expect((await t.app.request(legacyLink(placed.id, 'GONE'))).headers.get('location')).toBe(`${t.deps.config.publicUrl}/track/${t.brand.id}`);

    // The mug is in this order's emails (three products), not on its page (two).
    expect((await t.app.request(legacyLink(placed.id, 'MUG', 'p'))).status).toBe(302);
    expect(await clicksOf(placed.id)).toEqual(['STAKES']);
    expect((await t.app.request(legacyLink(placed.id, 'MUG', 'e'))).status).toBe(302);
    expect(await clicksOf(placed.id)).toEqual(['MUG', 'STAKES']);
    // A legacy signature of another order is no good for this one.
    const other = await order('someone@example.com', ['TENT']);
    expect((await t.app.request(legacyLink(other.id, 'STAKES').replace(other.id, placed.id))).status).toBe(404);

    t.clock.advance(DAY);
    const later = await order('old.link@example.com', ['HIDDEN', 'SCARF', 'STAKES'], { HIDDEN: 500, SCARF: 12, STAKES: 15 });
    await t.worker.drain();
    const attributed = await t.deps.db.selectFrom('cross_sell_attributions').select('product_id').where('order_id', '=', later.id).execute();
    expect(attributed.map((a) => a.product_id).sort()).toEqual(['STAKES']);
  });
});

describe('a click link and the tracking link it was shown with', () => {
  it('carries that link’s expiry and key version, signed: changed, cut short or with a part missing, it is refused and records nothing', async () => {
    const placed = await order('tamper@example.com', ['TENT']);
    const page = readTrackingToken(new URL(placed.trackingPageUrl).pathname.slice('/t/'.length))!;
    const real = (await pageLinks(placed)).get('The stakes')!;
    const parts = real.slice('/r/'.length).split('.');
    expect(parts).toHaveLength(6);
    expect([parseInt(parts[2]!, 36) * 1000, Number(parts[3])]).toEqual([page.expiresAt, page.keyVersion]);

    const withPart = (i: number, value: string) => `/r/${parts.map((p, j) => (j === i ? value : p)).join('.')}`;
    const refused = [
      withPart(2, (page.expiresAt / 1000 + 365 * 86_400).toString(36)), // a year longer
      withPart(3, String(page.keyVersion + 1)),
      withPart(5, b64('LAMP')),
      real.slice(0, -2), // the product cut short
      `/r/${parts.slice(0, 5).join('.')}`, // no product
      `/r/${[parts[0], parts[1], parts[4], parts[5]].join('.')}`, // no terms: not an older link either
      withPart(4, parts[4]!.slice(0, 20)),
    ];
    for (const link of refused) {
      const res = await t.app.request(link);
      expect(res.status, link).toBe(404);
      expect(res.headers.get('location')).toBeNull();
    }
    expect(await clicksOf(placed.id)).toEqual([]);
  });

  it('stops counting once that link has expired, still opening the product; a page opened with a fresh link counts again', async () => {
    const placed = await order('expired@example.com', ['TENT']);
    const stakes = (await pageLinks(placed)).get('The stakes')!;
    const older = productSignedLink(t.brand.id, placed.id, 'STAKES');
    const oldest = legacyLink(placed.id, 'LAMP');
    t.clock.advance(181 * DAY); // the order's link lasts 180 days
    try {
      expect((await t.app.request(new URL(placed.trackingPageUrl).pathname)).status).toBe(410);
      for (const [link, path] of [[stakes, '/p/stakes'], [older, '/p/stakes'], [oldest, '/p/lamp']] as const) expect(new URL(await follow(link)).pathname).toBe(path);
      expect(await clicksOf(placed.id)).toEqual([]);
      expect(await attributedLater('expired@example.com', ['STAKES', 'LAMP'])).toEqual([]);

      // The customer finds the order with the lookup form: a link of a week, its page's products counted.
      const form = await t.app.request(`/track/${t.brand.id}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.77' },
        body: new URLSearchParams({ order: (await t.request('GET', `/v1/orders/${placed.id}`)).json.number, contact: 'expired@example.com' }).toString(),
      });
      expect(form.status).toBe(303);
      const fresh = (await pageLinks({ trackingPageUrl: `http://waybill.test${form.headers.get('location')!}` })).get('The stakes')!;
      expect(new URL(await follow(fresh)).pathname).toBe('/p/stakes');
      expect(await clicksOf(placed.id)).toEqual(['STAKES']);
      expect(await attributedLater('expired@example.com', ['STAKES'])).toEqual(['STAKES']);
    } finally {
      t.clock.advance(-183 * DAY);
    }
  });

  it('stops counting once the brand revokes its links, still opening the product; the page of the new link counts and is attributed', async () => {
    const own = await brandOfItsOwn('Revoker');
    const placed = await own.order('revoked@example.com', ['TENT']);
    const links = await pageLinks(placed);
    const older = productSignedLink(own.brand.id, placed.id, 'LAMP');
    await rotateLinkKey(t.deps.db, own.brand.id, t.clock.now());

    expect((await t.app.request(new URL(placed.trackingPageUrl).pathname)).status).toBe(404);
    expect(new URL(await follow(links.get('The stakes')!)).pathname).toBe('/p/stakes');
    expect(new URL(await follow(older)).pathname).toBe('/p/lamp');
    expect(await clicksOf(placed.id)).toEqual([]);
    expect(await attributedLater('revoked@example.com', ['STAKES', 'LAMP'], own.request)).toEqual([]);

    // The order's link as the API (and every message from now on) gives it: under the new version.
    const renewed = (await own.request('GET', `/v1/orders/${placed.id}`)).json as { trackingPageUrl: string };
    expect(renewed.trackingPageUrl).not.toBe(placed.trackingPageUrl);
    expect(new URL(await follow((await pageLinks(renewed)).get('The stakes')!)).pathname).toBe('/p/stakes');
    expect(await clicksOf(placed.id)).toEqual(['STAKES']);
    expect(await attributedLater('revoked@example.com', ['STAKES', 'LAMP'], own.request)).toEqual(['STAKES']);
  });

  it('of one brand is not touched when another brand revokes its links', async () => {
    const mine = await brandOfItsOwn('Keeper');
    const theirs = await brandOfItsOwn('Neighbour');
    const placed = await mine.order('kept@example.com', ['TENT']);
    const elsewhere = await theirs.order('kept@example.com', ['TENT']);
    const [myLink, theirLink] = [(await pageLinks(placed)).get('The stakes')!, (await pageLinks(elsewhere)).get('The stakes')!];
    await rotateLinkKey(t.deps.db, theirs.brand.id, t.clock.now());

    expect(new URL(await follow(theirLink)).pathname).toBe('/p/stakes');
    expect(await clicksOf(elsewhere.id)).toEqual([]);
    expect(new URL(await follow(myLink)).pathname).toBe('/p/stakes');
    expect(await clicksOf(placed.id)).toEqual(['STAKES']);
    expect(await attributedLater('kept@example.com', ['STAKES'], mine.request)).toEqual(['STAKES']);
    expect(await attributedLater('kept@example.com', ['STAKES'], theirs.request)).toEqual([]);
  });
});
