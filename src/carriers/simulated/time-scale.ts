// The demo's accelerated clock: maps journey time (when a scan "happens") to wall time (when the demo
// delivers it), so a 3-day journey plays out in 3 minutes. Pure: the demo loop asks what is due.

export type TimeScale = {
  /** Journey time that maps to `wallStart`. */
  journeyStart: Date | string;
  wallStart: Date | string;
  /** Journey milliseconds per wall millisecond (1440 turns a day into a minute). */
  factor: number;
};

export type Scheduled<E> = E & { dueAt: string };

/** The factor that plays [journeyStart, journeyEnd] in `wallDurationMs` of wall time. */
export function factorToFit(journeyStart: Date | string, journeyEnd: Date | string, wallDurationMs: number): number {
  const journeyMs = toMs(journeyEnd) - toMs(journeyStart);
  if (!(journeyMs > 0)) throw new RangeError('journeyEnd must be after journeyStart');
  if (!(wallDurationMs > 0)) throw new RangeError('wallDurationMs must be positive');
  return journeyMs / wallDurationMs;
}

export function toWallTime(journeyTime: Date | string, scale: TimeScale): Date {
  checkFactor(scale.factor);
  return new Date(toMs(scale.wallStart) + (toMs(journeyTime) - toMs(scale.journeyStart)) / scale.factor);
}

export function toJourneyTime(wallTime: Date | string, scale: TimeScale): Date {
  checkFactor(scale.factor);
  return new Date(toMs(scale.journeyStart) + (toMs(wallTime) - toMs(scale.wallStart)) * scale.factor);
}

/** Each event with the wall-clock instant (`dueAt`, ISO UTC) it is due at. Order is kept. */
export function accelerate<E extends { occurredAt: string }>(
  journeyStart: Date | string,
  events: readonly E[],
  options: { factor: number; wallStart: Date | string },
): Array<Scheduled<E>> {
  checkFactor(options.factor);
  const scale: TimeScale = { journeyStart, ...options };
  return events.map((event) => ({ ...event, dueAt: toWallTime(event.occurredAt, scale).toISOString() }));
}

/** Events due at wall time `at` (dueAt <= at): everything the demo should have delivered by then. */
export function eventsDueAt<E extends { dueAt: string }>(scheduled: readonly E[], at: Date | string): E[] {
  const atMs = toMs(at);
  return scheduled.filter((event) => toMs(event.dueAt) <= atMs);
}

/** Events that fall due in (after, until]: what one tick of the demo loop should deliver. */
export function eventsDueBetween<E extends { dueAt: string }>(scheduled: readonly E[], after: Date | string, until: Date | string): E[] {
  const [afterMs, untilMs] = [toMs(after), toMs(until)];
  return scheduled.filter((event) => {
    const due = toMs(event.dueAt);
    return due > afterMs && due <= untilMs;
  });
}

function toMs(time: Date | string): number {
  const ms = new Date(time).getTime();
  if (Number.isNaN(ms)) throw new RangeError(`not a date: ${String(time)}`);
  return ms;
}

function checkFactor(factor: number): void {
  if (!(Number.isFinite(factor) && factor > 0)) throw new RangeError(`factor must be a positive number, got ${factor}`);
}
