// The hub's pure rules: language choice, lookup matching, the map's frame and clipping, the
// interactive map's data and policy, the theme's colour contrast, the returns policy and its states.
import { describe, expect, it } from 'vitest';
import { acceptedLanguages, chooseLanguage, keepingLanguage } from '../../src/hub/i18n/index.js';
import { contactMatches, normalizeOrderNumber, orderNumberCandidates, throttleKeys } from '../../src/hub/lookup.js';
import { boundsOf, dateLineCut, FRAME, frameAround, framePoint, landPath, latLon, latLonPastCut, type LiveMap, liveMapAttribute, pastCut, project, tilesFor } from '../../src/hub/map.js';
import { withMapScripts } from '../../src/hub/map-assets.js';
import type { PageOrder, PageShipment } from '../../src/hub/order-data.js';
import { buildOrderView, shipmentView } from '../../src/hub/view.js';
import { contrast, readableOnWhite, unknownTilePlaceholders } from '../../src/hub/theme.js';
import { checkReturnRequest, type EligibilityInput, nextReturnState, orderTotal, refundProblem, returnableItems, ReturnPolicySchema, suggestedRefund, whyNothingCanBeReturned } from '../../src/returns/policy.js';

describe('choosing the language', () => {
  it('takes the link, then the order, then the browser (by weight), then the brand, then English', () => {
    expect(chooseLanguage({ param: 'de', orderLocale: 'fr', acceptLanguage: 'es', brandDefault: 'en' })).toBe('de');
    expect(chooseLanguage({ param: 'xx', orderLocale: 'fr-CA', acceptLanguage: 'es' })).toBe('fr');
    expect(chooseLanguage({ orderLocale: 'pt', acceptLanguage: 'pt-BR,de;q=0.4,es;q=0.8' })).toBe('es');
    expect(chooseLanguage({ acceptLanguage: 'es;q=0, ja', brandDefault: 'de' })).toBe('de');
    expect(chooseLanguage({})).toBe('en');
    expect(acceptedLanguages('fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5')).toEqual(['fr-CH', 'fr', 'en']);
  });

  it('reads the weight’s name in any case, as HTTP defines it (Q=0.1 is q=0.1)', () => {
    expect(acceptedLanguages('en;Q=0.1, de;q=0.9')).toEqual(['de', 'en']);
    expect(chooseLanguage({ acceptLanguage: 'en;Q=0.1, de-AT;Q=0.9' })).toBe('de');
    expect(chooseLanguage({ acceptLanguage: 'es-MX;Q=0, en', brandDefault: 'de' })).toBe('en');
  });

  it('keeps a language picked by the link on the next links, and only a language the page speaks', () => {
    expect(keepingLanguage('/t/tok/return', 'es')).toBe('/t/tok/return?lang=es');
    expect(keepingLanguage('/t/tok?return=R-1#returns', 'de')).toBe('/t/tok?return=R-1&lang=de#returns');
    expect(keepingLanguage('', 'fr-CA')).toBe('?lang=fr');
    expect(keepingLanguage('/track/shop', undefined)).toBe('/track/shop');
    expect(keepingLanguage('/track/shop', 'xx')).toBe('/track/shop');
    expect(keepingLanguage('/track/shop', 'en"><script>')).toBe('/track/shop');
  });
});

describe('looking up an order number', () => {
  it('tries it as typed, in upper and in lower case, each with and without #', () => {
    expect(orderNumberCandidates(' nw-10001 ')).toEqual(['nw-10001', '#nw-10001', 'NW-10001', '#NW-10001']);
    expect(orderNumberCandidates('#1042')).toEqual(['1042', '#1042']);
    expect(orderNumberCandidates('Ab-1')).toEqual(['Ab-1', '#Ab-1', 'AB-1', '#AB-1', 'ab-1', '#ab-1']);
  });

  it('counts every spelling that finds an order against one throttle key: repeated #, look-alike letters, case', () => {
    const keyOf = (typed: string) => throttleKeys('brand_1', '203.0.113.9', typed)[1]!.key;
    for (const typed of ['##1042', '# 1042', '\uFF11\uFF10\uFF14\uFF12']) expect(keyOf(typed)).toBe(keyOf('#1042')); // full-width digits
    expect(keyOf('n\u212A-77')).toBe(keyOf('nk-77')); // the Kelvin sign lower-cases to k
    expect(keyOf('NK-77')).toBe(keyOf('nk-77'));
    expect(orderNumberCandidates('##1042')).toEqual(['1042', '#1042']);
    expect(orderNumberCandidates('n\u212A-77')).toContain('nk-77');
    expect(keyOf('1043')).not.toBe(keyOf('1042'));
  });

  it('keeps spaces inside a number as one space too (a shop numbering "NW 10001"), and without them', () => {
    expect(orderNumberCandidates(' nw  10001 ')).toEqual(['nw10001', '#nw10001', 'NW10001', '#NW10001', 'nw 10001', '#nw 10001', 'NW 10001', '#NW 10001']);
  });
});

describe('matching a lookup', () => {
  const order = { email: 'Ada.Lovelace@Example.com', postalCode: '78701-1234', country: 'US' };
  it('accepts the email in any case and the postal code however it is typed', () => {
    expect(contactMatches(' ada.lovelace@example.COM ', order)).toBe(true);
    expect(contactMatches('78701', order)).toBe(true);
    expect(contactMatches('787011234', order)).toBe(true);
    expect(contactMatches('sw1a 1aa', { email: 'x@example.com', postalCode: 'SW1A 1AA', country: 'GB' })).toBe(true);
    expect(contactMatches('78701', { ...order, postalCode: '78701' })).toBe(true);
    expect(contactMatches('787019999', { ...order, postalCode: '78701' })).toBe(true);
    expect(contactMatches('ada@example.com', order)).toBe(false);
    expect(contactMatches('78702', order)).toBe(false);
    expect(contactMatches('7', order)).toBe(false);
    expect(normalizeOrderNumber(' #10 42 ')).toBe('1042');
  });

  it('matches five digits of a ZIP+4 for US destinations only: elsewhere the whole code', () => {
    const abroad = (country: string, postalCode: string) => ({ email: 'x@example.com', postalCode, country });
    expect(contactMatches('100000000', abroad('JP', '100-0001'))).toBe(false);
    expect(contactMatches('560000000', abroad('IN', '560001'))).toBe(false);
    expect(contactMatches('013100000', abroad('BR', '01310-100'))).toBe(false);
    expect(contactMatches('01310-100', abroad('BR', '01310-100'))).toBe(true);
    expect(contactMatches('123451234', abroad('DE', '12345'))).toBe(false);
    expect(contactMatches('123451234', { ...abroad('US', '12345'), country: null })).toBe(false);
  });
});

const orderTo = (destination: object) =>
  ({
    id: 'ord_1', brand_id: 'brd_1', number: '1', customer_email: 'a@example.com', customer_locale: null, items: '[]', placed_at: '2026-03-01T00:00:00Z',
    estimated_from: null, estimated_to: null, created_at: '2026-03-01T00:00:00Z', brand_name: 'B', link_key_version: 1, settings: '{}', updates: null, returns: null,
    destination: JSON.stringify(destination),
  }) as PageOrder;
const scan = (city: string, country: string, at: string) => ({ status: 'in_transit', carrierText: null, location: JSON.stringify({ city, country }), occurredAt: at });
const parcel = (id: string, fields: Partial<PageShipment>): PageShipment => ({
  id, carrier: 'ups', tracking_number: 'T', direction: 'outbound', status: 'in_transit', reason: null, delayed: 0, estimated_from: null, estimated_to: null, status_changed_at: null, events: [], ...fields,
});
const themed = (map: object | null) => ({ map }) as never;

describe('late on the page, as in the messages', () => {
  const at = (now: string, fields: Partial<PageShipment>) => shipmentView(parcel('a', fields), { language: 'en', zone: 'America/Chicago', index: 0, total: 1, now: new Date(now) });
  const window = { estimated_from: '2026-03-10T13:00:00Z', estimated_to: '2026-03-11T01:00:00Z' };

  it('a window that has ended with the parcel on its way is late, and the page says it was expected then', () => {
    expect(at('2026-03-10T20:00:00Z', window)).toMatchObject({ late: false, expected: 'Expected Tue, Mar 10' });
    expect(at('2026-03-11T02:00:00Z', window)).toMatchObject({ late: true, expected: 'Was expected Tue, Mar 10' });
    expect(at('2026-03-09T00:00:00Z', { ...window, delayed: 1 })).toMatchObject({ late: true, expected: 'Expected Tue, Mar 10' }); // the carrier's own flag
  });

  it('never for a parcel that arrived, ended otherwise, or has a reason of its own to show', () => {
    for (const status of ['delivered', 'returned', 'cancelled'] as const) expect(at('2026-03-20T00:00:00Z', { ...window, status })).toMatchObject({ late: false, expected: null });
    // Waiting at a pickup point is there, not late.
    expect(at('2026-03-20T00:00:00Z', { ...window, status: 'available_for_pickup' }).late).toBe(false);
    expect(at('2026-03-20T00:00:00Z', { ...window, status: 'exception', reason: 'address_issue' }).late).toBe(false);
  });

  it('a window of days ends with its last day everywhere: not late on it', () => {
    const days = { estimated_from: '2026-03-10', estimated_to: '2026-03-11' };
    expect(at('2026-03-11T23:00:00Z', days).late).toBe(false);
    expect(at('2026-03-12T13:00:00Z', days).late).toBe(true);
  });

  it('the order’s promise, before anything ships, once over, reads as what was expected', () => {
    const order = { ...orderTo({ city: 'Austin', region: 'TX', country: 'US' }), ...window };
    const view = (now: string) => buildOrderView({ order, shipments: [], updates: [], returns: [], language: 'en', theme: themed(null), now: new Date(now) });
    expect(view('2026-03-10T00:00:00Z').orderExpected).toBe('Expected Tue, Mar 10');
    expect(view('2026-03-12T00:00:00Z').orderExpected).toBe('Was expected Tue, Mar 10');
  });
});

describe('the map', () => {
  it('frames every point inside the 2:1 picture, and clips country shapes to it', () => {
    const points = [
      { lat: 39.96, lon: -83.0 },
      { lat: 30.27, lon: -97.74 },
      { lat: 35.15, lon: -90.05 },
    ];
    const frame = frameAround(points);
    expect(frame.w / frame.h).toBe(2);
    for (const p of points) {
      const [x, y] = framePoint(frame, p.lat, p.lon);
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(FRAME.width);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(FRAME.height);
    }
    const land = landPath(frame);
    const numbers = land.match(/-?\d+/g)!.map(Number);
    expect(numbers.length).toBeGreaterThan(50);
    expect(Math.min(...numbers)).toBeGreaterThanOrEqual(-5);
    expect(Math.max(...numbers)).toBeLessThanOrEqual(FRAME.width + 5);
    expect(land.length).toBeLessThan(12_000); // a few KB, not the whole world
  });

  it('cuts the world where the points leave the widest gap, so a route across the Pacific is drawn across it', () => {
    const x = (lon: number) => project(0, lon)[0];
    expect(dateLineCut([x(-83), x(-97.7), x(2.35), x(13.4)])).toBeNull(); // Columbus to Berlin: the Atlantic is not the widest gap
    expect(dateLineCut([x(-118.24)])).toBeNull();
    expect(dateLineCut([x(-118.24), x(-157.86), x(139.69)])).toBe(x(139.69)); // Los Angeles, Honolulu, Tokyo: cut west of Tokyo
    expect(dateLineCut([x(174.76), x(-149.9), x(-118.24)])).toBe(x(174.76)); // Auckland, Anchorage, Los Angeles
    expect(dateLineCut([x(-179), x(179)])).toBe(x(179)); // two degrees apart across the line
    expect(dateLineCut([x(-74), x(-0.13), x(55.27), x(103.8)])).toBeNull(); // New York, London, Dubai, Singapore: the Pacific is the widest gap
    expect(pastCut(x(139.69), [x(-118.24), 5])).toEqual([x(-118.24) + 1000, 5]);
    expect(pastCut(x(139.69), [x(139.69), 5])).toEqual([x(139.69), 5]);
    expect(latLonPastCut(x(139.69), [x(-118.24), 5], [34.05, -118.24])).toEqual([34.05, 241.76]);
    expect(latLonPastCut(null, [x(-118.24), 5], [34.05, -118.24])).toEqual([34.05, -118.24]);
  });

  it('draws a parcel from Los Angeles to Tokyo over the Pacific, with the land on both shores, and the interactive map’s path without a jump', () => {
    const shipments = [
      parcel('a', { events: [scan('Los Angeles', 'US', '2026-03-02T00:00:00Z'), scan('Honolulu', 'US', '2026-03-03T00:00:00Z'), scan('Osaka', 'JP', '2026-03-04T00:00:00Z')] }),
    ];
    const view = (map: object | null) => buildOrderView({ order: orderTo({ city: 'Tokyo', country: 'JP' }), shipments, updates: [], returns: [], language: 'en', theme: themed(map), now: new Date('2026-03-05T00:00:00Z') }).map!;
    const svg = view(null);
    const [losAngeles, honolulu, osaka] = svg.routes[0]!.stops;
    expect(osaka![0]).toBeLessThan(honolulu![0]); // west to east: Japan, Hawaii, California
    expect(honolulu![0]).toBeLessThan(losAngeles![0]);
    for (const [px, py] of svg.routes[0]!.stops) {
      expect(px).toBeGreaterThan(0);
      expect(px).toBeLessThan(FRAME.width);
      expect(py).toBeGreaterThan(0);
      expect(py).toBeLessThan(FRAME.height);
    }
    const xs = svg.land.match(/[ML]-?\d+/g)!.map((m) => Number(m.slice(1)));
    expect(Math.min(...xs)).toBeLessThan(osaka![0]); // Japan, in the world as drawn
    expect(Math.max(...xs)).toBeGreaterThan(losAngeles![0]); // North America, in the world's copy east of the date line
    const live = view({ tileUrl: 'https://t.example.com/{z}/{x}/{y}.png', attribution: '© T' }).live!;
    const path = [...live.routes[0]!.points, live.routes[0]!.goal!];
    for (let i = 1; i < path.length; i++) expect(Math.abs(path[i]![1] - path[i - 1]![1])).toBeLessThan(180);
    expect(path[0]![1]).toBeCloseTo(-118.24 + 360, 1); // Los Angeles, one world east
    const [[, west], [, east]] = live.bounds;
    expect(east - west).toBeLessThan(180);
  });

  it('fills a tile URL’s subdomain and resolution placeholders, and names any other it finds', () => {
    const frame = frameAround([{ lat: 39.96, lon: -83.0 }, { lat: 30.27, lon: -97.74 }]);
    const [tile] = tilesFor(frame, 'https://{s}.tiles.example.com/{z}/{x}/{y}{r}.png');
    expect(tile!.href).toMatch(/^https:\/\/a\.tiles\.example\.com\/\d+\/\d+\/\d+\.png$/);
    expect(unknownTilePlaceholders('https://{s}.t.example.com/{z}/{x}/{y}{r}.png')).toEqual([]);
    expect(unknownTilePlaceholders('https://t.example.com/{z}/{x}/{y}.png?key={key}&v={}')).toEqual(['{key}', '{}']);
  });
});

describe('the interactive map’s data', () => {
  it('keeps a point only to a town’s precision: a delivery scan’s GPS point at the door does not reach the page', () => {
    expect(latLon({ lat: 52.398912, lon: 13.065734 })).toEqual([52.4, 13.07]);
    expect(latLon({ lat: -33.86882, lon: 151.20929 })).toEqual([-33.87, 151.21]);
  });

  const decodeAttribute = (value: string) => value.replace(/&(quot|#39|lt|gt|amp);/g, (_, name: string) => ({ quot: '"', '#39': "'", lt: '<', gt: '>', amp: '&' })[name]!);

  it('boxes the points: [[south, west], [north, east]], and refuses to box nothing', () => {
    expect(boundsOf([[39.9612, -82.9988], [30.2672, -97.7431], [52.5244, 13.4105]])).toEqual([[30.2672, -97.7431], [52.5244, 13.4105]]);
    expect(boundsOf([[-33.8679, 151.2073]])).toEqual([[-33.8679, 151.2073], [-33.8679, 151.2073]]);
    expect(() => boundsOf([])).toThrow(/no points/);
  });

  it('goes into a double-quoted attribute with nothing that could end it, and comes back as it was', () => {
    const nasty = `"><script>alert('x')</script> & &amp; </figure>`;
    const map: LiveMap = {
      tileUrl: 'https://tiles.example.com/{z}/{x}/{y}.png?key=a&b="c"',
      attribution: nasty,
      bounds: [[1, 2], [3, 4]],
      routes: [{ points: [[1, 2], [3, 4]], returning: false, goal: [3, 4] }],
      labels: [{ at: [1, 2], text: nasty, here: true }],
      zoomIn: 'Zoom <in>',
      zoomOut: 'Zoom out',
      keys: 'Keys',
    };
    const attribute = liveMapAttribute(map);
    expect(attribute).not.toMatch(/["'<>]/);
    expect(attribute.replace(/&(quot|#39|lt|gt|amp);/g, '')).not.toContain('&');
    expect(JSON.parse(decodeAttribute(attribute))).toEqual(map);
  });

  it('is there only with a tile server: each parcel’s scans in order, the way still to go, the destination inside the bounds', () => {
    const order = orderTo({ city: 'Berlin', country: 'DE' });
    const shipments = [
      parcel('a', { events: [scan('Columbus', 'US', '2026-03-02T00:00:00Z'), scan('Columbus', 'US', '2026-03-02T01:00:00Z'), scan('Paris', 'FR', '2026-03-03T00:00:00Z')] }),
      parcel('b', { status: 'delivered', events: [scan('Hamburg', 'DE', '2026-03-02T00:00:00Z')] }),
      parcel('r', { direction: 'return', events: [scan('Munich', 'DE', '2026-03-04T00:00:00Z')] }),
    ];
    const view = (map: object | null) => buildOrderView({ order, shipments, updates: [], returns: [], language: 'fr', theme: themed(map), now: new Date('2026-03-05T00:00:00Z') }).map!;

    expect(view(null).live).toBeNull();
    const live = view({ tileUrl: 'https://t.example.com/{z}/{x}/{y}.png', attribution: '© T' })!.live!;
    const [columbus, paris, hamburg, munich, berlin] = [live.routes[0]!.points[0]!, live.routes[0]!.points[1]!, live.routes[1]!.points[0]!, live.routes[2]!.points[0]!, live.routes[0]!.goal!];
    expect(live.routes.map((r) => r.points.length)).toEqual([2, 1, 1]); // Columbus twice in a row is one point
    expect(columbus[0]).toBeCloseTo(39.96, 1);
    expect(paris[1]).toBeCloseTo(2.35, 1);
    expect(berlin[0]).toBeCloseTo(52.52, 1);
    expect(live.routes.map((r) => [r.returning, r.goal !== null])).toEqual([[false, true], [false, false], [true, false]]); // delivered and returning parcels go nowhere more
    expect(munich[0]).toBeGreaterThan(columbus[0]);
    expect(live.bounds).toEqual([columbus, [hamburg[0], berlin[1]]]); // south and west: Columbus; north: Hamburg; east: the destination
    expect(live.labels.map((l) => [l.text, l.here])).toEqual([['Columbus', false], ['Paris', true]]);
    expect([live.zoomIn, live.zoomOut]).toEqual(['Zoom avant', 'Zoom arrière']);
    expect(live).toMatchObject({ tileUrl: 'https://t.example.com/{z}/{x}/{y}.png', attribution: '© T' });
  });

  it('lets the page run its own scripts and load its own stylesheet, and changes nothing else in the policy', () => {
    expect(withMapScripts("default-src 'none'; img-src 'self' https: data:; style-src 'unsafe-inline'; font-src 'self'")).toBe(
      "default-src 'none'; img-src 'self' https: data:; script-src 'self'; style-src 'self' 'unsafe-inline'; font-src 'self'",
    );
    expect(() => withMapScripts("default-src 'none'")).toThrow(/style-src/);
  });
});

describe('theme colours', () => {
  it('darkens a pale accent until links read on white (4.5:1)', () => {
    expect(readableOnWhite('#1f3a2e')).toBe('#1f3a2e');
    const pale = readableOnWhite('#f2c14e');
    expect(contrast(pale, '#ffffff')).toBeGreaterThanOrEqual(4.5);
  });
});

describe('the returns policy', () => {
  const policy = ReturnPolicySchema.parse({ enabled: true, windowDays: 30, excludedSkus: ['HAT'], excludedTags: ['final'], labelPaidBy: 'customer', labelFee: 5 });
  const base: EligibilityInput = {
    policy,
    now: new Date('2026-03-20T12:00:00Z'),
    items: [
      { sku: 'BOOT', name: 'Boots', quantity: 1, price: 100 },
      { sku: 'SOCK', name: 'Socks', quantity: 2, price: 10 },
      { sku: 'SOCK', name: 'Socks', quantity: 1, price: 10 },
      { sku: 'HAT', name: 'Hat', quantity: 1, price: 5 },
      { sku: 'CARD', name: 'Card', quantity: 1 },
    ],
    shipments: [{ status: 'delivered', deliveredAt: '2026-03-10T15:00:00Z' }],
    returns: [],
    tags: new Map([['CARD', ['final']]]),
  };
  const ask = (input: Partial<EligibilityInput>, items: Array<{ sku: string; quantity: number }>, reason = 'wrong_size') => checkReturnRequest({ ...base, ...input }, { items, reason });

  it('refuses each case with its own reason', () => {
    expect(ask({ policy: { ...policy, enabled: false } }, [{ sku: 'BOOT', quantity: 1 }])).toMatchObject({ ok: false, refusal: 'returns_off' });
    expect(ask({ shipments: [{ status: 'in_transit', deliveredAt: null }] }, [{ sku: 'BOOT', quantity: 1 }])).toMatchObject({ ok: false, refusal: 'not_delivered' });
    expect(ask({ now: new Date('2026-04-10T00:00:00Z') }, [{ sku: 'BOOT', quantity: 1 }])).toMatchObject({ ok: false, refusal: 'outside_window' });
    expect(ask({}, [{ sku: 'HAT', quantity: 1 }])).toMatchObject({ ok: false, refusal: 'excluded_item', item: 'Hat' });
    expect(ask({}, [{ sku: 'CARD', quantity: 1 }])).toMatchObject({ ok: false, refusal: 'excluded_item', item: 'Card' });
    expect(ask({}, [{ sku: 'SOCK', quantity: 4 }])).toMatchObject({ ok: false, refusal: 'too_many' });
    // The same SKU on two lines of a request is checked as one: one pair of boots cannot be returned twice.
    expect(ask({}, [{ sku: 'BOOT', quantity: 1 }, { sku: 'BOOT', quantity: 1 }])).toMatchObject({ ok: false, refusal: 'too_many', item: 'Boots' });
    expect(ask({}, [{ sku: 'SOCK', quantity: 2 }, { sku: 'SOCK', quantity: 1 }])).toEqual({ ok: true, items: [{ sku: 'SOCK', name: 'Socks', quantity: 3 }] });
    expect(ask({ returns: [{ state: 'approved', items: [{ sku: 'BOOT', name: 'Boots', quantity: 1 }] }] }, [{ sku: 'BOOT', quantity: 1 }])).toMatchObject({ ok: false, refusal: 'already_requested' });
    expect(ask({}, [{ sku: 'BOOT', quantity: 0 }])).toMatchObject({ ok: false, refusal: 'no_items' });
    expect(ask({}, [{ sku: 'BOOT', quantity: 1 }], 'because')).toMatchObject({ ok: false, refusal: 'invalid_reason' });
  });

  it('accepts what is left after a rejected return, lines of one SKU counted together, and an override', () => {
    const rejected = { returns: [{ state: 'rejected', items: [{ sku: 'BOOT', name: 'Boots', quantity: 1 }] }] };
    expect(ask(rejected, [{ sku: 'BOOT', quantity: 1 }, { sku: 'SOCK', quantity: 3 }])).toEqual({ ok: true, items: [{ sku: 'BOOT', name: 'Boots', quantity: 1 }, { sku: 'SOCK', name: 'Socks', quantity: 3 }] });
    expect(ask({ override: true, now: new Date('2027-01-01T00:00:00Z') }, [{ sku: 'HAT', quantity: 1 }])).toMatchObject({ ok: true });
    expect(suggestedRefund([{ sku: 'BOOT', name: 'Boots', quantity: 1 }, { sku: 'SOCK', name: 'Socks', quantity: 2 }], base.items, policy, 'USD')).toBe(115);
    expect(suggestedRefund([{ sku: 'CARD', name: 'Card', quantity: 1 }], base.items, policy, 'USD')).toBeNull();
  });

  it('moves a return only along its states', () => {
    expect(nextReturnState('requested', 'approve')).toEqual({ ok: true, state: 'approved' });
    expect(nextReturnState('approved', 'refund')).toEqual({ ok: true, state: 'refunded' });
    expect(nextReturnState('rejected', 'approve')).toMatchObject({ ok: false });
    expect(nextReturnState('refunded', 'refund')).toMatchObject({ ok: false, message: expect.stringContaining('refunded') });
  });

  it('puts the right article before each state it names', () => {
    expect(nextReturnState('refunded', 'refund')).toEqual({ ok: false, message: 'a refunded return cannot be refunded (only an approved or received one)' });
    expect(nextReturnState('approved', 'approve')).toEqual({ ok: false, message: 'an approved return cannot be approved (only a requested one)' });
    expect(nextReturnState('received', 'receive')).toEqual({ ok: false, message: 'a received return cannot be received (only an approved one)' });
  });

  it('counts what is in returns beside what was bought (a rejected return frees its items)', () => {
    const returns = [
      { state: 'approved', items: [{ sku: 'SOCK', name: 'Socks', quantity: 1 }] },
      { state: 'rejected', items: [{ sku: 'BOOT', name: 'Boots', quantity: 1 }] },
      { state: 'refunded', items: [{ sku: 'SOCK', name: 'Socks', quantity: 1 }] },
    ];
    const counted = returnableItems({ ...base, returns }).map(({ sku, quantity, inReturns, left, excluded }) => ({ sku, quantity, inReturns, left, excluded }));
    expect(counted).toEqual([
      { sku: 'BOOT', quantity: 1, inReturns: 0, left: 1, excluded: false },
      { sku: 'SOCK', quantity: 3, inReturns: 2, left: 1, excluded: false },
      { sku: 'HAT', quantity: 1, inReturns: 0, left: 1, excluded: true },
      { sku: 'CARD', quantity: 1, inReturns: 0, left: 1, excluded: true },
    ]);
  });

  it('says why nothing of an order can be returned, and only then', () => {
    const inReturn = (state: string, ...skus: Array<[string, number]>) => ({ state, items: skus.map(([sku, quantity]) => ({ sku, name: sku, quantity })) });
    expect(whyNothingCanBeReturned(base)).toBeNull();
    expect(whyNothingCanBeReturned({ ...base, returns: [inReturn('approved', ['BOOT', 1], ['SOCK', 2])] })).toBeNull(); // a sock is left
    expect(whyNothingCanBeReturned({ ...base, returns: [inReturn('approved', ['BOOT', 1]), inReturn('requested', ['SOCK', 3])] })).toEqual({ refusal: 'all_in_returns' });
    expect(whyNothingCanBeReturned({ ...base, returns: [inReturn('rejected', ['BOOT', 1]), inReturn('requested', ['SOCK', 3])] })).toBeNull();
    expect(whyNothingCanBeReturned({ ...base, items: base.items.filter((i) => i.sku === 'HAT' || i.sku === 'CARD') })).toEqual({ refusal: 'none_returnable' });
    expect(whyNothingCanBeReturned({ ...base, now: new Date('2026-04-10T00:00:00Z') })).toEqual({ refusal: 'outside_window' });
    expect(whyNothingCanBeReturned({ ...base, items: [{ sku: 'HAT', name: 'Hat', quantity: 1 }], override: true })).toBeNull();
  });

  it('refunds no more than the order’s total less its earlier refunds, more than zero, in the order’s currency', () => {
    expect(orderTotal(base.items.filter((i) => i.price !== undefined), 'USD')).toBe(135);
    expect(orderTotal(base.items, 'USD')).toBeNull();
    const limit = { orderTotal: 148, alreadyRefunded: 0, currency: 'USD' };
    expect(refundProblem({ amount: 74, currency: 'USD' }, limit)).toBeNull();
    expect(refundProblem({ amount: 148, currency: 'USD' }, limit)).toBeNull(); // above the suggested refund is allowed
    expect(refundProblem({ amount: 1_000_000, currency: 'USD' }, limit)).toEqual({ field: 'amount', problem: 'must be at most 148 USD: the order’s total of 148 less 0 refunded before' });
    expect(refundProblem({ amount: 74.01, currency: 'USD' }, { ...limit, alreadyRefunded: 74 })).toMatchObject({ field: 'amount', problem: expect.stringContaining('at most 74 USD') });
    expect(refundProblem({ amount: 0.3, currency: 'USD' }, { orderTotal: 0.3, alreadyRefunded: 0, currency: 'USD' })).toBeNull();
    expect(refundProblem({ amount: 0.1 + 0.2, currency: 'USD' }, { orderTotal: 0.3, alreadyRefunded: 0, currency: 'USD' })).toBeNull(); // to the cent
    for (const amount of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(refundProblem({ amount, currency: 'USD' }, limit)).toMatchObject({ field: 'amount', problem: 'must be more than 0' });
    expect(refundProblem({ amount: 10, currency: 'EUR' }, limit)).toEqual({ field: 'currency', problem: 'must be USD, this order’s currency' });
    expect(refundProblem({ amount: 1_000, currency: 'USD' }, { ...limit, orderTotal: null })).toBeNull(); // no prices: no total to hold it to
  });

  it('counts a dinar order’s totals and refunds in fils (thousandths), not cents', () => {
    const lamps = [{ sku: 'LAMP', name: 'Lamp', quantity: 2, price: 1.234 }, { sku: 'OIL', name: 'Oil', quantity: 1, price: 5.555 }];
    expect(orderTotal(lamps, 'KWD')).toBe(8.023);
    expect(orderTotal(lamps, 'USD')).toBe(8.02);
    const free = { labelPaidBy: 'brand', labelFee: 0 } as const;
    expect(suggestedRefund([{ sku: 'LAMP', name: 'Lamp', quantity: 2 }], lamps, free, 'KWD')).toBe(2.468);
    expect(suggestedRefund([{ sku: 'OIL', name: 'Oil', quantity: 1 }], lamps, { labelPaidBy: 'customer', labelFee: 1.5 }, 'KWD')).toBe(4.055);
    const limit = { orderTotal: 8.023, alreadyRefunded: 2.468, currency: 'KWD' };
    expect(refundProblem({ amount: 5.555, currency: 'KWD' }, limit)).toBeNull(); // exactly what is left
    expect(refundProblem({ amount: 5.556, currency: 'KWD' }, limit)).toEqual({ field: 'amount', problem: 'must be at most 5.555 KWD: the order’s total of 8.023 less 2.468 refunded before' });
    expect(refundProblem({ amount: 2.469, currency: 'KWD' }, { orderTotal: 2.468, alreadyRefunded: 0, currency: 'KWD' })).toMatchObject({ field: 'amount' });
    // Yen have no minor unit: totals are whole, and a fraction of a yen over the limit is still over it.
    expect(orderTotal([{ sku: 'TEA', name: 'Tea', quantity: 3, price: 333.4 }], 'JPY')).toBe(1000);
    expect(refundProblem({ amount: 1000.4, currency: 'JPY' }, { orderTotal: 1000, alreadyRefunded: 0, currency: 'JPY' })).toMatchObject({ field: 'amount' });
    expect(refundProblem({ amount: 1000, currency: 'JPY' }, { orderTotal: 1000, alreadyRefunded: 0, currency: 'JPY' })).toBeNull();
  });
});
