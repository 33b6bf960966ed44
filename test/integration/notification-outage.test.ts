// A provider outage of hours, on the test's clock: a send that fails for a passing reason
// (connection refused, a 5xx) keeps being retried for about six hours and goes out once the
// provider is back, within the SMS window and never once a newer milestone made it pointless; a
// send whose allowance runs out becomes `failed` with the reason, in the dead-letter list, as the
// job dies, and is sent again (once) by POST /v1/messages/{id}/retry or `waybill jobs retry`.
// Databases migrated before this left such messages `pending` for good: migration 025 fails them.
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.js';
import { runJobsCommand } from '../../src/jobs/cli.js';
import { createSmtpEmailProvider, type SmtpEmailProvider } from '../../src/notifications/providers/smtp.js';
import type { EmailProvider } from '../../src/notifications/providers/types.js';
import { EMULATOR_ACCOUNT, startTwilioEmulator, type TwilioEmulator } from '../../src/notifications/providers/twilio-emulator.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';
import { freePort } from '../harness/process.js';

const HOUR = 3_600_000;
let t: TestContext;
let twilio: TwilioEmulator;

beforeAll(async () => {
  twilio = await startTwilioEmulator({ clock: { now: () => (t ? t.clock.now() : new Date()) } });
  t = await createTestContext({ env: { TWILIO_API_BASE: twilio.url } });
  const account = await t.request('PUT', '/v1/brand/sms-account', { accountSid: EMULATOR_ACCOUNT.accountSid, authToken: EMULATOR_ACCOUNT.authToken, from: '+15005550006' });
  expect(account.status).toBe(200);
});
afterAll(async () => {
  await t?.close();
  await twilio?.close();
});
beforeEach(() => twilio.reset());

/**
 * The brand's email over SMTP to a port nothing listens on (connection refused) until `recover()`
 * starts a server there; `received` lists the recipients of what it took.
 */
async function smtpOutage() {
  const port = await freePort();
  const received: string[] = [];
  const provider: SmtpEmailProvider = createSmtpEmailProvider({ url: `smtp://127.0.0.1:${port}` });
  let server: SMTPServer | undefined;
  const original: EmailProvider = t.deps.messaging.email;
  t.deps.messaging.email = provider;
  return {
    received,
    async recover() {
      server = new SMTPServer({
        authOptional: true,
        disabledCommands: ['STARTTLS'],
        onData(stream, session, callback) {
          stream.on('data', () => undefined);
          stream.on('end', () => {
            received.push(...session.envelope.rcptTo.map((r) => r.address));
            callback();
          });
        },
      });
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', () => resolve()));
      expect((server.server.address() as AddressInfo).port).toBe(port);
    },
    async end() {
      t.deps.messaging.email = original;
      provider.close();
      if (server) await new Promise<void>((resolve) => server!.close(() => resolve()));
    },
  };
}
let outage: Awaited<ReturnType<typeof smtpOutage>> | undefined;
afterEach(async () => {
  await outage?.end();
  outage = undefined;
});

/** Runs the worker at every moment a job falls due until `until`, as the hours of an outage pass. */
async function runUntil(until: Date) {
  for (;;) {
    await t.worker.drain();
    const next = await t.deps.db.selectFrom('jobs').select('run_at').where('state', '=', 'queued').orderBy('run_at').limit(1).executeTakeFirst();
    if (!next || Date.parse(next.run_at) > until.getTime()) break;
    t.clock.set(next.run_at);
  }
  t.clock.set(until.toISOString());
  await t.worker.drain();
}
const later = (ms: number) => new Date(t.clock.now().getTime() + ms);

let phones = 0;
async function placeOrder() {
  phones += 1;
  const phone = `+1512555${String(2000 + phones)}`;
  const email = `outage${phones}@example.com`;
  const res = await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString(), customer: { email, name: 'Ada Lovelace', phone, smsConsent: true, locale: 'en' } }));
  expect(res.status).toBe(201);
  return { order: res.json as { id: string }, phone, email };
}
const messagesOf = async (orderId: string) => (await t.request('GET', `/v1/orders/${orderId}/messages`)).json.data as Array<Record<string, any>>;
const failedIds = async () => ((await t.request('GET', '/v1/messages?state=failed&limit=200')).json.data as Array<{ id: string }>).map((m) => m.id);
const sendJobsOf = async (messageId: string) =>
  (await t.deps.db.selectFrom('jobs').select(['id', 'state', 'attempts', 'payload']).where('kind', '=', 'message.send').execute()).filter((j) => JSON.parse(j.payload).messageId === messageId);
/** A parcel of the order with events posted by hand (no simulated scans moving it as the hours pass). */
async function parcelOf(orderId: string, trackingNumber: string) {
  const shipment = await t.request('POST', `/v1/orders/${orderId}/shipments`, { carrier: 'ups', trackingNumber });
  expect(shipment.status).toBe(201);
  return (status: string) => t.request('POST', `/v1/shipments/${shipment.json.id}/events`, { events: [{ status, occurredAt: t.clock.now().toISOString() }] });
}

/** An order placed at `at` while SMTP refuses connections, the worker run through `hours` of it: its confirmation email then. */
async function confirmationThroughOutage(at: string, hours: number) {
  t.clock.set(at);
  const smtp = (outage = await smtpOutage());
  const { order, email } = await placeOrder();
  await runUntil(later(hours * HOUR));
  const confirmation = (await messagesOf(order.id)).find((m) => m.milestone === 'order_confirmed' && m.channel === 'email')!;
  return { order, email, confirmation, smtp };
}

describe('an email through an SMTP outage', () => {
  it('is retried for hours while the server refuses connections, and sent once when it is back', async () => {
    const { order, email, confirmation, smtp } = await confirmationThroughOutage('2026-04-06T14:00:00Z', 5);
    expect(confirmation).toMatchObject({ state: 'pending', lastError: expect.stringMatching(/^unavailable: .*ECONNREFUSED/) });
    expect(confirmation.attempts).toBeGreaterThan(20);
    expect((await sendJobsOf(confirmation.id)).map((j) => j.state)).toEqual(['queued']);
    expect(await failedIds()).not.toContain(confirmation.id);

    await smtp.recover();
    await runUntil(later(20 * 60_000)); // the longest wait between two attempts: 10 minutes, jittered up to 15
    expect(smtp.received).toEqual([email]);
    expect((await messagesOf(order.id)).find((m) => m.id === confirmation.id)).toMatchObject({ state: 'sent', lastError: null });
  });

  it('fails once its attempts run out, with the reason, in the dead-letter list; the retry sends it once', async () => {
    const { order, email, confirmation, smtp } = await confirmationThroughOutage('2026-04-07T14:00:00Z', 12);
    expect(confirmation.state).toBe('failed');
    expect(confirmation.lastError).toMatch(/^gave up after 45 attempts: unavailable: .*ECONNREFUSED/);
    expect((await sendJobsOf(confirmation.id)).map((j) => j.state)).toEqual(['dead']);
    expect(await failedIds()).toContain(confirmation.id);

    await smtp.recover();
    const retry = await t.request('POST', `/v1/messages/${confirmation.id}/retry`);
    expect(retry.status).toBe(200);
    expect(retry.json.state).toBe('pending');
    await t.worker.drain();
    expect(smtp.received).toEqual([email]);
    expect((await messagesOf(order.id)).find((m) => m.id === confirmation.id)).toMatchObject({ state: 'sent', lastError: null });
    expect((await t.request('POST', `/v1/messages/${confirmation.id}/retry`)).status).toBe(409);
    await runUntil(later(HOUR));
    expect(smtp.received).toEqual([email]);
  });
});

describe('a text through a Twilio outage', () => {
  it('is retried through hours of 503s and sent once Twilio answers again', async () => {
    t.clock.set('2026-04-09T14:00:00Z'); // 09:00 in Austin
    const { order, phone } = await placeOrder();
    const post = await parcelOf(order.id, 'OUTAGE000001');
    twilio.failNext({ status: 503, times: 1000 });
    expect((await post('in_transit')).status).toBe(200);
    await runUntil(later(4 * HOUR));
    const shipped = (await messagesOf(order.id)).find((m) => m.milestone === 'shipped' && m.channel === 'sms')!;
    expect(shipped).toMatchObject({ state: 'pending', lastError: expect.stringMatching(/^unavailable/) });
    expect(twilio.messages).toEqual([]);

    twilio.reset(); // Twilio is back
    await runUntil(later(20 * 60_000));
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1);
    expect((await messagesOf(order.id)).find((m) => m.id === shipped.id)).toMatchObject({ state: 'sent' });
  });

  it('does not text after hours: a retry that reaches 21:00 waits for 08:00, then goes once', async () => {
    t.clock.set('2026-04-11T01:30:00Z'); // 20:30 in Austin (CDT)
    const { order, phone } = await placeOrder();
    const post = await parcelOf(order.id, 'OUTAGE000002');
    twilio.failNext({ status: 503, times: 1000 });
    expect((await post('in_transit')).status).toBe(200);
    await runUntil(new Date('2026-04-11T02:45:00Z')); // 21:45
    const shipped = (await messagesOf(order.id)).find((m) => m.milestone === 'shipped' && m.channel === 'sms')!;
    expect(shipped).toMatchObject({ state: 'pending', heldReason: 'quiet_hours', sendAfter: '2026-04-11T13:00:00.000Z' });

    twilio.reset(); // back at 21:45: still night in Austin
    await runUntil(new Date('2026-04-11T12:59:00Z'));
    expect(twilio.messages).toEqual([]);
    await runUntil(new Date('2026-04-11T13:30:00Z'));
    const sent = twilio.messages.filter((m) => m.to === phone);
    expect(sent).toHaveLength(1);
    expect(Date.parse(sent[0]!.dateCreated)).toBeGreaterThanOrEqual(Date.parse('2026-04-11T13:00:00Z'));
  });

  it('is dropped once a newer milestone overtakes it: no "out for delivery" after the parcel was delivered', async () => {
    t.clock.set('2026-04-13T14:00:00Z'); // 09:00 in Austin
    const { order, phone } = await placeOrder();
    const post = await parcelOf(order.id, 'OUTAGE000003');
    expect((await post('in_transit')).status).toBe(200);
    await t.worker.drain();
    expect(twilio.messages.filter((m) => m.to === phone)).toHaveLength(1); // shipped
    twilio.failNext({ status: 503, times: 1000 });
    expect((await post('out_for_delivery')).status).toBe(200);
    await runUntil(later(3 * HOUR));
    const van = (await messagesOf(order.id)).find((m) => m.milestone === 'out_for_delivery' && m.channel === 'sms')!;
    expect(van).toMatchObject({ state: 'pending', lastError: expect.stringMatching(/^unavailable/) });
    expect((await post('delivered')).status).toBe(200);
    await t.worker.drain();

    twilio.reset();
    await runUntil(later(HOUR));
    expect((await messagesOf(order.id)).find((m) => m.id === van.id)).toMatchObject({ state: 'dropped', heldReason: 'overtaken' });
    expect(twilio.messages.filter((m) => m.to === phone)).toEqual([]);
  });

  it('left in sending by a worker that died on its last attempt: failed as maybe delivered, and the retry finds it at Twilio instead of texting twice', async () => {
    t.clock.set('2026-04-14T14:00:00Z');
    const { order, phone } = await placeOrder();
    const post = await parcelOf(order.id, 'OUTAGE000004');
    expect((await post('in_transit')).status).toBe(200);
    await t.worker.drain();
    const shipped = (await messagesOf(order.id)).find((m) => m.milestone === 'shipped' && m.channel === 'sms')!;
    expect(shipped.state).toBe('sent');
    // As if Twilio had taken it and the worker died before recording it, on the job's last attempt.
    const movedAt = t.clock.now().toISOString();
    await t.deps.db.updateTable('messages').set({ state: 'sending', provider_message_id: null, sent_at: null, updated_at: movedAt }).where('id', '=', shipped.id).execute();
    const [job] = await sendJobsOf(shipped.id);
    await t.deps.db.updateTable('jobs').set({ state: 'running', locked_by: 'gone', locked_until: movedAt, max_attempts: job!.attempts }).where('id', '=', job!.id).execute();
    t.clock.advance(t.deps.config.jobLeaseSeconds * 1000 + 1000);
    await t.worker.drain();
    expect((await sendJobsOf(shipped.id)).map((j) => j.state)).toEqual(['dead']);
    const failed = (await messagesOf(order.id)).find((m) => m.id === shipped.id)!;
    expect(failed).toMatchObject({ state: 'failed', lastError: expect.stringMatching(/worker stopped during its last attempt.*it may have been delivered, so it was not sent again/) });
    expect(await failedIds()).toContain(shipped.id);

    expect((await t.request('POST', `/v1/messages/${shipped.id}/retry`)).status).toBe(200);
    await t.worker.drain();
    const sent = twilio.messages.filter((m) => m.to === phone);
    expect(sent).toHaveLength(1);
    const row = await t.deps.db.selectFrom('messages').select(['state', 'provider_message_id']).where('id', '=', shipped.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ state: 'sent', provider_message_id: sent[0]!.sid });
  });
  it('another worker still inside the send call as the job dies: the message is left to that worker', async () => {
    t.clock.set('2026-04-15T14:00:00Z');
    const { order } = await placeOrder();
    const post = await parcelOf(order.id, 'OUTAGE000005');
    expect((await post('in_transit')).status).toBe(200);
    await t.worker.drain();
    const shipped = (await messagesOf(order.id)).find((m) => m.milestone === 'shipped' && m.channel === 'sms')!;
    // Moved to sending a moment ago by a live sender; this job runs its last attempt meanwhile.
    await t.deps.db.updateTable('messages').set({ state: 'sending', provider_message_id: null, sent_at: null, updated_at: t.clock.now().toISOString() }).where('id', '=', shipped.id).execute();
    const [job] = await sendJobsOf(shipped.id);
    await t.deps.db.updateTable('jobs').set({ state: 'queued', run_at: t.clock.now().toISOString(), max_attempts: job!.attempts + 1 }).where('id', '=', job!.id).execute();
    t.clock.advance(1000);
    await t.worker.drain();
    expect((await sendJobsOf(shipped.id)).map((j) => j.state)).toEqual(['dead']);
    expect((await messagesOf(order.id)).find((m) => m.id === shipped.id)).toMatchObject({ state: 'sending' });
    expect(await failedIds()).not.toContain(shipped.id);
  });
});

describe('messages left pending behind a dead send job before this release', () => {
  it('are failed by migration 025, with the reason, so the dead-letter list shows them and the retry takes them', async () => {
    const old = await createTestContext({ schemaUpTo: '023-hub-domain-proof' });
    try {
      const order = (await old.request('POST', '/v1/orders', orderBody())).json as { id: string };
      const at = old.clock.now().toISOString();
      const message = (id: string, state: string) => ({
        id, brand_id: old.brand.id, order_id: order.id, shipment_id: null, milestone: 'personal_update', occurrence: id, channel: 'email', recipient: 'ada@example.com',
        dedupe_key: `old:${id}`, state, held_reason: null, send_after: null, context: '{}', subject: null, body_text: null, provider: null,
        provider_message_id: null, provider_status: null, attempts: 8, last_error: 'unavailable: connect ECONNREFUSED 127.0.0.1:2525', created_at: at, sent_at: null, updated_at: at, uncertain_since: null,
      });
      const job = (id: string, messageId: string, state: string) => ({
        id, kind: 'message.send', payload: JSON.stringify({ messageId }), state, run_at: at, attempts: 8, max_attempts: 8, locked_by: null, locked_until: null,
        last_error: 'unavailable: connect ECONNREFUSED 127.0.0.1:2525', idempotency_key: id, created_at: at, updated_at: at,
      });
      await old.deps.db.insertInto('messages').values([message('msg_stuck', 'pending'), message('msg_waiting', 'pending'), message('msg_cut', 'sending'), message('msg_sent', 'sent')]).execute();
      await old.deps.db
        .insertInto('jobs')
        .values([job('job_stuck', 'msg_stuck', 'dead'), job('job_waiting_dead', 'msg_waiting', 'dead'), job('job_waiting', 'msg_waiting', 'queued'), job('job_cut', 'msg_cut', 'dead'), job('job_sent', 'msg_sent', 'dead')])
        .execute();

      expect(await migrateToLatest(old.deps.db)).toContain('025-messages-of-dead-send-jobs-failed');
      const rows = Object.fromEntries((await old.deps.db.selectFrom('messages').select(['id', 'state', 'last_error', 'uncertain_since']).execute()).map((m) => [m.id, m]));
      expect(rows.msg_stuck).toMatchObject({ state: 'failed', last_error: 'gave up after 8 attempts: unavailable: connect ECONNREFUSED 127.0.0.1:2525', uncertain_since: null });
      expect(rows.msg_waiting).toMatchObject({ state: 'pending' });
      expect(rows.msg_cut).toMatchObject({ state: 'failed', last_error: expect.stringMatching(/it may have been delivered, so it was not sent again$/), uncertain_since: at });
      expect(rows.msg_sent).toMatchObject({ state: 'sent' });
      const failed = (await old.request('GET', '/v1/messages?state=failed')).json.data.map((m: { id: string }) => m.id);
      expect(failed.sort()).toEqual(['msg_cut', 'msg_stuck']);
      expect((await old.request('POST', '/v1/messages/msg_stuck/retry')).status).toBe(200);
    } finally {
      await old.close();
    }
  });
});

// Last: the CLI queues on the real clock, so the test's clock moves on to it.
describe('`waybill jobs retry`', () => {
  it('on a dead send job sends the failed message again, once', async () => {
    const { order, email, confirmation, smtp } = await confirmationThroughOutage('2026-04-08T14:00:00Z', 12);
    expect(confirmation.state).toBe('failed');
    const [job] = await sendJobsOf(confirmation.id);
    expect(job!.state).toBe('dead');

    await smtp.recover();
    const out = { stdout: '', stderr: '' };
    const io = { stdout: { write: (s: string) => (out.stdout += s) }, stderr: { write: (s: string) => (out.stderr += s) } };
    expect(await runJobsCommand(['retry', job!.id], { DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'silent' }, io)).toBe(0);
    expect((await messagesOf(order.id)).find((m) => m.id === confirmation.id)!.state).toBe('pending');
    const queuedAt = new Date(); // the CLI queues it to run now on the real clock
    if (queuedAt > t.clock.now()) t.clock.set(queuedAt.toISOString());
    await t.worker.drain();
    expect(smtp.received).toEqual([email]);
    expect((await messagesOf(order.id)).find((m) => m.id === confirmation.id)).toMatchObject({ state: 'sent' });
  });
});
