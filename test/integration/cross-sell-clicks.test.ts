// Cross-sell click links cannot be forged: the signature covers the product, so a real link with
// its product swapped (for one never shown, inactive) is refused and records nothing; a product
// since made inactive sends the visitor to the brand's shop, uncounted; links sent before products
// were signed still open, but count only for a product the order's page recommends.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hmacBase64Url } from '../../src/lib/crypto.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
  const products = [
    { id: 'TENT', title: 'The tent', url: shop('TENT'), price: 200, tags: ['camping'] },
    { id: 'STAKES', title: 'The stakes', url: shop('STAKES'), price: 15, tags: ['camping'] },
    { id: 'LAMP', title: 'The lamp', url: shop('LAMP'), price: 30, tags: ['camping'] },
    { id: 'MUG', title: 'The mug', url: shop('MUG'), price: 8, tags: ['camping'] },
    { id: 'SCARF', title: 'The scarf', url: shop('SCARF'), price: 12, tags: ['winter'] },
    { id: 'HIDDEN', title: 'Never shown', url: shop('HIDDEN'), price: 500, active: false },
  ];
  expect((await t.request('PUT', '/v1/catalogue/products', { products })).status).toBe(200);
  // Two products on a page (the stakes and the lamp, the fallback), a third in emails (the mug,
  // sharing the tent's tag), never the scarf.
  expect((await t.request('PUT', '/v1/cross-sells/settings', { fallback: ['STAKES', 'LAMP'], perPage: 2 })).status).toBe(200);
});
afterAll(async () => t.close());

const DAY = 86_400_000;
const b64 = (id: string) => Buffer.from(id).toString('base64url');
function shop(id: string) {
  return `https://shop.example.com/p/${id.toLowerCase()}`;
}

async function order(email: string, skus: string[], prices: Record<string, number> = {}) {
  const items = skus.map((sku) => ({ sku, name: sku, quantity: 1, price: prices[sku] ?? 10 }));
  return (await t.request('POST', '/v1/orders', orderBody({ customer: { email }, items, placedAt: t.clock.now().toISOString() }))).json as { id: string; trackingPageUrl: string };
}

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
