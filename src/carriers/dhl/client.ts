// DHL I/O: GET /track/shipments?trackingNumber=…&language=en with the `DHL-API-Key` header.
// No OAuth. Every HTTP outcome becomes a value: a parsed TrackResult or a CarrierError.
import { err, ok, type Result } from '../../lib/result.js';
import type { CarrierContext, CarrierError, TrackResult } from '../types.js';
import { decodeJsonBody, parseDhlTracking, readDhlProblem } from './parse.js';

export type DhlCredentials = { apiKey: string };

const TRACKING_PATH = '/track/shipments';
const DEFAULT_TIMEOUT_MS = 15_000;
// Any syntactically plausible number DHL will not know: enough to see whether the key is accepted.
const PROBE_TRACKING_NUMBER = '00340000000000000000';

type HttpAnswer = { status: number; headers: Headers; body: string };

/** One number per call; numbers are fetched in turn and the first failure ends the batch. */
export async function trackDhl(ctx: CarrierContext, credentials: DhlCredentials, trackingNumbers: string[]): Promise<Result<TrackResult[], CarrierError>> {
  const results: TrackResult[] = [];
  for (const trackingNumber of trackingNumbers) {
    const answer = await getShipments(ctx, credentials, trackingNumber);
    if (!answer.ok) return answer;
    const result = readTrackingAnswer(trackingNumber, answer.value, ctx.clock.now());
    if (!result.ok) return result;
    results.push(...result.value);
  }
  return ok(results);
}

/**
 * DHL has no endpoint that only checks a key, so we track a number it will not know: 404 (or 200)
 * means the key was accepted, 401/403 that it was not. This spends one call of the daily quota.
 */
export async function verifyDhlCredentials(ctx: CarrierContext, credentials: DhlCredentials): Promise<Result<void, CarrierError>> {
  const answer = await getShipments(ctx, credentials, PROBE_TRACKING_NUMBER);
  if (!answer.ok) return answer;
  const { status } = answer.value;
  if ((status >= 200 && status < 300) || status === 404) return ok(undefined);
  return err(toCarrierError(answer.value, ctx.clock.now()));
}

function getShipments(ctx: CarrierContext, credentials: DhlCredentials, trackingNumber: string): Promise<Result<HttpAnswer, CarrierError>> {
  // English text, because status refinements read the description.
  const query = new URLSearchParams({ trackingNumber: trackingNumber.replace(/\s+/g, ''), language: 'en' });
  return send(ctx, `${baseUrl(ctx)}${TRACKING_PATH}?${query.toString()}`, {
    method: 'GET',
    headers: { 'DHL-API-Key': credentials.apiKey, accept: 'application/json' },
  });
}

function readTrackingAnswer(trackingNumber: string, answer: HttpAnswer, now: Date): Result<TrackResult[], CarrierError> {
  const isSuccess = answer.status >= 200 && answer.status < 300;
  if (!isSuccess && answer.status !== 404) return err(toCarrierError(answer, now));
  const body = decodeJsonBody(answer.body);
  if (!body.ok) return body;
  // A 404 without DHL's problem body is a wrong URL, not an unknown parcel.
  if (answer.status === 404 && readDhlProblem(body.value)?.status !== 404) {
    return err({ code: 'bad_response', message: 'DHL answered 404 without its problem body; check the base URL', retryable: false });
  }
  return parseDhlTracking(trackingNumber, body.value);
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
      return err({ code: 'timeout', message: `DHL did not answer within ${timeoutMs} ms`, retryable: true });
    }
    return err({ code: 'unavailable', message: `DHL could not be reached: ${describeCause(cause)}`, retryable: true });
  }
}

/** Maps a non-2xx answer; DHL's own title and detail are kept verbatim. */
function toCarrierError(answer: HttpAnswer, now: Date): CarrierError {
  const body = decodeJsonBody(answer.body);
  const problem = body.ok ? readDhlProblem(body.value) : null;
  const carrier = {
    ...(problem?.title ? { carrierCode: problem.title } : {}),
    ...(problem ? { carrierMessage: problem.message } : {}),
  };
  const said = problem ? `: ${problem.message}` : '';
  const retryAfter = retryAfterSeconds(answer.headers, now);
  const wait = retryAfter === undefined ? {} : { retryAfterSeconds: retryAfter };
  const { status } = answer;
  if (status === 401 || status === 403) return { code: 'auth_failed', message: `DHL refused the API key (HTTP ${status})${said}`, retryable: false, ...carrier };
  // 429 is either the per-second limit or the daily quota (which resets at 00:00 GMT).
  if (status === 429) return { code: 'rate_limited', message: `DHL rate limit or daily quota reached${said}`, retryable: true, ...wait, ...carrier };
  if (status >= 500) return { code: 'unavailable', message: `DHL is unavailable (HTTP ${status})${said}`, retryable: true, ...wait, ...carrier };
  if (status >= 400) return { code: 'bad_request', message: `DHL refused the request (HTTP ${status})${said}`, retryable: false, ...carrier };
  return { code: 'bad_response', message: `DHL answered with unexpected HTTP ${status}`, retryable: false, ...carrier };
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
