// Customer messages end to end: real MIME over SMTP to a local SMTP server, SMS through the
// Twilio emulator, callbacks and STOP signed like Twilio's, exactly once, within the window.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LOOK_UP_AFTER_MS, sendMessage } from '../../src/notifications/send.js';
import { createSmtpEmailProvider } from '../../src/notifications/providers/smtp.js';
import { createTwilioSmsProvider } from '../../src/notifications/providers/twilio.js';
import { EMULATOR_ACCOUNT, startTwilioEmulator, type TwilioEmulator } from '../../src/notifications/providers/twilio-emulator.js';
import { ingestEvents } from '../../src/shipments/ingest.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';
import { freePort } from '../harness/process.js';
import { serveWithTwilioAccount } from '../harness/twilio.js';
import { type CaughtMail, startMailCatcher } from '../harness/smtp.js';
import { legacyUnsubscribeToken } from '../../src/notifications/unsubscribe.js';

let t: TestContext;
let twilio: TwilioEmulator;
let smtp: Awaited<ReturnType<typeof startMailCatcher>>;
let mails: CaughtMail[] = [];
let closeHttp: () => void;
const BRAND_NUMBER = '+15005550006';

beforeAll(async () => {
  smtp = await startMailCatcher();
  mails = smtp.mails;
  // On the test's clock, so the messages it lists carry the dates Waybill looks them up by.
  twilio = await startTwilioEmulator({ clock: { now: () => (t ? t.clock.now() : new Date()) } });
  const port = await freePort();
  t = await createTestContext({ env: { SMTP_URL: smtp.url, TWILIO_API_BASE: twilio.url, PUBLIC_URL: `http://127.0.0.1:${port}` } });
  closeHttp = await serveWithTwilioAccount(t, port, BRAND_NUMBER);
});

afterAll(async () => {
  closeHttp?.();
  t?.deps.messaging.close(); // the pooled SMTP connection, so the server can stop at once
  await t?.close();
  await twilio?.close();
  await smtp?.close();
});

beforeEach(() => {
  mails.length = 0;
  twilio.reset();
});

let phoneCounter = 0;
const nextPhone = () => `+1415555${String(1000 + (phoneCounter += 1)).slice(-4)}`;

async function placeOrder(overrides: Record<string, unknown> = {}) {
  const phone = nextPhone();
  const body = orderBody({ placedAt: t.clock.now().toISOString(), customer: { email: `buyer${phoneCounter}@example.com`, name: 'Ada Lovelace', phone, smsConsent: true, locale: 'en' }, ...overrides });
  const res = await t.request('POST', '/v1/orders', body);
  expect(res.status).toBe(201);
  return { order: res.json, body, phone };
}

const messagesOf = async (orderId: string) => (await t.request('GET', `/v1/orders/${orderId}/messages`)).json.data as Array<Record<string, any>>;
/**
 * The email of the moment a parcel ships: "shipped", or "ahead of schedule" (which says it shipped)
 * when the window ends before the promise — as the simulated carrier's next-day window does for an
 * order labelled the day it is placed.
 */
const shippingEmails = (log: Array<Record<string, any>>) => log.filter((m) => m.channel === 'email' && (m.milestone === 'shipped' || m.milestone === 'shipped_early') && m.state !== 'held');

describe('the order confirmation', () => {
  it('arrives by email over SMTP with the receipt and the status-page link, and never a tracking number', async () => {
    // 15:00 UTC is mid-morning in Texas: nothing waits for a window.
    const { order, body } = await placeOrder();
    await t.worker.drain();
    const mail = mails.find((m) => m.to.includes(body.customer.email));
    expect(mail).toBeDefined();
    expect(mail!.raw).toMatch(/^Subject: .*/m);
    expect(mail!.raw).toContain('multipart/alternative');
    expect(mail!.raw).toContain('text/plain');
    expect(mail!.raw).toContain('text/html');
    const unfolded = mail!.raw.replace(/=\r?\n/g, '');
    expect(unfolded).toContain(new URL(order.trackingPageUrl).pathname);
    expect(unfolded).toContain(body.number);
    const log = await messagesOf(order.id);
    const email = log.find((m) => m.milestone === 'order_confirmed' && m.channel === 'email');
    expect(email).toMatchObject({ state: 'sent', recipient: body.customer.email, provider: 'smtp', attempts: 1 });
    // The promised window: ordered Mon 2 Mar at 09:00 in Ohio, one handling day, UPS Ground to Texas.
    const stored = await t.deps.db.selectFrom('orders').select(['estimated_from', 'estimated_to']).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect(stored.estimated_from! < stored.estimated_to!).toBe(true);
    expect(stored.estimated_from! > '2026-03-03').toBe(true);
    expect(email!.body).toMatch(/Mar \d+/);
    // Never an SMS for the confirmation.
    expect(log.filter((m) => m.milestone === 'order_confirmed' && m.channel === 'sms' && m.state !== 'held')).toEqual([]);
  });
});

describe('two workers holding the same message', () => {
  it('send it once: only one moves it to sending', async () => {
    const { order, body } = await placeOrder();
    await t.worker.drain();
    const email = (await messagesOf(order.id)).find((m) => m.milestone === 'order_confirmed' && m.channel === 'email')!;
    // As if its job had been taken over while the first worker was still at it: both read it pending.
    await t.deps.db.updateTable('messages').set({ state: 'pending', attempts: 0 }).where('id', '=', email.id).execute();
    mails.length = 0;
    // The second finds it pending and loses the move to sending, or finds it sending and is told to ask again later.
    const both = await Promise.allSettled([sendMessage(t.deps, { messageId: email.id }), sendMessage(t.deps, { messageId: email.id })]);
    for (const outcome of both) if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ retryable: true, message: expect.stringContaining('is being sent') });
    expect(mails.filter((m) => m.to.includes(body.customer.email))).toHaveLength(1);
    expect((await messagesOf(order.id)).find((m) => m.id === email.id)).toMatchObject({ state: 'sent', attempts: 1 });
  });

  it('takes over a message left in sending only once its sender’s lease has run out', async () => {
    const { order, body } = await placeOrder();
    await t.worker.drain();
    const email = (await messagesOf(order.id)).find((m) => m.milestone === 'order_confirmed' && m.channel === 'email')!;
    // Moved to sending a moment ago by a worker that is still at it (or died just now).
    await t.deps.db.updateTable('messages').set({ state: 'sending', attempts: 1, updated_at: t.clock.now().toISOString() }).where('id', '=', email.id).execute();
    mails.length = 0;
    await expect(sendMessage(t.deps, { messageId: email.id })).rejects.toMatchObject({ retryable: true });
    expect(mails).toEqual([]);
    t.clock.advance(t.deps.config.jobLeaseSeconds * 1000);
    await sendMessage(t.deps, { messageId: email.id });
    expect(mails.filter((m) => m.to.includes(body.customer.email))).toHaveLength(1);
    expect((await messagesOf(order.id)).find((m) => m.id === email.id)).toMatchObject({ state: 'sent', attempts: 2 });
  });
});

describe('shipped, by email and SMS, exactly once', () => {
  it('goes out when the label exists, once however often the change is replayed', async () => {
    const { order, phone } = await placeOrder();
    await t.worker.drain();
    const shipment = await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' });
    await t.worker.drain();
    let log = await messagesOf(order.id);
    expect(log.filter((m) => m.milestone === 'shipped' && m.channel === 'sms').map((m) => m.state)).toEqual(['sent']);
    expect(shippingEmails(log).map((m) => m.state)).toEqual(['sent']);
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    expect(twilio.messages[0]!.body).toContain('Test Brand');
    // A short link keeps the text to one segment; it leads to the order's tracking page.
    const text = twilio.messages[0]!.body;
    expect(text.length).toBeLessThanOrEqual(160);
    const short = /(http\S+\/s\/[0-9A-Za-z]{10})\b/.exec(text)![1]!;
    const hop = await fetch(short, { redirect: 'manual' });
    expect(hop.status).toBe(302);
    expect(new URL(hop.headers.get('location')!).pathname).toBe(new URL(order.trackingPageUrl).pathname);
    const dead = await fetch(short.replace(/.$/, (c) => (c === 'a' ? 'b' : 'a')), { redirect: 'manual' });
    expect(dead.status).toBe(404);
    expect(await dead.text()).toContain('This tracking link is not valid'); // the hub's own page, with its way back to the order

    // Replay every status-change job: no second message.
    await t.deps.db.updateTable('jobs').set({ state: 'queued' }).where('kind', '=', 'shipment.status_changed').execute();
    await t.worker.drain();
    log = await messagesOf(order.id);
    expect(log.filter((m) => m.milestone === 'shipped' && m.channel === 'sms')).toHaveLength(1);
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    void shipment;
  });

  it('records Twilio’s delivery callback, checked with X-Twilio-Signature, and refuses a forged one', async () => {
    const { order } = await placeOrder();
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const sms = (await messagesOf(order.id)).find((m) => m.channel === 'sms' && m.state === 'sent')!;
    const sent = twilio.messages.find((m) => m.to === sms.recipient)!;
    const delivery = await twilio.sendStatusCallback(sent.sid, 'delivered');
    expect(delivery.responseStatus).toBe(204);
    expect((await messagesOf(order.id)).find((m) => m.id === sms.id)).toMatchObject({ state: 'delivered', providerStatus: 'delivered' });

    const forged = await fetch(sent.statusCallback!, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': 'forged' }, body: `MessageSid=${sent.sid}&MessageStatus=failed` });
    expect(forged.status).toBe(403);
    expect((await messagesOf(order.id)).find((m) => m.id === sms.id)!.state).toBe('delivered');
  });
});

describe('consent and the law', () => {
  it('honours STOP for the very next message, and START again', async () => {
    const { order, phone } = await placeOrder();
    await t.worker.drain();
    const stop = await twilio.sendInboundSms({ url: `${t.deps.config.publicUrl}/webhooks/twilio/${t.brand.id}/inbound`, from: phone, to: BRAND_NUMBER, body: ' Stop ' });
    expect(stop.responseStatus).toBe(200);
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const shipped = (await messagesOf(order.id)).filter((m) => m.milestone === 'shipped');
    expect(shipped.find((m) => m.channel === 'sms')).toMatchObject({ state: 'held', heldReason: 'opted_out' });
    expect(shippingEmails(await messagesOf(order.id)).map((m) => m.state)).toEqual(['sent']);
    expect(twilio.messages.filter((m) => m.to === phone)).toEqual([]);

    const help = await twilio.sendInboundSms({ url: `${t.deps.config.publicUrl}/webhooks/twilio/${t.brand.id}/inbound`, from: phone, to: BRAND_NUMBER, body: 'HELP' });
    expect(help.responseStatus).toBe(200);
    expect(help.responseBody).toContain('Reply STOP');
    const start = await twilio.sendInboundSms({ url: `${t.deps.config.publicUrl}/webhooks/twilio/${t.brand.id}/inbound`, from: phone, to: BRAND_NUMBER, body: 'START' });
    expect(start.responseStatus).toBe(200);
    const pref = await t.deps.db.selectFrom('contact_preferences').selectAll().where('address', '=', phone).executeTakeFirstOrThrow();
    expect(pref.opted_out_at).toBeNull();
  });

  it('answers HELP in the language of the order behind the last text to that number, else the brand’s default', async () => {
    const { order } = await placeOrder({ customer: { email: `ayuda${phoneCounter}@example.com`, phone: nextPhone(), smsConsent: true, locale: 'es-MX' } });
    const spanish = (await t.deps.db.selectFrom('orders').select('customer_phone').where('id', '=', order.id).executeTakeFirstOrThrow()).customer_phone!;
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    expect((await messagesOf(order.id)).find((m) => m.channel === 'sms')).toMatchObject({ state: 'sent', recipient: spanish });
    const help = await twilio.sendInboundSms({ url: `${t.deps.config.publicUrl}/webhooks/twilio/${t.brand.id}/inbound`, from: spanish, to: BRAND_NUMBER, body: 'help' });
    expect(help.responseBody).toContain('Test Brand: avisos de pedidos por SMS. Responde STOP para darte de baja, START para reanudar.');
    // A number the brand never texted: the brand's default language (English here).
    const stranger = await twilio.sendInboundSms({ url: `${t.deps.config.publicUrl}/webhooks/twilio/${t.brand.id}/inbound`, from: '+14155550123', to: BRAND_NUMBER, body: 'INFO' });
    expect(stranger.responseBody).toContain('Test Brand: order updates by text. Reply STOP to stop, START to resume.');
  });

  it('records a STOP from a number it has never texted, and refuses an unsigned one', async () => {
    const stranger = '+14155559876';
    const res = await twilio.sendInboundSms({ url: `${t.deps.config.publicUrl}/webhooks/twilio/${t.brand.id}/inbound`, from: stranger, to: BRAND_NUMBER, body: 'STOP' });
    expect(res.responseStatus).toBe(200);
    expect((await t.deps.db.selectFrom('contact_preferences').selectAll().where('address', '=', stranger).executeTakeFirstOrThrow()).opted_out_at).not.toBeNull();
    const forged = await fetch(`${t.deps.config.publicUrl}/webhooks/twilio/${t.brand.id}/inbound`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'From=%2B14155550000&Body=START&MessageSid=SMx' });
    expect(forged.status).toBe(403);
  });

  it('marks a number opted out when Twilio answers 21610', async () => {
    const { order, phone } = await placeOrder();
    twilio.markOptedOut(phone);
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const sms = (await messagesOf(order.id)).find((m) => m.channel === 'sms' && m.milestone === 'shipped')!;
    expect(sms).toMatchObject({ state: 'failed', heldReason: 'opted_out' });
    const pref = await t.deps.db.selectFrom('contact_preferences').selectAll().where('address', '=', phone).executeTakeFirstOrThrow();
    expect(pref).toMatchObject({ source: 'provider_error' });
  });

  it('holds SMS without consent, and waits for the window at night', async () => {
    const noConsent = await placeOrder();
    await t.deps.db.updateTable('orders').set({ customer_sms_consent: 0 }).where('id', '=', noConsent.order.id).execute();
    await t.request('POST', `/v1/orders/${noConsent.order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    expect((await messagesOf(noConsent.order.id)).find((m) => m.channel === 'sms' && m.milestone === 'shipped')).toMatchObject({ state: 'held', heldReason: 'no_consent' });

    // 09:00 UTC is 03:00 in Austin: the SMS waits until 08:00 local, the email does not.
    t.clock.set('2026-03-10T09:00:00Z');
    const night = await placeOrder();
    await t.request('POST', `/v1/orders/${night.order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const waiting = (await messagesOf(night.order.id)).find((m) => m.channel === 'sms' && m.milestone === 'shipped')!;
    expect(waiting).toMatchObject({ state: 'pending', heldReason: 'quiet_hours', sendAfter: '2026-03-10T13:00:00.000Z' });
    expect(twilio.messages.filter((m) => m.to === night.phone)).toEqual([]);
    t.clock.set('2026-03-10T13:00:01Z');
    await t.worker.drain();
    expect(twilio.messages.filter((m) => m.to === night.phone)).toHaveLength(1);
    // Sent: no longer held for anything; when it was due still shows it waited for the morning.
    expect((await messagesOf(night.order.id)).find((m) => m.id === waiting.id)).toMatchObject({ state: 'sent', heldReason: null, sendAfter: '2026-03-10T13:00:00.000Z' });
  });

  it('asks again right before sending: a text whose turn comes after the window closed waits for the morning', async () => {
    // 20:50 in Austin: inside the window when decided; the first try fails (503) and its retry comes at 21:30.
    t.clock.set('2026-03-11T01:50:00Z');
    const backlog = await placeOrder();
    twilio.failNext({ status: 503, times: 1 });
    await t.request('POST', `/v1/orders/${backlog.order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    t.clock.set('2026-03-11T02:30:00Z');
    await t.worker.drain();
    const waiting = (await messagesOf(backlog.order.id)).find((m) => m.channel === 'sms' && m.milestone === 'shipped')!;
    expect(waiting).toMatchObject({ state: 'pending', heldReason: 'quiet_hours', sendAfter: '2026-03-11T13:00:00.000Z' });
    expect(twilio.messages.filter((m) => m.to === backlog.phone)).toEqual([]);
    t.clock.set('2026-03-11T13:00:01Z');
    await t.worker.drain();
    expect(twilio.messages.filter((m) => m.to === backlog.phone)).toHaveLength(1);
    expect((await messagesOf(backlog.order.id)).find((m) => m.id === waiting.id)).toMatchObject({ state: 'sent' });
  });

  it('drops a text waiting for the morning when a newer milestone overtakes it (delivered before 8:00)', async () => {
    t.clock.set('2026-03-12T08:00:00Z'); // 03:00 in Austin
    const { order, phone } = await placeOrder();
    const shipment = await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'ups', trackingNumber: 'NIGHT0000001' });
    const post = (status: string) => t.request('POST', `/v1/shipments/${shipment.json.id}/events`, { events: [{ status, occurredAt: t.clock.now().toISOString() }] });
    await post('out_for_delivery');
    await t.worker.drain();
    const waiting = (await messagesOf(order.id)).find((m) => m.channel === 'sms' && m.milestone === 'out_for_delivery')!;
    expect(waiting).toMatchObject({ state: 'pending', heldReason: 'quiet_hours' });
    t.clock.set('2026-03-12T11:30:00Z'); // 06:30: delivered early, before the window opens
    await post('delivered');
    await t.worker.drain();
    t.clock.set('2026-03-12T13:00:01Z');
    await t.worker.drain();
    const log = await messagesOf(order.id);
    expect(log.find((m) => m.id === waiting.id)).toMatchObject({ state: 'dropped', heldReason: 'overtaken' });
    expect(log.find((m) => m.milestone === 'delivered' && m.channel === 'email')).toMatchObject({ state: 'sent' });
    expect(twilio.messages.filter((m) => m.to === phone)).toEqual([]);
  });

  it('drops a waiting text overtaken by a milestone decided in the same batch (one created_at): the events’ times decide', async () => {
    // The worker is behind: out for delivery at 06:00 and delivered at 06:35 in Austin are claimed
    // together at 06:40, outside the window, and both messages are stamped 06:40.
    t.clock.set('2026-03-14T11:00:00Z'); // 06:00 in Austin (CDT)
    const { order, phone } = await placeOrder();
    const shipment = await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'ups', trackingNumber: 'BATCH0000001' });
    await t.worker.drain();
    const post = (status: string) => t.request('POST', `/v1/shipments/${shipment.json.id}/events`, { events: [{ status, occurredAt: t.clock.now().toISOString() }] });
    expect((await post('out_for_delivery')).status).toBe(200);
    t.clock.set('2026-03-14T11:35:00Z');
    expect((await post('delivered')).status).toBe(200);
    t.clock.set('2026-03-14T11:40:00Z');
    await t.worker.drain();
    let log = await messagesOf(order.id);
    const waiting = log.find((m) => m.channel === 'sms' && m.milestone === 'out_for_delivery')!;
    expect(waiting).toMatchObject({ state: 'pending', heldReason: 'quiet_hours', sendAfter: '2026-03-14T13:00:00.000Z' });
    expect(log.find((m) => m.milestone === 'delivered' && m.channel === 'email')).toMatchObject({ state: 'sent', createdAt: waiting.createdAt });
    t.clock.set('2026-03-14T13:00:01Z');
    await t.worker.drain();
    log = await messagesOf(order.id);
    expect(log.find((m) => m.id === waiting.id)).toMatchObject({ state: 'dropped', heldReason: 'overtaken' });
    expect(twilio.messages.filter((m) => m.to === phone)).toEqual([]);
  });

  it('drops a text waiting for the morning, and a retried one, when the parcel is cancelled meanwhile', async () => {
    t.clock.set('2026-03-13T08:00:00Z'); // 03:00 in Austin
    const { order, phone } = await placeOrder();
    const shipment = await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const waiting = (await messagesOf(order.id)).find((m) => m.channel === 'sms' && m.milestone === 'shipped')!;
    expect(waiting).toMatchObject({ state: 'pending', heldReason: 'quiet_hours' });
    expect((await t.request('POST', `/v1/shipments/${shipment.json.id}/commands`, { command: 'cancel' })).status).toBe(200);
    t.clock.set('2026-03-13T13:00:01Z');
    await t.worker.drain();
    expect((await messagesOf(order.id)).find((m) => m.id === waiting.id)).toMatchObject({ state: 'dropped', heldReason: 'shipment_cancelled' });
    expect(twilio.messages.filter((m) => m.to === phone)).toEqual([]);
  });

  it('names the carrier as customers know it, and links the page in the message’s language', async () => {
    const { order } = await placeOrder({ customer: { email: 'lengua@example.com', name: 'Ana Ruiz', locale: 'es' } });
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'ups', trackingNumber: '1Z999AA10123456784' });
    const shipment = (await t.request('GET', `/v1/orders/${order.id}`)).json.shipments[0];
    await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: [{ status: 'in_transit', occurredAt: t.clock.now().toISOString() }] });
    await t.worker.drain();
    const shipped = (await messagesOf(order.id)).find((m) => m.channel === 'email' && m.milestone === 'shipped')!;
    expect(shipped.body).toContain('UPS');
    expect(shipped.body).not.toMatch(/\bups\b/);
    expect(shipped.body).toContain(`${order.trackingPageUrl}?lang=es`);
  });

  it('unsubscribes by the one-click link in the email (RFC 8058) and still sends receipts', async () => {
    const { order, body } = await placeOrder();
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const shippedMail = mails.find((m) => m.to.includes(body.customer.email) && /List-Unsubscribe-Post: List-Unsubscribe=One-Click/.test(m.raw));
    expect(shippedMail).toBeDefined();
    const url = /List-Unsubscribe: <([^>]+)>/.exec(shippedMail!.raw.replace(/\r?\n\s+/g, ' '))![1]!;
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(res.status).toBe(200);
    const pref = await t.deps.db.selectFrom('contact_preferences').selectAll().where('address', '=', body.customer.email).executeTakeFirstOrThrow();
    expect(pref.opted_out_at).not.toBeNull();
    const forged = new URL(url);
    forged.pathname = forged.pathname.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    const tampered = await fetch(forged, { method: 'POST' });
    expect(tampered.status).toBe(404);
  });

  it('seals the address in the link, so it cannot be read from it, and still honours links of the earlier kind', async () => {
    const { order, body } = await placeOrder();
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const mail = mails.find((m) => m.to.includes(body.customer.email) && /List-Unsubscribe:/.test(m.raw))!;
    const url = /List-Unsubscribe: <([^>]+)>/.exec(mail.raw.replace(/\r?\n\s+/g, ' '))![1]!;
    const token = new URL(url).pathname.slice('/u/'.length);
    const readable = [token, ...token.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1'))].join(' ');
    expect(readable.toLowerCase()).not.toContain(body.customer.email.toLowerCase());
    expect(readable.toLowerCase()).not.toContain(body.customer.email.split('@')[0]!.toLowerCase());
    // Tampered (a byte of the sealed part changed): refused.
    const parts = token.split('.');
    parts[3] = parts[3]!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await fetch(`${new URL(url).origin}/u/${parts.join('.')}`, { method: 'POST' })).status).toBe(404);

    // A link of the earlier kind (the address in base64 under an HMAC), in emails already sent: still unsubscribes.
    const earlier = `${new URL(url).origin}/u/${legacyUnsubscribeToken(t.deps.keys, t.brand.id, 'Earlier.Reader@example.com')}`;
    const asked = await fetch(earlier);
    expect(asked.status).toBe(200);
    expect(await asked.text()).toContain('e***@example.com');
    expect((await fetch(earlier, { method: 'POST' })).status).toBe(200);
    const pref = await t.deps.db.selectFrom('contact_preferences').selectAll().where('address', '=', 'earlier.reader@example.com').executeTakeFirstOrThrow();
    expect(pref.opted_out_at).not.toBeNull();
  });

  it('asks and answers in the language of the email it came from, whatever the browser prefers', async () => {
    const { order } = await placeOrder({ customer: { email: 'baja@example.com', name: 'Ana Ruiz', locale: 'es' } });
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const mail = mails.find((m) => m.to.includes('baja@example.com') && /List-Unsubscribe:/.test(m.raw))!;
    const url = /List-Unsubscribe: <([^>]+)>/.exec(mail.raw.replace(/\r?\n\s+/g, ' '))![1]!;
    expect(new URL(url).searchParams.get('lang')).toBe('es');
    const askedPage = await fetch(url, { headers: { 'accept-language': 'en-US' } });
    // Its address holds the token: no shared cache keeps the page, no other site is told it.
    expect(askedPage.headers.get('cache-control')).toBe('private, no-store');
    expect(askedPage.headers.get('referrer-policy')).toBe('no-referrer');
    expect(askedPage.headers.get('content-security-policy')).toContain("default-src 'none'");
    const asked = await askedPage.text();
    expect(asked).toContain('<html lang="es">');
    expect(asked).toContain('¿Darte de baja de las novedades de Test Brand?');
    expect(asked).toContain('<strong>b***@example.com</strong>');
    expect(asked).toMatch(/<form method="post" action="\/u\/[^"?]+\?lang=es">/);
    const done = await (await fetch(url, { method: 'POST', headers: { 'accept-language': 'en-US' } })).text();
    expect(done).toContain('Te has dado de baja');
    const dead = await fetch(`${new URL(url).origin}/u/nonsense`, { headers: { 'accept-language': 'de-DE,de;q=0.9' } });
    expect(dead.status).toBe(404);
    expect(dead.headers.get('cache-control')).toBe('private, no-store');
    expect(await dead.text()).toContain('Dieser Link ist ungültig');
  });
});

describe('failures and the dead-letter list', () => {
  it('retries a provider outage with backoff and sends once it recovers', async () => {
    const { order, phone } = await placeOrder();
    twilio.failNext({ status: 503, times: 1 });
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    let sms = (await messagesOf(order.id)).find((m) => m.channel === 'sms')!;
    expect(sms).toMatchObject({ state: 'pending', attempts: 1 });
    expect(sms.lastError).toMatch(/unavailable/);
    t.clock.advance(60_000);
    await t.worker.drain();
    sms = (await messagesOf(order.id)).find((m) => m.channel === 'sms')!;
    expect(sms).toMatchObject({ state: 'sent', attempts: 2 });
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
  });

  it('fails a rejected number without retrying, and lets the brand retry it', async () => {
    const { order, phone } = await placeOrder();
    twilio.rejectNumber(phone, 21211);
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const sms = (await messagesOf(order.id)).find((m) => m.channel === 'sms')!;
    expect(sms).toMatchObject({ state: 'failed' });
    const dead = await t.request('GET', '/v1/messages?state=failed');
    expect(dead.json.data.map((m: { id: string }) => m.id)).toContain(sms.id);
    const retry = await t.request('POST', `/v1/messages/${sms.id}/retry`);
    expect(retry.json.state).toBe('pending');
    twilio.reset();
    await t.worker.drain();
    expect((await messagesOf(order.id)).find((m) => m.id === sms.id)!.state).toBe('sent');
    expect((await t.request('POST', `/v1/messages/${sms.id}/retry`)).status).toBe(409);
  });

  it('lists messages a page at a time, newest first, every one once, within a state too', async () => {
    const { order } = await placeOrder();
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const all = (await t.request('GET', '/v1/messages?limit=200')).json as { data: Array<{ id: string; state: string }>; nextCursor: string | null };
    expect(all.data.length).toBeGreaterThan(2); // two pages at least
    const ids = all.data.map((m) => m.id);
    expect(ids).toEqual([...ids].sort().reverse());
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res: { status: number; json: { data: Array<{ id: string }>; nextCursor: string | null } } = await t.request('GET', `/v1/messages?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.json.data.length).toBeLessThanOrEqual(2);
      paged.push(...res.json.data.map((m) => m.id));
      cursor = res.json.nextCursor;
    } while (cursor);
    expect(paged).toEqual(ids);
    const sent = all.data.filter((m) => m.state === 'sent').map((m) => m.id);
    const firstSent = (await t.request('GET', '/v1/messages?state=sent&limit=1')).json;
    expect(firstSent.data.map((m: { id: string }) => m.id)).toEqual(sent.slice(0, 1));
    expect((await t.request('GET', `/v1/messages?state=sent&limit=200&cursor=${firstSent.nextCursor}`)).json.data.map((m: { id: string }) => m.id)).toEqual(sent.slice(1));
    expect((await t.request('GET', '/v1/messages?cursor=nope')).status).toBe(422);
  });

  it('holds back a phone number that is well-formed but not a real number (libphonenumber), and still emails', async () => {
    const { order } = await placeOrder({ customer: { email: `fake${phoneCounter}@example.com`, phone: '+11234567890', smsConsent: true } });
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const shipped = (await messagesOf(order.id)).filter((m) => m.milestone === 'shipped');
    expect(shipped.find((m) => m.channel === 'sms')).toMatchObject({ state: 'held', heldReason: 'invalid_contact', recipient: '+11234567890' });
    expect(shippingEmails(await messagesOf(order.id)).map((m) => m.state)).toEqual(['sent']);
  });

  it('waits as long as a 429 asks (Retry-After), then sends once', async () => {
    const { order, phone } = await placeOrder();
    twilio.failNext({ status: 429, retryAfterSeconds: 120 });
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const sms = (await messagesOf(order.id)).find((m) => m.channel === 'sms')!;
    expect(sms).toMatchObject({ state: 'pending', attempts: 1 });
    expect(sms.lastError).toMatch(/^rate_limited/);
    t.clock.advance(100_000);
    await t.worker.drain();
    expect(twilio.messages.filter((m) => m.to === phone)).toEqual([]);
    t.clock.advance(21_000);
    await t.worker.drain();
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    expect((await messagesOf(order.id)).find((m) => m.id === sms.id)).toMatchObject({ state: 'sent', attempts: 2 });
  });

  it('holds back an invalid email address with the reason, without failing the rest', async () => {
    const { order } = await placeOrder();
    await t.deps.db.updateTable('orders').set({ customer_email: 'not-an-address' }).where('id', '=', order.id).execute();
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const shipped = (await messagesOf(order.id)).filter((m) => m.milestone === 'shipped');
    expect(shipped.find((m) => m.channel === 'email')).toMatchObject({ state: 'held', heldReason: 'invalid_contact' });
    expect(shipped.find((m) => m.channel === 'sms')).toMatchObject({ state: 'sent' });
  });
});

describe('hybrid mode and previews', () => {
  it('sends a person’s update by email, and by SMS only when marked critical', async () => {
    const { order, phone } = await placeOrder();
    await t.worker.drain();
    const script = await t.request('POST', `/v1/orders/${order.id}/updates`, { text: 'See the picture', imageUrl: 'javascript:alert(1)' });
    expect(script.status).toBe(422);
    expect(script.json.error.details).toEqual([{ field: 'imageUrl', problem: 'must be an http(s) URL' }]);
    const plain = await t.request('POST', `/v1/orders/${order.id}/updates`, { text: 'Your table left the workshop today.' });
    expect(plain.status).toBe(201);
    const critical = await t.request('POST', `/v1/orders/${order.id}/updates`, { text: 'Please confirm your delivery slot.', critical: true });
    await t.worker.drain();
    const updates = (await messagesOf(order.id)).filter((m) => m.milestone === 'personal_update');
    expect(updates.filter((m) => m.channel === 'email' && m.state === 'sent')).toHaveLength(2);
    expect(updates.filter((m) => m.channel === 'sms' && m.state === 'sent')).toHaveLength(1);
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    expect(updates.filter((m) => m.channel === 'email').map((m) => m.body).join(' ')).toContain('confirm your delivery slot');
    const page = await (await t.app.request(new URL(order.trackingPageUrl).pathname)).text();
    expect(page).toContain('Your table left the workshop today.');
    void critical;
  });

  it('previews any template, and refuses overrides with unknown placeholders', async () => {
    const preview = await t.request('GET', '/v1/notifications/preview?milestone=delivered&locale=fr');
    expect(preview.status).toBe(200);
    expect(preview.json.subject).toMatch(/\S/);
    expect(preview.json.html).toContain('<html');
    const bad = await t.request('PATCH', '/v1/brand/settings', { templates: { shipped: { subject: 'Hi {{customer.shoeSize}}' } } });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details[0]).toMatchObject({ field: 'templates.shipped.subject' });
    // A confirmation never names a tracking number: a brand's wording may not either.
    const leak = await t.request('PATCH', '/v1/brand/settings', { templates: { order_confirmed: { sms: 'Tracking {{shipment.trackingNumber}}' } } });
    expect(leak.status).toBe(422);
    expect(leak.json.error.details[0]).toMatchObject({ field: 'templates.order_confirmed.sms', problem: expect.stringContaining('shipment.trackingNumber') });
    const good = await t.request('PATCH', '/v1/brand/settings', { templates: { shipped: { subject: 'On its way: {{order.number}}' } } });
    expect(good.status).toBe(200);
    // A misspelt field is refused by name, not dropped (the save would otherwise "succeed" and change nothing).
    const misspelt = await t.request('PATCH', '/v1/brand/settings', { senderr: { name: 'X' }, templates: { shipped: { subjet: 'Hello' } }, notifications: { smsWindow: { start: '08:00', end: '20:00', zone: 'UTC' } } });
    expect(misspelt.status).toBe(422);
    expect(misspelt.json.error.details).toEqual(
      expect.arrayContaining([
        { field: '(body)', problem: 'has no field "senderr"' },
        { field: 'templates.shipped', problem: 'has no field "subjet"' },
        { field: 'notifications.smsWindow', problem: 'has no field "zone"' },
      ]),
    );
    const injected = await t.request('GET', '/v1/notifications/preview?milestone=shipped');
    expect(injected.json.subject).toMatch(/^On its way: /);
  });
});

describe('split shipments', () => {
  it('a message per parcel, and "all items delivered" once, when the last one arrives', async () => {
    const { order } = await placeOrder();
    const make = async (n: string) => (await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'ups', trackingNumber: `SPLIT${n}` })).json.id as string;
    const [first, second] = [await make(`A${phoneCounter}`), await make(`B${phoneCounter}`)];
    const deliver = async (shipmentId: string) => {
      t.clock.advance(3_600_000);
      await t.request('POST', `/v1/shipments/${shipmentId}/events`, { events: [{ status: 'delivered', occurredAt: t.clock.now().toISOString() }] });
      await t.worker.drain();
    };
    await deliver(first);
    let log = await messagesOf(order.id);
    expect(log.filter((m) => m.milestone === 'delivered' && m.channel === 'email')).toHaveLength(1);
    expect(log.filter((m) => m.milestone === 'all_delivered')).toEqual([]);
    await deliver(second);
    log = await messagesOf(order.id);
    // The last parcel's "delivered" is said by "all delivered": one email for the moment.
    const delivered = log.filter((m) => m.milestone === 'delivered' && m.channel === 'email');
    expect(delivered.map((m) => [m.shipmentId, m.state, m.heldReason])).toEqual([
      [first, 'sent', null],
      [second, 'held', 'combined'],
    ]);
    const all = log.filter((m) => m.milestone === 'all_delivered');
    expect(all.map((m) => [m.channel, m.state])).toEqual([['email', 'sent']]);
    expect(all[0]!.body).toMatch(/Can’t find a parcel\?/);
  });

  it('parcels delivered together (both before either is decided): "all items delivered" alone, then a parcel added later is its own news', async () => {
    const { order } = await placeOrder();
    const make = async (n: string) => (await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'ups', trackingNumber: `TOGETHER${n}` })).json.id as string;
    const [first, second] = [await make(`A${phoneCounter}`), await make(`B${phoneCounter}`)];
    t.clock.advance(3_600_000);
    for (const shipmentId of [first, second]) await t.request('POST', `/v1/shipments/${shipmentId}/events`, { events: [{ status: 'delivered', occurredAt: t.clock.now().toISOString() }] });
    // Decided one after the other, as two jobs are (the second sees the first's email).
    for (const shipmentId of [first, second]) {
      await t.deps.db.updateTable('jobs').set({ run_at: new Date(t.clock.now().getTime() + 3_600_000).toISOString() }).where('kind', '=', 'shipment.status_changed').where('payload', 'not like', `%${shipmentId}%`).where('state', '=', 'queued').execute();
      await t.deps.db.updateTable('jobs').set({ run_at: t.clock.now().toISOString() }).where('kind', '=', 'shipment.status_changed').where('payload', 'like', `%${shipmentId}%`).where('state', '=', 'queued').execute();
      await t.worker.drain();
    }
    let emails = (await messagesOf(order.id)).filter((m) => m.channel === 'email' && (m.milestone === 'delivered' || m.milestone === 'all_delivered') && m.state !== 'held');
    expect(emails.map((m) => m.milestone)).toEqual(['all_delivered']);
    // A third parcel shipped after that email and delivered: its delivery is news.
    const third = await make(`C${phoneCounter}`);
    t.clock.advance(3_600_000);
    await t.request('POST', `/v1/shipments/${third}/events`, { events: [{ status: 'delivered', occurredAt: t.clock.now().toISOString() }] });
    await t.worker.drain();
    emails = (await messagesOf(order.id)).filter((m) => m.channel === 'email' && (m.milestone === 'delivered' || m.milestone === 'all_delivered') && m.state !== 'held');
    expect(emails.map((m) => (m.milestone === 'delivered' ? [m.milestone, m.shipmentId] : [m.milestone]))).toEqual([['all_delivered'], ['delivered', third]]);
  });
});

describe('history is not news', () => {
  it('records but does not send messages for status changes days old (a backfill)', async () => {
    const { order } = await placeOrder();
    await t.worker.drain();
    const shipment = await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'ups', trackingNumber: '1Z12345E0205271686' });
    const old = new Date(t.clock.now().getTime() - 5 * 86_400_000).toISOString();
    await t.request('POST', `/v1/shipments/${shipment.json.id}/events`, { events: [{ status: 'delivered', occurredAt: old }] });
    await t.worker.drain();
    const delivered = (await messagesOf(order.id)).filter((m) => m.milestone === 'delivered');
    expect(delivered.find((m) => m.channel === 'email')).toMatchObject({ state: 'held', heldReason: 'stale' });
  });
});

describe('a brand without an SMS account', () => {
  it('holds texts with the reason, and still emails', async () => {
    const { createBrand } = await import('../../src/brands/repo.js');
    const { apiKey } = await createBrand(t.deps.db, t.clock.now(), { name: 'Email Only Co' });
    const auth = { authorization: `Bearer ${apiKey}` };
    const order = await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString(), customer: { email: 'solo@example.com', phone: nextPhone(), smsConsent: true } }), auth);
    await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'simulated', label: true }, auth);
    await t.worker.drain();
    const log = (await t.request('GET', `/v1/orders/${order.json.id}/messages`, undefined, auth)).json.data as Array<Record<string, any>>;
    const shipped = log.filter((m) => m.milestone === 'shipped');
    expect(shipped.find((m) => m.channel === 'sms')).toMatchObject({ state: 'held', heldReason: 'channel_not_configured' });
    expect(shippingEmails(log).map((m) => m.state)).toEqual(['sent']);
  });
});


describe('a failed attempt folded into one change with later scans', () => {
  it('is still announced, by email and SMS, once; not when the same events end delivered', async () => {
    t.clock.set('2026-03-19T23:30:00Z'); // 18:30 in Austin
    const { order, phone } = await placeOrder();
    const shipment = await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'ups', trackingNumber: 'MISSED000001' });
    const post = (events: Array<[string, string]>) => t.request('POST', `/v1/shipments/${shipment.json.id}/events`, { events: events.map(([status, occurredAt]) => ({ status, occurredAt })) });
    expect((await post([['in_transit', '2026-03-19T12:00:00Z']])).status).toBe(200);
    await t.worker.drain();
    // One poll brings the van going out, the missed delivery and the scan back at the depot.
    expect((await post([['out_for_delivery', '2026-03-19T14:00:00Z'], ['attempt_failed', '2026-03-19T19:00:00Z'], ['in_transit', '2026-03-19T23:00:00Z']])).status).toBe(200);
    await t.worker.drain();
    const failed = (await messagesOf(order.id)).filter((m) => m.milestone === 'attempt_failed');
    expect(failed.map((m) => [m.channel, m.occurrence, m.state]).sort()).toEqual([['email', 'first', 'sent'], ['sms', 'first', 'sent']]);
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(2); // "shipped" and the missed delivery
    // Replayed, nothing more.
    await t.deps.db.updateTable('jobs').set({ state: 'queued' }).where('kind', '=', 'shipment.status_changed').execute();
    await t.worker.drain();
    expect((await messagesOf(order.id)).filter((m) => m.milestone === 'attempt_failed')).toHaveLength(2);

    // A second miss and the delivery in one poll: delivered makes the miss moot.
    expect((await post([['out_for_delivery', '2026-03-20T14:00:00Z'], ['attempt_failed', '2026-03-20T16:00:00Z'], ['delivered', '2026-03-20T20:00:00Z']])).status).toBe(200);
    t.clock.set('2026-03-20T20:30:00Z');
    await t.worker.drain();
    const log = await messagesOf(order.id);
    expect(log.filter((m) => m.milestone === 'attempt_failed')).toHaveLength(2);
    expect(log.find((m) => m.milestone === 'delivered' && m.channel === 'email')).toMatchObject({ state: 'sent' });
  });
});

describe('an update that only carries a failed attempt forward (a new delivery date after the miss)', () => {
  it('is no attempt of its own: the next van out is the second attempt, not the third', async () => {
    t.clock.set('2026-03-19T23:30:00Z');
    const { order } = await placeOrder();
    const shipment = await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'ups', trackingNumber: 'CARRIED00001' });
    const post = (events: Array<[string, string]>) => t.request('POST', `/v1/shipments/${shipment.json.id}/events`, { events: events.map(([status, occurredAt]) => ({ status, occurredAt })) });
    expect((await post([['in_transit', '2026-03-19T12:00:00Z'], ['out_for_delivery', '2026-03-19T14:00:00Z'], ['attempt_failed', '2026-03-19T19:00:00Z']])).status).toBe(200);
    await t.worker.drain();
    // UPS Track Alert's new delivery date, stored with the status it carries (as the inbox does).
    const row = await t.deps.db.selectFrom('shipments').selectAll().where('id', '=', shipment.json.id).executeTakeFirstOrThrow();
    await t.deps.db.transaction().execute((trx) =>
      ingestEvents(trx, t.clock.now(), [{ shipment: row, source: 'carrier_webhook', events: [{ status: 'attempt_failed', occurredAt: '2026-03-19T20:00:00Z', carrierCode: 'UT', carrierText: 'Updated delivery date', statusCarried: true }] }]),
    );
    expect((await post([['out_for_delivery', '2026-03-20T14:00:00Z']])).status).toBe(200);
    t.clock.set('2026-03-20T14:30:00Z');
    await t.worker.drain();
    const vanOut = (await messagesOf(order.id)).filter((m) => m.milestone === 'out_for_delivery' && m.channel === 'email');
    expect(vanOut.map((m) => m.occurrence)).toEqual(['attempt-2']);
  });
});

describe('attempt numbers are those of the moment of the change, however late its message job runs', () => {
  type Events = Array<[string, string]>;
  /** The three ways events are folded: the event route, the batch route, and the ingest transaction polls and webhooks use. */
  const PATHS = {
    'the event route': async (shipment: { id: string; trackingNumber: string }, events: Events) => {
      expect((await t.request('POST', `/v1/shipments/${shipment.id}/events`, { events: events.map(([status, occurredAt]) => ({ status, occurredAt })) })).status).toBe(200);
    },
    'the batch route': async (shipment: { id: string; trackingNumber: string }, events: Events) => {
      const res = await t.request('POST', '/v1/events/batch', { events: events.map(([status, occurredAt]) => ({ carrier: 'ups', trackingNumber: shipment.trackingNumber, status, occurredAt })) });
      expect(res.status).toBe(200);
    },
    'the ingest transaction': async (shipment: { id: string; trackingNumber: string }, events: Events) => {
      const row = await t.deps.db.selectFrom('shipments').selectAll().where('id', '=', shipment.id).executeTakeFirstOrThrow();
      await t.deps.db.transaction().execute((trx) => ingestEvents(trx, t.clock.now(), [{ shipment: row, source: 'carrier_poll', events: events.map(([status, occurredAt]) => ({ status: status as 'in_transit', occurredAt })) }]));
    },
  };
  let numbers = 0;
  async function parcel(path: keyof typeof PATHS = 'the event route') {
    const { order } = await placeOrder();
    const trackingNumber = `ATTEMPT${String((numbers += 1)).padStart(5, '0')}`;
    const created = await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'ups', trackingNumber });
    const shipment = { id: created.json.id as string, trackingNumber };
    return { order, shipment, post: (events: Events) => PATHS[path](shipment, events) };
  }
  /** The next day's van and its miss, each its own change, stored before the jobs before them ran (a backlog). */
  const nextDaysMiss = async (post: (events: Events) => Promise<void>) => {
    await post([['out_for_delivery', '2026-03-20T14:00:00Z']]);
    await post([['attempt_failed', '2026-03-20T16:00:00Z']]);
  };
  const emailsOf = async (orderId: string, milestone: string) =>
    (await messagesOf(orderId))
      .filter((m) => m.milestone === milestone && m.channel === 'email')
      .map((m) => m.occurrence)
      .sort();

  it.each(Object.keys(PATHS) as Array<keyof typeof PATHS>)('the first miss is attempt 1 when a second miss came before its job ran (%s)', async (path) => {
    t.clock.set('2026-03-20T18:00:00Z');
    const { order, post } = await parcel(path);
    await post([['in_transit', '2026-03-19T12:00:00Z']]);
    await t.worker.drain();
    await post([['out_for_delivery', '2026-03-19T14:00:00Z'], ['attempt_failed', '2026-03-19T19:00:00Z']]);
    await nextDaysMiss(post);
    await t.worker.drain();
    expect(await emailsOf(order.id, 'attempt_failed')).toEqual(['attempt-2', 'first']);
  });

  it.each([
    ['folded since the upgrade', false],
    ['folded before the upgrade (no misses in its fold state: the job counts up to its change)', true],
  ])('the next van out is the second attempt when a later miss came before its job ran (a shipment %s)', async (_, foldedBeforeUpgrade) => {
    t.clock.set('2026-03-21T09:30:00Z');
    const { order, shipment, post } = await parcel();
    await post([['in_transit', '2026-03-19T12:00:00Z'], ['out_for_delivery', '2026-03-19T14:00:00Z'], ['attempt_failed', '2026-03-19T19:00:00Z']]);
    await t.worker.drain();
    if (foldedBeforeUpgrade) {
      const { fold_state } = await t.deps.db.selectFrom('shipments').select('fold_state').where('id', '=', shipment.id).executeTakeFirstOrThrow();
      const { head, terminal, delay } = JSON.parse(fold_state) as Record<string, unknown>;
      await t.deps.db.updateTable('shipments').set({ fold_state: JSON.stringify({ head, terminal, delay }) }).where('id', '=', shipment.id).execute();
    }
    await nextDaysMiss(post);
    await post([['out_for_delivery', '2026-03-21T09:00:00Z']]);
    await t.worker.drain();
    expect(await emailsOf(order.id, 'out_for_delivery')).toEqual(['attempt-2', 'attempt-3']);
    expect(await emailsOf(order.id, 'attempt_failed')).toEqual(['attempt-2', 'first']);
  });

  it('a miss folded through to a later scan keeps its number when the job runs after another miss', async () => {
    t.clock.set('2026-03-20T18:00:00Z');
    const { order, post } = await parcel('the batch route');
    await post([['in_transit', '2026-03-19T12:00:00Z']]);
    await t.worker.drain();
    await post([['out_for_delivery', '2026-03-19T14:00:00Z'], ['attempt_failed', '2026-03-19T19:00:00Z'], ['in_transit', '2026-03-19T23:00:00Z']]);
    await nextDaysMiss(post);
    await t.worker.drain();
    expect(await emailsOf(order.id, 'attempt_failed')).toEqual(['attempt-2', 'first']);
  });

  it('jobs queued before the upgrade (no number in them) count only the misses at or before their change', async () => {
    t.clock.set('2026-03-20T18:00:00Z');
    const { order, shipment, post } = await parcel();
    await post([['in_transit', '2026-03-19T12:00:00Z']]);
    await t.worker.drain();
    await post([['out_for_delivery', '2026-03-19T14:00:00Z'], ['attempt_failed', '2026-03-19T19:00:00Z'], ['in_transit', '2026-03-19T23:00:00Z']]);
    await nextDaysMiss(post);
    // The payloads as the version before wrote them: no attempt numbers; a passed miss counted back from the total.
    const queued = await t.deps.db.selectFrom('jobs').select(['id', 'payload']).where('kind', '=', 'shipment.status_changed').where('state', '=', 'queued').where('payload', 'like', `%${shipment.id}%`).execute();
    expect(queued).toHaveLength(3);
    for (const job of queued) {
      const { attemptNumber: _, failedAttemptsPassed, ...payload } = JSON.parse(job.payload) as Record<string, any>;
      const old = { ...payload, ...(failedAttemptsPassed ? { failedAttemptsPassed: failedAttemptsPassed.map((f: { occurredAt: string }) => ({ occurredAt: f.occurredAt, laterFailures: 0 })) } : {}) };
      await t.deps.db.updateTable('jobs').set({ payload: JSON.stringify(old) }).where('id', '=', job.id).execute();
    }
    await t.worker.drain();
    expect(await emailsOf(order.id, 'attempt_failed')).toEqual(['attempt-2', 'first']);
  });

  it('a miss and the next van out in one update, the van already out before: both told, the van as attempt 2', async () => {
    t.clock.set('2026-03-20T14:30:00Z');
    const { order, post } = await parcel('the ingest transaction');
    await post([['in_transit', '2026-03-19T12:00:00Z'], ['out_for_delivery', '2026-03-19T14:00:00Z']]);
    await t.worker.drain();
    // The next poll brings the evening's miss and the next morning's van together.
    await post([['attempt_failed', '2026-03-19T19:00:00Z'], ['out_for_delivery', '2026-03-20T14:00:00Z']]);
    await t.worker.drain();
    expect(await emailsOf(order.id, 'attempt_failed')).toEqual(['first']);
    expect(await emailsOf(order.id, 'out_for_delivery')).toEqual(['attempt-2', 'first']);
  });

  it('a second miss with no scan between (a webhook that missed the van going out) is told as attempt 2', async () => {
    t.clock.set('2026-03-20T18:00:00Z');
    const { order, post } = await parcel();
    await post([['in_transit', '2026-03-19T12:00:00Z'], ['out_for_delivery', '2026-03-19T14:00:00Z'], ['attempt_failed', '2026-03-19T19:00:00Z']]);
    await t.worker.drain();
    await post([['attempt_failed', '2026-03-20T16:00:00Z']]);
    await t.worker.drain();
    expect(await emailsOf(order.id, 'attempt_failed')).toEqual(['attempt-2', 'first']);
  });

  it('a miss that arrives after a newer one is not announced, keeps the told number as it was, and counts for the next van', async () => {
    t.clock.set('2026-03-21T09:30:00Z');
    const { order, post } = await parcel();
    await post([['in_transit', '2026-03-19T12:00:00Z']]);
    await t.worker.drain();
    await post([['out_for_delivery', '2026-03-20T14:00:00Z'], ['attempt_failed', '2026-03-20T16:00:00Z']]);
    // The day before's miss, reported late (a webhook lost, the next poll bringing it), before that job ran.
    await post([['attempt_failed', '2026-03-19T19:00:00Z']]);
    await t.worker.drain();
    expect(await emailsOf(order.id, 'attempt_failed')).toEqual(['first']);
    await post([['out_for_delivery', '2026-03-21T09:00:00Z']]);
    await t.worker.drain();
    expect(await emailsOf(order.id, 'attempt_failed')).toEqual(['first']);
    expect(await emailsOf(order.id, 'out_for_delivery')).toEqual(['attempt-3']);
  });
});

describe('a correction out of delivered', () => {
  it('says nothing during the detour, and tells the delivery the parcel settles on, once', async () => {
    t.clock.set('2026-03-23T15:00:00Z'); // 10:00 in Austin
    const { order, phone } = await placeOrder();
    const shipment = await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'ups', trackingNumber: 'DETOUR000001' });
    const post = async (status: string, minutes: number) => {
      t.clock.advance(minutes * 60_000);
      expect((await t.request('POST', `/v1/shipments/${shipment.json.id}/events`, { events: [{ status, occurredAt: t.clock.now().toISOString() }] })).status).toBe(200);
      await t.worker.drain();
    };
    await post('in_transit', 0);
    await post('out_for_delivery', 60);
    await post('delivered', 60); // delivered to the wrong door, as the carrier finds out
    await post('out_for_delivery', 60); // a newer scan: a correction
    await post('attempt_failed', 60);
    await post('out_for_delivery', 60);
    const detour = (await messagesOf(order.id)).filter((m) => m.state !== 'held');
    expect(detour.filter((m) => m.milestone === 'attempt_failed')).toEqual([]);
    expect(detour.filter((m) => m.milestone === 'out_for_delivery').map((m) => m.occurrence)).toEqual(['first', 'first']); // email and SMS, before the delivery
    const textsBefore = twilio.messages.filter((m) => m.to === phone).length;
    await post('delivered', 60);
    // The settling change replayed (a worker that died after deciding): told once.
    const settling = await t.deps.db.selectFrom('jobs').select('id').where('kind', '=', 'shipment.status_changed').where('payload', 'like', `%${shipment.json.id}%`).orderBy('created_at', 'desc').limit(1).executeTakeFirstOrThrow();
    await t.deps.db.updateTable('jobs').set({ state: 'queued' }).where('id', '=', settling.id).execute();
    await t.worker.drain();
    const delivered = (await messagesOf(order.id)).filter((m) => m.milestone === 'delivered' && m.channel === 'email');
    expect(delivered.map((m) => [m.occurrence, m.state])).toEqual([
      ['first', 'sent'],
      [`settled-${t.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '')}`, 'sent'],
    ]);
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(textsBefore); // "delivered" goes by SMS only where the brand opts in
  });
});

describe('a send whose answer never came is not sent again blindly', () => {
  /** The brand's texts through a Twilio provider that gives up after 150 ms; the emulator answers after 400. */
  function impatientTwilio() {
    const original = t.deps.messaging.smsFor;
    t.deps.messaging.smsFor = (brand) => {
      const account = original(brand);
      return account && { from: account.from, provider: createTwilioSmsProvider({ ...EMULATOR_ACCOUNT, apiBase: twilio.url, timeoutMs: 150 }) };
    };
    twilio.setLatency(400);
    return () => {
      t.deps.messaging.smsFor = original;
      twilio.setLatency(0);
    };
  }
  const settle = () => new Promise((resolve) => setTimeout(resolve, 500)); // the emulator's late answer

  it('a text Twilio took after all is found in its Messages list and recorded as sent with its SID, not sent twice', async () => {
    t.clock.set('2026-03-16T15:00:00Z'); // 10:00 in Austin
    const { order, phone } = await placeOrder();
    await t.worker.drain();
    const restore = impatientTwilio();
    try {
      await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
      await t.worker.drain();
      await settle();
      let sms = (await messagesOf(order.id)).find((m) => m.channel === 'sms' && m.milestone === 'shipped')!;
      expect(sms).toMatchObject({ state: 'pending', attempts: 1, lastError: expect.stringContaining('may have been sent') });
      expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1); // Twilio has it
      twilio.setLatency(0);
      twilio.holdQueue(true); // still queued behind the sender's rate when asked: no DateSent yet
      twilio.messages.find((m) => m.to === phone)!.dateSent = null;
      t.clock.advance(LOOK_UP_AFTER_MS);
      await t.worker.drain();
      sms = (await messagesOf(order.id)).find((m) => m.id === sms.id)!;
      const sent = twilio.messages.filter((m) => m.to === phone);
      expect(sent).toHaveLength(1);
      expect(sms).toMatchObject({ state: 'sent', attempts: 1, lastError: null });
      const row = await t.deps.db.selectFrom('messages').select(['provider_message_id', 'uncertain_since']).where('id', '=', sms.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ provider_message_id: sent[0]!.sid, uncertain_since: null });
      // It asked the Messages list by To and From (not DateSent, which a queued text lacks).
      expect(twilio.requests.find((r) => r.method === 'GET')).toMatchObject({ params: { To: phone, From: BRAND_NUMBER, PageSize: '50' }, status: 200 });
    } finally {
      twilio.holdQueue(false);
      restore();
    }
  });

  it('a text Twilio never took is sent once the lookup finds nothing', async () => {
    t.clock.set('2026-03-17T15:00:00Z');
    const { order, phone } = await placeOrder();
    await t.worker.drain();
    const restore = impatientTwilio();
    try {
      twilio.failNext({ status: 503 }); // answered late, and with nothing created
      await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
      await t.worker.drain();
      await settle();
      expect(twilio.messages.filter((m) => m.to === phone)).toEqual([]);
      twilio.setLatency(0);
      t.clock.advance(LOOK_UP_AFTER_MS);
      await t.worker.drain();
      const sent = twilio.messages.filter((m) => m.to === phone);
      expect(sent).toHaveLength(1);
      const sms = (await messagesOf(order.id)).find((m) => m.channel === 'sms' && m.milestone === 'shipped')!;
      expect(sms).toMatchObject({ state: 'sent', attempts: 2 });
    } finally {
      restore();
    }
  });

  it('a text left in sending by a worker that died inside the call is looked up at Twilio when taken over', async () => {
    t.clock.set('2026-03-18T15:00:00Z');
    const { order, phone } = await placeOrder();
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const sms = (await messagesOf(order.id)).find((m) => m.channel === 'sms' && m.milestone === 'shipped')!;
    expect(sms).toMatchObject({ state: 'sent', attempts: 1 });
    // As if Twilio had taken it and the worker died before recording it.
    await t.deps.db.updateTable('messages').set({ state: 'sending', provider_message_id: null, sent_at: null, updated_at: t.clock.now().toISOString() }).where('id', '=', sms.id).execute();
    t.clock.advance(t.deps.config.jobLeaseSeconds * 1000);
    await sendMessage(t.deps, { messageId: sms.id });
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    const row = await t.deps.db.selectFrom('messages').select(['state', 'attempts', 'provider_message_id']).where('id', '=', sms.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'sent', attempts: 1, provider_message_id: twilio.messages.find((m) => m.to === phone)!.sid });
  });

  it('an email the SMTP server took but never answered is parked in the failed list, not sent again', async () => {
    // A server that reads the whole message and never answers its final ".".
    const received: string[] = [];
    const silent = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      onData(stream, session) {
        stream.on('data', () => undefined);
        stream.on('end', () => received.push(session.envelope.rcptTo[0]!.address));
      },
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    const provider = createSmtpEmailProvider({ url: `smtp://127.0.0.1:${(silent.server.address() as AddressInfo).port}`, socketTimeoutMs: 300 });
    const original = t.deps.messaging.email;
    t.deps.messaging.email = provider;
    try {
      const { order, body } = await placeOrder();
      await t.worker.drain();
      const email = (await messagesOf(order.id)).find((m) => m.milestone === 'order_confirmed' && m.channel === 'email')!;
      expect(email).toMatchObject({ state: 'failed', attempts: 1 });
      expect(email.lastError).toMatch(/did not answer after the message was handed over.*it may have been delivered, so it was not sent again/);
      const failed = (await t.request('GET', '/v1/messages?state=failed')).json.data as Array<{ id: string }>;
      expect(failed.map((m) => m.id)).toContain(email.id);
      t.clock.advance(3_600_000);
      await t.worker.drain();
      expect(received.filter((to) => to === body.customer.email)).toHaveLength(1);
      expect((await messagesOf(order.id)).find((m) => m.id === email.id)).toMatchObject({ state: 'failed', attempts: 1 });
    } finally {
      t.deps.messaging.email = original;
      provider.close();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
