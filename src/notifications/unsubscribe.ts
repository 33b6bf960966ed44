// One-click unsubscribe links (RFC 8058): /u/{token}, where the token is an HMAC over the brand,
// the channel and the address, so it cannot be forged to unsubscribe someone else.
import type { Deps } from '../deps.js';
import { constantTimeEqual, hmacBase64Url } from '../lib/crypto.js';

const sign = (key: Buffer, brandId: string, address: string) => hmacBase64Url(key, `unsubscribe|${brandId}|email|${address.toLowerCase()}`).slice(0, 24);

export function unsubscribeToken(key: Buffer, brandId: string, address: string): string {
  const payload = Buffer.from(JSON.stringify([brandId, address.toLowerCase()])).toString('base64url');
  return `${payload}.${sign(key, brandId, address)}`;
}

export function readUnsubscribeToken(key: Buffer, token: string): { brandId: string; address: string } | null {
  const [payload, signature] = token.split('.');
  if (!payload || !signature) return null;
  try {
    const [brandId, address] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, string];
    if (typeof brandId !== 'string' || typeof address !== 'string') return null;
    return constantTimeEqual(sign(key, brandId, address), signature) ? { brandId, address } : null;
  } catch {
    return null;
  }
}

export const unsubscribeUrl = (deps: Deps, brandId: string, address: string) =>
  `${deps.config.publicUrl}/u/${unsubscribeToken(deps.keys['outgoing-webhooks'], brandId, address)}`;
