// Sending one message (the `message.send` job). The row moves pending → sending → sent, each step
// committed, so a crash can only repeat the provider call that was in flight (the crash window
// is the send call itself: neither SMTP nor Twilio's Messages API takes an idempotency key). Each
// step is a compare-and-set on the state and attempt read, so of two workers holding the same
// message only one moves it to sending, and only that one sends it.
// A send whose answer never came (a timeout once the request was handed over) is never repeated
// blindly: a text is first looked up at Twilio, an email over SMTP (which cannot be asked) is
// parked in the failed list.
// Consent is checked again right before sending, so a STOP stops the very next message.
import { notificationSettingsOf, settingsOf, templateOverridesFor } from '../brands/settings.js';
import { countImpressions, emailCrossSells } from '../catalogue/cross-sells.js';
import { returnLabelKey } from '../returns/label-key.js';
import type { Deps } from '../deps.js';
import type { BrandRow, MessageRow, OrderRow, ShipmentRow } from '../db/schema.js';
import { JobFailure } from '../jobs/worker.js';
import { deliveryTimeZone, formatDeliveryWindow } from '../estimates/index.js';
import { trackingPageUrl } from '../orders/service.js';
import type { ExceptionReason, ShipmentStatus } from '../shipments/vocabulary.js';
import { dkimKeyOf } from './dkim.js';
import { enqueueJob } from '../jobs/queue.js';
import { cameAfter, DEFAULT_NOTIFICATION_SETTINGS, ESSENTIAL_EMAILS, isOvertaken, type SmsClockInput, smsQuietUntil, smsWindowClosesAt } from './policy/decide.js';
import { validityPeriodSeconds } from './policy/sms-window.js';
import { applyWaitingStatusCallbacks } from './status-callbacks.js';
import { MAY_HAVE_BEEN_DELIVERED, sendingTakenOverIn, sendJob } from './send-jobs.js';
import type { ProviderError } from './providers/types.js';
import { renderMessage } from './templates/index.js';
import type { CrossSell, MessageInput, TemplateOverrides } from './templates/types.js';
import type { Milestone } from './types.js';
import { shortLinkFor } from './short-links.js';
import { unsubscribeUrl } from './unsubscribe.js';
import { orderCurrency } from '../orders/currency.js';
import { carrierName } from '../hub/format.js';
import { keepingLanguage } from '../hub/i18n/index.js';
import { languageFor } from './templates/locales/index.js';

/** Messages in flight together (the SMTP pool and Twilio take several at once); each outcome on its own. */
export const SENDS_IN_FLIGHT = 8;

export async function sendMessages(deps: Deps, payloads: ReadonlyArray<{ messageId: string }>): Promise<Array<unknown | null>> {
  const outcomes: Array<unknown | null> = new Array(payloads.length).fill(null);
  let next = 0;
  const lane = async () => {
    for (let index = next++; index < payloads.length; index = next++) {
      try {
        await sendMessage(deps, payloads[index]!);
      } catch (error) {
        outcomes[index] = error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(SENDS_IN_FLIGHT, payloads.length) }, lane));
  return outcomes;
}

export async function sendMessage(deps: Deps, payload: { messageId: string }): Promise<void> {
  const message = await deps.db.selectFrom('messages').selectAll().where('id', '=', payload.messageId).executeTakeFirst();
  if (!message || (message.state !== 'pending' && message.state !== 'sending')) return; // done already, or held
  if (message.state === 'sending') {
    // Another worker may be inside the send call: ask again once its lease would have run out.
    const wait = sendingTakenOverIn(message.updated_at, deps.clock.now(), deps.config.jobLeaseSeconds * 1000);
    if (wait > 0) throw new JobFailure(`message ${message.id} is being sent (moved to sending at ${message.updated_at}); asked again once that sender's lease has run out`, true, wait);
  }
  const order = await deps.db.selectFrom('orders').selectAll().where('id', '=', message.order_id).executeTakeFirstOrThrow();
  const brand = await deps.db.selectFrom('brands').selectAll().where('id', '=', message.brand_id).executeTakeFirstOrThrow();

  // The last attempt may have gone out (its answer never came, or its worker died inside the call):
  // ask the provider before anything else, where it can be asked. Found, it is sent, whatever
  // happened since (a STOP, a cancelled parcel, a closed SMS window).
  const uncertainSince = uncertainSendOf(message);
  if (uncertainSince && message.channel === 'sms' && message.body_text) {
    const earlier = await findEarlierSend(deps, brand, message, uncertainSince);
    if (earlier === 'ask_again') throw new JobFailure(`message ${message.id}: could not ask the provider whether its last attempt went out; asked again before sending`, true, LOOK_UP_AFTER_MS);
    if (earlier) {
      await settle(deps, message, { state: 'sent', held_reason: null, uncertain_since: null, provider: earlier.provider, provider_message_id: earlier.id, provider_status: earlier.status, sent_at: deps.clock.now().toISOString(), last_error: null });
      await applyWaitingStatusCallbacks(deps, message.brand_id, earlier.id);
      return;
    }
  }

  const shipment = message.shipment_id ? await deps.db.selectFrom('shipments').selectAll().where('id', '=', message.shipment_id).executeTakeFirst() : undefined;
  const stop = await reasonToStop(deps, message, shipment);
  if (stop) {
    await settle(deps, message, { state: stop === 'opted_out' ? 'held' : 'dropped', held_reason: stop });
    return;
  }
  // Asked again at the last moment: a retry or a queue backlog may have carried the text past the window.
  const opens = message.channel === 'sms' ? smsWindowOpens(deps, brand, order, message) : null;
  if (opens) return waitForWindow(deps, message, opens);

  const offers = message.channel === 'email' ? await emailCrossSells(deps, brand, order, message.milestone, messageLocale(brand, order)) : undefined;
  const input = await messageInput(deps, brand, order, message, shipment, offers?.crossSells);
  const rendered = await renderMessage(input);
  // Any uncertainty of an earlier attempt was resolved just above (not found: it did not go out).
  const mine = await settle(deps, message, { state: 'sending', attempts: message.attempts + 1, uncertain_since: null, subject: message.channel === 'email' ? rendered.email.subject : null, body_text: message.channel === 'email' ? rendered.email.text : rendered.sms });
  if (!mine) return; // another worker moved it first and is sending it
  const began = deps.clock.now().toISOString();

  const result = message.channel === 'email' ? await sendEmail(deps, brand, message, rendered.email, input) : await sendSms(deps, brand, order, message, rendered.sms);
  if (result.ok) {
    // Sent is no longer held: a text that waited for its window keeps only its sendAfter.
    await settle(deps, message, { state: 'sent', held_reason: null, provider: result.value.provider, provider_message_id: result.value.id, provider_status: result.value.status ?? null, sent_at: deps.clock.now().toISOString(), last_error: null });
    // Twilio may have called back before this answer was recorded: those callbacks wait for the sid.
    if (message.channel === 'sms') await applyWaitingStatusCallbacks(deps, message.brand_id, result.value.id);
    // Shown once the email has gone, whatever the attempts it took (each one builds the message again).
    if (offers) countImpressions(deps, brand.id, offers.productIds, 'email');
    return;
  }
  await recordFailure(deps, brand, message, result.error, began);
}

/** How long after a send whose answer never came the provider is asked: a message Twilio accepted is listed (with its DateSent) once it has gone out. */
export const LOOK_UP_AFTER_MS = 2 * 60_000;

/**
 * When the attempt whose outcome is unknown began: one whose answer never came, or one whose
 * worker died inside the send call (found in `sending` once that worker's lease ran out). Null:
 * the last attempt's outcome is known.
 */
export function uncertainSendOf(message: Pick<MessageRow, 'state' | 'uncertain_since' | 'updated_at'>): string | null {
  return message.uncertain_since ?? (message.state === 'sending' ? message.updated_at : null);
}

/**
 * What a failure means for the message. Known: the provider answered (or nothing left this
 * machine), so a retryable one is sent again. Unknown (the request was handed over, no answer
 * came): asked at the provider before sending again where it can be asked (Twilio), else parked
 * in the failed list (SMTP) rather than sent a second time. Pure.
 */
export function afterFailure(error: Pick<ProviderError, 'retryable' | 'mayHaveBeenSent'>, providerCanBeAsked: boolean): 'retry' | 'fail' | 'look_up_then_retry' | 'park_uncertain' {
  if (error.mayHaveBeenSent) return providerCanBeAsked ? 'look_up_then_retry' : 'park_uncertain';
  return error.retryable ? 'retry' : 'fail';
}

/** The earlier attempt, found at the provider and recorded on no other message; null when it did not go out; 'ask_again' when the provider could not be asked. */
async function findEarlierSend(deps: Deps, brand: BrandRow, message: MessageRow, since: string): Promise<{ provider: string; id: string; status: string } | null | 'ask_again'> {
  const account = deps.messaging.smsFor(brand);
  if (!account?.provider.findSent) return null; // nobody to ask (taken over from a crash): sent again, as before
  const found = await account.provider.findSent({ from: account.from, to: message.recipient!, body: message.body_text!, since: new Date(since) });
  if (!found.ok) {
    deps.log.warn({ messageId: message.id, err: found.error.message }, 'could not look up an uncertain send');
    return 'ask_again';
  }
  if (found.value.length === 0) return null;
  // The same words to the same number (two parcels' "shipped" the same minute) must not be taken for this one.
  const claimed = new Set(
    (await deps.db.selectFrom('messages').select('provider_message_id').where('provider_message_id', 'in', found.value.map((m) => m.providerMessageId)).execute()).map((m) => m.provider_message_id),
  );
  const mine = found.value.find((m) => !claimed.has(m.providerMessageId));
  return mine ? { provider: account.provider.name, id: mine.providerMessageId, status: mine.status } : null;
}

type SendOutcome = { ok: true; value: { provider: string; id: string; status?: string } } | { ok: false; error: ProviderError };

async function sendEmail(deps: Deps, brand: BrandRow, message: MessageRow, email: Awaited<ReturnType<typeof renderMessage>>['email'], input: MessageInput): Promise<SendOutcome> {
  const sender = settingsOf(brand).sender ?? {};
  const provider = deps.messaging.email;
  const dkim = dkimKeyOf(brand, deps.keys.credentials);
  const result = await provider.send({
    from: { name: email.fromName, address: sender.email ?? deps.config.emailFrom },
    ...(email.replyTo ? { replyTo: email.replyTo } : {}),
    to: message.recipient!,
    subject: email.subject,
    html: email.html,
    text: email.text,
    ...(input.links.unsubscribe && message.milestone !== 'order_confirmed' ? { listUnsubscribe: { url: input.links.unsubscribe } } : {}),
    ...(dkim ? { dkim } : {}),
    idempotencyKey: message.id,
  });
  return result.ok ? { ok: true, value: { provider: provider.name, id: result.value.providerMessageId } } : result;
}

async function sendSms(deps: Deps, brand: BrandRow, order: OrderRow, message: MessageRow, body: string): Promise<SendOutcome> {
  const account = deps.messaging.smsFor(brand);
  if (!account) return { ok: false, error: { code: 'invalid', message: 'the brand has no SMS account', retryable: false } };
  // Left in the provider's queue past the window's end, the text is dropped rather than sent at night.
  const now = deps.clock.now();
  const closes = smsWindowClosesAt(smsClockInput(deps, brand, order, message.recipient));
  const result = await account.provider.send({
    ...(closes ? { validityPeriodSeconds: validityPeriodSeconds(now, closes) } : {}),
    from: account.from,
    to: message.recipient!,
    body,
    statusCallbackUrl: `${deps.config.publicUrl}/webhooks/twilio/${brand.id}/status`,
    idempotencyKey: message.id,
  });
  return result.ok ? { ok: true, value: { provider: account.provider.name, id: result.value.providerMessageId, status: result.value.status } } : result;
}

async function recordFailure(deps: Deps, brand: BrandRow, message: MessageRow, error: ProviderError, began: string): Promise<void> {
  if (error.code === 'opted_out' && message.recipient) await recordOptOut(deps, brand.id, message.channel, message.recipient, 'provider_error');
  const canBeAsked = message.channel === 'sms' && Boolean(deps.messaging.smsFor(brand)?.provider.findSent);
  switch (afterFailure(error, canBeAsked)) {
    case 'fail':
      await settle(deps, message, { state: 'failed', held_reason: error.code === 'opted_out' ? 'opted_out' : null, last_error: `${error.code}: ${error.message}` });
      return;
    case 'park_uncertain':
      // Shown in the failed list; a person who knows it did not arrive sends it again (POST /v1/messages/{id}/retry).
      await settle(deps, message, { state: 'failed', last_error: `${error.code}: ${error.message}; ${MAY_HAVE_BEEN_DELIVERED}` });
      return;
    case 'look_up_then_retry':
      // Back to pending, remembering when the uncertain attempt began: the retry asks the provider first.
      await settle(deps, message, { state: 'pending', uncertain_since: began, last_error: `${error.code}: ${error.message}` });
      throw new JobFailure(`${error.code}: ${error.message}; looked up at the provider before it is sent again`, true, Math.max(LOOK_UP_AFTER_MS, (error.retryAfterSeconds ?? 0) * 1000));
    case 'retry':
      // Back to pending, so the job's retry (with backoff, or the provider's Retry-After) sends it.
      await settle(deps, message, { state: 'pending', last_error: `${error.code}: ${error.message}` });
      throw new JobFailure(`${error.code}: ${error.message}`, true, error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : undefined);
  }
}

export function smsWindowOpens(deps: Deps, brand: BrandRow, order: OrderRow, message: Pick<MessageRow, 'recipient'>): Date | null {
  return smsQuietUntil(smsClockInput(deps, brand, order, message.recipient));
}

/** The recipient's SMS clock as of now: the brand's windows, the order's destination, the number. */
function smsClockInput(deps: Deps, brand: BrandRow, order: OrderRow, phone: string | null): SmsClockInput {
  const destination = JSON.parse(order.destination) as { region?: string; postalCode?: string; country: string };
  return { now: deps.clock.now(), settings: notificationSettingsOf(brand, DEFAULT_NOTIFICATION_SETTINGS), destination, phone };
}

/** Still pending, due when the window opens: a new job for that moment, in the same transaction. */
async function waitForWindow(deps: Deps, message: MessageRow, opens: Date): Promise<void> {
  const now = deps.clock.now();
  const at = opens.toISOString();
  await deps.db.transaction().execute(async (trx) => {
    await trx.updateTable('messages').set({ send_after: at, held_reason: 'quiet_hours', updated_at: now.toISOString() }).where('id', '=', message.id).execute();
    await enqueueJob(trx, now, sendJob(message.id, `send:${message.id}:at:${at}`, opens));
  });
}

/**
 * Moves the message on from the state and attempt it was read in (compare-and-set): false, and
 * nothing written, when someone else moved it meanwhile (two workers must not both send it).
 */
async function settle(deps: Deps, message: MessageRow, patch: Partial<MessageRow>): Promise<boolean> {
  const result = await deps.db
    .updateTable('messages')
    .set({ ...patch, updated_at: deps.clock.now().toISOString() })
    .where('id', '=', message.id)
    .where('state', '=', message.state)
    .where('attempts', '=', message.attempts)
    .executeTakeFirst();
  Object.assign(message, patch);
  return Number(result.numUpdatedRows) === 1;
}

/** Why a pending message must not go now after all: the customer opted out, its parcel was cancelled, or it was overtaken. */
async function reasonToStop(deps: Deps, message: MessageRow, shipment: ShipmentRow | undefined): Promise<'opted_out' | 'shipment_cancelled' | 'overtaken' | null> {
  if (message.recipient) {
    const pref = await deps.db
      .selectFrom('contact_preferences')
      .select('opted_out_at')
      .where('brand_id', '=', message.brand_id)
      .where('channel', '=', message.channel)
      .where('address', '=', message.recipient.toLowerCase())
      .executeTakeFirst();
    const essential = message.channel === 'email' && ESSENTIAL_EMAILS.includes(message.milestone as Milestone);
    if (pref?.opted_out_at && !essential) return 'opted_out';
  }
  // News of a parcel that was cancelled meanwhile (a text waiting for its window, a retried send) would mislead.
  if (shipment?.status === 'cancelled') return 'shipment_cancelled';
  // An SMS that waited (for its window, or through a provider's outage: an earlier attempt failed)
  // is pointless once a newer milestone of the same parcel happened, whether or not that one goes
  // by SMS (delivered usually does not). Messages decided in the same batch share their
  // created_at, so those count too and the events' times decide.
  if (message.channel === 'sms' && (message.send_after || message.attempts > 0) && message.shipment_id) {
    const others = await deps.db
      .selectFrom('messages')
      .select(['milestone', 'created_at', 'context'])
      .where('shipment_id', '=', message.shipment_id)
      .where('created_at', '>=', message.created_at)
      .where('id', '!=', message.id)
      .execute();
    const waiting = { createdAt: message.created_at, occurredAt: occurredAtOf(message.context) };
    const overtaken = others.some(
      (other) =>
        isOvertaken({ milestone: message.milestone as Milestone, shipmentId: message.shipment_id! }, { milestone: other.milestone as Milestone, shipmentId: message.shipment_id! }) &&
        cameAfter(waiting, { createdAt: other.created_at, occurredAt: occurredAtOf(other.context) }),
    );
    if (overtaken) return 'overtaken';
  }
  return null;
}

/** The carrier event's time a status-change message records in its context; null for others (and for messages recorded before it did). */
function occurredAtOf(context: string): string | null {
  try {
    const value = (JSON.parse(context) as { occurredAt?: unknown }).occurredAt;
    return typeof value === 'string' ? value : null;
  } catch {
    return null;
  }
}

export async function recordOptOut(deps: Deps, brandId: string, channel: string, address: string, source: string, db: Deps['db'] = deps.db): Promise<void> {
  const at = deps.clock.now().toISOString();
  await db
    .insertInto('contact_preferences')
    .values({ brand_id: brandId, channel, address: address.toLowerCase(), opted_out_at: at, opted_in_at: null, source, updated_at: at })
    .onConflict((oc) => oc.columns(['brand_id', 'channel', 'address']).doUpdateSet({ opted_out_at: at, source, updated_at: at }))
    .execute();
}

export async function recordOptIn(deps: Deps, brandId: string, channel: string, address: string, source: string, db: Deps['db'] = deps.db): Promise<void> {
  const at = deps.clock.now().toISOString();
  await db
    .insertInto('contact_preferences')
    .values({ brand_id: brandId, channel, address: address.toLowerCase(), opted_out_at: null, opted_in_at: at, source, updated_at: at })
    .onConflict((oc) => oc.columns(['brand_id', 'channel', 'address']).doUpdateSet({ opted_out_at: null, opted_in_at: at, source, updated_at: at }))
    .execute();
}

/** The language a message is written in: the customer's, else the brand's default. */
function messageLocale(brand: BrandRow, order: OrderRow): string {
  return order.customer_locale ?? settingsOf(brand).notifications?.defaultLocale ?? 'en';
}

/** Everything the template needs, read fresh at send time (the parcel, read for the checks before, and the cross-sells an email carries given). */
async function messageInput(deps: Deps, brand: BrandRow, order: OrderRow, message: MessageRow, shipment: ShipmentRow | undefined, crossSells: CrossSell[] | undefined): Promise<MessageInput> {
  const settings = settingsOf(brand);
  const look = settings.look ?? {};
  const items = JSON.parse(order.items) as Array<{ name: string; quantity: number; price?: number }>;
  const context = JSON.parse(message.context) as { updateId?: string; attemptNumber?: number; returnId?: string; refundId?: string };
  const update = context.updateId ? await deps.db.selectFrom('personal_updates').selectAll().where('id', '=', context.updateId).executeTakeFirst() : undefined;
  // A refund is recorded on its return (refundId is the return's id).
  const returnId = context.returnId ?? context.refundId;
  const returnRow = returnId ? await deps.db.selectFrom('returns').select(['rma', 'rejection_reason', 'refund_amount', 'refund_currency']).where('id', '=', returnId).executeTakeFirst() : undefined;
  const lastEvent = shipment
    ? await deps.db.selectFrom('tracking_events').select('location').where('shipment_id', '=', shipment.id).where('location', 'is not', null).orderBy('occurred_at', 'desc').limit(1).executeTakeFirst()
    : undefined;
  const lastLocation = lastEvent?.location ? (JSON.parse(lastEvent.location) as { city?: string; region?: string }) : null;
  const locale = messageLocale(brand, order);
  // Links open the page in the message's own language (the page would otherwise follow the browser).
  const pageBase = trackingPageUrl(deps, brand, order);
  const inLanguage = (url: string) => keepingLanguage(url, languageFor(locale));
  const destination = JSON.parse(order.destination) as { city: string; region?: string; postalCode?: string; country: string };
  const total = items.every((i) => i.price !== undefined) ? items.reduce((sum, i) => sum + (i.price ?? 0) * i.quantity, 0) : undefined;
  return {
    milestone: message.milestone as Milestone,
    locale,
    brand: { name: brand.name, ...look, ...(settings.sender?.name ? { senderName: settings.sender.name } : {}), ...(settings.sender?.replyTo ? { replyTo: settings.sender.replyTo } : {}) },
    order: { number: order.number, items, ...(total !== undefined ? { total, currency: orderCurrency(order) } : {}), ...(order.customer_name ? { customerFirstName: order.customer_name.split(/\s+/)[0] } : {}) },
    // The promise of the confirmation, where the parcel has no window of its own (a passed one stays passed).
    ...(order.estimated_from && order.estimated_to && !shipment?.estimated_to ? { estimatedDelivery: windowText({ from: order.estimated_from, to: order.estimated_to }, locale, destination) } : {}),
    ...(shipment
      ? {
          shipment: {
            carrier: carrierName(shipment.carrier),
            trackingNumber: shipment.tracking_number,
            status: shipment.status as ShipmentStatus,
            ...(shipment.reason ? { reason: shipment.reason as ExceptionReason } : {}),
            // A window already past is no estimate: a late parcel's message must not repeat it.
            ...(shipment.estimated_from && shipment.estimated_to && Date.parse(shipment.estimated_to) >= deps.clock.now().getTime()
              ? { estimatedDelivery: windowText({ from: shipment.estimated_from, to: shipment.estimated_to }, locale, destination) }
              : {}),
            ...(lastLocation?.city ? { lastLocation: [lastLocation.city, lastLocation.region].filter(Boolean).join(', ') } : {}),
            ...(context.attemptNumber ? { attemptNumber: context.attemptNumber } : {}),
          },
        }
      : {}),
    links: {
      trackingPage: inLanguage(pageBase),
      // Only the email holds the key to the printable label (src/returns/label-key.ts): a text's link is read on any lock screen.
      ...(context.returnId && message.milestone === 'return_approved' ? { returnLabel: inLanguage(`${pageBase}/returns/${context.returnId}/label${message.channel === 'email' ? `?k=${returnLabelKey(deps.keys['tracking-links'], brand, context.returnId)}` : ''}`) } : {}),
      ...(message.channel === 'email' && message.recipient ? { unsubscribe: inLanguage(unsubscribeUrl(deps, brand.id, message.recipient)) } : {}),
      ...(message.channel === 'sms' ? { shortTrackingPage: await shortLinkFor(deps, brand, order) } : {}),
    },
    ...(crossSells ? { crossSells } : {}),
    ...(update ? { personalUpdate: { text: update.text, ...(update.image_url ? { imageUrl: update.image_url } : {}) } } : {}),
    ...(returnRow ? { returnRequest: { rma: returnRow.rma, ...(returnRow.rejection_reason ? { rejectionReason: returnRow.rejection_reason } : {}) } } : {}),
    ...(context.refundId && returnRow?.refund_amount != null ? { refund: { amount: Number(returnRow.refund_amount), currency: returnRow.refund_currency ?? 'USD' } } : {}),
    ...withOverrides(templateOverridesFor(settings, message.milestone as Milestone, languageFor(locale))),
  };
}

const withOverrides = (overrides: TemplateOverrides | undefined) => (overrides ? { overrides } : {});

/** "Tue, Mar 10 – Thu, Mar 12", in the customer's language, on the destination's calendar. */
function windowText(window: { from: string; to: string }, locale: string, destination: Parameters<typeof deliveryTimeZone>[0]): string {
  return formatDeliveryWindow(window, locale, deliveryTimeZone(destination));
}
