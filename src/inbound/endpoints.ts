// Per-brand credentials for inbound webhooks, issued by Waybill and shown once:
//   easypost         the HMAC secret EasyPost signs with (stored encrypted: it is needed in clear to verify)
//   shippo           a random token in the URL, Shippo's only protection (stored as its SHA-256)
//   ups_track_alert  an OAuth client (id + secret, the secret stored as its SHA-256) that UPS uses to get
//                    tokens from Waybill's token endpoint; the client id also comes back as x-api-key
// Rotating keeps the previous secret working for a day, so the brand can update the other side.
import type { Deps } from '../deps.js';
import type { InboundEndpointRow } from '../db/schema.js';
import { constantTimeEqual, decryptSecret, encryptSecret, hmacBase64Url, randomToken, sha256Hex } from '../lib/crypto.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';

export const INBOUND_PROVIDERS = ['easypost', 'shippo', 'ups_track_alert'] as const;
export type InboundProvider = (typeof INBOUND_PROVIDERS)[number];

export const ROTATION_GRACE_MS = 86_400_000;
export const UPS_TOKEN_LIFETIME_SECONDS = 3600;

export const WEBHOOK_PATHS = {
  easypost: (publicId: string) => `/webhooks/easypost/${publicId}`,
  shippo: (token: string) => `/webhooks/shippo/${token}`,
  upsTrackAlert: '/webhooks/ups/track-alert',
  upsToken: '/webhooks/ups/oauth/token',
};

/** What the brand pastes into the other side; secrets appear only in the answer that created them. */
export type EndpointReveal = {
  provider: InboundProvider;
  url: string;
  secret?: string;
  clientId?: string;
  clientSecret?: string;
  tokenUrl?: string;
  createdAt: string;
  updatedAt: string;
};

export type EndpointView = Omit<EndpointReveal, 'secret' | 'clientSecret'> & { previousSecretValidUntil: string | null };

export function endpointView(deps: Deps, row: InboundEndpointRow): EndpointView {
  const base = deps.config.publicUrl;
  const provider = row.provider as InboundProvider;
  const url =
    provider === 'easypost'
      ? `${base}${WEBHOOK_PATHS.easypost(row.public_id)}`
      : provider === 'shippo'
        ? `${base}${WEBHOOK_PATHS.shippo('…')} (the full URL was shown once, when it was made)`
        : `${base}${WEBHOOK_PATHS.upsTrackAlert}`;
  return {
    provider,
    url,
    ...(provider === 'ups_track_alert' ? { clientId: row.public_id, tokenUrl: `${base}${WEBHOOK_PATHS.upsToken}` } : {}),
    previousSecretValidUntil: row.previous_until && row.previous_until > deps.clock.now().toISOString() ? row.previous_until : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Creates the brand's endpoint for a provider, or rotates its secret (the URL of EasyPost and the UPS client id stay). */
export async function issueEndpoint(deps: Deps, brandId: string, provider: InboundProvider, input: { secret?: string } = {}): Promise<{ reveal: EndpointReveal; created: boolean }> {
  if (input.secret !== undefined && provider !== 'easypost') {
    throw new AppError('validation_failed', `only an EasyPost endpoint takes a secret of your own; Waybill makes the ${provider} one`, [{ field: 'secret', problem: `not accepted for ${provider}` }]);
  }
  const now = deps.clock.now();
  const at = now.toISOString();
  const existing = await deps.db.selectFrom('inbound_endpoints').selectAll().where('brand_id', '=', brandId).where('provider', '=', provider).executeTakeFirst();
  const graceUntil = new Date(now.getTime() + ROTATION_GRACE_MS).toISOString();

  let secret: string;
  let stored: { secret_hash: string | null; secret_sealed: string | null };
  if (provider === 'easypost') {
    secret = input.secret ?? randomToken(24);
    stored = { secret_hash: null, secret_sealed: encryptSecret(deps.keys.credentials, secret) };
  } else {
    secret = provider === 'shippo' ? randomToken(32) : `wbsec_${randomToken(32)}`;
    stored = { secret_hash: sha256Hex(secret), secret_sealed: null };
  }

  let row: InboundEndpointRow;
  if (existing) {
    row = await deps.db
      .updateTable('inbound_endpoints')
      .set({
        ...stored,
        previous_secret_hash: existing.secret_hash,
        previous_secret_sealed: existing.secret_sealed,
        previous_until: graceUntil,
        version: existing.version + 1,
        updated_at: at,
      })
      .where('id', '=', existing.id)
      .returningAll()
      .executeTakeFirstOrThrow();
  } else {
    const publicId = provider === 'ups_track_alert' ? `wbups_${randomToken(18)}` : `${provider === 'easypost' ? 'ep' : 'sh'}_${randomToken(12)}`;
    row = await deps.db
      .insertInto('inbound_endpoints')
      .values({ id: newId('endpoint'), brand_id: brandId, provider, public_id: publicId, ...stored, previous_secret_hash: null, previous_secret_sealed: null, previous_until: null, version: 1, created_at: at, updated_at: at })
      .returningAll()
      .executeTakeFirstOrThrow();
  }
  forgetEndpoints(deps);
  deps.log.info({ brandId, provider, rotated: Boolean(existing) }, 'inbound webhook endpoint issued');
  const view = endpointView(deps, row);
  const reveal: EndpointReveal =
    provider === 'easypost'
      ? { ...view, secret }
      : provider === 'shippo'
        ? { ...view, url: `${deps.config.publicUrl}${WEBHOOK_PATHS.shippo(secret)}` }
        : { ...view, clientSecret: secret };
  delete (reveal as Partial<EndpointView>).previousSecretValidUntil;
  return { reveal, created: !existing };
}

export async function listEndpoints(deps: Deps, brandId: string): Promise<EndpointView[]> {
  const rows = await deps.db.selectFrom('inbound_endpoints').selectAll().where('brand_id', '=', brandId).orderBy('provider').execute();
  return rows.map((row) => endpointView(deps, row));
}

export async function deleteEndpoint(deps: Deps, brandId: string, provider: InboundProvider): Promise<void> {
  const result = await deps.db.deleteFrom('inbound_endpoints').where('brand_id', '=', brandId).where('provider', '=', provider).executeTakeFirst();
  forgetEndpoints(deps);
  if (Number(result.numDeletedRows) === 0) throw new AppError('not_found', `no ${provider} webhook endpoint`);
}

// ---------------------------------------------------------------------------------------------
// Checks made by the webhook routes

const previousValid = (row: InboundEndpointRow, now: Date) => row.previous_until !== null && row.previous_until > now.toISOString();

export const findEndpointByPublicId = (deps: Deps, provider: InboundProvider, publicId: string) =>
  deps.db.selectFrom('inbound_endpoints').selectAll().where('provider', '=', provider).where('public_id', '=', publicId).executeTakeFirst();

/** The EasyPost secrets a signature may be made with: the current one, and the previous during its grace day. */
export function easyPostSecrets(deps: Deps, row: InboundEndpointRow, now: Date): string[] {
  const sealed = [row.secret_sealed, previousValid(row, now) ? row.previous_secret_sealed : null].filter((s): s is string => s !== null);
  return sealed.map((s) => decryptSecret(deps.keys.credentials, s));
}

/** The Shippo endpoint whose URL token this is (looked up by its digest), or undefined. */
export async function findShippoEndpoint(deps: Deps, token: string, now: Date): Promise<InboundEndpointRow | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  const digest = sha256Hex(token);
  const row = await deps.db
    .selectFrom('inbound_endpoints')
    .selectAll()
    .where('provider', '=', 'shippo')
    .where((eb) => eb.or([eb('secret_hash', '=', digest), eb('previous_secret_hash', '=', digest)]))
    .executeTakeFirst();
  if (!row) return undefined;
  return row.secret_hash === digest || previousValid(row, now) ? row : undefined;
}

/** The UPS Track Alert client behind a client id and secret, or undefined when they do not match. */
export async function checkUpsClient(deps: Deps, clientId: string, clientSecret: string, now: Date): Promise<InboundEndpointRow | undefined> {
  const row = await findEndpointByPublicId(deps, 'ups_track_alert', clientId);
  if (!row) return undefined;
  const digest = sha256Hex(clientSecret);
  const current = constantTimeEqual(digest, row.secret_hash ?? '');
  const previous = previousValid(row, now) && constantTimeEqual(digest, row.previous_secret_hash ?? '');
  return current || previous ? row : undefined;
}

/**
 * An access token for UPS: `v1.<endpoint id>.<version>.<expiry>.<signature>`. It names the endpoint's
 * version, so rotating the client secret ends every token issued before.
 */
export function issueUpsAccessToken(deps: Deps, row: InboundEndpointRow, now: Date): { token: string; expiresIn: number } {
  const expires = Math.floor(now.getTime() / 1000) + UPS_TOKEN_LIFETIME_SECONDS;
  const claims = `${row.id}.${row.version}.${expires}`;
  return { token: `v1.${claims}.${hmacBase64Url(deps.keys['inbound-tokens'], claims)}`, expiresIn: UPS_TOKEN_LIFETIME_SECONDS };
}

export type TokenProblem = 'missing' | 'malformed' | 'expired' | 'revoked' | 'client_mismatch';

/** The endpoint behind a bearer token that is ours, alive, current, and issued to the client named by x-api-key. */
export async function verifyUpsAccessToken(deps: Deps, authorization: string | undefined, apiKey: string | undefined, now: Date): Promise<{ row: InboundEndpointRow } | { problem: TokenProblem }> {
  const token = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (!token) return { problem: 'missing' };
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== 'v1') return { problem: 'malformed' };
  const [, id, version, expires, signature] = parts as [string, string, string, string, string];
  if (!constantTimeEqual(hmacBase64Url(deps.keys['inbound-tokens'], `${id}.${version}.${expires}`), signature)) return { problem: 'malformed' };
  if (Number(expires) * 1000 <= now.getTime()) return { problem: 'expired' };
  const row = await endpointById(deps, id);
  if (!row || String(row.version) !== version) return { problem: 'revoked' };
  if (!apiKey || !constantTimeEqual(apiKey, row.public_id)) return { problem: 'client_mismatch' };
  return { row };
}

// Track Alert sends every scan as its own request: the endpoint behind a token is kept for a few
// seconds. A rotation or deletion here forgets it at once; in other processes within ENDPOINT_CACHE_MS.
const ENDPOINT_CACHE_MS = 10_000;
const endpointCaches = new WeakMap<Deps, Map<string, { row: InboundEndpointRow | undefined; until: number }>>();

async function endpointById(deps: Deps, id: string): Promise<InboundEndpointRow | undefined> {
  const cache = endpointCaches.get(deps) ?? new Map<string, { row: InboundEndpointRow | undefined; until: number }>();
  endpointCaches.set(deps, cache);
  const now = performance.now();
  const hit = cache.get(id);
  if (hit && hit.until > now) return hit.row;
  const row = await deps.db.selectFrom('inbound_endpoints').selectAll().where('id', '=', id).executeTakeFirst();
  if (cache.size > 1000) cache.clear();
  cache.set(id, { row, until: now + ENDPOINT_CACHE_MS });
  return row;
}

const forgetEndpoints = (deps: Deps) => endpointCaches.get(deps)?.clear();
