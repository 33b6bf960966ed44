// A stand-in for api.twilio.com's Messages API: a real HTTP server on loopback speaking Twilio's
// formats (201 with a Message resource, errors as { code, message, more_info, status }), for tests,
// the demo and benchmarks. It checks HTTP Basic auth against its accounts, records every message,
// can be told to fail the way Twilio does, and sends status callbacks and inbound SMS webhooks
// signed with X-Twilio-Signature exactly as Twilio signs them. Error texts are reconstructed.
// It lists messages too (GET Messages.json filtered by To, From and DateSent, newest first), as
// Waybill asks after a send whose answer never came.
// A message is sent (has its DateSent) the moment it is created, unless the emulator is told to
// hold its sending queue (`holdQueue`): then, as when Twilio queues behind a sender's rate, it
// stays queued (or accepted) with no DateSent, so a list filtered by DateSent does not show it.
// A message created with a ValidityPeriod (1–36,000 s, else 400 with error 90007) that is still held
// when the queue is released after that many seconds is not sent: it fails with error 30036
// ("Validity Period Expired"), reported to its StatusCallback as `failed`.
// Simplifications: opt-outs are kept per recipient number, not per (sender, recipient) pair.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../lib/clock.js';
import { computeTwilioSignature, twilioKeywordOf, TWILIO_API_VERSION, TWILIO_VALIDITY_EXPIRED, type TwilioCredentials, type TwilioMessageStatus } from './twilio.js';

export const EMULATOR_ACCOUNT: TwilioCredentials = {
  accountSid: `AC${'0'.repeat(31)}1`,
  authToken: 'emulator-auth-token-0000000000000',
};

export type TwilioEmulatorOptions = {
  /** Accounts accepted over Basic auth; default [EMULATOR_ACCOUNT]. */
  accounts?: TwilioCredentials[];
  host?: string; // default 127.0.0.1
  port?: number; // default 0: any free port
  latencyMs?: number; // before answering a Messages API call
  /** Status callbacks fired by themselves after a message is accepted, e.g. ['sent', 'delivered']. */
  autoStatusCallbacks?: readonly TwilioMessageStatus[];
  autoStatusDelayMs?: number; // between two automatic callbacks; default 5
  clock?: Clock;
  maxRecorded?: number; // messages, requests and webhooks kept, latest first out; default 1000
  fetch?: typeof fetch; // for the webhooks it sends
};

export type EmulatedMessage = {
  sid: string;
  accountSid: string;
  from: string | null;
  messagingServiceSid: string | null;
  to: string;
  body: string;
  statusCallback: string | null;
  status: TwilioMessageStatus;
  errorCode: number | null;
  numSegments: number;
  dateCreated: string; // RFC 2822, as Twilio prints it
  dateSent: string | null; // RFC 2822; null while held in the queue (holdQueue)
  validityPeriod: number | null; // seconds, as posted (ValidityPeriod)
  createdAtMs: number;
};

export type RecordedTwilioRequest = {
  method: string;
  path: string;
  params: Record<string, string>;
  headers: Record<string, string>;
  status: number;
};

export type WebhookDelivery = {
  kind: 'status' | 'inbound';
  url: string;
  params: Record<string, string>;
  signature: string;
  /** The receiver's answer; absent when it could not be reached (see `error`). */
  responseStatus?: number;
  responseBody?: string;
  error?: string;
};

export type TwilioEmulatorFailure = {
  status: 429 | 500 | 503;
  retryAfterSeconds?: number; // sent as Retry-After with a 429
  times?: number; // default 1
};

export type TwilioEmulator = {
  /** The API base to give the provider (TWILIO_API_BASE). */
  readonly url: string;
  /** The first account's credentials. */
  readonly accountSid: string;
  readonly authToken: string;
  readonly messages: readonly EmulatedMessage[];
  readonly requests: readonly RecordedTwilioRequest[];
  readonly webhooks: readonly WebhookDelivery[];
  addAccount(credentials: TwilioCredentials): void;
  /** The next Messages API calls fail with this status (queued: several calls chain). */
  failNext(failure: TwilioEmulatorFailure): void;
  /** Refuses this number: 21211 invalid number (default), 21614 not a mobile, 21612 unreachable by SMS. */
  rejectNumber(number: string, code?: 21211 | 21614 | 21612): void;
  /** Answers 21610 for this number, as after the recipient texted STOP. */
  markOptedOut(number: string): void;
  markOptedIn(number: string): void;
  isOptedOut(number: string): boolean;
  /** Automatic status callbacks for this number end in 'undelivered' with this error (default 30003). */
  markUndeliverable(number: string, errorCode?: number): void;
  setLatency(ms: number): void;
  /**
   * Held: new messages wait in the queue, without DateSent; released: the waiting ones are sent now,
   * except those whose ValidityPeriod has passed meanwhile: failed with 30036 (and called back).
   */
  holdQueue(held: boolean): void;
  /** Posts a signed status callback for a recorded message, to its StatusCallback unless `url` is given. */
  sendStatusCallback(sid: string, status: TwilioMessageStatus, options?: { errorCode?: number; url?: string }): Promise<WebhookDelivery>;
  /** Posts a signed inbound-SMS webhook, as Twilio does when a customer texts a brand's number; STOP/START update the opt-outs. */
  sendInboundSms(input: { url: string; from: string; to: string; body: string; accountSid?: string }): Promise<WebhookDelivery>;
  /** Resolves when every automatic status callback started so far has been sent. */
  settled(): Promise<void>;
  /** Forgets messages, requests, webhooks, failures, rejections and opt-outs (accounts stay). */
  reset(): void;
  close(): Promise<void>;
};

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

const MESSAGES_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\.json$/;
const MESSAGE_PATH = /^\/2010-04-01\/Accounts\/([^/]+)\/Messages\/([^/]+)\.json$/;
const E164 = /^\+[1-9]\d{1,14}$/;
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;
const MESSAGING_SERVICE_SID = /^MG[0-9a-f]{32}$/i;
const MAX_BODY_CHARS = 1600;
const MAX_REQUEST_BYTES = 64 * 1024;

export async function startTwilioEmulator(options: TwilioEmulatorOptions = {}): Promise<TwilioEmulator> {
  const clock = options.clock ?? systemClock;
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const maxRecorded = Math.max(1, options.maxRecorded ?? 1000);
  const autoStatuses = options.autoStatusCallbacks ?? [];
  const autoStatusDelayMs = options.autoStatusDelayMs ?? 5;
  const accounts = new Map((options.accounts ?? [EMULATOR_ACCOUNT]).map((a) => [a.accountSid, a.authToken]));
  const [firstAccount] = accounts;
  if (!firstAccount) throw new Error('the Twilio emulator needs at least one account');
  let latencyMs = options.latencyMs ?? 0;
  let queueHeld = false;
  const messages: EmulatedMessage[] = [];
  const requests: RecordedTwilioRequest[] = [];
  const webhooks: WebhookDelivery[] = [];
  const pendingFailures: (TwilioEmulatorFailure & { times: number })[] = [];
  const rejected = new Map<string, 21211 | 21614 | 21612>();
  const optedOut = new Set<string>();
  const undeliverable = new Map<string, number>();
  const inFlight = new Set<Promise<unknown>>();
  const timers = new Set<NodeJS.Timeout>();

  // ---- the Messages API ----

  function answer(req: IncomingMessage, path: string, params: Record<string, string>, query: URLSearchParams): Answer {
    const failure = takeFailure();
    if (failure) return injectedFailure(failure);
    const created = MESSAGES_PATH.exec(path);
    const fetched = MESSAGE_PATH.exec(path);
    if (!created && !fetched) return twilioError(404, 20404, `The requested resource ${path} was not found`);
    const accountSid = decodeURIComponent((created ?? fetched)![1]);
    if (!authenticates(req.headers.authorization, accountSid)) return unauthenticated();
    if (fetched) {
      const message = req.method === 'GET' ? messages.find((m) => m.sid === fetched[2] && m.accountSid === accountSid) : undefined;
      return message ? { status: 200, body: messageResource(message) } : twilioError(404, 20404, `The requested resource ${path} was not found`);
    }
    if (req.method === 'GET') return listMessages(accountSid, path, query);
    if (req.method !== 'POST') return twilioError(405, 20004, 'Method not allowed');
    return createMessage(accountSid, params);
  }

  /**
   * The Messages list: To, From, DateSent (a GMT day: `DateSent=`, `DateSent<=`, `DateSent>=`), newest
   * first, PageSize (default 50, at most 1000) and Page.
   */
  function listMessages(accountSid: string, path: string, query: URLSearchParams): Answer {
    const day = (key: string) => query.get(key) ?? undefined;
    const [on, onOrBefore, onOrAfter] = [day('DateSent'), day('DateSent<'), day('DateSent>')];
    for (const value of [on, onOrBefore, onOrAfter]) if (value !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(value)) return twilioError(400, 20001, 'Invalid date value.');
    const pageSize = Math.min(1000, Math.max(1, Number(query.get('PageSize') ?? 50) || 50));
    const page = Math.max(0, Number(query.get('Page') ?? 0) || 0);
    const to = query.get('To');
    const from = query.get('From');
    const matching = messages
      .filter((m) => m.accountSid === accountSid && (!to || m.to === to) && (!from || m.from === from))
      .filter((m) => {
        if (on === undefined && onOrBefore === undefined && onOrAfter === undefined) return true;
        if (m.dateSent === null) return false; // not sent yet: no DateSent to match
        const sentDay = new Date(m.dateSent).toISOString().slice(0, 10);
        return (on === undefined || sentDay === on) && (onOrBefore === undefined || sentDay <= onOrBefore) && (onOrAfter === undefined || sentDay >= onOrAfter);
      })
      .reverse(); // newest first
    const listed = matching.slice(page * pageSize, (page + 1) * pageSize);
    const uri = (p: number) => `${path}?${new URLSearchParams([...[...query].filter(([key]) => key !== 'Page' && key !== 'PageSize'), ['PageSize', String(pageSize)], ['Page', String(p)]]).toString()}`;
    return {
      status: 200,
      body: {
        messages: listed.map(messageResource),
        page,
        page_size: pageSize,
        start: page * pageSize,
        end: page * pageSize + Math.max(0, listed.length - 1),
        uri: uri(page),
        first_page_uri: uri(0),
        next_page_uri: (page + 1) * pageSize < matching.length ? uri(page + 1) : null,
        previous_page_uri: page > 0 ? uri(page - 1) : null,
      },
    };
  }

  function createMessage(accountSid: string, params: Record<string, string>): Answer {
    const problem = invalidRequest(params);
    if (problem) return problem;
    const to = params.To;
    const rejection = rejected.get(to) ?? (E164.test(to) ? undefined : 21211);
    if (rejection) return recipientRejected(rejection, to);
    if (optedOut.has(to)) return twilioError(400, 21610, 'Attempt to send to unsubscribed recipient');
    const message: EmulatedMessage = {
      sid: newSid('SM'),
      accountSid,
      from: params.From || null,
      messagingServiceSid: params.MessagingServiceSid || null,
      to,
      body: params.Body,
      statusCallback: params.StatusCallback || null,
      // Through a Messaging Service without a sender, Twilio first answers 'accepted'.
      status: params.From ? 'queued' : 'accepted',
      errorCode: null,
      numSegments: segmentsOf(params.Body),
      dateCreated: rfc2822(clock.now()),
      dateSent: queueHeld ? null : rfc2822(clock.now()),
      validityPeriod: params.ValidityPeriod ? Number(params.ValidityPeriod) : null,
      createdAtMs: clock.now().getTime(),
    };
    remember(messages, message);
    if (message.statusCallback && autoStatuses.length > 0) track(runAutoStatusCallbacks(message));
    return { status: 201, body: messageResource(message) };
  }

  function authenticates(header: string | undefined, accountSid: string): boolean {
    const match = /^Basic\s+(.+)$/i.exec(header ?? '');
    if (!match) return false;
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const user = decoded.slice(0, colon);
    return colon > 0 && user === accountSid && accounts.get(user) === decoded.slice(colon + 1);
  }

  function takeFailure(): TwilioEmulatorFailure | undefined {
    const failure = pendingFailures[0];
    if (failure && --failure.times <= 0) pendingFailures.shift();
    return failure;
  }

  // ---- webhooks sent to the app ----

  async function runAutoStatusCallbacks(message: EmulatedMessage): Promise<void> {
    const errorCode = undeliverable.get(message.to);
    for (const status of autoStatuses) {
      await sleep(autoStatusDelayMs, timers);
      const final = errorCode !== undefined && (status === 'delivered' || status === 'read');
      await sendStatusCallback(message.sid, final ? 'undelivered' : status, final ? { errorCode } : {});
      if (final) return;
    }
  }

  async function sendStatusCallback(sid: string, status: TwilioMessageStatus, callbackOptions: { errorCode?: number; url?: string } = {}): Promise<WebhookDelivery> {
    const message = messages.find((m) => m.sid === sid);
    if (!message) throw new Error(`the Twilio emulator has no message ${sid}`);
    const url = callbackOptions.url ?? message.statusCallback;
    if (!url) throw new Error(`message ${sid} has no StatusCallback and no url was given`);
    message.status = status;
    if (callbackOptions.errorCode !== undefined) message.errorCode = callbackOptions.errorCode;
    const params: Record<string, string> = {
      ApiVersion: TWILIO_API_VERSION,
      AccountSid: message.accountSid,
      MessageSid: message.sid,
      SmsSid: message.sid,
      MessageStatus: status,
      SmsStatus: status,
      To: message.to,
      ...(message.from ? { From: message.from } : {}),
      ...(message.messagingServiceSid ? { MessagingServiceSid: message.messagingServiceSid } : {}),
      ...(callbackOptions.errorCode !== undefined ? { ErrorCode: String(callbackOptions.errorCode) } : {}),
    };
    return postSigned('status', url, params, authTokenOf(message.accountSid));
  }

  async function sendInboundSms(input: { url: string; from: string; to: string; body: string; accountSid?: string }): Promise<WebhookDelivery> {
    const accountSid = input.accountSid ?? firstAccount![0];
    const keyword = twilioKeywordOf(input.body);
    if (keyword === 'STOP') optedOut.add(input.from);
    if (keyword === 'START') optedOut.delete(input.from);
    const sid = newSid('SM');
    const params: Record<string, string> = {
      ApiVersion: TWILIO_API_VERSION,
      AccountSid: accountSid,
      MessageSid: sid,
      SmsMessageSid: sid,
      SmsSid: sid,
      SmsStatus: 'received',
      From: input.from,
      To: input.to,
      Body: input.body,
      NumMedia: '0',
      NumSegments: String(segmentsOf(input.body)),
      ...(keyword ? { OptOutType: keyword } : {}),
    };
    return postSigned('inbound', input.url, params, authTokenOf(accountSid));
  }

  async function postSigned(kind: WebhookDelivery['kind'], url: string, params: Record<string, string>, authToken: string): Promise<WebhookDelivery> {
    const signature = computeTwilioSignature({ url, params, authToken });
    const delivery: WebhookDelivery = { kind, url, params, signature };
    try {
      const response = await fetchImpl(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-twilio-signature': signature,
          'i-twilio-idempotency-token': randomUUID(),
          'user-agent': 'TwilioProxy/1.1',
        },
        body: new URLSearchParams(params).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(15_000), // Twilio gives a webhook 15 s
      });
      delivery.responseStatus = response.status;
      delivery.responseBody = await response.text();
    } catch (cause) {
      delivery.error = cause instanceof Error ? cause.message : String(cause);
    }
    remember(webhooks, delivery);
    return delivery;
  }

  function authTokenOf(accountSid: string): string {
    const token = accounts.get(accountSid);
    if (!token) throw new Error(`the Twilio emulator has no account ${accountSid}`);
    return token;
  }

  function track(work: Promise<unknown>): void {
    const guarded = work.catch(() => undefined).finally(() => inFlight.delete(guarded));
    inFlight.add(guarded);
  }

  function remember<T>(list: T[], item: T): void {
    if (list.length >= maxRecorded) list.splice(0, list.length - maxRecorded + 1);
    list.push(item);
  }

  // ---- HTTP ----

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://twilio.emulator');
    const path = url.pathname;
    const params = Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    if (latencyMs > 0) await sleep(latencyMs, timers);
    // Answered even when the client gave up waiting: Twilio would have sent the message too.
    const result = raw.length > MAX_REQUEST_BYTES ? twilioError(413, 20001, 'Request entity too large') : answer(req, path, params, url.searchParams);
    remember(requests, {
      method: req.method ?? 'GET',
      path,
      params: req.method === 'GET' ? Object.fromEntries(url.searchParams) : params,
      headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
      status: result.status,
    });
    write(res, result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;

  return {
    url: `http://${address}:${port}`,
    accountSid: firstAccount[0],
    authToken: firstAccount[1],
    messages,
    requests,
    webhooks,
    addAccount: (credentials) => void accounts.set(credentials.accountSid, credentials.authToken),
    failNext: (failure) => void pendingFailures.push({ ...failure, times: failure.times ?? 1 }),
    rejectNumber: (number, code = 21211) => void rejected.set(number, code),
    markOptedOut: (number) => void optedOut.add(number),
    markOptedIn: (number) => void optedOut.delete(number),
    isOptedOut: (number) => optedOut.has(number),
    markUndeliverable: (number, errorCode = 30003) => void undeliverable.set(number, errorCode),
    setLatency: (ms) => void (latencyMs = ms),
    holdQueue(held) {
      queueHeld = held;
      if (held) return;
      for (const message of messages) {
        if (message.dateSent !== null || message.status === 'failed') continue;
        if (message.validityPeriod !== null && clock.now().getTime() - message.createdAtMs > message.validityPeriod * 1000) {
          message.status = 'failed';
          message.errorCode = TWILIO_VALIDITY_EXPIRED;
          if (message.statusCallback) track(sendStatusCallback(message.sid, 'failed', { errorCode: TWILIO_VALIDITY_EXPIRED }));
          continue;
        }
        message.dateSent = rfc2822(clock.now());
        message.status = 'sent';
      }
    },
    sendStatusCallback,
    sendInboundSms,
    settled: async () => {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    reset() {
      for (const list of [messages, requests, webhooks, pendingFailures]) list.length = 0;
      queueHeld = false;
      for (const collection of [rejected, optedOut, undeliverable]) collection.clear();
    },
    close: () => closeServer(server, timers),
  };
}

// ---- Twilio payloads ------------------------------------------------------------------------------

function messageResource(message: EmulatedMessage): Record<string, unknown> {
  const uri = `/${TWILIO_API_VERSION}/Accounts/${message.accountSid}/Messages/${message.sid}`;
  return {
    account_sid: message.accountSid,
    api_version: TWILIO_API_VERSION,
    body: message.body,
    date_created: message.dateCreated,
    date_sent: message.dateSent,
    date_updated: message.dateCreated,
    direction: 'outbound-api',
    error_code: message.errorCode,
    error_message: null,
    from: message.from,
    messaging_service_sid: message.messagingServiceSid,
    num_media: '0',
    num_segments: String(message.numSegments),
    price: null,
    price_unit: 'USD',
    sid: message.sid,
    status: message.status,
    subresource_uris: { media: `${uri}/Media.json` },
    to: message.to,
    uri: `${uri}.json`,
  };
}

function invalidRequest(params: Record<string, string>): Answer | undefined {
  if (!params.To) return twilioError(400, 21604, "A 'To' phone number is required.");
  if (!params.From && !params.MessagingServiceSid) return twilioError(400, 21603, "A 'From' phone number is required.");
  if (params.From && !E164.test(params.From) && !ALPHANUMERIC_SENDER.test(params.From)) {
    return twilioError(400, 21212, `The 'From' number ${params.From} is not a valid phone number, shortcode, or alphanumeric sender ID.`);
  }
  if (params.MessagingServiceSid && !MESSAGING_SERVICE_SID.test(params.MessagingServiceSid)) {
    return twilioError(400, 21705, `The Messaging Service Sid ${params.MessagingServiceSid} is invalid.`);
  }
  if (!params.Body) return twilioError(400, 21602, 'Message body is required.');
  if (params.Body.length > MAX_BODY_CHARS) return twilioError(400, 21617, 'The concatenated message body exceeds the 1600 character limit.');
  if (params.ValidityPeriod !== undefined && !(/^\d+$/.test(params.ValidityPeriod) && Number(params.ValidityPeriod) >= 1 && Number(params.ValidityPeriod) <= 36_000)) {
    return twilioError(400, 90007, 'Invalid validity period value');
  }
  if (params.StatusCallback && !/^https?:\/\/[^\s]+$/i.test(params.StatusCallback)) {
    return twilioError(400, 21609, `The StatusCallback URL ${params.StatusCallback} is not a valid URL.`);
  }
  return undefined;
}

function recipientRejected(code: 21211 | 21614 | 21612, to: string): Answer {
  const messages = {
    21211: `Invalid 'To' Phone Number: ${to}`,
    21614: `'To' number ${to} is not a valid mobile number`,
    21612: `The 'To' phone number: ${to}, is not currently reachable using the 'From' phone number via SMS.`,
  };
  return twilioError(400, code, messages[code]);
}

function injectedFailure(failure: TwilioEmulatorFailure): Answer {
  if (failure.status === 429) {
    const retryAfter: Record<string, string> = failure.retryAfterSeconds === undefined ? {} : { 'retry-after': String(failure.retryAfterSeconds) };
    return { ...twilioError(429, 20429, 'Too Many Requests'), headers: retryAfter };
  }
  return failure.status === 500 ? twilioError(500, 20500, 'Internal Server Error') : twilioError(503, 20503, 'Service Unavailable');
}

function unauthenticated(): Answer {
  return { ...twilioError(401, 20003, 'Authenticate'), headers: { 'www-authenticate': 'Basic realm="Twilio API"' } };
}

function twilioError(status: number, code: number, message: string): Answer {
  return { status, body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status } };
}

// GSM 03.38: 160 characters in one part, 153 per part when split; anything else is UCS-2 (70/67).
const GSM_BASIC = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;
const GSM_EXTENDED = /[\^{}\\[~\]|€]/g;

export function segmentsOf(body: string): number {
  if (GSM_BASIC.test(body)) {
    const septets = body.length + (body.match(GSM_EXTENDED)?.length ?? 0);
    return septets <= 160 ? 1 : Math.ceil(septets / 153);
  }
  const units = body.length; // UTF-16 code units, as UCS-2 counts them
  return units <= 70 ? 1 : Math.ceil(units / 67);
}

function newSid(prefix: 'SM'): string {
  return prefix + randomBytes(16).toString('hex');
}

function rfc2822(date: Date): string {
  return date.toUTCString().replace('GMT', '+0000');
}

// ---- plumbing -----------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_REQUEST_BYTES + 1) chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function write(res: ServerResponse, result: Answer): void {
  if (res.destroyed) return;
  res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8', ...result.headers });
  res.end(JSON.stringify(result.body));
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });
}

function closeServer(server: ReturnType<typeof createServer>, timers: Set<NodeJS.Timeout>): Promise<void> {
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
