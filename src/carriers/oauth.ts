// OAuth 2 client-credentials tokens, as the carrier clients use them: cached per account and
// environment in ctx.tokenCache, used until a few minutes before they expire, fetched once for all
// concurrent callers, and renewed once when the carrier answers 401. How to ask for a token (URL,
// headers, body) and how to read a refusal stay with each carrier.
import { z } from 'zod';
import { err, ok, type Result } from '../lib/result.js';
import { baseUrlOf, fetchWithTimeout, isSuccess, type HttpAnswer } from './http.js';
import { readJson } from './parse-kit.js';
import type { CarrierContext, CarrierError, TokenCache } from './types.js';

/** A token is used until this long before it expires (or half its lifetime, for a short-lived one). */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

export type TokenGrant = { accessToken: string; expiresInSeconds: number };

export type TokenEndpoint<C extends { clientId: string }> = {
  /** First part of the cache key: `<prefix>:<base URL>:<client id>` (a test token is useless in production). */
  cacheKeyPrefix: string;
  /** Asks the carrier for a new token (see requestTokenGrant). */
  requestToken(ctx: CarrierContext, credentials: C): Promise<Result<TokenGrant, CarrierError>>;
};

export type ClientCredentialsTokens<C> = {
  /** A usable token: the cached one, else a new one (one request, shared by concurrent callers). */
  get(ctx: CarrierContext, credentials: C): Promise<Result<string, CarrierError>>;
  /** A new token whatever the cache holds, cached on success: the check behind "connected" on save. */
  renew(ctx: CarrierContext, credentials: C): Promise<Result<string, CarrierError>>;
  /** Runs `send` with a token; on 401 drops that token and runs it once more with a new one, never looping. */
  withToken(ctx: CarrierContext, credentials: C, send: (token: string) => Promise<Result<HttpAnswer, CarrierError>>): Promise<Result<HttpAnswer, CarrierError>>;
};

// Token requests under way, per cache and key: concurrent polls of one account share one.
const inFlight = new WeakMap<TokenCache, Map<string, Promise<Result<string, CarrierError>>>>();

export function clientCredentialsTokens<C extends { clientId: string }>(endpoint: TokenEndpoint<C>): ClientCredentialsTokens<C> {
  const keyOf = (ctx: CarrierContext, credentials: C) => `${endpoint.cacheKeyPrefix}:${baseUrlOf(ctx)}:${credentials.clientId}`;

  async function requestAndCache(ctx: CarrierContext, credentials: C, key: string): Promise<Result<string, CarrierError>> {
    const grant = await endpoint.requestToken(ctx, credentials);
    if (!grant.ok) return grant;
    const lifetimeMs = grant.value.expiresInSeconds * 1000;
    // expiresAt is when we stop using the token: a few minutes before the carrier would refuse it.
    const expiresAt = ctx.clock.now().getTime() + lifetimeMs - Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 2);
    ctx.tokenCache.set(key, { token: grant.value.accessToken, expiresAt });
    return ok(grant.value.accessToken);
  }

  async function get(ctx: CarrierContext, credentials: C): Promise<Result<string, CarrierError>> {
    const key = keyOf(ctx, credentials);
    const cached = ctx.tokenCache.get(key);
    if (cached && cached.expiresAt > ctx.clock.now().getTime()) return ok(cached.token);
    const pending = inFlight.get(ctx.tokenCache) ?? new Map<string, Promise<Result<string, CarrierError>>>();
    inFlight.set(ctx.tokenCache, pending);
    const existing = pending.get(key);
    if (existing) return existing;
    const request = requestAndCache(ctx, credentials, key).finally(() => pending.delete(key));
    pending.set(key, request);
    return request;
  }

  // Only the token that failed is dropped: a concurrent call may already have stored a newer one.
  function forget(ctx: CarrierContext, credentials: C, failedToken: string): void {
    const key = keyOf(ctx, credentials);
    if (ctx.tokenCache.get(key)?.token === failedToken) ctx.tokenCache.delete(key);
  }

  return {
    get,
    renew: (ctx, credentials) => requestAndCache(ctx, credentials, keyOf(ctx, credentials)),
    async withToken(ctx, credentials, send) {
      const token = await get(ctx, credentials);
      if (!token.ok) return token;
      const answer = await send(token.value);
      if (!answer.ok || answer.value.status !== 401) return answer;
      // The token was revoked or expired early on the carrier's side.
      forget(ctx, credentials, token.value);
      const fresh = await get(ctx, credentials);
      return fresh.ok ? send(fresh.value) : fresh;
    },
  };
}

const tokenBody = z.object({
  access_token: z.string().min(1),
  // Seen both as a number and as a numeric string (UPS sends every value as a string).
  expires_in: z.union([z.number(), z.string()]),
});

/**
 * Sends a token request and reads the answer: a 2xx with `access_token` and a positive `expires_in`
 * is a grant; another 2xx body is `bad_response`; any other status is whatever `refused` makes of it.
 */
export async function requestTokenGrant(
  ctx: CarrierContext,
  carrier: string,
  url: string,
  init: RequestInit,
  refused: (answer: HttpAnswer) => CarrierError,
): Promise<Result<TokenGrant, CarrierError>> {
  const answer = await fetchWithTimeout(ctx, carrier, url, init);
  if (!answer.ok) return answer;
  if (!isSuccess(answer.value.status)) return err(refused(answer.value));
  const parsed = tokenBody.safeParse(readJson(answer.value.text));
  const expiresInSeconds = parsed.success ? Number(parsed.data.expires_in) : Number.NaN;
  if (!parsed.success || !Number.isFinite(expiresInSeconds) || expiresInSeconds <= 0) {
    return err({ code: 'bad_response', message: `${carrier} answered the token request with a body Waybill cannot read`, retryable: false });
  }
  return ok({ accessToken: parsed.data.access_token, expiresInSeconds });
}

/** An OAuth 400 (unknown client, bad grant) is a refusal of the credentials, like a 401. */
export const badGrantAsUnauthorized = <A extends { status: number }>(answer: A): A => (answer.status === 400 ? { ...answer, status: 401 } : answer);
