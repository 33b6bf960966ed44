// Prefixed, sortable ids: `ord_01J…`. ULIDs sort by creation time, which keeps cursors simple.
import { monotonicFactory } from 'ulid';

const nextUlid = monotonicFactory();

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
  endpoint: 'iep',
} as const;

export type IdKind = keyof typeof ID_PREFIXES;

export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${nextUlid().toLowerCase()}`;
}

export function hasPrefix(id: string, kind: IdKind): boolean {
  return id.startsWith(`${ID_PREFIXES[kind]}_`);
}
