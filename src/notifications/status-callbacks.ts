// Twilio's webhooks once stored in the inbox (webhooks.tsx verifies and stores them): delivery
// status callbacks and inbound texts (STOP, START, HELP), each processed idempotently, with the
// inbox row marked `processed` in the same transaction as its effect.
// A status callback can come before the send has recorded the message's sid (Twilio calls back
// within milliseconds of accepting a text, sometimes before its answer reaches us): it is then
// `parked`, applied by the send as soon as it records the sid (applyWaitingStatusCallbacks), or
// by the sweep, and set aside as `failed` once no message has had that sid for a day.
// Statuses only move forward (queued < sending < sent < delivered | undelivered | failed): a
// callback that arrives late or twice never moves a message back.
// A text Twilio let expire in its queue (error 30036: its ValidityPeriod, the rest of the SMS
// window, ran out) is not failed: it goes back to pending, due when the window next opens, and the
// send's own checks (opt-out, cancelled parcel, overtaken by a newer milestone) apply again then.
import type { Transaction } from 'kysely';
import type { Database, InboundEventRow, MessageRow } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { enqueueJob } from '../jobs/queue.js';
import { withoutControlCharacters } from '../lib/control-characters.js';
import { parkedRetryDelayMs } from '../inbound/inbox.js';
import { classifySmsKeyword } from './policy/opt-out.js';
import { parseTwilioForm, parseTwilioInboundSms, parseTwilioStatusCallback, TWILIO_VALIDITY_EXPIRED, type TwilioMessageStatus, type TwilioStatusCallback } from './providers/twilio.js';
import { sendJob } from './send-jobs.js';
import { recordOptIn, recordOptOut, smsWindowOpens } from './send.js';

export const TWILIO_STATUS_SOURCE = 'twilio_status';
export const TWILIO_INBOUND_SOURCE = 'twilio_inbound';
const TWILIO_SOURCES = [TWILIO_STATUS_SOURCE, TWILIO_INBOUND_SOURCE];

/** How long a status callback whose sid no message has is kept trying (a send recorded late, after a crash, still finds it). */
export const UNKNOWN_SID_LIFETIME_MS = 24 * 3_600_000;
/** A stored row younger than this is left to the request that stored it (still being handled). */
export const SWEEP_GRACE_MS = 30_000;
/** A text that expired in Twilio's queue this many times is failed rather than handed over again (its send attempts, which also count an outage's retries, do not decide). */
export const EXPIRED_TEXT_MAX_ATTEMPTS = 3;

const SWEEP_BATCH = 200;

/** Where each Twilio status stands: a message's provider status only ever moves to a higher one. */
const STATUS_RANK: Record<TwilioMessageStatus, number> = {
  accepted: 0,
  scheduled: 0,
  queued: 0,
  sending: 1,
  sent: 2,
  delivered: 3,
  undelivered: 3,
  failed: 3,
  canceled: 3,
  partially_delivered: 3,
  read: 4,
};
const rankOf = (status: string | null): number => (status && status in STATUS_RANK ? STATUS_RANK[status as TwilioMessageStatus] : -1);
const FINAL_RANK = 3;

export type StatusChange =
  | { kind: 'ignore' }
  | { kind: 'record'; providerStatus: TwilioMessageStatus; state?: 'delivered' | 'failed'; lastError?: string }
  | { kind: 'expired' };

/**
 * What a status callback does to the message that has its sid. Pure. Ignored when it is not
 * ahead of what is recorded (a late or repeated callback), or when the message has been handed
 * back to pending since (its text expired and waits for another send: that attempt is over).
 */
export function statusChange(message: Pick<MessageRow, 'state' | 'provider_status' | 'channel' | 'expired_in_queue'>, callback: Pick<TwilioStatusCallback, 'status' | 'errorCode'>): StatusChange {
  if (!['sent', 'delivered', 'failed'].includes(message.state)) return { kind: 'ignore' };
  // A final status read from the Messages list (a send found after a timeout) still leaves the state to its callback.
  const recorded = message.state === 'sent' ? Math.min(rankOf(message.provider_status), STATUS_RANK.sent) : rankOf(message.provider_status);
  const incoming = STATUS_RANK[callback.status];
  if (incoming <= recorded) return { kind: 'ignore' };
  const lastError = callback.errorCode ? `twilio ${callback.errorCode}` : undefined;
  const base = { kind: 'record' as const, providerStatus: callback.status, ...(lastError ? { lastError } : {}) };
  if (message.state !== 'sent' || incoming < FINAL_RANK) return base;
  if (callback.status === 'delivered' || callback.status === 'read') return { ...base, state: 'delivered' };
  if (callback.status === 'failed' || callback.status === 'undelivered' || callback.status === 'canceled') {
    const expired = callback.errorCode === TWILIO_VALIDITY_EXPIRED && message.channel === 'sms';
    const expiries = message.expired_in_queue + 1;
    if (expired && expiries < EXPIRED_TEXT_MAX_ATTEMPTS) return { kind: 'expired' };
    return { ...base, state: 'failed', ...(expired ? { lastError: `twilio ${TWILIO_VALIDITY_EXPIRED}: expired in Twilio's queue ${expiries} times` } : {}) };
  }
  return base;
}

type StoredRow = Pick<InboundEventRow, 'id' | 'source' | 'brand_id' | 'body' | 'received_at' | 'attempts'>;

/** Processes one stored Twilio row (a callback or an inbound text); answers what became of it. */
export async function processTwilioRow(deps: Deps, row: StoredRow): Promise<'processed' | 'parked' | 'failed'> {
  if (row.source === TWILIO_INBOUND_SOURCE) return processInboundText(deps, row);
  const parsed = parseTwilioStatusCallback(parseTwilioForm(row.body));
  if (!parsed.ok || !row.brand_id) return settleRow(deps, deps.db, row, 'failed', parsed.ok ? 'no brand' : `${parsed.error.field} ${parsed.error.problem}`);
  const callback = parsed.value;
  for (let tries = 0; tries < 5; tries++) {
    const message = await deps.db.selectFrom('messages').selectAll().where('provider_message_id', '=', callback.providerMessageId).where('brand_id', '=', row.brand_id).executeTakeFirst();
    if (!message) {
      const expired = deps.clock.now().getTime() - Date.parse(row.received_at) >= UNKNOWN_SID_LIFETIME_MS;
      return expired
        ? settleRow(deps, deps.db, row, 'failed', `no message has sid ${callback.providerMessageId} after ${UNKNOWN_SID_LIFETIME_MS / 3_600_000} h`)
        : settleRow(deps, deps.db, row, 'parked', `no message has sid ${callback.providerMessageId} (yet): applied once the send records it`);
    }
    const change = statusChange(message, callback);
    const applied = await deps.db.transaction().execute(async (trx) => {
      if (change.kind !== 'ignore' && !(await applyChange(deps, trx, message, change))) return false; // moved meanwhile: read again
      // Twilio refuses the number (the recipient texted STOP at the carrier): known once, whatever the order.
      if (change.kind !== 'ignore' && callback.errorCode === 21610 && message.recipient) await recordOptOut(deps, row.brand_id!, 'sms', message.recipient, 'provider_error', trx);
      await settleRow(deps, trx, row, 'processed', null);
      return true;
    });
    if (applied) {
      if (change.kind === 'expired') deps.notifyJobsEnqueued();
      return 'processed';
    }
  }
  throw new Error(`status callback ${row.id}: the message kept changing while it was applied`);
}

/** The change, compare-and-set on the state and provider status it was decided from; false when either moved. */
async function applyChange(deps: Deps, trx: Transaction<Database>, message: MessageRow, change: Exclude<StatusChange, { kind: 'ignore' }>): Promise<boolean> {
  const now = deps.clock.now();
  let patch: Partial<MessageRow>;
  let opens: Date | null = null;
  if (change.kind === 'expired') {
    const order = await trx.selectFrom('orders').selectAll().where('id', '=', message.order_id).executeTakeFirstOrThrow();
    const brand = await trx.selectFrom('brands').selectAll().where('id', '=', message.brand_id).executeTakeFirstOrThrow();
    opens = smsWindowOpens(deps, brand, order, message) ?? now;
    const waits = opens.getTime() > now.getTime();
    patch = {
      state: 'pending',
      held_reason: waits ? 'quiet_hours' : null,
      send_after: opens.toISOString(),
      provider_status: 'failed',
      sent_at: null,
      expired_in_queue: message.expired_in_queue + 1,
      last_error: `twilio ${TWILIO_VALIDITY_EXPIRED}: expired in Twilio's queue before the SMS window closed; sent again when it opens`,
    };
  } else {
    patch = { provider_status: change.providerStatus, ...(change.state ? { state: change.state } : {}), ...(change.lastError ? { last_error: change.lastError } : {}) };
  }
  const result = await trx
    .updateTable('messages')
    .set({ ...patch, updated_at: now.toISOString() })
    .where('id', '=', message.id)
    .where('provider_message_id', '=', message.provider_message_id)
    .where('state', '=', message.state)
    .where((eb) => (message.provider_status === null ? eb('provider_status', 'is', null) : eb('provider_status', '=', message.provider_status)))
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) return false;
  if (opens) await enqueueJob(trx, now, sendJob(message.id, `send:${message.id}:expired:${message.provider_message_id}`, opens));
  return true;
}

/** STOP and START, applied in the order they were received: a word older than the number's last change is stale. */
async function processInboundText(deps: Deps, row: StoredRow): Promise<'processed' | 'failed'> {
  const parsed = parseTwilioInboundSms(parseTwilioForm(row.body));
  if (!parsed.ok || !row.brand_id) return settleRow(deps, deps.db, row, 'failed', parsed.ok ? 'no brand' : `${parsed.error.field} ${parsed.error.problem}`);
  const { from, body } = parsed.value;
  const brandId = row.brand_id;
  const keyword = classifySmsKeyword(body);
  await deps.db.transaction().execute(async (trx) => {
    if (keyword === 'opt_out' || keyword === 'opt_in') {
      const pref = await trx.selectFrom('contact_preferences').select(['opted_out_at', 'opted_in_at']).where('brand_id', '=', brandId).where('channel', '=', 'sms').where('address', '=', from.toLowerCase()).executeTakeFirst();
      const lastChange = [pref?.opted_out_at, pref?.opted_in_at].filter((at): at is string => Boolean(at)).sort().at(-1);
      if (!lastChange || lastChange <= row.received_at) {
        if (keyword === 'opt_out') await recordOptOut(deps, brandId, 'sms', from, 'sms_keyword', trx);
        else await recordOptIn(deps, brandId, 'sms', from, 'sms_keyword', trx);
      }
    }
    await settleRow(deps, trx, row, 'processed', null);
  });
  return 'processed';
}

async function settleRow<S extends 'processed' | 'parked' | 'failed'>(deps: Deps, db: Deps['db'] | Transaction<Database>, row: StoredRow, state: S, error: string | null): Promise<S> {
  const now = deps.clock.now();
  const attempts = state === 'processed' ? row.attempts : row.attempts + 1;
  await db
    .updateTable('inbound_events')
    .set({
      state,
      error: error === null ? null : withoutControlCharacters(error).slice(0, 1000),
      attempts,
      retry_at: state === 'parked' ? new Date(now.getTime() + parkedRetryDelayMs(attempts)).toISOString() : null,
      processed_at: state === 'parked' ? null : now.toISOString(),
    })
    .where('id', '=', row.id)
    .where('state', 'in', ['received', 'parked'])
    .execute();
  return state;
}

/** The send has just recorded this sid: the callbacks that came before it are applied now. Never throws (the sweep retries). */
export async function applyWaitingStatusCallbacks(deps: Deps, brandId: string, sid: string): Promise<void> {
  try {
    const rows = await deps.db
      .selectFrom('inbound_events')
      .select(['id', 'source', 'brand_id', 'body', 'received_at', 'attempts'])
      .where('brand_id', '=', brandId)
      .where('source', '=', TWILIO_STATUS_SOURCE)
      .where('state', 'in', ['received', 'parked'])
      .where('source_event_id', 'like', `${sid}:%`)
      .orderBy('received_at')
      .execute();
    for (const row of rows) await processTwilioRow(deps, row);
  } catch (error) {
    deps.log.warn({ err: error, sid }, 'could not apply the status callbacks that came before the send was recorded: the sweep will');
  }
}

/**
 * The sweep of Twilio's rows: those stored and never processed (a crash or an error between
 * storing and processing: a STOP whose opt-out write failed) and the parked callbacks whose retry
 * time has come; settled rows past the retention period are deleted. Returns how many it settled.
 */
export async function sweepTwilioInbox(deps: Deps): Promise<number> {
  const now = deps.clock.now();
  // Settled rows are kept for INBOUND_RETENTION_DAYS, as carriers' are: long past any redelivery.
  const oldest = new Date(now.getTime() - deps.config.inbound.retentionDays * 86_400_000).toISOString();
  await deps.db.deleteFrom('inbound_events').where('source', 'in', TWILIO_SOURCES).where('received_at', '<=', oldest).where('state', 'in', ['processed', 'failed']).execute();
  const rows = await deps.db
    .selectFrom('inbound_events')
    .select(['id', 'source', 'brand_id', 'body', 'received_at', 'attempts'])
    .where('source', 'in', TWILIO_SOURCES)
    .where((eb) =>
      eb.or([
        eb.and([eb('state', '=', 'received'), eb('received_at', '<=', new Date(now.getTime() - SWEEP_GRACE_MS).toISOString())]),
        eb.and([eb('state', '=', 'parked'), eb('retry_at', '<=', now.toISOString())]),
      ]),
    )
    .orderBy('received_at')
    .orderBy('id')
    .limit(SWEEP_BATCH)
    .execute();
  let settled = 0;
  for (const row of rows) {
    try {
      await processTwilioRow(deps, row);
      settled++;
    } catch (error) {
      deps.log.warn({ err: error, deliveryId: row.id }, 'a stored Twilio webhook could not be processed: left for the next sweep');
    }
  }
  return settled;
}
