// Which provider carries each channel. Email goes through Resend's API when RESEND_API_KEY is set
// (it honours idempotency keys), else over SMTP when SMTP_URL is set; SMS goes through the brand's
// own Twilio account. With neither (and in the demo) messages are captured in memory so they can
// be seen at /demo/messages instead of being sent.
import type { BrandRow } from '../db/schema.js';
import { decryptSecret } from '../lib/crypto.js';
import type { Clock } from '../lib/clock.js';
import { settingsOf } from '../brands/settings.js';
import { type CaptureEmailProvider, type CaptureSmsProvider, createCaptureEmailProvider, createCaptureSmsProvider } from './providers/capture.js';
import { createResendEmailProvider } from './providers/resend.js';
import { createSmtpEmailProvider } from './providers/smtp.js';
import { createTwilioSmsProvider } from './providers/twilio.js';
import type { EmailProvider, SmsProvider } from './providers/types.js';

export type Messaging = {
  email: EmailProvider;
  /** The brand's SMS provider, or null when the brand has no SMS account. */
  smsFor(brand: BrandRow): { provider: SmsProvider; from: string } | null;
  /** Set when messages are captured rather than sent (no SMTP_URL, or the demo). */
  captured: { email: CaptureEmailProvider; sms: CaptureSmsProvider } | null;
  close(): void;
};

export function createMessaging(options: {
  smtpUrl?: string;
  resend?: { apiKey: string; apiBase: string };
  twilioApiBase: string;
  credentialsKey: Buffer;
  fetch: typeof fetch;
  captureAll?: boolean;
  /** Stamps captured messages (the demo's accelerated clock, so they sort with its events). */
  clock?: Clock;
}): Messaging {
  const capture = { clock: options.clock };
  const captured = options.captureAll || (!options.smtpUrl && !options.resend) ? { email: createCaptureEmailProvider(capture), sms: createCaptureSmsProvider(capture) } : null;
  const resend = !options.captureAll && options.resend ? createResendEmailProvider({ ...options.resend, fetch: options.fetch }) : null;
  const smtp = !options.captureAll && !resend && options.smtpUrl ? createSmtpEmailProvider({ url: options.smtpUrl }) : null;
  const twilioByBrand = new Map<string, { provider: SmsProvider; from: string; sid: string }>();
  return {
    email: resend ?? smtp ?? captured!.email,
    smsFor(brand) {
      if (options.captureAll) return { provider: captured!.sms, from: '+15005550006' };
      const account = settingsOf(brand).sms;
      if (!account) return null;
      const cached = twilioByBrand.get(brand.id);
      if (cached && cached.sid === `${account.accountSid}|${account.authToken}`) return cached;
      const provider = createTwilioSmsProvider({
        accountSid: account.accountSid,
        authToken: decryptSecret(options.credentialsKey, account.authToken),
        apiBase: options.twilioApiBase,
        fetch: options.fetch,
      });
      const entry = { provider, from: account.from, sid: `${account.accountSid}|${account.authToken}` };
      twilioByBrand.set(brand.id, entry);
      return entry;
    },
    captured,
    close: () => smtp?.close(),
  };
}
