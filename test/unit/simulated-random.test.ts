import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom, hashText } from '../../src/carriers/simulated/random.js';

const draws = (seed: number | string, count = 20) => {
  const random = createRandom(seed);
  return Array.from({ length: count }, () => random.next());
};

describe('the seeded random generator', () => {
  it('gives the same sequence for the same seed and another for another seed', () => {
    fc.assert(
      fc.property(fc.oneof(fc.integer(), fc.string()), (seed) => {
        expect(draws(seed)).toEqual(draws(seed));
        expect(draws(seed)).not.toEqual(draws(`${seed}x`));
      }),
    );
  });

  it('is pinned: these numbers must never change, or every stored demo journey changes', () => {
    // FNV-1a 32-bit reference vectors.
    expect(hashText('')).toBe(0x811c9dc5);
    expect(hashText('a')).toBe(0xe40c292c);
    expect(hashText('foobar')).toBe(0xbf9cf968);
    expect(draws(42, 3)).toEqual(draws('42', 3));
    // Recorded from this implementation; a change here is a breaking change for reproducibility.
    expect(draws(42, 3).map((x) => x.toFixed(12))).toMatchInlineSnapshot(`
      [
        "0.904727126937",
        "0.536107472843",
        "0.414354876382",
      ]
    `);
  });

  it('stays in range and spreads evenly', () => {
    const random = createRandom('spread');
    const buckets = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) {
      const x = random.next();
      expect(x >= 0 && x < 1).toBe(true);
      buckets[Math.floor(x * 10)]++;
    }
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(500); // > 5 standard deviations
  });

  it('draws integers with both ends included, and picks every item', () => {
    const random = createRandom(7);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) {
      const n = random.int(1, 6);
      expect(Number.isInteger(n) && n >= 1 && n <= 6).toBe(true);
      seen.add(n);
    }
    expect([...seen].sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const picked = new Set(Array.from({ length: 200 }, () => random.pick(['a', 'b', 'c'])));
    expect(picked.size).toBe(3);
    expect(() => random.pick([])).toThrow(RangeError);
  });

  it('forks streams that depend on the seed and the label, not on draws made before', () => {
    const a = createRandom('s');
    const b = createRandom('s');
    b.next();
    b.next();
    expect(a.fork('timing').next()).toBe(b.fork('timing').next());
    expect(a.fork('timing').next()).not.toBe(a.fork('route').next());
  });
});
