// USPS I/O. An OAuth client-credentials token (form body, scope=tracking), cached per account and
// refreshed a few minutes early or once after a 401 (../oauth.ts); then
// GET /tracking/v3/tracking/{n}?expand=DETAIL. Every HTTP outcome becomes a value: a parsed
// TrackResult or a CarrierError.
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import { trackInTurn } from '../client-kit.js';
import { baseUrlOf, carrierErrorFromResponse, DETAILED_WORDING, fetchWithTimeout, isSuccess, type HttpAnswer, type StatusPolicy } from '../http.js';
import { clientCredentialsTokens, requestTokenGrant } from '../oauth.js';
import { carrierSaid } from '../parse-kit.js';
import type { CarrierContext, CarrierError, TrackResult } from '../types.js';
import { decodeJsonBody, parseUspsTracking, readUspsError } from './parse.js';

export type UspsCredentials = { clientId: string; clientSecret: string };

const TOKEN_PATH = '/oauth2/v3/token';
const TRACKING_PATH = '/tracking/v3/tracking/';
const USPS_STATUS: StatusPolicy = { carrier: 'USPS', wording: DETAILED_WORDING, retryAfterOn5xx: true };

/** USPS tracks one number per GET; numbers are fetched in turn and the first failure ends the batch. */
export async function trackUsps(ctx: CarrierContext, credentials: UspsCredentials, trackingNumbers: string[]): Promise<Result<TrackResult[], CarrierError>> {
  return trackInTurn(trackingNumbers, (trackingNumber) => trackOne(ctx, credentials, trackingNumber));
}

/** Fetches a fresh token (bypassing the cache) and keeps it for the next tracking call. */
export async function verifyUspsCredentials(ctx: CarrierContext, credentials: UspsCredentials): Promise<Result<void, CarrierError>> {
  const token = await tokens.renew(ctx, credentials);
  return token.ok ? ok(undefined) : token;
}

async function trackOne(ctx: CarrierContext, credentials: UspsCredentials, trackingNumber: string): Promise<Result<TrackResult[], CarrierError>> {
  const answer = await tokens.withToken(ctx, credentials, (token) => getTracking(ctx, token, trackingNumber));
  if (!answer.ok) return answer;
  return readTrackingAnswer(trackingNumber, answer.value, ctx.clock.now());
}

function getTracking(ctx: CarrierContext, token: string, trackingNumber: string): Promise<Result<HttpAnswer, CarrierError>> {
  const number = encodeURIComponent(trackingNumber.replace(/\s+/g, ''));
  return fetchWithTimeout(ctx, 'USPS', `${baseUrlOf(ctx)}${TRACKING_PATH}${number}?expand=DETAIL`, {
    method: 'GET',
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
}

function readTrackingAnswer(trackingNumber: string, answer: HttpAnswer, now: Date): Result<TrackResult[], CarrierError> {
  if (!isSuccess(answer.status) && answer.status !== 404) return err(toCarrierError(answer, now));
  const body = decodeJsonBody(answer.text);
  if (!body.ok) return body;
  // A 404 without USPS's error body is a wrong URL, not an unknown parcel.
  if (answer.status === 404 && !readUspsError(body.value)) {
    return err({ code: 'bad_response', message: 'USPS answered 404 without its error body; check the base URL', retryable: false });
  }
  return parseUspsTracking(trackingNumber, body.value);
}

// ---- OAuth token -----------------------------------------------------------------------------

/** Tokens for one scope ('tracking'; 'labels payments' for the label client), cached apart from each other. */
export function uspsTokensFor(scope: string, cacheKeyPrefix: string) {
  return clientCredentialsTokens<UspsCredentials>({
    cacheKeyPrefix,
    requestToken(ctx, credentials) {
      const form = new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: credentials.clientId,
        client_secret: credentials.clientSecret,
        scope,
      });
      const init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: form.toString() };
      return requestTokenGrant(ctx, 'USPS', `${baseUrlOf(ctx)}${TOKEN_PATH}`, init, (answer) => toTokenError(answer, ctx.clock.now()));
    },
  });
}

const tokens = uspsTokensFor('tracking', 'usps');

// The token endpoint answers with RFC 6749's error body, not USPS's own.
const oauthErrorBody = z.object({ error: z.string(), error_description: z.string().nullish() });
const REQUEST_ERRORS = new Set(['invalid_request', 'unsupported_grant_type']);

function toTokenError(answer: HttpAnswer, now: Date): CarrierError {
  const body = decodeJsonBody(answer.text);
  const oauth = body.ok ? oauthErrorBody.safeParse(body.value) : null;
  if (!oauth?.success) return toCarrierError(answer, now);
  const carrier = { carrierCode: oauth.data.error, carrierMessage: oauth.data.error_description ?? oauth.data.error };
  if (answer.status === 429 || answer.status >= 500) return { ...toCarrierError(answer, now), ...carrier };
  if (REQUEST_ERRORS.has(oauth.data.error) && answer.status !== 401) {
    return { code: 'bad_request', message: `USPS refused the token request: ${carrier.carrierMessage}`, retryable: false, ...carrier };
  }
  return { code: 'auth_failed', message: `USPS refused the credentials: ${carrier.carrierMessage}`, retryable: false, ...carrier };
}

/** Maps a non-2xx tracking (or token) answer; USPS's own code and message are kept verbatim. */
export function toCarrierError(answer: HttpAnswer, now: Date): CarrierError {
  const body = decodeJsonBody(answer.text);
  const info = body.ok ? readUspsError(body.value) : null;
  return carrierErrorFromResponse(answer, now, USPS_STATUS, info ? carrierSaid(info.carrierCode, info.message) : {});
}
