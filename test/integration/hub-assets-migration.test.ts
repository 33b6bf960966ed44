// Migration 010: brands saved before their uploaded files had a table of their own (the logo as a
// data: URI in the settings JSON, and fonts saved before 009) get the bytes moved to brand_assets,
// the settings rewritten to name them by digest, and the page and its routes serve the same bytes.
import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrand } from '../../src/brands/repo.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { up as moveThemeFiles } from '../../src/db/migrations/010-theme-files-out-of-settings.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ schemaUpTo: '009-brand-assets' });
});
afterAll(async () => t.close());

const LOGO = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="150" height="32"><rect width="150" height="32" fill="#2a6"/></svg>');
const FONT = Buffer.concat([Buffer.from('wOF2'), Buffer.alloc(80, 9)]);

/** A brand's settings as Waybill wrote them before migration 010. */
const oldSettings = (logo: Buffer) =>
  JSON.stringify({
    theme: {
      logo: { data: `data:image/svg+xml;base64,${logo.toString('base64')}`, width: 150, height: 32, alt: 'Old Shape Co' },
      colors: { primary: '#224466' },
      fonts: { files: [{ family: 'Old Sans', data: `data:font/woff2;base64,${FONT.toString('base64')}`, weight: 400, style: 'normal' }] },
    },
    look: { supportEmail: 'help@old.example' },
    crossSells: { enabled: false },
  });

const settingsOf = async (brandId: string) => (await t.deps.db.selectFrom('brands').select('settings').where('id', '=', brandId).executeTakeFirstOrThrow()).settings;
const assetsOf = (brandId: string) => t.deps.db.selectFrom('brand_assets').select(['digest', 'content_type', 'body']).where('brand_id', '=', brandId).orderBy('digest').execute();
const bytesAt = async (path: string) => {
  const response = await t.app.request(path);
  expect(response.status, path).toBe(200);
  return { type: response.headers.get('content-type'), bytes: Buffer.from(await response.arrayBuffer()) };
};

describe('migration 010: theme files out of the settings', () => {
  it('moves an old brand’s logo and fonts to brand_assets; the page and the routes serve the same bytes, everything else kept', async () => {
    await t.deps.db.updateTable('brands').set({ settings: oldSettings(LOGO) }).where('id', '=', t.brand.id).execute();
    const plain = (await createBrand(t.deps.db, t.clock.now(), { name: 'Remote Logo Co' })).brand;
    const remoteSettings = JSON.stringify({ theme: { logo: { url: 'https://cdn.example.com/logo.png', width: 100, height: 40 } } });
    await t.deps.db.updateTable('brands').set({ settings: remoteSettings }).where('id', '=', plain.id).execute();

    expect((await migrateToLatest(t.deps.db))[0]).toBe('010-theme-files-out-of-settings'); // then any later ones

    const settings = JSON.parse(await settingsOf(t.brand.id));
    const assets = await assetsOf(t.brand.id);
    const logoAsset = assets.find((a) => a.content_type === 'image/svg+xml')!;
    const fontAsset = assets.find((a) => a.content_type === 'font/woff2')!;
    expect(assets).toHaveLength(2);
    expect(Buffer.from(logoAsset.body, 'base64').equals(LOGO)).toBe(true);
    expect(Buffer.from(fontAsset.body, 'base64').equals(FONT)).toBe(true);
    expect(settings).toEqual({
      theme: {
        logo: { asset: logoAsset.digest, width: 150, height: 32, alt: 'Old Shape Co' },
        colors: { primary: '#224466' },
        fonts: { files: [{ family: 'Old Sans', asset: fontAsset.digest, weight: 400, style: 'normal' }] },
      },
      look: { supportEmail: 'help@old.example' },
      crossSells: { enabled: false },
    });
    expect(await settingsOf(plain.id)).toBe(remoteSettings); // nothing uploaded: left as it was

    const order = (await t.request('POST', '/v1/orders', orderBody())).json;
    const html = await (await t.app.request(new URL(order.trackingPageUrl).pathname)).text();
    const logoSrc = `/hub-assets/${t.brand.id}/logo/${logoAsset.digest}`;
    expect(html).toContain(`<img class="logo" src="${logoSrc}" alt="Old Shape Co" width="150" height="32"/>`);
    expect(html).toContain(`src:url(/hub-assets/${t.brand.id}/font/${fontAsset.digest}) format("woff2")`);
    expect(html).not.toContain('base64');
    expect(await bytesAt(logoSrc)).toEqual({ type: 'image/svg+xml', bytes: LOGO });
    expect(await bytesAt(`/hub-assets/${t.brand.id}/logo`)).toEqual({ type: 'image/svg+xml', bytes: LOGO });
    expect(await bytesAt(`/hub-assets/${t.brand.id}/font/${fontAsset.digest}`)).toEqual({ type: 'font/woff2', bytes: FONT });
    // The API gives the moved theme back in the form it takes.
    const answer = (await t.request('GET', '/v1/brand/theme')).json;
    expect(answer.theme.logo.asset).toBe(logoAsset.digest);
    expect((await t.request('PUT', '/v1/brand/theme', answer.theme)).status).toBe(200);
    expect(await assetsOf(t.brand.id)).toEqual(assets);
  });

  it('run again, moves only what is left: a brand already moved is not touched', async () => {
    const moved = await settingsOf(t.brand.id);
    const assets = await assetsOf(t.brand.id);
    const late = (await createBrand(t.deps.db, t.clock.now(), { name: 'Late Co' })).brand;
    const otherLogo = Buffer.concat([LOGO, Buffer.from('<!-- late -->')]);
    await t.deps.db.updateTable('brands').set({ settings: oldSettings(otherLogo) }).where('id', '=', late.id).execute();

    await moveThemeFiles(t.deps.db as unknown as Kysely<unknown>);

    expect(await settingsOf(t.brand.id)).toBe(moved);
    expect(await assetsOf(t.brand.id)).toEqual(assets);
    const lateSettings = JSON.parse(await settingsOf(late.id));
    expect(lateSettings.theme.logo.data).toBeUndefined();
    expect(await bytesAt(`/hub-assets/${late.id}/logo/${lateSettings.theme.logo.asset}`)).toEqual({ type: 'image/svg+xml', bytes: otherLogo });
    // The same font bytes, stored once per brand (assets belong to their brand).
    expect((await assetsOf(late.id)).map((a) => a.content_type).sort()).toEqual(['font/woff2', 'image/svg+xml']);
  });
});
