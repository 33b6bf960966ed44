// The public endpoints carriers and aggregators call, outside /v1 (they authenticate by signature,
// URL token or OAuth, not by API key). Each one: size limit → who is it (endpoint, token) → verify on
// the raw bytes → read the body (400/422 naming the problem) → flood guard (429 + Retry-After) →
// store in the inbox under the delivery's own id → 200. Processing happens afterwards (inbox.ts).
//   POST /webhooks/easypost/{endpointId}   X-Hmac-Signature over the raw body; signed created_at checked
//   POST /webhooks/shippo/{token}          unsigned: the secret token in the URL is the protection
//   POST /webhooks/ups/oauth/token         OAuth 2 client credentials for UPS Track Alert (RFC 6749 bodies)
//   POST /webhooks/ups/track-alert         Bearer token from the endpoint above + x-api-key (the client id)
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppEnv } from '../api/context.js';
import { EASYPOST_TRACKER_EVENTS, parseEasyPostTracker, readEasyPostEvent } from '../carriers/easypost/parse.js';
import { EASYPOST_SIGNATURE_HEADER, verifyEasyPostSignature } from '../carriers/easypost/signature.js';
import { readJson } from '../carriers/parse-kit.js';
import { parseShippoTrack, readShippoWebhook, SHIPPO_TRACK_EVENT, shippoDeliveryId } from '../carriers/shippo/parse.js';
import { parseTrackAlert, readTrackAlert } from '../carriers/ups/track-alert.js';
import type { Deps } from '../deps.js';
import { canonicalHash } from '../lib/crypto.js';
import { AppError } from '../lib/errors.js';
import type { Result } from '../lib/result.js';
import {
  checkUpsClient,
  easyPostSecrets,
  findEndpointByPublicId,
  findShippoEndpoint,
  issueUpsAccessToken,
  verifyUpsAccessToken,
} from './endpoints.js';
import { floodGuard } from './flood.js';
import { backlogCounter, storeDelivery } from './inbox.js';

/** A signed timestamp more than this far ahead of our clock is refused (clock skew allowance). */
const FUTURE_SKEW_MS = 3_600_000;
const KEPT_HEADERS = ['content-type', 'user-agent', 'x-hmac-signature', 'x-request-id', 'x-api-key'];

export function createInboundWebhooks(deps: Deps) {
  const hooks = new Hono<AppEnv>();
  const guard = floodGuard({ ...deps.config.inbound, now: () => deps.clock.now().getTime(), backlog: backlogCounter(deps) });
  const limit = bodyLimit({
    maxSize: deps.config.inbound.maxBytes,
    onError: () => {
      throw new AppError('payload_too_large', `a webhook body may be at most ${deps.config.inbound.maxBytes} bytes`);
    },
  });
  for (const path of ['/webhooks/easypost/*', '/webhooks/shippo/*', '/webhooks/ups/*']) hooks.use(path, limit);

  async function refuseFlood(key: string): Promise<void> {
    const verdict = await guard.check(key);
    if (verdict.ok) return;
    deps.metrics.inboundWebhooks.inc({ source: key.split(':')[0]!, outcome: 'throttled' });
    throw new AppError('rate_limited', `too many webhook deliveries (${verdict.reason}); nothing was stored, send it again after Retry-After`, undefined, { 'retry-after': String(verdict.retryAfterSeconds) });
  }

  hooks.post('/webhooks/easypost/:endpointId', async (c) => {
    const endpoint = await findEndpointByPublicId(deps, 'easypost', c.req.param('endpointId'));
    if (!endpoint) throw new AppError('not_found', 'no EasyPost webhook endpoint at this URL');
    const now = deps.clock.now();
    const raw = Buffer.from(await c.req.arrayBuffer());
    if (!verifyEasyPostSignature(easyPostSecrets(deps, endpoint, now), raw, c.req.header(EASYPOST_SIGNATURE_HEADER))) {
      deps.metrics.inboundWebhooks.inc({ source: 'easypost', outcome: 'bad_signature' });
      throw new AppError('unauthorized', 'X-Hmac-Signature is missing or does not match the body under this endpoint’s secret');
    }
    const event = readOrRefuse(readEasyPostEvent(jsonOrRefuse(raw)));
    if (!EASYPOST_TRACKER_EVENTS.includes(event.description)) return c.json({ received: true, ignored: `${event.description} events carry no tracking` }, 200);
    refuseStaleSignedTime(event.created_at, now);
    readOrRefuse(parseEasyPostTracker(event));
    await refuseFlood(`easypost:${endpoint.id}`);
    const { stored } = await storeDelivery(deps, { source: 'easypost', eventId: event.id, brandId: endpoint.brand_id, headers: keptHeaders(c), body: raw.toString('utf8') });
    return c.json({ received: true, duplicate: !stored }, 200);
  });

  hooks.post('/webhooks/shippo/:token', async (c) => {
    const endpoint = await findShippoEndpoint(deps, c.req.param('token'), deps.clock.now());
    if (!endpoint) throw new AppError('not_found', 'no Shippo webhook endpoint at this URL');
    const raw = Buffer.from(await c.req.arrayBuffer());
    const webhook = readOrRefuse(readShippoWebhook(jsonOrRefuse(raw)));
    if (webhook.event !== SHIPPO_TRACK_EVENT) return c.json({ received: true, ignored: `${webhook.event} events carry no tracking` }, 200);
    readOrRefuse(parseShippoTrack(webhook));
    const eventId = readOrRefuse(shippoDeliveryId(webhook));
    await refuseFlood(`shippo:${endpoint.id}`);
    const { stored } = await storeDelivery(deps, { source: 'shippo', eventId, brandId: endpoint.brand_id, headers: keptHeaders(c), body: raw.toString('utf8') });
    return c.json({ received: true, duplicate: !stored }, 200);
  });

  hooks.post('/webhooks/ups/oauth/token', async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const basic = /^Basic\s+(\S+)$/i.exec(c.req.header('authorization') ?? '')?.[1];
    const [basicId, basicSecret] = basic ? decodeBasic(basic) : [undefined, undefined];
    const clientId = basicId ?? form.get('client_id') ?? undefined;
    const clientSecret = basicSecret ?? form.get('client_secret') ?? undefined;
    if (form.get('grant_type') !== 'client_credentials') return oauthError(c, 400, 'unsupported_grant_type', 'grant_type must be client_credentials');
    if (!clientId || !clientSecret) return oauthError(c, 401, 'invalid_client', 'send the client id and secret with HTTP Basic authentication (or client_id and client_secret in the form)');
    const verdict = await guard.check(`ups_token:${clientId}`);
    if (!verdict.ok) return c.json({ error: 'slow_down', error_description: 'too many token requests' }, 429, { 'retry-after': String(verdict.retryAfterSeconds) });
    const now = deps.clock.now();
    const endpoint = await checkUpsClient(deps, clientId, clientSecret, now);
    if (!endpoint) return oauthError(c, 401, 'invalid_client', 'unknown client id, or wrong secret');
    const { token, expiresIn } = issueUpsAccessToken(deps, endpoint, now);
    return c.json({ access_token: token, token_type: 'Bearer', expires_in: expiresIn }, 200, { 'cache-control': 'no-store' });
  });

  hooks.post('/webhooks/ups/track-alert', async (c) => {
    const now = deps.clock.now();
    const verified = await verifyUpsAccessToken(deps, c.req.header('authorization'), c.req.header('x-api-key'), now);
    if ('problem' in verified) {
      deps.metrics.inboundWebhooks.inc({ source: 'ups_track_alert', outcome: 'bad_token' });
      throw new AppError('unauthorized', TOKEN_PROBLEM_TEXT[verified.problem], undefined, { 'www-authenticate': `Bearer error="invalid_token", error_description="${verified.problem}"` });
    }
    const raw = Buffer.from(await c.req.arrayBuffer());
    const body = jsonOrRefuse(raw);
    readOrRefuse(parseTrackAlert(readOrRefuse(readTrackAlert(body))));
    await refuseFlood(`ups_track_alert:${verified.row.id}`);
    // UPS names no event id; the event's content is its identity (a redelivery is the same content).
    const eventId = canonicalHash(body);
    const { stored } = await storeDelivery(deps, { source: 'ups_track_alert', eventId, brandId: verified.row.brand_id, headers: keptHeaders(c), body: raw.toString('utf8') });
    return c.json({ received: true, duplicate: !stored }, 200);
  });

  /**
   * EasyPost signs the whole body, so its created_at is a signed timestamp: an event older than the
   * time Waybill keeps delivery ids (a replay the inbox could no longer recognise) or from the
   * future is refused. Unsigned sources have no timestamp worth checking.
   */
  function refuseStaleSignedTime(createdAt: string | null | undefined, now: Date): void {
    const at = createdAt ? Date.parse(createdAt) : Number.NaN;
    if (!Number.isFinite(at)) throw new AppError('validation_failed', 'the event has no readable created_at', [{ field: 'created_at', problem: 'must be an ISO-8601 time' }]);
    const maxAgeMs = deps.config.inbound.retentionDays * 86_400_000;
    if (now.getTime() - at > maxAgeMs) {
      throw new AppError('validation_failed', `the event was created more than ${deps.config.inbound.retentionDays} days ago; a replay that old is refused`, [{ field: 'created_at', problem: 'is too old' }]);
    }
    if (at - now.getTime() > FUTURE_SKEW_MS) throw new AppError('validation_failed', 'the event is dated in the future', [{ field: 'created_at', problem: 'is more than an hour ahead of our clock' }]);
  }

  return hooks;
}

const TOKEN_PROBLEM_TEXT = {
  missing: 'send the access token from Waybill’s UPS token endpoint as "Authorization: Bearer <token>"',
  malformed: 'the access token was not issued by this Waybill',
  expired: 'the access token has expired; get a new one from the token endpoint',
  revoked: 'the access token belongs to credentials that were rotated or deleted',
  client_mismatch: 'x-api-key must be the client id the access token was issued to',
} as const;

function jsonOrRefuse(raw: Buffer): unknown {
  const value = readJson(raw.toString('utf8'));
  if (value === undefined) throw new AppError('malformed_json', 'the body is not valid JSON');
  return value;
}

function readOrRefuse<T>(result: Result<T, { field: string; problem: string }>): T {
  if (result.ok) return result.value;
  throw new AppError('validation_failed', `the body is not a delivery Waybill can read: ${result.error.field} ${result.error.problem}`, [result.error]);
}

function keptHeaders(c: Context<AppEnv>): Record<string, string> {
  return Object.fromEntries(KEPT_HEADERS.flatMap((name) => (c.req.header(name) ? [[name, c.req.header(name)!]] : [])));
}

function decodeBasic(value: string): [string | undefined, string | undefined] {
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? [undefined, undefined] : [formDecoded(decoded.slice(0, colon)), formDecoded(decoded.slice(colon + 1))];
}

/** RFC 6749 §2.3.1 form-encodes the id and secret before Basic encoding; a stray '%' is taken as is. */
function formDecoded(value: string): string {
  try {
    return decodeURIComponent(value.replaceAll('+', ' '));
  } catch {
    return value;
  }
}

/** RFC 6749 error bodies: the token endpoint's caller is an OAuth client, not a Waybill API user. */
function oauthError(c: Context<AppEnv>, status: 400 | 401, error: string, description: string) {
  const headers: Record<string, string> = { 'cache-control': 'no-store', ...(status === 401 ? { 'www-authenticate': 'Basic realm="waybill"' } : {}) };
  return c.json({ error, error_description: description }, status, headers);
}
