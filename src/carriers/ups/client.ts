// UPS I/O: OAuth client-credentials token (cached per account) and the Track API, one number
// per call. Everything the network can do wrong comes back as a CarrierError value.
//
// track(n) ─▶ token (cache, or POST /security/v1/oauth/token with Basic auth)
//          ─▶ GET /api/track/v1/details/{n} (transId, transactionSrc)
//          ─▶ 401? drop the token, fetch a new one, try once more ─▶ parse.ts
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import type { CarrierContext, CarrierError, TokenCache, TrackResult } from '../types.js';
import { isUpsNotFoundCode, parseUpsTrackText, readUpsError } from './parse.js';

export const upsCredentialsSchema = z.object({
  clientId: z.string().trim().min(1).describe('Client ID of your app on developer.ups.com'),
  clientSecret: z.string().trim().min(1).describe('Client secret of that app'),
  accountNumber: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9]{6}$/, 'UPS account numbers have 6 letters or digits')
    .optional()
    .describe('UPS account number (sent as x-merchant-id)'),
  transactionSrc: z.string().trim().min(1).max(512).optional().describe('Name UPS sees for this app (transactionSrc header)'),
});
export type UpsCredentials = z.infer<typeof upsCredentialsSchema>;

export const UPS_PRODUCTION_URL = 'https://onlinetools.ups.com';
export const UPS_TEST_URL = 'https://wwwcie.ups.com';
const DEFAULT_TRANSACTION_SRC = 'waybill';
const DEFAULT_TIMEOUT_MS = 15_000;
/** Tokens are renewed this long before UPS says they expire (UPS tokens live about 4 h). */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;

export async function trackUps(ctx: CarrierContext, trackingNumbers: string[]): Promise<Result<TrackResult[], CarrierError>> {
  const credentials = readCredentials(ctx);
  if (!credentials.ok) return credentials;
  const results: TrackResult[] = [];
  // maxBatchSize is 1; a longer list is served one number at a time and stops at the first failure.
  for (const trackingNumber of trackingNumbers) {
    const one = await trackOne(ctx, credentials.value, trackingNumber);
    if (!one.ok) return one;
    results.push(...one.value);
  }
  return ok(results);
}

/** Fetches a fresh token (and caches it): the check behind "connected" on save. */
export async function verifyUpsCredentials(ctx: CarrierContext): Promise<Result<void, CarrierError>> {
  const credentials = readCredentials(ctx);
  if (!credentials.ok) return credentials;
  const token = await accessToken(ctx, credentials.value, { refresh: true });
  return token.ok ? ok(undefined) : token;
}

async function trackOne(ctx: CarrierContext, credentials: UpsCredentials, trackingNumber: string): Promise<Result<TrackResult[], CarrierError>> {
  let token = await accessToken(ctx, credentials, { refresh: false });
  if (!token.ok) return token;
  let answer = await requestDetails(ctx, credentials, trackingNumber, token.value);
  if (answer.ok && answer.value.status === 401) {
    // The cached token was revoked or expired early: renew once, never loop.
    token = await accessToken(ctx, credentials, { refresh: true });
    if (!token.ok) return token;
    answer = await requestDetails(ctx, credentials, trackingNumber, token.value);
  }
  if (!answer.ok) return answer;
  return readDetailsAnswer(answer.value, trackingNumber, ctx.clock.now());
}

function requestDetails(ctx: CarrierContext, credentials: UpsCredentials, trackingNumber: string, token: string) {
  const query = new URLSearchParams({ locale: 'en_US', returnSignature: 'false', returnMilestones: 'false', returnPOD: 'false' });
  const url = `${trimSlash(ctx.baseUrl)}/api/track/v1/details/${encodeURIComponent(trackingNumber.trim())}?${query}`;
  return send(ctx, url, {
    method: 'GET',
    headers: {
      authorization: `Bearer ${token}`,
      accept: 'application/json',
      transId: randomUUID().replaceAll('-', ''), // unique per request, 32 characters
      transactionSrc: credentials.transactionSrc ?? DEFAULT_TRANSACTION_SRC,
    },
  });
}

function readDetailsAnswer(answer: HttpAnswer, trackingNumber: string, now: Date): Result<TrackResult[], CarrierError> {
  if (answer.status === 200) return parseUpsTrackText(answer.text, trackingNumber);
  const upsError = readUpsError(safeJson(answer.text));
  // UPS says "no such number" as 400 TV1002 or 404 with its error body: data, not a failure.
  if (upsError && (isUpsNotFoundCode(upsError.code) || answer.status === 404)) {
    return ok([{ trackingNumber, found: false, message: upsError.message || 'UPS has no tracking information for this number' }]);
  }
  return err(errorForStatus(answer, upsError, now));
}

// ---------------------------------------------------------------------------------------------
// Token

const tokenResponse = z.object({ access_token: z.string().min(1), expires_in: z.union([z.string(), z.number()]) });
const inFlight = new WeakMap<TokenCache, Map<string, Promise<Result<string, CarrierError>>>>();

/** Cache key per account and environment: a CIE token is useless in production. */
export const upsTokenCacheKey = (baseUrl: string, clientId: string): string => `ups:${trimSlash(baseUrl)}:${clientId}`;

async function accessToken(ctx: CarrierContext, credentials: UpsCredentials, options: { refresh: boolean }): Promise<Result<string, CarrierError>> {
  const key = upsTokenCacheKey(ctx.baseUrl, credentials.clientId);
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

async function fetchToken(ctx: CarrierContext, credentials: UpsCredentials, key: string): Promise<Result<string, CarrierError>> {
  const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
  const headers: Record<string, string> = {
    authorization: `Basic ${basic}`,
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'application/json',
  };
  if (credentials.accountNumber) headers['x-merchant-id'] = credentials.accountNumber;
  const answer = await send(ctx, `${trimSlash(ctx.baseUrl)}/security/v1/oauth/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
  });
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) {
    const upsError = readUpsError(safeJson(answer.value.text));
    // An OAuth 400 is a refusal of the credentials too (unknown client, bad grant).
    const status = answer.value.status === 400 ? 401 : answer.value.status;
    return err(errorForStatus({ ...answer.value, status }, upsError, ctx.clock.now()));
  }
  const parsed = tokenResponse.safeParse(safeJson(answer.value.text));
  const lifetimeSeconds = parsed.success ? Number(parsed.data.expires_in) : Number.NaN; // UPS sends a string
  if (!parsed.success || !Number.isFinite(lifetimeSeconds) || lifetimeSeconds <= 0) {
    return err({ code: 'bad_response', message: 'UPS answered the token request with a body Waybill cannot read', retryable: false });
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
      return err({ code: 'timeout', message: `UPS did not answer within ${timeoutMs} ms`, retryable: true });
    }
    return err({ code: 'unavailable', message: `UPS could not be reached: ${error instanceof Error ? error.message : String(error)}`, retryable: true });
  }
}

/** HTTP status → CarrierError, keeping UPS's own code and text for the merchant. */
function errorForStatus(answer: HttpAnswer, upsError: { code: string; message: string } | null, now: Date): CarrierError {
  const carrier = upsError ? { carrierCode: upsError.code, carrierMessage: upsError.message } : {};
  const { status } = answer;
  if (status === 401 || status === 403) return { code: 'auth_failed', message: 'UPS refused the credentials', retryable: false, ...carrier };
  if (status === 429) {
    const retryAfterSeconds = parseRetryAfter(answer.headers.get('retry-after'), now);
    return { code: 'rate_limited', message: 'UPS is rate limiting this account', retryable: true, ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }), ...carrier };
  }
  if (status >= 500) return { code: 'unavailable', message: `UPS answered ${status}`, retryable: true, ...carrier };
  if (status === 408) return { code: 'timeout', message: 'UPS timed out the request', retryable: true, ...carrier };
  if (status >= 400) return { code: 'bad_request', message: `UPS refused the request (${status})`, retryable: false, ...carrier };
  return { code: 'bad_response', message: `UPS answered an unexpected ${status}`, retryable: false, ...carrier };
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(header: string | null, now: Date): number | undefined {
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, Math.ceil((at - now.getTime()) / 1000)) : undefined;
}

function readCredentials(ctx: CarrierContext): Result<UpsCredentials, CarrierError> {
  const parsed = upsCredentialsSchema.safeParse(ctx.credentials);
  if (parsed.success) return ok(parsed.data);
  return err({ code: 'auth_failed', message: 'UPS credentials are incomplete: client ID and client secret are required', retryable: false });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const trimSlash = (url: string): string => url.replace(/\/+$/, '');
