import { describe, expect, it } from 'vitest';
import {
  DEFAULT_NOTIFICATION_SETTINGS,
  type DecideInput,
  decideNotifications,
  cameAfter,
  isOvertaken,
  type NotificationDecision,
  type NotificationRecipient,
  type NotificationTrigger,
  SMS_MILESTONES,
  type StatusChangedTrigger,
} from '../../src/notifications/policy/decide.js';
import type { ShipmentStatusView } from '../../src/shipments/status.js';
import type { ShipmentStatus } from '../../src/shipments/vocabulary.js';
import { HELD_REASONS, type HeldReason, MILESTONES, type NotificationSettings } from '../../src/notifications/types.js';

// 11:00 in New York (daylight time began on 8 March 2026): inside the SMS window.
const NOW = new Date('2026-03-10T15:00:00Z');
const EMAIL = 'ada@example.com';
const PHONE = '+14155552671';

const recipient = (overrides: Partial<NotificationRecipient> = {}): NotificationRecipient => ({
  email: 'Ada@Example.com',
  phone: PHONE,
  emailOptedOut: false,
  smsOptedOut: false,
  smsConsent: true,
  timeZone: 'America/New_York',
  ...overrides,
});

const settings = (overrides: Partial<NotificationSettings> = {}): NotificationSettings => ({ ...DEFAULT_NOTIFICATION_SETTINGS, ...overrides });

const view = (status: ShipmentStatus, extra: Partial<ShipmentStatusView> = {}): ShipmentStatusView => ({
  status,
  reason: null,
  delayed: false,
  correction: false,
  ...extra,
});

const change = (from: ShipmentStatus | ShipmentStatusView, to: ShipmentStatus | ShipmentStatusView, extra: Partial<StatusChangedTrigger> = {}): StatusChangedTrigger => ({
  kind: 'status_changed',
  shipmentId: 'shp_1',
  orderId: 'ord_1',
  direction: 'outbound',
  from: typeof from === 'string' ? view(from) : from,
  to: typeof to === 'string' ? view(to) : to,
  headEventId: 'evt_9',
  occurredAt: '2026-03-10T14:00:00Z',
  ...extra,
});

function decide(trigger: NotificationTrigger, overrides: Partial<DecideInput> = {}): NotificationDecision[] {
  return decideNotifications({
    trigger,
    settings: DEFAULT_NOTIFICATION_SETTINGS,
    recipient: recipient(),
    alreadySent: new Set(),
    smsSentForShipment: 0,
    now: NOW,
    ...overrides,
  });
}

/** One line per decision: "milestone channel occurrence → send" or "→ held reason". */
const summary = (decisions: NotificationDecision[]): string[] =>
  decisions.map(
    (d) =>
      `${d.milestone} ${d.channel} ${d.occurrence} → ${d.send ? 'send' : 'held'}${d.heldReason ? ` ${d.heldReason}` : ''}${d.sendAfter ? ` after ${d.sendAfter}` : ''}`,
  );

const keysOf = (decisions: NotificationDecision[]): Set<string> => new Set(decisions.filter((d) => d.send).map((d) => d.dedupeKey));

describe('default settings', () => {
  it('email for every milestone; SMS only for shipped, out for delivery, a failed attempt (and a person’s critical update)', () => {
    for (const milestone of MILESTONES) {
      expect(DEFAULT_NOTIFICATION_SETTINGS.channels[milestone]).toEqual({
        email: true,
        sms: ['shipped', 'out_for_delivery', 'attempt_failed', 'personal_update'].includes(milestone),
      });
    }
    expect(DEFAULT_NOTIFICATION_SETTINGS.smsWindow).toEqual({ start: '08:00', end: '21:00' });
    expect(DEFAULT_NOTIFICATION_SETTINGS.smsCapPerShipment).toBe(4);
    expect(DEFAULT_NOTIFICATION_SETTINGS.defaultLocale).toBe('en');
    expect(DEFAULT_NOTIFICATION_SETTINGS.writtenByPerson).toEqual([]);
  });

  it('cannot be changed by accident', () => {
    expect(Object.isFrozen(DEFAULT_NOTIFICATION_SETTINGS.channels.delivered)).toBe(true);
    expect(() => (DEFAULT_NOTIFICATION_SETTINGS.writtenByPerson as string[]).push('shipped')).toThrow(TypeError);
  });

  it('SMS is possible only for the critical moments', () => {
    expect(SMS_MILESTONES).toEqual(['shipped', 'out_for_delivery', 'delivered', 'attempt_failed', 'available_for_pickup', 'exception', 'personal_update']);
  });
});

describe('status changes → milestones (outbound)', () => {
  it('label created: "shipped" by email and SMS, with exact dedupe keys', () => {
    expect(decide(change('pending', 'info_received'))).toEqual([
      { milestone: 'shipped', channel: 'email', subject: 'shp_1', occurrence: 'first', recipient: EMAIL, send: true, dedupeKey: `shp_1:shipped:first:email:${EMAIL}` },
      { milestone: 'shipped', channel: 'sms', subject: 'shp_1', occurrence: 'first', recipient: PHONE, send: true, dedupeKey: `shp_1:shipped:first:sms:${PHONE}` },
    ]);
  });

  it('"shipped" at the first scan when there never was a label event', () => {
    expect(summary(decide(change('pending', 'in_transit')))).toEqual(['shipped email first → send', 'shipped sms first → send']);
  });

  it('the first scan after the label sends nothing, and neither does any later facility scan', () => {
    expect(decide(change('info_received', 'in_transit'))).toEqual([]);
    expect(decide(change('in_transit', 'in_transit'))).toEqual([]);
  });

  it('shipped early: a day or more before the ship-by date (email only; its email says "shipped" too)', () => {
    const early = ['shipped email first → held combined', 'shipped sms first → send', 'shipped_early email first → send', 'shipped_early sms first → held not_for_sms'];
    const onTime = ['shipped email first → send', 'shipped sms first → send'];
    expect(summary(decide(change('pending', 'info_received', { shipBy: '2026-03-12' })))).toEqual(early);
    expect(summary(decide(change('pending', 'info_received', { shipBy: '2026-03-11' })))).toEqual(early);
    expect(summary(decide(change('pending', 'info_received', { shipBy: '2026-03-10' })))).toEqual(onTime);
    expect(summary(decide(change('pending', 'info_received', { shipBy: '2026-03-11T14:00:00Z' })))).toEqual(early);
    expect(summary(decide(change('pending', 'info_received', { shipBy: '2026-03-11T13:59:00Z' })))).toEqual(onTime);
    expect(summary(decide(change('pending', 'info_received', { shipBy: null })))).toEqual(onTime);
    // The ship-by day is read on the clock the event was written in: 23:30 in Los Angeles is still the 10th.
    expect(summary(decide(change('pending', 'info_received', { occurredAt: '2026-03-10T23:30:00-07:00', shipBy: '2026-03-11' })))).toEqual(early);
  });

  it('shipping with a window that ends before the promised one begins: "ahead of schedule" in place of the "shipped" email', () => {
    const promised = { from: '2026-03-16T08:00:00-04:00', to: '2026-03-17T20:00:00-04:00' };
    const shipping = (estimatedDelivery: { from: string; to: string }, extra: Partial<StatusChangedTrigger> = {}) =>
      change('pending', 'info_received', { estimatedDelivery, promised, timeZone: 'America/New_York', ...extra });
    const early = ['shipped email first → held combined', 'shipped sms first → send', 'shipped_early email first → send', 'shipped_early sms first → held not_for_sms'];
    const onTime = ['shipped email first → send', 'shipped sms first → send'];
    expect(summary(decide(shipping({ from: '2026-03-13T08:00:00-04:00', to: '2026-03-15T20:00:00-04:00' })))).toEqual(early);
    // Ending on the promise's first day (on the destination's calendar) is on time, not early.
    expect(summary(decide(shipping({ from: '2026-03-13T08:00:00-04:00', to: '2026-03-16T01:00:00Z' })))).toEqual(early); // 21:00 on the 15th in New York
    expect(summary(decide(shipping({ from: '2026-03-13T08:00:00-04:00', to: '2026-03-16T05:00:00Z' })))).toEqual(onTime); // 01:00 on the 16th
    // No promise, no zone, or a window that had already ended when the parcel shipped: no news.
    expect(summary(decide(shipping({ from: '2026-03-13T08:00:00-04:00', to: '2026-03-15T20:00:00-04:00' }, { promised: null })))).toEqual(onTime);
    expect(summary(decide(shipping({ from: '2026-03-13T08:00:00-04:00', to: '2026-03-15T20:00:00-04:00' }, { timeZone: undefined })))).toEqual(onTime);
    expect(summary(decide(shipping({ from: '2026-03-08T08:00:00-04:00', to: '2026-03-09T20:00:00-04:00' })))).toEqual(onTime);
    // Only at shipping: a window moving earlier later on is the estimate's own trigger.
    expect(decide(change('info_received', 'in_transit', { estimatedDelivery: { from: '2026-03-13T08:00:00-04:00', to: '2026-03-15T20:00:00-04:00' }, promised, timeZone: 'America/New_York' }))).toEqual([]);
  });

  it('the fuller email goes alone only when it goes: switched off, already sent or opted out, the plain one is sent', () => {
    const early = change('pending', 'info_received', { shipBy: '2026-03-12' });
    const earlyOff = settings({ channels: { shipped_early: { email: false } } });
    expect(summary(decide(early, { settings: earlyOff }))).toEqual(['shipped email first → send', 'shipped sms first → send', 'shipped_early email first → held milestone_off', 'shipped_early sms first → held not_for_sms']);
    const told = new Set([`shp_1:shipped_early:first:email:${EMAIL}`]);
    expect(summary(decide(early, { alreadySent: told }))[0]).toBe('shipped email first → send');
    const last = change('out_for_delivery', 'delivered', { allOutboundDelivered: true, outboundShipmentCount: 2 });
    const allOff = settings({ channels: { all_delivered: { email: false } } });
    expect(summary(decide(last, { settings: allOff }))[0]).toBe('delivered email first → send');
    // An unsubscribed customer gets neither: nothing is combined into a message that does not go.
    expect(summary(decide(last, { recipient: recipient({ emailOptedOut: true }) })).filter((line) => line.includes('email'))).toEqual([
      'delivered email first → held opted_out',
      'all_delivered email first → held opted_out',
    ]);
  });

  it('delayed: when the delayed flag turns on (a new episode, named by when it began)', () => {
    expect(summary(decide(change('in_transit', view('in_transit', { delayed: true, reason: 'weather' }))))).toEqual([
      'delayed email since-20260310T140000Z → send',
      'delayed sms since-20260310T140000Z → held not_for_sms',
    ]);
    // Still delayed at the next scan: nothing new.
    expect(decide(change(view('in_transit', { delayed: true }), view('in_transit', { delayed: true })))).toEqual([]);
  });

  it('delayed: when our estimate moves to a later day (one message per revised date)', () => {
    const revised = (to: string) =>
      change('in_transit', 'in_transit', {
        previousEstimate: { from: '2026-03-11', to: '2026-03-12' },
        estimatedDelivery: { from: '2026-03-13', to },
      });
    expect(summary(decide(revised('2026-03-14')))).toEqual(['delayed email until-2026-03-14 → send', 'delayed sms until-2026-03-14 → held not_for_sms']);
    expect(decide(revised('2026-03-12'))).toEqual([]); // the same day
    expect(decide(revised('2026-03-11'))).toEqual([]); // earlier is not a delay
    // Flag and a new date together: one message, named by the date.
    const both = change('in_transit', view('in_transit', { delayed: true }), {
      previousEstimate: { from: '2026-03-11', to: '2026-03-12' },
      estimatedDelivery: { from: '2026-03-14', to: '2026-03-15' },
    });
    expect(summary(decide(both))).toEqual(['delayed email until-2026-03-15 → send', 'delayed sms until-2026-03-15 → held not_for_sms']);
  });

  it('delayed: from our own estimate (late or stalled), one message per episode', () => {
    const late = decide({ kind: 'late_by_estimate', shipmentId: 'shp_1', since: '2026-03-09T00:00:00Z' });
    expect(summary(late)).toEqual(['delayed email since-20260309T000000Z → send', 'delayed sms since-20260309T000000Z → held not_for_sms']);
    expect(late[0]!.dedupeKey).toBe(`shp_1:delayed:since-20260309T000000Z:email:${EMAIL}`);
    // The same episode reported again (or as a stall from the same moment) is the same message.
    const stalled = decide({ kind: 'stalled', shipmentId: 'shp_1', since: '2026-03-09T00:00:00Z' }, { alreadySent: keysOf(late) });
    expect(summary(stalled)).toEqual(['delayed email since-20260309T000000Z → held already_sent', 'delayed sms since-20260309T000000Z → held not_for_sms']);
  });

  it('out for delivery: email and SMS', () => {
    expect(summary(decide(change('in_transit', 'out_for_delivery')))).toEqual(['out_for_delivery email first → send', 'out_for_delivery sms first → send']);
  });

  it('delivered: email; SMS only where the brand opts in', () => {
    expect(summary(decide(change('out_for_delivery', 'delivered')))).toEqual(['delivered email first → send', 'delivered sms first → held milestone_off']);
    const optedIn = settings({ channels: { delivered: { sms: true } } });
    expect(summary(decide(change('out_for_delivery', 'delivered'), { settings: optedIn }))).toEqual(['delivered email first → send', 'delivered sms first → send']);
  });

  it('split shipments: all_delivered (for the order) when the last parcel arrives', () => {
    const last = decide(change('out_for_delivery', 'delivered', { allOutboundDelivered: true, outboundShipmentCount: 2 }));
    expect(summary(last)).toEqual([
      'delivered email first → held combined', // "all delivered" says it: one email for the moment
      'delivered sms first → held milestone_off',
      'all_delivered email first → send',
      'all_delivered sms first → held not_for_sms',
    ]);
    expect(last[2]).toMatchObject({ subject: 'ord_1', dedupeKey: `ord_1:all_delivered:first:email:${EMAIL}` });
    // Not the last parcel; or a single-shipment order, where "delivered" says it all.
    expect(summary(decide(change('out_for_delivery', 'delivered', { allOutboundDelivered: false, outboundShipmentCount: 2 })))).toHaveLength(2);
    expect(summary(decide(change('out_for_delivery', 'delivered', { allOutboundDelivered: true, outboundShipmentCount: 1 })))).toHaveLength(2);
    // Count unknown: the caller only says "all delivered" for split orders.
    expect(summary(decide(change('out_for_delivery', 'delivered', { allOutboundDelivered: true })))).toHaveLength(4);
  });

  it('attempt failed: email and SMS', () => {
    expect(summary(decide(change('out_for_delivery', view('attempt_failed', { reason: 'recipient_unavailable' }), { attemptNumber: 1 })))).toEqual([
      'attempt_failed email first → send',
      'attempt_failed sms first → send',
    ]);
  });

  it('available for pickup: email (SMS where the brand opts in)', () => {
    expect(summary(decide(change('attempt_failed', 'available_for_pickup')))).toEqual([
      'available_for_pickup email first → send',
      'available_for_pickup sms first → held milestone_off',
    ]);
  });

  it('exception, with its reason: each new exception or new reason is a message', () => {
    const customs = view('exception', { reason: 'customs_hold' });
    expect(summary(decide(change('in_transit', customs)))).toEqual(['exception email since-20260310T140000Z → send', 'exception sms since-20260310T140000Z → held milestone_off']);
    expect(decide(change(customs, customs))).toEqual([]);
    const damaged = view('exception', { reason: 'damaged' });
    expect(summary(decide(change(customs, damaged, { occurredAt: '2026-03-11T09:00:00Z' })))[0]).toBe('exception email since-20260311T090000Z → send');
  });

  it('an outbound parcel heading back to the sender is an exception for the customer', () => {
    expect(summary(decide(change('attempt_failed', view('returning_to_sender', { reason: 'address_problem' }))))[0]).toBe(
      'exception email since-20260310T140000Z → send',
    );
  });

  it('says nothing to the customer for cancelled or expired labels', () => {
    expect(decide(change('info_received', view('cancelled', { reason: 'cancelled_by_sender' })))).toEqual([]);
    expect(decide(change('pending', 'expired'))).toEqual([]);
  });
});

describe('status changes → milestones (returns)', () => {
  const back = (from: ShipmentStatus, to: ShipmentStatus) => change(from, to, { direction: 'return', shipmentId: 'shp_r' });

  it('return in transit at the first scan, then nothing per scan', () => {
    expect(summary(decide(back('info_received', 'in_transit')))).toEqual(['return_in_transit email first → send', 'return_in_transit sms first → held not_for_sms']);
    expect(summary(decide(back('pending', 'in_transit')))).toHaveLength(2);
    expect(decide(back('in_transit', 'in_transit'))).toEqual([]);
    expect(decide(back('pending', 'info_received'))).toEqual([]); // the label went with return_approved
  });

  it('return received when delivered back, once; never when the parcel went back to the customer', () => {
    expect(summary(decide(back('in_transit', 'delivered')))).toEqual(['return_received email first → send', 'return_received sms first → held not_for_sms']);
    expect(decide(back('delivered', 'delivered'))).toEqual([]);
    expect(decide(back('returning_to_sender', 'returned'))).toEqual([]);
    expect(decide(back('out_for_delivery', 'returned'))).toEqual([]);
  });

  it('no outbound milestones for a return parcel', () => {
    expect(decide(back('in_transit', 'out_for_delivery'))).toEqual([]);
    expect(decide(back('in_transit', 'attempt_failed'))).toEqual([]);
  });
});

describe('order events → milestones', () => {
  it('order confirmed, for the order, by email only', () => {
    const decisions = decide({ kind: 'order_created', orderId: 'ord_1' });
    expect(summary(decisions)).toEqual(['order_confirmed email first → send', 'order_confirmed sms first → held not_for_sms']);
    expect(decisions[0]!.dedupeKey).toBe(`ord_1:order_confirmed:first:email:${EMAIL}`);
  });

  it('a personal update: by email; by SMS only when critical, unless the brand switched that off', () => {
    expect(summary(decide({ kind: 'personal_update', orderId: 'ord_1', updateId: 'upd_7', critical: false }))).toEqual([
      'personal_update email upd_7 → send',
      'personal_update sms upd_7 → held not_for_sms',
    ]);
    expect(summary(decide({ kind: 'personal_update', orderId: 'ord_1', updateId: 'upd_7', critical: true }))[1]).toBe('personal_update sms upd_7 → send');
    const smsOff = settings({ channels: { personal_update: { sms: false } } });
    expect(summary(decide({ kind: 'personal_update', orderId: 'ord_1', updateId: 'upd_7', critical: true }, { settings: smsOff }))[1]).toBe('personal_update sms upd_7 → held milestone_off');
  });

  it('each return and each refund is its own message', () => {
    expect(summary(decide({ kind: 'return_approved', orderId: 'ord_1', returnId: 'rma_1' }))).toEqual([
      'return_approved email rma_1 → send',
      'return_approved sms rma_1 → held not_for_sms',
    ]);
    expect(summary(decide({ kind: 'refund_issued', orderId: 'ord_1', refundId: 'ref_1' }))).toEqual(['refund_issued email ref_1 → send', 'refund_issued sms ref_1 → held not_for_sms']);
  });

  it('a request waiting for approval and a refused one are answered by email, once per return', () => {
    expect(summary(decide({ kind: 'return_requested', orderId: 'ord_1', returnId: 'rma_2' }))).toEqual([
      'return_requested email rma_2 → send',
      'return_requested sms rma_2 → held not_for_sms',
    ]);
    expect(summary(decide({ kind: 'return_rejected', orderId: 'ord_1', returnId: 'rma_2' }))).toEqual([
      'return_rejected email rma_2 → send',
      'return_rejected sms rma_2 → held not_for_sms',
    ]);
    const sent = decide({ kind: 'return_rejected', orderId: 'ord_1', returnId: 'rma_2' })[0]!.dedupeKey;
    expect(summary(decide({ kind: 'return_rejected', orderId: 'ord_1', returnId: 'rma_2' }, { alreadySent: new Set([sent]) }))[0]).toBe('return_rejected email rma_2 → held already_sent');
  });
});

describe('the in-transit digest', () => {
  const digest = (day: string) => ({ kind: 'transit_digest', shipmentId: 'shp_1', day, hub: 'Columbus, OH' }) as const;

  it('at most one email a day, never an SMS', () => {
    const first = decide(digest('2026-03-10'));
    expect(summary(first)).toEqual(['in_transit_digest email 2026-03-10 → send', 'in_transit_digest sms 2026-03-10 → held not_for_sms']);
    expect(summary(decide(digest('2026-03-10'), { alreadySent: keysOf(first) }))[0]).toBe('in_transit_digest email 2026-03-10 → held already_sent');
    expect(summary(decide(digest('2026-03-11'), { alreadySent: keysOf(first) }))[0]).toBe('in_transit_digest email 2026-03-11 → send');
  });

  it('stays off SMS even when a brand switches SMS on for it', () => {
    const smsOn = settings({ channels: { in_transit_digest: { sms: true } } });
    expect(summary(decide(digest('2026-03-10'), { settings: smsOn }))[1]).toBe('in_transit_digest sms 2026-03-10 → held not_for_sms');
  });
});

describe('occurrences', () => {
  it('a second failed attempt is a new message; the same one repeated is not', () => {
    const firstFail = decide(change('out_for_delivery', 'attempt_failed', { attemptNumber: 1 }));
    const sent = keysOf(firstFail);
    expect(summary(decide(change('out_for_delivery', 'attempt_failed', { attemptNumber: 1 }), { alreadySent: sent }))).toEqual([
      'attempt_failed email first → held already_sent',
      'attempt_failed sms first → held already_sent',
    ]);
    expect(summary(decide(change('out_for_delivery', 'attempt_failed', { attemptNumber: 2 }), { alreadySent: sent, smsSentForShipment: 2 }))).toEqual([
      'attempt_failed email attempt-2 → send',
      'attempt_failed sms attempt-2 → send',
    ]);
  });

  it('a further failure with no scan in between counts, a repeated one does not', () => {
    expect(summary(decide(change('attempt_failed', 'attempt_failed', { attemptNumber: 2 })))[0]).toBe('attempt_failed email attempt-2 → send');
    expect(decide(change('attempt_failed', 'attempt_failed', { attemptNumber: 1 }))).toEqual([]);
    expect(decide(change('attempt_failed', 'attempt_failed'))).toEqual([]);
  });

  it('the van going out again for a second attempt is a new "out for delivery"', () => {
    const first = decide(change('in_transit', 'out_for_delivery', { attemptNumber: 1 }));
    expect(summary(decide(change('attempt_failed', 'out_for_delivery', { attemptNumber: 2 }), { alreadySent: keysOf(first) }))).toEqual([
      'out_for_delivery email attempt-2 → send',
      'out_for_delivery sms attempt-2 → send',
    ]);
  });

  it('a carrier repeating itself sends nothing twice', () => {
    const first = decide(change('pending', 'info_received'));
    expect(summary(decide(change('pending', 'info_received'), { alreadySent: keysOf(first) }))).toEqual([
      'shipped email first → held already_sent',
      'shipped sms first → held already_sent',
    ]);
  });
});

describe('rolled-back changes send nothing', () => {
  it('a correction out of delivered: nothing during the detour, and the delivery it settles on told once', () => {
    const delivered = decide(change('out_for_delivery', 'delivered'));
    expect(decide(change('delivered', view('out_for_delivery', { correction: true })))).toEqual([]);
    expect(decide(change('delivered', view('attempt_failed', { correction: true })))).toEqual([]);
    // The detour's own steps say nothing either: the van going out again, a failure, a delay.
    expect(decide(change(view('in_transit', { correction: true }), view('out_for_delivery', { correction: true })))).toEqual([]);
    expect(decide(change(view('out_for_delivery', { correction: true }), view('attempt_failed', { correction: true })))).toEqual([]);
    expect(decide(change(view('in_transit', { correction: true }), view('in_transit', { correction: true, delayed: true })))).toEqual([]);
    const settled = decide(change(view('out_for_delivery', { correction: true }), 'delivered'), { alreadySent: keysOf(delivered) });
    expect(summary(settled)).toEqual([`delivered email settled-20260310T140000Z → send`, `delivered sms settled-20260310T140000Z → held milestone_off`]);
    expect(summary(decide(change(view('out_for_delivery', { correction: true }), 'delivered'), { alreadySent: new Set([...keysOf(delivered), ...keysOf(settled)]) }))[0]).toBe(
      'delivered email settled-20260310T140000Z → held already_sent',
    );
  });

  it('a change back to where it was (from equals to) says nothing', () => {
    for (const status of ['info_received', 'in_transit', 'out_for_delivery', 'delivered', 'available_for_pickup'] as const) {
      expect(decide(change(status, status))).toEqual([]);
    }
  });
});

describe('held reasons', () => {
  const shipped = change('pending', 'info_received');

  it('milestone_off: the brand switched a milestone or channel off', () => {
    const off = settings({ channels: { shipped: { email: false } } });
    expect(summary(decide(shipped, { settings: off }))).toEqual(['shipped email first → held milestone_off', 'shipped sms first → send']);
  });

  it('written_by_person: the brand writes this stage itself', () => {
    const hybrid = settings({ writtenByPerson: ['shipped'] });
    expect(summary(decide(shipped, { settings: hybrid }))).toEqual(['shipped email first → held written_by_person', 'shipped sms first → held written_by_person']);
    // A person's own update is never held for a person.
    expect(summary(decide({ kind: 'personal_update', orderId: 'ord_1', updateId: 'u', critical: false }, { settings: settings({ writtenByPerson: ['personal_update'] }) }))[0]).toBe(
      'personal_update email u → send',
    );
  });

  it('no_contact: neither an email nor a phone', () => {
    expect(decide(shipped, { recipient: recipient({ email: null, phone: '  ' }) })).toEqual([
      { milestone: 'shipped', channel: 'email', subject: 'shp_1', occurrence: 'first', recipient: null, send: false, heldReason: 'no_contact', dedupeKey: 'shp_1:shipped:first:email:' },
      { milestone: 'shipped', channel: 'sms', subject: 'shp_1', occurrence: 'first', recipient: null, send: false, heldReason: 'no_contact', dedupeKey: 'shp_1:shipped:first:sms:' },
    ]);
  });

  it.each([
    ['not-an-email', '4155552671'], // no domain; a number without its country code
    ['ada@example', '+1 555 555 5555'], // no top-level domain; not a real US number
    ['ada @example.com', '+1415555267'], // a space; one digit short
    ['ada..lovelace@example.com', '+4479111234'],
  ])('invalid_contact: %s / %s', (email, phone) => {
    const decisions = decide(shipped, { recipient: recipient({ email, phone }) });
    expect(decisions.map((d) => [d.recipient, d.send, d.heldReason])).toEqual([
      [email, false, 'invalid_contact'],
      [phone, false, 'invalid_contact'],
    ]);
  });

  it('normalizes valid addresses: lower-case email, E.164 phone', () => {
    const decisions = decide(shipped, { recipient: recipient({ email: ' Ada.Lovelace+orders@Example.CO.UK ', phone: '+44 7911 123456' }) });
    expect(decisions.map((d) => [d.recipient, d.send])).toEqual([
      ['ada.lovelace+orders@example.co.uk', true],
      ['+447911123456', true],
    ]);
  });

  it('no_consent: SMS needs the customer’s consent', () => {
    expect(summary(decide(shipped, { recipient: recipient({ smsConsent: false }) }))).toEqual(['shipped email first → send', 'shipped sms first → held no_consent']);
  });

  it('opted_out: STOP holds every SMS; an email unsubscribe holds all but the essentials', () => {
    expect(summary(decide(shipped, { recipient: recipient({ smsOptedOut: true, smsConsent: false }) }))).toEqual(['shipped email first → send', 'shipped sms first → held opted_out']);
    const unsubscribed = { recipient: recipient({ emailOptedOut: true }) };
    expect(summary(decide(shipped, unsubscribed))).toEqual(['shipped email first → held opted_out', 'shipped sms first → send']);
    expect(summary(decide({ kind: 'order_created', orderId: 'ord_1' }, unsubscribed))[0]).toBe('order_confirmed email first → send');
    expect(summary(decide({ kind: 'return_approved', orderId: 'ord_1', returnId: 'rma_1' }, unsubscribed))[0]).toBe('return_approved email rma_1 → send');
    expect(summary(decide({ kind: 'refund_issued', orderId: 'ord_1', refundId: 'ref_1' }, unsubscribed))[0]).toBe('refund_issued email ref_1 → send');
    // The answers to a return request are part of a conversation the customer started.
    expect(summary(decide({ kind: 'return_requested', orderId: 'ord_1', returnId: 'rma_1' }, unsubscribed))[0]).toBe('return_requested email rma_1 → send');
    expect(summary(decide({ kind: 'return_rejected', orderId: 'ord_1', returnId: 'rma_1' }, unsubscribed))[0]).toBe('return_rejected email rma_1 → send');
  });

  it('already_sent: the same key went out before', () => {
    const sent = new Set([`shp_1:shipped:first:sms:${PHONE}`]);
    expect(summary(decide(shipped, { alreadySent: sent }))).toEqual(['shipped email first → send', 'shipped sms first → held already_sent']);
  });

  it('sms_cap: the per-shipment SMS cap is reached', () => {
    expect(summary(decide(shipped, { smsSentForShipment: 3 }))[1]).toBe('shipped sms first → send');
    expect(summary(decide(shipped, { smsSentForShipment: 4 }))).toEqual(['shipped email first → send', 'shipped sms first → held sms_cap']);
    expect(summary(decide(shipped, { smsSentForShipment: 1, settings: settings({ smsCapPerShipment: 1 }) }))[1]).toBe('shipped sms first → held sms_cap');
  });

  it('not_for_sms: milestones that never go by SMS', () => {
    expect(summary(decide({ kind: 'order_created', orderId: 'ord_1' }, { settings: settings({ channels: { order_confirmed: { sms: true } } }) }))[1]).toBe(
      'order_confirmed sms first → held not_for_sms',
    );
  });

  it('quiet_hours: an SMS waits for the window in the recipient’s local time; email does not', () => {
    const lateEvening = new Date('2026-03-10T03:00:00Z'); // 23:00 on the 9th in New York
    expect(decide(shipped, { now: lateEvening })).toEqual([
      { milestone: 'shipped', channel: 'email', subject: 'shp_1', occurrence: 'first', recipient: EMAIL, send: true, dedupeKey: `shp_1:shipped:first:email:${EMAIL}` },
      {
        milestone: 'shipped',
        channel: 'sms',
        subject: 'shp_1',
        occurrence: 'first',
        recipient: PHONE,
        send: true,
        heldReason: 'quiet_hours',
        sendAfter: '2026-03-10T12:00:00.000Z', // 08:00 EDT
        dedupeKey: `shp_1:shipped:first:sms:${PHONE}`,
      },
    ]);
  });

  it('the reasons come in a fixed order: the brand, the address, dedupe, consent, the cap', () => {
    const everything = decide(shipped, {
      settings: settings({ channels: { shipped: { sms: false } } }),
      recipient: recipient({ phone: null, smsOptedOut: true, smsConsent: false }),
      smsSentForShipment: 9,
    });
    expect(everything[1]!.heldReason).toBe('milestone_off');
    expect(decide(shipped, { recipient: recipient({ phone: 'nope', smsOptedOut: true }) })[1]!.heldReason).toBe('invalid_contact');
    const sent = new Set([`shp_1:shipped:first:sms:${PHONE}`]);
    expect(decide(shipped, { alreadySent: sent, recipient: recipient({ smsOptedOut: true }) })[1]!.heldReason).toBe('already_sent');
    expect(decide(shipped, { recipient: recipient({ smsOptedOut: true, smsConsent: false }), smsSentForShipment: 9 })[1]!.heldReason).toBe('opted_out');
    expect(decide(shipped, { recipient: recipient({ smsConsent: false }), smsSentForShipment: 9 })[1]!.heldReason).toBe('no_consent');
    expect(decide(shipped, { now: new Date('2026-03-10T03:00:00Z'), smsSentForShipment: 9 })[1]!.heldReason).toBe('sms_cap');
  });

  it('every held reason the policy owns is exercised', () => {
    // 'overtaken' and 'shipment_cancelled' are the sending job's calls (isOvertaken, below; a cancelled
    // parcel); 'channel_not_configured' and 'stale' are the pipeline's (no SMS account; news days old),
    // tested in test/integration/notifications.test.ts.
    const seen = new Set<HeldReason>(['overtaken', 'shipment_cancelled', 'channel_not_configured', 'stale']);
    const collect = (decisions: NotificationDecision[]) => decisions.forEach((d) => d.heldReason && seen.add(d.heldReason));
    collect(decide(shipped, { settings: settings({ channels: { shipped: { email: false } } }) }));
    collect(decide(shipped, { recipient: recipient({ email: null, phone: 'x' }) }));
    collect(decide(shipped, { recipient: recipient({ email: 'x' }) }));
    collect(decide(shipped, { recipient: recipient({ smsConsent: false }) }));
    collect(decide(shipped, { recipient: recipient({ smsOptedOut: true }) }));
    collect(decide(shipped, { alreadySent: new Set([`shp_1:shipped:first:email:${EMAIL}`]) }));
    collect(decide(shipped, { now: new Date('2026-03-10T03:00:00Z') }));
    collect(decide(shipped, { smsSentForShipment: 4 }));
    collect(decide(shipped, { settings: settings({ writtenByPerson: ['shipped'] }) }));
    collect(decide({ kind: 'order_created', orderId: 'ord_1' }));
    collect(decide(change('pending', 'info_received', { shipBy: '2026-03-12' })));
    expect([...seen].sort()).toEqual([...HELD_REASONS].sort());
  });
});

describe('quiet hours: whose clock', () => {
  const ofd = change('in_transit', 'out_for_delivery');
  const smsOf = (overrides: Partial<DecideInput>) => decide(ofd, overrides)[1]!;
  const noZone = recipient({ timeZone: null });

  it('inside the window: send now, no sendAfter', () => {
    expect(smsOf({ now: new Date('2026-03-10T12:00:00Z') })).toMatchObject({ send: true });
    expect(smsOf({ now: new Date('2026-03-10T12:00:00Z') }).sendAfter).toBeUndefined();
    expect(smsOf({ now: new Date('2026-03-11T00:59:00Z') }).sendAfter).toBeUndefined(); // 20:59 EDT
    expect(smsOf({ now: new Date('2026-03-11T01:00:00Z') }).sendAfter).toBe('2026-03-11T12:00:00.000Z'); // 21:00 EDT: closed
  });

  it('unknown zone: the destination’s (Arizona by ZIP code, no daylight saving)', () => {
    const now = new Date('2026-03-10T14:30:00Z'); // 07:30 in Phoenix, 10:30 in New York
    expect(smsOf({ now, recipient: noZone, destination: { country: 'US', postalCode: '85001' } })).toMatchObject({
      send: true,
      heldReason: 'quiet_hours',
      sendAfter: '2026-03-10T15:00:00.000Z',
    });
  });

  it('a zone the recipient gave wins over the destination; a bogus one is ignored', () => {
    const now = new Date('2026-03-10T14:30:00Z');
    const destination = { country: 'US', postalCode: '85001' };
    expect(smsOf({ now, destination }).sendAfter).toBeUndefined(); // New York: 10:30
    expect(smsOf({ now, destination, recipient: recipient({ timeZone: 'Mars/Olympus_Mons' }) }).sendAfter).toBe('2026-03-10T15:00:00.000Z');
  });

  it('the brand’s window for the destination region', () => {
    const now = new Date('2026-03-10T16:30:00Z'); // 09:30 in Phoenix
    const regional = settings({ smsWindowByRegion: { 'US-AZ': { start: '10:00', end: '20:00' } } });
    expect(smsOf({ now, settings: regional, recipient: noZone, destination: { country: 'US', region: 'AZ' } }).sendAfter).toBe('2026-03-10T17:00:00.000Z');
    // Found from the ZIP code too, and by country when no region matches.
    expect(smsOf({ now, settings: regional, recipient: noZone, destination: { country: 'US', postalCode: '85001' } }).sendAfter).toBe('2026-03-10T17:00:00.000Z');
    const canada = settings({ smsWindowByRegion: { CA: { start: '09:00', end: '20:00' } } });
    expect(smsOf({ now: new Date('2026-03-10T12:30:00Z'), settings: canada, recipient: noZone, destination: { country: 'CA', postalCode: 'M5V 3L9' } }).sendAfter).toBe(
      '2026-03-10T13:00:00.000Z', // 09:00 EDT in Toronto
    );
  });

  it('no address: the phone number’s country when it keeps one clock', () => {
    const londonPhone = recipient({ timeZone: null, phone: '+44 7911 123456' });
    expect(smsOf({ now: new Date('2026-03-10T06:00:00Z'), recipient: londonPhone }).sendAfter).toBe('2026-03-10T08:00:00.000Z');
  });

  it('a country of several zones and no better clue: the window must hold in all of them', () => {
    // 08:00 in New York is 02:00 in Honolulu; the strictest window opens at 08:00 in Honolulu.
    expect(smsOf({ now: new Date('2026-03-10T12:00:00Z'), recipient: noZone }).sendAfter).toBe('2026-03-10T18:00:00.000Z');
    expect(smsOf({ now: new Date('2026-03-10T19:00:00Z'), recipient: noZone }).sendAfter).toBeUndefined();
    expect(smsOf({ now: new Date('2026-03-10T12:00:00Z'), recipient: noZone, destination: { country: 'US', region: 'TX' } }).sendAfter).toBe(
      '2026-03-10T18:00:00.000Z',
    );
  });

  it('no zones in common: the moment that suits the most of them', () => {
    const narrow = settings({ smsWindow: { start: '10:00', end: '12:00' } });
    // US zones span six hours, more than the window: take the opening inside the window for the most zones.
    const after = smsOf({ now: new Date('2026-03-10T12:00:00Z'), recipient: noZone, settings: narrow }).sendAfter;
    expect(after).toBe('2026-03-10T15:00:00.000Z'); // 10:00 in Chicago, 11:00 in New York: Eastern and Central both
  });

  it('no country at all: send now (documented choice)', () => {
    const freephone = recipient({ timeZone: null, phone: '+80012345678' });
    expect(smsOf({ now: new Date('2026-03-10T03:00:00Z'), recipient: freephone })).toMatchObject({ send: true, recipient: '+80012345678' });
    expect(smsOf({ now: new Date('2026-03-10T03:00:00Z'), recipient: freephone }).sendAfter).toBeUndefined();
  });

  it('a second SMS the same night waits for the same opening', () => {
    const night = new Date('2026-03-10T03:00:00Z');
    const out = decide(change('out_for_delivery', 'attempt_failed'), { now: night, smsSentForShipment: 1 });
    expect(summary(out)).toEqual(['attempt_failed email first → send', 'attempt_failed sms first → send quiet_hours after 2026-03-10T12:00:00.000Z']);
  });
});

describe('isOvertaken', () => {
  it('an "out for delivery" text waiting overnight is pointless once delivered', () => {
    expect(isOvertaken({ milestone: 'out_for_delivery', shipmentId: 'shp_1' }, { milestone: 'delivered' })).toBe(true);
    expect(isOvertaken({ milestone: 'out_for_delivery', shipmentId: 'shp_1' }, { milestone: 'attempt_failed', shipmentId: 'shp_1' })).toBe(true);
    expect(isOvertaken({ milestone: 'shipped', shipmentId: 'shp_1' }, { milestone: 'out_for_delivery' })).toBe(true);
    expect(isOvertaken({ milestone: 'attempt_failed', shipmentId: 'shp_1' }, { milestone: 'available_for_pickup' })).toBe(true);
    expect(isOvertaken({ milestone: 'return_in_transit', shipmentId: 'shp_r' }, { milestone: 'return_received' })).toBe(true);
  });

  it('not by an earlier stage, the same milestone, or another shipment', () => {
    expect(isOvertaken({ milestone: 'delivered', shipmentId: 'shp_1' }, { milestone: 'out_for_delivery' })).toBe(false);
    expect(isOvertaken({ milestone: 'out_for_delivery', shipmentId: 'shp_1' }, { milestone: 'out_for_delivery' })).toBe(false);
    expect(isOvertaken({ milestone: 'attempt_failed', shipmentId: 'shp_1' }, { milestone: 'out_for_delivery' })).toBe(false);
    expect(isOvertaken({ milestone: 'out_for_delivery', shipmentId: 'shp_1' }, { milestone: 'delivered', shipmentId: 'shp_2' })).toBe(false);
    expect(isOvertaken({ milestone: 'personal_update', shipmentId: 'shp_1' }, { milestone: 'delivered' })).toBe(false);
  });
});

describe('cameAfter: which of two messages of a parcel is the newer', () => {
  const batch = '2026-03-14T11:40:00.000Z';
  it('decides by the carrier events’ times when both have one, whatever the batch stamped', () => {
    // Claimed in one batch: one created_at; out for delivery 06:00, delivered 06:35 in Austin.
    const outForDelivery = { createdAt: batch, occurredAt: '2026-03-14T06:00:00-05:00' };
    const delivered = { createdAt: batch, occurredAt: '2026-03-14T06:35:00-05:00' };
    expect(cameAfter(outForDelivery, delivered)).toBe(true);
    expect(cameAfter(delivered, outForDelivery)).toBe(false);
    // A second attempt's van going out is newer than the first attempt's failure decided with it.
    expect(cameAfter({ createdAt: batch, occurredAt: '2026-03-15T08:00:00Z' }, { createdAt: batch, occurredAt: '2026-03-14T19:00:00Z' })).toBe(false);
  });
  it('falls back to when they were decided, and on a full tie leaves it to the milestones’ order', () => {
    expect(cameAfter({ createdAt: '2026-03-14T11:00:00.000Z' }, { createdAt: '2026-03-14T11:40:00.000Z' })).toBe(true);
    expect(cameAfter({ createdAt: '2026-03-14T11:40:00.000Z' }, { createdAt: '2026-03-14T11:00:00.000Z', occurredAt: '2026-03-14T12:00:00Z' })).toBe(false);
    expect(cameAfter({ createdAt: batch, occurredAt: '2026-03-14T11:00:00Z' }, { createdAt: batch, occurredAt: '2026-03-14T11:00:00Z' })).toBe(true);
    expect(cameAfter({ createdAt: batch }, { createdAt: batch })).toBe(true);
  });
});

describe('failed attempts a change went through to a later scan', () => {
  const missed = [{ attemptNumber: 1, occurredAt: '2026-03-10T14:00:00-05:00' }];
  it('each is announced by email and SMS, numbered, with its own attempt and time', () => {
    const decisions = decide(change('out_for_delivery', 'in_transit', { failedAttemptsPassed: missed }));
    expect(summary(decisions)).toEqual(['attempt_failed email first → send', 'attempt_failed sms first → send']);
    expect(decisions[0]!.detail).toEqual({ attemptNumber: 1, occurredAt: '2026-03-10T14:00:00-05:00' });
    expect(summary(decide(change('in_transit', 'in_transit', { failedAttemptsPassed: [...missed, { attemptNumber: 2, occurredAt: '2026-03-11T14:00:00-05:00' }] })))).toEqual([
      'attempt_failed email first → send',
      'attempt_failed sms first → send',
      'attempt_failed email attempt-2 → send',
      'attempt_failed sms attempt-2 → send',
    ]);
  });
  it('not once delivered or at a pickup point, and not twice when the change itself ends in that failure', () => {
    expect(summary(decide(change('out_for_delivery', 'delivered', { failedAttemptsPassed: missed }))).filter((line) => line.startsWith('attempt_failed'))).toEqual([]);
    expect(summary(decide(change('out_for_delivery', 'available_for_pickup', { failedAttemptsPassed: missed }))).filter((line) => line.startsWith('attempt_failed'))).toEqual([]);
    const again = decide(change('in_transit', 'attempt_failed', { attemptNumber: 2, failedAttemptsPassed: [...missed, { attemptNumber: 2, occurredAt: '2026-03-11T14:00:00-05:00' }] }));
    expect(summary(again)).toEqual(['attempt_failed email first → send', 'attempt_failed sms first → send', 'attempt_failed email attempt-2 → send', 'attempt_failed sms attempt-2 → send']);
  });
});
