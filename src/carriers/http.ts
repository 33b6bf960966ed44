// HTTP plumbing the carrier clients share: one request under a deadline that also covers reading
// the body, an HTTP failure status turned into a CarrierError, and Retry-After. Nothing here knows a
// carrier's formats: each client brings its own name, words and reader of its error bodies.
import { err, ok, type Result } from '../lib/result.js';
import type { CarrierSaid } from './parse-kit.js';
import type { CarrierContext, CarrierError, CarrierErrorCode } from './types.js';

export const DEFAULT_TIMEOUT_MS = 15_000;

/** An answer as it came: status, headers and the body as text (each carrier parses its own). */
export type HttpAnswer = { status: number; headers: Headers; text: string };

/** `ctx.baseUrl` without trailing slashes, ready for a path. */
export const baseUrlOf = (ctx: Pick<CarrierContext, 'baseUrl'>): string => ctx.baseUrl.replace(/\/+$/, '');

export const isSuccess = (status: number): boolean => status >= 200 && status < 300;

/**
 * Sends one request with `ctx.fetch` and reads the whole body. No answer within `ctx.timeoutMs`
 * (15 s by default) is `timeout`, no connection `unavailable`: retryable values, never a throw.
 */
export async function fetchWithTimeout(ctx: CarrierContext, carrier: string, url: string, init: RequestInit): Promise<Result<HttpAnswer, CarrierError>> {
  const timeoutMs = ctx.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  try {
    const response = await ctx.fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) });
    // The body is read under the same deadline: a server that stalls mid-body is a timeout too.
    const text = await response.text();
    return ok({ status: response.status, headers: response.headers, text });
  } catch (cause) {
    const name = errorName(cause);
    if (name === 'TimeoutError' || name === 'AbortError') {
      return err({ code: 'timeout', message: `${carrier} did not answer within ${timeoutMs} ms`, retryable: true });
    }
    return err({ code: 'unavailable', message: `${carrier} could not be reached: ${describeCause(cause)}`, retryable: true });
  }
}

// ---------------------------------------------------------------------------------------------
// HTTP status → CarrierError

/**
 * How a carrier words each failure. `{carrier}`, `{status}` and `{said}` are filled in; `{said}` is
 * ": " and the carrier's own message, or nothing when it gave none.
 */
export type FailureWording = Record<Exclude<CarrierErrorCode, 'not_found'>, string>;

/** Short words: "UPS refused the credentials", "FedEx answered 503". */
export const PLAIN_WORDING: FailureWording = {
  auth_failed: '{carrier} refused the credentials',
  rate_limited: '{carrier} is rate limiting this account',
  unavailable: '{carrier} answered {status}',
  timeout: '{carrier} timed out the request',
  bad_request: '{carrier} refused the request ({status})',
  bad_response: '{carrier} answered an unexpected {status}',
};

/** Words with the HTTP status and the carrier's message: "USPS is unavailable (HTTP 503): …". */
export const DETAILED_WORDING: FailureWording = {
  auth_failed: '{carrier} refused access (HTTP {status}){said}',
  rate_limited: '{carrier} rate limit reached{said}',
  unavailable: '{carrier} is unavailable (HTTP {status}){said}',
  timeout: '{carrier} timed out the request (HTTP {status}){said}',
  bad_request: '{carrier} refused the request (HTTP {status}){said}',
  bad_response: '{carrier} answered with unexpected HTTP {status}',
};

export type StatusPolicy = {
  carrier: string;
  wording: FailureWording;
  /** 408 Request Timeout is a retryable `timeout` (UPS, FedEx); otherwise a `bad_request` (USPS, DHL). */
  timeoutOn408?: boolean;
  /** Retry-After is kept on 5xx too (USPS, DHL); otherwise only on 429 (UPS, FedEx). */
  retryAfterOn5xx?: boolean;
};

const RETRYABLE: ReadonlySet<CarrierErrorCode> = new Set(['rate_limited', 'unavailable', 'timeout']);

/** A non-2xx answer as a CarrierError: 401/403 auth, 429 rate limit, 5xx unavailable, other 4xx refused. */
export function carrierErrorFromResponse(answer: Pick<HttpAnswer, 'status' | 'headers'>, now: Date, policy: StatusPolicy, said: CarrierSaid = {}): CarrierError {
  const { status } = answer;
  const code = codeForStatus(status, policy.timeoutOn408 === true);
  const keepsRetryAfter = code === 'rate_limited' || (code === 'unavailable' && policy.retryAfterOn5xx === true);
  const wait = keepsRetryAfter ? retryAfterSeconds(answer.headers.get('retry-after'), now) : undefined;
  const message = policy.wording[code as keyof FailureWording]
    .replaceAll('{carrier}', policy.carrier)
    .replaceAll('{status}', String(status))
    .replaceAll('{said}', said.carrierMessage === undefined ? '' : `: ${said.carrierMessage}`);
  return { code, message, retryable: RETRYABLE.has(code), ...(wait === undefined ? {} : { retryAfterSeconds: wait }), ...said };
}

function codeForStatus(status: number, timeoutOn408: boolean): CarrierErrorCode {
  if (status === 401 || status === 403) return 'auth_failed';
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'unavailable';
  if (status === 408 && timeoutOn408) return 'timeout';
  if (status >= 400) return 'bad_request';
  return 'bad_response';
}

/** Retry-After is either delta-seconds or an HTTP date (counted from `now`); undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null | undefined, now: Date): number | undefined {
  const value = header?.trim() ?? '';
  if (/^\d+$/.test(value)) return Number(value);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

function errorName(cause: unknown): string | undefined {
  return typeof cause === 'object' && cause !== null && 'name' in cause ? String(cause.name) : undefined;
}

/** "fetch failed (ECONNREFUSED)": the message, and the socket's error code when Node gives one. */
function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  const code = (cause.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? `${cause.message} (${code})` : cause.message;
}
