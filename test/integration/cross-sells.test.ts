// Cross-sells that pay: the catalogue by JSON and CSV (a big file with broken rows), "bought
// together" from the brand's own orders, the products under the tracker and in emails, clicks,
// and later orders attributed to them, as a revenue figure.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clickToken } from '../../src/catalogue/cross-sells.js';
import { readTrackingToken } from '../../src/orders/tracking-links.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

const DAY = 86_400_000;
const shop = (id: string) => `https://shop.example.com/p/${id.toLowerCase()}`;
const item = (sku: string, price = 20) => ({ sku, name: sku, quantity: 1, price });

async function order(skus: string[], email = 'buyer@example.com', placedAt = t.clock.now().toISOString()) {
  return (await t.request('POST', '/v1/orders', orderBody({ customer: { email, locale: 'en' }, items: skus.map((s) => item(s)), placedAt }))).json;
}

async function pageOf(o: { trackingPageUrl: string }) {
  return (await t.app.request(new URL(o.trackingPageUrl).pathname)).text();
}

describe('the catalogue', () => {
  it('refuses bad products by field, and escapes HTML in titles on the page', async () => {
    const bad = await t.request('PUT', '/v1/catalogue/products', { products: [{ id: 'X', title: '', url: 'javascript:alert(1)', price: -1 }] });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['products.0.title', 'products.0.url', 'products.0.price']));
    const twice = await t.request('PUT', '/v1/catalogue/products', { products: [{ id: 'X', title: 'x', url: shop('x') }, { id: 'X', title: 'y', url: shop('y') }] });
    expect(twice.status).toBe(422);

    const products = ['TENT', 'STAKES', 'TEE', 'MUG', 'LANTERN'].map((id) => ({ id, title: id === 'LANTERN' ? 'Lantern <script>alert(1)</script>' : `The ${id.toLowerCase()}`, url: shop(id), price: 25, tags: ['camping'] }));
    expect((await t.request('PUT', '/v1/catalogue/products', { products })).status).toBe(200);
    await t.request('PUT', '/v1/cross-sells/settings', { fallback: ['LANTERN'], attributionWindowDays: 30, perPage: 4 });
    const html = await pageOf(await order(['MUG']));
    expect(html).toContain('Lantern &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>');
  });

  it('loads a big CSV with broken rows: every good row saved, every bad one reported by line, nothing stored lost', { timeout: 120_000 }, async () => {
    const lines = ['id,title,image,price,url,tags'];
    const broken = new Map<number, string>();
    for (let i = 0; i < 30_000; i++) {
      const line = i + 2;
      if (i % 997 === 1) {
        lines.push(`B-${i},,,,${shop('b')},`);
        broken.set(line, 'title must not be empty');
      } else if (i % 997 === 2) {
        lines.push(`B-${i},Broken link,,9,ftp://files.example.com/x,`);
        broken.set(line, 'url must be an http(s) URL');
      } else if (i % 997 === 3) {
        lines.push(`B-${i},Broken price,,cheap,${shop('c')},`);
        broken.set(line, 'price is not a number');
      } else if (i % 997 === 4) {
        lines.push(`B-${i},Thousands,,"1,299",${shop('d')},`);
        broken.set(line, "price has 3 digits after its comma, more than a USD price's 2 decimals: if it separates thousands, leave it out (1299)");
      } else if (i % 997 === 5) {
        // The same price unquoted: the row shifts one column right, its last value past the header's end.
        lines.push(`B-${i},Shifted,,1,299,${shop('e')},tag`);
        broken.set(line, 'the row has 7 values but the header names 6 columns; put a value that holds a comma in double quotes');
      } else if (i % 997 === 6) {
        // Empty cells past the end, as a spreadsheet leaves them, are no values: the row loads.
        lines.push(`C-${i},Trailing cells,,5,${shop(`c-${i}`)},bulk,,`);
      } else {
        lines.push(`C-${i},"Product ${i}, ""quoted""",https://cdn.example.com/${i}.jpg,${(i % 50) + 0.99},${shop(`c-${i}`)},bulk|n${i % 7}`);
      }
    }
    const res = await t.app.request('/v1/catalogue/import', { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'text/csv' }, body: lines.join('\n') });
    expect(res.status).toBe(200);
    const report = (await res.json()) as { rows: number; loaded: number; failed: number; errors: Array<{ line: number; reason: string }> };
    expect(report.rows).toBe(30_000);
    expect(report.failed).toBe(broken.size);
    expect(report.loaded).toBe(30_000 - broken.size);
    for (const error of report.errors) expect(error.reason).toBe(broken.get(error.line));
    const stored = await t.deps.db.selectFrom('catalogue_products').select((eb) => eb.fn.countAll<number>().as('n')).where('brand_id', '=', t.brand.id).executeTakeFirstOrThrow();
    expect(Number(stored.n)).toBe(5 + 30_000 - broken.size); // the five from before are still there
    const one = await t.request('GET', '/v1/catalogue/products?after=C-29998&limit=1');
    expect(one.json.data[0]).toMatchObject({ id: 'C-29999', title: 'Product 29999, "quoted"', price: 49.99, tags: ['bulk', 'n4'] });
    // The bulk products are switched off again so the next tests see a small catalogue.
    await t.deps.db.updateTable('catalogue_products').set({ active: 0 }).where('brand_id', '=', t.brand.id).where('id', 'like', 'C-%').execute();
    await t.request('PUT', '/v1/catalogue/products', { products: [{ id: 'MUG', title: 'The mug', url: shop('MUG'), price: 12, tags: ['camping'] }] }); // refreshes the cached catalogue
  });

  it('refuses a CSV it cannot read at all, saying why', async () => {
    const res = await t.app.request('/v1/catalogue/import', { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'text/csv' }, body: 'name,cost\nCap,3\n' });
    expect(res.status).toBe(422);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('no id, url column');
  });
});

describe('the catalogue’s encoding', () => {
  const upload = async (bytes: Buffer, contentType = 'text/csv') => {
    const res = await t.app.request('/v1/catalogue/import', { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': contentType }, body: new Uint8Array(bytes) });
    return { status: res.status, json: await res.json() };
  };
  const titles = async () => Object.fromEntries((await t.deps.db.selectFrom('catalogue_products').select(['id', 'title']).where('brand_id', '=', t.brand.id).where('id', 'like', 'ENC-%').execute()).map((p) => [p.id, p.title]));
  // Inactive, so they never show among the recommendations the other tests look at.
  const file = (id: string, title: string) => `id,title,url,active\n${id},${title},${shop(id)},no\n`;

  it('reads a file that is not UTF-8 as Windows-1252 and says so in the report; honours the charset named; refuses one it does not know', async () => {
    const excel = Buffer.from(file('ENC-1', 'Caf\xe9 mug \x93blue\x94 \x80'), 'latin1');
    const guessed = await upload(excel);
    expect(guessed.status).toBe(200);
    expect(guessed.json).toMatchObject({ rows: 1, loaded: 1, failed: 0, encoding: 'windows-1252' });
    expect(guessed.json.encodingNote).toContain('line 2 is not');
    expect(guessed.json.encodingNote).toContain('charset=');

    const named = await upload(Buffer.from(file('ENC-2', 'Cr\xe8me'), 'latin1'), 'text/csv; charset=Windows-1252');
    expect(named.json).toMatchObject({ loaded: 1, encoding: 'windows-1252' });
    expect(named.json.encodingNote).toBeUndefined();
    const latin1 = await upload(Buffer.from(file('ENC-3', 'Th\xe9'), 'latin1'), 'text/csv; charset="ISO-8859-1"');
    expect(latin1.json).toMatchObject({ loaded: 1, encoding: 'windows-1252' });
    const utf16 = await upload(Buffer.from(file('ENC-4', 'Ünïcödé'), 'utf16le'), 'text/csv; charset=utf-16');
    expect(utf16.json).toMatchObject({ loaded: 1, encoding: 'utf-16le' });
    const utf8 = await upload(Buffer.from(file('ENC-5', 'Über'), 'utf8'));
    expect(utf8.json).toMatchObject({ loaded: 1, encoding: 'utf-8' });
    expect(utf8.json.encodingNote).toBeUndefined();
    expect(await titles()).toEqual({ 'ENC-1': 'Café mug “blue” €', 'ENC-2': 'Crème', 'ENC-3': 'Thé', 'ENC-4': 'Ünïcödé', 'ENC-5': 'Über' });

    const unknown = await upload(excel, 'text/csv; charset=klingon-8');
    expect(unknown.status).toBe(415);
    expect(unknown.json.error.message).toContain('"klingon-8"');
    const notWhatItSays = await upload(Buffer.from(file('ENC-6', 'Caf\xe9'), 'latin1'), 'text/csv; charset=utf-8');
    expect(notWhatItSays.status).toBe(422);
    expect(notWhatItSays.json.error.message).toContain('line 2 is not');
    expect(await titles()).not.toHaveProperty('ENC-6');
  });
});

describe('the catalogue sent with an Idempotency-Key', () => {
  it('is read from the bytes sent, in any charset, and a retry of the same file gets the first answer while another file with the key is refused', async () => {
    const send = (bytes: Buffer) =>
      t.app.request('/v1/catalogue/import', { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'text/csv', 'idempotency-key': 'catalogue-1252' }, body: new Uint8Array(bytes) });
    const file = (title: string) => Buffer.from(`id,title,url,active\nIDEM-1,${title},${shop('IDEM-1')},no\n`, 'latin1');
    const first = await send(file('Caf\xe9 cap'));
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ loaded: 1, encoding: 'windows-1252' });
    const title = async () => (await t.deps.db.selectFrom('catalogue_products').select('title').where('brand_id', '=', t.brand.id).where('id', '=', 'IDEM-1').executeTakeFirstOrThrow()).title;
    expect(await title()).toBe('Café cap');
    const retry = await send(file('Caf\xe9 cap'));
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    // One byte apart, though both decode to the same text as UTF-8: another body, refused.
    const other = await send(file('Caf\xe8 cap'));
    expect(other.status).toBe(422);
    expect(((await other.json()) as { error: { code: string } }).error.code).toBe('idempotency_key_reused');
    expect(await title()).toBe('Café cap');
  });
});

describe('bought together', () => {
  it('ranks the complement of what was bought first, learned from the brand’s own orders', { timeout: 120_000 }, async () => {
    // A history where the tee is everywhere (in 20 of the tent orders too) and the stakes go with tents.
    const baskets = [...Array(14).fill(['TENT', 'STAKES']), ...Array(2).fill(['STAKES']), ...Array(20).fill(['TENT', 'TEE']), ...Array(100).fill(['TEE'])];
    for (const [i, basket] of baskets.entries()) await order(basket, `history${i}@example.com`, new Date(t.clock.now().getTime() - 40 * DAY).toISOString());
    await t.worker.drain();

    const fresh = await order(['TENT'], 'camper@example.com');
    const recommended = (await t.request('GET', `/v1/orders/${fresh.id}/recommendations`)).json.data.map((p: { id: string }) => p.id);
    expect(recommended[0]).toBe('STAKES');
    expect(recommended).not.toContain('TENT');

    const html = await pageOf(fresh);
    const titles = [...html.matchAll(/<span class="t">([^<]+)<\/span>/g)].map((m) => m[1]);
    expect(titles[0]).toBe('The stakes');
    expect(titles).not.toContain('The tent');
    expect(titles).toHaveLength(4);

    // Counting is once per order, however often its job runs.
    await t.deps.db.updateTable('jobs').set({ state: 'queued' }).where('kind', '=', 'order.created').execute();
    await t.worker.drain();
    const tent = await t.deps.db.selectFrom('copurchase_skus').select('orders').where('brand_id', '=', t.brand.id).where('sku', '=', 'TENT').executeTakeFirstOrThrow();
    expect(Number(tent.orders)).toBe(35);
  });
});

describe('clicks and the revenue they bring', () => {
  it('records impressions and clicks, and attributes a later order with a clicked product within the window', async () => {
    const first = await order(['TENT'], 'Repeat.Customer@example.com');
    const html = await pageOf(first);
    const href = html.match(/<a href="(\/r\/[^"]+)" rel="nofollow"><span class="ph" aria-hidden="true"><\/span><span class="t">The stakes<\/span>/)![1]!;

    const click = await t.app.request(href);
    expect(click.status).toBe(302);
    const target = new URL(click.headers.get('location')!);
    expect(`${target.origin}${target.pathname}`).toBe(shop('STAKES'));
    expect(target.searchParams.get('utm_medium')).toBe('tracking_page');

    const forged = href.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await t.app.request(forged)).status).toBe(404);
    expect((await t.app.request('/r/garbage')).status).toBe(404);

    t.clock.advance(2 * DAY);
    const later = (await t.request('POST', '/v1/orders', orderBody({ customer: { email: 'repeat.customer@EXAMPLE.com' }, items: [{ sku: 'STAKES', name: 'Stakes', quantity: 2, price: 15.5 }, item('MUG')], placedAt: t.clock.now().toISOString() }))).json;
    const stranger = await order(['STAKES'], 'someone.else@example.com');
    await t.worker.drain();
    t.clock.advance(40 * DAY);
    const tooLate = await order(['STAKES'], 'repeat.customer@example.com');
    await t.worker.drain();

    const attributed = await t.deps.db.selectFrom('cross_sell_attributions').selectAll().where('brand_id', '=', t.brand.id).execute();
    expect(attributed.map((a) => [a.order_id, a.product_id, Number(a.quantity), Number(a.revenue)])).toEqual([[later.id, 'STAKES', 2, 31]]);
    expect(attributed.map((a) => a.order_id)).not.toContain(stranger.id);
    expect(attributed.map((a) => a.order_id)).not.toContain(tooLate.id);

    const stats = (await t.request('GET', `/v1/cross-sells/stats?from=${new Date(Date.now() - 400 * DAY).toISOString().slice(0, 10)}&to=2030-01-01`)).json;
    expect(stats.pageViews).toBeGreaterThanOrEqual(3);
    expect(stats.impressions.page).toBeGreaterThanOrEqual(8);
    expect(stats.clicks).toEqual({ page: 1, email: 0 });
    expect(stats.attributedOrders).toBe(1);
    expect(stats.revenue).toEqual([{ currency: 'USD', amount: 31 }]);
    expect(stats.products.find((p: { id: string }) => p.id === 'STAKES')).toMatchObject({ clicks: 1, orders: 1, quantity: 2, revenue: [{ currency: 'USD', amount: 31 }], title: 'The stakes' });
    expect((await t.request('GET', '/v1/cross-sells/stats?from=2026-03-10&to=2026-03-01')).status).toBe(422);
  });

  it('counts revenue in the order’s currency, per currency for each product too, never adding currencies', async () => {
    // The catalogue prices the stakes in euros and the lantern in dollars; the orders are in pounds and euros.
    await t.request('PUT', '/v1/catalogue/products', {
      products: [
        { id: 'STAKES', title: 'The stakes', url: shop('STAKES'), price: 25, currency: 'EUR', tags: ['camping'] },
        { id: 'LANTERN', title: 'The lantern', url: shop('LANTERN'), price: 40, currency: 'USD', tags: ['camping'] },
      ],
    });
    const clickOn = async (customer: string, titles: string[]) => {
      const html = await pageOf(await order(['TENT'], customer));
      for (const title of titles) {
        const href = html.match(new RegExp(`<a href="(/r/[^"]+)" rel="nofollow">(?:(?!</a>).)*<span class="t">${title}</span>`))![1]!;
        expect((await t.app.request(href)).status).toBe(302);
      }
    };
    await clickOn('pounds@example.com', ['The stakes', 'The lantern']);
    await clickOn('euros@example.com', ['The stakes']);
    t.clock.advance(DAY);
    const placedAt = t.clock.now().toISOString();
    const inPounds = (await t.request('POST', '/v1/orders', orderBody({ currency: 'GBP', customer: { email: 'pounds@example.com' }, placedAt, items: [{ sku: 'STAKES', name: 'Stakes', quantity: 2, price: 15.5 }, { sku: 'LANTERN', name: 'Lantern', quantity: 1 }] }))).json;
    const inEuros = (await t.request('POST', '/v1/orders', orderBody({ currency: 'EUR', customer: { email: 'euros@example.com' }, placedAt, items: [{ sku: 'STAKES', name: 'Stakes', quantity: 1 }] }))).json;
    await t.worker.drain();

    const attributed = await t.deps.db.selectFrom('cross_sell_attributions').selectAll().where('order_id', 'in', [inPounds.id, inEuros.id]).orderBy('revenue').execute();
    expect(attributed.map((a) => [a.order_id, a.product_id, Number(a.revenue), a.currency])).toEqual([
      // No price on the order and the catalogue's is in dollars: nothing to add to pounds.
      [inPounds.id, 'LANTERN', 0, 'GBP'],
      // No price on the order, the catalogue's in the order's own currency.
      [inEuros.id, 'STAKES', 25, 'EUR'],
      [inPounds.id, 'STAKES', 31, 'GBP'],
    ]);
    const today = placedAt.slice(0, 10);
    const stats = (await t.request('GET', `/v1/cross-sells/stats?from=${today}&to=${today}`)).json;
    expect(stats.attributedOrders).toBe(2);
    expect(stats.revenue).toEqual([{ currency: 'GBP', amount: 31 }, { currency: 'EUR', amount: 25 }]);
    expect(stats.products.find((p: { id: string }) => p.id === 'STAKES')).toMatchObject({ orders: 2, quantity: 3, revenue: [{ currency: 'GBP', amount: 31 }, { currency: 'EUR', amount: 25 }] });
    expect(stats.products.find((p: { id: string }) => p.id === 'LANTERN')).toMatchObject({ orders: 1, quantity: 1, revenue: [{ currency: 'GBP', amount: 0 }] });
    // The API description says so.
    const described = (await (await t.app.request('/openapi.json')).json()) as { components: { schemas: Record<string, { properties: Record<string, { type?: string; items?: { properties: Record<string, { type: string }> } }> }> } };
    expect(described.components.schemas.CrossSellStats!.properties.products!.items!.properties.revenue!.type).toBe('array');
  });

  it('counts a dinar order’s revenue in fils (thousandths), not rounded to the cent', async () => {
    const placed = await order(['TENT'], 'dinars@example.com');
    const link = readTrackingToken(new URL(placed.trackingPageUrl).pathname.slice('/t/'.length))!;
    for (const product of ['STAKES', 'LANTERN']) expect((await t.app.request(`/r/${clickToken(t.deps.keys['tracking-links'], t.brand.id, placed.id, product, 'page', link)}`)).status).toBe(302);
    t.clock.advance(DAY);
    const placedAt = t.clock.now().toISOString();
    const items = [{ sku: 'STAKES', name: 'Stakes', quantity: 1, price: 1.234 }, { sku: 'LANTERN', name: 'Lantern', quantity: 1, price: 5.555 }];
    const inDinars = (await t.request('POST', '/v1/orders', orderBody({ currency: 'KWD', customer: { email: 'dinars@example.com' }, placedAt, items }))).json;
    await t.worker.drain();
    const attributed = await t.deps.db.selectFrom('cross_sell_attributions').select(['product_id', 'revenue', 'currency']).where('order_id', '=', inDinars.id).orderBy('product_id').execute();
    expect(attributed.map((a) => [a.product_id, Number(a.revenue), a.currency])).toEqual([['LANTERN', 5.555, 'KWD'], ['STAKES', 1.234, 'KWD']]);
    const today = placedAt.slice(0, 10);
    const stats = (await t.request('GET', `/v1/cross-sells/stats?from=${today}&to=${today}`)).json;
    expect(stats.revenue).toEqual([{ currency: 'KWD', amount: 6.789 }]);
    expect(stats.products.find((p: { id: string }) => p.id === 'STAKES')).toMatchObject({ revenue: [{ currency: 'KWD', amount: 1.234 }] });
  });

  it('puts up to three products in shipped and delivered emails, their clicks counted as email clicks', async () => {
    // A product priced in another currency than the order is shown in its own.
    await t.request('PUT', '/v1/catalogue/products', { products: [{ id: 'STAKES', title: 'The stakes', url: shop('STAKES'), price: 25, currency: 'EUR', tags: ['camping'] }] });
    const placed = await order(['TENT'], 'mailme@example.com');
    await t.request('POST', `/v1/orders/${placed.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' });
    await t.worker.drain();
    const emails = t.deps.messaging.captured!.email.messages.filter((m) => m.message.to === 'mailme@example.com');
    // The email of the moment it shipped: "on its way", or "ahead of schedule" (which says it too) when the window beats the promise.
    const shipped = emails.find((m) => /on its way|ahead of schedule/i.test(m.message.subject))!;
    const confirmation = emails.find((m) => /confirmed/i.test(m.message.subject))!;
    const links = [...shipped.message.html.matchAll(/href="(http:\/\/waybill\.test\/r\/[^"]+)"/g)].map((m) => m[1]!);
    expect(new Set(links).size).toBe(3);
    expect(shipped.message.html).toContain('The stakes');
    expect(shipped.message.text).toMatch(/The stakes[^\n]*€25\.00/);
    expect(confirmation.message.html).not.toContain('/r/');

    const click = await t.app.request(new URL(links[0]!).pathname);
    expect(click.status).toBe(302);
    expect(new URL(click.headers.get('location')!).searchParams.get('utm_medium')).toBe('email');
    const stats = (await t.request('GET', '/v1/cross-sells/stats?from=2020-01-01&to=2030-01-01')).json;
    expect(stats.clicks.email).toBe(1);
    // Every product link an email showed is one impression.
    const shown = emails.reduce((n, m) => n + new Set([...m.message.html.matchAll(/href="(http:\/\/waybill\.test\/r\/[^"]+)"/g)].map((x) => x[1])).size, 0);
    expect(shown).toBeGreaterThanOrEqual(3);
    expect(stats.impressions.email).toBe(shown);
  });

  it('counts an email’s products once, when it has gone, however many attempts it took', async () => {
    const statsNow = async () => (await t.request('GET', '/v1/cross-sells/stats?from=2020-01-01&to=2030-01-01')).json;
    const placed = await order(['TENT'], 'retried@example.com');
    await t.worker.drain(); // the confirmation, which carries no products
    const before = (await statsNow()).impressions.email;
    t.deps.messaging.captured!.email.failNext({ code: 'unavailable', message: 'the server is busy', retryable: true }, 2);
    await t.request('POST', `/v1/orders/${placed.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' });
    for (let i = 0; i < 3; i++) {
      await t.worker.drain();
      t.clock.advance(10 * 60_000);
    }
    await t.worker.drain();
    // The shipping moment's one email ("shipped", or "ahead of schedule" in its place): sent, after two failed attempts.
    const withProducts = await t.deps.db.selectFrom('messages').select(['state', 'attempts']).where('order_id', '=', placed.id).where('channel', '=', 'email').where('milestone', '<>', 'order_confirmed').where('state', '<>', 'held').execute();
    expect(withProducts.map((m) => m.state)).toEqual(['sent']);
    expect(withProducts.reduce((n, m) => n + Number(m.attempts) - 1, 0)).toBe(2);
    const emails = t.deps.messaging.captured!.email.messages.filter((m) => m.message.to === 'retried@example.com');
    const shown = emails.reduce((n, m) => n + new Set([...m.message.html.matchAll(/href="(http:\/\/waybill\.test\/r\/[^"]+)"/g)].map((x) => x[1])).size, 0);
    expect(shown).toBeGreaterThanOrEqual(3);
    expect((await statsNow()).impressions.email - before).toBe(shown);
  });

  it('gives an email’s product links the terms of the email’s own tracking link: once it has expired they open uncounted, and an email sent after has none', async () => {
    const linksIn = (html: string, path: 't' | 'r') => [...html.matchAll(new RegExp(`href="http://waybill\\.test/${path}/([^"/?]+)[^"]*"`, 'g'))].map((m) => m[1]!);
    const shippedTo = (to: string) => t.deps.messaging.captured!.email.messages.find((m) => m.message.to === to && /on its way|ahead of schedule/i.test(m.message.subject))!.message.html;
    const placed = await order(['TENT'], 'terms@example.com');
    const late = await order(['TENT'], 'late.mail@example.com');
    await t.request('POST', `/v1/orders/${placed.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' });
    await t.worker.drain();
    const html = shippedTo('terms@example.com');
    const page = readTrackingToken(linksIn(html, 't')[0]!)!;
    const clicks = linksIn(html, 'r');
    expect(clicks.length).toBe(3);
    for (const token of clicks) expect(token.split('.').slice(2, 4)).toEqual([(page.expiresAt / 1000).toString(36), String(page.keyVersion)]);

    t.clock.advance(181 * DAY);
    try {
      const click = await t.app.request(`/r/${clicks[0]}`);
      expect(click.status).toBe(302);
      expect(new URL(click.headers.get('location')!).searchParams.get('utm_medium')).toBe('email');
      expect(await t.deps.db.selectFrom('cross_sell_clicks').select('id').where('order_id', '=', placed.id).execute()).toEqual([]);

      await t.request('POST', `/v1/orders/${late.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' });
      await t.worker.drain();
      const stale = shippedTo('late.mail@example.com');
      expect(linksIn(stale, 't')).toHaveLength(1);
      expect(linksIn(stale, 'r')).toEqual([]);
    } finally {
      t.clock.advance(-181 * DAY);
    }
  });

  it('counts nothing in the brand’s preview of a customer’s order, and its links record no click', async () => {
    const statsNow = async () => (await t.request('GET', '/v1/cross-sells/stats?from=2020-01-01&to=2030-01-01')).json;
    const placed = await order(['TENT'], 'previewed@example.com');
    const before = await statsNow();
    const preview = await t.request('POST', '/v1/brand/theme/preview', { orderId: placed.id });
    expect(preview.status).toBe(200);
    expect(preview.text).toContain('<span class="t">The stakes</span>');
    // The shop's own page, not a click link in the customer's name.
    expect(preview.text).toContain(`<a href="${shop('STAKES')}" rel="nofollow">`);
    expect(preview.text).not.toContain('/r/');
    const after = await statsNow();
    expect(after.impressions).toEqual(before.impressions);
    expect(after.clicks).toEqual(before.clicks);
    // The customer's own page counts its products.
    const served = await pageOf(placed);
    const onPage = new Set([...served.matchAll(/href="(\/r\/[^"]+)"/g)].map((m) => m[1])).size;
    expect(onPage).toBeGreaterThan(0);
    expect((await statsNow()).impressions.page - before.impressions.page).toBe(onPage);
  });

  it('shows nothing when the brand turns cross-sells off', async () => {
    await t.request('PUT', '/v1/cross-sells/settings', { enabled: false });
    expect(await pageOf(await order(['TENT'], 'off@example.com'))).not.toContain('class="xs"');
    await t.request('PUT', '/v1/cross-sells/settings', { enabled: true, fallback: ['LANTERN'] });
  });
});
