// The two small interfaces every message provider implements, one per channel. The sending jobs
// only see these: adding a provider (an HTTP email API, another SMS gateway) is one file.
import type { Result } from '../../lib/result.js';

export type EmailAddress = { name: string; address: string };

/** A recipient or Reply-To: a bare address or a name and an address. */
export type Mailbox = string | { name?: string; address: string };

export type DkimKey = {
  domainName: string; // d=, the brand's sending domain
  keySelector: string; // s=, published at <selector>._domainkey.<domain>
  privateKey: string; // PEM
};

export type OutgoingEmail = {
  from: EmailAddress;
  replyTo?: Mailbox;
  to: Mailbox;
  subject: string;
  html: string;
  text: string;
  headers?: Record<string, string>;
  /**
   * RFC 8058 one-click unsubscribe: adds `List-Unsubscribe: <url>, <mailto:…>` and
   * `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (both covered by the DKIM signature).
   */
  listUnsubscribe?: { url: string; mailto?: string };
  /** Signs the message for the brand's domain. */
  dkim?: DkimKey;
  /**
   * The message's identity across retries. Providers that accept an idempotency key pass it on;
   * SMTP derives the Message-ID from it, so a resend after a crash is recognisable.
   */
  idempotencyKey: string;
};

export type OutgoingSms = {
  /** An E.164 sender number, or a Twilio Messaging Service SID (`MG…`). */
  from: string;
  /** E.164 */
  to: string;
  body: string;
  /** Where the provider reports delivery (sent, delivered, undelivered, failed). */
  statusCallbackUrl?: string;
  /** Passed on where the provider accepts one; Twilio's Messages API does not. */
  idempotencyKey: string;
  /**
   * How long the provider may keep the text queued before it must drop it instead (Twilio's
   * ValidityPeriod, whole seconds, 1–36,000): the seconds left in the recipient's SMS window.
   */
  validityPeriodSeconds?: number;
};

export const PROVIDER_ERROR_CODES = [
  'rejected_recipient', // the address or number is refused: invalid, unknown, not a mobile
  'opted_out', // the recipient unsubscribed at the provider (SMS STOP)
  'rate_limited', // slow down; retryAfterSeconds when the provider says
  'unavailable', // the provider could not be reached or failed on its side
  'timeout', // no answer in time: the message may or may not have gone out
  'auth_failed', // the credentials are wrong or revoked
  'invalid', // the request itself is wrong (bad sender, empty body, too long…)
] as const;
export type ProviderErrorCode = (typeof PROVIDER_ERROR_CODES)[number];

export type ProviderError = {
  code: ProviderErrorCode;
  message: string;
  retryable: boolean;
  retryAfterSeconds?: number;
  /** The provider's own code: an SMTP reply code (550) or a Twilio error code (21610). */
  providerCode?: string | number;
  /**
   * The request was handed over and no answer came (a timeout, a connection cut after the message
   * was written): it may have gone out. Never resent blindly: looked up first where the provider
   * can be asked (SmsProvider.findSent), else parked in the failed list.
   */
  mayHaveBeenSent?: boolean;
};

export type EmailSendResult = Result<{ providerMessageId: string }, ProviderError>;
export type SmsSendResult = Result<{ providerMessageId: string; status: string }, ProviderError>;

export type EmailProvider = {
  readonly name: string;
  send(message: OutgoingEmail): Promise<EmailSendResult>;
};

/** What an earlier send whose outcome is unknown would have left at the provider. */
export type SentSmsQuery = {
  from: string;
  to: string;
  body: string;
  /** When that send began: only messages created since (less a little clock skew) match. */
  since: Date;
};

/** Messages found at the provider, newest first: the caller skips the ones it has already recorded. */
export type FindSentResult = Result<Array<{ providerMessageId: string; status: string }>, ProviderError>;

export type SmsProvider = {
  readonly name: string;
  send(message: OutgoingSms): Promise<SmsSendResult>;
  /** Asks the provider whether a message went out after all (Twilio's Messages list); absent where it cannot be asked. */
  findSent?(query: SentSmsQuery): Promise<FindSentResult>;
};
