// SMS through Twilio's Messages REST API over fetch (no SDK), and the webhook side: the
// X-Twilio-Signature check and the status-callback and inbound-SMS payloads.
// Twilio's Messages API takes no idempotency key: a send is one POST, and a timeout leaves it
// unknown whether the message went out (ProviderError 'timeout', mayHaveBeenSent). Before such a
// message is sent again, `findSent` asks the Messages list (filtered by To and From) for a message
// with the same body created since that send began. Not by DateSent: a message Twilio still holds
// in its queue (behind a sender's rate limit, the very moment timeouts happen) has none yet.
import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../lib/crypto.js';
import type { FieldProblem } from '../../lib/errors.js';
import { err, ok, type Result } from '../../lib/result.js';
import type { FindSentResult, OutgoingSms, ProviderError, SentSmsQuery, SmsProvider, SmsSendResult } from './types.js';

export const DEFAULT_TWILIO_API_BASE = 'https://api.twilio.com';
export const TWILIO_API_VERSION = '2010-04-01';

export type TwilioCredentials = { accountSid: string; authToken: string };

export type TwilioProviderOptions = TwilioCredentials & {
  apiBase?: string; // default DEFAULT_TWILIO_API_BASE (see twilioApiBaseFromEnv)
  timeoutMs?: number; // default 10 s, covering the answer's body too
  fetch?: typeof fetch;
  name?: string; // default 'twilio'
};

/** TWILIO_API_BASE, for pointing the provider at the emulator. */
export function twilioApiBaseFromEnv(env: Record<string, string | undefined> = process.env): string {
  return env.TWILIO_API_BASE?.trim() || DEFAULT_TWILIO_API_BASE;
}

/** One provider per set of credentials: each brand brings its own Twilio account. */
export function createTwilioSmsProvider(options: TwilioProviderOptions): SmsProvider {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const apiBase = options.apiBase ?? DEFAULT_TWILIO_API_BASE;
  return {
    name: options.name ?? 'twilio',
    async send(message) {
      const request = twilioMessageRequest(apiBase, options, message);
      try {
        const response = await fetchImpl(request.url, { ...request.init, signal: AbortSignal.timeout(timeoutMs) });
        const text = await response.text(); // read under the same deadline
        return readTwilioAnswer(response.status, text, response.headers);
      } catch (cause) {
        return err(fetchFailure(cause, timeoutMs));
      }
    },
    async findSent(query) {
      const found: Array<{ providerMessageId: string; status: string }> = [];
      let request = twilioSentLookupRequest(apiBase, options, query);
      for (let page = 1; ; page += 1) {
        let listed: Record<string, unknown> | undefined;
        try {
          const response = await fetchImpl(request.url, { ...request.init, signal: AbortSignal.timeout(timeoutMs) });
          const text = await response.text();
          if (response.status < 200 || response.status >= 300) return err(twilioErrorToProviderError(response.status, parseJson(text), response.headers.get('retry-after')));
          listed = parseJson(text);
        } catch (cause) {
          // Only a read: whatever happened, nothing was sent, and asking again is safe.
          return err({ ...fetchFailure(cause, timeoutMs), mayHaveBeenSent: false, retryable: true });
        }
        const matches = sentMatches(listed, query);
        if (!matches.ok) return matches;
        found.push(...matches.value);
        const next = typeof listed?.next_page_uri === 'string' ? listed.next_page_uri : null;
        if (next === null) return ok(found);
        if (page === LOOKUP_MAX_PAGES) {
          return found.length > 0
            ? ok(found)
            : err({ code: 'unavailable', message: `Twilio lists more than ${LOOKUP_MAX_PAGES} pages of messages to ${query.to}: the earlier send could not be ruled out`, retryable: true });
        }
        request = { ...request, url: `${apiRoot(apiBase)}${next}` };
      }
    },
  };
}

/** Twilio's clock and ours may differ a little: a message created this long before the send began still counts. */
export const LOOKUP_CLOCK_SKEW_MS = 5 * 60_000;

/**
 * Pages of the Messages list read at most: one brand's number writes a customer a few texts per
 * order, so 50 per page covers years of them; past that the lookup answers that it could not tell.
 */
export const LOOKUP_MAX_PAGES = 5;

/**
 * The GET of the Messages list's first page that finds an earlier send: To and From (not for a
 * Messaging Service, which picks the sender itself), newest first. The creation time is checked on
 * each listed message (sentMatches); later pages are Twilio's `next_page_uri`.
 */
export function twilioSentLookupRequest(apiBase: string, credentials: TwilioCredentials, query: SentSmsQuery): { url: string; init: RequestInit & { headers: Record<string, string> } } {
  const params = new URLSearchParams({ To: query.to });
  if (!MESSAGING_SERVICE_SID.test(query.from)) params.set('From', query.from);
  params.set('PageSize', '50');
  const basic = Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64');
  return {
    url: `${messagesUrl(apiBase, credentials)}?${params.toString()}`,
    init: { method: 'GET', headers: { authorization: `Basic ${basic}`, accept: 'application/json' } },
  };
}

/** The listed messages that are this send: outbound, the same body, created since it began (less the skew). Pure. */
export function sentMatches(page: Record<string, unknown> | undefined, query: SentSmsQuery): FindSentResult {
  const listed = page?.messages;
  if (!Array.isArray(listed)) return err({ code: 'unavailable', message: 'Twilio answered the Messages list without a messages array', retryable: true });
  const earliest = query.since.getTime() - LOOKUP_CLOCK_SKEW_MS;
  const viaService = MESSAGING_SERVICE_SID.test(query.from);
  return ok(
    (listed as Array<Record<string, unknown>>)
      .filter((m) => typeof m.sid === 'string' && m.body === query.body && m.to === query.to)
      .filter((m) => (viaService ? m.messaging_service_sid === query.from : m.from === query.from))
      .filter((m) => typeof m.direction !== 'string' || m.direction.startsWith('outbound'))
      .filter((m) => typeof m.date_created === 'string' && Date.parse(m.date_created) >= earliest)
      .map((m) => ({ providerMessageId: m.sid as string, status: typeof m.status === 'string' ? m.status : 'queued' })),
  );
}

const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/i;

const apiRoot = (apiBase: string) => apiBase.replace(/\/+$/, '');
/** The account's Messages list resource: POST sends, GET lists. */
const messagesUrl = (apiBase: string, credentials: TwilioCredentials) => `${apiRoot(apiBase)}/${TWILIO_API_VERSION}/Accounts/${encodeURIComponent(credentials.accountSid)}/Messages.json`;

/** The POST that creates a message: form-encoded, HTTP Basic with AccountSid:AuthToken. */
export function twilioMessageRequest(
  apiBase: string,
  credentials: TwilioCredentials,
  message: OutgoingSms,
): { url: string; init: RequestInit & { headers: Record<string, string>; body: string } } {
  const form = new URLSearchParams({ To: message.to, Body: message.body });
  // A Messaging Service picks the sender from its pool; otherwise `from` is the sender number.
  form.set(MESSAGING_SERVICE_SID.test(message.from) ? 'MessagingServiceSid' : 'From', message.from);
  if (message.statusCallbackUrl) form.set('StatusCallback', message.statusCallbackUrl);
  // Dropped by Twilio (status failed, error 30036) rather than sent once this has passed in its queue.
  if (message.validityPeriodSeconds !== undefined) form.set('ValidityPeriod', String(message.validityPeriodSeconds));
  const basic = Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64');
  return {
    url: messagesUrl(apiBase, credentials),
    init: {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
        accept: 'application/json',
      },
      body: form.toString(),
    },
  };
}

function readTwilioAnswer(status: number, text: string, headers: Headers): SmsSendResult {
  const body = parseJson(text);
  if (status >= 200 && status < 300) {
    const sid = typeof body?.sid === 'string' ? body.sid : undefined;
    // The message may well exist; resending could duplicate it, so this is not retryable.
    if (!sid) return err({ code: 'invalid', message: `Twilio answered ${status} without a message sid`, retryable: false });
    return ok({ providerMessageId: sid, status: typeof body?.status === 'string' ? body.status : 'queued' });
  }
  return err(twilioErrorToProviderError(status, body, headers.get('retry-after')));
}

const OPTED_OUT = new Set([21610]); // "Attempt to send to unsubscribed recipient" (the recipient sent STOP)
const RECIPIENT_REJECTED = new Set([
  21211, // invalid 'To' phone number
  21614, // 'To' number is not a valid mobile number
  21612, // the 'To' number is not reachable by SMS from this sender
  21408, // sending to this region is not enabled
]);
const AUTH_FAILED = new Set([20003]);
const RATE_LIMITED = new Set([20429]);

/** Twilio's `{ code, message, more_info, status }` (or no body) to the provider vocabulary. */
export function twilioErrorToProviderError(httpStatus: number, body: Record<string, unknown> | undefined, retryAfter: string | null): ProviderError {
  const twilioCode = typeof body?.code === 'number' ? body.code : undefined;
  const message = `Twilio ${httpStatus}${twilioCode ? ` (${twilioCode})` : ''}: ${typeof body?.message === 'string' ? body.message : 'no error message'}`;
  const base = { message, providerCode: twilioCode ?? httpStatus };
  if (httpStatus === 401 || AUTH_FAILED.has(twilioCode ?? 0)) return { ...base, code: 'auth_failed', retryable: false };
  if (httpStatus === 429 || RATE_LIMITED.has(twilioCode ?? 0)) {
    const seconds = retryAfterSeconds(retryAfter);
    return { ...base, code: 'rate_limited', retryable: true, ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }) };
  }
  if (OPTED_OUT.has(twilioCode ?? 0)) return { ...base, code: 'opted_out', retryable: false };
  if (RECIPIENT_REJECTED.has(twilioCode ?? 0)) return { ...base, code: 'rejected_recipient', retryable: false };
  if (httpStatus >= 500) return { ...base, code: 'unavailable', retryable: true };
  return { ...base, code: 'invalid', retryable: false };
}

/** Retry-After is either delay-seconds or an HTTP date. */
export function retryAfterSeconds(value: string | null, now: Date = new Date()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

// Failures before the request left this machine: nothing can have been sent.
const BEFORE_THE_REQUEST = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

function fetchFailure(cause: unknown, timeoutMs: number): ProviderError {
  const name = cause instanceof Error ? cause.name : '';
  if (name === 'TimeoutError' || name === 'AbortError') {
    return { code: 'timeout', message: `Twilio did not answer within ${timeoutMs} ms; the message may have been sent`, retryable: true, mayHaveBeenSent: true };
  }
  const inner = cause instanceof Error && cause.cause instanceof Error ? (cause.cause as Error & { code?: unknown }) : undefined;
  const reason = inner ? inner.message : cause instanceof Error ? cause.message : String(cause);
  // A connection cut once the request may have been written (a reset, "other side closed") is as
  // unknown as a timeout: looked up before it is sent again.
  const beforeTheRequest = typeof inner?.code === 'string' && BEFORE_THE_REQUEST.has(inner.code);
  return { code: 'unavailable', message: `Twilio could not be reached: ${reason}`, retryable: true, ...(beforeTheRequest ? {} : { mayHaveBeenSent: true }) };
}

export function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// ---- webhooks: the signature --------------------------------------------------------------------

/** Form parameters as Twilio posts them; a repeated key carries several values. */
export type TwilioParams = Record<string, string | readonly string[]>;

/** Parses an application/x-www-form-urlencoded body, keeping repeated keys. */
export function parseTwilioForm(rawBody: string | Buffer): Record<string, string | string[]> {
  const params: Record<string, string | string[]> = {};
  for (const [key, value] of new URLSearchParams(rawBody.toString())) {
    const existing = params[key];
    params[key] = existing === undefined ? value : [...(Array.isArray(existing) ? existing : [existing]), value];
  }
  return params;
}

/**
 * X-Twilio-Signature: base64(HMAC-SHA1(authToken, url + each POST parameter sorted by name, the
 * name immediately followed by its value)). A repeated name contributes each of its distinct values,
 * sorted (as Twilio's libraries do).
 * `url` is the full URL Twilio requested, query string included.
 */
export function computeTwilioSignature(input: { url: string; params: TwilioParams; authToken: string }): string {
  const signed = Object.keys(input.params)
    .sort()
    .reduce((data, key) => data + valuesOf(input.params[key]).map((value) => key + value).join(''), input.url);
  return createHmac('sha1', input.authToken).update(signed, 'utf8').digest('base64');
}

/**
 * Checks X-Twilio-Signature in constant time. Like Twilio's own libraries, it also accepts the
 * signature computed over the URL without its port, or with the scheme's default port, since
 * Twilio signs the URL as configured and proxies may add or drop the port.
 */
export function verifyTwilioSignature(input: { url: string; params: TwilioParams; signature: string | undefined | null; authToken: string }): boolean {
  const signature = input.signature ?? '';
  if (!signature || !input.authToken) return false;
  let valid = false;
  for (const url of urlsTwilioMayHaveSigned(input.url)) {
    // Every candidate is compared, so the time taken does not depend on which one matched.
    if (constantTimeEqual(computeTwilioSignature({ url, params: input.params, authToken: input.authToken }), signature)) valid = true;
  }
  return valid;
}

const URL_PARTS = /^(https?:\/\/)([^/?#@]*@)?(\[[^\]]*\]|[^/?#:]*)(:\d+)?(.*)$/is;

function urlsTwilioMayHaveSigned(url: string): string[] {
  const parts = URL_PARTS.exec(url);
  if (!parts) return [url];
  const [, scheme, userinfo = '', host, port, rest] = parts;
  const defaultPort = scheme.toLowerCase() === 'https://' ? ':443' : ':80';
  const other = port ? `${scheme}${userinfo}${host}${rest}` : `${scheme}${userinfo}${host}${defaultPort}${rest}`;
  return [url, other];
}

function valuesOf(value: string | readonly string[] | undefined): string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : [...new Set(value)].sort();
}

// ---- webhooks: the payloads --------------------------------------------------------------------

export const TWILIO_MESSAGE_STATUSES = [
  'accepted', 'scheduled', 'canceled', 'queued', 'sending', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'partially_delivered',
] as const;
export type TwilioMessageStatus = (typeof TWILIO_MESSAGE_STATUSES)[number];

/** Error 30036, "Validity Period Expired": the text waited in Twilio's queue past its ValidityPeriod and was not sent. */
export const TWILIO_VALIDITY_EXPIRED = 30036;

export type TwilioStatusCallback = {
  providerMessageId: string;
  status: TwilioMessageStatus;
  errorCode?: number; // e.g. 30003 unreachable handset, 30006 landline, 30007 carrier filtering
  accountSid?: string;
  to?: string;
  from?: string;
};

export type TwilioInboundSms = {
  messageSid: string;
  from: string;
  to: string;
  body: string;
  accountSid?: string;
  /** Set when the body is one of Twilio's keywords (STOP…, START…, HELP…), whether or not Twilio sent OptOutType. */
  keyword?: TwilioKeyword;
};

const MESSAGE_SID = /^(SM|MM)[0-9a-f]{32}$/i;

export function parseTwilioStatusCallback(params: TwilioParams): Result<TwilioStatusCallback, FieldProblem> {
  const sid = single(params, 'MessageSid') ?? single(params, 'SmsSid');
  if (!sid) return err({ field: 'MessageSid', problem: 'is required' });
  if (!MESSAGE_SID.test(sid)) return err({ field: 'MessageSid', problem: `"${sid}" is not a Twilio message SID (SM… or MM…)` });
  const status = single(params, 'MessageStatus') ?? single(params, 'SmsStatus');
  if (!status) return err({ field: 'MessageStatus', problem: 'is required' });
  if (!isMessageStatus(status)) return err({ field: 'MessageStatus', problem: `"${status}" is not one of ${TWILIO_MESSAGE_STATUSES.join(', ')}` });
  const errorCode = single(params, 'ErrorCode');
  if (errorCode && !/^\d+$/.test(errorCode)) return err({ field: 'ErrorCode', problem: `"${errorCode}" is not a number` });
  return ok({
    providerMessageId: sid,
    status,
    ...(errorCode ? { errorCode: Number(errorCode) } : {}),
    ...optional('accountSid', single(params, 'AccountSid')),
    ...optional('to', single(params, 'To')),
    ...optional('from', single(params, 'From')),
  });
}

export function parseTwilioInboundSms(params: TwilioParams): Result<TwilioInboundSms, FieldProblem> {
  const messageSid = single(params, 'MessageSid') ?? single(params, 'SmsMessageSid') ?? single(params, 'SmsSid');
  if (!messageSid) return err({ field: 'MessageSid', problem: 'is required' });
  if (!MESSAGE_SID.test(messageSid)) return err({ field: 'MessageSid', problem: `"${messageSid}" is not a Twilio message SID (SM… or MM…)` });
  const from = single(params, 'From');
  if (!from) return err({ field: 'From', problem: 'is required' });
  const to = single(params, 'To');
  if (!to) return err({ field: 'To', problem: 'is required' });
  const body = single(params, 'Body') ?? ''; // a picture-only MMS has no text
  const keyword = twilioKeywordOf(body) ?? optOutTypeOf(single(params, 'OptOutType'));
  return ok({ messageSid, from, to, body, ...optional('accountSid', single(params, 'AccountSid')), ...(keyword ? { keyword } : {}) });
}

// Twilio's default keywords on long codes. A message counts when it is one of these words, ignoring
// case, surrounding spaces and a trailing . or ! (leaning towards honouring an opt-out).
export const TWILIO_KEYWORDS = {
  STOP: ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'],
  START: ['START', 'YES', 'UNSTOP'],
  HELP: ['HELP', 'INFO'],
} as const;
export type TwilioKeyword = keyof typeof TWILIO_KEYWORDS;

export function twilioKeywordOf(body: string): TwilioKeyword | undefined {
  const word = body.trim().replace(/[.!]+$/, '').toUpperCase();
  return (Object.keys(TWILIO_KEYWORDS) as TwilioKeyword[]).find((keyword) => (TWILIO_KEYWORDS[keyword] as readonly string[]).includes(word));
}

function optOutTypeOf(value: string | undefined): TwilioKeyword | undefined {
  const upper = value?.toUpperCase();
  return upper === 'STOP' || upper === 'START' || upper === 'HELP' ? upper : undefined;
}

function isMessageStatus(value: string): value is TwilioMessageStatus {
  return (TWILIO_MESSAGE_STATUSES as readonly string[]).includes(value);
}

function single(params: TwilioParams, key: string): string | undefined {
  const value = params[key];
  if (value === undefined) return undefined;
  return typeof value === 'string' ? value : value[0];
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value ? { [key]: value } : {}) as { [P in K]?: string };
}
