// `kill -9` of a real worker process in the middle of sending customer emails. The provider holds
// its answer after accepting a message, so the kill lands inside the send call; a new process on
// the same database takes the job over once its lease runs out. No message is lost either way.
// Against a provider that honours idempotency keys (Resend) nothing goes out twice; against plain
// SMTP a message whose send call was cut after the server had it goes out twice, with the same
// Message-ID — the crash window, measured in bench/notifications-send.js and written down in
// bench/README.md. (Up to SENDS_IN_FLIGHT sends are under way at once, so a kill can cut several.)
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_RESEND_KEY, startResendEmulator } from '../../src/notifications/providers/resend-emulator.js';
import { freshDatabase, TEST_SECRET } from '../harness/harness.js';
import { freePort, runCli, type Server, startWaybill } from '../harness/process.js';

const ORDERS = 6;
const HOLD_MS = 700;

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => database.drop());

const waitFor = async (what: string, done: () => boolean | Promise<boolean>, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

/** Places orders (each confirmation is an email), kills the worker once `accepted()` reaches 2, restarts, and waits for every email to be sent. */
async function killMidSend(providerEnv: Record<string, string>, accepted: () => number) {
  // The same address across the restart, as in production: the retried email is byte for byte the first.
  const port = await freePort();
  const env = { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, WORKER_CONCURRENCY: '1', JOB_LEASE_SECONDS: '2', PORT: String(port), PUBLIC_URL: `http://127.0.0.1:${port}`, ...providerEnv };
  const { apiKey, brandId } = JSON.parse((await runCli(['brand', 'create', '--name', `Crash ${Object.keys(providerEnv)[0]}`, '--json'], env)).stdout) as { apiKey: string; brandId: string };
  let server: Server = await startWaybill('serve', env);
  const orderIds: string[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const res = await fetch(`${server.url}/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        number: `K-${brandId.slice(-6)}-${i}`,
        customer: { email: `crash${i}@customer.example` },
        destination: { line1: '1 A St', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
        items: [{ sku: 'S', name: 'Socks', quantity: 1 }],
        placedAt: new Date().toISOString(),
      }),
    });
    expect(res.status).toBe(201);
    orderIds.push(((await res.json()) as { id: string }).id);
  }
  await waitFor('the second email to be accepted', () => accepted() >= 2);
  server.child.kill('SIGKILL'); // the provider holds its answer: the worker dies inside the send call
  await server.stop();
  const inFlight = await database.handle.db.selectFrom('messages').select(['id', 'state']).where('brand_id', '=', brandId).where('state', '=', 'sending').execute();

  server = await startWaybill('serve', env);
  try {
    const sentCount = async () =>
      Number((await database.handle.db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('brand_id', '=', brandId).where('state', '=', 'sent').executeTakeFirstOrThrow()).n);
    await waitFor('every email to be sent after the restart', async () => (await sentCount()) === ORDERS);
  } finally {
    await server.stop();
  }
  const messages = await database.handle.db.selectFrom('messages').selectAll().where('brand_id', '=', brandId).execute();
  return { messages, inFlight };
}

describe('kill -9 of the worker during sending', () => {
  it('against a provider that honours idempotency keys: nothing lost, nothing sent twice', { timeout: 120_000 }, async () => {
    const resend = await startResendEmulator({ latencyMs: HOLD_MS });
    try {
      const { messages, inFlight } = await killMidSend({ RESEND_API_KEY: EMULATOR_RESEND_KEY, RESEND_API_BASE: resend.url }, () => resend.emails.length);
      expect(inFlight.length).toBeGreaterThanOrEqual(1); // killed inside send calls, as intended
      expect(messages.filter((m) => m.state === 'sent')).toHaveLength(ORDERS);
      expect(resend.emails).toHaveLength(ORDERS); // each email sent exactly once…
      expect(new Set(resend.emails.map((e) => e.idempotencyKey)).size).toBe(ORDERS);
      expect(resend.requests()).toBeGreaterThan(ORDERS); // …although the cut ones were asked for again
      for (const cut of inFlight) {
        const retried = messages.find((m) => m.id === cut.id)!;
        expect(retried.attempts).toBe(2);
        expect(retried.provider_message_id).toBe(resend.emails.find((e) => e.idempotencyKey === retried.id)!.id);
      }
    } finally {
      await resend.close();
    }
  });

  it('against plain SMTP: nothing lost; only the message cut mid-send goes out twice, with the same Message-ID', { timeout: 120_000 }, async () => {
    const received: { to: string; messageId: string }[] = [];
    const smtp = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS'],
      logger: false,
      onData(stream, session, callback) {
        let raw = '';
        stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        stream.on('end', () => {
          // The message is whole: from here on it is accepted, whatever becomes of the reply.
          received.push({ to: session.envelope.rcptTo[0]!.address, messageId: /^Message-ID: (.+)$/im.exec(raw)![1]!.trim() });
          setTimeout(() => callback(), HOLD_MS);
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', () => resolve()));
    try {
      const { messages, inFlight } = await killMidSend({ SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}` }, () => received.length);
      expect(inFlight.length).toBeGreaterThanOrEqual(1);
      expect(messages.filter((m) => m.state === 'sent')).toHaveLength(ORDERS);
      const recipients = messages.map((m) => m.recipient!);
      for (const recipient of recipients) expect(received.filter((r) => r.to === recipient).length).toBeGreaterThanOrEqual(1); // none lost
      const twice = recipients.filter((recipient) => received.filter((r) => r.to === recipient).length > 1);
      const cut = new Set(inFlight.map((m) => messages.find((row) => row.id === m.id)!.recipient));
      expect(twice.length).toBeGreaterThanOrEqual(1); // the one accepted while its answer was held…
      expect(twice.filter((recipient) => !cut.has(recipient))).toEqual([]); // …and only sends cut by the kill
      for (const recipient of twice) {
        const copies = received.filter((r) => r.to === recipient);
        expect(copies).toHaveLength(2);
        expect(copies[0]!.messageId).toBe(copies[1]!.messageId); // recognisable as one message
      }
    } finally {
      await new Promise<void>((resolve) => smtp.close(() => resolve()));
    }
  });
});
