// The tracking page's HTML, byte for byte, from fixed rows: themes, the four languages, time zones
// with odd offsets and a summer-time change, escaping of everything a brand, a carrier or a
// customer can write, returns in each state, the map with and without tiles, the lookup page. The
// files under __snapshots__/ were written by the page as it was before it was made faster (the
// tiles one again when the map with a tile server became interactive, and when its points were
// rounded to a town's precision): a change of a single byte in
// what customers see fails here.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { formatDay, formatTime, formatWindow } from '../../src/hub/format.js';
import type { HubLanguage } from '../../src/hub/i18n/index.js';
import { HUB_TEXT } from '../../src/hub/i18n/index.js';
import type { PageOrder, PageShipment } from '../../src/hub/order-data.js';
import { returnsOf, updatesOf } from '../../src/hub/order-data.js';
import { renderLookupPage } from '../../src/hub/pages/lookup-page.js';
import { type ProductCard, renderOrderPage } from '../../src/hub/pages/order-page.js';
import { compileTheme, type Theme } from '../../src/hub/theme.js';
import { buildOrderView, shipmentView } from '../../src/hub/view.js';

// A saved logo: the theme keeps the digest of its bytes (they live in brand_assets).
const LOGO_ASSET = createHash('sha256').update('<svg xmlns="http://www.w3.org/2000/svg" width="120" height="32"/>').digest('base64url');

const THEMES: Record<string, Theme> = {
  full: {
    logo: { asset: LOGO_ASSET, width: 120, height: 32, alt: 'Home <b>"Brand"</b>' },
    colors: { primary: '#0f4c3a', accent: '#f2c14e', background: '#faf7f2' },
    fonts: { body: '"Source Sans 3", system-ui, sans-serif' },
    homeUrl: 'https://shop.example.com/?a=1&b=2',
    nav: [
      { label: 'Shop <script>alert(1)</script>', url: 'https://shop.example.com/all' },
      { label: "Help & 'FAQ'", url: 'https://shop.example.com/help?x="y"' },
    ],
    footer: { text: '© Brand — <img src=x onerror=alert(1)>', links: [{ label: 'Privacy', url: 'https://shop.example.com/privacy' }] },
    support: { email: 'help@shop.example.com', phone: '+1 (415) 555-0100', url: 'https://help.example.com/contact' },
  },
  tiles: {
    logo: { url: 'https://cdn.example.com/logo.png?v=1&w=2', width: 100, height: 40 },
    map: { tileUrl: 'https://tiles.example.com/{z}/{x}/{y}.png?key=a&b', attribution: '© OpenStreetMap <contributors>' },
    support: { phone: '+49 30 1234567' },
    footer: { links: [{ label: 'Impressum', url: 'https://shop.example.de/impressum' }] },
    defaultLocale: 'de',
  },
  plain: {},
};

const brandOf = (theme: Theme, name = 'Brand & Co <Ltd>') => ({ id: 'brd_01test', name, settings: JSON.stringify({ theme }) });

const place = (city: string, region: string | undefined, country: string) => JSON.stringify({ city, ...(region ? { region } : {}), country });

function orderRow(overrides: Partial<PageOrder> & { destination: string }): PageOrder {
  return {
    id: 'ord_01test',
    brand_id: 'brd_01test',
    number: '10<42>',
    customer_email: 'ada@example.com',
    customer_locale: null,
    items: JSON.stringify([
      { sku: 'BOOT', name: 'Boots "Trail" <XL>', quantity: 1, price: 120 },
      { sku: 'SOCK', name: "Socks & 'liners'", quantity: 3, price: 9 },
    ]),
    placed_at: '2026-03-27T22:30:00Z',
    estimated_from: null,
    estimated_to: null,
    created_at: '2026-03-27T22:30:00Z',
    brand_name: 'Brand & Co <Ltd>',
    link_key_version: 1,
    settings: '{}',
    updates: null,
    returns: null,
    ...overrides,
  };
}

const shipment = (id: string, fields: Partial<PageShipment>): PageShipment => ({
  id,
  carrier: 'ups',
  tracking_number: '1Z999AA10123456784',
  direction: 'outbound',
  status: 'in_transit',
  reason: null,
  delayed: 0,
  estimated_from: null,
  estimated_to: null,
  status_changed_at: null,
  events: [],
  ...fields,
});

// Scan times chosen around midnight, noon, a whole hour and Europe's and America's summer-time changes.
const busyShipments: PageShipment[] = [
  shipment('shp_a', {
    status: 'delivered',
    status_changed_at: '2026-03-29T09:15:00Z',
    events: [
      { status: 'info_received', carrierText: 'Label <created> & "printed"', location: place('Columbus', 'OH', 'US'), occurredAt: '2026-03-27T23:59:59Z' },
      { status: 'in_transit', carrierText: null, location: place('Louisville', 'KY', 'US'), occurredAt: '2026-03-28T00:00:00Z' },
      { status: 'in_transit', carrierText: "Arrived at facility 'B'", location: place('Berlin', undefined, 'DE'), occurredAt: '2026-03-29T00:59:00Z' },
      { status: 'out_for_delivery', carrierText: 'Out', location: place('Berlin', undefined, 'DE'), occurredAt: '2026-03-29T01:00:00Z' },
      { status: 'delivered', carrierText: 'Left at door', location: place('Potsdam', undefined, 'DE'), occurredAt: '2026-03-29T12:00:30Z' },
    ],
  }),
  shipment('shp_b', {
    carrier: 'canada_post',
    tracking_number: '<TN & 1>',
    status: 'in_transit',
    delayed: 1,
    estimated_from: '2026-03-31T15:00:00Z',
    estimated_to: '2026-04-02T03:00:00Z',
    events: [
      { status: 'in_transit', carrierText: 'Departed', location: place('Nowhere Town', 'ZZ', 'US'), occurredAt: '2026-03-08T06:59:00Z' },
      { status: 'in_transit', carrierText: 'Sorted', location: null, occurredAt: '2026-03-08T07:00:00Z' },
      { status: 'in_transit', carrierText: 'No time given', location: place('Dallas', 'TX', 'US'), occurredAt: null },
    ],
  }),
  shipment('shp_c', { carrier: 'some_local_post', status: 'exception', reason: 'address_issue', estimated_from: '2026-04-01T00:00:00Z', estimated_to: '2026-04-01T23:00:00Z' }),
  shipment('shp_d', { status: 'pending' }),
  shipment('shp_r', {
    direction: 'return',
    status: 'in_transit',
    events: [{ status: 'in_transit', carrierText: 'Return scanned', location: place('Austin', 'TX', 'US'), occurredAt: '2026-04-05T18:45:00Z' }],
  }),
];

const updates = JSON.stringify([
  ['Packed with care <3 & "love"', 'https://img.example.com/a.jpg?x=1&y=2', '2026-03-28T11:05:00Z'],
  ['No picture here', 'javascript:alert(1)', '2026-03-28T00:05:00Z'],
]);
const returns = JSON.stringify([
  ['ret_1', 'RMA-1', 'requested', JSON.stringify([{ sku: 'BOOT', name: 'Boots "Trail" <XL>', quantity: 1 }]), 'wrong_size', null, null, null, null, '2026-04-01T00:00:00Z'],
  ['ret_2', 'RMA-2', 'approved', JSON.stringify([{ sku: 'SOCK', name: 'Socks', quantity: 2 }]), 'damaged', 'shp_r', null, null, null, '2026-04-02T00:00:00Z'],
  ['ret_3', 'RMA-3', 'rejected', JSON.stringify([{ sku: 'SOCK', name: 'Socks', quantity: 1 }]), 'other_reason', null, 'Worn <twice> & washed', null, null, '2026-04-03T00:00:00Z'],
  ['ret_4', 'RMA-4', 'refunded', JSON.stringify([{ sku: 'SOCK', name: 'Socks', quantity: 1 }]), 'changed_mind', null, null, 1234.5, 'EUR', '2026-04-04T00:00:00Z'],
  ['ret_5', 'RMA-5', 'approved', JSON.stringify([{ sku: 'BOOT', name: 'Boots', quantity: 1 }]), 'wrong_size', null, null, null, null, '2026-04-05T00:00:00Z'],
]);

const crossSells: ProductCard[] = [
  { title: 'Cap <new> & "cool"', price: '$10.00', imageUrl: 'https://img.example.com/cap.jpg?a=1&b=2', href: '/r/ord_01test.p.sig.Q0FQ' },
  { title: 'Mug', price: null, imageUrl: null, href: '/r/ord_01test.p.sig.TVVH' },
];

type Case = { name: string; theme: Theme; language: HubLanguage; order: PageOrder; shipments: PageShipment[]; notice?: string; canReturn: boolean; crossSells: ProductCard[]; path?: string };

const CASES: Case[] = [
  {
    name: 'busy-en-austin',
    theme: THEMES.full!,
    language: 'en',
    order: orderRow({ destination: JSON.stringify({ line1: '1 Secret St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' }), updates, returns }),
    shipments: busyShipments,
    notice: 'Return RMA-1 asked for <now>',
    canReturn: true,
    crossSells,
    path: '/t/ord_01test.abc.1.sig',
  },
  {
    name: 'busy-de-berlin-tiles',
    theme: THEMES.tiles!,
    language: 'de',
    order: orderRow({ destination: JSON.stringify({ city: 'Berlin', postalCode: '10115', country: 'DE' }), updates, returns }),
    shipments: busyShipments,
    canReturn: false,
    crossSells: [],
    path: '/t/tok?x=1',
  },
  {
    name: 'busy-fr-kathmandu',
    theme: THEMES.plain!,
    language: 'fr',
    order: orderRow({ destination: JSON.stringify({ city: 'Kathmandu', country: 'NP' }), returns }),
    shipments: busyShipments.slice(0, 2),
    canReturn: true,
    crossSells,
    path: '/t/tok',
  },
  {
    name: 'busy-es-india',
    theme: THEMES.full!,
    language: 'es',
    order: orderRow({ destination: JSON.stringify({ country: 'IN' }), updates }),
    shipments: busyShipments.slice(1),
    canReturn: false,
    crossSells: crossSells.slice(1),
  },
  {
    name: 'preparing-en-sydney',
    theme: THEMES.plain!,
    language: 'en',
    order: orderRow({ destination: JSON.stringify({ city: 'Sydney', region: 'NSW', country: 'AU' }), estimated_from: '2026-04-04T14:00:00Z', estimated_to: '2026-04-03T13:59:00Z' }),
    shipments: [],
    canReturn: false,
    crossSells: [],
    path: '/t/tok',
  },
  {
    name: 'one-parcel-de-unknown-country',
    theme: THEMES.plain!,
    language: 'de',
    order: orderRow({ destination: JSON.stringify({ city: 'Atlantis', country: 'XX' }), estimated_from: '2026-04-04T14:00:00Z', estimated_to: '2026-04-06T13:59:00Z' }),
    shipments: [busyShipments[1]!],
    canReturn: false,
    crossSells: [],
  },
];

/** Before every window of the cases: what the pages showed when they were written. */
const NOW = new Date('2026-03-30T12:00:00Z');

describe('the tracking page, byte for byte', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const brand = brandOf(c.theme);
      const theme = compileTheme(brand);
      const order = { ...c.order, settings: brand.settings };
      const view = buildOrderView({ order, shipments: c.shipments, updates: updatesOf(order), returns: returnsOf(order), language: c.language, theme, now: NOW });
      const html = renderOrderPage({ frame: { theme, language: c.language, title: `Order ${view.number} · ${theme.brandName}`, path: c.path }, view, base: '/t/tok', notice: c.notice, canReturn: c.canReturn, crossSells: c.crossSells });
      await expect(html).toMatchFileSnapshot(`__snapshots__/hub-page-${c.name}.html`);
      // A second rendering (caches warm) is the same page.
      const again = buildOrderView({ order, shipments: c.shipments, updates: updatesOf(order), returns: returnsOf(order), language: c.language, theme, now: NOW });
      expect(renderOrderPage({ frame: { theme, language: c.language, title: `Order ${again.number} · ${theme.brandName}`, path: c.path }, view: again, base: '/t/tok', notice: c.notice, canReturn: c.canReturn, crossSells: c.crossSells })).toBe(html);
    });
  }

  it('the lookup page, with an error, the values typed, and parcels found by tracking number', async () => {
    const theme = compileTheme(brandOf(THEMES.full!));
    const text = HUB_TEXT.fr;
    const parcels = busyShipments.slice(0, 2).map((s) => ({ ...shipmentView(s, { language: 'fr', zone: 'America/Chicago', index: 0, total: 1, now: NOW }), heading: `${text.trackingNumber} ${s.tracking_number}` }));
    const found = renderLookupPage({ frame: { theme, language: 'fr', title: 'Suivi <x>', path: '/track/brand' }, text, action: '/track/brand', values: { order: '<1042>', contact: '', tracking: '"1Z"' }, parcels });
    await expect(found).toMatchFileSnapshot('__snapshots__/hub-lookup-found.html');
    const invalid = renderLookupPage({ frame: { theme: compileTheme(brandOf(THEMES.plain!, 'Waybill')), language: 'en', title: 'Link' }, text: HUB_TEXT.en, action: '', heading: HUB_TEXT.en.linkInvalid, intro: HUB_TEXT.en.linkHelp, forms: false });
    await expect(invalid).toMatchFileSnapshot('__snapshots__/hub-lookup-invalid.html');
    const error = renderLookupPage({ frame: { theme: compileTheme(brandOf(THEMES.tiles!)), language: 'de', title: 'Suche', path: '/track' }, text: HUB_TEXT.de, action: '/track', error: HUB_TEXT.de.notFound, values: { order: 'A&B', contact: '' } });
    await expect(error).toMatchFileSnapshot('__snapshots__/hub-lookup-error.html');
  });
});

describe('dates and times on the destination’s clock', () => {
  // The reference: Intl itself, formatting each instant in the zone.
  const references = new Map<string, Intl.DateTimeFormat>();
  const reference = (iso: string, language: string, timeZone: string, withTime: boolean) => {
    const key = `${language}|${timeZone}|${withTime}`;
    let f = references.get(key);
    if (!f) {
      f = new Intl.DateTimeFormat(language, { weekday: 'short', day: 'numeric', month: 'short', ...(withTime ? { hour: 'numeric', minute: '2-digit' } : {}), timeZone });
      references.set(key, f);
    }
    return f.format(new Date(iso)).replace(/[\u2009\u202f]/g, ' ');
  };
  const ZONES = ['UTC', 'America/Chicago', 'America/St_Johns', 'Europe/Berlin', 'Asia/Kathmandu', 'Asia/Kolkata', 'Australia/Lord_Howe', 'Pacific/Chatham', 'America/Santiago', 'Pacific/Kiritimati'];
  const LANGUAGES: HubLanguage[] = ['en', 'es', 'fr', 'de'];

  it('match Intl for every language and zone, across summer-time changes, midnights and noons', () => {
    // A fixed pseudo-random walk (no Math.random: a failure must repeat), plus the minutes around each zone's changes in 2026.
    let seed = 42;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const instants: string[] = [];
    for (let i = 0; i < 400; i++) instants.push(new Date(Date.UTC(2025, 0, 1) + Math.floor(next() * 3 * 365 * 86_400_000)).toISOString());
    for (const edge of ['2026-03-08T08:00:00Z', '2026-03-29T01:00:00Z', '2026-04-05T02:00:00Z', '2026-04-05T15:00:00Z', '2026-10-04T16:00:00Z', '2026-10-25T01:00:00Z', '2026-11-01T07:00:00Z', '2026-09-27T14:00:00Z']) {
      for (const minutes of [-61, -60, -31, -30, -1, 0, 1, 29, 30, 59, 60]) instants.push(new Date(Date.parse(edge) + minutes * 60_000).toISOString());
    }
    for (const day of ['2026-06-15', '2026-12-31', '2027-01-01']) for (const time of ['00:00:00', '11:59:59', '12:00:00', '23:59:59']) instants.push(`${day}T${time}.999Z`);
    for (const zone of ZONES) {
      for (const language of LANGUAGES) {
        for (const iso of instants) {
          expect(formatTime(iso, language, zone), `${iso} ${language} ${zone}`).toBe(reference(iso, language, zone, true));
          expect(formatDay(iso, language, zone), `${iso} ${language} ${zone}`).toBe(reference(iso, language, zone, false));
        }
      }
    }
  });

  it('writes a window as a range, earliest first, one day once', () => {
    const range = (from: string, to: string, language: string, timeZone: string) => {
      const f = new Intl.DateTimeFormat(language, { weekday: 'short', day: 'numeric', month: 'short', timeZone });
      const [a, b] = [new Date(from), new Date(to)].sort((x, y) => x.getTime() - y.getTime());
      return f.formatRange(a!, b!).replace(/[\u2009\u202f]/g, ' ');
    };
    const windows: Array<[string, string]> = [
      ['2026-03-31T15:00:00Z', '2026-04-02T03:00:00Z'],
      ['2026-04-02T03:00:00Z', '2026-03-31T15:00:00Z'],
      ['2026-04-01T00:00:00Z', '2026-04-01T23:00:00Z'],
      ['2026-12-30T12:00:00Z', '2027-01-02T12:00:00Z'],
      ['2026-03-28T23:30:00Z', '2026-03-29T00:30:00Z'],
    ];
    for (const zone of ZONES) for (const language of LANGUAGES) for (const [from, to] of windows) expect(formatWindow(from, to, language, zone)).toBe(range(from, to, language, zone));
  });
});
