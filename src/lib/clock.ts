// Time is injected so tests and the demo's accelerated journeys can control it.
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests move by hand. */
export function manualClock(start: Date | string = '2026-01-05T12:00:00Z'): Clock & {
  set(at: Date | string): void;
  advance(ms: number): void;
} {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    set: (at) => { current = new Date(at).getTime(); },
    advance: (ms) => { current += ms; },
  };
}

/** Runs `factor` times faster than real time from the moment it is made (the demo's clock). */
export function acceleratedClock(factor: number, realClock: Clock = systemClock): Clock {
  const realStart = realClock.now().getTime();
  return { now: () => new Date(realStart + (realClock.now().getTime() - realStart) * factor) };
}
