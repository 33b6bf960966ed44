// Cross-sell click tokens and the rule of what a click records, pure.
import { describe, expect, it } from 'vitest';
import { clickRule, clickSignatureOf, clickTerms, clickToken, readClickToken } from '../../src/catalogue/cross-sells.js';
import { hmacBase64Url } from '../../src/lib/crypto.js';
import { linkStanding } from '../../src/orders/tracking-links.js';

const key = Buffer.alloc(32, 7);
const orderId = 'ord_01jz00000000000000000000ab';
const DAY = 86_400_000;
const link = { expiresAt: Date.parse('2026-09-01T12:00:00Z'), keyVersion: 3 };
const b64 = (id: string) => Buffer.from(id).toString('base64url');

describe('a click token', () => {
  it('is signed for its product: the same link with another product is not signed at all', () => {
    const token = clickToken(key, 'brd_1', orderId, 'STAKES', 'email', link);
    const claims = readClickToken(token)!;
    expect(claims).toMatchObject({ orderId, productId: 'STAKES', source: 'email', link });
    expect(clickSignatureOf(key, 'brd_1', claims)).toBe('link');
    const swapped = readClickToken(token.replace(/\.[^.]+$/, `.${Buffer.from('HIDDEN').toString('base64url')}`))!;
    expect(swapped.productId).toBe('HIDDEN');
    expect(clickSignatureOf(key, 'brd_1', swapped)).toBe('none');
    expect(clickSignatureOf(key, 'brd_2', claims)).toBe('none');
    expect(clickSignatureOf(Buffer.alloc(32, 8), 'brd_1', claims)).toBe('none');
  });

  it('carries the terms of the tracking link it was shown with, signed: a later expiry or another key version is not signed at all', () => {
    const token = clickToken(key, 'brd_1', orderId, 'STAKES', 'page', { expiresAt: link.expiresAt + 999, keyVersion: 3 });
    const parts = token.split('.');
    expect(parts).toHaveLength(6);
    expect(readClickToken(token)!.link).toEqual(link); // whole seconds, as tracking links carry
    const withPart = (i: number, value: string) => readClickToken(parts.map((p, j) => (j === i ? value : p)).join('.'))!;
    expect(clickSignatureOf(key, 'brd_1', withPart(2, (link.expiresAt / 1000 + 365 * 86_400).toString(36)))).toBe('none');
    expect(clickSignatureOf(key, 'brd_1', withPart(3, '4'))).toBe('none');
    expect(clickSignatureOf(key, 'brd_1', withPart(5, b64('HIDDEN')))).toBe('none');
  });

  it('cut short or malformed is not read at all, or not signed', () => {
    const token = clickToken(key, 'brd_1', orderId, 'STAKES', 'page', link);
    const parts = token.split('.');
    for (const cut of [parts.slice(0, 5).join('.'), parts.slice(0, 3).join('.'), `${orderId}.p`, '']) expect(readClickToken(cut)).toBeNull();
    expect(readClickToken(parts.map((p, i) => (i === 2 ? 'not-base36!' : p)).join('.'))).toBeNull();
    expect(readClickToken(parts.map((p, i) => (i === 3 ? 'v3' : p)).join('.'))).toBeNull();
    // Its last characters lost (a mail client wrapping the line): a shorter product, or signature, that the signature does not match.
    expect(clickSignatureOf(key, 'brd_1', readClickToken(token.slice(0, -1))!)).toBe('none');
    const shortSig = readClickToken(parts.map((p, i) => (i === 4 ? p.slice(0, 21) : p)).join('.'))!;
    expect(clickSignatureOf(key, 'brd_1', shortSig)).toBe('none');
    // The four parts of an older link made of a current one's first parts: not signed as one.
    expect(clickSignatureOf(key, 'brd_1', readClickToken([parts[0], parts[1], parts[4], parts[5]].join('.'))!)).toBe('none');
  });

  it('of the older formats (signed for the product only; for the order and place only) is told apart', () => {
    const sig = hmacBase64Url(key, `click|brd_1|${orderId}|p`).slice(0, 22);
    const claims = readClickToken(`${orderId}.p.${sig}.${b64('ANYTHING')}`)!;
    expect(claims.link).toBeNull();
    expect(clickSignatureOf(key, 'brd_1', claims)).toBe('legacy');
    expect(clickSignatureOf(key, 'brd_1', { ...claims, code: 'e' })).toBe('none');
    const productSig = hmacBase64Url(key, `click2|brd_1|${orderId}|e|STAKES`).slice(0, 22);
    expect(clickSignatureOf(key, 'brd_1', readClickToken(`${orderId}.e.${productSig}.${b64('STAKES')}`)!)).toBe('product');
    expect(clickSignatureOf(key, 'brd_1', readClickToken(`${orderId}.e.${productSig}.${b64('HIDDEN')}`)!)).toBe('none');
  });
});

describe('the terms a click link is held to', () => {
  const order = { created_at: '2026-03-01T10:00:00.000Z' };
  const now = new Date('2026-04-01T00:00:00Z');

  it('are those of its tracking link: it stops counting when that link expires or the brand revokes its links', () => {
    const terms = clickTerms({ link }, order, 180);
    expect(terms).toEqual(link);
    expect(linkStanding(terms, 3, now)).toBe('valid');
    expect(linkStanding(terms, 4, now)).toBe('revoked');
    expect(linkStanding(terms, 3, new Date(link.expiresAt + 1000))).toBe('expired');
  });

  it('for a link sent before links carried them: the order’s first link, ending with its age, under a brand that never revoked', () => {
    const terms = clickTerms({ link: null }, order, 180);
    expect(terms).toEqual({ expiresAt: Date.parse(order.created_at) + 180 * DAY, keyVersion: 1 });
    expect(linkStanding(terms, 1, now)).toBe('valid');
    expect(linkStanding(terms, 1, new Date(Date.parse(order.created_at) + 181 * DAY))).toBe('expired');
    // Revoked at any time: whether before or after the link was sent cannot be told, so it no longer counts.
    expect(linkStanding(terms, 2, now)).toBe('revoked');
  });
});

describe('what a click records', () => {
  const active = { active: true };
  const valid = 'valid' as const;
  it('never counts or opens a product that is inactive or gone, however it is signed', () => {
    for (const signed of ['link', 'product', 'legacy'] as const) {
      for (const recommended of [true, false]) {
        for (const standing of ['valid', 'expired', 'revoked'] as const) {
          expect(clickRule({ signed, standing, product: { active: false }, recommended })).toEqual({ record: false, open: 'shop' });
          expect(clickRule({ signed, standing, product: null, recommended })).toEqual({ record: false, open: 'shop' });
        }
      }
    }
  });

  it('counts a link signed for its product; an older link only for a product the order recommends, opening the product either way', () => {
    expect(clickRule({ signed: 'link', standing: valid, product: active, recommended: false })).toEqual({ record: true, open: 'product' });
    expect(clickRule({ signed: 'product', standing: valid, product: active, recommended: false })).toEqual({ record: true, open: 'product' });
    expect(clickRule({ signed: 'legacy', standing: valid, product: active, recommended: true })).toEqual({ record: true, open: 'product' });
    expect(clickRule({ signed: 'legacy', standing: valid, product: active, recommended: false })).toEqual({ record: false, open: 'product' });
  });

  it('counts nothing once its tracking link has expired or been revoked, but still opens the product', () => {
    for (const signed of ['link', 'product', 'legacy'] as const) {
      for (const standing of ['expired', 'revoked'] as const) {
        expect(clickRule({ signed, standing, product: active, recommended: true })).toEqual({ record: false, open: 'product' });
      }
    }
  });
});
