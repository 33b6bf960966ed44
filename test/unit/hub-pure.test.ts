// The hub's pure rules: language choice, lookup matching, the map's frame and clipping, the theme's
// colour contrast, the returns policy and its states.
import { describe, expect, it } from 'vitest';
import { acceptedLanguages, chooseLanguage } from '../../src/hub/i18n/index.js';
import { contactMatches, normalizeOrderNumber } from '../../src/hub/lookup.js';
import { FRAME, frameAround, framePoint, landPath } from '../../src/hub/map.js';
import { contrast, readableOnWhite } from '../../src/hub/theme.js';
import { checkReturnRequest, type EligibilityInput, nextReturnState, ReturnPolicySchema, suggestedRefund } from '../../src/returns/policy.js';

describe('choosing the language', () => {
  it('takes the link, then the order, then the browser (by weight), then the brand, then English', () => {
    expect(chooseLanguage({ param: 'de', orderLocale: 'fr', acceptLanguage: 'es', brandDefault: 'en' })).toBe('de');
    expect(chooseLanguage({ param: 'xx', orderLocale: 'fr-CA', acceptLanguage: 'es' })).toBe('fr');
    expect(chooseLanguage({ orderLocale: 'pt', acceptLanguage: 'pt-BR,de;q=0.4,es;q=0.8' })).toBe('es');
    expect(chooseLanguage({ acceptLanguage: 'es;q=0, ja', brandDefault: 'de' })).toBe('de');
    expect(chooseLanguage({})).toBe('en');
    expect(acceptedLanguages('fr-CH, fr;q=0.9, en;q=0.8, *;q=0.5')).toEqual(['fr-CH', 'fr', 'en']);
  });
});

describe('matching a lookup', () => {
  const order = { email: 'Ada.Lovelace@Example.com', postalCode: '78701-1234' };
  it('accepts the email in any case and the postal code however it is typed', () => {
    expect(contactMatches(' ada.lovelace@example.COM ', order)).toBe(true);
    expect(contactMatches('78701', order)).toBe(true);
    expect(contactMatches('787011234', order)).toBe(true);
    expect(contactMatches('sw1a 1aa', { email: 'x@example.com', postalCode: 'SW1A 1AA' })).toBe(true);
    expect(contactMatches('ada@example.com', order)).toBe(false);
    expect(contactMatches('78702', order)).toBe(false);
    expect(contactMatches('7', order)).toBe(false);
    expect(normalizeOrderNumber(' #10 42 ')).toBe('1042');
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
    expect(ask({ returns: [{ state: 'approved', items: [{ sku: 'BOOT', name: 'Boots', quantity: 1 }] }] }, [{ sku: 'BOOT', quantity: 1 }])).toMatchObject({ ok: false, refusal: 'already_requested' });
    expect(ask({}, [{ sku: 'BOOT', quantity: 0 }])).toMatchObject({ ok: false, refusal: 'no_items' });
    expect(ask({}, [{ sku: 'BOOT', quantity: 1 }], 'because')).toMatchObject({ ok: false, refusal: 'invalid_reason' });
  });

  it('accepts what is left after a rejected return, lines of one SKU counted together, and an override', () => {
    const rejected = { returns: [{ state: 'rejected', items: [{ sku: 'BOOT', name: 'Boots', quantity: 1 }] }] };
    expect(ask(rejected, [{ sku: 'BOOT', quantity: 1 }, { sku: 'SOCK', quantity: 3 }])).toEqual({ ok: true, items: [{ sku: 'BOOT', name: 'Boots', quantity: 1 }, { sku: 'SOCK', name: 'Socks', quantity: 3 }] });
    expect(ask({ override: true, now: new Date('2027-01-01T00:00:00Z') }, [{ sku: 'HAT', quantity: 1 }])).toMatchObject({ ok: true });
    expect(suggestedRefund([{ sku: 'BOOT', name: 'Boots', quantity: 1 }, { sku: 'SOCK', name: 'Socks', quantity: 2 }], base.items, policy)).toBe(115);
    expect(suggestedRefund([{ sku: 'CARD', name: 'Card', quantity: 1 }], base.items, policy)).toBeNull();
  });

  it('moves a return only along its states', () => {
    expect(nextReturnState('requested', 'approve')).toEqual({ ok: true, state: 'approved' });
    expect(nextReturnState('approved', 'refund')).toEqual({ ok: true, state: 'refunded' });
    expect(nextReturnState('rejected', 'approve')).toMatchObject({ ok: false });
    expect(nextReturnState('refunded', 'refund')).toMatchObject({ ok: false, message: expect.stringContaining('refunded') });
  });
});
