// UPS I/O: OAuth client-credentials token (cached per account) and the Track API, one number
// per call. Everything the network can do wrong comes back as a CarrierError value.
//
// track(n) ─▶ token (cache, or POST /security/v1/oauth/token with Basic auth)   ../oauth.ts
//          ─▶ GET /api/track/v1/details/{n} (transId, transactionSrc)
//          ─▶ 401? drop the token, fetch a new one, try once more ─▶ parse.ts
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import { readCredentials, trackInTurn } from '../client-kit.js';
import { baseUrlOf, carrierErrorFromResponse, fetchWithTimeout, PLAIN_WORDING, type HttpAnswer, type StatusPolicy } from '../http.js';
import { badGrantAsUnauthorized, clientCredentialsTokens, requestTokenGrant } from '../oauth.js';
import { readJson } from '../parse-kit.js';
import type { CarrierContext, CarrierError, TrackResult } from '../types.js';
import { isUpsNotFoundCode, parseUpsTrackText, readUpsError } from './parse.js';

export const upsCredentialsSchema = z.strictObject({
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
export const DEFAULT_TRANSACTION_SRC = 'waybill';
const UPS_STATUS: StatusPolicy = { carrier: 'UPS', wording: PLAIN_WORDING, timeoutOn408: true };

export async function trackUps(ctx: CarrierContext, trackingNumbers: string[]): Promise<Result<TrackResult[], CarrierError>> {
  const credentials = readUpsCredentials(ctx);
  if (!credentials.ok) return credentials;
  // maxBatchSize is 1; a longer list is served one number at a time and stops at the first failure.
  return trackInTurn(trackingNumbers, (trackingNumber) => trackOne(ctx, credentials.value, trackingNumber));
}

/** Fetches a fresh token (and caches it): the check behind "connected" on save. */
export async function verifyUpsCredentials(ctx: CarrierContext): Promise<Result<void, CarrierError>> {
  const credentials = readUpsCredentials(ctx);
  if (!credentials.ok) return credentials;
  const token = await upsTokens.renew(ctx, credentials.value);
  return token.ok ? ok(undefined) : token;
}

async function trackOne(ctx: CarrierContext, credentials: UpsCredentials, trackingNumber: string): Promise<Result<TrackResult[], CarrierError>> {
  const answer = await upsTokens.withToken(ctx, credentials, (token) => requestDetails(ctx, credentials, trackingNumber, token));
  if (!answer.ok) return answer;
  return readDetailsAnswer(answer.value, trackingNumber, ctx.clock.now());
}

function requestDetails(ctx: CarrierContext, credentials: UpsCredentials, trackingNumber: string, token: string) {
  const query = new URLSearchParams({ locale: 'en_US', returnSignature: 'false', returnMilestones: 'false', returnPOD: 'false' });
  const url = `${baseUrlOf(ctx)}/api/track/v1/details/${encodeURIComponent(trackingNumber.trim())}?${query}`;
  return fetchWithTimeout(ctx, 'UPS', url, {
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
  const upsError = readUpsError(readJson(answer.text));
  // UPS says "no such number" as 400 TV1002 or 404 with its error body: data, not a failure.
  if (upsError && (isUpsNotFoundCode(upsError.code) || answer.status === 404)) {
    return ok([{ trackingNumber, found: false, message: upsError.message || 'UPS has no tracking information for this number' }]);
  }
  return err(upsHttpError(answer, now));
}

/**
 * A request to another UPS API (Track Alert) with the account's token, renewed once on 401, and the
 * headers every UPS API wants (transId, transactionSrc). Returns the answer as it came.
 */
export async function sendUpsApiRequest(ctx: CarrierContext, method: string, path: string, body: unknown): Promise<Result<HttpAnswer, CarrierError>> {
  const credentials = readUpsCredentials(ctx);
  if (!credentials.ok) return credentials;
  return upsTokens.withToken(ctx, credentials.value, (token) =>
    fetchWithTimeout(ctx, 'UPS', `${baseUrlOf(ctx)}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        'content-type': 'application/json',
        transId: randomUUID().replaceAll('-', ''),
        transactionSrc: credentials.value.transactionSrc ?? DEFAULT_TRANSACTION_SRC,
      },
      body: JSON.stringify(body),
    }),
  );
}

// ---------------------------------------------------------------------------------------------
// Token: Basic auth with the client id and secret, a form body, x-merchant-id when known.

export const upsTokens = clientCredentialsTokens<UpsCredentials>({
  cacheKeyPrefix: 'ups', // a CIE token is useless in production: the key includes the base URL
  requestToken(ctx, credentials) {
    const basic = Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`).toString('base64');
    const headers: Record<string, string> = { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
    if (credentials.accountNumber) headers['x-merchant-id'] = credentials.accountNumber;
    const body = new URLSearchParams({ grant_type: 'client_credentials' }).toString();
    const refused = (answer: HttpAnswer) => upsHttpError(badGrantAsUnauthorized(answer), ctx.clock.now());
    return requestTokenGrant(ctx, 'UPS', `${baseUrlOf(ctx)}/security/v1/oauth/token`, { method: 'POST', headers, body }, refused);
  },
});

/** HTTP status → CarrierError, keeping UPS's own code and text for the merchant. */
export function upsHttpError(answer: HttpAnswer, now: Date): CarrierError {
  const upsError = readUpsError(readJson(answer.text));
  return carrierErrorFromResponse(answer, now, UPS_STATUS, upsError ? { carrierCode: upsError.code, carrierMessage: upsError.message } : {});
}

export function readUpsCredentials(ctx: CarrierContext): Result<UpsCredentials, CarrierError> {
  return readCredentials(ctx, upsCredentialsSchema, () => 'UPS credentials are incomplete: client ID and client secret are required');
}
