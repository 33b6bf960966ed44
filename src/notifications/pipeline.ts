// From what happened to the messages that will go out. A trigger (an order created, a shipment's
// status change, a person's update) is turned into decisions by the pure policy; each decision
// becomes one row in `messages` (its dedupe key unique: one message per subject, milestone,
// occurrence, channel and recipient, however often the trigger repeats) and, when it is to be
// sent, a send job — row and job in one transaction.
import { notificationSettingsOf, shippingOf } from '../brands/settings.js';
import { estimateDeliveryWindow } from '../estimates/index.js';
import type { Deps } from '../deps.js';
import type { BrandRow, OrderRow, ShipmentRow } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { enqueueJobs, type NewJob } from '../jobs/queue.js';
import { viewOfRow } from '../shipments/ingest.js';
import type { ShipmentStatusView } from '../shipments/status.js';
import { STAGE_ORDER, type ShipmentStatus } from '../shipments/vocabulary.js';
import { DEFAULT_NOTIFICATION_SETTINGS, decideNotifications, type NotificationDecision, type NotificationTrigger } from './policy/decide.js';

export const SEND_MESSAGE_JOB = 'message.send';
export const PERSONAL_UPDATE_JOB = 'order.personal_update';

export type StatusChangedPayload = { shipmentId: string; brandId: string; orderId: string; from: ShipmentStatusView; to: ShipmentStatusView; headEventId: string | null };

const load = async (deps: Deps, orderId: string) => {
  const order = await deps.db.selectFrom('orders').selectAll().where('id', '=', orderId).executeTakeFirst();
  const brand = order ? await deps.db.selectFrom('brands').selectAll().where('id', '=', order.brand_id).executeTakeFirst() : undefined;
  return order && brand ? { order, brand } : null;
};

export async function notifyOrderCreated(deps: Deps, payload: { orderId: string }): Promise<void> {
  const loaded = await load(deps, payload.orderId);
  if (!loaded) return;
  if (!loaded.order.estimated_from) loaded.order = await promiseDeliveryWindow(deps, loaded.brand, loaded.order);
  await decideAndRecord(deps, { ...loaded, shipment: null, trigger: { kind: 'order_created', orderId: payload.orderId } });
}

export async function notifyPersonalUpdate(deps: Deps, payload: { orderId: string; updateId: string; critical: boolean }): Promise<void> {
  const loaded = await load(deps, payload.orderId);
  if (!loaded) return;
  await decideAndRecord(deps, { ...loaded, shipment: null, trigger: { kind: 'personal_update', ...payload } });
}

/** A return was approved and its label bought (the message carries the label's link). */
export async function notifyReturnApproved(deps: Deps, payload: { orderId: string; returnId: string; shipmentId?: string }): Promise<void> {
  const loaded = await load(deps, payload.orderId);
  if (!loaded) return;
  const shipment = payload.shipmentId ? ((await deps.db.selectFrom('shipments').selectAll().where('id', '=', payload.shipmentId).executeTakeFirst()) ?? null) : null;
  await decideAndRecord(deps, { ...loaded, shipment, trigger: { kind: 'return_approved', orderId: payload.orderId, returnId: payload.returnId } });
}

/** A refund was recorded (through the API, by the brand or its store). */
export async function notifyRefundIssued(deps: Deps, payload: { orderId: string; refundId: string }): Promise<void> {
  const loaded = await load(deps, payload.orderId);
  if (!loaded) return;
  await decideAndRecord(deps, { ...loaded, shipment: null, trigger: { kind: 'refund_issued', orderId: payload.orderId, refundId: payload.refundId } });
}

/**
 * A status change that a newer event has already rolled back (the shipment is now at an earlier
 * stage than the change reached) announces nothing; a change overtaken by progress still does.
 */
export const rolledBack = (reached: ShipmentStatus, now: ShipmentStatus): boolean => STAGE_ORDER[now] < STAGE_ORDER[reached];

export async function notifyStatusChanged(deps: Deps, payload: StatusChangedPayload): Promise<void> {
  const shipment = await deps.db.selectFrom('shipments').selectAll().where('id', '=', payload.shipmentId).executeTakeFirst();
  const loaded = await load(deps, payload.orderId);
  if (!shipment || !loaded) return;
  if (rolledBack(payload.to.status, viewOfRow(shipment).status)) return;
  const siblings = await deps.db.selectFrom('shipments').select(['status', 'direction']).where('order_id', '=', shipment.order_id).execute();
  const outbound = siblings.filter((s) => s.direction === 'outbound');
  const attempts = await deps.db
    .selectFrom('tracking_events')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('shipment_id', '=', shipment.id)
    .where('status', '=', 'attempt_failed')
    .executeTakeFirstOrThrow();
  const head = payload.headEventId
    ? await deps.db.selectFrom('tracking_events').select(['occurred_at', 'occurred_at_raw']).where('id', '=', payload.headEventId).executeTakeFirst()
    : undefined;
  const trigger: NotificationTrigger = {
    kind: 'status_changed',
    shipmentId: shipment.id,
    orderId: shipment.order_id,
    direction: shipment.direction as 'outbound' | 'return',
    from: payload.from,
    to: payload.to,
    headEventId: payload.headEventId ?? '',
    occurredAt: head?.occurred_at_raw ?? head?.occurred_at ?? deps.clock.now().toISOString(),
    shipBy: loaded.order.ship_by,
    estimatedDelivery: shipment.estimated_from && shipment.estimated_to ? { from: shipment.estimated_from, to: shipment.estimated_to } : null,
    allOutboundDelivered: outbound.length > 0 && outbound.every((s) => s.status === 'delivered'),
    outboundShipmentCount: outbound.length,
    attemptNumber: Math.max(1, Number(attempts.n) + (payload.to.status === 'attempt_failed' ? 0 : 1)),
  };
  await decideAndRecord(deps, { ...loaded, shipment, trigger });
}

/** The window the confirmation promises, from the brand's handling time and the transit table. */
async function promiseDeliveryWindow(deps: Deps, brand: BrandRow, order: OrderRow): Promise<OrderRow> {
  const shipping = shippingOf(brand);
  const destination = JSON.parse(order.destination) as { city: string; region?: string; postalCode?: string; country: string };
  try {
    const estimate = estimateDeliveryWindow({
      now: new Date(Math.max(Date.parse(order.placed_at), Date.parse(order.created_at))),
      stage: 'order',
      origin: shipping.origin,
      destination,
      brand: { handlingDays: shipping.handlingDays, cutoff: shipping.cutoff },
      carrier: shipping.carrier,
      service: shipping.service,
    });
    await deps.db.updateTable('orders').set({ estimated_from: estimate.window.from, estimated_to: estimate.window.to }).where('id', '=', order.id).execute();
    return { ...order, estimated_from: estimate.window.from, estimated_to: estimate.window.to };
  } catch (error) {
    // An address the estimator cannot place still gets its confirmation, without a window.
    deps.log.warn({ orderId: order.id, err: (error as Error).message }, 'no delivery estimate for order');
    return order;
  }
}

type Subject = { brand: BrandRow; order: OrderRow; shipment: ShipmentRow | null; trigger: NotificationTrigger };

export async function decideAndRecord(deps: Deps, { brand, order, shipment, trigger }: Subject): Promise<NotificationDecision[]> {
  const now = deps.clock.now();
  const recipient = await recipientOf(deps, brand.id, order);
  const sent = await deps.db.selectFrom('messages').select('dedupe_key').where('order_id', '=', order.id).where('state', 'not in', ['held', 'dropped']).execute();
  const smsSent = shipment
    ? await deps.db
        .selectFrom('messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('shipment_id', '=', shipment.id)
        .where('channel', '=', 'sms')
        .where('state', 'in', ['pending', 'sending', 'sent', 'delivered'])
        .executeTakeFirstOrThrow()
    : { n: 0 };
  const destination = JSON.parse(order.destination) as { city: string; region?: string; postalCode: string; country: string };
  const smsAccount = deps.messaging.smsFor(brand);
  const decisions = decideNotifications({
    trigger,
    settings: notificationSettingsOf(brand, DEFAULT_NOTIFICATION_SETTINGS),
    recipient,
    alreadySent: new Set(sent.map((m) => m.dedupe_key)),
    smsSentForShipment: Number(smsSent.n),
    now,
    destination,
  })
    .map((decision) => (decision.channel === 'sms' && decision.send && !smsAccount ? { ...decision, send: false, heldReason: 'channel_not_configured' as const } : decision))
    .map((decision) => (decision.send && isStale(trigger, now) ? { ...decision, send: false, heldReason: 'stale' as const } : decision));

  const at = now.toISOString();
  const rows = decisions
    .filter((d) => d.heldReason !== 'already_sent' && d.heldReason !== 'not_for_sms')
    .map((d) => ({
      id: newId('message'),
      brand_id: brand.id,
      order_id: order.id,
      shipment_id: shipment?.id ?? null,
      milestone: d.milestone,
      occurrence: d.occurrence,
      channel: d.channel,
      recipient: d.recipient,
      dedupe_key: d.dedupeKey,
      state: d.send ? 'pending' : 'held',
      held_reason: d.heldReason ?? null,
      send_after: d.sendAfter ?? null,
      context: JSON.stringify(contextOf(trigger)),
      subject: null,
      body_text: null,
      provider: null,
      provider_message_id: null,
      provider_status: null,
      attempts: 0,
      last_error: null,
      created_at: at,
      sent_at: null,
      updated_at: at,
    }));
  if (rows.length === 0) return decisions;
  await deps.db.transaction().execute(async (trx) => {
    const inserted = await trx.insertInto('messages').values(rows).onConflict((oc) => oc.column('dedupe_key').doNothing()).returning(['id', 'state', 'send_after']).execute();
    const jobs: NewJob[] = inserted
      .filter((m) => m.state === 'pending')
      .map((m) => ({ kind: SEND_MESSAGE_JOB, payload: { messageId: m.id }, runAt: m.send_after ? new Date(m.send_after) : now, maxAttempts: 8, idempotencyKey: `send:${m.id}` }));
    await enqueueJobs(trx, now, jobs);
  });
  deps.notifyJobsEnqueued();
  return decisions;
}

/** A status change this old is history being loaded, not news: it is recorded, not sent. */
export const STALE_AFTER_MS = 72 * 3_600_000;
const isStale = (trigger: NotificationTrigger, now: Date): boolean =>
  trigger.kind === 'status_changed' && now.getTime() - Date.parse(trigger.occurredAt) > STALE_AFTER_MS;

/** What the message needs to say beyond the order itself. */
function contextOf(trigger: NotificationTrigger): Record<string, unknown> {
  switch (trigger.kind) {
    case 'personal_update':
      return { updateId: trigger.updateId };
    case 'status_changed':
      return { status: trigger.to.status, reason: trigger.to.reason, attemptNumber: trigger.attemptNumber };
    case 'return_approved':
      return { returnId: trigger.returnId };
    case 'refund_issued':
      return { refundId: trigger.refundId };
    default:
      return {};
  }
}

export async function recipientOf(deps: Deps, brandId: string, order: OrderRow) {
  const email = order.customer_email.toLowerCase();
  const prefs = await deps.db
    .selectFrom('contact_preferences')
    .selectAll()
    .where('brand_id', '=', brandId)
    .where((eb) => eb.or([eb.and([eb('channel', '=', 'email'), eb('address', '=', email)]), eb.and([eb('channel', '=', 'sms'), eb('address', '=', order.customer_phone ?? '')])]))
    .execute();
  const optedOut = (channel: string) => prefs.some((p) => p.channel === channel && p.opted_out_at !== null);
  return {
    email: order.customer_email,
    phone: order.customer_phone,
    emailOptedOut: optedOut('email'),
    smsOptedOut: optedOut('sms'),
    smsConsent: order.customer_sms_consent === 1,
    timeZone: null,
  };
}
