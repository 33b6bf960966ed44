// The `message.send` job: its name, how long it keeps trying through a provider's outage, and what
// becomes of its message when it gives up. A send that fails for a passing reason (the provider
// refused the connection, gave no answer before taking the message, answered 5xx or 429) is tried
// again after 2 s, the wait doubling up to 10 minutes (each jittered 0.5×–1.5×), 45 attempts in
// all: about six hours of outage; a provider back sooner gets the waiting messages within a
// quarter of an hour. A 429's Retry-After, a lookup's wait and the SMS window still decide their
// own waits, and every attempt checks consent, cancellation, the window and overtaking again.
// When the job dies (its attempts used, or its worker gone on the last one), its message becomes
// `failed` with the reason, in the transaction that kills the job: the dead-letter list
// (GET /v1/messages?state=failed) shows it and POST /v1/messages/{id}/retry sends it again;
// `waybill jobs retry` on the job puts the message back to `pending` the same way.
import type { JobRow } from '../db/schema.js';
import { withoutControlCharacters } from '../lib/control-characters.js';
import { type NewJob, retryDelayMs } from '../jobs/queue.js';
import type { DeadLetterHooks } from '../jobs/worker.js';

export const SEND_MESSAGE_JOB = 'message.send';

/** The longest wait between two attempts of a send, before jitter. */
export const SEND_BACKOFF_CAP_MS = 10 * 60_000;
/** Attempts of one send job: with its waits, about six hours (2 s doubling to 10 min: 17 min for the first ten, then 10 min each). */
export const SEND_MAX_ATTEMPTS = 45;

/** The wait after a send's `attempt`th failure when the provider named none. */
export const sendRetryDelayMs = (attempt: number, random: () => number = Math.random): number => retryDelayMs(attempt, random, SEND_BACKOFF_CAP_MS);

/** What the failed list says of a send whose outcome is unknown, rather than sending it a second time. */
export const MAY_HAVE_BEEN_DELIVERED = 'it may have been delivered, so it was not sent again';

/**
 * The job that sends message `messageId`, with a send's allowance of attempts. `idempotencyKey`
 * names this send among the message's (the first, one for the morning after the SMS window, a retry).
 */
export function sendJob(messageId: string, idempotencyKey: string, runAt?: Date): NewJob {
  return { kind: SEND_MESSAGE_JOB, payload: { messageId }, maxAttempts: SEND_MAX_ATTEMPTS, idempotencyKey, ...(runAt ? { runAt } : {}) };
}

/**
 * How long until a message left in `sending` may be sent again: a sender that died mid-send moved
 * it there at most a lease ago (its job is re-run only once the lease has run out), while a sender
 * still at it moved it moments ago. 0: take it over now.
 */
export function sendingTakenOverIn(movedAt: string, now: Date, leaseMs: number): number {
  return Math.max(0, Date.parse(movedAt) + leaseMs - now.getTime());
}

/** Why a send job's message is failed as the job dies. Pure. */
export function givenUpReason(job: Pick<JobRow, 'attempts'>, failure: { message: string; retryable: boolean }, mayHaveGone: boolean): string {
  const why = failure.retryable ? `gave up after ${job.attempts} attempts: ${failure.message}` : failure.message;
  return withoutControlCharacters(mayHaveGone ? `${why}; ${MAY_HAVE_BEEN_DELIVERED}` : why).slice(0, 2000);
}

const messageIdOf = (job: JobRow): string | null => {
  try {
    const id = (JSON.parse(job.payload) as { messageId?: unknown } | null)?.messageId;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
};

export const sendDeadLetters: DeadLetterHooks = {
  /**
   * A message still to be sent becomes `failed`. One left in `sending` longer than a lease (its
   * sender died inside the send call) may have gone out: failed as such, remembering when that
   * attempt began, so a retry looks a text up at Twilio before sending it. One in `sending` for
   * less than a lease has a live sender, which settles it; a message in any other state is left as it is.
   */
  async died(trx, job, { now, failure, leaseMs }) {
    const id = messageIdOf(job);
    if (!id) return;
    const message = await trx.selectFrom('messages').select(['state', 'updated_at', 'uncertain_since']).where('id', '=', id).executeTakeFirst();
    if (!message) return;
    const cut = message.state === 'sending' && sendingTakenOverIn(message.updated_at, now, leaseMs) === 0;
    if (message.state !== 'pending' && !cut) return;
    const uncertainSince = message.uncertain_since ?? (cut ? message.updated_at : null);
    await trx
      .updateTable('messages')
      .set({ state: 'failed', held_reason: null, uncertain_since: uncertainSince, last_error: givenUpReason(job, failure, uncertainSince !== null), updated_at: now.toISOString() })
      .where('id', '=', id)
      .where('state', '=', message.state)
      .where('updated_at', '=', message.updated_at)
      .execute();
  },
  /** Sent back by `waybill jobs retry`: its failed message is to be sent again. */
  async retried(trx, job, now) {
    const id = messageIdOf(job);
    if (!id) return;
    await trx.updateTable('messages').set({ state: 'pending', updated_at: now.toISOString() }).where('id', '=', id).where('state', '=', 'failed').execute();
  },
};
