// The notification policy, pure: given what happened (a trigger), the brand's settings, the
// recipient and what already went out, decide for every milestone and channel whether a
// message goes, when, and if not, why not. No I/O; the sending jobs act on the decisions and
// the database enforces the dedupe key unique.
import type * as PhoneNumbers from 'libphonenumber-js/max';
import { lazyModule } from '../../lib/lazy.js';
import { wallClockIn } from '../../estimates/civil-date.js';
import { isRevisedLater } from '../../estimates/revision.js';
import { DAY_MS, parseInstant, wallClockOf } from '../../lib/time.js';
import type { ShipmentStatusView } from '../../shipments/status.js';
import { isTerminal, type ShipmentDirection, type ShipmentStatus } from '../../shipments/vocabulary.js';
import { type Channel, CHANNELS, type HeldReason, type Milestone, MILESTONES, type NotificationSettings } from '../types.js';
import { countryCode, type Destination, recipientTimeZone, regionKeyOf, singleZoneOfCountry, zonesOfCountry } from './recipient-zone.js';
import { isInsideWindow, isKnownTimeZone, nextAllowedSendTime, nextAllowedSendTimeInAll, type SmsWindow, windowClosesAt } from './sms-window.js';

const phoneNumbers = lazyModule<typeof PhoneNumbers>('libphonenumber-js/max');

// ---- Triggers ----

export type EstimateWindow = { from: string; to: string };

export type OrderCreatedTrigger = { kind: 'order_created'; orderId: string };
/** Hybrid mode: a person wrote an update. SMS only when they marked it critical. */
export type PersonalUpdateTrigger = { kind: 'personal_update'; orderId: string; updateId: string; critical: boolean };
/** A step of a return the customer hears about: waiting for approval, approved (with the label), turned down. */
export type ReturnStepTrigger = { kind: 'return_requested' | 'return_approved' | 'return_rejected'; orderId: string; returnId: string };
export type RefundIssuedTrigger = { kind: 'refund_issued'; orderId: string; refundId: string };

export type StatusChangedTrigger = {
  kind: 'status_changed';
  shipmentId: string;
  orderId: string;
  direction: ShipmentDirection;
  from: ShipmentStatusView;
  to: ShipmentStatusView;
  headEventId: string;
  /** When the change happened (the head event's time), ISO with offset. */
  occurredAt: string;
  /** The order's ship-by: a day ("2026-03-05") or an instant. */
  shipBy?: string | null;
  estimatedDelivery?: EstimateWindow | null;
  previousEstimate?: EstimateWindow | null;
  /** Every outbound shipment of the order is now delivered. */
  allOutboundDelivered?: boolean;
  /** How many outbound shipments the order has; all_delivered only makes sense for more than one. Unknown: assumed split. */
  outboundShipmentCount?: number;
  /** Which delivery attempt this change belongs to (1 = the first): the one under way or the one that failed. */
  attemptNumber?: number;
  /** Failed attempts the change went through to a later status (folded into one change with later scans), oldest first. */
  failedAttemptsPassed?: ReadonlyArray<{ attemptNumber: number; occurredAt: string }>;
  /** The window the order confirmation promised: a parcel shipping with a window that ends before it is "ahead of schedule". */
  promised?: EstimateWindow | null;
  /** The destination's zone, where the days of the windows are read. */
  timeZone?: string;
};

/**
 * The shipment's delivery window moved (the carrier revised it, or Waybill estimated it at
 * shipping). Later than both the last window and the promise made at order time: delayed, once
 * per new last day. Ending before the promised window begins: arriving early.
 */
export type EstimateRevisedTrigger = {
  kind: 'estimate_revised';
  shipmentId: string;
  previous: EstimateWindow | null;
  next: EstimateWindow;
  /** The window the order confirmation promised. */
  promised: EstimateWindow | null;
  /** The destination's zone: days are read on its clock. */
  timeZone: string;
};

/** At most one email a day while in transit. */
export type TransitDigestTrigger = { kind: 'transit_digest'; shipmentId: string; day: string; hub?: string };
/** Waybill's own estimate says the parcel is late, or it has had no scan for too long. */
export type EstimateAlertTrigger = { kind: 'late_by_estimate' | 'stalled'; shipmentId: string; since: string };

export type NotificationTrigger =
  | OrderCreatedTrigger
  | PersonalUpdateTrigger
  | ReturnStepTrigger
  | RefundIssuedTrigger
  | StatusChangedTrigger
  | TransitDigestTrigger
  | EstimateAlertTrigger
  | EstimateRevisedTrigger;

export type NotificationRecipient = {
  email: string | null;
  phone: string | null;
  emailOptedOut: boolean;
  smsOptedOut: boolean;
  smsConsent: boolean;
  /** IANA zone when known; else worked out from the destination (recipient-zone.ts). */
  timeZone: string | null;
};

export type DecideInput = {
  trigger: NotificationTrigger;
  settings: NotificationSettings;
  recipient: NotificationRecipient;
  /** Dedupe keys of messages that already went out. */
  alreadySent: ReadonlySet<string>;
  /** SMS already sent for this shipment (the per-shipment cap). */
  smsSentForShipment: number;
  now: Date;
  /** Where the parcel goes: the recipient's zone and the regional SMS window come from it. */
  destination?: Destination | null;
  /**
   * The order's "everything has arrived" email went out after this parcel was delivered (its
   * sibling's change was decided first, both already delivered): it told this delivery too.
   */
  deliveryToldByOrder?: boolean;
};

export type NotificationDecision = {
  milestone: Milestone;
  channel: Channel;
  /** The shipment id, or the order id for order-level milestones. */
  subject: string;
  occurrence: string;
  /** The normalized address (lower-case email, E.164 phone); the raw text when invalid; null when none. */
  recipient: string | null;
  send: boolean;
  heldReason?: HeldReason;
  /** SMS in quiet hours: send, but not before this instant (ISO). */
  sendAfter?: string;
  dedupeKey: string;
  /** What this message says beyond its trigger (a failed attempt passed through: its number and time). */
  detail?: MessageDetail;
};

export type MessageDetail = { attemptNumber?: number; occurredAt?: string };

// ---- Defaults ----

/** Milestones that may ever go by SMS: the critical moments. Everything else is email only. */
export const SMS_MILESTONES: readonly Milestone[] = [
  'shipped',
  'out_for_delivery',
  'delivered',
  'attempt_failed',
  'available_for_pickup',
  'exception',
  'personal_update',
];
// A person's update goes by SMS only when marked critical, so the switch can default to on.
const SMS_ON_BY_DEFAULT: readonly Milestone[] = ['shipped', 'out_for_delivery', 'attempt_failed', 'personal_update'];

export const DEFAULT_NOTIFICATION_SETTINGS: NotificationSettings = deepFreeze({
  channels: Object.fromEntries(MILESTONES.map((milestone) => [milestone, { email: true, sms: SMS_ON_BY_DEFAULT.includes(milestone) }])),
  writtenByPerson: [],
  smsWindow: { start: '08:00', end: '21:00' },
  smsWindowByRegion: {},
  smsCapPerShipment: 4,
  defaultLocale: 'en',
  stallAfterHours: 48,
  digestTime: '18:00',
});

/** Shared by every brand without settings of its own: nobody may change it by accident. */
function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') for (const inner of Object.values(value)) deepFreeze(inner);
  return Object.freeze(value);
}

/** An email unsubscribe does not stop these: the receipt, the answers to a return request and the refund receipt. */
export const ESSENTIAL_EMAILS: readonly Milestone[] = ['order_confirmed', 'return_requested', 'return_approved', 'return_rejected', 'refund_issued'];

// ---- The decision ----

export function decideNotifications(input: DecideInput): NotificationDecision[] {
  const context = contextOf(input);
  const decisions = plannedMessages(input.trigger).flatMap((planned) => CHANNELS.map((channel) => decideChannel(planned, channel, context)));
  return combineSameMoment(decisions, input.deliveryToldByOrder ? ['all_delivered'] : []);
}

/**
 * One moment, one email: the second milestone of each pair says all the first would (a parcel that
 * ships ahead of schedule has shipped; the last parcel of a split order is delivered), so when both
 * emails would go out together only the second does, nor does the first once the second has told
 * it (`toldAlready`: two parcels delivered before either's change was decided). Texts are not
 * combined: neither second milestone goes by SMS.
 */
const SAID_ALSO_BY: Partial<Record<Milestone, Milestone>> = { shipped: 'shipped_early', delivered: 'all_delivered' };

export function combineSameMoment(decisions: readonly NotificationDecision[], toldAlready: readonly Milestone[] = []): NotificationDecision[] {
  const emailsGoing = new Set([...decisions.filter((d) => d.channel === 'email' && d.send).map((d) => d.milestone), ...toldAlready]);
  return decisions.map((decision) => {
    const fuller = SAID_ALSO_BY[decision.milestone];
    const said = decision.channel === 'email' && decision.send && fuller !== undefined && emailsGoing.has(fuller);
    return said ? { ...decision, send: false, heldReason: 'combined' as const } : decision;
  });
}

/** A message the trigger calls for, before channels and people are considered. */
export type PlannedMessage = {
  milestone: Milestone;
  subject: string;
  occurrence: string;
  /** Counts towards the per-shipment SMS cap. */
  perShipment: boolean;
  /** personal_update only goes by SMS when a person marked it critical. */
  critical?: boolean;
  detail?: MessageDetail;
};

export function plannedMessages(trigger: NotificationTrigger): PlannedMessage[] {
  const forOrder = (milestone: Milestone, orderId: string, occurrence = 'first', critical?: boolean): PlannedMessage => ({
    milestone,
    subject: orderId,
    occurrence,
    perShipment: false,
    ...(critical === undefined ? {} : { critical }),
  });
  switch (trigger.kind) {
    case 'order_created':
      return [forOrder('order_confirmed', trigger.orderId)];
    case 'personal_update':
      return [forOrder('personal_update', trigger.orderId, trigger.updateId, trigger.critical)];
    case 'return_requested': // an order can have several returns and refunds: each is its own message
    case 'return_approved':
    case 'return_rejected':
      return [forOrder(trigger.kind, trigger.orderId, trigger.returnId)];
    case 'refund_issued':
      return [forOrder('refund_issued', trigger.orderId, trigger.refundId)];
    case 'transit_digest':
      return [forShipment(trigger.shipmentId, 'in_transit_digest', trigger.day)];
    case 'late_by_estimate':
    case 'stalled':
      return [forShipment(trigger.shipmentId, 'delayed', `since-${compactInstant(trigger.since)}`)];
    case 'estimate_revised':
      return estimateRevisionMessages(trigger);
    case 'status_changed':
      return statusChangeMessages(trigger);
  }
}

const forShipment = (shipmentId: string, milestone: Milestone, occurrence = 'first'): PlannedMessage => ({
  milestone,
  subject: shipmentId,
  occurrence,
  perShipment: true,
});

function statusChangeMessages(change: StatusChangedTrigger): PlannedMessage[] {
  // A newer event took the parcel out of delivered (or another end state): the carrier corrected
  // itself. The merchant sees it; the customer hears nothing new until the parcel settles in an end
  // state again: not the step out, nor any step of the detour (out for delivery again, a delay).
  if (change.to.correction) return [];
  return change.direction === 'return' ? returnMessages(change) : outboundMessages(change);
}

/**
 * The occurrence of a delivery: the first, or, when the parcel settles after a correction, one
 * named by the settling scan. The customer was told of the delivery the carrier took back; the one
 * it settled on is news (and is told once, however often the change is replayed).
 */
export function deliveryOccurrence(change: Pick<StatusChangedTrigger, 'from' | 'to' | 'occurredAt'>): string {
  return change.from.correction && !change.to.correction ? `settled-${compactInstant(change.occurredAt)}` : 'first';
}

function outboundMessages(change: StatusChangedTrigger): PlannedMessage[] {
  const { from, to, shipmentId } = change;
  const entered = (status: ShipmentStatus): boolean => to.status === status && from.status !== status;
  const planned: PlannedMessage[] = [];

  // "Shipped" when the label exists (info_received), or at the first scan if there never was a label event.
  if (from.status === 'pending' && (to.status === 'info_received' || to.status === 'in_transit')) {
    planned.push(forShipment(shipmentId, 'shipped'));
    if (shippedEarly(change.occurredAt, change.shipBy) || shipsWithEarlyWindow(change)) planned.push(forShipment(shipmentId, 'shipped_early'));
  }
  const delay = delayOccurrence(change);
  if (delay) planned.push(forShipment(shipmentId, 'delayed', delay));
  if (entered('available_for_pickup')) planned.push(forShipment(shipmentId, 'available_for_pickup'));
  // Failed attempts the parcel went through to a later scan in the same events: each is still a
  // failed attempt the customer hears of, unless the parcel has since reached what makes it moot.
  const passedFailures = failuresToAnnounce(change);
  for (const failure of passedFailures) {
    planned.push({ ...forShipment(shipmentId, 'attempt_failed', attemptOccurrence(failure.attemptNumber)), detail: { attemptNumber: failure.attemptNumber, occurredAt: failure.occurredAt } });
  }
  // Out with the van: also when it was already, before a miss and the next van out came in one
  // update (a day's poll): that van is news, told after the miss, under its own attempt number.
  if (entered('out_for_delivery') || (to.status === 'out_for_delivery' && passedFailures.length > 0)) {
    planned.push(forShipment(shipmentId, 'out_for_delivery', attemptOccurrence(change.attemptNumber)));
  }
  // A second failure can follow the first with no scan in between: the attempt number tells them apart.
  if (to.status === 'attempt_failed' && (from.status !== 'attempt_failed' || (change.attemptNumber ?? 1) > 1)) {
    planned.push(forShipment(shipmentId, 'attempt_failed', attemptOccurrence(change.attemptNumber)));
  }
  // The parcel heading back to the sender is an exception for the customer waiting for it.
  const inException = to.status === 'exception' || to.status === 'returning_to_sender';
  if (inException && (from.status !== to.status || from.reason !== to.reason)) {
    planned.push(forShipment(shipmentId, 'exception', `since-${compactInstant(change.occurredAt)}`));
  }
  if (entered('delivered')) {
    planned.push(forShipment(shipmentId, 'delivered', deliveryOccurrence(change)));
    if (change.allOutboundDelivered && (change.outboundShipmentCount ?? 2) > 1) {
      planned.push({ milestone: 'all_delivered', subject: change.orderId, occurrence: 'first', perShipment: false });
    }
  }
  return planned;
}

/**
 * The failed attempts a change went through that still deserve their message: not once the parcel
 * is delivered or waits at a pickup point (what overtakes a waiting "attempt failed" text too), and
 * not the change's own failure (announced as its status).
 */
export function failuresToAnnounce(change: Pick<StatusChangedTrigger, 'to' | 'failedAttemptsPassed' | 'attemptNumber'>): ReadonlyArray<{ attemptNumber: number; occurredAt: string }> {
  if (isOvertaken({ milestone: 'attempt_failed', shipmentId: '' }, { milestone: change.to.status as Milestone })) return [];
  const own = change.to.status === 'attempt_failed' ? change.attemptNumber : undefined;
  return (change.failedAttemptsPassed ?? []).filter((failure) => failure.attemptNumber !== own);
}

function returnMessages(change: StatusChangedTrigger): PlannedMessage[] {
  const { from, to, shipmentId } = change;
  // Only the delivery scan: `returned` means the parcel went back to its sender, the customer.
  const received = (status: ShipmentStatus): boolean => status === 'delivered';
  if (to.status === 'in_transit' && (from.status === 'pending' || from.status === 'info_received')) {
    return [forShipment(shipmentId, 'return_in_transit')];
  }
  if (received(to.status) && !received(from.status)) return [forShipment(shipmentId, 'return_received')];
  return [];
}

/**
 * A delay is new when the estimate moves to a later day (one message per revised date) or when
 * the delayed flag turns on (one message per episode, named by when it began).
 */
function delayOccurrence(change: StatusChangedTrigger): string | null {
  if (isTerminal(change.to.status)) return null;
  const revisedDay = laterEstimateDay(change.previousEstimate, change.estimatedDelivery);
  if (revisedDay) return `until-${revisedDay}`;
  if (!change.from.delayed && change.to.delayed) return `since-${compactInstant(change.occurredAt)}`;
  return null;
}

function estimateRevisionMessages(revision: EstimateRevisedTrigger): PlannedMessage[] {
  const { previous, next, promised, timeZone, shipmentId } = revision;
  const baselines = [previous, promised].filter((window): window is EstimateWindow => window !== null);
  if (baselines.length > 0 && baselines.every((baseline) => isRevisedLater(baseline, next, timeZone))) {
    const day = dayIn(timeZone, next.to);
    return day ? [forShipment(shipmentId, 'delayed', `until-${day}`)] : [];
  }
  // "Arriving early" shares the "ahead of schedule" message with "shipped early": one per parcel.
  return endsBeforePromise(next, promised, timeZone) ? [forShipment(shipmentId, 'shipped_early')] : [];
}

/** The window's last day comes before the promised window's first, on the destination's calendar. */
function endsBeforePromise(next: EstimateWindow, promised: EstimateWindow | null | undefined, timeZone: string): boolean {
  const lastDay = dayIn(timeZone, next.to);
  const promisedFirstDay = promised ? dayIn(timeZone, promised.from) : null;
  return lastDay !== null && promisedFirstDay !== null && lastDay < promisedFirstDay;
}

/**
 * The parcel ships with a window (the carrier's, or ours at shipping) ending before the promised
 * one: "ahead of schedule" is decided with "shipped", so the two can be one email. A window that
 * had already ended when the parcel shipped is no estimate.
 */
function shipsWithEarlyWindow(change: StatusChangedTrigger): boolean {
  const window = change.estimatedDelivery;
  if (!window || !change.timeZone) return false;
  const end = parseInstant(window.to);
  const shipped = parseInstant(change.occurredAt);
  if (end && shipped && end.getTime() < shipped.getTime()) return false;
  return endsBeforePromise(window, change.promised, change.timeZone);
}

function dayIn(timeZone: string, iso: string): string | null {
  const instant = parseInstant(iso);
  return instant ? wallClockIn(timeZone, instant).date : null;
}

const DAY_PREFIX = /^\d{4}-\d{2}-\d{2}/;
function laterEstimateDay(previous: EstimateWindow | null | undefined, next: EstimateWindow | null | undefined): string | null {
  const before = previous?.to.match(DAY_PREFIX)?.[0];
  const after = next?.to.match(DAY_PREFIX)?.[0];
  return before && after && after > before ? after : null;
}

/** Shipped at least a day before the ship-by: a calendar day for a date, 24 hours for an instant. */
function shippedEarly(occurredAt: string, shipBy: string | null | undefined): boolean {
  if (!shipBy) return false;
  const shipped = parseInstant(occurredAt);
  if (!shipped) return false;
  if (/^\d{4}-\d{2}-\d{2}$/.test(shipBy)) {
    const shippedDay = wallClockOf(occurredAt).wall.toISOString().slice(0, 10); // the day on the sender's clock
    return Date.parse(shipBy) - Date.parse(shippedDay) >= DAY_MS;
  }
  const deadline = parseInstant(shipBy);
  return deadline !== null && deadline.getTime() - shipped.getTime() >= DAY_MS;
}

const attemptOccurrence = (attemptNumber: number | undefined): string =>
  attemptNumber !== undefined && attemptNumber > 1 ? `attempt-${attemptNumber}` : 'first';

/** "2026-03-01T10:00:00Z" → "20260301T100000Z": no colons inside a colon-separated dedupe key. */
function compactInstant(value: string): string {
  const instant = parseInstant(value);
  return instant ? instant.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/[-:]/g, '') : value.replace(/:/g, '');
}

// ---- Channels and people ----

type Contact = { kind: 'none' } | { kind: 'invalid'; address: string } | { kind: 'valid'; address: string };

type Context = {
  settings: NotificationSettings;
  recipient: NotificationRecipient;
  alreadySent: ReadonlySet<string>;
  email: Contact;
  phone: Contact;
  smsSentForShipment: number;
  /** SMS this call already decided to send: they count towards the cap too. */
  smsQueued: number;
  quietHoursEnd: () => Date | null;
};

function contextOf(input: DecideInput): Context {
  const phone = phoneContact(input.recipient.phone);
  let quietHoursEnd: Date | null | undefined;
  return {
    settings: input.settings,
    recipient: input.recipient,
    alreadySent: input.alreadySent,
    email: emailContact(input.recipient.email),
    phone,
    smsSentForShipment: input.smsSentForShipment,
    smsQueued: 0,
    quietHoursEnd: () =>
      quietHoursEnd === undefined
        ? (quietHoursEnd = smsQuietUntil({ now: input.now, settings: input.settings, destination: input.destination, recipientZone: input.recipient.timeZone, phone: phone.kind === 'valid' ? phone.address : null }))
        : quietHoursEnd,
  };
}

function decideChannel(planned: PlannedMessage, channel: Channel, context: Context): NotificationDecision {
  const contact = channel === 'email' ? context.email : context.phone;
  const recipient = contact.kind === 'none' ? null : contact.address;
  const dedupeKey = `${planned.subject}:${planned.milestone}:${planned.occurrence}:${channel}:${recipient ?? ''}`;
  const decision = { milestone: planned.milestone, channel, subject: planned.subject, occurrence: planned.occurrence, recipient, dedupeKey, ...(planned.detail ? { detail: planned.detail } : {}) };

  const held = heldReason(planned, channel, contact, dedupeKey, context);
  if (held) return { ...decision, send: false, heldReason: held };
  if (channel === 'email') return { ...decision, send: true };

  if (planned.perShipment) context.smsQueued += 1;
  const quietUntil = context.quietHoursEnd();
  return quietUntil ? { ...decision, send: true, heldReason: 'quiet_hours', sendAfter: quietUntil.toISOString() } : { ...decision, send: true };
}

/** The first reason not to send, in order: the brand's choices, the address, dedupe, the customer's consent, the cap. */
function heldReason(planned: PlannedMessage, channel: Channel, contact: Contact, dedupeKey: string, context: Context): HeldReason | null {
  const { settings, recipient } = context;
  const { milestone } = planned;
  if (channel === 'sms' && !smsEligible(planned)) return 'not_for_sms';
  if (!channelEnabled(settings, milestone, channel)) return 'milestone_off';
  if (milestone !== 'personal_update' && settings.writtenByPerson.includes(milestone)) return 'written_by_person';
  if (contact.kind === 'none') return 'no_contact';
  if (contact.kind === 'invalid') return 'invalid_contact';
  if (context.alreadySent.has(dedupeKey)) return 'already_sent';
  if (channel === 'email') return recipient.emailOptedOut && !ESSENTIAL_EMAILS.includes(milestone) ? 'opted_out' : null;
  if (recipient.smsOptedOut) return 'opted_out';
  if (!recipient.smsConsent) return 'no_consent';
  if (planned.perShipment && context.smsSentForShipment + context.smsQueued >= settings.smsCapPerShipment) return 'sms_cap';
  return null;
}

const smsEligible = (planned: PlannedMessage): boolean =>
  SMS_MILESTONES.includes(planned.milestone) && (planned.milestone !== 'personal_update' || planned.critical === true);

export function channelEnabled(settings: NotificationSettings, milestone: Milestone, channel: Channel): boolean {
  return settings.channels[milestone]?.[channel] ?? DEFAULT_NOTIFICATION_SETTINGS.channels[milestone]?.[channel] ?? false;
}

// A sane address: something@domain.tld, no spaces, labels of letters, digits and inner hyphens.
const EMAIL = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;

function emailContact(raw: string | null): Contact {
  const address = raw?.trim() ?? '';
  if (!address) return { kind: 'none' };
  const wellFormed = EMAIL.test(address) && !address.includes('..') && !address.startsWith('.') && !address.split('@')[0]!.endsWith('.');
  return wellFormed ? { kind: 'valid', address: address.toLowerCase() } : { kind: 'invalid', address };
}

/** Phones must be international (+country code) and valid for their country; kept as E.164. */
function phoneContact(raw: string | null): Contact {
  const number = raw?.trim() ?? '';
  if (!number) return { kind: 'none' };
  const parsed = phoneNumbers().isValidPhoneNumber(number) ? phoneNumbers().parsePhoneNumberFromString(number) : undefined;
  return parsed ? { kind: 'valid', address: parsed.number } : { kind: 'invalid', address: number };
}

// ---- Quiet hours ----

/** What the SMS clock needs; the send job asks again right before sending (a retry or a backlog can cross the window's end). */
export type SmsClockInput = {
  now: Date;
  settings: NotificationSettings;
  destination?: Destination | null;
  /** The recipient's own IANA zone, when known. */
  recipientZone?: string | null;
  /** The E.164 number. */
  phone: string | null;
};

/**
 * When the SMS window next opens for this recipient, or null to send now. The clock is, in order:
 * the recipient's own zone; the destination's (postal code, state, single-zone country); the
 * phone number's country when it keeps one clock. For a country of several zones (a US phone
 * with no address) the window must hold in all of them: the strictest reading. With no country
 * at all, we send now: an order-tracking text late is worse than one at an unknown hour, and
 * every order we hold has at least a destination country.
 */
export function smsQuietUntil(input: SmsClockInput): Date | null {
  const { window, zone, country } = smsClockOf(input);
  const opens = zone ? nextAllowedSendTime(input.now, zone, window) : country ? opensInEveryZone(input.now, zonesOfCountry(country), window) : null;
  return opens && opens.getTime() > input.now.getTime() ? opens : null;
}

/**
 * When the SMS window that is open now closes for this recipient (a text still undelivered then
 * must not arrive): on the same clock as smsQuietUntil; for a country of several zones, the first
 * closing among the zones where the window is open now. Null when no clock is known, or when the
 * window is not open in any of the zones (the text should not be going out: smsQuietUntil says when).
 */
export function smsWindowClosesAt(input: SmsClockInput): Date | null {
  const { window, zone, country } = smsClockOf(input);
  const zones = zone ? [zone] : country ? zonesOfCountry(country) : [];
  const closings = zones.filter((z) => isInsideWindow(input.now, z, window)).map((z) => windowClosesAt(input.now, z, window).getTime());
  return closings.length > 0 ? new Date(Math.min(...closings)) : null;
}

/** The recipient's window, and the zone it is read in (or, failing one, the country whose zones all count). */
function smsClockOf(input: SmsClockInput): { window: SmsWindow; zone: string | null; country: string | null } {
  const phoneCountry = input.phone ? (phoneNumbers().parsePhoneNumberFromString(input.phone)?.country ?? null) : null;
  const country = countryCode(input.destination?.country) ?? phoneCountry;
  const window = smsWindowFor(input.settings, input.destination, country);
  const zone =
    (input.recipientZone && isKnownTimeZone(input.recipientZone) ? input.recipientZone : null) ??
    recipientTimeZone(input.destination) ??
    (phoneCountry ? singleZoneOfCountry(phoneCountry) : null);
  return { window, zone, country };
}

/** The first moment inside the window in every zone; if none is shared, the one that suits the most zones. */
function opensInEveryZone(now: Date, zones: readonly string[], window: SmsWindow): Date | null {
  if (zones.length === 0) return null;
  const shared = nextAllowedSendTimeInAll(now, zones, window);
  if (shared) return shared;
  const candidates = zones.map((zone) => nextAllowedSendTime(now, zone, window)).sort((a, b) => a.getTime() - b.getTime());
  const suited = (instant: Date): number => zones.filter((zone) => isInsideWindow(instant, zone, window)).length;
  return candidates.reduce((best, candidate) => (suited(candidate) > suited(best) ? candidate : best));
}

/** The brand's window for the destination's region ("US-AZ"), else its country ("CA"), else the default. */
export function smsWindowFor(settings: NotificationSettings, destination: Destination | null | undefined, country: string | null): SmsWindow {
  const region = regionKeyOf(destination);
  return (region && settings.smsWindowByRegion[region]) || (country && settings.smsWindowByRegion[country]) || settings.smsWindow;
}

// ---- Overtaken ----

/** Which newer milestones make a waiting one pointless ("out for delivery" once it is delivered). */
const OVERTAKEN_BY: Partial<Record<Milestone, readonly Milestone[]>> = {
  shipped: ['out_for_delivery', 'delivered', 'attempt_failed', 'available_for_pickup'],
  shipped_early: ['out_for_delivery', 'delivered', 'attempt_failed', 'available_for_pickup'],
  delayed: ['out_for_delivery', 'delivered', 'available_for_pickup'],
  out_for_delivery: ['delivered', 'attempt_failed', 'available_for_pickup', 'exception'],
  attempt_failed: ['delivered', 'available_for_pickup'],
  available_for_pickup: ['delivered'],
  exception: ['delivered'],
  return_in_transit: ['return_received'],
};

/**
 * An SMS waiting for its window is dropped (held 'overtaken') when a newer milestone of the same
 * shipment makes it pointless. `newer.shipmentId`, when given, must match.
 */
export function isOvertaken(pending: { milestone: Milestone; shipmentId: string }, newer: { milestone: Milestone; shipmentId?: string }): boolean {
  if (newer.shipmentId !== undefined && newer.shipmentId !== pending.shipmentId) return false;
  return OVERTAKEN_BY[pending.milestone]?.includes(newer.milestone) ?? false;
}

/** A message of the parcel as the overtaking check sees it. */
export type MessageMoment = {
  /** When the message was decided (`created_at`). */
  createdAt: string;
  /** When the carrier's event behind it happened, for a status change (its context's `occurredAt`). */
  occurredAt?: string | null;
};

/**
 * Whether `other` came after `waiting`. Every message decided in one batch carries the same
 * `created_at` (a worker behind claims "out for delivery" and "delivered" together), so the
 * carrier's event times decide where both messages have one; else the later decision. On a full
 * tie the milestones' own order decides: OVERTAKEN_BY never lists a pair both ways, so the caller's
 * isOvertaken says which of the two is the newer.
 */
export function cameAfter(waiting: MessageMoment, other: MessageMoment): boolean {
  const eventOf = (moment: MessageMoment) => (moment.occurredAt ? (parseInstant(moment.occurredAt)?.getTime() ?? null) : null);
  const [waitingEvent, otherEvent] = [eventOf(waiting), eventOf(other)];
  if (waitingEvent !== null && otherEvent !== null && waitingEvent !== otherEvent) return otherEvent > waitingEvent;
  const [waitingDecided, otherDecided] = [Date.parse(waiting.createdAt), Date.parse(other.createdAt)];
  return otherDecided !== waitingDecided ? otherDecided > waitingDecided : true;
}
