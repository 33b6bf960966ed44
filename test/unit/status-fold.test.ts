import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  COMMAND_TRANSITIONS,
  decideCommand,
  EMPTY_FOLD,
  type FoldEvent,
  foldEvents,
  SHIPMENT_COMMANDS,
  viewOf,
} from '../../src/shipments/status.js';
import { EXCEPTION_REASONS, SHIPMENT_STATUSES, type ShipmentStatus } from '../../src/shipments/vocabulary.js';
import { failedAttemptsPassedThrough } from '../../src/shipments/ingest.js';

let n = 0;
const ev = (status: ShipmentStatus, occurredAt: string | null, extra: Partial<FoldEvent> = {}): FoldEvent => {
  n += 1;
  return { id: `evt_${n}`, dedupeKey: `k${n}`, status, reason: null, delayed: false, occurredAt, ...extra };
};
const fold = (events: FoldEvent[]) => viewOf(foldEvents(EMPTY_FOLD, events));

describe('the fold rule', () => {
  it('is pending with no events', () => {
    expect(fold([])).toEqual({ status: 'pending', reason: null, delayed: false, correction: false });
  });

  it('takes the status of the newest event, whatever the arrival order', () => {
    const label = ev('info_received', '2026-03-01T10:00:00Z');
    const pickup = ev('in_transit', '2026-03-01T18:00:00Z');
    const ofd = ev('out_for_delivery', '2026-03-03T08:00:00Z');
    expect(fold([label, pickup, ofd]).status).toBe('out_for_delivery');
    expect(fold([ofd, label, pickup]).status).toBe('out_for_delivery');
  });

  it('never moves backwards on a stale scan', () => {
    const delivered = ev('delivered', '2026-03-03T15:00:00Z');
    const lateOldScan = ev('in_transit', '2026-03-02T09:00:00Z');
    const view = fold([delivered, lateOldScan]);
    expect(view.status).toBe('delivered');
    expect(view.correction).toBe(false);
  });

  it('breaks a tie in time by stage order', () => {
    const at = '2026-03-03T15:00:00Z';
    expect(fold([ev('delivered', at), ev('out_for_delivery', at)]).status).toBe('delivered');
    expect(fold([ev('out_for_delivery', at), ev('delivered', at)]).status).toBe('delivered');
  });

  it('applies a newer event that leaves a terminal status and flags it as a correction', () => {
    const delivered = ev('delivered', '2026-03-03T15:00:00Z');
    const ofdNextDay = ev('out_for_delivery', '2026-03-04T08:00:00Z');
    expect(fold([delivered, ofdNextDay])).toMatchObject({ status: 'out_for_delivery', correction: true });
    // Delivered again afterwards: the correction is over.
    expect(fold([delivered, ofdNextDay, ev('delivered', '2026-03-04T14:00:00Z')])).toMatchObject({ status: 'delivered', correction: false });
  });

  it('stores but does not fold events without a usable time', () => {
    expect(fold([ev('in_transit', '2026-03-01T18:00:00Z'), ev('delivered', null)]).status).toBe('in_transit');
  });

  it('stores but does not fold events whose status was carried from the event before them', () => {
    const delivered = ev('delivered', '2026-03-03T18:15:53Z');
    // A delivery photo stored with what was known when it came (out for delivery): it never decides.
    const photo = ev('out_for_delivery', '2026-03-03T18:16:30Z', { statusCarried: true });
    expect(fold([ev('out_for_delivery', '2026-03-03T14:15:19Z'), delivered, photo])).toEqual({ status: 'delivered', reason: null, delayed: false, correction: false });
    // Nor does one stored before the scan it follows arrived late.
    const update = ev('in_transit', '2026-03-03T14:16:00Z', { statusCarried: true, delayed: true });
    expect(fold([ev('in_transit', '2026-03-03T11:00:00Z'), update, ev('out_for_delivery', '2026-03-03T14:15:19Z')])).toEqual({ status: 'out_for_delivery', reason: null, delayed: false, correction: false });
    expect(fold([update])).toMatchObject({ status: 'pending' });
  });

  it('keeps delayed while the parcel moves on, and drops it once delivered', () => {
    const delay = ev('in_transit', '2026-03-02T10:00:00Z', { delayed: true, reason: 'weather' });
    const hub = ev('in_transit', '2026-03-02T20:00:00Z');
    expect(fold([delay, hub])).toMatchObject({ status: 'in_transit', delayed: true, reason: 'weather' });
    expect(fold([delay, hub, ev('delivered', '2026-03-04T12:00:00Z')])).toMatchObject({ status: 'delivered', delayed: false, reason: null });
  });

  it('carries the reason of an exception', () => {
    expect(fold([ev('exception', '2026-03-02T10:00:00Z', { reason: 'damaged' })])).toMatchObject({ status: 'exception', reason: 'damaged' });
  });

  it('folds incrementally to the same answer as from scratch', () => {
    const events = [ev('info_received', '2026-03-01T10:00:00Z'), ev('in_transit', '2026-03-01T18:00:00Z'), ev('delivered', '2026-03-03T08:00:00Z')];
    const stepwise = events.reduce((state, e) => foldEvents(state, [e]), EMPTY_FOLD);
    expect(viewOf(stepwise)).toEqual(fold(events));
  });
});

describe('property: any permutation and duplication of the same events gives the same shipment', () => {
  const statusArb = fc.constantFrom(...SHIPMENT_STATUSES);
  const eventArb = fc.record({
    status: statusArb,
    reason: fc.option(fc.constantFrom(...EXCEPTION_REASONS), { nil: null }),
    delayed: fc.boolean(),
    // A small range of times so ties in time happen often.
    minute: fc.option(fc.integer({ min: 0, max: 20 }), { nil: null, freq: 8 }),
    statusCarried: fc.boolean(),
  });
  const eventsArb = fc.uniqueArray(eventArb, { minLength: 0, maxLength: 12, selector: (e) => JSON.stringify(e) }).map((list) =>
    list.map(
      (e, i): FoldEvent => ({
        id: `evt_${i}`,
        dedupeKey: `key_${JSON.stringify(e)}`,
        status: e.status,
        reason: e.reason,
        delayed: e.delayed,
        occurredAt: e.minute === null ? null : new Date(Date.UTC(2026, 2, 1, 0, e.minute)).toISOString(),
        statusCarried: e.statusCarried,
      }),
    ),
  );

  it('holds for shuffles, duplicates and incremental arrival', () => {
    fc.assert(
      fc.property(
        eventsArb,
        fc.array(fc.nat(), { maxLength: 30 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        fc.integer({ min: 1, max: 5 }),
        (events, shuffleKeys, dupPicks, chunk) => {
          const reference = fold(events);
          const dups = events.length ? dupPicks.map((p) => events[p % events.length]!) : [];
          const mixed = [...events, ...dups]
            .map((e, i) => ({ e, k: shuffleKeys[i % Math.max(1, shuffleKeys.length)] ?? i }))
            .sort((a, b) => a.k - b.k)
            .map((x) => x.e);
          let state = EMPTY_FOLD;
          for (let i = 0; i < mixed.length; i += chunk) state = foldEvents(state, mixed.slice(i, i + chunk));
          expect(viewOf(state)).toEqual(reference);
          expect(fold([...mixed].reverse())).toEqual(reference);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('commands through the strict transition table', () => {
  const view = (status: ShipmentStatus, reason: FoldEvent['reason'] = null) => ({ status, reason, delayed: false, correction: false });

  it('cancels a label that has not been picked up', () => {
    expect(decideCommand(view('info_received'), 'cancel')).toEqual({ ok: true, value: { status: 'cancelled', reason: 'cancelled_by_sender' } });
  });

  it('refuses to cancel a parcel in transit, naming where it is', () => {
    const result = decideCommand(view('in_transit'), 'cancel');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('invalid_transition');
      expect(result.error.message).toContain('in_transit');
    }
  });

  it('marks lost as an exception with reason lost, once', () => {
    expect(decideCommand(view('in_transit'), 'mark_lost')).toEqual({ ok: true, value: { status: 'exception', reason: 'lost' } });
    expect(decideCommand(view('exception', 'lost'), 'mark_lost').ok).toBe(false);
  });

  it('allows no command out of a terminal status', () => {
    for (const status of ['delivered', 'returned', 'cancelled', 'expired'] as const) {
      for (const command of SHIPMENT_COMMANDS) expect(decideCommand(view(status), command).ok).toBe(false);
    }
  });

  it('matches the table for every status and command', () => {
    for (const status of SHIPMENT_STATUSES) {
      for (const command of SHIPMENT_COMMANDS) {
        const allowed = COMMAND_TRANSITIONS[command].from.includes(status);
        expect(decideCommand(view(status), command).ok).toBe(allowed);
      }
    }
  });
});

describe('failed attempts passed through in one ingest (failedAttemptsPassedThrough)', () => {
  const row = (id: string, status: ShipmentStatus, at: string) => ({ id, status, occurred_at: at, occurred_at_raw: null });
  it('the failures newer than the last head and not the new head, oldest first, each numbered among the failures folded', () => {
    const fresh = [row('e3', 'in_transit', '2026-03-10T23:00:00.000Z'), row('e2', 'attempt_failed', '2026-03-10T19:00:00.000Z'), row('e1', 'out_for_delivery', '2026-03-10T14:00:00.000Z')];
    expect(failedAttemptsPassedThrough('2026-03-10T12:00:00.000Z', 'e3', fresh, ['2026-03-10T19:00:00.000Z'])).toEqual([{ occurredAt: '2026-03-10T19:00:00.000Z', attemptNumber: 1 }]);
    // Ending in a second failure: that one is the change itself; the first is the first.
    const twice = [row('a', 'attempt_failed', '2026-03-10T15:00:00.000Z'), row('b', 'out_for_delivery', '2026-03-11T14:00:00.000Z'), row('c', 'attempt_failed', '2026-03-11T19:00:00.000Z')];
    const failures = ['2026-03-10T15:00:00.000Z', '2026-03-11T19:00:00.000Z'];
    expect(failedAttemptsPassedThrough('2026-03-10T12:00:00.000Z', 'c', twice, failures)).toEqual([{ occurredAt: '2026-03-10T15:00:00.000Z', attemptNumber: 1 }]);
    // History arriving late (older than what the shipment already showed) is not news.
    expect(failedAttemptsPassedThrough('2026-03-12T00:00:00.000Z', 'x', twice, failures)).toEqual([]);
  });

  it('an update that carries attempt_failed forward (a new delivery time after the attempt) is no failure of its own', () => {
    const fresh = [row('a', 'attempt_failed', '2026-03-10T15:00:00.000Z'), { ...row('u', 'attempt_failed', '2026-03-10T15:05:00.000Z'), status_carried: 1 as const }, row('b', 'in_transit', '2026-03-10T20:00:00.000Z')];
    expect(failedAttemptsPassedThrough('2026-03-10T12:00:00.000Z', 'b', fresh, ['2026-03-10T15:00:00.000Z'])).toEqual([{ occurredAt: '2026-03-10T15:00:00.000Z', attemptNumber: 1 }]);
  });
});
