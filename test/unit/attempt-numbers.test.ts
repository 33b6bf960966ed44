// The customer's delivery attempt numbers, pure: the fold keeps when each failed attempt happened,
// a change is numbered when it is folded, and a job queued without numbers counts only the failed
// attempts at or before its change.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { TrackingEventInput } from '../../src/carriers/types.js';
import { numberedAttempts } from '../../src/notifications/pipeline.js';
import { eventRowsOf, type FoldableShipment, foldIntoShipment, type NewEventRow } from '../../src/shipments/ingest.js';
import { attemptNumberAt, EMPTY_FOLD, type FoldEvent, foldEvents, type FoldState } from '../../src/shipments/status.js';
import { SHIPMENT_STATUSES, type ShipmentStatus } from '../../src/shipments/vocabulary.js';

let n = 0;
const ev = (status: ShipmentStatus, occurredAt: string | null, extra: Partial<FoldEvent> = {}): FoldEvent => {
  n += 1;
  return { id: `evt_${n}`, dedupeKey: `k${n}`, status, reason: null, delayed: false, occurredAt, ...extra };
};

describe('the fold keeps when each failed delivery attempt happened', () => {
  it('oldest first, one per instant (the same miss from a poll and a webhook), not carried updates nor events without a time', () => {
    const state = foldEvents(EMPTY_FOLD, [
      ev('attempt_failed', '2026-03-11T16:00:00.000Z'),
      ev('out_for_delivery', '2026-03-11T14:00:00.000Z'),
      ev('attempt_failed', '2026-03-10T19:00:00.000Z'),
      ev('attempt_failed', '2026-03-10T19:00:00.000Z', { dedupeKey: 'the same miss, other text' }),
      ev('attempt_failed', '2026-03-10T20:00:00.000Z', { statusCarried: true }),
      ev('attempt_failed', null),
    ]);
    expect(state.failures).toEqual(['2026-03-10T19:00:00.000Z', '2026-03-11T16:00:00.000Z']);
  });

  it('whatever the order and chunks the events come in, and however often', () => {
    const minute = (m: number) => new Date(Date.UTC(2026, 2, 1, 0, m)).toISOString();
    const eventArb = fc.record({ status: fc.constantFrom<ShipmentStatus>('attempt_failed', 'out_for_delivery', ...SHIPMENT_STATUSES), minute: fc.integer({ min: 0, max: 10 }), statusCarried: fc.boolean() });
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 12 }), fc.integer({ min: 1, max: 4 }), (drawn, chunk) => {
        const events = drawn.map((e, i): FoldEvent => ({ id: `e${i}`, dedupeKey: `k${i}`, status: e.status, reason: null, delayed: false, occurredAt: minute(e.minute), statusCarried: e.statusCarried }));
        const reference = foldEvents(EMPTY_FOLD, events).failures;
        let state = EMPTY_FOLD;
        const mixed = [...events].reverse().concat(events.slice(0, 3));
        for (let i = 0; i < mixed.length; i += chunk) state = foldEvents(state, mixed.slice(i, i + chunk));
        expect(state.failures).toEqual(reference);
        expect(reference).toEqual([...new Set(events.filter((e) => e.status === 'attempt_failed' && !e.statusCarried).map((e) => e.occurredAt!))].sort());
      }),
      { numRuns: 300 },
    );
  });

  it('a state folded before failures were kept stays without them (unknown); one with nothing folded yet starts counting', () => {
    const before: FoldState = { head: { eventId: 'e', dedupeKey: 'k', occurredAt: '2026-03-10T19:00:00.000Z', status: 'attempt_failed', reason: null }, terminal: null, delay: null };
    expect(foldEvents(before, [ev('attempt_failed', '2026-03-11T16:00:00.000Z')]).failures).toBeUndefined();
    expect(foldEvents({ head: null, terminal: null, delay: null }, [ev('attempt_failed', '2026-03-11T16:00:00.000Z')]).failures).toEqual(['2026-03-11T16:00:00.000Z']);
  });
});

describe('attemptNumberAt: the attempt a change belongs to', () => {
  const failures = ['2026-03-10T19:00:00.000Z', '2026-03-11T16:00:00.000Z'];
  it('a failed attempt is the how-manyth failure it is; anything else belongs to the attempt after the failures before it', () => {
    expect(attemptNumberAt(failures, { status: 'attempt_failed', occurredAt: '2026-03-10T19:00:00.000Z' })).toBe(1);
    expect(attemptNumberAt(failures, { status: 'attempt_failed', occurredAt: '2026-03-11T16:00:00.000Z' })).toBe(2);
    expect(attemptNumberAt(failures, { status: 'out_for_delivery', occurredAt: '2026-03-10T14:00:00.000Z' })).toBe(1);
    expect(attemptNumberAt(failures, { status: 'out_for_delivery', occurredAt: '2026-03-11T14:00:00.000Z' })).toBe(2);
    expect(attemptNumberAt(failures, { status: 'out_for_delivery', occurredAt: '2026-03-12T09:00:00.000Z' })).toBe(3);
  });

  it('never counts a failure after the change, and is at least 1', () => {
    expect(attemptNumberAt(failures, { status: 'out_for_delivery', occurredAt: '2026-03-10T18:59:59.000Z' })).toBe(1);
    expect(attemptNumberAt([], { status: 'attempt_failed', occurredAt: '2026-03-10T19:00:00.000Z' })).toBe(1);
  });
});

describe('a status change is numbered when it is folded (foldIntoShipment)', () => {
  const RECORDED = '2026-03-12T10:00:00.000Z';
  const shipmentWith = (state: FoldState, status: ShipmentStatus): FoldableShipment => ({
    id: 'shp_1', brand_id: 'brd_1', order_id: 'ord_1', status, reason: null, delayed: 0, correction: 0, fold_state: JSON.stringify(state),
    estimated_from: null, estimated_to: null, status_changed_at: null, last_event_at: null, event_count: 0, updated_at: RECORDED,
  });
  const rows = (events: Array<[ShipmentStatus, string]>): NewEventRow[] =>
    eventRowsOf({ id: 'shp_1', brand_id: 'brd_1' }, 'api', events.map(([status, occurredAt]): TrackingEventInput => ({ status, occurredAt })), RECORDED);
  const fold = (shipment: FoldableShipment, events: Array<[ShipmentStatus, string]>) =>
    foldIntoShipment(shipment, rows(events), events.length, null, RECORDED).jobs.find((job) => job.kind === 'shipment.status_changed')?.payload as Record<string, unknown>;

  it('the change and the failures it went through carry their numbers, from the failures at or before each', () => {
    const shipment = shipmentWith(EMPTY_FOLD, 'pending');
    expect(fold(shipment, [['in_transit', '2026-03-10T12:00:00Z'], ['out_for_delivery', '2026-03-10T14:00:00Z'], ['attempt_failed', '2026-03-10T19:00:00Z']])).toMatchObject({ attemptNumber: 1 });
    expect(fold(shipment, [['out_for_delivery', '2026-03-11T14:00:00Z']])).toMatchObject({ attemptNumber: 2 });
    const passed = fold(shipment, [['attempt_failed', '2026-03-11T16:00:00Z'], ['in_transit', '2026-03-11T20:00:00Z']]);
    expect(passed).toMatchObject({ attemptNumber: 3, failedAttemptsPassed: [{ occurredAt: '2026-03-11T16:00:00Z', attemptNumber: 2 }] });
    // A miss reported after a newer scan: history, not announced, but the next van counts it.
    expect(fold(shipment, [['attempt_failed', '2026-03-11T10:00:00Z']])).toBeUndefined();
    expect(fold(shipment, [['out_for_delivery', '2026-03-12T09:00:00Z']])).toMatchObject({ attemptNumber: 4 });
  });

  it('a failed attempt right after another (no scan between) is a change of its own; the same miss reported again is not', () => {
    const shipment = shipmentWith(EMPTY_FOLD, 'pending');
    expect(fold(shipment, [['in_transit', '2026-03-10T12:00:00Z'], ['attempt_failed', '2026-03-10T19:00:00Z']])).toMatchObject({ attemptNumber: 1 });
    expect(fold(shipment, [['attempt_failed', '2026-03-11T16:00:00Z']])).toMatchObject({ from: { status: 'attempt_failed' }, to: { status: 'attempt_failed' }, attemptNumber: 2 });
    const reportedAgain = eventRowsOf(shipment, 'carrier_webhook', [{ status: 'attempt_failed', occurredAt: '2026-03-11T16:00:00Z', carrierText: 'Receiver not available' }], RECORDED);
    expect(foldIntoShipment(shipment, reportedAgain, 1, null, RECORDED).jobs).toEqual([]);
  });

  it('a shipment folded before its failures were kept gets no numbers: the job counts them', () => {
    const old = { head: { eventId: 'e', dedupeKey: 'k', occurredAt: '2026-03-10T19:00:00.000Z', status: 'attempt_failed' as const, reason: null }, terminal: null, delay: null };
    const payload = fold(shipmentWith(old, 'attempt_failed'), [['out_for_delivery', '2026-03-11T14:00:00Z'], ['attempt_failed', '2026-03-11T16:00:00Z'], ['in_transit', '2026-03-11T20:00:00Z']]);
    expect(payload).not.toHaveProperty('attemptNumber');
    expect(payload.failedAttemptsPassed).toEqual([{ occurredAt: '2026-03-11T16:00:00Z' }]);
  });
});

describe('numberedAttempts: the numbers a message job uses', () => {
  const stored = ['2026-03-10T19:00:00.000Z', '2026-03-11T16:00:00.000Z', '2026-03-12T16:00:00.000Z'];
  const to = (status: ShipmentStatus) => ({ status, reason: null, delayed: false, correction: false });

  it('those decided at fold time, whatever was stored since', () => {
    expect(numberedAttempts({ to: to('attempt_failed'), attemptNumber: 1, failedAttemptsPassed: [{ occurredAt: '2026-03-10T19:00:00Z', attemptNumber: 1 }] }, '2026-03-11T16:00:00.000Z', stored)).toEqual({
      attemptNumber: 1,
      failedAttemptsPassed: [{ occurredAt: '2026-03-10T19:00:00Z', attemptNumber: 1 }],
    });
  });

  it('for a job queued without them, counted among the failures at or before the change and each passed failure, not those after', () => {
    expect(numberedAttempts({ to: to('attempt_failed') }, '2026-03-10T19:00:00.000Z', stored)).toEqual({ attemptNumber: 1, failedAttemptsPassed: [] });
    expect(numberedAttempts({ to: to('out_for_delivery') }, '2026-03-11T14:00:00.000Z', stored).attemptNumber).toBe(2);
    // A passed failure's time as the carrier wrote it (with its offset).
    const passed = numberedAttempts({ to: to('in_transit'), failedAttemptsPassed: [{ occurredAt: '2026-03-11T11:00:00-05:00' }] }, '2026-03-11T20:00:00.000Z', stored);
    expect(passed.failedAttemptsPassed).toEqual([{ occurredAt: '2026-03-11T11:00:00-05:00', attemptNumber: 2 }]);
  });
});
