import { describe, expect, it } from 'vitest';
import {
  DELIVERY_DAYS,
  HOUR_MS,
  localDayStart,
  localHour,
  localWeekday,
  nextWorkingDay,
  solarOffsetHours,
  timeZoneAt,
  utcOffsetHours,
  withinHours,
} from '../../src/carriers/simulated/local-time.js';

const COLUMBUS = { lat: 39.96, lon: -83.0 };
const at = (iso: string) => Date.parse(iso);

describe('local clocks', () => {
  it('use the legal time zone, daylight saving included', () => {
    expect(timeZoneAt(COLUMBUS)).toBe('America/New_York');
    expect(utcOffsetHours(COLUMBUS, at('2026-01-15T12:00:00Z'))).toBe(-5);
    expect(utcOffsetHours(COLUMBUS, at('2026-07-15T12:00:00Z'))).toBe(-4);
    expect(utcOffsetHours({ lat: 27.7, lon: 85.3 }, at('2026-01-15T12:00:00Z'))).toBe(5.75); // Kathmandu
    expect(utcOffsetHours({ lat: 51.5, lon: -0.12 }, at('2026-01-15T12:00:00Z'))).toBe(0);
  });

  it('fall back to solar time where no zone is known', () => {
    expect(timeZoneAt({ lat: 999, lon: 0 })).toBeNull();
    expect(utcOffsetHours({ lat: 999, lon: -118 }, 0)).toBe(solarOffsetHours(-118));
    expect(solarOffsetHours(-118)).toBe(-8);
    expect(solarOffsetHours(179.9)).toBe(12);
  });

  it('find the local day, hour and weekday', () => {
    const instant = at('2026-03-02T03:30:00Z'); // Sunday 22:30 in Columbus (UTC-5)
    const dayStart = localDayStart(instant, -5);
    expect(new Date(dayStart).toISOString()).toBe('2026-03-01T05:00:00.000Z');
    expect(localHour(instant, -5)).toBe(22.5);
    expect(localWeekday(dayStart, -5)).toBe(0);
  });

  it('move a scan outside opening hours to the next opening, plus the jitter', () => {
    const night = at('2026-03-02T03:30:00Z'); // 22:30 local: before a 23:00 close, stays
    expect(withinHours(night, COLUMBUS, 5, 23)).toBe(night);
    const late = at('2026-03-02T04:30:00Z'); // 23:30 local: next day at 05:00
    expect(new Date(withinHours(late, COLUMBUS, 5, 23, 10 * 60_000)).toISOString()).toBe('2026-03-02T10:10:00.000Z');
    const early = at('2026-03-02T08:00:00Z'); // 03:00 local: 05:00 the same day
    expect(new Date(withinHours(early, COLUMBUS, 5, 23)).toISOString()).toBe('2026-03-02T10:00:00.000Z');
  });

  it('open at 05:00 local on the night the clocks change', () => {
    // Sunday 1 November 2026, 01:30 EDT (UTC-4); by 05:00 it is EST (UTC-5): opening at 10:00Z.
    expect(new Date(withinHours(at('2026-11-01T05:30:00Z'), COLUMBUS, 5, 23)).toISOString()).toBe('2026-11-01T10:00:00.000Z');
    // Sunday 8 March 2026, 01:30 EST; by 05:00 it is EDT: opening at 09:00Z.
    expect(new Date(withinHours(at('2026-03-08T06:30:00Z'), COLUMBUS, 5, 23)).toISOString()).toBe('2026-03-08T09:00:00.000Z');
  });

  it('skip days that are not working days, and days already past their latest hour', () => {
    const saturdayEvening = at('2026-03-07T23:00:00Z'); // 18:00 local on Saturday
    // Deliveries run Monday to Saturday, vans leave by 09:30: Saturday is over, Sunday is off.
    expect(new Date(nextWorkingDay(saturdayEvening, -5, DELIVERY_DAYS, 9.5)).toISOString()).toBe('2026-03-09T05:00:00.000Z');
    const mondayDawn = at('2026-03-09T10:00:00Z'); // 05:00 local Monday
    expect(nextWorkingDay(mondayDawn, -5, DELIVERY_DAYS, 9.5)).toBe(localDayStart(mondayDawn, -5));
    expect(nextWorkingDay(mondayDawn, -5, DELIVERY_DAYS, 9.5) + 9.5 * HOUR_MS).toBeGreaterThan(mondayDawn);
  });
});
