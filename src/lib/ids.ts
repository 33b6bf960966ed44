// Prefixed, sortable ids: `ord_01J…`. ULIDs sort by creation time, which keeps cursors simple.
import { randomFillSync } from 'node:crypto';
import { monotonicFactory } from 'ulid';

/**
 * Random 32-bit words from a buffer of secure random bytes refilled 4 KiB at a time. ulid's default
 * source calls crypto.getRandomValues once per character (16 calls per id whenever the millisecond
 * changes, i.e. on nearly every request); one refill here serves ~64 ids.
 */
export function pooledRandomWords(words = 1024): () => number {
  const pool = new Uint32Array(words);
  let next = words;
  return () => {
    if (next === words) {
      randomFillSync(pool);
      next = 0;
    }
    return pool[next++]!;
  };
}

const randomWord = pooledRandomWords();

const nextUlid = monotonicFactory(() => randomWord() / 0x1_0000_0000);

export const ID_PREFIXES = {
  brand: 'brd',
  apiKey: 'key',
  order: 'ord',
  shipment: 'shp',
  event: 'evt',
  inbound: 'inb',
  job: 'job',
  connection: 'con',
  message: 'msg',
  update: 'upd',
  return: 'ret',
  click: 'clk',
  label: 'lbl',
  rule: 'rul',
  endpoint: 'iep',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${nextUlid().toLowerCase()}`;
}

export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${ID_PREFIXES[kind]}_`);
}

/** 64 random bits in base 36, for request ids (unique enough to find a request in the logs). */
export const newRequestId = (): string => `req_${randomWord().toString(36).padStart(7, '0')}${randomWord().toString(36).padStart(7, '0')}`;
