// Every IANA zone over five years (2026–2030), its daylight-saving changes found to the millisecond,
// and an independent reading of its local clock (Intl's own hour and minute): the ground truth the
// SMS-window properties are checked against.
import fc from 'fast-check';
import type { SmsWindow } from '../../../src/notifications/policy/sms-window.js';


/** The default window: 08:00 to 21:00. */
export const DAYTIME: SmsWindow = { start: '08:00', end: '21:00' };

export const FROM = Date.UTC(2026, 0, 1);
export const UNTIL = Date.UTC(2031, 0, 1);
export const MINUTE = 60_000;
export const HOUR = 3_600_000;

/** An independent reading of the local clock: Intl's own hour and minute. */
export function localClock(zone: string): (ms: number) => number {
  const format = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  return (ms) => {
    const [hours, minutes] = format.format(ms).split(':').map(Number);
    return hours! * 60 + minutes!;
  };
}

const transitionsByZone = new Map<string, number[]>();
/** The instants (to the millisecond) where the zone's offset changes in [FROM, UNTIL). */
export function transitionsOf(zone: string): number[] {
  let found = transitionsByZone.get(zone);
  if (!found) transitionsByZone.set(zone, (found = findTransitions(zone)));
  return found;
}

function findTransitions(zone: string): number[] {
  const format = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
  const offset = (ms: number) => format.format(ms).split(' ').pop();
  const found: number[] = [];
  for (let ms = FROM; ms < UNTIL; ms += 7 * 24 * HOUR) {
    const end = Math.min(ms + 7 * 24 * HOUR, UNTIL);
    if (offset(ms) === offset(end)) continue;
    let before = ms;
    let after = end;
    while (after - before > 1) {
      const middle = Math.floor((before + after) / 2);
      if (offset(middle) === offset(before)) before = middle;
      else after = middle;
    }
    found.push(after);
  }
  return found;
}

const hhmm = (minutes: number) => `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}` as SmsWindow['start'];

export const windowArbitrary: fc.Arbitrary<SmsWindow> = fc.oneof(
  fc.constant(DAYTIME),
  fc
    .tuple(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 0, max: 1439 }))
    .filter(([a, b]) => a !== b)
    .map(([a, b]) => ({ start: hhmm(Math.min(a, b)), end: hhmm(Math.max(a, b)) })),
);

export function instantArbitrary(transitions: number[]): fc.Arbitrary<number> {
  const anywhere = fc.integer({ min: FROM, max: UNTIL });
  const onTheMinute = anywhere.map((ms) => ms - (ms % MINUTE));
  if (transitions.length === 0) return fc.oneof(anywhere, onTheMinute);
  // Mostly the day before a transition: that is when the next opening lies beyond the change.
  const nearTransition = fc.tuple(fc.constantFrom(...transitions), fc.integer({ min: -30 * HOUR, max: 6 * HOUR })).map(([t, d]) => t + d);
  const nearTransitionOnTheMinute = fc.tuple(fc.constantFrom(...transitions), fc.integer({ min: -30 * 60, max: 6 * 60 })).map(([t, d]) => t + d * MINUTE);
  return fc.oneof(anywhere, onTheMinute, { arbitrary: nearTransition, weight: 3 }, { arbitrary: nearTransitionOnTheMinute, weight: 3 });
}

