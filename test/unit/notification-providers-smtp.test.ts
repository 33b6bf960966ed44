// The SMTP provider against a real SMTP server on loopback: real MIME, real DKIM, real failures.
import { createVerify, createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createServer as createTcpServer, type AddressInfo, type Server as TcpServer } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpEmailProvider, DKIM_SIGNED_HEADERS, messageIdFor, smtpErrorToProviderError, toMailOptions, type SmtpEmailProvider } from '../../src/notifications/providers/smtp.js';
import type { OutgoingEmail } from '../../src/notifications/providers/types.js';

type Received = { from: string; to: string[]; raw: string };

const TRACKING_LINK = 'https://track.northwind.example/t/8f2k3?utm_source=email&step=shipped';
const UNSUBSCRIBE_URL = 'https://track.northwind.example/u/one-click?token=abc.def-ghi';

let dkimKeys: { privateKey: string; publicKey: KeyObject };
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  const pair = generateKeyPairSync('rsa', { modulusLength: 2048 });
  dkimKeys = { privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: pair.publicKey };
});

afterEach(async () => {
  while (cleanup.length > 0) await cleanup.pop()!();
});

function email(overrides: Partial<OutgoingEmail> = {}): OutgoingEmail {
  return {
    from: { name: 'Northwind Coffee', address: 'orders@northwind.example' },
    replyTo: 'help@northwind.example',
    to: { name: 'Ada Lovelace', address: 'ada@customer.example' },
    subject: 'Your order has shipped',
    html: `<p>Good news: your beans are on their way.</p><p><a href="${TRACKING_LINK}">Track your parcel</a></p>`,
    text: `Good news: your beans are on their way.\n\nTrack your parcel: ${TRACKING_LINK}\n`,
    headers: { 'X-Waybill-Message': 'msg_01abc' },
    listUnsubscribe: { url: UNSUBSCRIBE_URL, mailto: 'unsubscribe@northwind.example?subject=unsubscribe' },
    dkim: { domainName: 'northwind.example', keySelector: 'wb2026', privateKey: dkimKeys.privateKey },
    idempotencyKey: 'notif:ord_01j:shipped:email:1',
    ...overrides,
  };
}

async function startSmtpServer(options: Partial<SMTPServerOptions> = {}): Promise<{ url: string; port: number; received: Received[] }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        received.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
    ...options,
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  cleanup.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `smtp://127.0.0.1:${port}`, port, received };
}

function provider(url: string, options: Partial<Parameters<typeof createSmtpEmailProvider>[0]> = {}): SmtpEmailProvider {
  const smtp = createSmtpEmailProvider({ url, connectionTimeoutMs: 2_000, greetingTimeoutMs: 2_000, socketTimeoutMs: 5_000, ...options });
  cleanup.push(() => smtp.close());
  return smtp;
}

function smtpError(message: string, responseCode: number): Error {
  return Object.assign(new Error(message), { responseCode });
}

// ---- reading the MIME that arrived ----

type Header = { name: string; raw: string };

function splitMessage(raw: string): { headers: Header[]; body: string } {
  const end = raw.indexOf('\r\n\r\n');
  const headerBlock = raw.slice(0, end + 2);
  const lines = headerBlock.split(/(?<=\r\n)/);
  const headers: Header[] = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length > 0) headers[headers.length - 1].raw += line;
    else headers.push({ name: line.slice(0, line.indexOf(':')), raw: line });
  }
  return { headers, body: raw.slice(end + 4) };
}

function headerValue(raw: string, name: string): string | undefined {
  const header = splitMessage(raw).headers.find((h) => h.name.toLowerCase() === name.toLowerCase());
  return header?.raw.slice(header.raw.indexOf(':') + 1).replace(/\r\n[ \t]+/g, ' ').trim();
}

function mimeParts(raw: string): Record<string, string> {
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(headerValue(raw, 'content-type') ?? '')?.[1];
  if (!boundary) throw new Error('not multipart');
  const parts = splitMessage(raw).body.split(`--${boundary}`).slice(1, -1);
  return Object.fromEntries(
    parts.map((part) => {
      const partRaw = part.replace(/^\r\n/, '');
      const type = headerValue(partRaw, 'content-type')!.split(';')[0];
      const encoding = headerValue(partRaw, 'content-transfer-encoding') ?? '7bit';
      const body = splitMessage(partRaw).body;
      return [type, decode(body, encoding)];
    }),
  );
}

function decode(body: string, encoding: string): string {
  if (encoding === 'base64') return Buffer.from(body, 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

// ---- a small DKIM verifier (RFC 6376, relaxed/relaxed, rsa-sha256) ----

function dkimTags(raw: string): Record<string, string> {
  const value = headerValue(raw, 'dkim-signature')!;
  return Object.fromEntries(
    value.split(';').map((tag) => tag.trim()).filter(Boolean).map((tag) => {
      const eq = tag.indexOf('=');
      return [tag.slice(0, eq).trim(), tag.slice(eq + 1).replace(/\s+/g, '')];
    }),
  );
}

function relaxedHeader(raw: string): string {
  const colon = raw.indexOf(':');
  const value = raw.slice(colon + 1).replace(/\r\n/g, '').replace(/[ \t]+/g, ' ').trim();
  return `${raw.slice(0, colon).trim().toLowerCase()}:${value}`;
}

function relaxedBody(body: string): string {
  const lines = body.split('\r\n').map((line) => line.replace(/[ \t]+/g, ' ').replace(/ $/, ''));
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`;
}

function verifyDkim(raw: string, publicKey: KeyObject): { bodyHashMatches: boolean; signatureValid: boolean; signedHeaders: string[] } {
  const tags = dkimTags(raw);
  const { headers, body } = splitMessage(raw);
  const bodyHash = createHash('sha256').update(relaxedBody(body)).digest('base64');
  const signedHeaders = tags.h.split(':').map((name) => name.toLowerCase());
  const used = new Set<Header>();
  const canonical = signedHeaders.map((name) => {
    const header = [...headers].reverse().find((h) => h.name.toLowerCase() === name && !used.has(h))!;
    used.add(header);
    return `${relaxedHeader(header.raw)}\r\n`;
  });
  const signatureHeader = headers.find((h) => h.name.toLowerCase() === 'dkim-signature')!;
  const withoutB = relaxedHeader(signatureHeader.raw).replace(/b=[^;]*$/, 'b=');
  const verifier = createVerify('RSA-SHA256');
  verifier.update(canonical.join('') + withoutB);
  return { bodyHashMatches: bodyHash === tags.bh, signatureValid: verifier.verify(publicKey, tags.b, 'base64'), signedHeaders };
}

// ---- the tests ----

describe('SMTP provider: the message on the wire', () => {
  it('delivers a multipart message with the one-click unsubscribe headers, a derived Message-ID and a valid DKIM signature', async () => {
    const server = await startSmtpServer();
    const result = await provider(server.url).send(email());

    const expectedMessageId = messageIdFor('notif:ord_01j:shipped:email:1', 'northwind.example');
    expect(result).toEqual({ ok: true, value: { providerMessageId: expectedMessageId } });
    expect(server.received).toHaveLength(1);
    const [{ raw, from, to }] = server.received;
    expect(from).toBe('orders@northwind.example');
    expect(to).toEqual(['ada@customer.example']);

    expect(headerValue(raw, 'from')).toBe('Northwind Coffee <orders@northwind.example>');
    expect(headerValue(raw, 'to')).toBe('Ada Lovelace <ada@customer.example>');
    expect(headerValue(raw, 'reply-to')).toBe('help@northwind.example');
    expect(headerValue(raw, 'subject')).toBe('Your order has shipped');
    expect(headerValue(raw, 'message-id')).toBe(expectedMessageId);
    expect(expectedMessageId).toMatch(/^<[0-9a-f]{32}@northwind\.example>$/);
    expect(headerValue(raw, 'x-waybill-message')).toBe('msg_01abc');
    expect(headerValue(raw, 'list-unsubscribe')).toBe(`<${UNSUBSCRIBE_URL}>, <mailto:unsubscribe@northwind.example?subject=unsubscribe>`);
    expect(headerValue(raw, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');

    const parts = mimeParts(raw);
    expect(Object.keys(parts).sort()).toEqual(['text/html', 'text/plain']);
    expect(parts['text/plain']).toContain(`Track your parcel: ${TRACKING_LINK}`);
    expect(parts['text/html']).toContain(`<a href="${TRACKING_LINK}">Track your parcel</a>`);

    const dkim = dkimTags(raw);
    expect(dkim).toMatchObject({ v: '1', a: 'rsa-sha256', c: 'relaxed/relaxed', d: 'northwind.example', s: 'wb2026' });
    const verification = verifyDkim(raw, dkimKeys.publicKey);
    expect(verification.bodyHashMatches).toBe(true);
    expect(verification.signatureValid).toBe(true);
    expect(verification.signedHeaders).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post']));
  });

  it('the DKIM signature breaks when the List-Unsubscribe header is altered in transit', async () => {
    const server = await startSmtpServer();
    await provider(server.url).send(email());
    const tampered = server.received[0].raw.replace('u/one-click?token=abc.def-ghi', 'u/one-click?token=evil');
    expect(tampered).not.toBe(server.received[0].raw);
    expect(verifyDkim(tampered, dkimKeys.publicKey).signatureValid).toBe(false);
  });

  it('signs exactly the configured header list, which covers both unsubscribe headers', () => {
    const prepared = toMailOptions(email());
    expect(prepared.ok && prepared.value.dkim).toMatchObject({ headerFieldNames: DKIM_SIGNED_HEADERS.join(':'), domainName: 'northwind.example', keySelector: 'wb2026' });
    expect(DKIM_SIGNED_HEADERS).toEqual(expect.arrayContaining(['List-Unsubscribe', 'List-Unsubscribe-Post']));
  });

  it('leaves the unsubscribe headers and the signature out when the message has none', async () => {
    const server = await startSmtpServer();
    const result = await provider(server.url).send(email({ listUnsubscribe: undefined, dkim: undefined, replyTo: undefined }));
    expect(result.ok).toBe(true);
    const { raw } = server.received[0];
    expect(headerValue(raw, 'list-unsubscribe')).toBeUndefined();
    expect(headerValue(raw, 'list-unsubscribe-post')).toBeUndefined();
    expect(headerValue(raw, 'dkim-signature')).toBeUndefined();
    expect(headerValue(raw, 'reply-to')).toBeUndefined();
  });

  it('gives a resend with the same idempotency key the same Message-ID, and another key another one', async () => {
    const server = await startSmtpServer();
    const smtp = provider(server.url);
    const first = await smtp.send(email());
    const again = await smtp.send(email());
    const other = await smtp.send(email({ idempotencyKey: 'notif:ord_01j:delivered:email:1' }));
    expect(again).toEqual(first);
    expect(other.ok && first.ok && other.value.providerMessageId !== first.value.providerMessageId).toBe(true);
    expect(server.received.map((m) => headerValue(m.raw, 'message-id'))).toEqual([
      messageIdFor('notif:ord_01j:shipped:email:1', 'northwind.example'),
      messageIdFor('notif:ord_01j:shipped:email:1', 'northwind.example'),
      messageIdFor('notif:ord_01j:delivered:email:1', 'northwind.example'),
    ]);
  });

  it('encodes a non-ASCII subject and sender name', async () => {
    const server = await startSmtpServer();
    await provider(server.url).send(email({ from: { name: 'Café Müller', address: 'hallo@cafe-mueller.example' }, subject: 'Ihre Bestellung ist unterwegs ☕', dkim: undefined }));
    const { raw } = server.received[0];
    expect(headerValue(raw, 'subject')).toMatch(/^=\?UTF-8\?[BQ]\?/);
    expect(headerValue(raw, 'message-id')).toBe(messageIdFor('notif:ord_01j:shipped:email:1', 'cafe-mueller.example'));
  });
});

describe('SMTP provider: refusing bad messages before connecting', () => {
  it('refuses a header with a line break, a non-https unsubscribe URL and a DKIM key that cannot sign', () => {
    expect(toMailOptions(email({ headers: { 'X-Evil': 'a\r\nBcc: victim@example.com' } }))).toEqual({
      ok: false,
      error: { code: 'invalid', message: 'header "X-Evil" has an invalid name or a line break in its value', retryable: false },
    });
    expect(toMailOptions(email({ listUnsubscribe: { url: 'http://insecure.example/u' } }))).toEqual({
      ok: false,
      error: { code: 'invalid', message: 'listUnsubscribe.url must be an https:// URL (RFC 8058 one-click unsubscribe)', retryable: false },
    });
    expect(toMailOptions(email({ dkim: { domainName: 'northwind.example', keySelector: 's', privateKey: 'not a key' } }))).toEqual({
      ok: false,
      error: { code: 'invalid', message: 'dkim.privateKey is not a readable PEM private key', retryable: false },
    });
    const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(toMailOptions(email({ dkim: { domainName: 'northwind.example', keySelector: 's', privateKey: ecKey } }))).toEqual({
      ok: false,
      error: { code: 'invalid', message: 'dkim.privateKey is a ec key; DKIM signing here needs RSA', retryable: false },
    });
  });

  it('refuses an SMTP_URL that is not smtp:// or smtps://', () => {
    expect(() => createSmtpEmailProvider({ url: 'http://127.0.0.1:25' })).toThrow('SMTP_URL must start with smtp:// or smtps://, not http://');
    expect(() => createSmtpEmailProvider({ url: 'localhost' })).toThrow('SMTP_URL');
  });
});

describe('SMTP provider: failures', () => {
  it('maps a 550 for the recipient to rejected_recipient, not retryable', async () => {
    const server = await startSmtpServer({
      onRcptTo(address, _session, callback) {
        if (address.address === 'gone@customer.example') return callback(smtpError('5.1.1 <gone@customer.example>: Recipient address rejected: User unknown', 550));
        callback();
      },
    });
    const result = await provider(server.url).send(email({ to: 'gone@customer.example' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toEqual({ code: 'rejected_recipient', retryable: false, providerCode: 550, message: expect.stringContaining('User unknown') });
    expect(server.received).toHaveLength(0);
  });

  it('maps a 553 mailbox-name refusal to rejected_recipient', async () => {
    const server = await startSmtpServer({ onRcptTo: (_address, _session, callback) => callback(smtpError('5.1.3 Mailbox name not allowed', 553)) });
    const result = await provider(server.url).send(email());
    expect(!result.ok && result.error).toMatchObject({ code: 'rejected_recipient', retryable: false, providerCode: 553 });
  });

  it('maps a temporary 4xx to a retryable failure, and a throttling reply to rate_limited', async () => {
    let reply = smtpError('4.2.1 Mailbox temporarily unavailable', 450);
    const server = await startSmtpServer({ onRcptTo: (_address, _session, callback) => callback(reply) });
    const smtp = provider(server.url);
    const first = await smtp.send(email());
    expect(!first.ok && first.error).toMatchObject({ code: 'unavailable', retryable: true, providerCode: 450 });
    reply = smtpError('4.7.28 Our system has detected an unusual rate of unsolicited mail', 421);
    const second = await smtp.send(email());
    expect(!second.ok && second.error).toMatchObject({ code: 'rate_limited', retryable: true, providerCode: 421 });
  });

  it('maps a refused connection (server down) to unavailable, retryable', async () => {
    const server = await startSmtpServer();
    await cleanup.pop()!(); // stop it: nothing listens on that port any more
    const result = await provider(server.url).send(email());
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toMatchObject({ code: 'unavailable', retryable: true });
    expect(result.error.message).toMatch(/ECONNREFUSED|connect/i);
  });

  it('maps a server that never greets to timeout, retryable', async () => {
    const silent: TcpServer = createTcpServer(() => undefined); // accepts and says nothing
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    cleanup.push(() => new Promise<void>((resolve) => silent.close(() => resolve())));
    const port = (silent.address() as AddressInfo).port;
    const result = await provider(`smtp://127.0.0.1:${port}`, { greetingTimeoutMs: 200 }).send(email());
    expect(!result.ok && result.error).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('a server that took the whole message and never answered its final ".": may have been delivered, not retryable', async () => {
    const taken: string[] = [];
    const server = await startSmtpServer({
      onData(stream, session) {
        stream.on('data', () => undefined);
        stream.on('end', () => taken.push(session.envelope.rcptTo[0]!.address)); // and no answer
      },
    });
    const result = await provider(server.url, { socketTimeoutMs: 300 }).send(email());
    expect(!result.ok && result.error).toEqual({ code: 'timeout', retryable: false, mayHaveBeenSent: true, message: expect.stringMatching(/^the mail server did not answer after the message was handed over/) });
    expect(taken).toEqual(['ada@customer.example']);
  });

  it('a server that stalls before the message (at RCPT TO) or refuses it after DATA: nothing went out, retryable as before', async () => {
    const stalled = await startSmtpServer({ onRcptTo: () => undefined });
    const before = await provider(stalled.url, { socketTimeoutMs: 300 }).send(email());
    expect(!before.ok && before.error).toMatchObject({ code: 'timeout', retryable: true });
    expect(!before.ok && before.error.mayHaveBeenSent).toBeFalsy();
    const refusing = await startSmtpServer({
      onData(stream, _session, callback) {
        stream.on('data', () => undefined);
        stream.on('end', () => callback(smtpError('4.3.0 Try again later', 451)));
      },
    });
    const refused = await provider(refusing.url).send(email());
    expect(!refused.ok && refused.error).toMatchObject({ retryable: true, providerCode: 451 });
    expect(!refused.ok && refused.error.mayHaveBeenSent).toBeFalsy();
  });

  it('maps refused credentials to auth_failed, not retryable', async () => {
    const server = await startSmtpServer({
      disabledCommands: ['STARTTLS'],
      allowInsecureAuth: true,
      onAuth: (_auth, _session, callback) => callback(smtpError('5.7.8 Authentication credentials invalid', 535)),
    });
    const smtp = provider(`smtp://mailer:wrong-password@127.0.0.1:${server.port}`);
    const result = await smtp.send(email());
    expect(!result.ok && result.error).toMatchObject({ code: 'auth_failed', retryable: false, providerCode: 535 });
    expect(await smtp.verify()).toMatchObject({ ok: false, error: { code: 'auth_failed' } });
  });

  it('verifies a server that answers', async () => {
    const server = await startSmtpServer();
    expect(await provider(server.url).verify()).toEqual({ ok: true, value: true });
  });

  it('maps the remaining nodemailer errors by their codes', () => {
    expect(smtpErrorToProviderError(Object.assign(new Error('Invalid sender'), { code: 'EENVELOPE', responseCode: 553, command: 'MAIL FROM', response: '553 5.7.1 Sender address rejected' })))
      .toMatchObject({ code: 'invalid', retryable: false, providerCode: 553 });
    expect(smtpErrorToProviderError(Object.assign(new Error('Message rejected'), { code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 5.7.1 Spam content' })))
      .toMatchObject({ code: 'invalid', retryable: false, providerCode: 554 });
    expect(smtpErrorToProviderError(Object.assign(new Error('No recipients defined'), { code: 'EENVELOPE' }))).toMatchObject({ code: 'invalid', retryable: false });
    expect(smtpErrorToProviderError(Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION' }))).toMatchObject({ code: 'unavailable', retryable: true });
    expect(smtpErrorToProviderError(Object.assign(new Error('Timeout'), { code: 'ETIMEDOUT' }))).toMatchObject({ code: 'timeout', retryable: true });
  });
});
