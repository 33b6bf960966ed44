// Keys derived from SECRET_KEY (HKDF, one subkey per purpose), digests and constant-time checks.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PURPOSES = ['tracking-links', 'credentials', 'outgoing-webhooks', 'inbound-tokens', 'domain-proof', 'unsubscribe-links'] as const;
export type KeyPurpose = (typeof KEY_PURPOSES)[number];

export type Keyring = Record<KeyPurpose, Buffer>;

export function deriveKeyring(secretKey: string): Keyring {
  const derive = (purpose: KeyPurpose) =>
    Buffer.from(hkdfSync('sha256', Buffer.from(secretKey, 'utf8'), Buffer.from('waybill'), Buffer.from(purpose), 32));
  return Object.fromEntries(KEY_PURPOSES.map((p) => [p, derive(p)])) as Keyring;
}

export const sha256Hex = (input: string | Buffer): string => createHash('sha256').update(input).digest('hex');

export const hmacBase64Url = (key: Buffer, data: string): string => createHmac('sha256', key).update(data).digest('base64url');

export function constantTimeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  // Compare against itself when lengths differ so the time taken does not reveal the length.
  if (left.length !== right.length) {
    timingSafeEqual(left, left);
    return false;
  }
  return timingSafeEqual(left, right);
}

export const randomToken = (bytes: number): string => randomBytes(bytes).toString('base64url');

/** A stable digest of any JSON value, independent of key order. */
export function canonicalHash(value: unknown): string {
  return sha256Hex(canonicalJson(value));
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/**
 * Authenticated encryption for secrets at rest (carrier credentials): AES-256-GCM under the
 * `credentials` subkey, stored as `v1.<iv>.<tag>.<ciphertext>` in base64url.
 */
export function encryptSecret(key: Buffer, plaintext: string): string {
  return sealUnder(key, randomBytes(12), plaintext);
}

/** AES-256-GCM with the given IV, as `v1.<iv>.<tag>.<ciphertext>` (base64url). */
function sealUnder(key: Buffer, iv: Buffer, plaintext: string): string {
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return ['v1', iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), ciphertext.toString('base64url')].join('.');
}

/**
 * encryptSecret's sealing, with the IV derived from the text (an HMAC under a key of its own)
 * instead of drawn at random: the same text seals to the same string, so a message built again
 * (a retried email, which an idempotent provider compares byte for byte) carries the same link,
 * while two different texts never share an IV. What it shows: whether two sealed values are equal.
 * Opened with decryptSecret.
 */
export function sealDeterministic(key: Buffer, plaintext: string): string {
  const ivKey = createHmac('sha256', key).update('waybill deterministic iv').digest();
  return sealUnder(key, createHmac('sha256', ivKey).update(plaintext, 'utf8').digest().subarray(0, 12), plaintext);
}

export function decryptSecret(key: Buffer, sealed: string): string {
  const [version, iv, tag, ciphertext] = sealed.split('.');
  if (version !== 'v1' || !iv || !tag || ciphertext === undefined) throw new Error('not a sealed secret');
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
}
