import { describe, expect, it } from 'vitest';
import { planJourney } from '../../src/carriers/simulated/journey.js';
import {
  accelerate,
  eventsDueAt,
  eventsDueBetween,
  factorToFit,
  toJourneyTime,
  toWallTime,
} from '../../src/carriers/simulated/time-scale.js';

const DAY = 86_400_000;
const MINUTE = 60_000;

describe('the accelerated demo clock', () => {
  const journeyStart = '2026-03-02T12:00:00Z';
  const wallStart = '2026-07-01T09:00:00Z';

  it('plays a 3-day journey in 3 minutes', () => {
    const events = [0, 0.5, 1, 2.25, 3].map((days) => ({ occurredAt: new Date(Date.parse(journeyStart) + days * DAY).toISOString(), days }));
    const factor = factorToFit(journeyStart, events[events.length - 1].occurredAt, 3 * MINUTE);
    expect(factor).toBe(1440);
    const scheduled = accelerate(journeyStart, events, { factor, wallStart });
    expect(scheduled.map((e) => e.dueAt)).toEqual([
      '2026-07-01T09:00:00.000Z',
      '2026-07-01T09:00:30.000Z',
      '2026-07-01T09:01:00.000Z',
      '2026-07-01T09:02:15.000Z',
      '2026-07-01T09:03:00.000Z',
    ]);
    expect(scheduled[3].days).toBe(2.25); // the event itself is carried through
  });

  it('fits a real simulated journey into its wall window, in order', () => {
    const journey = planJourney({
      seed: 1,
      trackingNumber: 'SIM-TS-1',
      origin: { city: 'Columbus', region: 'OH', country: 'US' },
      destination: { city: 'Los Angeles', region: 'CA', country: 'US' },
      labelCreatedAt: journeyStart,
      scenario: 'happy',
    });
    const factor = factorToFit(journeyStart, journey.endsAt, 3 * MINUTE);
    const scheduled = accelerate(journeyStart, journey.events, { factor, wallStart });
    const dueMs = scheduled.map((e) => Date.parse(e.dueAt));
    expect(dueMs[0]).toBe(Date.parse(wallStart));
    expect(Math.abs(dueMs[dueMs.length - 1] - (Date.parse(wallStart) + 3 * MINUTE))).toBeLessThanOrEqual(1);
    for (let i = 1; i < dueMs.length; i++) expect(dueMs[i]).toBeGreaterThan(dueMs[i - 1]);
  });

  it('answers which events are due at a wall time, and which fell due during a tick', () => {
    const events = [1, 2, 3].map((minutes) => ({ occurredAt: new Date(Date.parse(journeyStart) + minutes * 1440 * MINUTE).toISOString(), minutes }));
    const scheduled = accelerate(journeyStart, events, { factor: 1440, wallStart });
    const at = (minutes: number) => new Date(Date.parse(wallStart) + minutes * MINUTE);
    expect(eventsDueAt(scheduled, at(0.5))).toEqual([]);
    expect(eventsDueAt(scheduled, at(2)).map((e) => e.minutes)).toEqual([1, 2]); // due exactly now counts
    expect(eventsDueAt(scheduled, at(10)).map((e) => e.minutes)).toEqual([1, 2, 3]);
    expect(eventsDueBetween(scheduled, at(1), at(3)).map((e) => e.minutes)).toEqual([2, 3]); // (after, until]
    expect(eventsDueBetween(scheduled, at(3), at(4))).toEqual([]);
  });

  it('maps both ways between journey time and wall time', () => {
    const scale = { journeyStart, wallStart, factor: 720 };
    const journeyTime = '2026-03-03T12:00:00Z'; // one day in: two minutes of wall time at 720x
    expect(toWallTime(journeyTime, scale).toISOString()).toBe('2026-07-01T09:02:00.000Z');
    expect(toJourneyTime(toWallTime(journeyTime, scale), scale).toISOString()).toBe('2026-03-03T12:00:00.000Z');
  });

  it('refuses a factor or window that makes no sense', () => {
    expect(() => accelerate(journeyStart, [], { factor: 0, wallStart })).toThrow(RangeError);
    expect(() => toWallTime(journeyStart, { journeyStart, wallStart, factor: 0 })).toThrow(RangeError);
    expect(() => toWallTime(journeyStart, { journeyStart, wallStart, factor: Number.NaN })).toThrow(RangeError);
    expect(() => factorToFit(journeyStart, journeyStart, MINUTE)).toThrow(RangeError);
    expect(() => factorToFit(journeyStart, '2026-03-05T12:00:00Z', 0)).toThrow(RangeError);
    expect(() => toWallTime('not a date', { journeyStart, wallStart, factor: 1 })).toThrow(RangeError);
  });
});
