// carryStatusesByTime: the status an update that does not move the parcel (keep_previous) is
// stored with on the inbox path: the status at its own time, from the stored events and the
// batch's own, never from a stored carried event, and its stored copy's when it is sent again.
import { describe, expect, it } from 'vitest';
import type { DraftEvent } from '../../src/carriers/parse-kit.js';
import { carryStatusesByTime, type StoredEvent } from '../../src/shipments/carried.js';
import { normalizeEvent } from '../../src/shipments/events.js';

const scan = (status: DraftEvent['status'], occurredAt: string | null, carrierCode: string, extra: Partial<DraftEvent> = {}): DraftEvent => ({ status, occurredAt, carrierCode, carrierText: carrierCode, ...extra });
const stored = (event: DraftEvent, carried = false): StoredEvent => {
  const n = normalizeEvent({ ...event, status: event.status === 'keep_previous' ? 'in_transit' : event.status });
  return { dedupe_key: n.dedupeKey, status: n.status, reason: n.reason, delayed: n.delayed ? 1 : 0, occurred_at: n.occurredAt, status_carried: carried ? 1 : 0 };
};
const carried = (events: ReturnType<typeof carryStatusesByTime>) => events.map((e) => [e.carrierCode, e.status, e.statusCarried ?? false]);

const AR = scan('in_transit', '2026-03-02T06:00:00-05:00', 'AR');
const OT = scan('out_for_delivery', '2026-03-02T09:15:19-05:00', 'OT');
const UT = scan('keep_previous', '2026-03-02T09:16:00-05:00', 'UT');
const FS = scan('delivered', '2026-03-02T13:15:53-05:00', 'FS');
const PX = scan('keep_previous', '2026-03-02T18:16:30Z', 'PX');

describe('carryStatusesByTime', () => {
  it('leaves events with a status of their own as they are', () => {
    expect(carryStatusesByTime([AR, OT], [])).toEqual([AR, OT]);
  });

  it('takes the status of the latest event at or before the update, from the batch in any order', () => {
    expect(carried(carryStatusesByTime([PX, FS], [stored(OT)]))).toEqual([
      ['PX', 'delivered', true],
      ['FS', 'delivered', false],
    ]);
    expect(carried(carryStatusesByTime([OT, UT, FS], [stored(AR)]))).toEqual([
      ['OT', 'out_for_delivery', false],
      ['UT', 'out_for_delivery', true],
      ['FS', 'delivered', false],
    ]);
  });

  it('takes it from the stored events, not from a later one, nor from a carried one that may be stale', () => {
    expect(carried(carryStatusesByTime([UT], [stored(AR), stored(FS)]))).toEqual([['UT', 'in_transit', true]]);
    // The UT stored in_transit before OT came: PX carries OT's status, not that stale one.
    const staleUT = stored(UT, true);
    expect(carried(carryStatusesByTime([PX], [stored(AR), staleUT, stored(OT)]))).toEqual([['PX', 'out_for_delivery', true]]);
  });

  it('carries reason and delay with the status, and info_received before any event', () => {
    const delayed = scan('exception', '2026-03-02T08:00:00-05:00', 'WX', { reason: 'weather', delayed: true });
    expect(carryStatusesByTime([delayed, UT], [])[1]).toMatchObject({ status: 'exception', reason: 'weather', delayed: true, statusCarried: true });
    expect(carryStatusesByTime([UT], [])[0]).toMatchObject({ status: 'info_received', reason: null, delayed: false, statusCarried: true });
  });

  it('an update without a time takes the latest status of all', () => {
    expect(carried(carryStatusesByTime([scan('keep_previous', null, 'PX')], [stored(AR), stored(FS)]))).toEqual([['PX', 'delivered', true]]);
  });

  it('an update sent again takes the status of its stored copy, so that its dedupe key is the same', () => {
    const first = carryStatusesByTime([UT], [stored(AR)])[0]!;
    const copy = { ...stored({ ...first }), status_carried: 1 as const };
    const again = carryStatusesByTime([UT], [stored(AR), copy, stored(OT)])[0]!;
    expect(again.status).toBe('in_transit');
    expect(normalizeEvent(again).dedupeKey).toBe(copy.dedupe_key);
    // A copy stored before statuses were carried by time (under the row's status then) is found too.
    const legacy = { ...stored({ ...UT, status: 'pending' }), status_carried: 0 as const };
    expect(carryStatusesByTime([UT], [stored(AR), legacy])[0]!.status).toBe('pending');
  });
});
