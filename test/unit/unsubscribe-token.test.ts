// The unsubscribe link's token: sealed (the address cannot be read from it), the same each time
// for the same brand and address (a retried email must be byte for byte the first), and refused
// when tampered with or sealed under another secret.
import { describe, expect, it } from 'vitest';
import { deriveKeyring } from '../../src/lib/crypto.js';
import { legacyUnsubscribeToken, readUnsubscribeToken, unsubscribeToken } from '../../src/notifications/unsubscribe.js';

const keys = deriveKeyring('a test secret of at least thirty-two characters');
const otherKeys = deriveKeyring('another secret of at least thirty-two characters');

describe('unsubscribe tokens', () => {
  it('seal the brand and the address, the same way each time, and open to them', () => {
    const token = unsubscribeToken(keys, 'brand_1', 'Ada@Example.com');
    expect(unsubscribeToken(keys, 'brand_1', 'ada@example.com')).toBe(token);
    expect(readUnsubscribeToken(keys, token)).toEqual({ brandId: 'brand_1', address: 'ada@example.com' });
    const readable = token.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1')).join(' ');
    expect(readable).not.toContain('ada');
  });

  it('differ for another address, another brand or another secret', () => {
    const token = unsubscribeToken(keys, 'brand_1', 'ada@example.com');
    expect(unsubscribeToken(keys, 'brand_1', 'ada2@example.com')).not.toBe(token);
    expect(unsubscribeToken(keys, 'brand_2', 'ada@example.com')).not.toBe(token);
    expect(readUnsubscribeToken(otherKeys, token)).toBeNull();
  });

  it('are refused when tampered with or cut short', () => {
    const token = unsubscribeToken(keys, 'brand_1', 'ada@example.com');
    const parts = token.split('.');
    for (const i of [1, 2, 3]) {
      const changed = [...parts];
      changed[i] = changed[i]!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
      expect(readUnsubscribeToken(keys, changed.join('.'))).toBeNull();
    }
    expect(readUnsubscribeToken(keys, parts.slice(0, 3).join('.'))).toBeNull();
    expect(readUnsubscribeToken(keys, 'v1.')).toBeNull();
    expect(readUnsubscribeToken(keys, '')).toBeNull();
  });

  it('of the earlier kind still open, and only with their own signature', () => {
    const earlier = legacyUnsubscribeToken(keys, 'brand_1', 'Ada@Example.com');
    expect(readUnsubscribeToken(keys, earlier)).toEqual({ brandId: 'brand_1', address: 'ada@example.com' });
    expect(readUnsubscribeToken(otherKeys, earlier)).toBeNull();
    expect(readUnsubscribeToken(keys, earlier.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A')))).toBeNull();
  });
});
