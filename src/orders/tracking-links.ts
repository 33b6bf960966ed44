// Public tracking-page tokens: `{orderId}.{expiry}.{keyVersion}.{signature}`, an HMAC under the
// link subkey of SECRET_KEY. Unguessable without the secret, expiring, and revocable per brand
// by bumping the brand's link key version (which invalidates all of that brand's links at once).
import { constantTimeEqual, hmacBase64Url } from '../lib/crypto.js';
import { DAY_MS } from '../lib/time.js';

export type LinkClaims = { orderId: string; expiresAt: number; keyVersion: number };
/** What a link lives by: its expiry and the brand's link key version it was signed under. */
export type LinkTerms = Pick<LinkClaims, 'expiresAt' | 'keyVersion'>;

/** The terms of the link Waybill hands out for an order (API, emails, texts): the order's age and the brand's current version. */
export function orderLinkTerms(brand: { link_key_version: number }, order: { created_at: string }, ttlDays: number): LinkTerms {
  return { expiresAt: Date.parse(order.created_at) + ttlDays * DAY_MS, keyVersion: brand.link_key_version };
}

const signatureOf = (key: Buffer, brandId: string, claims: LinkClaims) =>
  hmacBase64Url(key, `${brandId}|${claims.orderId}|${claims.expiresAt}|${claims.keyVersion}`).slice(0, 27);

export function signTrackingToken(key: Buffer, brandId: string, claims: LinkClaims): string {
  const seconds = Math.floor(claims.expiresAt / 1000);
  const signed = { ...claims, expiresAt: seconds * 1000 }; // the token carries whole seconds
  return `${claims.orderId}.${seconds.toString(36)}.${claims.keyVersion}.${signatureOf(key, brandId, signed)}`;
}

/** Splits a token without trusting it; `verifyTrackingToken` decides. */
export function readTrackingToken(token: string): (LinkClaims & { signature: string }) | null {
  const parts = token.split('.');
  if (parts.length !== 4) return null;
  const [orderId, expiry, version, signature] = parts as [string, string, string, string];
  if (!/^ord_[0-9a-z]{26}$/.test(orderId) || !/^[0-9a-z]{1,10}$/.test(expiry) || !/^\d{1,6}$/.test(version)) return null;
  return { orderId, expiresAt: parseInt(expiry, 36) * 1000, keyVersion: Number(version), signature };
}

export type TokenVerdict = 'valid' | 'invalid' | 'expired' | 'revoked';

/** Links of a brand that never revoked any carry this version (the column's default). */
export const FIRST_LINK_KEY_VERSION = 1;

/**
 * Whether a link's terms (already known to be genuine) still hold: the brand has not revoked
 * its links since, and the expiry has not passed. Also what a cross-sell click link made from
 * the page or email of a tracking link is held to.
 */
export function linkStanding(terms: LinkTerms, linkKeyVersion: number, now: Date): Exclude<TokenVerdict, 'invalid'> {
  if (terms.keyVersion !== linkKeyVersion) return 'revoked';
  if (terms.expiresAt < now.getTime()) return 'expired';
  return 'valid';
}

export function verifyTrackingToken(
  key: Buffer,
  token: LinkClaims & { signature: string },
  brand: { id: string; linkKeyVersion: number },
  now: Date,
): TokenVerdict {
  if (!constantTimeEqual(signatureOf(key, brand.id, token), token.signature)) return 'invalid';
  return linkStanding(token, brand.linkKeyVersion, now);
}
