// Finding an order without its link: order number + email or postal code, or a tracking number
// alone (carrier events only). Unknown orders and wrong details get the same answer, after the
// same work, no sooner than the same floor; failures are counted per client address and per
// order, and past the limit every try is refused with 429 and Retry-After until the window ends.
import { sql } from 'kysely';
import { KNOWN_CARRIERS } from '../carriers/registry.js';
import type { Deps } from '../deps.js';
import { constantTimeEqual, sha256Hex } from '../lib/crypto.js';

export const LOOKUP_WINDOW_MS = 15 * 60_000;
export const MAX_FAILURES_PER_ADDRESS = 20;
export const MAX_FAILURES_PER_ORDER = 5;
/** Every lookup answer waits until this long after the request began. */
export const LOOKUP_FLOOR_MS = 250;

export type LookupInput = { order: string; contact: string };

/** "#1042 " → "1042": what people type around an order number does not matter. */
export const normalizeOrderNumber = (value: string) => value.trim().replace(/^#/, '').replace(/\s+/g, '').slice(0, 64);

/**
 * The stored order numbers a typed one may stand for: as typed, upper-case and lower-case (people
 * type "nw-10001" for the shop's "NW-10001"), each with and without a leading #. Matched through
 * the (brand, number) index, so a shop's mixed-case numbers match only as typed.
 */
export function orderNumberCandidates(typed: string): string[] {
  const number = normalizeOrderNumber(typed);
  const spellings = new Set([number, number.toUpperCase(), number.toLowerCase()]);
  return [...spellings].flatMap((n) => [n, `#${n}`]);
}

const normalizePostal = (value: string) => value.toUpperCase().replace(/[^A-Z0-9]/g, '');

/**
 * Whether what the customer typed matches the order: its email (any case), or its postal code
 * (spaces, dashes and case ignored; a US ZIP+4 matches its five digits). Compared as digests in
 * constant time, so the comparison itself takes the same time however close a guess is.
 */
export function contactMatches(typed: string, order: { email: string; postalCode: string | null }): boolean {
  const t = typed.trim();
  if (t.includes('@')) return constantTimeEqual(sha256Hex(t.toLowerCase()), sha256Hex(order.email.trim().toLowerCase()));
  const given = normalizePostal(t);
  const stored = normalizePostal(order.postalCode ?? '');
  if (given.length < 3 || stored.length < 3) {
    constantTimeEqual(sha256Hex(given), sha256Hex(`${stored}\u0000`));
    return false;
  }
  const zip5 = /^\d{9}$/.test(stored) || /^\d{9}$/.test(given);
  const [a, b] = zip5 ? [given.slice(0, 5), stored.slice(0, 5)] : [given, stored];
  return constantTimeEqual(sha256Hex(a), sha256Hex(b));
}

// A record that stands in for a missing order, so a miss does the same work as a wrong guess.
const DECOY = { email: 'decoy@waybill.invalid', postalCode: '00000' };

export async function findOrderByDetails(deps: Deps, brandId: string, input: LookupInput): Promise<{ id: string; created_at: string } | null> {
  const candidates = orderNumberCandidates(input.order);
  const rows = await deps.db
    .selectFrom('orders')
    .select(['id', 'number', 'created_at', 'customer_email', 'destination'])
    .where('brand_id', '=', brandId)
    .where('number', 'in', candidates)
    .execute();
  // Two orders whose numbers differ only in case: the one spelt as typed, else the first spelling tried.
  const row = rows.sort((a, b) => candidates.indexOf(a.number) - candidates.indexOf(b.number))[0];
  const candidate = row ? { email: row.customer_email, postalCode: (JSON.parse(row.destination) as { postalCode?: string }).postalCode ?? null } : DECOY;
  const matches = contactMatches(input.contact, candidate);
  return row && matches ? { id: row.id, created_at: row.created_at } : null;
}

export const normalizeTrackingNumber = (value: string) => value.toUpperCase().replace(/[\s-]+/g, '').slice(0, 64);
export const TRACKING_CARRIERS = KNOWN_CARRIERS;

// ---- throttling ----

export type Throttle = { limited: false } | { limited: true; retryAfterSeconds: number };

const keyOfAddress = (address: string) => `ip:${address}`;
const keyOfOrder = (brandId: string, order: string) => `order:${brandId}:${sha256Hex(normalizeOrderNumber(order).toUpperCase()).slice(0, 32)}`;

export const throttleKeys = (brandId: string, address: string, order: string | null) => [
  { key: keyOfAddress(address), limit: MAX_FAILURES_PER_ADDRESS },
  ...(order ? [{ key: keyOfOrder(brandId, order), limit: MAX_FAILURES_PER_ORDER }] : []),
];

/** Whether any of the keys has used up its failures in the current window. */
export async function checkThrottle(deps: Deps, keys: Array<{ key: string; limit: number }>, now: Date): Promise<Throttle> {
  const rows = await deps.db.selectFrom('hub_rate_limits').selectAll().where('key', 'in', keys.map((k) => k.key)).execute();
  let retryAfter = 0;
  for (const row of rows) {
    const limit = keys.find((k) => k.key === row.key)!.limit;
    const ends = Date.parse(row.window_start) + LOOKUP_WINDOW_MS;
    if (ends > now.getTime() && row.count >= limit) retryAfter = Math.max(retryAfter, Math.ceil((ends - now.getTime()) / 1000));
  }
  return retryAfter > 0 ? { limited: true, retryAfterSeconds: retryAfter } : { limited: false };
}

/** Counts one failure against each key (a window that has ended starts again). */
export async function recordFailure(deps: Deps, keys: Array<{ key: string }>, now: Date): Promise<void> {
  const at = now.toISOString();
  const expired = new Date(now.getTime() - LOOKUP_WINDOW_MS).toISOString();
  for (const { key } of keys) {
    await deps.db
      .insertInto('hub_rate_limits')
      .values({ key, window_start: at, count: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          window_start: sql`CASE WHEN hub_rate_limits.window_start < ${expired} THEN ${at} ELSE hub_rate_limits.window_start END`,
          count: sql`CASE WHEN hub_rate_limits.window_start < ${expired} THEN 1 ELSE hub_rate_limits.count + 1 END`,
        }),
      )
      .execute();
  }
}

/** Old windows go once in a while, from the lookup path itself. */
export async function forgetOldWindows(deps: Deps, now: Date): Promise<void> {
  await deps.db.deleteFrom('hub_rate_limits').where('window_start', '<', new Date(now.getTime() - 2 * LOOKUP_WINDOW_MS).toISOString()).execute();
}

/** Waits until `floorMs` after `started` (performance.now()), so every answer leaves at the same moment. */
export async function waitForFloor(started: number, floorMs: number): Promise<void> {
  const left = floorMs - (performance.now() - started);
  if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
}
