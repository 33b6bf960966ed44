// From what happened to the messages that will go out. A trigger (an order created, a shipment's
// status change, a person's update) is turned into decisions by the pure policy; each decision
// becomes one row in `messages` (its dedupe key unique: one message per subject, milestone,
// occurrence, channel and recipient, however often the trigger repeats) and, when it is to be
// sent, a send job — row and job in one transaction.
import { notificationSettingsOf, shippingOf } from '../brands/settings.js';
import { deliveryTimeZone, estimateDeliveryWindow } from '../estimates/index.js';
import type { Deps } from '../deps.js';
import type { BrandRow, MessageRow, OrderRow, ShipmentRow } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { parseInstant, windowEndMs } from '../lib/time.js';
import { enqueueJobs, type NewJob } from '../jobs/queue.js';
import { type PassedFailure, viewOfRow } from '../shipments/ingest.js';
import { attemptNumberAt, type ShipmentStatusView } from '../shipments/status.js';
import { STAGE_ORDER, type ShipmentStatus } from '../shipments/vocabulary.js';
import { sendJob } from './send-jobs.js';
import { DEFAULT_NOTIFICATION_SETTINGS, decideNotifications, type NotificationDecision, type NotificationRecipient, type NotificationTrigger, type ReturnStepTrigger } from './policy/decide.js';

export const PERSONAL_UPDATE_JOB = 'order.personal_update';

export type StatusChangedPayload = {
  shipmentId: string;
  brandId: string;
  orderId: string;
  from: ShipmentStatusView;
  to: ShipmentStatusView;
  headEventId: string | null;
  /** The carrier's window moved with the same events: announced after the status change. */
  estimate?: { previous: { from: string; to: string } | null; next: { from: string; to: string } };
  /**
   * The delivery attempt the change belongs to, decided when it was folded. Absent from jobs queued
   * before it was, and for shipments folded before their failures were kept: counted here then.
   */
  attemptNumber?: number;
  /** Failed attempts the same events went through to a later scan: each is announced too. */
  failedAttemptsPassed?: PassedFailure[];
};

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

/**
 * A step of a return request: waiting for a person to approve it, approved with its label bought
 * (the message carries the label's link and the return parcel), or turned down with a reason.
 */
export async function notifyReturnStep(deps: Deps, kind: ReturnStepTrigger['kind'], payload: { orderId: string; returnId: string; shipmentId?: string }): Promise<void> {
  const loaded = await load(deps, payload.orderId);
  if (!loaded) return;
  const shipment = payload.shipmentId ? ((await deps.db.selectFrom('shipments').selectAll().where('id', '=', payload.shipmentId).executeTakeFirst()) ?? null) : null;
  await decideAndRecord(deps, { ...loaded, shipment, trigger: { kind, orderId: payload.orderId, returnId: payload.returnId } });
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

export const notifyStatusChanged = (deps: Deps, payload: StatusChangedPayload): Promise<void> => notifyStatusChangedMany(deps, [payload]);

/**
 * Many status changes at once (the worker hands over every claimed `shipment.status_changed`
 * job): a few set-wise reads, the pure policy per change, and one transaction for all the
 * messages and their send jobs.
 */
export async function notifyStatusChangedMany(deps: Deps, payloads: readonly StatusChangedPayload[]): Promise<void> {
  if (payloads.length === 0) return;
  const byId = <T extends { id: string }>(rows: T[]) => new Map(rows.map((row) => [row.id, row]));
  const unique = (values: Array<string | null | undefined>) => [...new Set(values.filter((v): v is string => Boolean(v)))];
  const shipments = byId(await deps.db.selectFrom('shipments').selectAll().where('id', 'in', unique(payloads.map((p) => p.shipmentId))).execute());
  const orders = byId(await deps.db.selectFrom('orders').selectAll().where('id', 'in', unique([...shipments.values()].map((s) => s.order_id))).execute());
  const brands = byId(await deps.db.selectFrom('brands').selectAll().where('id', 'in', unique([...orders.values()].map((o) => o.brand_id))).execute());
  // A status change that a newer event has already rolled back announces nothing.
  const live = payloads.filter((p) => {
    const shipment = shipments.get(p.shipmentId);
    return shipment && orders.has(shipment.order_id) && !rolledBack(p.to.status, viewOfRow(shipment).status);
  });
  if (live.length === 0) return;

  // Only deliveries need the siblings (all delivered?).
  const deliveredOrders = unique(live.filter((p) => p.to.status === 'delivered').map((p) => shipments.get(p.shipmentId)!.order_id));
  const siblings = deliveredOrders.length ? await deps.db.selectFrom('shipments').select(['order_id', 'status', 'direction']).where('order_id', 'in', deliveredOrders).execute() : [];
  // Attempt numbers come with the change; a job without them (see StatusChangedPayload) counts.
  const uncounted = unique(live.filter(uncountedAttempts).map((p) => p.shipmentId));
  const stored = uncounted.length
    ? await deps.db.selectFrom('tracking_events').select(['shipment_id', 'occurred_at']).distinct().where('shipment_id', 'in', uncounted).where('status', '=', 'attempt_failed').where('status_carried', '=', 0).where('occurred_at', 'is not', null).execute()
    : [];
  const failures = new Map<string, string[]>();
  for (const f of stored) failures.set(f.shipment_id, [...(failures.get(f.shipment_id) ?? []), f.occurred_at!]);
  const headIds = unique(live.map((p) => p.headEventId));
  const heads = new Map(
    (headIds.length ? await deps.db.selectFrom('tracking_events').select(['id', 'occurred_at', 'occurred_at_raw']).where('id', 'in', headIds).execute() : []).map((h) => [h.id, h]),
  );

  const subjects: Subject[] = live.map((payload) => {
    const shipment = shipments.get(payload.shipmentId)!;
    const order = orders.get(shipment.order_id)!;
    const outbound = siblings.filter((s) => s.order_id === order.id && s.direction === 'outbound');
    const head = payload.headEventId ? heads.get(payload.headEventId) : undefined;
    const attempts = numberedAttempts(payload, head?.occurred_at ?? deps.clock.now().toISOString(), failures.get(shipment.id) ?? []);
    const trigger: NotificationTrigger = {
      kind: 'status_changed',
      shipmentId: shipment.id,
      orderId: shipment.order_id,
      direction: shipment.direction as 'outbound' | 'return',
      from: payload.from,
      to: payload.to,
      headEventId: payload.headEventId ?? '',
      occurredAt: head?.occurred_at_raw ?? head?.occurred_at ?? deps.clock.now().toISOString(),
      shipBy: order.ship_by,
      estimatedDelivery: shipment.estimated_from && shipment.estimated_to ? { from: shipment.estimated_from, to: shipment.estimated_to } : null,
      allOutboundDelivered: outbound.length > 0 && outbound.every((s) => s.status === 'delivered'),
      outboundShipmentCount: outbound.length,
      attemptNumber: attempts.attemptNumber,
      ...(attempts.failedAttemptsPassed.length ? { failedAttemptsPassed: attempts.failedAttemptsPassed } : {}),
      // At shipping, the window against the promise: "ahead of schedule" decided with "shipped" (one email).
      ...(payload.from.status === 'pending' && order.estimated_from && order.estimated_to
        ? { promised: { from: order.estimated_from, to: order.estimated_to }, timeZone: deliveryTimeZone(JSON.parse(order.destination) as Parameters<typeof deliveryTimeZone>[0]) }
        : {}),
    };
    return { brand: brands.get(order.brand_id)!, order, shipment, trigger };
  });
  await decideAndRecordMany(deps, subjects.filter((subject) => subject.brand));
}

/** A change that came without the attempt numbers it needs (a job queued before they were decided at fold time). */
const uncountedAttempts = (payload: StatusChangedPayload): boolean =>
  (payload.attemptNumber === undefined && (payload.to.status === 'attempt_failed' || payload.to.status === 'out_for_delivery')) ||
  (payload.failedAttemptsPassed ?? []).some((f) => f.attemptNumber === undefined);

/**
 * The change's attempt numbers: those decided at fold time, or, for a job queued without them,
 * counted among the failed attempts stored (`failures`, UTC) at or before the change (`changedAt`,
 * its head event's time) and before each passed failure: never one that happened after. Pure.
 */
export function numberedAttempts(
  payload: Pick<StatusChangedPayload, 'to' | 'attemptNumber' | 'failedAttemptsPassed'>,
  changedAt: string,
  failures: readonly string[],
): { attemptNumber: number; failedAttemptsPassed: Array<{ occurredAt: string; attemptNumber: number }> } {
  return {
    attemptNumber: payload.attemptNumber ?? attemptNumberAt(failures, { status: payload.to.status, occurredAt: changedAt }),
    failedAttemptsPassed: (payload.failedAttemptsPassed ?? []).map((f) => ({
      occurredAt: f.occurredAt,
      attemptNumber: f.attemptNumber ?? attemptNumberAt(failures, { status: 'attempt_failed', occurredAt: parseInstant(f.occurredAt)?.toISOString() ?? f.occurredAt }),
    })),
  };
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

/**
 * Whether the order's "everything has arrived" email, decided at `allDeliveredAt`, told this
 * parcel's delivery: it was decided after the parcel became delivered. A parcel delivered later (one
 * added to the order after that email) is news of its own. Pure.
 */
export function toldByOrder(trigger: NotificationTrigger, shipment: Pick<ShipmentRow, 'status_changed_at'> | null, allDeliveredAt: string | undefined): boolean {
  if (trigger.kind !== 'status_changed' || trigger.to.status !== 'delivered' || !shipment?.status_changed_at || !allDeliveredAt) return false;
  return Date.parse(allDeliveredAt) >= Date.parse(shipment.status_changed_at);
}

export async function decideAndRecord(deps: Deps, subject: Subject): Promise<NotificationDecision[]> {
  return (await decideAndRecordMany(deps, [subject]))[0]!;
}

const COUNTS_FOR_SMS_CAP = new Set(['pending', 'sending', 'sent', 'delivered']);

/**
 * Decides each subject in turn (what an earlier one decided counts as already sent for the next,
 * as if they had run one after another), then records every message and send job in one transaction.
 */
export async function decideAndRecordMany(deps: Deps, subjects: readonly Subject[]): Promise<NotificationDecision[][]> {
  const now = deps.clock.now();
  const recipients = await recipientsOf(deps, subjects.map((s) => ({ brandId: s.brand.id, order: s.order })));
  const orderIds = [...new Set(subjects.map((s) => s.order.id))];
  const earlier = orderIds.length
    ? await deps.db.selectFrom('messages').select(['dedupe_key', 'order_id', 'shipment_id', 'channel', 'state', 'milestone', 'created_at']).where('order_id', 'in', orderIds).execute()
    : [];
  const told = (m: { state: string }) => m.state !== 'held' && m.state !== 'dropped';
  const sentKeys = new Set(earlier.filter(told).map((m) => m.dedupe_key));
  // When each order's "everything has arrived" email was decided (this batch's own count too).
  const allDeliveredAt = new Map<string, string>();
  for (const m of earlier) if (m.milestone === 'all_delivered' && m.channel === 'email' && told(m)) allDeliveredAt.set(m.order_id, m.created_at);
  const smsByShipment = new Map<string, number>();
  const countSms = (shipmentId: string | null) => shipmentId && smsByShipment.set(shipmentId, (smsByShipment.get(shipmentId) ?? 0) + 1);
  for (const m of earlier) if (m.channel === 'sms' && COUNTS_FOR_SMS_CAP.has(m.state)) countSms(m.shipment_id);

  const at = now.toISOString();
  const rows: MessageRow[] = [];
  const all = subjects.map(({ brand, order, shipment, trigger }, index) => {
    const destination = JSON.parse(order.destination) as { city: string; region?: string; postalCode: string; country: string };
    const smsAccount = deps.messaging.smsFor(brand);
    const decisions = decideNotifications({
      trigger,
      settings: notificationSettingsOf(brand, DEFAULT_NOTIFICATION_SETTINGS),
      recipient: recipients[index]!,
      alreadySent: sentKeys,
      smsSentForShipment: shipment ? (smsByShipment.get(shipment.id) ?? 0) : 0,
      now,
      destination,
      deliveryToldByOrder: toldByOrder(trigger, shipment, allDeliveredAt.get(order.id)),
    })
      .map((decision) => (decision.channel === 'sms' && decision.send && !smsAccount ? { ...decision, send: false, heldReason: 'channel_not_configured' as const } : decision))
      .map((decision) => (decision.send && isStale(trigger, now) ? { ...decision, send: false, heldReason: 'stale' as const } : decision));
    for (const d of decisions) {
      if (d.milestone === 'all_delivered' && d.channel === 'email' && d.send) allDeliveredAt.set(order.id, at);
      if (d.heldReason === 'already_sent' || d.heldReason === 'not_for_sms') continue;
      rows.push({
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
        context: JSON.stringify({ ...contextOf(trigger), ...d.detail }),
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
        uncertain_since: null,
        expired_in_queue: 0,
      });
      if (d.send) {
        sentKeys.add(d.dedupeKey);
        if (d.channel === 'sms') countSms(shipment?.id ?? null);
      }
    }
    return decisions;
  });
  if (rows.length === 0) return all;
  await deps.db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 500) {
      const inserted = await trx.insertInto('messages').values(rows.slice(i, i + 500)).onConflict((oc) => oc.column('dedupe_key').doNothing()).returning(['id', 'state', 'send_after']).execute();
      const jobs: NewJob[] = inserted.filter((m) => m.state === 'pending').map((m) => sendJob(m.id, `send:${m.id}`, m.send_after ? new Date(m.send_after) : now));
      await enqueueJobs(trx, now, jobs);
    }
  });
  deps.notifyJobsEnqueued();
  return all;
}

/** A status change this old is history being loaded, not news: it is recorded, not sent. */
export const STALE_AFTER_MS = 72 * 3_600_000;
/**
 * Recorded, not sent: a status change days old, or a revised window that has already ended (a
 * backfill's carrier estimate: "ahead of schedule" or "late until" a day gone by is no news).
 */
export function isStale(trigger: NotificationTrigger, now: Date): boolean {
  if (trigger.kind === 'status_changed') return now.getTime() - Date.parse(trigger.occurredAt) > STALE_AFTER_MS;
  if (trigger.kind === 'estimate_revised') return windowEndMs(trigger.next.to) < now.getTime();
  return false;
}

/** What the message needs to say beyond the order itself. */
function contextOf(trigger: NotificationTrigger): Record<string, unknown> {
  switch (trigger.kind) {
    case 'personal_update':
      return { updateId: trigger.updateId };
    case 'status_changed':
      // occurredAt: messages decided in one batch share their created_at; the event's time orders them (overtaken).
      return { status: trigger.to.status, reason: trigger.to.reason, attemptNumber: trigger.attemptNumber, occurredAt: trigger.occurredAt };
    case 'return_requested':
    case 'return_approved':
    case 'return_rejected':
      return { returnId: trigger.returnId };
    case 'refund_issued':
      return { refundId: trigger.refundId };
    default:
      return {};
  }
}

export async function recipientOf(deps: Deps, brandId: string, order: OrderRow): Promise<NotificationRecipient> {
  return (await recipientsOf(deps, [{ brandId, order }]))[0]!;
}

/** Each order's customer with their consent and opt-outs: one query per brand. */
async function recipientsOf(deps: Deps, wanted: ReadonlyArray<{ brandId: string; order: OrderRow }>): Promise<NotificationRecipient[]> {
  const optedOut = new Set<string>();
  for (const brandId of new Set(wanted.map((w) => w.brandId))) {
    const orders = wanted.filter((w) => w.brandId === brandId).map((w) => w.order);
    const emails = [...new Set(orders.map((o) => o.customer_email.toLowerCase()))];
    const phones = [...new Set(orders.map((o) => o.customer_phone).filter((p): p is string => Boolean(p)))];
    const prefs = await deps.db
      .selectFrom('contact_preferences')
      .select(['channel', 'address'])
      .where('brand_id', '=', brandId)
      .where('opted_out_at', 'is not', null)
      .where((eb) => eb.or([eb.and([eb('channel', '=', 'email'), eb('address', 'in', emails)]), ...(phones.length ? [eb.and([eb('channel', '=', 'sms'), eb('address', 'in', phones)])] : [])]))
      .execute();
    for (const pref of prefs) optedOut.add(`${brandId}|${pref.channel}|${pref.address}`);
  }
  return wanted.map(({ brandId, order }) => ({
    email: order.customer_email,
    phone: order.customer_phone,
    emailOptedOut: optedOut.has(`${brandId}|email|${order.customer_email.toLowerCase()}`),
    smsOptedOut: optedOut.has(`${brandId}|sms|${order.customer_phone ?? ''}`),
    smsConsent: order.customer_sms_consent === 1,
    timeZone: null,
  }));
}
