// Finding an order without its link: order number + email or postal code, or a tracking number
// alone (carrier events only). Unknown orders and wrong details get the same answer, after the
// same work, no sooner than the same floor; failures are counted per client address and per
// order (each try counted before it is made), and past the limit every try is refused with 429 and
// Retry-After until the window ends.
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

/**
 * "#1042 " → "1042": what people type around an order number does not matter. NFKC first, so a
 * look-alike (the Kelvin sign, a full-width digit) is the letter it stands for: the throttle's
 * key for an order must be the same for every spelling that finds it.
 */
const typedNumber = (value: string) => value.normalize('NFKC').trim().replace(/^#+/, '');
export const normalizeOrderNumber = (value: string) => typedNumber(value).replace(/\s+/g, '').slice(0, 64);

/**
 * The stored order numbers a typed one may stand for: as typed, upper-case and lower-case (people
 * type "nw-10001" for the shop's "NW-10001"), each with and without a leading #, and, when it has
 * spaces inside, also with them kept as single spaces (a shop's own "NW 10001"). Matched through
 * the (brand, number) index, so a shop's mixed-case numbers match only as typed.
 */
export function orderNumberCandidates(typed: string): string[] {
  const number = normalizeOrderNumber(typed);
  const spaced = typedNumber(typed).trim().replace(/\s+/g, ' ').slice(0, 64);
  const spellings = new Set([number, ...(spaced === number ? [] : [spaced])].flatMap((n) => [n, n.toUpperCase(), n.toLowerCase()]));
  return [...spellings].flatMap((n) => [n, `#${n}`]);
}

const normalizePostal = (value: string) => value.toUpperCase().replace(/[^A-Z0-9]/g, '');

/** A US ZIP code, with or without its +4 (already stripped of spaces and dashes). */
const isZip = (postal: string) => /^\d{5}(\d{4})?$/.test(postal);

/**
 * Whether what the customer typed matches the order: its email (any case), or its postal code
 * (spaces, dashes and case ignored; for a US destination, a ZIP+4 and its five digits match each
 * other; elsewhere the whole code must match). Compared as digests in constant time, so the
 * comparison itself takes the same time however close a guess is.
 */
export function contactMatches(typed: string, order: { email: string; postalCode: string | null; country: string | null }): boolean {
  const t = typed.trim();
  if (t.includes('@')) return constantTimeEqual(sha256Hex(t.toLowerCase()), sha256Hex(order.email.trim().toLowerCase()));
  const given = normalizePostal(t);
  const stored = normalizePostal(order.postalCode ?? '');
  if (given.length < 3 || stored.length < 3) {
    constantTimeEqual(sha256Hex(given), sha256Hex(`${stored}\u0000`));
    return false;
  }
  const zip5 = order.country?.toUpperCase() === 'US' && isZip(stored) && isZip(given);
  const [a, b] = zip5 ? [given.slice(0, 5), stored.slice(0, 5)] : [given, stored];
  return constantTimeEqual(sha256Hex(a), sha256Hex(b));
}

// A record that stands in for a missing order, so a miss does the same work as a wrong guess.
const DECOY = { email: 'decoy@waybill.invalid', postalCode: '00000', country: 'US' };

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
  const destination = row ? (JSON.parse(row.destination) as { postalCode?: string; country?: string }) : null;
  const candidate = row ? { email: row.customer_email, postalCode: destination!.postalCode ?? null, country: destination!.country ?? null } : DECOY;
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

/**
 * A try counted before it is made, so tries sent together cannot all pass a check made before any
 * of them was recorded: each key's count goes up by one in one statement (a window that has ended
 * starts again) and comes back. Limited when any key has gone past its limit; a try that succeeds
 * gives its count back (`forgiveTry`), so only failures add up.
 */
export async function countTry(deps: Deps, keys: Array<{ key: string; limit: number }>, now: Date): Promise<Throttle> {
  const at = now.toISOString();
  const expired = new Date(now.getTime() - LOOKUP_WINDOW_MS).toISOString();
  const counted: Array<{ count: number; window_start: string; limit: number }> = [];
  for (const { key, limit } of keys) {
    const row = await deps.db
      .insertInto('hub_rate_limits')
      .values({ key, window_start: at, count: 1 })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({
          window_start: sql`CASE WHEN hub_rate_limits.window_start < ${expired} THEN ${at} ELSE hub_rate_limits.window_start END`,
          count: sql`CASE WHEN hub_rate_limits.window_start < ${expired} THEN 1 ELSE hub_rate_limits.count + 1 END`,
        }),
      )
      .returning(['count', 'window_start'])
      .executeTakeFirstOrThrow();
    counted.push({ count: Number(row.count), window_start: row.window_start, limit });
  }
  return throttleOf(counted, now);
}

/** Limited when a window still running has counted more tries than its limit; Retry-After is when the last such window ends. Pure. */
export function throttleOf(counted: ReadonlyArray<{ count: number; window_start: string; limit: number }>, now: Date): Throttle {
  let retryAfter = 0;
  for (const { count, window_start, limit } of counted) {
    const ends = Date.parse(window_start) + LOOKUP_WINDOW_MS;
    if (ends > now.getTime() && count > limit) retryAfter = Math.max(retryAfter, Math.ceil((ends - now.getTime()) / 1000));
  }
  return retryAfter > 0 ? { limited: true, retryAfterSeconds: retryAfter } : { limited: false };
}

/** A try that found what it looked for is not a failure: its count is given back. */
export async function forgiveTry(deps: Deps, keys: Array<{ key: string }>): Promise<void> {
  await deps.db
    .updateTable('hub_rate_limits')
    .set({ count: sql`CASE WHEN count > 0 THEN count - 1 ELSE 0 END` })
    .where(
      'key',
      'in',
      keys.map((k) => k.key),
    )
    .execute();
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
