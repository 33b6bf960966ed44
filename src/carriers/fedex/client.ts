// FedEx I/O: OAuth client-credentials token (cached per account) and the Track API, up to 30
// numbers per call. Everything the network can do wrong comes back as a CarrierError value.
//
// track(numbers) ─▶ chunks of 30 ─▶ token (cache, or POST /oauth/token with a form body)
//                ─▶ POST /track/v1/trackingnumbers (includeDetailedScans)
//                ─▶ 401? drop the token, fetch a new one, try once more ─▶ parse.ts
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import type { CarrierContext, CarrierError, TokenCache, TrackResult } from '../types.js';
import { parseFedexTrackText, readFedexError } from './parse.js';

export const fedexCredentialsSchema = z.object({
  clientId: z.string().trim().min(1).describe('API key of your Track API project on developer.fedex.com'),
  clientSecret: z.string().trim().min(1).describe('Secret key of that project'),
  accountNumber: z.string().trim().min(1).optional().describe('FedEx account number'),
});
export type FedexCredentials = z.infer<typeof fedexCredentialsSchema>;

export const FEDEX_PRODUCTION_URL = 'https://apis.fedex.com';
export const FEDEX_SANDBOX_URL = 'https://apis-sandbox.fedex.com';
/** FedEx refuses a request with more tracking numbers than this. */
export const FEDEX_MAX_NUMBERS_PER_CALL = 30;
const DEFAULT_TIMEOUT_MS = 15_000;
/** Tokens are renewed this long before FedEx says they expire (FedEx tokens live about 1 h). */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

export async function trackFedex(ctx: CarrierContext, trackingNumbers: string[]): Promise<Result<TrackResult[], CarrierError>> {
  const credentials = readCredentials(ctx);
  if (!credentials.ok) return credentials;
  const numbers = [...new Set(trackingNumbers.map((n) => n.trim()).filter(Boolean))];
  const results: TrackResult[] = [];
  // Chunks go one after another: a failure stops the batch and the job retries it whole.
  for (const chunk of chunksOf(numbers, FEDEX_MAX_NUMBERS_PER_CALL)) {
    const answer = await trackChunk(ctx, credentials.value, chunk);
    if (!answer.ok) return answer;
    results.push(...answer.value);
  }
  return ok(results);
}

/** Fetches a fresh token (and caches it): the check behind "connected" on save. */
export async function verifyFedexCredentials(ctx: CarrierContext): Promise<Result<void, CarrierError>> {
  const credentials = readCredentials(ctx);
  if (!credentials.ok) return credentials;
  const token = await accessToken(ctx, credentials.value, { refresh: true });
  return token.ok ? ok(undefined) : token;
}

export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

async function trackChunk(ctx: CarrierContext, credentials: FedexCredentials, numbers: string[]): Promise<Result<TrackResult[], CarrierError>> {
  let token = await accessToken(ctx, credentials, { refresh: false });
  if (!token.ok) return token;
  let answer = await requestTracking(ctx, numbers, token.value);
  if (answer.ok && answer.value.status === 401) {
    // The cached token was revoked or expired early: renew once, never loop.
    token = await accessToken(ctx, credentials, { refresh: true });
    if (!token.ok) return token;
    answer = await requestTracking(ctx, numbers, token.value);
  }
  if (!answer.ok) return answer;
  if (answer.value.status === 200) return parseFedexTrackText(answer.value.text, numbers);
  return err(errorForStatus(answer.value, readFedexError(safeJson(answer.value.text)), ctx.clock.now()));
}

function requestTracking(ctx: CarrierContext, numbers: string[], token: string) {
  return send(ctx, `${trimSlash(ctx.baseUrl)}/track/v1/trackingnumbers`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json',
      'x-locale': 'en_US',
      'x-customer-transaction-id': randomUUID(), // echoed back by FedEx; ties logs together
    },
    body: JSON.stringify({
      includeDetailedScans: true,
      trackingInfo: numbers.map((trackingNumber) => ({ trackingNumberInfo: { trackingNumber } })),
    }),
  });
}

// ---------------------------------------------------------------------------------------------
// Token

const tokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.union([z.number(), z.string()]) });
const inFlight = new WeakMap<TokenCache, Map<string, Promise<Result<string, CarrierError>>>>();

/** Cache key per account and environment: a sandbox token is useless in production. */
export const fedexTokenCacheKey = (baseUrl: string, clientId: string): string => `fedex:${trimSlash(baseUrl)}:${clientId}`;

async function accessToken(ctx: CarrierContext, credentials: FedexCredentials, options: { refresh: boolean }): Promise<Result<string, CarrierError>> {
  const key = fedexTokenCacheKey(ctx.baseUrl, credentials.clientId);
  const cached = ctx.tokenCache.get(key);
  if (!options.refresh && cached && cached.expiresAt - TOKEN_REFRESH_MARGIN_MS > ctx.clock.now().getTime()) return ok(cached.token);
  if (options.refresh) ctx.tokenCache.delete(key);
  // Concurrent polls of one account share one token request.
  const pending = inFlight.get(ctx.tokenCache) ?? new Map<string, Promise<Result<string, CarrierError>>>();
  inFlight.set(ctx.tokenCache, pending);
  const existing = pending.get(key);
  if (existing) return existing;
  const request = fetchToken(ctx, credentials, key).finally(() => pending.delete(key));
  pending.set(key, request);
  return request;
}

async function fetchToken(ctx: CarrierContext, credentials: FedexCredentials, key: string): Promise<Result<string, CarrierError>> {
  const answer = await send(ctx, `${trimSlash(ctx.baseUrl)}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: credentials.clientId,
      client_secret: credentials.clientSecret,
    }).toString(),
  });
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) {
    const fedexError = readFedexError(safeJson(answer.value.text));
    // An OAuth 400 is a refusal of the credentials too (unknown client, bad grant).
    const status = answer.value.status === 400 ? 401 : answer.value.status;
    return err(errorForStatus({ ...answer.value, status }, fedexError, ctx.clock.now()));
  }
  const parsed = tokenResponse.safeParse(safeJson(answer.value.text));
  const lifetimeSeconds = parsed.success ? Number(parsed.data.expires_in) : Number.NaN;
  if (!parsed.success || !Number.isFinite(lifetimeSeconds) || lifetimeSeconds <= 0) {
    return err({ code: 'bad_response', message: 'FedEx answered the token request with a body Waybill cannot read', retryable: false });
  }
  ctx.tokenCache.set(key, { token: parsed.data.access_token, expiresAt: ctx.clock.now().getTime() + lifetimeSeconds * 1000 });
  return ok(parsed.data.access_token);
}

// ---------------------------------------------------------------------------------------------
// HTTP

type HttpAnswer = { status: number; headers: Headers; text: string };

async function send(ctx: CarrierContext, url: string, init: RequestInit): Promise<Result<HttpAnswer, CarrierError>> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    // The signal also covers reading the body: a server that stalls mid-body times out too.
    const response = await ctx.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    return ok({ status: response.status, headers: response.headers, text });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'TimeoutError' || name === 'AbortError') {
      return err({ code: 'timeout', message: `FedEx did not answer within ${timeoutMs} ms`, retryable: true });
    }
    return err({ code: 'unavailable', message: `FedEx could not be reached: ${error instanceof Error ? error.message : String(error)}`, retryable: true });
  }
}

/** HTTP status → CarrierError, keeping FedEx's own code and text for the merchant. */
function errorForStatus(answer: HttpAnswer, fedexError: { code: string; message: string } | null, now: Date): CarrierError {
  const carrier = fedexError ? { carrierCode: fedexError.code, carrierMessage: fedexError.message } : {};
  const { status } = answer;
  if (status === 401 || status === 403) return { code: 'auth_failed', message: 'FedEx refused the credentials', retryable: false, ...carrier };
  if (status === 429) {
    const retryAfterSeconds = parseRetryAfter(answer.headers.get('retry-after'), now);
    return { code: 'rate_limited', message: 'FedEx is rate limiting this account', retryable: true, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }), ...carrier };
  }
  if (status >= 500) return { code: 'unavailable', message: `FedEx answered ${status}`, retryable: true, ...carrier };
  if (status === 408) return { code: 'timeout', message: 'FedEx timed out the request', retryable: true, ...carrier };
  if (status >= 400) return { code: 'bad_request', message: `FedEx refused the request (${status})`, retryable: false, ...carrier };
  return { code: 'bad_response', message: `FedEx answered an unexpected ${status}`, retryable: false, ...carrier };
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now.getTime()) / 1000)) : undefined;
}

function readCredentials(ctx: CarrierContext): Result<FedexCredentials, CarrierError> {
  const parsed = fedexCredentialsSchema.safeParse(ctx.credentials);
  if (parsed.success) return ok(parsed.data);
  return err({ code: 'auth_failed', message: 'FedEx credentials are incomplete: API key and secret key are required', retryable: false });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');
