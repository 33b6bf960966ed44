// The Twilio provider against the Twilio emulator over real HTTP, and the webhook side:
// signatures (Twilio's published vectors), status callbacks and inbound SMS.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTwilioEmulator, segmentsOf, type TwilioEmulator, type TwilioEmulatorOptions } from '../../src/notifications/providers/twilio-emulator.js';
import {
  computeTwilioSignature,
  createTwilioSmsProvider,
  parseTwilioForm,
  parseTwilioInboundSms,
  parseTwilioStatusCallback,
  retryAfterSeconds,
  twilioApiBaseFromEnv,
  twilioKeywordOf,
  twilioMessageRequest,
  verifyTwilioSignature,
  type TwilioProviderOptions,
} from '../../src/notifications/providers/twilio.js';
import type { OutgoingSms, SmsProvider } from '../../src/notifications/providers/types.js';

const BRAND_NUMBER = '+15005550006';
const CUSTOMER = '+14155550123';
const MESSAGING_SERVICE = 'MG0123456789abcdef0123456789abcdef';

type Hook = { url: string; headers: IncomingMessage['headers']; rawBody: string };

let emulator: TwilioEmulator;
let receiver: { url: string; hooks: Hook[]; server: Server };

beforeEach(async () => {
  emulator = await startTwilioEmulator();
  receiver = await startReceiver();
});

afterEach(async () => {
  await emulator.close();
  await new Promise<void>((resolve) => {
    receiver.server.close(() => resolve());
    receiver.server.closeAllConnections();
  });
});

/** Stands in for Waybill's webhook endpoints: records what Twilio posted and answers like an app. */
async function startReceiver(): Promise<{ url: string; hooks: Hook[]; server: Server }> {
  const hooks: Hook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hooks.push({ url: `${base}${req.url}`, headers: req.headers, rawBody: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/xml' }).end('<Response/>');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: base, hooks, server };
}

function twilio(options: Partial<TwilioProviderOptions> = {}): SmsProvider {
  return createTwilioSmsProvider({ accountSid: emulator.accountSid, authToken: emulator.authToken, apiBase: emulator.url, timeoutMs: 2_000, ...options });
}

function sms(overrides: Partial<OutgoingSms> = {}): OutgoingSms {
  return {
    from: BRAND_NUMBER,
    to: CUSTOMER,
    body: 'Northwind: your order shipped. Track it: https://track.northwind.example/t/8f2k3',
    statusCallbackUrl: `${receiver.url}/webhooks/twilio/status?brand=northwind`,
    idempotencyKey: 'notif:ord_01j:shipped:sms:1',
    ...overrides,
  };
}

async function restartEmulator(options: TwilioEmulatorOptions): Promise<void> {
  await emulator.close();
  emulator = await startTwilioEmulator(options);
}

function verifyHook(hook: Hook, authToken = emulator.authToken): boolean {
  return verifyTwilioSignature({ url: hook.url, params: parseTwilioForm(hook.rawBody), signature: hook.headers['x-twilio-signature'] as string | undefined, authToken });
}

describe('Twilio provider: sending', () => {
  it('creates a message with a form-encoded POST and Basic auth, and returns its SID and status', async () => {
    const result = await twilio().send(sms());
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.providerMessageId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result.value.status).toBe('queued');

    const [request] = emulator.requests;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/2010-04-01/Accounts/${emulator.accountSid}/Messages.json`);
    expect(request.status).toBe(201);
    expect(request.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(request.headers.authorization).toBe(`Basic ${Buffer.from(`${emulator.accountSid}:${emulator.authToken}`).toString('base64')}`);
    expect(request.params).toEqual({
      To: CUSTOMER,
      From: BRAND_NUMBER,
      Body: 'Northwind: your order shipped. Track it: https://track.northwind.example/t/8f2k3',
      StatusCallback: `${receiver.url}/webhooks/twilio/status?brand=northwind`,
    });
    expect(emulator.messages).toMatchObject([{ sid: result.value.providerMessageId, to: CUSTOMER, from: BRAND_NUMBER, status: 'queued', numSegments: 1 }]);
  });

  it('sends through a Messaging Service when `from` is an MG… SID (Twilio answers "accepted")', async () => {
    const result = await twilio().send(sms({ from: MESSAGING_SERVICE, statusCallbackUrl: undefined }));
    expect(result).toMatchObject({ ok: true, value: { status: 'accepted' } });
    expect(emulator.requests[0].params).toEqual({ To: CUSTOMER, MessagingServiceSid: MESSAGING_SERVICE, Body: sms().body });
  });

  it('builds the request URL from the API base, with or without a trailing slash', () => {
    const credentials = { accountSid: 'AC123', authToken: 't' };
    expect(twilioMessageRequest('https://api.twilio.com/', credentials, sms()).url).toBe('https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json');
    expect(twilioApiBaseFromEnv({})).toBe('https://api.twilio.com');
    expect(twilioApiBaseFromEnv({ TWILIO_API_BASE: 'http://127.0.0.1:4010' })).toBe('http://127.0.0.1:4010');
  });

  it('serves the message back from the Messages resource, as Twilio does', async () => {
    const result = await twilio().send(sms());
    if (!result.ok) throw new Error('send failed');
    const auth = `Basic ${Buffer.from(`${emulator.accountSid}:${emulator.authToken}`).toString('base64')}`;
    const response = await fetch(`${emulator.url}/2010-04-01/Accounts/${emulator.accountSid}/Messages/${result.value.providerMessageId}.json`, { headers: { authorization: auth } });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ sid: result.value.providerMessageId, status: 'queued', direction: 'outbound-api', to: CUSTOMER, num_segments: '1', error_code: null });
  });
});

describe('Twilio provider: failures', () => {
  it('maps 21610 (the recipient texted STOP) to opted_out, not retryable', async () => {
    emulator.markOptedOut(CUSTOMER);
    expect(await twilio().send(sms())).toEqual({
      ok: false,
      error: { code: 'opted_out', message: 'Twilio 400 (21610): Attempt to send to unsubscribed recipient', retryable: false, providerCode: 21610 },
    });
    expect(emulator.messages).toHaveLength(0);
  });

  it('maps 21211 (invalid number) and 21614 (not a mobile) to rejected_recipient, not retryable', async () => {
    emulator.rejectNumber(CUSTOMER);
    expect(await twilio().send(sms())).toEqual({
      ok: false,
      error: { code: 'rejected_recipient', message: `Twilio 400 (21211): Invalid 'To' Phone Number: ${CUSTOMER}`, retryable: false, providerCode: 21211 },
    });
    expect(await twilio().send(sms({ to: '555-0123' }))).toMatchObject({ ok: false, error: { code: 'rejected_recipient', providerCode: 21211 } });
    emulator.rejectNumber('+14155550199', 21614);
    expect(await twilio().send(sms({ to: '+14155550199' }))).toMatchObject({ ok: false, error: { code: 'rejected_recipient', retryable: false, providerCode: 21614 } });
  });

  it('maps 429 to rate_limited with the Retry-After delay', async () => {
    emulator.failNext({ status: 429, retryAfterSeconds: 30 });
    expect(await twilio().send(sms())).toEqual({
      ok: false,
      error: { code: 'rate_limited', message: 'Twilio 429 (20429): Too Many Requests', retryable: true, retryAfterSeconds: 30, providerCode: 20429 },
    });
    expect((await twilio().send(sms())).ok).toBe(true); // only the next call failed
  });

  it('maps 500 and 503 to unavailable, retryable', async () => {
    emulator.failNext({ status: 500 });
    emulator.failNext({ status: 503 });
    expect(await twilio().send(sms())).toEqual({
      ok: false,
      error: { code: 'unavailable', message: 'Twilio 500 (20500): Internal Server Error', retryable: true, providerCode: 20500 },
    });
    expect(await twilio().send(sms())).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true, providerCode: 20503 } });
    expect(emulator.messages).toHaveLength(0);
  });

  it('maps a slow answer to timeout, retryable, and says it may have been sent; the emulator still sends it, as Twilio might have', async () => {
    emulator.setLatency(400);
    expect(await twilio({ timeoutMs: 100 }).send(sms())).toEqual({
      ok: false,
      error: { code: 'timeout', message: 'Twilio did not answer within 100 ms; the message may have been sent', retryable: true, mayHaveBeenSent: true },
    });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(emulator.messages).toHaveLength(1);
  });

  it('maps wrong credentials (401, 20003) to auth_failed, not retryable', async () => {
    expect(await twilio({ authToken: 'wrong' }).send(sms())).toEqual({
      ok: false,
      error: { code: 'auth_failed', message: 'Twilio 401 (20003): Authenticate', retryable: false, providerCode: 20003 },
    });
  });

  it('maps an unreachable API to unavailable, retryable', async () => {
    const url = emulator.url;
    await emulator.close();
    const result = await createTwilioSmsProvider({ accountSid: 'AC1', authToken: 't', apiBase: url, timeoutMs: 2_000 }).send(sms());
    expect(result).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    expect(!result.ok && result.error.mayHaveBeenSent).toBeFalsy(); // refused before the request left: nothing to look up
    emulator = await startTwilioEmulator(); // for afterEach
  });

  it('maps other request errors to invalid, not retryable', async () => {
    expect(await twilio().send(sms({ body: '' }))).toEqual({
      ok: false,
      error: { code: 'invalid', message: 'Twilio 400 (21602): Message body is required.', retryable: false, providerCode: 21602 },
    });
    expect(await twilio().send(sms({ body: 'x'.repeat(1601) }))).toMatchObject({ ok: false, error: { code: 'invalid', providerCode: 21617 } });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterSeconds('12')).toBe(12);
    expect(retryAfterSeconds('Wed, 21 Oct 2026 07:28:30 GMT', new Date('2026-10-21T07:28:00Z'))).toBe(30);
    expect(retryAfterSeconds('soon')).toBeUndefined();
    expect(retryAfterSeconds(null)).toBeUndefined();
  });
});

describe('Twilio provider: finding a send whose answer never came (the Messages list)', () => {
  /** A send whose answer comes after the provider gave up (the emulator keeps the message); when it began. */
  const timedOutSend = async (): Promise<Date> => {
    emulator.setLatency(300);
    const since = new Date();
    expect(await twilio({ timeoutMs: 50 }).send(sms())).toMatchObject({ ok: false, error: { code: 'timeout', mayHaveBeenSent: true } });
    await new Promise((resolve) => setTimeout(resolve, 400));
    emulator.setLatency(0);
    return since;
  };

  it('finds the message a timed-out send created, by To, From and the body, with its SID', async () => {
    const since = await timedOutSend();
    const [created] = emulator.messages;
    expect(await twilio().findSent!({ from: BRAND_NUMBER, to: CUSTOMER, body: sms().body, since })).toEqual({ ok: true, value: [{ providerMessageId: created!.sid, status: 'queued' }] });
    const lookup = emulator.requests.find((r) => r.method === 'GET')!;
    expect(lookup.params).toEqual({ To: CUSTOMER, From: BRAND_NUMBER, PageSize: '50' });
    // Another body, another number, or a send begun after it: not this one.
    expect(await twilio().findSent!({ from: BRAND_NUMBER, to: CUSTOMER, body: 'another text', since })).toEqual({ ok: true, value: [] });
    expect(await twilio().findSent!({ from: BRAND_NUMBER, to: '+14155550199', body: sms().body, since })).toEqual({ ok: true, value: [] });
    expect(await twilio().findSent!({ from: BRAND_NUMBER, to: CUSTOMER, body: sms().body, since: new Date(Date.now() + 3_600_000) })).toEqual({ ok: true, value: [] });
  });

  it('through a Messaging Service, asks without From and matches the service', async () => {
    const sent = await twilio().send(sms({ from: MESSAGING_SERVICE }));
    expect(sent.ok).toBe(true);
    const found = await twilio().findSent!({ from: MESSAGING_SERVICE, to: CUSTOMER, body: sms().body, since: new Date(Date.now() - 1000) });
    expect(found).toEqual({ ok: true, value: [{ providerMessageId: sent.ok ? sent.value.providerMessageId : '', status: 'accepted' }] });
    expect(emulator.requests.find((r) => r.method === 'GET')!.params.From).toBeUndefined();
  });

  it('finds a timed-out send Twilio still holds in its queue (no DateSent yet), as long as it is queued', async () => {
    emulator.holdQueue(true);
    const since = await timedOutSend();
    const [held] = emulator.messages;
    expect(held!.dateSent).toBeNull();
    expect(await twilio().findSent!({ from: BRAND_NUMBER, to: CUSTOMER, body: sms().body, since })).toEqual({ ok: true, value: [{ providerMessageId: held!.sid, status: 'queued' }] });
    emulator.holdQueue(false);
    expect(await twilio().findSent!({ from: BRAND_NUMBER, to: CUSTOMER, body: sms().body, since })).toEqual({ ok: true, value: [{ providerMessageId: held!.sid, status: 'sent' }] });
  });

  it("reads the list's later pages, and says it cannot tell past the last page it reads", async () => {
    const since = new Date(Date.now() - 1000);
    expect((await twilio().send(sms({ body: 'the one' }))).ok).toBe(true);
    for (let i = 0; i < 60; i += 1) expect((await twilio().send(sms({ body: `later ${i}` }))).ok).toBe(true);
    // Newest first: the one is on the second page of 50.
    const found = await twilio().findSent!({ from: BRAND_NUMBER, to: CUSTOMER, body: 'the one', since });
    expect(found).toEqual({ ok: true, value: [{ providerMessageId: emulator.messages[0]!.sid, status: 'queued' }] });
    expect(emulator.requests.filter((r) => r.method === 'GET').map((r) => r.params.Page ?? '0')).toEqual(['0', '1']);
    for (let i = 60; i < 5 * 50; i += 1) expect((await twilio().send(sms({ body: `later ${i}` }))).ok).toBe(true);
    expect(await twilio().findSent!({ from: BRAND_NUMBER, to: CUSTOMER, body: 'never sent', since })).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
  });

  it('reports a lookup that fails as retryable, never as possibly sent', async () => {
    emulator.failNext({ status: 503 });
    expect(await twilio().findSent!({ from: BRAND_NUMBER, to: CUSTOMER, body: 'x', since: new Date() })).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
    expect(await twilio({ authToken: 'wrong' }).findSent!({ from: BRAND_NUMBER, to: CUSTOMER, body: 'x', since: new Date() })).toMatchObject({ ok: false, error: { code: 'auth_failed' } });
  });

  it('the emulator lists newest first, filtered by To, From and the GMT day of DateSent, in pages', async () => {
    let now = new Date('2026-03-16T23:59:00Z');
    await restartEmulator({ clock: { now: () => now } });
    expect((await twilio().send(sms({ body: 'monday' }))).ok).toBe(true);
    now = new Date('2026-03-17T00:01:00Z');
    expect((await twilio().send(sms({ body: 'tuesday' }))).ok).toBe(true);
    expect((await twilio().send(sms({ body: 'elsewhere', to: '+14155550199' }))).ok).toBe(true);
    const list = async (query: string) => {
      const res = await fetch(`${emulator.url}/2010-04-01/Accounts/${emulator.accountSid}/Messages.json?${query}`, { headers: { authorization: `Basic ${Buffer.from(`${emulator.accountSid}:${emulator.authToken}`).toString('base64')}` } });
      return { status: res.status, body: (await res.json()) as { messages: Array<{ body: string; date_sent: string }>; next_page_uri: string | null } };
    };
    const to = encodeURIComponent(CUSTOMER);
    expect((await list(`To=${to}`)).body.messages.map((m) => m.body)).toEqual(['tuesday', 'monday']);
    expect((await list(`To=${to}&DateSent%3E=2026-03-17`)).body.messages.map((m) => m.body)).toEqual(['tuesday']);
    expect((await list(`To=${to}&DateSent<=2026-03-16`)).body.messages.map((m) => m.body)).toEqual(['monday']);
    expect((await list(`DateSent=2026-03-17`)).body.messages.map((m) => m.body)).toEqual(['elsewhere', 'tuesday']);
    expect((await list(`To=${to}&From=${encodeURIComponent('+15005550000')}`)).body.messages).toEqual([]);
    const paged = await list(`To=${to}&PageSize=1`);
    expect(paged.body.messages.map((m) => m.body)).toEqual(['tuesday']);
    expect(paged.body.next_page_uri).toContain('Page=1');
    expect((await list(`To=${to}&PageSize=1&Page=1`)).body.messages.map((m) => m.body)).toEqual(['monday']);
    expect((await list(`To=${to}`)).body.messages[0]!.date_sent).toBe('Tue, 17 Mar 2026 00:01:00 +0000');
    expect((await list('DateSent=yesterday')).status).toBe(400);
  });
});

describe('Twilio signatures', () => {
  // Twilio's published example (twilio-php / twilio-csharp RequestValidatorTest): auth token 12345.
  const URL = 'https://mycompany.com/myapp.php?foo=1&bar=2';
  const PARAMS = { CallSid: 'CA1234567890ABCDE', Caller: '+14158675309', Digits: '1234', From: '+14158675309', To: '+18005551212' };

  it("reproduces Twilio's published test vectors", () => {
    expect(computeTwilioSignature({ url: URL, params: PARAMS, authToken: '12345' })).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(verifyTwilioSignature({ url: URL, params: PARAMS, signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', authToken: '12345' })).toBe(true);
    // A repeated parameter contributes each of its distinct values, sorted.
    const repeated = { Sid: 'CA123', SidAccount: 'AC123', Digits: ['5678', '1234', '1234'] };
    expect(computeTwilioSignature({ url: URL, params: repeated, authToken: '12345' })).toBe('IK+Dwps556ElfBT0I3Rgjkr1wJU=');
  });

  it('accepts the URL with or without its port, like Twilio\'s libraries', () => {
    const verify = (url: string, signature: string) => verifyTwilioSignature({ url, params: PARAMS, signature, authToken: '12345' });
    expect(verify('https://mycompany.com:1234/myapp.php?foo=1&bar=2', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=')).toBe(true);
    expect(verify(URL, 'kvajT1Ptam85bY51eRf/AJRuM3w=')).toBe(true); // signed with :443
    expect(verify('http://mycompany.com/myapp.php?foo=1&bar=2', '0ZXoZLH/DfblKGATFgpif+LLRf4=')).toBe(true); // signed with :80
    expect(verify('http://mycompany.com:1234/myapp.php?foo=1&bar=2', 'Zmvh+3yNM1Phv2jhDCwEM3q5ebU=')).toBe(true);
    expect(verify('https://user:pass@mycompany.com/myapp.php?foo=1&bar=2', 'CukzLTc1tT5dXEDIHm/tKBanW10=')).toBe(true);
  });

  it('rejects a changed parameter, a changed URL, a wrong token and a missing or wrong signature', () => {
    const verify = (input: Partial<Parameters<typeof verifyTwilioSignature>[0]>) =>
      verifyTwilioSignature({ url: URL, params: PARAMS, signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', authToken: '12345', ...input });
    expect(verify({ params: { ...PARAMS, Digits: '9999' } })).toBe(false);
    expect(verify({ params: { ...PARAMS, Extra: '' } })).toBe(false);
    expect(verify({ url: `${URL}&baz=3` })).toBe(false);
    expect(verify({ authToken: '54321' })).toBe(false);
    expect(verify({ authToken: '' })).toBe(false);
    expect(verify({ signature: undefined })).toBe(false);
    expect(verify({ signature: '' })).toBe(false);
    expect(verify({ signature: 'RSOYDt4T1cUTdK1PDd93/VVr8B8' })).toBe(false);
  });

  it('keeps repeated keys when parsing a form body', () => {
    expect(parseTwilioForm('To=%2B1415&Body=a+b&Digits=1&Digits=2')).toEqual({ To: '+1415', Body: 'a b', Digits: ['1', '2'] });
  });
});

describe('Twilio emulator: status callbacks', () => {
  it('posts a signed status callback that verifies and parses; forgeries do not verify', async () => {
    const sent = await twilio().send(sms());
    if (!sent.ok) throw new Error('send failed');
    const delivery = await emulator.sendStatusCallback(sent.value.providerMessageId, 'delivered');
    expect(delivery.responseStatus).toBe(200);

    const [hook] = receiver.hooks;
    expect(hook.url).toBe(`${receiver.url}/webhooks/twilio/status?brand=northwind`);
    expect(hook.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(hook.headers['i-twilio-idempotency-token']).toMatch(/^[0-9a-f-]{36}$/);
    expect(verifyHook(hook)).toBe(true);
    const params = parseTwilioForm(hook.rawBody);
    expect(parseTwilioStatusCallback(params)).toEqual({
      ok: true,
      value: { providerMessageId: sent.value.providerMessageId, status: 'delivered', accountSid: emulator.accountSid, to: CUSTOMER, from: BRAND_NUMBER },
    });

    const signature = hook.headers['x-twilio-signature'] as string;
    const forged = (changes: { params?: Record<string, string>; signature?: string | undefined; authToken?: string; url?: string }) =>
      verifyTwilioSignature({ url: changes.url ?? hook.url, params: changes.params ?? params, signature: 'signature' in changes ? changes.signature : signature, authToken: changes.authToken ?? emulator.authToken });
    expect(forged({ params: { ...(params as Record<string, string>), MessageStatus: 'failed' } })).toBe(false);
    expect(forged({ authToken: 'someone-elses-token' })).toBe(false);
    expect(forged({ signature: undefined })).toBe(false);
    expect(forged({ url: `${receiver.url}/webhooks/twilio/status?brand=other` })).toBe(false);
    expect(emulator.messages[0].status).toBe('delivered');
  });

  it('reports a failed delivery with its error code', async () => {
    const sent = await twilio().send(sms());
    if (!sent.ok) throw new Error('send failed');
    await emulator.sendStatusCallback(sent.value.providerMessageId, 'undelivered', { errorCode: 30003 });
    const params = parseTwilioForm(receiver.hooks[0].rawBody);
    expect(verifyHook(receiver.hooks[0])).toBe(true);
    expect(parseTwilioStatusCallback(params)).toMatchObject({ ok: true, value: { status: 'undelivered', errorCode: 30003 } });
  });

  it('fires the configured callbacks by itself, ending in undelivered for an unreachable handset', async () => {
    await restartEmulator({ autoStatusCallbacks: ['sent', 'delivered'], autoStatusDelayMs: 1 });
    emulator.markUndeliverable('+14155550177', 30003);
    await twilio().send(sms());
    await twilio().send(sms({ to: '+14155550177' }));
    await emulator.settled();
    const outcomes = receiver.hooks.map((hook) => {
      expect(verifyHook(hook)).toBe(true);
      const parsed = parseTwilioStatusCallback(parseTwilioForm(hook.rawBody));
      if (!parsed.ok) throw new Error(parsed.error.problem);
      return [parsed.value.to, parsed.value.status, parsed.value.errorCode];
    });
    expect(outcomes.filter(([to]) => to === CUSTOMER)).toEqual([[CUSTOMER, 'sent', undefined], [CUSTOMER, 'delivered', undefined]]);
    expect(outcomes.filter(([to]) => to === '+14155550177')).toEqual([['+14155550177', 'sent', undefined], ['+14155550177', 'undelivered', 30003]]);
  });

  it('signs with the account the message was sent from', async () => {
    const brandB = { accountSid: `AC${'b'.repeat(32)}`, authToken: 'brand-b-token' };
    emulator.addAccount(brandB);
    const sent = await createTwilioSmsProvider({ ...brandB, apiBase: emulator.url }).send(sms());
    if (!sent.ok) throw new Error('send failed');
    await emulator.sendStatusCallback(sent.value.providerMessageId, 'sent');
    expect(verifyHook(receiver.hooks[0], 'brand-b-token')).toBe(true);
    expect(verifyHook(receiver.hooks[0], emulator.authToken)).toBe(false);
  });

  it('names the field when a status callback is malformed', () => {
    const sid = `SM${'a'.repeat(32)}`;
    expect(parseTwilioStatusCallback({ MessageStatus: 'sent' })).toEqual({ ok: false, error: { field: 'MessageSid', problem: 'is required' } });
    expect(parseTwilioStatusCallback({ MessageSid: 'nope', MessageStatus: 'sent' })).toEqual({
      ok: false,
      error: { field: 'MessageSid', problem: '"nope" is not a Twilio message SID (SM… or MM…)' },
    });
    expect(parseTwilioStatusCallback({ MessageSid: sid, MessageStatus: 'lost' })).toMatchObject({ ok: false, error: { field: 'MessageStatus' } });
    expect(parseTwilioStatusCallback({ MessageSid: sid, MessageStatus: 'failed', ErrorCode: 'x' })).toEqual({ ok: false, error: { field: 'ErrorCode', problem: '"x" is not a number' } });
    expect(parseTwilioStatusCallback({ SmsSid: sid, SmsStatus: 'sent' })).toEqual({ ok: true, value: { providerMessageId: sid, status: 'sent' } });
  });
});

describe('Twilio emulator: inbound SMS', () => {
  it('posts a signed STOP that parses with its keyword, and opts the number out until START', async () => {
    const url = `${receiver.url}/webhooks/twilio/inbound`;
    const delivery = await emulator.sendInboundSms({ url, from: CUSTOMER, to: BRAND_NUMBER, body: 'Stop' });
    expect(delivery.responseStatus).toBe(200);
    const [hook] = receiver.hooks;
    expect(verifyHook(hook)).toBe(true);
    const parsed = parseTwilioInboundSms(parseTwilioForm(hook.rawBody));
    expect(parsed).toEqual({
      ok: true,
      value: { messageSid: expect.stringMatching(/^SM[0-9a-f]{32}$/), from: CUSTOMER, to: BRAND_NUMBER, body: 'Stop', accountSid: emulator.accountSid, keyword: 'STOP' },
    });
    expect(emulator.isOptedOut(CUSTOMER)).toBe(true);
    expect(await twilio().send(sms())).toMatchObject({ ok: false, error: { code: 'opted_out' } });

    await emulator.sendInboundSms({ url, from: CUSTOMER, to: BRAND_NUMBER, body: 'START' });
    expect(emulator.isOptedOut(CUSTOMER)).toBe(false);
    expect((await twilio().send(sms())).ok).toBe(true);
  });

  it('parses an ordinary reply without a keyword, and names a missing field', () => {
    const sid = `SM${'c'.repeat(32)}`;
    expect(parseTwilioInboundSms({ MessageSid: sid, From: CUSTOMER, To: BRAND_NUMBER, Body: 'Can you leave it with the neighbour?' })).toEqual({
      ok: true,
      value: { messageSid: sid, from: CUSTOMER, to: BRAND_NUMBER, body: 'Can you leave it with the neighbour?' },
    });
    expect(parseTwilioInboundSms({ MessageSid: sid, To: BRAND_NUMBER, Body: 'hi' })).toEqual({ ok: false, error: { field: 'From', problem: 'is required' } });
  });

  it("recognises Twilio's keywords whatever the case", () => {
    expect(['STOP', 'stop', ' Unsubscribe ', 'quit.', 'STOPALL', 'revoke', 'OptOut'].map(twilioKeywordOf)).toEqual(Array(7).fill('STOP'));
    expect(['start', 'YES', 'unstop'].map(twilioKeywordOf)).toEqual(['START', 'START', 'START']);
    expect(['help', 'INFO'].map(twilioKeywordOf)).toEqual(['HELP', 'HELP']);
    expect(['stop it please', 'stopp', ''].map(twilioKeywordOf)).toEqual([undefined, undefined, undefined]);
  });

  it('counts segments as GSM-7 or UCS-2', () => {
    expect([segmentsOf('a'.repeat(160)), segmentsOf('a'.repeat(161)), segmentsOf('☕'.repeat(70)), segmentsOf('☕'.repeat(71))]).toEqual([1, 2, 1, 2]);
  });
});
