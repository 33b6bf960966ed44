// /v1 middleware: API-key authentication, JSON-only bodies, and Stripe-style Idempotency-Key.
import type { Context, MiddlewareHandler } from 'hono';
import { findBrandByApiKey } from '../brands/repo.js';
import type { Deps } from '../deps.js';
import type { BrandRow } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import { sha256Hex } from '../lib/crypto.js';
import type { AppEnv } from './context.js';

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

export function requireJsonBodies(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const hasBody = Number(c.req.header('content-length') ?? 0) > 0 || c.req.header('transfer-encoding') !== undefined || c.req.header('content-type') !== undefined;
    if (WRITE_METHODS.has(c.req.method) && hasBody) {
      const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
      const allowed = c.req.path.endsWith('/import') ? ['application/json', 'text/csv'] : ['application/json'];
      if (!allowed.includes(type)) {
        throw new AppError('unsupported_media_type', `send the body as ${allowed.join(' or ')} (got ${type || 'no Content-Type'})`);
      }
    }
    await next();
  };
}

/**
 * Idempotency-Key on POST, the way Stripe does it: the first request with a key runs and its
 * answer is kept; a retry with the same key and the same body gets the same answer back; the
 * same key with a different body is refused; a retry while the first is still running gets 409.
 * Answers of 5xx are not kept, so the client may retry them.
 */
export function idempotency(deps: Deps): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const key = c.req.header('idempotency-key');
    if (c.req.method !== 'POST' || key === undefined) return next();
    if (key.length === 0 || key.length > 255) throw new AppError('bad_request', 'Idempotency-Key must be 1 to 255 characters');
    const brand = c.get('brand');
    const requestHash = sha256Hex(`${c.req.method} ${c.req.path}\n${await c.req.text()}`);
    const claimed = await deps.db
      .insertInto('idempotency_keys')
      .values({
        brand_id: brand.id,
        key,
        method: c.req.method,
        path: c.req.path,
        request_hash: requestHash,
        status_code: 0,
        response_body: '',
        created_at: deps.clock.now().toISOString(),
      })
      .onConflict((oc) => oc.columns(['brand_id', 'key']).doNothing())
      .returning('key')
      .executeTakeFirst();
    if (!claimed) return replay(deps, c, brand.id, key, requestHash);

    try {
      await next();
    } catch (error) {
      await forget(deps, brand.id, key);
      throw error;
    }
    const response = c.res;
    if (response.status >= 500) {
      await forget(deps, brand.id, key);
      return;
    }
    const body = await response.clone().text();
    await deps.db
      .updateTable('idempotency_keys')
      .set({ status_code: response.status, response_body: body })
      .where('brand_id', '=', brand.id)
      .where('key', '=', key)
      .execute();
  };
}

async function replay(deps: Deps, c: Context<AppEnv>, brandId: string, key: string, requestHash: string) {
  const saved = await deps.db.selectFrom('idempotency_keys').selectAll().where('brand_id', '=', brandId).where('key', '=', key).executeTakeFirstOrThrow();
  if (saved.request_hash !== requestHash) {
    throw new AppError('idempotency_key_reused', `Idempotency-Key "${key}" was already used with a different request (${saved.method} ${saved.path} with another body)`);
  }
  if (saved.status_code === 0) throw new AppError('idempotency_key_in_use', `a request with Idempotency-Key "${key}" is still being processed; retry shortly`);
  return new Response(saved.response_body, {
    status: saved.status_code,
    headers: { 'content-type': 'application/json', 'idempotent-replayed': 'true' },
  });
}

const forget = (deps: Deps, brandId: string, key: string) =>
  deps.db.deleteFrom('idempotency_keys').where('brand_id', '=', brandId).where('key', '=', key).execute();
