// USPS I/O. An OAuth client-credentials token (form body, scope=tracking), cached per account and
// refreshed a few minutes early or once after a 401; then GET /tracking/v3/tracking/{n}?expand=DETAIL.
// Every HTTP outcome becomes a value: a parsed TrackResult or a CarrierError.
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import type { CarrierContext, CarrierError, TokenCache, TrackResult } from '../types.js';
import { decodeJsonBody, parseUspsTracking, readUspsError } from './parse.js';

export type UspsCredentials = { clientId: string; clientSecret: string };

const TOKEN_PATH = '/oauth2/v3/token';
const TRACKING_PATH = '/tracking/v3/tracking/';
const REFRESH_MARGIN_MS = 5 * 60_000;
const DEFAULT_TIMEOUT_MS = 15_000;

type HttpAnswer = { status: number; headers: Headers; body: string };
type CachedToken = { token: string; expiresAt: number };

/** USPS tracks one number per GET; numbers are fetched in turn and the first failure ends the batch. */
export async function trackUsps(ctx: CarrierContext, credentials: UspsCredentials, trackingNumbers: string[]): Promise<Result<TrackResult[], CarrierError>> {
  const results: TrackResult[] = [];
  for (const trackingNumber of trackingNumbers) {
    const result = await trackOne(ctx, credentials, trackingNumber);
    if (!result.ok) return result;
    results.push(...result.value);
  }
  return ok(results);
}

/** Fetches a fresh token (bypassing the cache) and keeps it for the next tracking call. */
export async function verifyUspsCredentials(ctx: CarrierContext, credentials: UspsCredentials): Promise<Result<void, CarrierError>> {
  const fetched = await requestToken(ctx, credentials);
  if (!fetched.ok) return fetched;
  ctx.tokenCache.set(tokenCacheKey(ctx, credentials), fetched.value);
  return ok(undefined);
}

async function trackOne(ctx: CarrierContext, credentials: UspsCredentials, trackingNumber: string): Promise<Result<TrackResult[], CarrierError>> {
  const token = await getAccessToken(ctx, credentials);
  if (!token.ok) return token;
  let answer = await getTracking(ctx, token.value, trackingNumber);
  if (answer.ok && answer.value.status === 401) {
    // Tokens can be revoked or expire early on USPS's side: get a new one, and try once more.
    forgetToken(ctx, credentials, token.value);
    const fresh = await getAccessToken(ctx, credentials);
    if (!fresh.ok) return fresh;
    answer = await getTracking(ctx, fresh.value, trackingNumber);
  }
  if (!answer.ok) return answer;
  return readTrackingAnswer(trackingNumber, answer.value, ctx.clock.now());
}

function getTracking(ctx: CarrierContext, token: string, trackingNumber: string): Promise<Result<HttpAnswer, CarrierError>> {
  const number = encodeURIComponent(trackingNumber.replace(/\s+/g, ''));
  return send(ctx, `${baseUrl(ctx)}${TRACKING_PATH}${number}?expand=DETAIL`, {
    method: 'GET',
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
}

function readTrackingAnswer(trackingNumber: string, answer: HttpAnswer, now: Date): Result<TrackResult[], CarrierError> {
  const isSuccess = answer.status >= 200 && answer.status < 300;
  if (!isSuccess && answer.status !== 404) return err(toCarrierError(answer, now));
  const body = decodeJsonBody(answer.body);
  if (!body.ok) return body;
  // A 404 without USPS's error body is a wrong URL, not an unknown parcel.
  if (answer.status === 404 && !readUspsError(body.value)) {
    return err({ code: 'bad_response', message: 'USPS answered 404 without its error body; check the base URL', retryable: false });
  }
  return parseUspsTracking(trackingNumber, body.value);
}

// ---- OAuth token -----------------------------------------------------------------------------

const tokenBody = z.object({
  access_token: z.string().min(1),
  // Seen both as a number and as a numeric string.
  expires_in: z.union([z.number().positive(), z.string().regex(/^\d+$/).transform(Number)]),
});
const oauthErrorBody = z.object({ error: z.string(), error_description: z.string().nullish() });
const REQUEST_ERRORS = new Set(['invalid_request', 'unsupported_grant_type']);

const tokensInFlight = new WeakMap<TokenCache, Map<string, Promise<Result<string, CarrierError>>>>();

function tokenCacheKey(ctx: CarrierContext, credentials: UspsCredentials): string {
  return `usps:${baseUrl(ctx)}:${credentials.clientId}`;
}

async function getAccessToken(ctx: CarrierContext, credentials: UspsCredentials): Promise<Result<string, CarrierError>> {
  const key = tokenCacheKey(ctx, credentials);
  const cached = ctx.tokenCache.get(key);
  if (cached && cached.expiresAt > ctx.clock.now().getTime()) return ok(cached.token);

  // One token request per account at a time; concurrent callers share its answer.
  const flights = tokensInFlight.get(ctx.tokenCache) ?? new Map<string, Promise<Result<string, CarrierError>>>();
  tokensInFlight.set(ctx.tokenCache, flights);
  const pending = flights.get(key);
  if (pending) return pending;
  const flight = requestToken(ctx, credentials)
    .then((fetched): Result<string, CarrierError> => {
      if (!fetched.ok) return fetched;
      ctx.tokenCache.set(key, fetched.value);
      return ok(fetched.value.token);
    })
    .finally(() => flights.delete(key));
  flights.set(key, flight);
  return flight;
}

// Only drop the token that failed: a concurrent call may already have stored a newer one.
function forgetToken(ctx: CarrierContext, credentials: UspsCredentials, failedToken: string): void {
  const key = tokenCacheKey(ctx, credentials);
  if (ctx.tokenCache.get(key)?.token === failedToken) ctx.tokenCache.delete(key);
}

async function requestToken(ctx: CarrierContext, credentials: UspsCredentials): Promise<Result<CachedToken, CarrierError>> {
  const form = new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: credentials.clientId,
    client_secret: credentials.clientSecret,
    scope: 'tracking',
  });
  const answer = await send(ctx, `${baseUrl(ctx)}${TOKEN_PATH}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: form.toString(),
  });
  if (!answer.ok) return answer;
  if (answer.value.status < 200 || answer.value.status >= 300) return err(toTokenError(answer.value, ctx.clock.now()));

  const body = decodeJsonBody(answer.value.body);
  if (!body.ok) return body;
  const parsed = tokenBody.safeParse(body.value);
  if (!parsed.success) return err({ code: 'bad_response', message: 'USPS token answer has no access_token/expires_in', retryable: false });
  const lifetimeMs = parsed.data.expires_in * 1000;
  const refreshMargin = Math.min(REFRESH_MARGIN_MS, lifetimeMs / 2);
  // expiresAt is when we stop using the token: a few minutes before USPS would refuse it.
  return ok({ token: parsed.data.access_token, expiresAt: ctx.clock.now().getTime() + lifetimeMs - refreshMargin });
}

function toTokenError(answer: HttpAnswer, now: Date): CarrierError {
  const body = decodeJsonBody(answer.body);
  const oauth = body.ok ? oauthErrorBody.safeParse(body.value) : null;
  if (!oauth?.success) return toCarrierError(answer, now);
  const carrier = { carrierCode: oauth.data.error, carrierMessage: oauth.data.error_description ?? oauth.data.error };
  if (answer.status === 429 || answer.status >= 500) return { ...toCarrierError(answer, now), ...carrier };
  if (REQUEST_ERRORS.has(oauth.data.error) && answer.status !== 401) {
    return { code: 'bad_request', message: `USPS refused the token request: ${carrier.carrierMessage}`, retryable: false, ...carrier };
  }
  return { code: 'auth_failed', message: `USPS refused the credentials: ${carrier.carrierMessage}`, retryable: false, ...carrier };
}

// ---- HTTP ------------------------------------------------------------------------------------

async function send(ctx: CarrierContext, url: string, init: RequestInit): Promise<Result<HttpAnswer, CarrierError>> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const response = await ctx.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    // The body is read under the same deadline: a server that stalls mid-body is a timeout too.
    const body = await response.text();
    return ok({ status: response.status, headers: response.headers, body });
  } catch (cause) {
    if (errorName(cause) === 'TimeoutError' || errorName(cause) === 'AbortError') {
      return err({ code: 'timeout', message: `USPS did not answer within ${timeoutMs} ms`, retryable: true });
    }
    return err({ code: 'unavailable', message: `USPS could not be reached: ${describeCause(cause)}`, retryable: true });
  }
}

/** Maps a non-2xx tracking (or token) answer; USPS's own code and message are kept verbatim. */
function toCarrierError(answer: HttpAnswer, now: Date): CarrierError {
  const body = decodeJsonBody(answer.body);
  const info = body.ok ? readUspsError(body.value) : null;
  const carrier = {
    ...(info?.carrierCode ? { carrierCode: info.carrierCode } : {}),
    ...(info ? { carrierMessage: info.message } : {}),
  };
  const said = info ? `: ${info.message}` : '';
  const retryAfter = retryAfterSeconds(answer.headers, now);
  const wait = retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter };
  const { status } = answer;
  if (status === 401 || status === 403) return { code: 'auth_failed', message: `USPS refused access (HTTP ${status})${said}`, retryable: false, ...carrier };
  if (status === 429) return { code: 'rate_limited', message: `USPS rate limit reached${said}`, retryable: true, ...wait, ...carrier };
  if (status >= 500) return { code: 'unavailable', message: `USPS is unavailable (HTTP ${status})${said}`, retryable: true, ...wait, ...carrier };
  if (status >= 400) return { code: 'bad_request', message: `USPS refused the request (HTTP ${status})${said}`, retryable: false, ...carrier };
  return { code: 'bad_response', message: `USPS answered with unexpected HTTP ${status}`, retryable: false, ...carrier };
}

/** Retry-After is either delta-seconds or an HTTP date. */
function retryAfterSeconds(headers: Headers, now: Date): number | undefined {
  const value = headers.get('retry-after')?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

function baseUrl(ctx: CarrierContext): string {
  return ctx.baseUrl.replace(/\/+$/, '');
}

function errorName(cause: unknown): string | undefined {
  return typeof cause === 'object' && cause !== null && 'name' in cause ? String(cause.name) : undefined;
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${cause.message} (${code})` : cause.message;
}
