// /v1 middleware: API-key authentication, JSON-only bodies, and Stripe-style Idempotency-Key.
import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { matchedRoutes } from 'hono/route';
import { findBrandByApiKey } from '../brands/repo.js';
import type { Deps } from '../deps.js';
import type { BrandRow, IdempotencyKeyRow } from '../db/schema.js';
import { AppError, type ErrorCode } from '../lib/errors.js';
import { canonicalJson, sha256Hex } from '../lib/crypto.js';
import { charsetOf } from '../imports/decode-csv.js';
import type { AppEnv } from './context.js';
import { claimTimeOf, IDEMPOTENCY_CLAIM_ABANDONED_MS, isAbandonedClaim, isExpiredKey } from './idempotency-keys.js';

const BRAND_CACHE_MS = 10_000;
const BRAND_CACHE_MAX = 10_000;

/**
 * Bearer API keys to brands. Lookups are cached briefly: a revoked key stops working within 10 s.
 * One cache per deps, shared by the middleware and the hot routes.
 */
export type Authenticator = (authorization: string | undefined) => Promise<BrandRow>;

const authenticators = new WeakMap<Deps, Authenticator>();

export function authenticatorFor(deps: Deps): Authenticator {
  let authenticator = authenticators.get(deps);
  if (authenticator) return authenticator;
  const cache = new Map<string, { brand: BrandRow; until: number }>();
  authenticator = async (authorization) => {
    const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!match) throw new AppError('unauthorized', 'send your API key as "Authorization: Bearer <key>"');
    const apiKey = match[1]!;
    const now = Date.now();
    const cached = cache.get(apiKey);
    if (cached && cached.until >= now) return cached.brand;
    const brand = await findBrandByApiKey(deps.db, apiKey);
    if (!brand) throw new AppError('unauthorized', 'the API key is not valid');
    if (cache.size >= BRAND_CACHE_MAX) cache.clear();
    cache.set(apiKey, { brand, until: now + BRAND_CACHE_MS });
    return brand;
  };
  authenticators.set(deps, authenticator);
  return authenticator;
}

export function authenticate(deps: Deps): MiddlewareHandler<AppEnv> {
  const brandOf = authenticatorFor(deps);
  return async (c, next) => {
    c.set('brand', await brandOf(c.req.header('authorization')));
    await next();
  };
}

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH']);

/** Whether a request's body type is checked (requireJsonBodies): on POST, PUT and PATCH. */
export const isBodyTypeChecked = (method: string): boolean => WRITE_METHODS.has(method);

/** The body types a /v1 path takes: JSON, and CSV on the imports (`…/import`). */
export const acceptedBodyTypes = (path: string): readonly string[] => (path.endsWith('/import') ? ['application/json', 'text/csv'] : ['application/json']);

export function requireJsonBodies(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const hasBody = Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined || c.req.header('content-type') !== undefined;
    if (isBodyTypeChecked(c.req.method) && hasBody) {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const allowed = acceptedBodyTypes(c.req.path);
      if (!allowed.includes(type)) {
        throw new AppError('unsupported_media_type', `send the body as ${allowed.join(' or ')} (got ${type || 'no Content-Type'})`);
      }
    }
    await next();
  };
}

/** The header the idempotency middleware reads, the only method it honours it on, and the longest key it takes. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';
export const IDEMPOTENT_METHOD = 'POST';
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/**
 * Idempotency-Key on POST, the way Stripe does it: an answer is kept only once the endpoint has
 * run. The first request with a key claims it and runs; a retry with the same key and the same
 * request (method, path, media type with its charset, and body compared by what it means: JSON
 * as its canonical form, keys sorted and no whitespace) gets the kept answer back (status, body and REPLAYED_HEADERS) with
 * `Idempotent-Replayed: true`; the same
 * key on another path or with another body is refused (422 idempotency_key_reused, naming what the
 * key was first used for and what differs); a retry while the first still runs gets 409
 * idempotency_key_in_use, which claims nothing. A claim with no answer after
 * IDEMPOTENCY_CLAIM_ABANDONED_MS belongs to a request that was cut off (a crash, a redeploy): the
 * next retry takes it over and runs, and the cut-off request, should it finish after all, keeps
 * nothing (each claim has its own id, and only the claim's holder may answer or free the key).
 *
 * Kept: every 2xx, and the endpoint's own answers to a request it ran, refusals included (409
 * conflict, invalid_transition, carrier_not_connected; 404 for an order or shipment that is not
 * there). Not kept, so the key is free again and the corrected or later retry runs: refusals of
 * the request as sent, which change nothing stored (400 malformed JSON or bad request, 401, 404
 * of a route that does not exist, 413, 415, 422 validation, 429), a refusal with Retry-After (come
 * back later: a label being bought right now), and every 5xx. An error code
 * added later is kept until listed here: a retry refused wrongly is safer than one run twice.
 * Keys are kept 24 hours (api/idempotency-keys.ts); used again after that, a key starts anew.
 */
export function idempotency(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header(IDEMPOTENCY_KEY_HEADER);
    if (c.req.method !== IDEMPOTENT_METHOD || key === undefined) return next();
    if (key.length === 0 || key.length > IDEMPOTENCY_KEY_MAX_LENGTH) throw new AppError('bad_request', `${IDEMPOTENCY_KEY_HEADER} must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
    const brand = c.get('brand');
    const request = { method: c.req.method, path: c.req.path };
    // The bytes, not text: a CSV in Windows-1252 must reach its import as sent (Hono keeps this
    // read for the handler), and two such files must not look alike once decoded.
    const body = new Uint8Array(await c.req.arrayBuffer());
    const contentType = c.req.header('content-type');
    const requestHash = requestHashOf({ ...request, contentType, body });
    const mediaType = mediaTypeOf(contentType, body.byteLength > 0);
    const claim = async () => {
      const claimId = newClaimId();
      const inserted = await deps.db
        .insertInto('idempotency_keys')
        .values({
          brand_id: brand.id,
          key,
          ...request,
          request_hash: requestHash,
          content_type: mediaType,
          status_code: 0,
          response_body: '',
          created_at: deps.clock.now().toISOString(),
          claim_id: claimId,
          claimed_at: deps.wallClock.now().toISOString(),
        })
        .onConflict((oc) => oc.columns(['brand_id', 'key']).doNothing())
        .returning('key')
        .executeTakeFirst();
      return inserted ? claimId : undefined;
    };
    // A key kept longer than its 24 hours (not pruned yet) is free: the request is a new one.
    let claimId = (await claim()) ?? ((await forgetIfExpired(deps, brand.id, key)) ? await claim() : undefined);
    if (!claimId) {
      const saved = await deps.db.selectFrom('idempotency_keys').selectAll().where('brand_id', '=', brand.id).where('key', '=', key).executeTakeFirst();
      // Freed since the claim failed (its request was refused as sent, or failed): a moment later, the retry claims it.
      if (!saved) throw keyInUse(key);
      const reuse = reuseProblem(key, saved, { ...request, mediaType, hash: requestHash });
      if (reuse) throw new AppError('idempotency_key_reused', reuse);
      if (saved.status_code !== 0) return replay(saved);
      claimId = await takeOverAbandoned(deps, saved);
      if (!claimId) throw keyInUse(key);
    }

    try {
      await next();
    } catch (error) {
      await forget(deps, brand.id, key, claimId);
      throw error;
    }
    const response = c.res;
    const answerBody = await response.clone().text();
    const answer = {
      status: response.status,
      errorCode: errorCodeOf(answerBody),
      routeMatched: matchedRoutes(c).some((route) => route.method === c.req.method),
      retryAfter: response.headers.has('retry-after'),
    };
    if (!isKeptAnswer(answer)) {
      await forget(deps, brand.id, key, claimId);
      return;
    }
    // Only while this request still holds the claim: a retry that took it over has its own answer.
    const kept = await deps.db
      .updateTable('idempotency_keys')
      .set({ status_code: response.status, response_body: answerBody, response_headers: JSON.stringify(replayedHeadersOf(response.headers)) })
      .where('brand_id', '=', brand.id)
      .where('key', '=', key)
      .where('claim_id', '=', claimId)
      .executeTakeFirst();
    if (Number(kept.numUpdatedRows) === 0) {
      deps.log.warn({ brandId: brand.id, idempotencyKey: key, requestId: c.get('requestId') }, 'a request answered after a retry took over its Idempotency-Key (its claim had outlived IDEMPOTENCY_CLAIM_ABANDONED_MS): its answer is not kept');
    }
  };
}

const newClaimId = (): string => randomUUID();

const keyInUse = (key: string) =>
  new AppError(
    'idempotency_key_in_use',
    `a request with Idempotency-Key "${key}" is still being processed; retry shortly (a request cut off before it answered frees its key ${IDEMPOTENCY_CLAIM_ABANDONED_MS / 60_000} minutes after it began)`,
  );

/**
 * Takes over a claim whose request can no longer be running; answers the new claim's id, or
 * undefined when that request may still run or another retry took the claim first. Only the row
 * as it was read is taken (the same claim id and time, still unanswered), so of two retries at
 * once one updates it and the other's update finds nothing. The key's 24 hours start anew, as for
 * a key used again after them.
 */
async function takeOverAbandoned(deps: Deps, saved: IdempotencyKeyRow): Promise<string | undefined> {
  const now = deps.wallClock.now();
  if (!isAbandonedClaim(claimTimeOf(saved), now)) return undefined;
  const claimId = newClaimId();
  const taken = await deps.db
    .updateTable('idempotency_keys')
    .set({ claim_id: claimId, claimed_at: now.toISOString(), created_at: deps.clock.now().toISOString() })
    .where('brand_id', '=', saved.brand_id)
    .where('key', '=', saved.key)
    .where('status_code', '=', 0)
    .where('claim_id', '=', saved.claim_id)
    .where('claimed_at', '=', saved.claimed_at)
    .executeTakeFirst();
  if (Number(taken.numUpdatedRows) === 0) return undefined;
  deps.log.warn({ brandId: saved.brand_id, idempotencyKey: saved.key, claimedAt: claimTimeOf(saved) }, 'a retry took over an Idempotency-Key whose request was cut off before it answered');
  return claimId;
}

/** Error codes of requests refused as sent, before the endpoint ran (see idempotency above). */
const REFUSED_AS_SENT: ReadonlySet<string> = new Set<ErrorCode>(['malformed_json', 'bad_request', 'unauthorized', 'payload_too_large', 'unsupported_media_type', 'validation_failed', 'rate_limited']);

/** Whether an answer is kept under its Idempotency-Key; `routeMatched`: the request named an endpoint. */
export function isKeptAnswer(answer: { status: number; errorCode: string | undefined; routeMatched: boolean; retryAfter?: boolean }): boolean {
  if (answer.status >= 500) return false;
  if (answer.status < 400) return true;
  // A refusal that asks to come back later (a label being bought right now: 409 with Retry-After)
  // describes a moment, not the request's outcome: the retry must run and get the outcome.
  if (answer.retryAfter) return false;
  if (answer.errorCode === 'not_found') return answer.routeMatched;
  return answer.errorCode === undefined || !REFUSED_AS_SENT.has(answer.errorCode);
}

/** What a retry must repeat to be the same request: the method, the path and what the body says. */
export function requestHashOf(request: { method: string; path: string; contentType: string | undefined; body: Uint8Array | string }): string {
  return sha256Hex(Buffer.concat([Buffer.from(`${request.method} ${request.path}\n`), bodyMeaning(request.contentType, request.body)]));
}

/**
 * The media type a body is read as, for comparing retries: a CSV is decoded by the charset its
 * Content-Type names, so the same bytes with another charset are another request. JSON is read as
 * UTF-8 whatever its charset says, and a request without a body has nothing to read: neither
 * depends on a charset (nor, without a body, on the type). Charsets by their WHATWG name, so
 * labels of one encoding (latin1, iso-8859-1, windows-1252) are the same.
 */
export function mediaTypeOf(contentType: string | undefined, hasBody: boolean): string {
  if (!hasBody) return '';
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return type;
  const charset = charsetOf(contentType);
  return charset === undefined ? type : `${type}; charset=${encodingNameOf(charset)}`;
}

const encodingNameOf = (label: string): string => {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return label; // refused as unreadable (415), so never kept
  }
};

/** What a body says, for comparing retries: JSON in canonical form, anything else (CSV in any charset, malformed JSON) as its bytes. */
export function bodyMeaning(contentType: string | undefined, body: Uint8Array | string): Buffer {
  const bytes = typeof body === 'string' ? Buffer.from(body) : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (!/^application\/json\b/i.test(contentType?.trim() ?? '')) return bytes;
  try {
    return Buffer.from(canonicalJson(JSON.parse(bytes.toString('utf8'))));
  } catch {
    return bytes; // refused as malformed JSON, so never kept
  }
}

const errorCodeOf = (body: string): string | undefined => {
  try {
    const code = (JSON.parse(body) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === 'string' ? code : undefined;
  } catch {
    return undefined;
  }
};

type KeyedRequest = { method: string; path: string; mediaType: string; hash: string };

/**
 * The headers that belong to an answer and are replayed with it: what it is (its type, language,
 * disposition) and where to go next (Location of a queued import, Retry-After, Link). Not those of
 * one delivery (Date, X-Request-Id, Set-Cookie, Content-Length, connection headers): the replay has
 * its own. Listed rather than filtered, so a header added later is not replayed stale until named.
 */
export const REPLAYED_HEADERS: readonly string[] = ['content-type', 'content-language', 'content-disposition', 'location', 'retry-after', 'link'];

/** The headers of an answer kept for replay, by lower-case name. */
export function replayedHeadersOf(headers: Headers): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = headers.get(name);
    if (value !== null) kept[name] = value;
  }
  return kept;
}

function replay(saved: { status_code: number; response_body: string; response_headers: string }) {
  // Answers kept before their headers were (migration 017) were all JSON.
  return new Response(saved.response_body, {
    status: saved.status_code,
    headers: { 'content-type': 'application/json', ...(JSON.parse(saved.response_headers) as Record<string, string>), 'idempotent-replayed': 'true' },
  });
}

/**
 * Why a key's first request and this one differ (the path, else the media type, else the body), or
 * null when they are the same request. A key kept before media types were (null) is not compared by it.
 */
export function reuseProblem(key: string, first: { method: string; path: string; content_type: string | null; request_hash: string }, request: KeyedRequest): string | null {
  const firstUse = `${first.method} ${first.path}`;
  if (first.method !== request.method || first.path !== request.path) {
    return `Idempotency-Key "${key}" was first used for ${firstUse}, not ${request.method} ${request.path}; use a new key for another request`;
  }
  if (first.content_type !== null && first.content_type !== request.mediaType) {
    const sent = (mediaType: string) => (mediaType ? `Content-Type "${mediaType}"` : 'no body');
    return `Idempotency-Key "${key}" was first used for ${firstUse} with ${sent(first.content_type)}, not ${sent(request.mediaType)}; send the body as it was first sent to get its answer, or use a new key`;
  }
  if (first.request_hash !== request.hash) return `Idempotency-Key "${key}" was first used for ${firstUse} with another body; send that body again to get its answer, or use a new key`;
  return null;
}

/** Deletes the key when it has expired (only the row that was read, so a fresh claim by a concurrent request stays); answers whether it did. */
async function forgetIfExpired(deps: Deps, brandId: string, key: string): Promise<boolean> {
  const saved = await deps.db.selectFrom('idempotency_keys').select('created_at').where('brand_id', '=', brandId).where('key', '=', key).executeTakeFirst();
  if (!saved || !isExpiredKey(saved.created_at, deps.clock.now())) return false;
  const gone = await deps.db.deleteFrom('idempotency_keys').where('brand_id', '=', brandId).where('key', '=', key).where('created_at', '=', saved.created_at).executeTakeFirst();
  return Number(gone.numDeletedRows) > 0;
}

/** Frees the key, if this claim still holds it (a late request must not free a retry's claim). */
const forget = (deps: Deps, brandId: string, key: string, claimId: string) =>
  deps.db.deleteFrom('idempotency_keys').where('brand_id', '=', brandId).where('key', '=', key).where('claim_id', '=', claimId).execute();
