// Short links for texts, where every character counts: /s/{code} redirects to the order's signed
// tracking page (signed afresh at each visit, so revoking the brand's links revokes these too).
// A code is 10 random base62 characters (~59 bits): unguessable, and one per order.
import { randomInt } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { OrderRow } from '../db/schema.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const SHORT_CODE = /^[0-9A-Za-z]{10}$/;

const newCode = () => Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/** The order's short link, made on first use. */
export async function shortLinkFor(deps: Deps, order: Pick<OrderRow, 'id' | 'brand_id'>): Promise<string> {
  const existing = await deps.db.selectFrom('short_links').select('code').where('order_id', '=', order.id).executeTakeFirst();
  if (existing) return `${deps.config.publicUrl}/s/${existing.code}`;
  await deps.db
    .insertInto('short_links')
    .values({ code: newCode(), brand_id: order.brand_id, order_id: order.id, created_at: deps.clock.now().toISOString() })
    .onConflict((oc) => oc.column('order_id').doNothing()) // another worker made it first: theirs stands
    .execute();
  const made = await deps.db.selectFrom('short_links').select('code').where('order_id', '=', order.id).executeTakeFirstOrThrow();
  return `${deps.config.publicUrl}/s/${made.code}`;
}

/** The order a code stands for, or null for a code that was never handed out. */
export async function orderOfShortCode(deps: Deps, code: string): Promise<{ orderId: string; brandId: string } | null> {
  if (!SHORT_CODE.test(code)) return null;
  const row = await deps.db.selectFrom('short_links').select(['order_id', 'brand_id']).where('code', '=', code).executeTakeFirst();
  return row ? { orderId: row.order_id, brandId: row.brand_id } : null;
}
