// The branded tracking page: theme and escaping, languages and time zones, privacy, the map, the
// weight of a busy page, the custom domain, and the live preview.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrand } from '../../src/brands/repo.js';
import { saveThemeAssets } from '../../src/hub/brand-assets.js';
import { startDnsServer, type TestDnsServer } from '../harness/dns-server.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
let dns: TestDnsServer;
beforeAll(async () => {
  dns = await startDnsServer();
  t = await createTestContext({ env: { DNS_SERVERS: dns.address } });
});
afterAll(async () => {
  await t.close();
  await dns.close();
});

const DAY = 86_400_000;
const pathOf = (url: string) => new URL(url).pathname;

async function trackedOrder(overrides: Record<string, unknown> = {}) {
  const body = orderBody({ placedAt: t.clock.now().toISOString(), ...overrides });
  const order = (await t.request('POST', '/v1/orders', body)).json;
  const shipment = (await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' })).json;
  return { body, order, shipment };
}

const SVG_LOGO = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32"><rect width="120" height="32" fill="#123"/></svg>').toString('base64');
const settingsOf = async (brandId: string) => (await t.deps.db.selectFrom('brands').select('settings').where('id', '=', brandId).executeTakeFirstOrThrow()).settings;
const assetsOf = (brandId: string) => t.deps.db.selectFrom('brand_assets').select(['digest', 'content_type']).where('brand_id', '=', brandId).orderBy('digest').execute();

/** The page's bytes as they go out to a phone's browser (which always takes gzip). */
async function servedGzipped(path: string): Promise<Buffer> {
  const res = await t.app.request(path, { headers: { 'accept-encoding': 'gzip, deflate, br, zstd' } });
  expect(res.headers.get('content-encoding')).toBe('gzip');
  return Buffer.from(await res.arrayBuffer());
}

async function page(path: string, headers: Record<string, string> = {}) {
  const res = await t.app.request(path, { headers });
  return { status: res.status, headers: res.headers, html: await res.text() };
}

describe('the brand theme', () => {
  it('refuses colours, fonts and links that could break out of CSS or run script, naming each field', async () => {
    const bad = await t.request('PUT', '/v1/brand/theme', {
      colors: { primary: 'red;}</style><script>alert(1)</script>' },
      fonts: { body: 'Inter;} body{display:none' },
      nav: [{ label: 'Shop', url: 'javascript:alert(1)' }],
    });
    expect(bad.status).toBe(422);
    const fields = bad.json.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['colors.primary', 'fonts.body', 'nav.0.url']));
    expect((await t.request('GET', '/v1/brand/theme')).json.theme).toEqual({});
  });

  it('refuses fields it does not know, naming them, and keeps the theme and its logo: GET’s answer sent back as it is, a misspelt colour, a preview without its theme key', async () => {
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', colors: { primary: '#123456' }, logo: { data: `data:image/svg+xml;base64,${SVG_LOGO}`, width: 120, height: 32 } });
    const before = (await t.request('GET', '/v1/brand/theme')).json;
    expect(before.theme.logo.asset).toMatch(/^[\w-]{43}$/);

    const echoed = await t.request('PUT', '/v1/brand/theme', before);
    expect(echoed.status).toBe(422);
    expect(echoed.json.error.details).toEqual([{ field: '(body)', problem: expect.stringContaining('has no field "theme", "logoUrl", "lookupUrl"') }]);
    expect(echoed.json.error.message).toContain('at the top level');
    const misspelt = await t.request('PUT', '/v1/brand/theme', { ...before.theme, colors: { primry: '#654321' }, map: { tileUrl: 'https://t.example.com/{z}/{x}/{y}.png', attribution: 'T', key: 'k' } });
    expect(misspelt.status).toBe(422);
    expect(misspelt.json.error.details).toEqual(
      expect.arrayContaining([
        { field: 'colors', problem: 'has no field "primry"' },
        { field: 'map', problem: 'has no field "key"' },
      ]),
    );
    const preview = await t.app.request('/v1/brand/theme/preview', { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ colors: { primary: '#654321' } }) });
    expect(preview.status).toBe(422);
    expect(((await preview.json()) as { error: { message: string } }).error.message).toContain('has no field "colors": the theme to preview goes under theme');

    const after = (await t.request('GET', '/v1/brand/theme')).json;
    expect(after).toEqual(before);
    expect((await t.app.request(pathOf(after.logoUrl))).status).toBe(200); // the file is still there
    // GET's theme sent back as PUT takes it keeps everything, the logo by its asset.
    const roundTrip = await t.request('PUT', '/v1/brand/theme', { ...before.theme, slug: before.slug });
    expect(roundTrip.status).toBe(200);
    expect(roundTrip.json).toEqual(before);
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand' });
  });

  it('never leaves the theme naming a file another save deleted meanwhile (two saves of one brand run one after the other)', async () => {
    const brandId = t.brand.id;
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', logo: { data: `data:image/svg+xml;base64,${SVG_LOGO}`, width: 120, height: 32 } });
    const kept = (await t.request('GET', '/v1/brand/theme')).json.theme.logo.asset as string;
    // Another save, still open: it drops the logo and deletes its file.
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let wrote!: () => void;
    const written = new Promise<void>((resolve) => (wrote = resolve));
    const other = t.deps.db.transaction().execute(async (trx) => {
      const { settings } = await trx.selectFrom('brands').select('settings').where('id', '=', brandId).executeTakeFirstOrThrow();
      await trx.updateTable('brands').set({ settings: JSON.stringify({ ...JSON.parse(settings), theme: {} }) }).where('id', '=', brandId).execute();
      await trx.deleteFrom('brand_assets').where('brand_id', '=', brandId).execute();
      wrote();
      await gate;
    });
    await written;
    // This save keeps the logo by its digest while the other is still open.
    const keeping = t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', logo: { asset: kept, width: 120, height: 32 } });
    await new Promise((resolve) => setTimeout(resolve, 50));
    finish();
    await other;
    const answer = await keeping;
    // Run after the other save, it finds the file gone and says so; nothing names a missing file.
    expect(answer.status).toBe(422);
    expect(answer.json.error.details).toEqual([{ field: 'logo.asset', problem: 'no logo of this brand has this asset' }]);
    expect((await t.request('GET', '/v1/brand/theme')).json.theme.logo).toBeUndefined();
    expect(await assetsOf(brandId)).toEqual([]);
    await t.request('PUT', '/v1/brand/theme', {});
  });

  it('refuses a tile URL with a placeholder neither map can fill, naming it, and takes {s} and {r}', async () => {
    const bad = await t.request('PUT', '/v1/brand/theme', { map: { tileUrl: 'https://tiles.shop.example.com/{z}/{x}/{y}.png?key={key}', attribution: '© Shop maps' } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details).toEqual([{ field: 'map.tileUrl', problem: 'may use only the placeholders {z}, {x}, {y}, {s} and {r}; found {key}' }]);
    expect((await t.request('GET', '/v1/brand/theme')).json.theme).toEqual({});
    const good = await t.request('PUT', '/v1/brand/theme', { map: { tileUrl: 'https://{s}.tiles.shop.example.com/{z}/{x}/{y}{r}.png', attribution: '© Shop maps' } });
    expect(good.status).toBe(200);
    await t.request('PUT', '/v1/brand/theme', {});
  });

  it('shows the navigation and footer in the page’s language where the brand wrote them, the default words elsewhere', async () => {
    const saved = await t.request('PUT', '/v1/brand/theme', {
      nav: [
        { label: 'Shop', url: 'https://shop.example.com/all', labelByLanguage: { es: 'Tienda', de: 'Laden' }, urlByLanguage: { es: 'https://shop.example.com/es/todo' } },
        { label: 'Help', url: 'https://shop.example.com/help' },
      ],
      footer: { text: 'Made in Vermont', textByLanguage: { fr: 'Fabriqué au <b>Vermont</b>' }, links: [{ label: 'Privacy', url: 'https://shop.example.com/privacy', labelByLanguage: { fr: 'Confidentialité' } }] },
    });
    expect(saved.status).toBe(200);
    expect(saved.json.theme.nav[0].labelByLanguage).toEqual({ es: 'Tienda', de: 'Laden' });
    const { order } = await trackedOrder();
    const path = pathOf(order.trackingPageUrl);
    const inLanguage = async (lang: string) => (await page(`${path}?lang=${lang}`)).html;
    const es = await inLanguage('es');
    expect(es).toContain('<a href="https://shop.example.com/es/todo">Tienda</a>');
    expect(es).toContain('<a href="https://shop.example.com/help">Help</a>');
    expect(es).toContain('<p>Made in Vermont</p>');
    const fr = await inLanguage('fr');
    expect(fr).toContain('<a href="https://shop.example.com/all">Shop</a>');
    expect(fr).toContain('<p>Fabriqué au &lt;b&gt;Vermont&lt;/b&gt;</p>');
    expect(fr).toContain('>Confidentialité</a>');
    expect(await inLanguage('de')).toContain('<a href="https://shop.example.com/all">Laden</a>');
    const en = await inLanguage('en');
    expect(en).toContain('<a href="https://shop.example.com/all">Shop</a>');
    expect(en).toContain('>Privacy</a>');

    // A language the page does not speak, or an address that is not a web link, is refused by name and nothing changes.
    const bad = await t.request('PUT', '/v1/brand/theme', {
      nav: [{ label: 'Shop', url: 'https://shop.example.com/all', labelByLanguage: { it: 'Negozio' }, urlByLanguage: { es: 'javascript:alert(1)' } }],
    });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details).toEqual(
      expect.arrayContaining([
        { field: 'nav.0.labelByLanguage', problem: 'has no field "it"' },
        expect.objectContaining({ field: 'nav.0.urlByLanguage.es' }),
      ]),
    );
    expect((await t.request('GET', '/v1/brand/theme')).json.theme.nav[0].labelByLanguage).toEqual({ es: 'Tienda', de: 'Laden' });
    await t.request('PUT', '/v1/brand/theme', {});
  });

  it('shows the brand’s logo, colours, navigation, footer and support contact, with any HTML in them escaped', async () => {
    const svg = SVG_LOGO;
    const saved = await t.request('PUT', '/v1/brand/theme', {
      logo: { data: `data:image/svg+xml;base64,${svg}`, width: 120, height: 32, alt: 'Test Brand <b>home</b>' },
      colors: { primary: '#0f4c3a', accent: '#c2410c', background: '#faf7f2' },
      fonts: { body: '"Source Sans 3", system-ui, sans-serif' },
      homeUrl: 'https://shop.example.com/',
      nav: [{ label: 'Shop <script>alert(1)</script>', url: 'https://shop.example.com/all' }, { label: 'Help', url: 'https://shop.example.com/help' }],
      footer: { text: '© Test Brand — <img src=x onerror=alert(1)>', links: [{ label: 'Privacy', url: 'https://shop.example.com/privacy' }] },
      support: { email: 'help@shop.example.com', phone: '+1 415 555 0100' },
      slug: 'test-brand',
    });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ slug: 'test-brand', domain: null, lookupUrl: 'http://waybill.test/track/test-brand' });

    const { order } = await trackedOrder();
    const { html, status, headers } = await page(pathOf(order.trackingPageUrl));
    expect(status).toBe(200);
    expect(html).toContain('--p:#0f4c3a');
    expect(html).toContain('"Source Sans 3", system-ui, sans-serif');
    expect(html).toMatch(/<img class="logo" src="\/hub-assets\/brd_[0-9a-z]+\/logo\/[\w-]{43}" alt="Test Brand &lt;b&gt;home&lt;\/b&gt;" width="120" height="32"/);
    expect(html).toContain('Shop &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).not.toContain('<script');
    expect(html).toContain('mailto:help@shop.example.com');
    expect(headers.get('content-security-policy')).toContain("default-src 'none'");

    const src = html.match(/src="(\/hub-assets\/[^"]+)"/)![1]!;
    const logo = await t.app.request(src);
    expect(logo.status).toBe(200);
    expect(logo.headers.get('content-type')).toBe('image/svg+xml');
    expect(logo.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(logo.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'"); // an SVG opened on its own runs nothing
    expect(logo.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await logo.arrayBuffer()).toString('base64')).toBe(svg);
    // The bytes live in brand_assets, not in the settings every page and message reads; the theme keeps their digest.
    const digest = src.split('/').pop()!;
    expect(await settingsOf(t.brand.id)).not.toContain(svg);
    expect(await assetsOf(t.brand.id)).toEqual([{ digest, content_type: 'image/svg+xml' }]);
    const answer = (await t.request('GET', '/v1/brand/theme')).json;
    expect(answer.theme.logo).toEqual({ asset: digest, width: 120, height: 32, alt: 'Test Brand <b>home</b>' });
    expect(answer.logoUrl).toBe(`http://waybill.test${src}`);
    // The address that does not change with the logo (older links) serves the same bytes, cached briefly.
    const current = await t.app.request(`/hub-assets/${t.brand.id}/logo`);
    expect(current.headers.get('cache-control')).toBe('public, max-age=300');
    expect(current.headers.get('content-security-policy')).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(Buffer.from(await current.arrayBuffer()).toString('base64')).toBe(svg);
  });

  it('keeps a saved logo sent back as its asset, and a new logo replaces it: the old file is deleted', async () => {
    const before = (await t.request('GET', '/v1/brand/theme')).json;
    const oldSrc = new URL(before.logoUrl).pathname;
    expect((await t.request('PUT', '/v1/brand/theme', before.theme)).status).toBe(200); // as GET gave it
    expect((await t.app.request(oldSrc)).status).toBe(200);

    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), Buffer.alloc(200, 3)]);
    const replaced = await t.request('PUT', '/v1/brand/theme', { ...before.theme, logo: { data: `data:image/png;base64,${png.toString('base64')}`, width: 100, height: 40 } });
    expect(replaced.status).toBe(200);
    const newSrc = new URL(replaced.json.logoUrl).pathname;
    expect(newSrc).not.toBe(oldSrc);
    expect((await t.app.request(oldSrc)).status).toBe(404);
    expect(await assetsOf(t.brand.id)).toEqual([{ digest: newSrc.split('/').pop(), content_type: 'image/png' }]);
    const served = await t.app.request(newSrc);
    expect(served.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await served.arrayBuffer()).equals(png)).toBe(true);
    const { order } = await trackedOrder({ customer: { email: 'logo@example.com' } });
    expect((await page(pathOf(order.trackingPageUrl))).html).toContain(`<img class="logo" src="${newSrc}" alt="Test Brand" width="100" height="40"/>`);
    expect((await t.request('POST', '/v1/brand/theme/preview', {})).text).toContain(`<img class="logo" src="${newSrc}"`); // the saved theme's preview

    // A logo at another address: no file of the brand's is left.
    const remote = await t.request('PUT', '/v1/brand/theme', { ...before.theme, logo: { url: 'https://cdn.example.com/logo.png', width: 120, height: 32 } });
    expect(remote.json.logoUrl).toBeNull();
    expect(await assetsOf(t.brand.id)).toEqual([]);
    expect((await t.app.request(newSrc)).status).toBe(404);
    // The first logo uploaded again: the same bytes, the same address.
    const again = await t.request('PUT', '/v1/brand/theme', { ...before.theme, logo: { data: `data:image/svg+xml;base64,${SVG_LOGO}`, width: 120, height: 32, alt: before.theme.logo.alt } });
    expect(again.json).toEqual(before);
  });

  it('stores a file once when two saves of the brand upload it at the same moment', async () => {
    const theme = { logo: { data: `data:image/gif;base64,${Buffer.concat([Buffer.from('GIF89a'), Buffer.alloc(100, 5)]).toString('base64')}`, width: 120, height: 32 } };
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The first save has written the file but not committed when the second looks for it (PostgreSQL; SQLite runs them one after the other).
    const first = t.deps.db.transaction().execute(async (trx) => {
      await saveThemeAssets(trx, t.brand.id, theme, t.clock.now());
      await held;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const second = t.deps.db.transaction().execute((trx) => saveThemeAssets(trx, t.brand.id, theme, t.clock.now()));
    await new Promise((resolve) => setTimeout(resolve, 50));
    release();
    await first;
    expect((await second).logo?.asset).toMatch(/^[\w-]{43}$/);
    // Put back the brand's own logo file (the saves above removed it: their theme did not name it).
    const before = (await t.request('GET', '/v1/brand/theme')).json;
    expect((await t.request('PUT', '/v1/brand/theme', { ...before.theme, logo: { ...before.theme.logo, asset: undefined, data: `data:image/svg+xml;base64,${SVG_LOGO}` } })).json).toEqual(before);
  });

  it('refuses a logo that is not a data URI of an image, too big, or a file it never saved, naming the field, and changes nothing', async () => {
    const before = (await t.request('GET', '/v1/brand/theme')).json;
    const assets = await assetsOf(t.brand.id);
    const put = (logo: Record<string, unknown>) => t.request('PUT', '/v1/brand/theme', { ...before.theme, slug: 'elsewhere', logo: { width: 120, height: 32, ...logo } });
    const bytes = (n: number) => Buffer.alloc(n, 0x41).toString('base64');
    const cases: Array<[Record<string, unknown>, { field: string; problem: string }]> = [
      [{ data: 'https://cdn.example.com/logo.png' }, { field: 'logo.data', problem: expect.stringContaining('must be a base64 data URI of an SVG, PNG, JPEG, WebP or GIF image, at most 96 KB') }],
      [{ data: `data:text/html;base64,${bytes(10)}` }, { field: 'logo.data', problem: expect.stringContaining('must be a base64 data URI of an SVG, PNG') }],
      [{ data: `data:image/png;base64,${bytes(96 * 1024 + 1)}` }, { field: 'logo.data', problem: expect.stringContaining('at most 96 KB') }],
      [{ data: `data:image/png;base64,${bytes(200 * 1024)}` }, { field: 'logo.data', problem: expect.stringContaining('at most 96 KB') }],
      [{ asset: 'B'.repeat(43) }, { field: 'logo.asset', problem: 'no logo of this brand has this asset' }],
      [{ asset: 'not a digest' }, { field: 'logo.asset', problem: expect.stringContaining('must be the asset of a logo saved before') }],
    ];
    for (const [logo, detail] of cases) {
      const refused = await put(logo);
      expect(refused.status, JSON.stringify(logo).slice(0, 80)).toBe(422);
      expect(refused.json.error.details).toEqual([detail]);
    }
    expect((await put({ data: `data:image/png;base64,${bytes(10)}`, url: 'https://cdn.example.com/logo.png' })).json.error.details).toEqual([{ field: 'logo', problem: 'give the logo as data, asset or url, one of the three' }]);
    // Exactly 96 KB is allowed (tried in a preview, which checks the theme the same way and saves nothing).
    const preview = (theme: unknown) => t.request('POST', '/v1/brand/theme/preview', { theme });
    expect((await preview({ logo: { data: `data:image/png;base64,${bytes(96 * 1024)}`, width: 120, height: 32 } })).status).toBe(200);
    expect((await preview({ logo: { data: `data:image/png;base64,${bytes(96 * 1024 + 1)}`, width: 120, height: 32 } })).status).toBe(422);
    expect((await t.request('GET', '/v1/brand/theme')).json).toEqual(before);
    expect(await assetsOf(t.brand.id)).toEqual(assets);
  });

  it('previews a theme without saving it', async () => {
    const preview = await t.app.request('/v1/brand/theme/preview', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ theme: { colors: { primary: '#7c3aed' } }, locale: 'de' }),
    });
    expect(preview.status).toBe(200);
    const html = await preview.text();
    expect(html).toContain('--p:#7c3aed');
    expect(html).toContain('<html lang="de">');
    expect(html).toContain('Dallas'); // the sample parcel's latest scan
    expect((await t.request('GET', '/v1/brand/theme')).json.theme.colors.primary).toBe('#0f4c3a');
  });

  it('serves the brand’s own WOFF2 typeface from the page’s host, without a layout shift, and previews unsaved files inline', async () => {
    // Not a real font: the page and the asset route only carry the bytes (browsers check them).
    const woff2 = Buffer.concat([Buffer.from('wOF2'), Buffer.alloc(60, 7)]);
    const fontData = `data:font/woff2;base64,${woff2.toString('base64')}`;
    const before = (await t.request('GET', '/v1/brand/theme')).json.theme;
    const saved = await t.request('PUT', '/v1/brand/theme', { ...before, fonts: { headings: '"Brand Serif", Georgia, serif', files: [{ family: 'Brand Sans', data: fontData }, { family: 'Brand Serif', data: fontData, weight: 700, style: 'italic' }] } });
    expect(saved.status).toBe(200);
    const { order } = await trackedOrder({ customer: { email: 'fonts@example.com' } });
    const { html, headers } = await page(pathOf(order.trackingPageUrl));
    const src = html.match(/@font-face\{font-family:"Brand Sans";src:url\((\/hub-assets\/brd_[0-9a-z]+\/font\/[\w-]{43})\) format\("woff2"\);font-weight:400;font-style:normal;font-display:optional\}/)?.[1];
    expect(src).toBeDefined();
    // The bytes live apart from the brand's settings (read with every page and message); the theme keeps their digest.
    const stored = (await t.request('GET', '/v1/brand/theme')).json.theme.fonts.files;
    expect(stored).toEqual([
      { family: 'Brand Sans', asset: src!.split('/').pop(), weight: 400, style: 'normal' },
      { family: 'Brand Serif', asset: src!.split('/').pop(), weight: 700, style: 'italic' }, // the same bytes, stored once
    ]);
    const brandRow = await t.deps.db.selectFrom('brands').select('settings').where('id', '=', t.brand.id).executeTakeFirstOrThrow();
    expect(brandRow.settings).not.toContain('d09GM'); // no base64 font ("wOF2…") in the settings
    expect(html).toContain('font-family:"Brand Serif";');
    expect(html).toContain('font-weight:700;font-style:italic;font-display:optional}');
    expect(html).toContain('--font:"Brand Sans",system-ui'); // the first file is the body font when none is named
    expect(html).toContain('--hfont:"Brand Serif", Georgia, serif');
    expect(html).toContain(`<link rel="preload" href="${src}" as="font" type="font/woff2" crossorigin/>`);
    expect(headers.get('content-security-policy')).toContain("font-src 'self'");
    const font = await t.app.request(src!);
    expect(font.status).toBe(200);
    expect(font.headers.get('content-type')).toBe('font/woff2');
    expect(font.headers.get('cache-control')).toContain('immutable');
    expect(Buffer.from(await font.arrayBuffer()).equals(woff2)).toBe(true);
    expect((await t.app.request(src!.replace(/font\/.*/, `font/${'A'.repeat(43)}`))).status).toBe(404);
    // Sent back as GET gave it, the theme keeps its fonts; a digest this brand never saved is refused, nothing changed.
    expect((await t.request('PUT', '/v1/brand/theme', { ...before, fonts: { files: stored } })).status).toBe(200);
    expect((await t.app.request(src!)).status).toBe(200);
    const unknown = await t.request('PUT', '/v1/brand/theme', { ...before, slug: 'elsewhere', fonts: { files: [{ family: 'Brand Sans', asset: 'B'.repeat(43) }] } });
    expect(unknown.status).toBe(422);
    expect(unknown.json.error.details).toEqual([{ field: 'fonts.files.0.asset', problem: 'no font of this brand has this asset' }]);
    expect((await t.request('GET', '/v1/brand/theme')).json.slug).not.toBe('elsewhere');

    const preview = await t.app.request('/v1/brand/theme/preview', {
      method: 'POST',
      headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ theme: { logo: { data: `data:image/svg+xml;base64,${Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>').toString('base64')}`, width: 40, height: 40 }, fonts: { files: [{ family: 'Draft Face', data: fontData }] } } }),
    });
    const previewHtml = await preview.text();
    expect(previewHtml).toContain(`font-family:"Draft Face";src:url(${fontData})`); // unsaved: inside the page
    expect(previewHtml).toContain('<img class="logo" src="data:image/svg+xml;base64,');
    expect(previewHtml).not.toContain('rel="preload"');
    expect(preview.headers.get('content-security-policy')).toContain("font-src 'self' data:");
    await t.request('PUT', '/v1/brand/theme', before);
    expect((await t.app.request(src!)).status).toBe(404); // a font no theme uses is removed
  });

  it('refuses font files that are not WOFF2, too many, or a family name that could break out of CSS', async () => {
    const woff = `data:font/woff;base64,${Buffer.from('wOFF').toString('base64')}`;
    const bad = await t.request('PUT', '/v1/brand/theme', { fonts: { files: [{ family: 'Brand Sans', data: woff }] } });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.json.error)).toContain('WOFF2');
    const ok = `data:font/woff2;base64,${Buffer.from('wOF2').toString('base64')}`;
    const injected = await t.request('PUT', '/v1/brand/theme', { fonts: { files: [{ family: 'X";}body{display:none', data: ok }] } });
    expect(injected.status).toBe(422);
    expect(JSON.stringify(injected.json.error)).toContain('font family name');
    const many = await t.request('PUT', '/v1/brand/theme', { fonts: { files: Array.from({ length: 5 }, () => ({ family: 'Brand Sans', data: ok })) } });
    expect(many.status).toBe(422);
    expect((await t.request('GET', '/v1/brand/theme')).json.theme.colors.primary).toBe('#0f4c3a'); // nothing stored was changed
  });
});

describe('languages, dates and carrier texts', () => {
  it('speaks the link’s language, else the order’s, else the browser’s, else the brand default', async () => {
    const fr = await trackedOrder({ customer: { email: 'fr@example.com', locale: 'fr-CA' } });
    const none = await trackedOrder({ customer: { email: 'none@example.com' } });
    const path = pathOf(fr.order.trackingPageUrl);
    expect((await page(path)).html).toContain('<html lang="fr">');
    expect((await page(`${path}?lang=de`)).html).toContain('<html lang="de">');
    expect((await page(`${path}?lang=xx`)).html).toContain('<html lang="fr">');
    const plain = pathOf(none.order.trackingPageUrl);
    expect((await page(plain, { 'accept-language': 'pt-BR, es;q=0.9, en;q=0.5' })).html).toContain('<html lang="es">');
    expect((await page(plain, { 'accept-language': 'pt-BR' })).html).toContain('<html lang="en">');
    await t.request('PUT', '/v1/brand/theme', { defaultLocale: 'de', slug: 'test-brand' });
    expect((await page(plain, { 'accept-language': 'pt-BR' })).html).toContain('<html lang="de">');
    const german = (await page(plain)).html;
    expect(german).toContain('Bestellung');
    expect(german).toContain('Unterwegs');
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand' });
  });

  it('writes times on the destination’s clock in the customer’s language, with the carrier’s words beside ours, escaped', async () => {
    const { order, shipment } = await trackedOrder({ customer: { email: 'tz@example.com', locale: 'en' }, destination: { line1: '9 Main St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' } });
    await t.request('POST', `/v1/shipments/${shipment.id}/events`, {
      events: [{ status: 'in_transit', occurredAt: '2026-03-02T14:05:00Z', carrierText: '<script>alert("x")</script> Arrived & sorted', location: { city: 'Dallas', region: 'TX', country: 'US' }, eventId: 'e-tz' }],
    });
    const html = (await page(pathOf(order.trackingPageUrl))).html;
    // 14:05 UTC is 8:05 in Austin (UTC-6 in early March).
    expect(html).toMatch(/Mon, Mar 2, 8:05\sAM/);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Arrived &amp; sorted');
    expect(html).toContain('On its way');
    const spanish = (await page(`${pathOf(order.trackingPageUrl)}?lang=es`)).html;
    expect(spanish).toMatch(/lun, 2 mar, 8:05/);
  });
});

describe('privacy', () => {
  it('never shows the street, the full name, the phone or the email, on the page or in its JSON', async () => {
    const { body, order, shipment } = await trackedOrder({ customer: { email: 'grace.hopper@example.com', name: 'Grace Hopper', phone: '+14155550199', locale: 'en' }, destination: { line1: '77 Secret Lane', line2: 'Apt 4', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' } });
    t.clock.advance(2 * DAY);
    await t.worker.drain();
    // Carriers write the signer's name into their own words.
    const signed = 'Delivered, signed for by: GRACE HOPPER (front desk)';
    await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [{ status: 'in_transit', occurredAt: t.clock.now().toISOString(), carrierText: signed, eventId: 'e-signed' }] });
    const path = pathOf(order.trackingPageUrl);
    const html = (await page(path)).html;
    const json = await (await t.app.request(`${path}/data.json`)).text();
    for (const text of [html, json]) {
      for (const secret of ['77 Secret Lane', 'Apt 4', 'Grace Hopper', 'Hopper', 'HOPPER', '+14155550199', '5550199', 'grace.hopper', body.customer.email]) expect(text).not.toContain(secret);
      expect(text).toContain('signed for by: … (front desk)');
    }
    const merchant = await t.request('GET', `/v1/shipments/${shipment.id}`);
    expect(merchant.json.events.map((e: { carrierText: string | null }) => e.carrierText)).toContain(signed);
    expect(JSON.parse(json)).toMatchObject({ order: { number: body.number, destination: { city: 'Austin', region: 'TX', country: 'US' } } });
  });
});

describe('the map', () => {
  it('draws the parcel’s scans over country shapes, without a tile server', async () => {
    const { order } = await trackedOrder();
    t.clock.advance(3 * DAY);
    await t.worker.drain();
    const { html, headers } = await page(pathOf(order.trackingPageUrl));
    expect(html).toMatch(/<svg class="map" viewBox="0 0 600 300"[^>]*role="img" aria-labelledby="map-title"><title id="map-title">Map of the parcel’s journey from Columbus to Austin, TX, US<\/title>/);
    expect(html).toMatch(/<path class="land" d="M[-\d]+ [-\d]+L/);
    expect(html).toMatch(/<path class="route" d="M\d+ \d+L\d+ \d+/);
    expect(html).not.toContain('<image');
    // No script, no interactive map, and a policy that allows no script.
    expect(html).not.toContain('<script');
    expect(html).not.toContain('data-live-map');
    expect(html).not.toContain('/hub-assets/lib/');
    expect(headers.get('content-security-policy')).toBe("default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  });

  it('uses the brand’s own tile server when it has one', async () => {
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', map: { tileUrl: 'https://tiles.shop.example.com/{z}/{x}/{y}.png', attribution: '© Shop maps' } });
    const { order } = await trackedOrder();
    t.clock.advance(3 * DAY);
    await t.worker.drain();
    const { html, headers } = await page(pathOf(order.trackingPageUrl));
    expect(html).toMatch(/<image href="https:\/\/tiles\.shop\.example\.com\/\d+\/\d+\/\d+\.png"/);
    expect(html).toContain('© Shop maps');
    expect(html).not.toContain('class="land"');

    // The interactive map: Leaflet and our script from the page's own host, deferred, no inline script.
    const head = html.slice(0, html.indexOf('</head>'));
    expect(head).toContain('<link rel="preload" href="/hub-assets/lib/leaflet-1.9.4/leaflet.css" as="style"/>');
    expect(head).toContain('<script defer src="/hub-assets/lib/leaflet-1.9.4/leaflet.js"></script>');
    expect(head).toMatch(/<script defer src="\/hub-assets\/live-map-[\w-]{12}\.js"><\/script>/);
    expect(html.match(/<script/g)).toHaveLength(2);
    expect(html.match(/<script[^>]*>(?=<\/script>)/g)).toHaveLength(2); // both empty: nothing inline
    const data = JSON.parse(html.match(/<figure data-live-map="([^"]*)">/)![1]!.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&'));
    expect(data).toMatchObject({ tileUrl: 'https://tiles.shop.example.com/{z}/{x}/{y}.png', attribution: '© Shop maps', zoomIn: 'Zoom in' });
    expect(data.routes[0].points.length).toBeGreaterThan(0);
    expect(headers.get('content-security-policy')).toBe(
      "default-src 'none'; img-src 'self' https: data:; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    );

    // The lookup page of the same brand has no map, so no script either.
    const lookup = await page('/track/test-brand');
    expect(lookup.html).not.toContain('<script');
    expect(lookup.headers.get('content-security-policy')).not.toContain('script-src');

    // The preview of a theme with a tile server lets the same scripts run; one without does not.
    const preview = async (theme: Record<string, unknown>) =>
      t.app.request('/v1/brand/theme/preview', { method: 'POST', headers: { authorization: `Bearer ${t.apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ theme }) });
    const withTiles = await preview({ map: { tileUrl: 'https://tiles.shop.example.com/{z}/{x}/{y}.png', attribution: '© Shop maps' } });
    expect(await withTiles.text()).toContain('<script defer src="/hub-assets/lib/leaflet-1.9.4/leaflet.js">');
    expect(withTiles.headers.get('content-security-policy')).toContain("script-src 'self'; style-src 'self' 'unsafe-inline'");
    const without = await preview({});
    expect(await without.text()).not.toContain('<script');
    expect(without.headers.get('content-security-policy')).not.toContain('script-src');
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand' });
  });

  it('serves Leaflet, its licence and the map’s script from its own host, cached for good, gzipped when asked', async () => {
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', map: { tileUrl: 'https://tiles.shop.example.com/{z}/{x}/{y}.png', attribution: '© Shop maps' } });
    const { order } = await trackedOrder();
    t.clock.advance(3 * DAY);
    await t.worker.drain();
    const ours = (await page(pathOf(order.trackingPageUrl))).html.match(/\/hub-assets\/live-map-[\w-]{12}\.js/)![0];
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand' });
    const lib = '/hub-assets/lib/leaflet-1.9.4';
    const cases: Array<[string, string, string]> = [
      [`${lib}/leaflet.js`, 'text/javascript; charset=utf-8', 'Leaflet 1.9.4'],
      [`${lib}/leaflet.css`, 'text/css; charset=utf-8', '.leaflet-container'],
      [`${lib}/leaflet.js.map`, 'application/json; charset=utf-8', '"version":3'],
      [`${lib}/LICENSE`, 'text/plain; charset=utf-8', 'BSD 2-Clause License'],
      [ours, 'text/javascript; charset=utf-8', 'data-live-map'],
    ];
    for (const [path, type, content] of cases) {
      const plain = await t.app.request(path);
      expect(plain.status, path).toBe(200);
      expect(plain.headers.get('content-type'), path).toBe(type);
      expect(plain.headers.get('cache-control'), path).toBe('public, max-age=31536000, immutable');
      expect(plain.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(plain.headers.get('content-encoding'), path).toBeNull();
      const text = await plain.text();
      expect(text, path).toContain(content);
      const zipped = await t.app.request(path, { headers: { 'accept-encoding': 'gzip, deflate, br' } });
      expect(zipped.headers.get('content-encoding'), path).toBe('gzip');
      expect(zipped.headers.get('vary'), path).toBe('accept-encoding');
      expect(gunzipSync(Buffer.from(await zipped.arrayBuffer())).toString('utf8'), path).toBe(text);
    }
    expect(await (await t.app.request(`${lib}/leaflet.js`)).text()).toBe(readFileSync(createRequire(import.meta.url).resolve('leaflet/dist/leaflet.js'), 'utf8'));
    expect((await t.app.request(`${lib}/images/marker-icon.png`)).status).toBe(404);
    expect((await t.app.request('/hub-assets/live-map-000000000000.js')).status).toBe(404);
  });
});

describe('page weight', () => {
  it('keeps a busy order (ten parcels, a long history each) under 50 KB compressed, HTML and CSS together', async () => {
    const order = (await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString() }))).json;
    for (let i = 0; i < 10; i++) {
      const shipment = (await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: i % 2 ? 'failed_attempt' : 'delayed' })).json;
      void shipment;
    }
    t.clock.advance(20 * DAY);
    await t.worker.drain();
    const html = (await page(pathOf(order.trackingPageUrl))).html;
    expect((html.match(/<section class="card" aria-labelledby="h-shp_/g) ?? []).length).toBe(10);
    expect((html.match(/<li><strong>/g) ?? []).length).toBeGreaterThan(100);
    const served = await servedGzipped(pathOf(order.trackingPageUrl));
    expect(gunzipSync(served).toString('utf8')).toBe(html);
    expect(served.length).toBeLessThanOrEqual(50 * 1024);

    // With a tile server the page also carries the path for the interactive map (Leaflet itself is a separate, cached file).
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', map: { tileUrl: 'https://tiles.shop.example.com/{z}/{x}/{y}.png', attribution: '© Shop maps' } });
    const mapped = (await page(pathOf(order.trackingPageUrl))).html;
    const servedMapped = await servedGzipped(pathOf(order.trackingPageUrl));
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand' });
    expect(mapped).toContain('data-live-map=');
    expect(gunzipSync(servedMapped).toString('utf8')).toBe(mapped);
    expect(servedMapped.length).toBeLessThanOrEqual(50 * 1024);
    // The figures in bench/README.md, on demand.
    if (process.env.WAYBILL_PAGE_WEIGHT) console.log(JSON.stringify({ plain: [html.length, served.length], tiles: [mapped.length, servedMapped.length] }));
  });

  it('goes out gzipped to a browser that takes gzip, as it is to one that does not, and never gzips a page that echoes what a visitor typed', async () => {
    const { order, body } = await trackedOrder();
    t.clock.advance(3 * DAY);
    await t.worker.drain();
    const path = pathOf(order.trackingPageUrl);
    const plain = await t.app.request(path);
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('vary')).toBe('accept-encoding');
    expect(plain.headers.get('content-type')).toBe('text/html; charset=UTF-8');
    const html = await plain.text();
    expect(html).toContain('<h1>');
    for (const acceptEncoding of ['gzip, deflate, br, zstd', 'br;q=1, gzip;q=0.5', '*']) {
      const zipped = await t.app.request(path, { headers: { 'accept-encoding': acceptEncoding } });
      expect(zipped.headers.get('content-encoding'), acceptEncoding).toBe('gzip');
      expect(zipped.headers.get('vary')).toBe('accept-encoding');
      expect(zipped.headers.get('cache-control')).toBe('private, no-store');
      expect(zipped.headers.get('content-security-policy')).toBe(plain.headers.get('content-security-policy'));
      const bytes = Buffer.from(await zipped.arrayBuffer());
      expect(bytes.length).toBeLessThan(html.length / 2);
      expect(gunzipSync(bytes).toString('utf8')).toBe(html);
    }
    for (const acceptEncoding of ['gzip;q=0, br', 'br', 'identity', '*;q=0']) {
      const refused = await t.app.request(path, { headers: { 'accept-encoding': acceptEncoding } });
      expect(refused.headers.get('content-encoding'), acceptEncoding).toBeNull();
      expect(await refused.text()).toBe(html);
    }
    // The lookup form's answers repeat the order number typed in: never compressed (BREACH).
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand' });
    const wrong = await t.app.request('/track/test-brand', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-encoding': 'gzip' },
      body: new URLSearchParams({ order: body.number, contact: 'someone-else@example.com' }).toString(),
    });
    expect(wrong.headers.get('content-encoding')).toBeNull();
    expect(await wrong.text()).toContain('<form');
  });
});

describe('a custom domain', () => {
  /** Sets the brand's domain and proves it as a brand does: its TXT record published, then verify. */
  async function setProvenDomain(domain: string) {
    const { record } = (await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain })).json.domainProof;
    dns.txt.set(record.name, [[record.value]]);
    return t.request('POST', '/v1/brand/domain/verify');
  }

  it('serves the brand’s lookup form at its own host, links there, and refuses another brand’s orders on it', async () => {
    const taken = await createBrand(t.deps.db, t.clock.now(), { name: 'Other Brand' });
    const saved = await setProvenDomain('Track.Shop.Example.com');
    expect(saved.json).toMatchObject({ domain: 'track.shop.example.com', domainStatus: 'verified', lookupUrl: 'https://track.shop.example.com/track' });
    const clash = await t.app.request('/v1/brand/theme', {
      method: 'PUT',
      headers: { authorization: `Bearer ${taken.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ domain: 'track.shop.example.com' }),
    });
    expect(clash.status).toBe(409);
    expect((await clash.json()).error.details[0].field).toBe('domain');

    const home = await page('/', { host: 'track.shop.example.com' });
    expect(home.status).toBe(200);
    expect(home.html).toContain('Track your order');
    expect(home.html).toContain('action="/track"');
    const { order } = await trackedOrder();
    expect(order.trackingPageUrl).toMatch(/^https:\/\/track\.shop\.example\.com\/t\//);
    expect((await page(pathOf(order.trackingPageUrl), { host: 'track.shop.example.com' })).status).toBe(200);

    const otherOrder = await t.app.request('/v1/orders', {
      method: 'POST',
      headers: { authorization: `Bearer ${taken.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(orderBody()),
    });
    const foreign = pathOf(((await otherOrder.json()) as { trackingPageUrl: string }).trackingPageUrl);
    expect((await page(foreign)).status).toBe(200);
    expect((await page(foreign, { host: 'track.shop.example.com' })).status).toBe(404);
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: null });
  });

  it('answers for its own brand alone: another brand’s form is not found there, its own slug still works', async () => {
    const other = await createBrand(t.deps.db, t.clock.now(), { name: 'Other Hub Brand' });
    await t.app.request('/v1/brand/theme', {
      method: 'PUT',
      headers: { authorization: `Bearer ${other.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ slug: 'other-hub' }),
    });
    await setProvenDomain('track.northwind.example');
    const host = { host: 'track.northwind.example' };
    expect((await page('/track/other-hub')).html).toContain('Other Hub Brand');

    const foreign = await page('/track/other-hub', host);
    expect(foreign.status).toBe(404);
    expect(foreign.html).not.toContain('Other Hub Brand');
    expect(foreign.html).toContain('This tracking link is not valid');
    expect(foreign.html).toContain('action="/track"'); // the host brand's own form
    const posted = await t.app.request('/track/other-hub', {
      method: 'POST',
      headers: { ...host, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ tracking: 'SIM0000000000000' }).toString(),
    });
    expect(posted.status).toBe(404);
    expect(await posted.text()).not.toContain('Other Hub Brand');
    // By its id too: a brand without a slug is reachable by it elsewhere, not on another brand's domain.
    const bare = await createBrand(t.deps.db, t.clock.now(), { name: 'Bare Brand' });
    expect((await page(`/track/${bare.brand.id}`)).status).toBe(200);
    expect((await page(`/track/${bare.brand.id}`, host)).status).toBe(404);

    const own = await page('/track/test-brand', host);
    expect(own.status).toBe(200);
    expect(own.html).toContain('Track your order');
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: null });
  });
});
