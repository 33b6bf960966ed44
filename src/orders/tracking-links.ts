// Public tracking-page tokens: `{orderId}.{expiry}.{keyVersion}.{signature}`, an HMAC under the
// link subkey of SECRET_KEY. Unguessable without the secret, expiring, and revocable per brand
// by bumping the brand's link key version (which invalidates all of that brand's links at once).
import { constantTimeEqual, hmacBase64Url } from '../lib/crypto.js';

export type LinkClaims = { orderId: string; expiresAt: number; keyVersion: number };

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

export function verifyTrackingToken(
  key: Buffer,
  token: LinkClaims & { signature: string },
  brand: { id: string; linkKeyVersion: number },
  now: Date,
): TokenVerdict {
  if (!constantTimeEqual(signatureOf(key, brand.id, token), token.signature)) return 'invalid';
  if (token.keyVersion !== brand.linkKeyVersion) return 'revoked';
  if (token.expiresAt < now.getTime()) return 'expired';
  return 'valid';
}
