// Short links for texts, where every character counts: /s/{code} redirects to the order's signed
// tracking page. A code is 10 random base62 characters (~59 bits): unguessable, one per order at a
// time, and stored with the brand's link key version it was issued under. Once the brand revokes
// its links (the version moves on) the code leads nowhere, as a code never handed out does; the
// order's next text carries a new code, issued under the new version.
import { randomInt } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { BrandRow, OrderRow } from '../db/schema.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const SHORT_CODE = /^[0-9A-Za-z]{10}$/;

const newCode = () => Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');

/**
 * The order's short link under the brand's link key version (as read for the message it goes in):
 * the one already issued under it, else a new code, made on first use or in place of one issued
 * under an earlier version (revoked). A code issued under a later version than this caller knows
 * is left as it is and given back.
 */
export async function shortLinkFor(deps: Deps, brand: Pick<BrandRow, 'link_key_version'>, order: Pick<OrderRow, 'id' | 'brand_id'>): Promise<string> {
  const current = brand.link_key_version;
  const existing = await deps.db.selectFrom('short_links').select(['code', 'link_key_version']).where('order_id', '=', order.id).executeTakeFirst();
  if (existing && existing.link_key_version >= current) return `${deps.config.publicUrl}/s/${existing.code}`;
  await deps.db
    .insertInto('short_links')
    .values({ code: newCode(), brand_id: order.brand_id, order_id: order.id, link_key_version: current, created_at: deps.clock.now().toISOString() })
    // Another worker made it first under this version (or a later one): theirs stands.
    .onConflict((oc) =>
      oc
        .column('order_id')
        .doUpdateSet((eb) => ({ code: eb.ref('excluded.code'), link_key_version: eb.ref('excluded.link_key_version'), created_at: eb.ref('excluded.created_at') }))
        .where('short_links.link_key_version', '<', current),
    )
    .execute();
  const made = await deps.db.selectFrom('short_links').select('code').where('order_id', '=', order.id).executeTakeFirstOrThrow();
  return `${deps.config.publicUrl}/s/${made.code}`;
}

/** What a live short link leads to: its order, and its brand as the page link is signed for. */
export type ShortLinkTarget = { order: Pick<OrderRow, 'id' | 'created_at'>; brand: Pick<BrandRow, 'id' | 'link_key_version' | 'settings'> };

/**
 * What a code leads to, or null for a code never handed out, one issued before the brand last
 * revoked its links, or one whose order is gone: one query whichever it is, so the answer's time
 * does not tell a revoked code from an unknown one.
 */
export async function shortLinkTarget(deps: Deps, code: string): Promise<ShortLinkTarget | null> {
  if (!SHORT_CODE.test(code)) return null;
  const row = await deps.db
    .selectFrom('short_links')
    .innerJoin('brands', (join) => join.onRef('brands.id', '=', 'short_links.brand_id').onRef('brands.link_key_version', '=', 'short_links.link_key_version'))
    .innerJoin('orders', 'orders.id', 'short_links.order_id')
    .select(['orders.id as order_id', 'orders.created_at', 'brands.id as brand_id', 'brands.link_key_version', 'brands.settings'])
    .where('short_links.code', '=', code)
    .executeTakeFirst();
  if (!row) return null;
  return { order: { id: row.order_id, created_at: row.created_at }, brand: { id: row.brand_id, link_key_version: row.link_key_version, settings: row.settings } };
}
