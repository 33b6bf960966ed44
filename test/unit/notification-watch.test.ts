// Waybill's own watch, pure: late and stalled parcels, the daily digest, lane figures, and what a
// moved delivery window means for the customer.
import { describe, expect, it } from 'vitest';
import { decideNotifications, DEFAULT_NOTIFICATION_SETTINGS, type EstimateRevisedTrigger, plannedMessages } from '../../src/notifications/policy/decide.js';
import { bucketOf, laneKey, longestGapMinutes, percentileFromHistogram } from '../../src/notifications/watch/lane-stats.js';
import { type WatchedShipment, type WatchRules, watchShipment } from '../../src/notifications/watch/watch.js';
import { announcesDelay } from '../../src/notifications/watch/estimates.js';


const rules: WatchRules = { stallAfterMinutes: 48 * 60, digestFrom: 18 * 60, digestOn: true };

function parcel(overrides: Partial<WatchedShipment> = {}): WatchedShipment {
  return {
    shipmentId: 'shp_1',
    status: 'in_transit',
    lastEventAt: '2026-03-03T15:00:00.000Z',
    createdAt: '2026-03-02T15:00:00.000Z',
    window: { from: '2026-03-06T08:00:00-06:00', to: '2026-03-06T20:00:00-06:00' },
    timeZone: 'America/Chicago',
    memory: { stalledSince: null, lateFor: null, digestDay: null, digestThrough: null },
    ...overrides,
  };
}

describe('stalled: no scan for longer than normal', () => {
  it('fires once the silence is longer than the threshold, naming the last scan', () => {
    const quiet = watchShipment(parcel(), rules, new Date('2026-03-05T14:59:00Z'));
    expect(quiet.triggers.filter((t) => t.kind === 'stalled')).toEqual([]);
    const stalled = watchShipment(parcel(), rules, new Date('2026-03-05T15:01:00Z'));
    expect(stalled.triggers).toEqual([{ kind: 'stalled', shipmentId: 'shp_1', since: '2026-03-03T15:00:00.000Z' }]);
    expect(stalled.remember).toEqual({ stalledSince: '2026-03-03T15:00:00.000Z', lateFor: '2026-03-06T20:00:00-06:00', digestThrough: '2026-03-03T15:00:00.000Z' });
  });

  it('once per silence: not again for the same last scan, again after a new scan and a new silence', () => {
    const remembered = parcel({ memory: { stalledSince: '2026-03-03T15:00:00.000Z', lateFor: null, digestDay: null, digestThrough: null } });
    expect(watchShipment(remembered, rules, new Date('2026-03-05T20:00:00Z')).triggers.filter((t) => t.kind !== 'transit_digest')).toEqual([]);
    const moved = { ...remembered, lastEventAt: '2026-03-05T21:00:00.000Z' };
    expect(watchShipment(moved, rules, new Date('2026-03-07T21:01:00Z')).triggers[0]).toMatchObject({ kind: 'late_by_estimate' });
    const movedOnTime = { ...moved, window: { from: '2026-03-09T08:00:00-05:00', to: '2026-03-09T20:00:00-05:00' } };
    expect(watchShipment(movedOnTime, rules, new Date('2026-03-07T21:01:00Z')).triggers).toEqual([{ kind: 'stalled', shipmentId: 'shp_1', since: '2026-03-05T21:00:00.000Z' }]);
  });

  it('follows the lane’s own threshold', () => {
    const lane = { ...rules, stallAfterMinutes: 10 * 60 };
    expect(watchShipment(parcel(), lane, new Date('2026-03-04T01:01:00Z')).triggers[0]).toMatchObject({ kind: 'stalled' });
  });

  it('only for a parcel in transit: not before pickup, not out for delivery, never after delivery', () => {
    const late = new Date('2026-03-05T16:00:00Z');
    for (const status of ['info_received', 'out_for_delivery', 'delivered', 'exception', 'attempt_failed']) {
      expect(watchShipment(parcel({ status }), rules, late).triggers.filter((t) => t.kind === 'stalled')).toEqual([]);
    }
  });

  it('not for a silence that began long before tracking did (a backfill)', () => {
    const imported = parcel({ createdAt: '2026-03-10T00:00:00.000Z', window: null });
    expect(watchShipment(imported, rules, new Date('2026-03-10T01:00:00Z')).triggers).toEqual([]);
  });
});

describe('late by estimate: the window has passed', () => {
  const after = new Date('2026-03-07T03:00:00Z'); // 21:00 on the 6th in Chicago, the window closed at 20:00

  it('fires once when the window’s end has passed, for a parcel still on its way', () => {
    const outcome = watchShipment(parcel({ lastEventAt: '2026-03-06T20:00:00.000Z' }), rules, after);
    expect(outcome.triggers).toEqual([{ kind: 'late_by_estimate', shipmentId: 'shp_1', since: '2026-03-06T20:00:00-06:00' }]);
    expect(outcome.remember.lateFor).toBe('2026-03-06T20:00:00-06:00');
    for (const status of ['info_received', 'out_for_delivery']) expect(watchShipment(parcel({ status }), rules, after).triggers[0]).toMatchObject({ kind: 'late_by_estimate' });
    expect(watchShipment(parcel({ status: 'delivered' }), rules, after).triggers).toEqual([]);
  });

  it('not again for the same window; again when a revised window passes too', () => {
    const told = parcel({ memory: { stalledSince: '2026-03-03T15:00:00.000Z', lateFor: '2026-03-06T20:00:00-06:00', digestDay: '2026-03-06', digestThrough: '2026-03-03T15:00:00.000Z' } });
    expect(watchShipment(told, rules, after).triggers).toEqual([]);
    const revised = { ...told, window: { from: '2026-03-09T08:00:00-05:00', to: '2026-03-09T20:00:00-05:00' } };
    expect(watchShipment(revised, rules, new Date('2026-03-10T02:00:00Z')).triggers[0]).toMatchObject({ kind: 'late_by_estimate', since: '2026-03-09T20:00:00-05:00' });
  });

  it('a late parcel that has also stalled hears it once', () => {
    const outcome = watchShipment(parcel(), rules, new Date('2026-03-07T03:00:00Z'));
    expect(outcome.triggers.map((t) => t.kind)).toEqual(['late_by_estimate']);
    // …and the silence is covered too: no stall message for it later.
    const later = watchShipment(parcel({ memory: { stalledSince: null, lateFor: null, digestDay: null, digestThrough: null, ...outcome.remember } }), rules, new Date('2026-03-08T03:00:00Z'));
    expect(later.triggers).toEqual([]);
  });
});

describe('the in-transit digest', () => {
  it('goes after the digest hour on the recipient’s clock, once a local day, only with news', () => {
    const beforeSix = watchShipment(parcel(), rules, new Date('2026-03-03T23:59:00Z')); // 17:59 in Chicago
    expect(beforeSix.triggers).toEqual([]);
    const atSix = watchShipment(parcel(), rules, new Date('2026-03-04T00:00:00Z'));
    expect(atSix.triggers).toEqual([{ kind: 'transit_digest', shipmentId: 'shp_1', day: '2026-03-03' }]);
    expect(atSix.remember).toEqual({ digestDay: '2026-03-03', digestThrough: '2026-03-03T15:00:00.000Z' });

    const sent = parcel({ memory: { stalledSince: null, lateFor: null, ...atSix.remember } as WatchedShipment['memory'] });
    const sameEvening = watchShipment({ ...sent, lastEventAt: '2026-03-04T02:00:00.000Z' }, rules, new Date('2026-03-04T03:00:00Z'));
    expect(sameEvening.triggers).toEqual([]); // a later scan the same day waits for tomorrow
    const nextEveningNoNews = watchShipment(sent, rules, new Date('2026-03-05T00:30:00Z'));
    expect(nextEveningNoNews.triggers).toEqual([]);
    const nextEvening = watchShipment({ ...sent, lastEventAt: '2026-03-04T16:00:00.000Z' }, rules, new Date('2026-03-05T00:30:00Z'));
    expect(nextEvening.triggers).toEqual([{ kind: 'transit_digest', shipmentId: 'shp_1', day: '2026-03-04' }]);
  });

  it('only in transit, and not when the brand switched it off', () => {
    const evening = new Date('2026-03-04T01:00:00Z');
    expect(watchShipment(parcel({ status: 'out_for_delivery' }), rules, evening).triggers).toEqual([]);
    expect(watchShipment(parcel(), { ...rules, digestOn: false }, evening).triggers).toEqual([]);
  });

  it('never by SMS, even when a brand turns SMS on for it', () => {
    const decisions = decideNotifications({
      trigger: { kind: 'transit_digest', shipmentId: 'shp_1', day: '2026-03-03' },
      settings: { ...DEFAULT_NOTIFICATION_SETTINGS, channels: { in_transit_digest: { email: true, sms: true } } },
      recipient: { email: 'a@example.com', phone: '+14155550123', emailOptedOut: false, smsOptedOut: false, smsConsent: true, timeZone: 'America/Chicago' },
      alreadySent: new Set(),
      smsSentForShipment: 0,
      now: new Date('2026-03-04T00:00:00Z'),
    });
    expect(decisions.map((d) => [d.channel, d.send, d.heldReason ?? null])).toEqual([
      ['email', true, null],
      ['sms', false, 'not_for_sms'],
    ]);
  });
});

describe('lane figures', () => {
  it('a lane is carrier × service × the destination’s region', () => {
    expect(laneKey({ carrier: 'UPS', service: 'Ground' }, { country: 'US', region: 'TX', postalCode: '78701' })).toBe('ups|ground|US-TX');
    expect(laneKey({ carrier: 'dhl', service: null }, { country: 'DE', region: null })).toBe('dhl|default|DE');
    expect(laneKey({ carrier: 'dhl', service: null }, null)).toBe('dhl|default|unknown');
  });

  it('the longest silence from pickup on; the wait for pickup does not count', () => {
    const events = [
      { status: 'info_received', occurredAt: '2026-03-01T00:00:00Z' },
      { status: 'in_transit', occurredAt: '2026-03-03T00:00:00Z' },
      { status: 'in_transit', occurredAt: '2026-03-03T10:00:00Z' },
      { status: 'in_transit', occurredAt: null },
      { status: 'delivered', occurredAt: '2026-03-04T08:30:00Z' },
    ];
    expect(longestGapMinutes(events)).toBe(22.5 * 60);
    expect(longestGapMinutes(events.slice(0, 2))).toBeNull();
  });

  it('buckets of 30 minutes, named by their upper edge, capped at 30 days', () => {
    expect([0, 1, 30, 31, 600].map(bucketOf)).toEqual([30, 30, 30, 60, 600]);
    expect(bucketOf(90 * 24 * 60)).toBe(30 * 24 * 60);
  });

  it('the 90th percentile needs 30 parcels, and never under-estimates', () => {
    const rows = (counts: Record<number, number>) => Object.entries(counts).map(([bucket, shipments]) => ({ bucketMinutes: Number(bucket), shipments }));
    expect(percentileFromHistogram(rows({ 600: 29 }))).toBeNull();
    expect(percentileFromHistogram(rows({ 600: 27, 1200: 3 }))).toBe(600); // rank 27 of 30
    expect(percentileFromHistogram(rows({ 1200: 4, 600: 26 }))).toBe(1200); // rank 27 falls among the long ones
    expect(percentileFromHistogram(rows({ 30: 90, 3000: 10 }))).toBe(30);
    expect(percentileFromHistogram(rows({ 30: 89, 3000: 11 }))).toBe(3000);
  });
});

describe('a moved delivery window (estimate_revised)', () => {
  const promised = { from: '2026-03-05T08:00:00-06:00', to: '2026-03-06T20:00:00-06:00' };
  const revision = (overrides: Partial<EstimateRevisedTrigger>): EstimateRevisedTrigger => ({
    kind: 'estimate_revised',
    shipmentId: 'shp_1',
    previous: { from: '2026-03-06T08:00:00-06:00', to: '2026-03-06T20:00:00-06:00' },
    next: { from: '2026-03-09T08:00:00-05:00', to: '2026-03-09T20:00:00-05:00' },
    promised,
    timeZone: 'America/Chicago',
    ...overrides,
  });
  const planned = (trigger: EstimateRevisedTrigger) => plannedMessages(trigger).map((p) => `${p.milestone}:${p.occurrence}`);

  it('later than the last window and the promise: delayed, once per new last day', () => {
    expect(planned(revision({}))).toEqual(['delayed:until-2026-03-09']);
    expect(planned(revision({ next: { from: '2026-03-09T09:00:00-05:00', to: '2026-03-09T12:00:00-05:00' } }))).toEqual(['delayed:until-2026-03-09']);
  });

  it('our own first window past the promise is a delay; the carrier’s first window is compared with the promise too', () => {
    expect(planned(revision({ previous: null }))).toEqual(['delayed:until-2026-03-09']);
    expect(planned(revision({ previous: null, next: promised }))).toEqual([]);
  });

  it('later than the carrier said before, but still inside the promise: nothing to tell', () => {
    expect(planned(revision({ previous: { from: '2026-03-04T08:00:00-06:00', to: '2026-03-04T20:00:00-06:00' }, next: promised }))).toEqual([]);
  });

  it('new hours on the same day, or the same instant in another offset: nothing', () => {
    expect(planned(revision({ next: { from: '2026-03-06T10:00:00-06:00', to: '2026-03-06T23:30:00-06:00' } }))).toEqual([]);
    expect(planned(revision({ next: { from: '2026-03-06T14:00:00Z', to: '2026-03-07T02:00:00Z' } }))).toEqual([]);
  });

  it('ending before the promised window begins: ahead of schedule, sharing one message with "shipped early"', () => {
    const early = revision({ previous: null, next: { from: '2026-03-04T08:00:00-06:00', to: '2026-03-04T20:00:00-06:00' } });
    expect(planned(early)).toEqual(['shipped_early:first']);
    expect(planned(revision({ previous: null, next: { from: '2026-03-05T08:00:00-06:00', to: '2026-03-05T20:00:00-06:00' } }))).toEqual([]);
    expect(planned(revision({ previous: null, promised: null }))).toEqual([]);
  });
});



describe('a delay message of a moved window counts the silence as announced (announcesDelay)', () => {
  it('any delay decision does, sent or not, except a window that had ended before it arrived', () => {
    expect(announcesDelay([{ milestone: 'delayed' }])).toBe(true);
    expect(announcesDelay([{ milestone: 'delayed', heldReason: 'milestone_off' }])).toBe(true);
    expect(announcesDelay([{ milestone: 'delayed', heldReason: 'already_sent' }])).toBe(true);
    expect(announcesDelay([{ milestone: 'delayed', heldReason: 'stale' }])).toBe(false);
    expect(announcesDelay([{ milestone: 'shipped_early' }])).toBe(false);
    expect(announcesDelay([])).toBe(false);
  });
});
