// The in-memory capture providers used by the demo and by tests.
import { describe, expect, it } from 'vitest';
import { manualClock } from '../../src/lib/clock.js';
import { createCaptureEmailProvider, createCaptureSmsProvider, type CapturedSms } from '../../src/notifications/providers/capture.js';
import type { EmailProvider, OutgoingEmail, OutgoingSms, SmsProvider } from '../../src/notifications/providers/types.js';

const EMAIL: OutgoingEmail = {
  from: { name: 'Northwind Coffee', address: 'orders@northwind.example' },
  to: 'ada@customer.example',
  subject: 'Your order has shipped',
  html: '<p>On its way</p>',
  text: 'On its way',
  listUnsubscribe: { url: 'https://track.northwind.example/u/1' },
  idempotencyKey: 'notif:1',
};
const SMS: OutgoingSms = { from: '+15005550006', to: '+14155550123', body: 'Shipped!', idempotencyKey: 'notif:2' };

describe('capture providers', () => {
  it('keep every email and SMS, duplicates included, with the time they were sent', async () => {
    const clock = manualClock('2026-03-02T09:30:00Z');
    const email: EmailProvider = createCaptureEmailProvider({ clock });
    const sms: SmsProvider = createCaptureSmsProvider({ clock });
    const first = await email.send(EMAIL);
    await email.send(EMAIL);
    const text = await sms.send(SMS);

    expect(email.name).toBe('capture');
    expect(first).toEqual({ ok: true, value: { providerMessageId: expect.stringMatching(/^capture-email-[0-9a-f]{16}$/) } });
    expect(text).toEqual({ ok: true, value: { providerMessageId: expect.stringMatching(/^capture-sms-[0-9a-f]{16}$/), status: 'delivered' } });
    const captured = email as ReturnType<typeof createCaptureEmailProvider>;
    expect(captured.messages).toHaveLength(2);
    expect(captured.messages[0]).toEqual({ providerMessageId: first.ok && first.value.providerMessageId, sentAt: '2026-03-02T09:30:00.000Z', message: EMAIL });
    expect((sms as ReturnType<typeof createCaptureSmsProvider>).last()?.message).toEqual(SMS);
  });

  it('stores a copy, so later changes to the message do not rewrite history', async () => {
    const email = createCaptureEmailProvider();
    const message = structuredClone(EMAIL);
    await email.send(message);
    message.subject = 'changed';
    expect(email.last()?.message.subject).toBe('Your order has shipped');
  });

  it('keeps only the latest `limit` messages', async () => {
    const sms = createCaptureSmsProvider({ limit: 3 });
    for (const n of [1, 2, 3, 4, 5]) await sms.send({ ...SMS, body: `message ${n}` });
    expect(sms.messages.map((m) => m.message.body)).toEqual(['message 3', 'message 4', 'message 5']);
    sms.clear();
    expect(sms.messages).toEqual([]);
  });

  it('fails the next sends when told to, then captures again', async () => {
    const sms = createCaptureSmsProvider();
    sms.failNext({ code: 'opted_out', message: 'recipient sent STOP', retryable: false, providerCode: 21610 }, 2);
    expect(await sms.send(SMS)).toEqual({ ok: false, error: { code: 'opted_out', message: 'recipient sent STOP', retryable: false, providerCode: 21610 } });
    expect((await sms.send(SMS)).ok).toBe(false);
    expect((await sms.send(SMS)).ok).toBe(true);
    expect(sms.messages).toHaveLength(1);
  });

  it('tells subscribers about each captured message, survives a broken one, and stops on unsubscribe', async () => {
    const sms = createCaptureSmsProvider();
    const seen: CapturedSms[] = [];
    sms.subscribe(() => {
      throw new Error('the browser went away');
    });
    const unsubscribe = sms.subscribe((captured) => seen.push(captured));
    await sms.send(SMS);
    unsubscribe();
    await sms.send(SMS);
    expect(seen.map((c) => c.message.body)).toEqual(['Shipped!']);
    expect(sms.messages).toHaveLength(2);
  });
});
