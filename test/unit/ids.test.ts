import { describe, expect, it } from 'vitest';
import { hasPrefix, newId, newRequestId, pooledRandomWords } from '../../src/lib/ids.js';

describe('ids', () => {
  it('are prefixed lowercase ULIDs, unique and sorted by creation', () => {
    const ids = Array.from({ length: 20_000 }, () => newId('shipment'));
    for (const id of ids) expect(id).toMatch(/^shp_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(hasPrefix(ids[0]!, 'shipment')).toBe(true);
    expect(hasPrefix(ids[0]!, 'order')).toBe(false);
  });

  it('draw their randomness from a pool that is refilled when used up', () => {
    const next = pooledRandomWords(4);
    const words = Array.from({ length: 4_000 }, next);
    for (const word of words) expect(Number.isInteger(word) && word >= 0 && word < 2 ** 32).toBe(true);
    // Refilled, not repeated: 1,000 refills of 4 words give (almost surely) all-distinct words.
    expect(new Set(words).size).toBe(words.length);
  });

  it('give requests distinct ids', () => {
    const ids = Array.from({ length: 10_000 }, newRequestId);
    for (const id of ids) expect(id).toMatch(/^req_[0-9a-z]{14}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
