// Email through Resend's HTTP API (POST /emails, JSON, Bearer key) over fetch. Unlike SMTP it takes
// an idempotency key: the message id is sent as `Idempotency-Key`, and Resend answers a repeat
// within 24 hours with the first answer instead of sending again — so a worker killed after the
// send but before recording it sends nothing twice when the job runs again.
// Resend signs with the DKIM key of the domain verified in its dashboard; a brand's own key
// (OutgoingEmail.dkim) is for SMTP and is not sent.
import { err, ok } from '../../lib/result.js';
import { parseJson, retryAfterSeconds } from './twilio.js';
import type { EmailProvider, EmailSendResult, Mailbox, OutgoingEmail, ProviderError } from './types.js';

export const DEFAULT_RESEND_API_BASE = 'https://api.resend.com';
/** The provider id recorded when Resend says an earlier attempt with this key already went out. */
export const ALREADY_SENT_PREFIX = 'sent-earlier:';

export type ResendProviderOptions = {
  apiKey: string;
  apiBase?: string;
  timeoutMs?: number; // default 15 s
  fetch?: typeof fetch;
};

export function createResendEmailProvider(options: ResendProviderOptions): EmailProvider {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const url = `${(options.apiBase ?? DEFAULT_RESEND_API_BASE).replace(/\/+$/, '')}/emails`;
  return {
    name: 'resend',
    async send(message): Promise<EmailSendResult> {
      const headers = {
        authorization: `Bearer ${options.apiKey}`,
        'content-type': 'application/json',
        'idempotency-key': message.idempotencyKey.slice(0, 256),
        'user-agent': 'waybill',
      };
      try {
        const response = await fetchImpl(url, { method: 'POST', headers, body: JSON.stringify(resendBody(message)), signal: AbortSignal.timeout(timeoutMs) });
        const body = parseJson(await response.text());
        if (response.ok && typeof body?.id === 'string') return ok({ providerMessageId: body.id });
        if (response.ok) return err({ code: 'invalid', message: `Resend answered ${response.status} without an email id`, retryable: false });
        // Our key is the message's own id: Resend knowing it with another body means an earlier
        // attempt of this very message went out (the text changed since, e.g. PUBLIC_URL). Sent, once.
        if (response.status === 409 && body?.name === 'invalid_idempotent_request') return ok({ providerMessageId: `${ALREADY_SENT_PREFIX}${message.idempotencyKey}` });
        return err(resendErrorToProviderError(response.status, body, response.headers.get('retry-after')));
      } catch (cause) {
        const name = cause instanceof Error ? cause.name : '';
        if (name === 'TimeoutError' || name === 'AbortError') return err({ code: 'timeout', message: `Resend did not answer within ${timeoutMs} ms; a retry with the same key cannot send twice`, retryable: true });
        const reason = cause instanceof Error ? (cause.cause instanceof Error ? cause.cause.message : cause.message) : String(cause);
        return err({ code: 'unavailable', message: `Resend could not be reached: ${reason}`, retryable: true });
      }
    },
  };
}

/** The JSON body of POST /emails. */
export function resendBody(message: OutgoingEmail) {
  const { url, mailto } = message.listUnsubscribe ?? {};
  const targets = [url, mailto && (mailto.startsWith('mailto:') ? mailto : `mailto:${mailto}`)].filter((target): target is string => Boolean(target));
  const unsubscribe = targets.length > 0 ? { 'List-Unsubscribe': targets.map((target) => `<${target}>`).join(', '), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } : {};
  return {
    from: mailbox({ name: message.from.name, address: message.from.address }),
    to: [mailbox(message.to)],
    subject: message.subject,
    html: message.html,
    text: message.text,
    ...(message.replyTo ? { reply_to: [mailbox(message.replyTo)] } : {}),
    headers: { ...message.headers, ...unsubscribe },
  };
}

/** `"Name" <address>`, the display name quoted so commas and brackets stay inside it. */
function mailbox(value: Mailbox): string {
  if (typeof value === 'string') return value;
  return value.name ? `"${value.name.replace(/["\\]/g, (ch) => `\\${ch}`)}" <${value.address}>` : value.address;
}

/** Resend's `{ statusCode, name, message }` to the provider vocabulary. */
export function resendErrorToProviderError(status: number, body: Record<string, unknown> | undefined, retryAfter: string | null): ProviderError {
  const name = typeof body?.name === 'string' ? body.name : '';
  const message = `Resend ${status}${name ? ` (${name})` : ''}: ${typeof body?.message === 'string' ? body.message : 'no error message'}`;
  const base = { message, providerCode: name || status };
  if (status === 401 || status === 403) return { ...base, code: 'auth_failed', retryable: false };
  if (status === 429) {
    const seconds = retryAfterSeconds(retryAfter);
    // A spent daily quota does not come back in seconds; a per-second limit does.
    return { ...base, code: 'rate_limited', retryable: true, ...(seconds === undefined ? {} : { retryAfterSeconds: seconds }) };
  }
  // The first request with this key is still being processed: ask again, with the same key.
  if (status === 409 && name === 'concurrent_idempotent_requests') return { ...base, code: 'unavailable', retryable: true, retryAfterSeconds: 1 };
  if (status >= 500) return { ...base, code: 'unavailable', retryable: true };
  if (status === 422 && /\bto\b|recipient/i.test(String(body?.message ?? ''))) return { ...base, code: 'rejected_recipient', retryable: false };
  return { ...base, code: 'invalid', retryable: false };
}
