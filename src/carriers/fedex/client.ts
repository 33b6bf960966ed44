// FedEx I/O: OAuth client-credentials token (cached per account) and the Track API, up to 30
// numbers per call. Everything the network can do wrong comes back as a CarrierError value.
//
// track(numbers) ─▶ chunks of 30 ─▶ token (cache, or POST /oauth/token with a form body)   ../oauth.ts
//                ─▶ POST /track/v1/trackingnumbers (includeDetailedScans)
//                ─▶ 401? drop the token, fetch a new one, try once more ─▶ parse.ts
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import { readCredentials, trackInTurn } from '../client-kit.js';
import { baseUrlOf, carrierErrorFromResponse, fetchWithTimeout, PLAIN_WORDING, type HttpAnswer, type StatusPolicy } from '../http.js';
import { badGrantAsUnauthorized, clientCredentialsTokens, requestTokenGrant } from '../oauth.js';
import { readJson } from '../parse-kit.js';
import type { CarrierContext, CarrierError, TrackResult } from '../types.js';
import { parseFedexTrackText, readFedexError } from './parse.js';

export const fedexCredentialsSchema = z.strictObject({
  clientId: z.string().trim().min(1).describe('API key of your Track API project on developer.fedex.com'),
  clientSecret: z.string().trim().min(1).describe('Secret key of that project'),
  accountNumber: z.string().trim().min(1).optional().describe('FedEx account number'),
});
export type FedexCredentials = z.infer<typeof fedexCredentialsSchema>;

export const FEDEX_PRODUCTION_URL = 'https://apis.fedex.com';
export const FEDEX_SANDBOX_URL = 'https://apis-sandbox.fedex.com';
/** FedEx refuses a request with more tracking numbers than this. */
export const FEDEX_MAX_NUMBERS_PER_CALL = 30;
const FEDEX_STATUS: StatusPolicy = { carrier: 'FedEx', wording: PLAIN_WORDING, timeoutOn408: true };

export async function trackFedex(ctx: CarrierContext, trackingNumbers: string[]): Promise<Result<TrackResult[], CarrierError>> {
  const credentials = readFedexCredentials(ctx);
  if (!credentials.ok) return credentials;
  const numbers = [...new Set(trackingNumbers.map((n) => n.trim()).filter(Boolean))];
  // Chunks go one after another: a failure stops the batch and the job retries it whole.
  return trackInTurn(chunksOf(numbers, FEDEX_MAX_NUMBERS_PER_CALL), (chunk) => trackChunk(ctx, credentials.value, chunk));
}

/** Fetches a fresh token (and caches it): the check behind "connected" on save. */
export async function verifyFedexCredentials(ctx: CarrierContext): Promise<Result<void, CarrierError>> {
  const credentials = readFedexCredentials(ctx);
  if (!credentials.ok) return credentials;
  const token = await fedexTokens.renew(ctx, credentials.value);
  return token.ok ? ok(undefined) : token;
}

export function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

async function trackChunk(ctx: CarrierContext, credentials: FedexCredentials, numbers: string[]): Promise<Result<TrackResult[], CarrierError>> {
  const answer = await fedexTokens.withToken(ctx, credentials, (token) => requestTracking(ctx, numbers, token));
  if (!answer.ok) return answer;
  if (answer.value.status === 200) return parseFedexTrackText(answer.value.text, numbers);
  return err(fedexHttpError(answer.value, ctx.clock.now()));
}

function requestTracking(ctx: CarrierContext, numbers: string[], token: string) {
  return fetchWithTimeout(ctx, 'FedEx', `${baseUrlOf(ctx)}/track/v1/trackingnumbers`, {
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
// Token: client id and secret in a form body.

export const fedexTokens = clientCredentialsTokens<FedexCredentials>({
  cacheKeyPrefix: 'fedex', // a sandbox token is useless in production: the key includes the base URL
  requestToken(ctx, credentials) {
    const body = new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret }).toString();
    const init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body };
    const refused = (answer: HttpAnswer) => fedexHttpError(badGrantAsUnauthorized(answer), ctx.clock.now());
    return requestTokenGrant(ctx, 'FedEx', `${baseUrlOf(ctx)}/oauth/token`, init, refused);
  },
});

/** HTTP status → CarrierError, keeping FedEx's own code and text for the merchant. */
export function fedexHttpError(answer: HttpAnswer, now: Date): CarrierError {
  const fedexError = readFedexError(readJson(answer.text));
  return carrierErrorFromResponse(answer, now, FEDEX_STATUS, fedexError ? { carrierCode: fedexError.code, carrierMessage: fedexError.message } : {});
}

export function readFedexCredentials(ctx: CarrierContext): Result<FedexCredentials, CarrierError> {
  return readCredentials(ctx, fedexCredentialsSchema, () => 'FedEx credentials are incomplete: API key and secret key are required');
}
