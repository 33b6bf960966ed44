// Twilio's webhooks against the emulator: a status callback that comes before the send has
// recorded its sid waits for it, statuses only move forward, stored rows nobody processed are
// swept up, and a text Twilio held in its queue past the SMS window (ValidityPeriod, error 30036)
// is sent again when the window next opens instead of at night or never.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { INBOUND_SWEEP_JOB } from '../../src/inbound/inbox.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { newId } from '../../src/lib/ids.js';
import { createTwilioSmsProvider } from '../../src/notifications/providers/twilio.js';
import { EMULATOR_ACCOUNT, startTwilioEmulator, type TwilioEmulator } from '../../src/notifications/providers/twilio-emulator.js';
import { sendMessage } from '../../src/notifications/send.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';
import { freePort } from '../harness/process.js';
import { serveWithTwilioAccount } from '../harness/twilio.js';

let t: TestContext;
let twilio: TwilioEmulator;
let closeHttp: () => void;
const BRAND_NUMBER = '+15005550006';
/** Set to a status: Twilio calls back with it before its answer to the POST reaches Waybill. */
let callbackBeforeAnswer: { status: 'undelivered' | 'delivered'; errorCode?: number } | null = null;

beforeAll(async () => {
  twilio = await startTwilioEmulator({ clock: { now: () => (t ? t.clock.now() : new Date()) } });
  const port = await freePort();
  const racingFetch: typeof fetch = async (input, init) => {
    const response = await fetch(input, init);
    if (!callbackBeforeAnswer || init?.method !== 'POST' || !String(input).endsWith('/Messages.json') || response.status !== 201) return response;
    const text = await response.text();
    const { status, errorCode } = callbackBeforeAnswer;
    const delivery = await twilio.sendStatusCallback(JSON.parse(text).sid as string, status, errorCode ? { errorCode } : {});
    expect(delivery.responseStatus).toBe(204);
    return new Response(text, { status: 201, headers: response.headers });
  };
  t = await createTestContext({ env: { TWILIO_API_BASE: twilio.url, PUBLIC_URL: `http://127.0.0.1:${port}` }, fetch: racingFetch });
  closeHttp = await serveWithTwilioAccount(t, port, BRAND_NUMBER);
});

afterAll(async () => {
  closeHttp?.();
  await t?.close();
  await twilio?.close();
});

beforeEach(() => {
  twilio.reset();
  callbackBeforeAnswer = null;
});

let phoneCounter = 0;
const nextPhone = () => `+1512555${String(1000 + (phoneCounter += 1)).slice(-4)}`;

async function placeOrder() {
  const phone = nextPhone();
  const res = await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString(), customer: { email: `twilio${phoneCounter}@example.com`, phone, smsConsent: true, locale: 'en' } }));
  expect(res.status).toBe(201);
  return { order: res.json as { id: string }, phone };
}

/** A text of its own (a critical personal update), pending, as the pipeline would leave it. */
async function pendingText(orderId: string, phone: string): Promise<string> {
  const at = t.clock.now().toISOString();
  const id = newId('message');
  await t.deps.db
    .insertInto('messages')
    .values({
      id, brand_id: t.brand.id, order_id: orderId, shipment_id: null, milestone: 'personal_update', occurrence: id, channel: 'sms', recipient: phone, dedupe_key: `test:${id}`,
      state: 'pending', held_reason: null, send_after: null, context: '{}', subject: null, body_text: null, provider: null, provider_message_id: null, provider_status: null,
      attempts: 0, last_error: null, created_at: at, sent_at: null, updated_at: at, uncertain_since: null,
    })
    .execute();
  return id;
}

const messageRow = (id: string) => t.deps.db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const inboxRows = (source: string, sids?: string[]) => {
  let query = t.deps.db.selectFrom('inbound_events').select(['source_event_id', 'state', 'error']).where('source', '=', source);
  if (sids) query = query.where((eb) => eb.or(sids.map((sid) => eb('source_event_id', 'like', `${sid}:%`))));
  return query.orderBy('received_at').orderBy('id').execute();
};
const statusUrl = () => `${t.deps.config.publicUrl}/webhooks/twilio/${t.brand.id}/status`;
const inboundUrl = () => `${t.deps.config.publicUrl}/webhooks/twilio/${t.brand.id}/inbound`;
const runSweep = () => (jobHandlers(t.deps)[INBOUND_SWEEP_JOB] as (payload: unknown) => Promise<unknown>)({});

describe('status callbacks', () => {
  it('applies an undelivered callback that came before the send recorded its sid', async () => {
    t.clock.set('2026-03-02T18:00:00Z'); // noon in Austin
    const { order, phone } = await placeOrder();
    const id = await pendingText(order.id, phone);
    callbackBeforeAnswer = { status: 'undelivered', errorCode: 30003 };
    await sendMessage(t.deps, { messageId: id });
    const message = await messageRow(id);
    expect(twilio.messages.find((m) => m.sid === message.provider_message_id)!.status).toBe('undelivered');
    expect(message).toMatchObject({ state: 'failed', provider_status: 'undelivered', last_error: 'twilio 30003' });
    expect(await inboxRows('twilio_status', [message.provider_message_id!])).toEqual([{ source_event_id: `${message.provider_message_id}:undelivered`, state: 'processed', error: null }]);
  });

  it('moves statuses only forward: a late sent, or a second final status, changes nothing', async () => {
    t.clock.set('2026-03-02T18:05:00Z');
    const { order, phone } = await placeOrder();
    const id = await pendingText(order.id, phone);
    await sendMessage(t.deps, { messageId: id });
    const sid = (await messageRow(id)).provider_message_id!;
    for (const status of ['delivered', 'sent', 'queued', 'undelivered'] as const) expect((await twilio.sendStatusCallback(sid, status)).responseStatus).toBe(204);
    expect(await messageRow(id)).toMatchObject({ state: 'delivered', provider_status: 'delivered', last_error: null });
    expect((await inboxRows('twilio_status', [sid])).map((r) => r.state)).toEqual(['processed', 'processed', 'processed', 'processed']);
  });

  it('parks a callback for a sid no message has, applies it once one does, and sets it aside after a day', async () => {
    t.clock.set('2026-03-02T18:10:00Z');
    const { order, phone } = await placeOrder();
    // Texts Twilio accepted whose answers Waybill never recorded (a crash right after the POST).
    const provider = createTwilioSmsProvider({ ...EMULATOR_ACCOUNT, apiBase: twilio.url });
    const sent = await Promise.all([1, 2].map((n) => provider.send({ from: BRAND_NUMBER, to: phone, body: `text ${n}`, statusCallbackUrl: statusUrl(), idempotencyKey: `k${n}` })));
    const [found, lost] = sent.map((r) => (r.ok ? r.value.providerMessageId : ''));
    for (const sid of [found!, lost!]) expect((await twilio.sendStatusCallback(sid, 'delivered')).responseStatus).toBe(204);
    expect((await inboxRows('twilio_status', [found!, lost!])).map((r) => r.state)).toEqual(['parked', 'parked']);
    // The send is found later (the lookup after a crash) and recorded: the sweep applies what waited.
    const id = await pendingText(order.id, phone);
    await t.deps.db.updateTable('messages').set({ state: 'sent', provider: 'twilio', provider_message_id: found!, provider_status: 'queued', attempts: 1 }).where('id', '=', id).execute();
    t.clock.advance(10 * 60_000);
    await runSweep();
    expect(await messageRow(id)).toMatchObject({ state: 'delivered', provider_status: 'delivered' });
    t.clock.advance(25 * 3_600_000);
    await runSweep();
    const rows = await inboxRows('twilio_status', [found!, lost!]);
    expect(rows.find((r) => r.source_event_id === `${found}:delivered`)).toMatchObject({ state: 'processed' });
    expect(rows.find((r) => r.source_event_id === `${lost}:delivered`)).toMatchObject({ state: 'failed', error: expect.stringContaining('no message has sid') });
  });
});

describe('stored Twilio webhooks nobody processed', () => {
  it('are processed by the sweep, STOP and START in the order they came', async () => {
    t.clock.set('2026-03-03T18:00:00Z');
    const stranded = nextPhone();
    const overtaken = nextPhone();
    // As if the process died right after storing them (the opt-out write never happened).
    const store = async (from: string, body: string) => {
      const sid = `SM${randomBytes(16).toString('hex')}`;
      const form = new URLSearchParams({ MessageSid: sid, SmsSid: sid, AccountSid: EMULATOR_ACCOUNT.accountSid, From: from, To: BRAND_NUMBER, Body: body }).toString();
      await t.deps.db
        .insertInto('inbound_events')
        .values({ id: newId('inbound'), source: 'twilio_inbound', source_event_id: sid, brand_id: t.brand.id, received_at: t.clock.now().toISOString(), headers: '{}', body: form, state: 'received', processed_at: null, error: null })
        .execute();
    };
    await store(stranded, 'STOP');
    await store(overtaken, 'STOP');
    t.clock.advance(60_000);
    // The second number said START afterwards, and that one went through: the older STOP must not undo it.
    expect((await twilio.sendInboundSms({ url: inboundUrl(), from: overtaken, to: BRAND_NUMBER, body: 'START' })).responseStatus).toBe(200);
    await runSweep();
    const pref = (address: string) => t.deps.db.selectFrom('contact_preferences').select(['opted_out_at', 'opted_in_at']).where('brand_id', '=', t.brand.id).where('address', '=', address).executeTakeFirst();
    expect(await pref(stranded)).toMatchObject({ opted_out_at: expect.any(String) });
    expect(await pref(overtaken)).toMatchObject({ opted_out_at: null, opted_in_at: expect.any(String) });
    expect((await inboxRows('twilio_inbound')).every((r) => r.state === 'processed')).toBe(true);
  });
});

describe('settled Twilio webhooks', () => {
  it('are deleted once past the retention period, as carriers’ are; newer ones and those still waiting are kept', async () => {
    const at = (daysAgo: number) => new Date(t.clock.now().getTime() - daysAgo * 86_400_000).toISOString();
    const row = (name: string, state: string, daysAgo: number) => ({
      id: newId('inbound'), source: 'twilio_status', source_event_id: `retention-${name}`, brand_id: t.brand.id, received_at: at(daysAgo), headers: '{}', body: '', state, processed_at: at(daysAgo), error: null,
      ...(state === 'parked' ? { retry_at: at(-1) } : {}),
    });
    const days = t.deps.config.inbound.retentionDays;
    await t.deps.db.insertInto('inbound_events').values([row('old-processed', 'processed', days + 1), row('old-failed', 'failed', days + 1), row('recent', 'processed', days - 1), row('old-parked', 'parked', days + 1)]).execute();
    await runSweep();
    const left = await t.deps.db.selectFrom('inbound_events').select('source_event_id').where('source_event_id', 'like', 'retention-%').execute();
    expect(left.map((r) => r.source_event_id).sort()).toEqual(['retention-old-parked', 'retention-recent']);
  });
});

describe('texts held in Twilio’s queue past the SMS window', () => {
  it('carry the seconds left in the window, and go out when it next opens once Twilio lets them expire', async () => {
    t.clock.set('2026-03-04T02:59:50Z'); // 20:59:50 in Austin (CST): ten seconds before the 21:00 close
    const { order, phone } = await placeOrder();
    const id = await pendingText(order.id, phone);
    twilio.holdQueue(true); // behind the long code's one segment a second
    await sendMessage(t.deps, { messageId: id });
    const first = twilio.requests.find((r) => r.method === 'POST' && r.params.To === phone)!;
    expect(first.params.ValidityPeriod).toBe('10');
    t.clock.set('2026-03-04T05:30:00Z'); // 23:30: the queue drains, and Twilio drops the text instead
    twilio.holdQueue(false);
    await twilio.settled();
    expect(twilio.messages.filter((m) => m.to === phone).map((m) => [m.status, m.errorCode, m.dateSent])).toEqual([['failed', 30036, null]]);
    expect(await messageRow(id)).toMatchObject({ state: 'pending', held_reason: 'quiet_hours', send_after: '2026-03-04T14:00:00.000Z', provider_status: 'failed', sent_at: null });
    await t.worker.drain();
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1); // nothing at night
    t.clock.set('2026-03-04T14:00:01Z'); // 08:00 in Austin
    await t.worker.drain();
    const texts = twilio.messages.filter((m) => m.to === phone);
    expect(texts).toHaveLength(2);
    expect(twilio.requests.filter((r) => r.method === 'POST' && r.params.To === phone).map((r) => r.params.ValidityPeriod)).toEqual(['10', '36000']); // 13 h left: Twilio's 10 h at most
    expect(await messageRow(id)).toMatchObject({ state: 'sent', provider_message_id: texts[1]!.sid, held_reason: null, attempts: 2, expired_in_queue: 1 });
  });

  it('count their expiries apart from their send attempts: a text that needed retries through an outage still waits for the next window', async () => {
    t.clock.set('2026-03-06T02:59:50Z'); // 20:59:50 in Austin
    const { order, phone } = await placeOrder();
    const id = await pendingText(order.id, phone);
    await t.deps.db.updateTable('messages').set({ attempts: 5 }).where('id', '=', id).execute(); // five attempts lost to a provider's outage
    twilio.holdQueue(true);
    await sendMessage(t.deps, { messageId: id });
    t.clock.set('2026-03-06T05:30:00Z');
    twilio.holdQueue(false);
    await twilio.settled();
    expect(await messageRow(id)).toMatchObject({ state: 'pending', held_reason: 'quiet_hours', send_after: '2026-03-06T14:00:00.000Z', attempts: 6, expired_in_queue: 1 });
  });

  it('are dropped at the next opening when a newer milestone overtook them meanwhile', async () => {
    t.clock.set('2026-03-05T02:59:30Z'); // 20:59:30 in Austin
    const { order, phone } = await placeOrder();
    const shipment = await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'ups', trackingNumber: 'LATE00000001' });
    await t.worker.drain();
    const post = (status: string) => t.request('POST', `/v1/shipments/${shipment.json.id}/events`, { events: [{ status, occurredAt: t.clock.now().toISOString() }] });
    twilio.holdQueue(true);
    expect((await post('out_for_delivery')).status).toBe(200);
    await t.worker.drain();
    expect(twilio.requests.filter((r) => r.method === 'POST' && r.params.To === phone).map((r) => r.params.ValidityPeriod)).toEqual(['30']);
    t.clock.set('2026-03-05T04:00:00Z');
    twilio.holdQueue(false);
    await twilio.settled();
    const messages = await t.deps.db.selectFrom('messages').selectAll().where('order_id', '=', order.id).where('channel', '=', 'sms').execute();
    const waiting = messages.find((m) => m.milestone === 'out_for_delivery')!;
    expect(waiting).toMatchObject({ state: 'pending', send_after: '2026-03-05T14:00:00.000Z' });
    t.clock.set('2026-03-05T12:30:00Z'); // 06:30: delivered before the window opens
    expect((await post('delivered')).status).toBe(200);
    await t.worker.drain();
    t.clock.set('2026-03-05T14:00:01Z');
    await t.worker.drain();
    expect(await messageRow(waiting.id)).toMatchObject({ state: 'dropped', held_reason: 'overtaken' });
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
  });
});
