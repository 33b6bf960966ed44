// Email over plain SMTP with nodemailer: every email provider speaks it. One pooled transport per
// SMTP_URL; DKIM keys and unsubscribe links come with each message, so one transport serves every
// brand. SMTP has no idempotency key: the Message-ID is derived from the message's key, so a
// resend after a crash between "sent" and "recorded" carries the same Message-ID. Nor can the
// server be asked afterwards whether it took a message: a failure with no reply once the whole
// message was handed over (the server never answered the final ".") is reported mayHaveBeenSent.
import { createPrivateKey } from 'node:crypto';
import nodemailer from 'nodemailer';
import type SMTPPool from 'nodemailer/lib/smtp-pool/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { sha256Hex } from '../../lib/crypto.js';
import { err, ok, type Result } from '../../lib/result.js';
import type { EmailProvider, OutgoingEmail, ProviderError } from './types.js';

export type SmtpProviderOptions = {
  /** `smtp://host:587` (STARTTLS when offered), `smtps://user:pass@host:465`; query options as nodemailer reads them. */
  url: string;
  name?: string; // default 'smtp'
  maxConnections?: number; // default 5
  maxMessagesPerConnection?: number; // default 100
  connectionTimeoutMs?: number; // TCP connect; default 10 s
  greetingTimeoutMs?: number; // the server's 220 after connecting; default 10 s
  socketTimeoutMs?: number; // inactivity on an open connection; default 60 s
  dnsTimeoutMs?: number; // default 10 s
};

export type SmtpEmailProvider = EmailProvider & {
  /** Verifies that the server answers and accepts the credentials (for a health check). */
  verify(): Promise<Result<true, ProviderError>>;
  close(): void;
};

/**
 * The headers DKIM signs: RFC 6376's recommended set plus List-Unsubscribe and
 * List-Unsubscribe-Post, which RFC 8058 requires the signature to cover for one-click
 * unsubscribe. Listed here rather than left to nodemailer's default, which only gained
 * List-Unsubscribe-Post in 10.6.1. A header missing from a message is left out of h=.
 */
export const DKIM_SIGNED_HEADERS = [
  'From', 'Sender', 'Reply-To', 'Subject', 'Date', 'Message-ID', 'To', 'Cc', 'MIME-Version',
  'Content-Type', 'Content-Transfer-Encoding', 'Content-ID', 'Content-Description',
  'In-Reply-To', 'References', 'List-Id', 'List-Unsubscribe', 'List-Unsubscribe-Post',
] as const;

const DEFAULTS = {
  maxConnections: 5,
  maxMessagesPerConnection: 100,
  connectionTimeoutMs: 10_000,
  greetingTimeoutMs: 10_000,
  socketTimeoutMs: 60_000,
  dnsTimeoutMs: 10_000,
};

export function createSmtpEmailProvider(options: SmtpProviderOptions): SmtpEmailProvider {
  const transport = nodemailer.createTransport(poolOptions(options));
  // Per Message-ID, whether the transport has read the whole message (and so written the final
  // "." to the server): the stream it reads from is wrapped once compiled.
  const handedOver = new Map<string, { whole: boolean }>();
  transport.use('stream', (mail, done) => {
    const progress = handedOver.get(String(mail.data.messageId));
    const compiled = mail.message as unknown as { createReadStream: (...args: unknown[]) => NodeJS.ReadableStream } | undefined;
    if (progress && compiled) {
      const create = compiled.createReadStream.bind(compiled);
      compiled.createReadStream = (...args: unknown[]) => {
        const stream = create(...args);
        stream.once('end', () => (progress.whole = true));
        return stream;
      };
    }
    done();
  });
  return {
    name: options.name ?? 'smtp',
    async send(message) {
      const prepared = toMailOptions(message);
      if (!prepared.ok) return prepared;
      const messageId = String(prepared.value.messageId);
      const progress = { whole: false };
      handedOver.set(messageId, progress);
      try {
        const info = await transport.sendMail(prepared.value);
        return ok({ providerMessageId: info.messageId });
      } catch (cause) {
        return err(smtpErrorToProviderError(cause, { handedOver: progress.whole }));
      } finally {
        if (handedOver.get(messageId) === progress) handedOver.delete(messageId);
      }
    },
    async verify() {
      try {
        await transport.verify();
        return ok(true);
      } catch (cause) {
        return err(smtpErrorToProviderError(cause));
      }
    },
    close: () => transport.close(),
  };
}

/** The SMTP_URL from the environment; the caller decides what a missing one means. */
export function smtpUrlFromEnv(env: Record<string, string | undefined> = process.env): string | undefined {
  return env.SMTP_URL?.trim() || undefined;
}

function poolOptions(options: SmtpProviderOptions): SMTPPool.Options {
  assertSmtpUrl(options.url);
  return {
    url: options.url,
    pool: true,
    maxConnections: options.maxConnections ?? DEFAULTS.maxConnections,
    maxMessages: options.maxMessagesPerConnection ?? DEFAULTS.maxMessagesPerConnection,
    connectionTimeout: options.connectionTimeoutMs ?? DEFAULTS.connectionTimeoutMs,
    greetingTimeout: options.greetingTimeoutMs ?? DEFAULTS.greetingTimeoutMs,
    socketTimeout: options.socketTimeoutMs ?? DEFAULTS.socketTimeoutMs,
    dnsTimeout: options.dnsTimeoutMs ?? DEFAULTS.dnsTimeoutMs,
  };
}

function assertSmtpUrl(url: string): void {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`SMTP_URL is not a URL: expected smtp://host:port or smtps://user:pass@host:465`);
  }
  if (parsed.protocol !== 'smtp:' && parsed.protocol !== 'smtps:') {
    throw new Error(`SMTP_URL must start with smtp:// or smtps://, not ${parsed.protocol}//`);
  }
  if (!parsed.hostname) throw new Error('SMTP_URL names no host');
}

// ---- the message ------------------------------------------------------------------------------

/** What nodemailer is asked to send; exported so tests and previews can see the exact headers. */
export function toMailOptions(message: OutgoingEmail): Result<Mail.Options, ProviderError> {
  const problem = findProblem(message);
  if (problem) return err({ code: 'invalid', message: problem, retryable: false });
  return ok({
    from: { name: message.from.name, address: message.from.address },
    to: message.to,
    ...(message.replyTo ? { replyTo: message.replyTo } : {}),
    subject: message.subject,
    html: message.html,
    text: message.text,
    messageId: messageIdFor(message.idempotencyKey, domainOf(message.from.address)),
    headers: { ...message.headers, ...oneClickUnsubscribeHeader(message) },
    ...(message.listUnsubscribe ? { list: { unsubscribe: [unsubscribeTargets(message.listUnsubscribe)] } } : {}),
    ...(message.dkim ? { dkim: { ...message.dkim, headerFieldNames: DKIM_SIGNED_HEADERS.join(':') } } : {}),
  });
}

/** `<32 hex chars of sha256(idempotencyKey)@sender-domain>`: the same key always gives the same Message-ID. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  return `<${sha256Hex(`waybill-message:${idempotencyKey}`).slice(0, 32)}@${domain}>`;
}

function oneClickUnsubscribeHeader(message: OutgoingEmail): Record<string, string> {
  return message.listUnsubscribe ? { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {};
}

function unsubscribeTargets(listUnsubscribe: { url: string; mailto?: string }): string[] {
  const { url, mailto } = listUnsubscribe;
  if (!mailto) return [url];
  return [url, mailto.startsWith('mailto:') ? mailto : `mailto:${mailto}`];
}

function findProblem(message: OutgoingEmail): string | undefined {
  if (!message.idempotencyKey) return 'idempotencyKey is required';
  if (!domainOf(message.from.address)) return `from.address "${message.from.address}" has no domain`;
  const badHeader = Object.entries(message.headers ?? {}).find(([name, value]) => /[\r\n]/.test(name + value) || !/^[!-9;-~]+$/.test(name));
  if (badHeader) return `header "${badHeader[0].replace(/[\r\n]/g, ' ')}" has an invalid name or a line break in its value`;
  // RFC 8058 wants https; plain http is allowed only for a server on this machine (development and tests).
  if (message.listUnsubscribe && !/^https:\/\//i.test(message.listUnsubscribe.url) && !/^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//i.test(message.listUnsubscribe.url)) {
    return 'listUnsubscribe.url must be an https:// URL (RFC 8058 one-click unsubscribe)';
  }
  if (message.dkim) return dkimProblem(message.dkim.privateKey);
  return undefined;
}

// nodemailer leaves a message unsigned when the key cannot sign, so a broken key is caught here.
function dkimProblem(privateKey: string): string | undefined {
  try {
    const key = createPrivateKey(privateKey);
    return key.asymmetricKeyType === 'rsa' ? undefined : `dkim.privateKey is a ${key.asymmetricKeyType} key; DKIM signing here needs RSA`;
  } catch {
    return 'dkim.privateKey is not a readable PEM private key';
  }
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(at + 1).trim().toLowerCase() : '';
}

// ---- errors -----------------------------------------------------------------------------------

type NodemailerError = {
  message?: string;
  code?: string;
  originalCode?: string;
  responseCode?: number;
  response?: string;
  command?: string;
};

const RECIPIENT_REJECTED = new Set([550, 551, 553]);
const NETWORK_CODES = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'ETLS', 'EPROXY', 'ECONNREFUSED', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND']);
const THROTTLED = /rate|throttl|too many|try again later/i;

/**
 * Maps a nodemailer failure to the provider vocabulary: SMTP reply codes first, then transport
 * codes. `handedOver`: the whole message had been written when it failed; with no reply from the
 * server (a timeout, a dropped connection) it may have been delivered.
 */
export function smtpErrorToProviderError(cause: unknown, progress: { handedOver: boolean } = { handedOver: false }): ProviderError {
  const error = (typeof cause === 'object' && cause !== null ? cause : { message: String(cause) }) as NodemailerError;
  const message = error.message ?? 'SMTP send failed';
  const reply = error.responseCode;
  const base = reply ? { message, providerCode: reply } : { message };
  if (progress.handedOver && !reply) {
    return { message: `the mail server did not answer after the message was handed over (${message})`, code: error.code === 'ETIMEDOUT' ? 'timeout' : 'unavailable', retryable: false, mayHaveBeenSent: true };
  }
  if (error.code === 'EAUTH') return { ...base, code: 'auth_failed', retryable: false };
  if (error.code === 'ETIMEDOUT') return { ...base, code: 'timeout', retryable: true };
  if (reply && reply >= 400 && reply < 500) {
    return { ...base, code: THROTTLED.test(error.response ?? '') ? 'rate_limited' : 'unavailable', retryable: true };
  }
  if (reply && reply >= 500 && error.command === 'RCPT TO') {
    return { ...base, code: 'rejected_recipient', retryable: false };
  }
  // Some servers only refuse a recipient after DATA; their reply still names the mailbox.
  if (reply && RECIPIENT_REJECTED.has(reply) && error.command !== 'MAIL FROM' && /recipient|mailbox|user/i.test(error.response ?? '')) {
    return { ...base, code: 'rejected_recipient', retryable: false };
  }
  if (reply && reply >= 500) return { ...base, code: 'invalid', retryable: false };
  if (NETWORK_CODES.has(error.code ?? '') || NETWORK_CODES.has(error.originalCode ?? '')) {
    return { ...base, code: 'unavailable', retryable: true };
  }
  if (error.code === 'EENVELOPE' || error.code === 'EMESSAGE' || error.code === 'ECONFIG') {
    return { ...base, code: 'invalid', retryable: false };
  }
  return { ...base, code: 'unavailable', retryable: true };
}
