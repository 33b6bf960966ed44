import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { HOUR, instantArbitrary, localClock, MINUTE, transitionsOf, windowArbitrary } from './helpers/time-zones.js';
import {
  isInsideWindow,
  nextAllowedSendTime,
  nextAllowedSendTimeInAll,
  type SmsWindow,
  windowMinutes,
} from '../../src/notifications/policy/sms-window.js';

const DAYTIME: SmsWindow = { start: '08:00', end: '21:00' };
const at = (iso: string) => new Date(iso);
const next = (iso: string, zone: string, window: SmsWindow = DAYTIME) => nextAllowedSendTime(at(iso), zone, window).toISOString();

describe('nextAllowedSendTime', () => {
  it('is now when now is inside the window (to the millisecond)', () => {
    expect(next('2026-06-15T14:03:27.123Z', 'America/New_York')).toBe('2026-06-15T14:03:27.123Z'); // 10:03 EDT
    expect(next('2026-06-15T12:00:00.000Z', 'America/New_York')).toBe('2026-06-15T12:00:00.000Z'); // 08:00 sharp
  });

  it('waits for the morning, or for the next morning after the window closes', () => {
    expect(next('2026-06-15T11:59:59.999Z', 'America/New_York')).toBe('2026-06-15T12:00:00.000Z');
    expect(next('2026-06-16T00:59:00.000Z', 'America/New_York')).toBe('2026-06-16T00:59:00.000Z'); // 20:59: still open
    expect(next('2026-06-16T01:00:00.000Z', 'America/New_York')).toBe('2026-06-16T12:00:00.000Z'); // 21:00: closed
    expect(next('2026-06-15T03:00:00.000Z', 'Europe/London')).toBe('2026-06-15T07:00:00.000Z'); // 08:00 BST
  });

  it('handles daylight-saving days', () => {
    // New York springs forward at 02:00 on 8 March 2026: 08:00 is then 12:00Z, not 13:00Z.
    expect(next('2026-03-08T06:30:00Z', 'America/New_York')).toBe('2026-03-08T12:00:00.000Z');
    // ... and falls back on 1 November: 08:00 EST is 13:00Z.
    expect(next('2026-11-01T05:00:00Z', 'America/New_York')).toBe('2026-11-01T13:00:00.000Z');
    // A window that opens inside the skipped hour opens at the jump (03:00 EDT).
    expect(next('2026-03-08T06:00:00Z', 'America/New_York', { start: '02:15', end: '05:00' })).toBe('2026-03-08T07:00:00.000Z');
    // A window entirely inside the skipped hour does not exist that day: the next day's.
    expect(next('2026-03-08T06:30:00Z', 'America/New_York', { start: '02:00', end: '02:30' })).toBe('2026-03-09T06:00:00.000Z');
    // Falling back re-enters a window the clock had just left: 01:30 EDT becomes 01:00 EST.
    expect(next('2026-11-01T05:30:00Z', 'America/New_York', { start: '01:00', end: '01:30' })).toBe('2026-11-01T06:00:00.000Z');
  });

  it('handles zones without daylight saving and with odd offsets', () => {
    expect(next('2026-07-01T14:00:00Z', 'America/Phoenix')).toBe('2026-07-01T15:00:00.000Z'); // 07:00 MST all year
    expect(next('2026-07-01T17:00:00Z', 'Pacific/Honolulu')).toBe('2026-07-01T18:00:00.000Z');
    expect(next('2026-03-10T02:00:00Z', 'Asia/Kathmandu')).toBe('2026-03-10T02:15:00.000Z'); // +05:45
    expect(next('2026-03-10T00:00:00Z', 'Asia/Kolkata')).toBe('2026-03-10T02:30:00.000Z'); // +05:30
    expect(next('2026-03-10T08:00:00Z', 'Pacific/Kiritimati')).toBe('2026-03-10T18:00:00.000Z'); // +14: 22:00 there, opens at 08:00 on its 11th
  });

  it('rejects windows that cross midnight or are not times of day, and unknown zones', () => {
    expect(() => nextAllowedSendTime(at('2026-01-01T00:00:00Z'), 'UTC', { start: '22:00', end: '06:00' })).toThrow(RangeError);
    expect(() => nextAllowedSendTime(at('2026-01-01T00:00:00Z'), 'UTC', { start: '08:00', end: '08:00' })).toThrow(RangeError);
    expect(() => windowMinutes({ start: '8:00' as never, end: '21:00' })).toThrow(RangeError);
    expect(() => windowMinutes({ start: '08:00', end: '24:00' })).toThrow(RangeError);
    expect(() => windowMinutes({ start: '08:60', end: '21:00' })).toThrow(RangeError);
    expect(windowMinutes({ start: '00:00', end: '23:59' })).toEqual({ start: 0, end: 1439 });
    expect(() => nextAllowedSendTime(at('2026-01-01T00:00:00Z'), 'Mars/Olympus_Mons', DAYTIME)).toThrow(RangeError);
  });
});

describe('isInsideWindow', () => {
  it('start is inside, end is not', () => {
    expect(isInsideWindow(at('2026-06-15T12:00:00Z'), 'America/New_York', DAYTIME)).toBe(true);
    expect(isInsideWindow(at('2026-06-16T00:59:59Z'), 'America/New_York', DAYTIME)).toBe(true);
    expect(isInsideWindow(at('2026-06-16T01:00:00Z'), 'America/New_York', DAYTIME)).toBe(false);
  });
});

describe('nextAllowedSendTimeInAll', () => {
  it('the first moment inside the window in every zone', () => {
    const both = nextAllowedSendTimeInAll(at('2026-06-15T12:00:00Z'), ['America/New_York', 'America/Los_Angeles'], DAYTIME);
    expect(both?.toISOString()).toBe('2026-06-15T15:00:00.000Z'); // 08:00 in Los Angeles
    expect(nextAllowedSendTimeInAll(at('2026-06-15T16:00:00Z'), ['America/New_York', 'America/Los_Angeles'], DAYTIME)?.toISOString()).toBe('2026-06-15T16:00:00.000Z');
  });

  it('null when the zones never share a moment, or there are none', () => {
    expect(nextAllowedSendTimeInAll(at('2026-06-15T12:00:00Z'), ['America/New_York', 'Asia/Tokyo'], { start: '08:00', end: '09:00' })).toBeNull();
    expect(nextAllowedSendTimeInAll(at('2026-06-15T12:00:00Z'), [], DAYTIME)).toBeNull();
  });
});

// ---- Property: every IANA zone, five years, the daylight-saving days included ----

describe('nextAllowedSendTime over every IANA time zone', () => {
  const zones = Intl.supportedValuesOf('timeZone');

  it('knows hundreds of zones', () => {
    expect(zones.length).toBeGreaterThan(300);
  });

  it('returns the earliest instant, at or after now, whose local time is inside the window', { timeout: 120_000 }, () => {
    zones.forEach((zone, index) => {
      const clock = localClock(zone);
      const windowOf = (window: SmsWindow) => windowMinutes(window);
      fc.assert(
        fc.property(instantArbitrary(transitionsOf(zone)), windowArbitrary, (now, window) => {
          const { start, end } = windowOf(window);
          const inside = (ms: number) => {
            const minute = clock(ms);
            return minute >= start && minute < end;
          };
          const answer = nextAllowedSendTime(new Date(now), zone, window).getTime();
          if (answer < now) return false;
          if (!inside(answer)) return false;
          if (answer === now) return true;
          if (answer % MINUTE !== 0 || inside(now)) return false;
          // No whole minute between now and the answer is inside the window.
          for (let minute = now - (now % MINUTE) + MINUTE; minute < answer; minute += MINUTE) if (inside(minute)) return false;
          return true;
        }),
        { numRuns: 10, seed: 20260310 + index, endOnFailure: true },
      );
    });
  });

  it('is correct on every transition of every zone with the default window', { timeout: 120_000 }, () => {
    let checked = 0;
    for (const zone of zones) {
      const clock = localClock(zone);
      const inside = (ms: number) => clock(ms) >= 480 && clock(ms) < 1260;
      for (const transition of transitionsOf(zone)) {
        for (const now of [transition - 12 * HOUR, transition - MINUTE, transition, transition + 1, transition + 3 * HOUR]) {
          const answer = nextAllowedSendTime(new Date(now), zone, DAYTIME).getTime();
          expect(answer).toBeGreaterThanOrEqual(now);
          expect(inside(answer), `${zone} from ${new Date(now).toISOString()}`).toBe(true);
          if (answer > now) expect(inside(answer - MINUTE) && answer - MINUTE >= now).toBe(false);
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
