// EasyPost webhook signatures: X-Hmac-Signature: hmac-sha256-hex=<hex(HMAC-SHA256(NFKD(secret), raw body))>.
// Checked on the exact bytes received, in constant time. PURE.
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../lib/crypto.js';

export const EASYPOST_SIGNATURE_HEADER = 'x-hmac-signature';
const PREFIX = 'hmac-sha256-hex=';

export function signEasyPostBody(secret: string, body: Buffer | string): string {
  return `${PREFIX}${createHmac('sha256', secret.normalize('NFKD')).update(body).digest('hex')}`;
}

/** True when `header` is the signature of `body` under one of `secrets`. */
export function verifyEasyPostSignature(secrets: readonly string[], body: Buffer, header: string | undefined | null): boolean {
  const given = header?.trim().toLowerCase() ?? '';
  if (!given.startsWith(PREFIX)) return false;
  let matched = false;
  // Every secret is tried, so the time taken does not say which one matched.
  for (const secret of secrets) if (constantTimeEqual(signEasyPostBody(secret, body), given)) matched = true;
  return matched;
}
