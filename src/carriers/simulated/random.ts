// A small seeded pseudo-random generator (sfc32), so a journey is a function of its seed.
// Math.random() is never used here: the same seed must give the same parcel on every machine.

export type Random = {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Uniform integer in [min, max], both ends included. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /**
   * An independent stream named `label`, derived from the seed rather than from this stream's
   * position, so adding a draw to one concern (say, timing) never reshuffles another (say, the route).
   */
  fork(label: string): Random;
};

export function createRandom(seed: number | string): Random {
  return randomFromText(String(seed));
}

/** FNV-1a over UTF-16 code units: a stable 32-bit digest of a seed text. */
export function hashText(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Avalanche a 32-bit integer so nearby inputs give unrelated outputs. */
export function mix32(value: number): number {
  let x = value >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

function randomFromText(seedText: string): Random {
  const nextWord = sfc32(seedWords(seedText));
  const next = () => nextWord() / 4294967296;
  const between = (min: number, max: number) => min + (max - min) * next();
  return {
    next,
    between,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new RangeError('pick() needs at least one item');
      return items[Math.floor(next() * items.length)];
    },
    fork: (label) => randomFromText(`${seedText}/${label}`),
  };
}

function seedWords(seedText: string): [number, number, number, number] {
  const base = hashText(seedText);
  const a = mix32(base ^ 0x9e3779b9);
  const b = mix32(a + 0x6a09e667);
  const c = mix32(b + 0xbb67ae85);
  const d = mix32(c + 0x3c6ef372);
  return [a, b, c, d];
}

/** Small Fast Chaotic generator (Chris Doty-Humphrey's sfc32): four 32-bit words of state. */
function sfc32([a0, b0, c0, d0]: [number, number, number, number]): () => number {
  let a = a0 | 0;
  let b = b0 | 0;
  let c = c0 | 0;
  let d = d0 | 0;
  const step = () => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // The first outputs of a freshly seeded state are still correlated with the seed.
  for (let i = 0; i < 12; i++) step();
  return step;
}
