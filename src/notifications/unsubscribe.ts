// One-click unsubscribe links (RFC 8058): /u/{token}. The token seals the brand and the address
// with authenticated encryption (AES-256-GCM under its own subkey of SECRET_KEY): it cannot be
// forged to unsubscribe someone else, and the address it carries cannot be read from it, so it
// does not end up readable in proxy logs, browser histories or forwarded emails. Sealed the same
// way every time (sealDeterministic): an email built again for a retry is byte for byte the first,
// which an idempotent provider (Resend) requires.
// Links sent before this carried the address in base64 under an HMAC; they keep working.
import type { Deps } from '../deps.js';
import { constantTimeEqual, decryptSecret, hmacBase64Url, type Keyring, sealDeterministic } from '../lib/crypto.js';

type Target = { brandId: string; address: string };

export function unsubscribeToken(keys: Keyring, brandId: string, address: string): string {
  return sealDeterministic(keys['unsubscribe-links'], JSON.stringify([brandId, address.toLowerCase()]));
}

export function readUnsubscribeToken(keys: Keyring, token: string): Target | null {
  if (token.startsWith('v1.')) {
    try {
      return targetOf(JSON.parse(decryptSecret(keys['unsubscribe-links'], token)));
    } catch {
      return null; // tampered, truncated or sealed under another key
    }
  }
  return readLegacyToken(keys['outgoing-webhooks'], token);
}

function targetOf(value: unknown): Target | null {
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [brandId, address] = value as unknown[];
  return typeof brandId === 'string' && typeof address === 'string' ? { brandId, address } : null;
}

// ---- the links sent before the sealed tokens: `{base64url JSON}.{HMAC}` ----

const legacySignature = (key: Buffer, brandId: string, address: string) => hmacBase64Url(key, `unsubscribe|${brandId}|email|${address.toLowerCase()}`).slice(0, 24);

/** A link of the earlier kind, as they were made (kept for tests of the old links). */
export function legacyUnsubscribeToken(keys: Keyring, brandId: string, address: string): string {
  const payload = Buffer.from(JSON.stringify([brandId, address.toLowerCase()])).toString('base64url');
  return `${payload}.${legacySignature(keys['outgoing-webhooks'], brandId, address)}`;
}

function readLegacyToken(key: Buffer, token: string): Target | null {
  const [payload, signature, ...rest] = token.split('.');
  if (!payload || !signature || rest.length > 0) return null;
  try {
    const target = targetOf(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return target && constantTimeEqual(legacySignature(key, target.brandId, target.address), signature) ? target : null;
  } catch {
    return null;
  }
}

export const unsubscribeUrl = (deps: Deps, brandId: string, address: string) => `${deps.config.publicUrl}/u/${unsubscribeToken(deps.keys, brandId, address)}`;
