// Keys derived from SECRET_KEY (HKDF, one subkey per purpose), digests and constant-time checks.
import { createHash, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';

export const KEY_PURPOSES = ['tracking-links', 'credentials', 'outgoing-webhooks', 'inbound-tokens'] as const;
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
