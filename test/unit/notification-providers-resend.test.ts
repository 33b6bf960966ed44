// The Resend provider against its emulator (a real HTTP server on 127.0.0.1): the request on the
// wire, idempotency keys honoured, and every failure mapped to the provider vocabulary.
import { afterEach, describe, expect, it } from 'vitest';
import { createResendEmailProvider } from '../../src/notifications/providers/resend.js';
import { EMULATOR_RESEND_KEY, type ResendEmulator, startResendEmulator } from '../../src/notifications/providers/resend-emulator.js';
import type { OutgoingEmail } from '../../src/notifications/providers/types.js';

let emulator: ResendEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const email = (overrides: Partial<OutgoingEmail> = {}): OutgoingEmail => ({
  from: { name: 'Northwind, "Outfitters"', address: 'orders@northwind.example' },
  replyTo: 'help@northwind.example',
  to: { name: 'Ada Lovelace', address: 'ada@customer.example' },
  subject: 'Your order has shipped',
  html: '<p>On its way</p>',
  text: 'On its way',
  listUnsubscribe: { url: 'https://track.northwind.example/u/abc', mailto: 'unsubscribe@northwind.example' },
  idempotencyKey: 'msg_01abc',
  ...overrides,
});

async function provider(options: { timeoutMs?: number; apiKey?: string } = {}) {
  emulator = await startResendEmulator();
  return createResendEmailProvider({ apiKey: options.apiKey ?? EMULATOR_RESEND_KEY, apiBase: emulator.url, timeoutMs: options.timeoutMs });
}

describe('Resend provider: sending', () => {
  it('posts JSON with the Bearer key and the message id as Idempotency-Key, and returns the email id', async () => {
    const resend = await provider();
    const result = await resend.send(email());
    expect(result.ok).toBe(true);
    expect(emulator!.emails).toHaveLength(1);
    const [sent] = emulator!.emails;
    expect(result.ok && result.value.providerMessageId).toBe(sent!.id);
    expect(sent!.idempotencyKey).toBe('msg_01abc');
    expect(sent!.body).toEqual({
      from: '"Northwind, \\"Outfitters\\"" <orders@northwind.example>',
      to: ['"Ada Lovelace" <ada@customer.example>'],
      reply_to: ['help@northwind.example'],
      subject: 'Your order has shipped',
      html: '<p>On its way</p>',
      text: 'On its way',
      headers: { 'List-Unsubscribe': '<https://track.northwind.example/u/abc>, <mailto:unsubscribe@northwind.example>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
    });
  });

  it('sends once however often the same message is retried: Resend answers a repeat with the first id', async () => {
    const resend = await provider();
    const first = await resend.send(email());
    const again = await resend.send(email());
    expect(again).toEqual(first);
    expect(emulator!.emails).toHaveLength(1);
    expect(emulator!.requests()).toBe(2);
    const other = await resend.send(email({ idempotencyKey: 'msg_02def' }));
    expect(other.ok && first.ok && other.value.providerMessageId !== first.value.providerMessageId).toBe(true);
  });

  it('a timeout is retryable, and the retry with the same key cannot send twice', async () => {
    const resend = await provider({ timeoutMs: 200 });
    emulator!.setLatency(500);
    const slow = await resend.send(email());
    expect(slow).toMatchObject({ ok: false, error: { code: 'timeout', retryable: true } });
    emulator!.setLatency(0);
    const retried = await resend.send(email());
    expect(retried.ok).toBe(true);
    expect(emulator!.emails).toHaveLength(1);
  });
});

describe('Resend provider: failures', () => {
  it('maps 401, 409, 422, 429 and 5xx', async () => {
    const resend = await provider();
    const cases: Array<[{ status: number; name: string; retryAfter?: number }, Record<string, unknown>]> = [
      [{ status: 429, name: 'rate_limit_exceeded', retryAfter: 2 }, { code: 'rate_limited', retryable: true, retryAfterSeconds: 2 }],
      [{ status: 500, name: 'application_error' }, { code: 'unavailable', retryable: true }],
      [{ status: 503, name: 'application_error' }, { code: 'unavailable', retryable: true }],
      [{ status: 409, name: 'concurrent_idempotent_requests' }, { code: 'unavailable', retryable: true }],
      [{ status: 403, name: 'invalid_api_key' }, { code: 'auth_failed', retryable: false }],
    ];
    for (const [failure, expected] of cases) {
      emulator!.failNext(failure);
      expect(await resend.send(email({ idempotencyKey: `k-${failure.name}-${failure.status}` }))).toMatchObject({ ok: false, error: expected });
    }
    expect(emulator!.emails).toHaveLength(0);
  });

  it('takes the same key with another body (409) as sent by an earlier attempt: the key is the message’s own id', async () => {
    const resend = await provider();
    await resend.send(email());
    expect(await resend.send(email({ html: '<p>Links on another host now</p>' }))).toEqual({ ok: true, value: { providerMessageId: 'sent-earlier:msg_01abc' } });
    expect(emulator!.emails).toHaveLength(1);
  });

  it('refuses a wrong key (401) and a missing field (422), neither retryable', async () => {
    const resend = await provider();
    expect(await resend.send(email({ subject: '', idempotencyKey: 'k2' }))).toMatchObject({ ok: false, error: { code: 'invalid', retryable: false } });
    const wrongKey = createResendEmailProvider({ apiKey: 're_not_the_right_one', apiBase: emulator!.url });
    expect(await wrongKey.send(email({ idempotencyKey: 'k3' }))).toMatchObject({ ok: false, error: { code: 'auth_failed', retryable: false } });
  });

  it('maps an unreachable API to unavailable, retryable', async () => {
    const resend = createResendEmailProvider({ apiKey: EMULATOR_RESEND_KEY, apiBase: 'http://127.0.0.1:9' });
    expect(await resend.send(email())).toMatchObject({ ok: false, error: { code: 'unavailable', retryable: true } });
  });
});
