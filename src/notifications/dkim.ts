// DKIM per brand domain: a brand stores its signing domain, selector and RSA private key through the
// API (checked on save, kept encrypted like its SMS token, never returned); the SMTP provider signs
// every email of that brand with it, List-Unsubscribe and List-Unsubscribe-Post included. The API
// answers with the DNS record to publish, derived from the key, so the brand cannot publish a
// public key that does not match.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../api/context.js';
import { ErrorSchema } from '../api/schemas.js';
import { type BrandSettings, type DkimSettings, settingsOf } from '../brands/settings.js';
import type { Deps } from '../deps.js';
import type { BrandRow } from '../db/schema.js';
import { decryptSecret, encryptSecret } from '../lib/crypto.js';
import { AppError, notFound } from '../lib/errors.js';
import type { DkimKey } from './providers/types.js';
import { updateBrandSettings } from '../brands/repo.js';
import { strictObject } from '../api/request-fields.js';

type StoredDkim = DkimSettings;

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const DOMAIN = new RegExp(`^(?=.{1,253}$)${LABEL}(?:\\.${LABEL})+$`);
const SELECTOR = new RegExp(`^(?=.{1,63}$)${LABEL}(?:\\.${LABEL})*$`);
/** RFC 8301: signers use at least 1024 bits (2048 recommended); verifiers handle up to 4096. */
export const MIN_KEY_BITS = 1024;
export const MAX_KEY_BITS = 4096;

export type DkimProblem = { field: 'domain' | 'selector' | 'privateKey'; problem: string };

/** Checks what a brand sends; answers the normalized values and the public key, or each problem. */
export function checkDkimInput(input: { domain: string; selector: string; privateKey: string }):
  | { ok: true; domain: string; selector: string; publicKey: KeyObject; bits: number }
  | { ok: false; problems: DkimProblem[] } {
  const problems: DkimProblem[] = [];
  const domain = input.domain.trim().toLowerCase().replace(/\.$/, '');
  const selector = input.selector.trim().toLowerCase();
  if (!DOMAIN.test(domain)) problems.push({ field: 'domain', problem: 'must be a domain name such as mail.example.com' });
  if (!SELECTOR.test(selector)) problems.push({ field: 'selector', problem: 'must be letters, digits, hyphens and dots, such as wb2026' });
  const key = readPrivateKey(input.privateKey);
  if ('problem' in key) problems.push({ field: 'privateKey', problem: key.problem });
  if (problems.length > 0 || 'problem' in key) return { ok: false, problems };
  return { ok: true, domain, selector, publicKey: key.publicKey, bits: key.bits };
}

function readPrivateKey(pem: string): { publicKey: KeyObject; bits: number } | { problem: string } {
  if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(pem)) return { problem: 'is a public key; send the private key (the public one goes in DNS)' };
  if (/ENCRYPTED/.test(pem)) return { problem: 'is protected by a passphrase; send it unencrypted (Waybill encrypts it at rest)' };
  let key: KeyObject;
  try {
    key = createPrivateKey(pem);
  } catch {
    return { problem: 'is not a readable PEM private key (-----BEGIN PRIVATE KEY----- or -----BEGIN RSA PRIVATE KEY-----)' };
  }
  if (key.asymmetricKeyType !== 'rsa') return { problem: `is a ${key.asymmetricKeyType} key; DKIM signing here needs RSA (rsa-sha256)` };
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_KEY_BITS) return { problem: `is ${bits} bits; DKIM needs at least ${MIN_KEY_BITS} (2048 recommended)` };
  if (bits > MAX_KEY_BITS) return { problem: `is ${bits} bits; receivers verify at most ${MAX_KEY_BITS}` };
  return { publicKey: createPublicKey(key), bits };
}

/** The TXT record to publish at `<selector>._domainkey.<domain>`. */
export function dnsRecordFor(domain: string, selector: string, publicKey: KeyObject) {
  const der = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  return { name: `${selector}._domainkey.${domain}`, type: 'TXT' as const, value: `v=DKIM1; k=rsa; p=${der}` };
}

/** The brand's key for signing, decrypted; null when it has none. */
export function dkimKeyOf(brand: Pick<BrandRow, 'settings'>, credentialsKey: Buffer): DkimKey | null {
  const stored = settingsOf(brand).dkim;
  return stored ? { domainName: stored.domain, keySelector: stored.selector, privateKey: decryptSecret(credentialsKey, stored.privateKey) } : null;
}

/** Where From and d= differ, receivers applying DMARC will not count the signature for the sender. */
function alignmentWarning(settings: BrandSettings, domain: string, emailFrom: string): string | null {
  const from = (settings.sender?.email ?? emailFrom).split('@').pop()!.toLowerCase();
  const aligned = from === domain || from.endsWith(`.${domain}`) || domain.endsWith(`.${from}`);
  return aligned ? null : `the sender address is at ${from}, not ${domain}: set sender.email at ${domain} (PATCH /v1/brand/settings) so DMARC counts this signature`;
}

// ---- routes ----

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const DkimSchema = z
  .object({
    domain: z.string(),
    selector: z.string(),
    keyBits: z.number(),
    dnsRecord: z.object({ name: z.string(), type: z.literal('TXT'), value: z.string() }),
    warnings: z.array(z.string()),
  })
  .openapi('DkimKey');
const errors = { 401: json(ErrorSchema, 'Missing or wrong API key'), 422: json(ErrorSchema, 'Validation failed') };

export function registerDkimRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  const answer = (settings: BrandSettings, stored: StoredDkim) => {
    const publicKey = createPublicKey(createPrivateKey(decryptSecret(deps.keys.credentials, stored.privateKey)));
    const warning = alignmentWarning(settings, stored.domain, deps.config.emailFrom);
    return {
      domain: stored.domain,
      selector: stored.selector,
      keyBits: publicKey.asymmetricKeyDetails?.modulusLength ?? 0,
      dnsRecord: dnsRecordFor(stored.domain, stored.selector, publicKey),
      warnings: warning ? [warning] : [],
    };
  };
  const freshSettings = async (brandId: string) => settingsOf(await deps.db.selectFrom('brands').select('settings').where('id', '=', brandId).executeTakeFirstOrThrow());

  api.openapi(
    createRoute({
      method: 'put',
      path: '/brand/dkim',
      tags: ['Brand'],
      summary: 'The brand’s DKIM key: every email is signed for this domain (the private key is stored encrypted and never returned; publish the DNS record in the answer)',
      security: [{ apiKey: [] }],
      request: { body: { required: true, content: { 'application/json': { schema: strictObject({ domain: z.string().max(253), selector: z.string().max(63), privateKey: z.string().max(20_000) }) } } } },
      responses: { 200: json(DkimSchema, 'Saved; publish dnsRecord'), ...errors },
    }),
    async (c) => {
      const checked = checkDkimInput(c.req.valid('json'));
      if (!checked.ok) throw new AppError('validation_failed', checked.problems.map((p) => `${p.field} ${p.problem}`).join('; '), checked.problems);
      const brandId = c.get('brand').id;
      const stored: StoredDkim = { domain: checked.domain, selector: checked.selector, privateKey: encryptSecret(deps.keys.credentials, c.req.valid('json').privateKey) };
      const settings = await updateBrandSettings<BrandSettings>(deps, brandId, (current) => ({ ...current, dkim: stored }));
      return c.json(answer(settings, stored) as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/brand/dkim',
      tags: ['Brand'],
      summary: 'The brand’s DKIM domain, selector and the DNS record to publish (never the private key)',
      security: [{ apiKey: [] }],
      responses: { 200: json(DkimSchema, 'The key in use'), 404: json(ErrorSchema, 'No DKIM key yet'), 401: errors[401] },
    }),
    async (c) => {
      const settings = await freshSettings(c.get('brand').id);
      if (!settings.dkim) throw notFound('DKIM key');
      return c.json(answer(settings, settings.dkim) as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/brand/dkim',
      tags: ['Brand'],
      summary: 'Stop signing: forget the brand’s DKIM key',
      security: [{ apiKey: [] }],
      responses: { 204: { description: 'Forgotten' }, 401: errors[401] },
    }),
    async (c) => {
      const brandId = c.get('brand').id;
      await updateBrandSettings<BrandSettings>(deps, brandId, ({ dkim: _forgotten, ...rest }) => rest);
      return c.body(null, 204) as never;
    },
  );
}
