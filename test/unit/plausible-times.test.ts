// One rule for every time the API stores (lib/plausible-times.ts): from 2000 to a day ahead for
// what has happened, to a year ahead for what is promised; the answer names the range.
import { describe, expect, it } from 'vitest';
import { assertPlausibleTimes, sequenceProblem, timeProblem } from '../../src/lib/plausible-times.js';
import { DAY_MS } from '../../src/lib/time.js';
import { AppError } from '../../src/lib/errors.js';

const now = new Date('2026-03-02T15:00:00Z');

describe('timeProblem', () => {
  it('takes the edges of the range and refuses what lies just past them', () => {
    expect(timeProblem('2000-01-01T00:00:00Z', 'happened', now)).toBeNull();
    expect(timeProblem('1999-12-31T23:59:59.999Z', 'happened', now)).toBe('is before the year 2000 (allowed: 2000-01-01T00:00:00.000Z to 2026-03-03T15:00:00.000Z)');
    expect(timeProblem('2026-03-03T15:00:00Z', 'happened', now)).toBeNull();
    expect(timeProblem('2026-03-03T15:00:01Z', 'happened', now)).toBe('is more than a day in the future (allowed: 2000-01-01T00:00:00.000Z to 2026-03-03T15:00:00.000Z)');
    expect(timeProblem('2027-03-03T15:00:00Z', 'promised', now)).toBeNull();
    expect(timeProblem('2027-03-03T15:00:01Z', 'promised', now)).toBe('is more than a year in the future (allowed: 2000-01-01T00:00:00.000Z to 2027-03-03T15:00:00.000Z)');
  });

  it('reads offsets, calendar days, and leaves absent times alone', () => {
    expect(timeProblem('1999-12-31T23:30:00-01:00', 'happened', now)).toBeNull(); // 2000-01-01T00:30Z
    expect(timeProblem('0000-01-01T00:00:00Z', 'happened', now)).toMatch(/^is before the year 2000/);
    expect(timeProblem('2026-12-24', 'promised', now)).toBeNull();
    expect(timeProblem('9999-12-31', 'promised', now)).toMatch(/^is more than a year in the future/);
    expect(timeProblem(null, 'happened', now)).toBeNull();
    expect(timeProblem(undefined, 'promised', now)).toBeNull();
    expect(timeProblem('yesterday', 'happened', now)).toMatch(/^must be an ISO-8601 date-time/);
  });
});

describe('assertPlausibleTimes', () => {
  it('refuses with 422 naming every field that is out of range', () => {
    const refusal = (() => {
      try {
        assertPlausibleTimes([
          { field: 'placedAt', value: '9999-12-31T23:59:59Z', kind: 'happened' },
          { field: 'shipBy', value: '2026-03-10', kind: 'promised' },
          { field: 'events.0.occurredAt', value: '1970-01-01T00:00:00Z', kind: 'happened' },
        ], now);
      } catch (error) {
        return error;
      }
    })() as AppError;
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal.status).toBe(422);
    expect((refusal.details as Array<{ field: string }>).map((d) => d.field)).toEqual(['placedAt', 'events.0.occurredAt']);
    expect(refusal.message).toMatch(/^impossible time: placedAt is more than a day in the future .*; events\.0\.occurredAt is before the year 2000/);
  });

  it('refuses a time that comes before the one it must follow, with a day of slack when asked (a local date against an instant)', () => {
    const placed = { field: 'placedAt', value: '2026-03-01T20:00:00Z' };
    expect(sequenceProblem('2026-03-01', placed, DAY_MS)).toBeNull(); // the shop's own date, same day
    expect(sequenceProblem('2026-02-28', placed, DAY_MS)).toBe('is before placedAt (2026-03-01T20:00:00Z)');
    expect(sequenceProblem(undefined, placed)).toBeNull();
    const from = { field: 'estimatedDelivery.from', value: '2026-03-05T08:00:00Z' };
    expect(sequenceProblem('2026-03-05T08:00:00Z', from)).toBeNull();
    expect(sequenceProblem('2026-03-05T07:59:00Z', from)).toBe('is before estimatedDelivery.from (2026-03-05T08:00:00Z)');
  });
});
