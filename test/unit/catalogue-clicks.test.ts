// Cross-sell click tokens and the rule of what a click records, pure.
import { describe, expect, it } from 'vitest';
import { clickRule, clickSignatureOf, clickToken, readClickToken } from '../../src/catalogue/cross-sells.js';
import { hmacBase64Url } from '../../src/lib/crypto.js';

const key = Buffer.alloc(32, 7);
const orderId = 'ord_01jz00000000000000000000ab';

describe('a click token', () => {
  it('is signed for its product: the same link with another product is not signed at all', () => {
    const token = clickToken(key, 'brd_1', orderId, 'STAKES', 'email');
    const claims = readClickToken(token)!;
    expect(claims).toMatchObject({ orderId, productId: 'STAKES', source: 'email' });
    expect(clickSignatureOf(key, 'brd_1', claims)).toBe('product');
    const swapped = readClickToken(token.replace(/\.[^.]+$/, `.${Buffer.from('HIDDEN').toString('base64url')}`))!;
    expect(swapped.productId).toBe('HIDDEN');
    expect(clickSignatureOf(key, 'brd_1', swapped)).toBe('none');
    expect(clickSignatureOf(key, 'brd_2', claims)).toBe('none');
    expect(clickSignatureOf(Buffer.alloc(32, 8), 'brd_1', claims)).toBe('none');
  });

  it('of the older format (one signature for the order and place) is told apart', () => {
    const sig = hmacBase64Url(key, `click|brd_1|${orderId}|p`).slice(0, 22);
    const claims = readClickToken(`${orderId}.p.${sig}.${Buffer.from('ANYTHING').toString('base64url')}`)!;
    expect(clickSignatureOf(key, 'brd_1', claims)).toBe('legacy');
    expect(clickSignatureOf(key, 'brd_1', { ...claims, code: 'e' })).toBe('none');
  });
});

describe('what a click records', () => {
  const active = { active: true };
  it('never counts or opens a product that is inactive or gone, however it is signed', () => {
    for (const signed of ['product', 'legacy'] as const) {
      for (const recommended of [true, false]) {
        expect(clickRule({ signed, product: { active: false }, recommended })).toEqual({ record: false, open: 'shop' });
        expect(clickRule({ signed, product: null, recommended })).toEqual({ record: false, open: 'shop' });
      }
    }
  });

  it('counts a link signed for its product; an older link only for a product the order recommends, opening the product either way', () => {
    expect(clickRule({ signed: 'product', product: active, recommended: false })).toEqual({ record: true, open: 'product' });
    expect(clickRule({ signed: 'legacy', product: active, recommended: true })).toEqual({ record: true, open: 'product' });
    expect(clickRule({ signed: 'legacy', product: active, recommended: false })).toEqual({ record: false, open: 'product' });
  });
});
