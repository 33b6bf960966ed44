// Instants are stored as fixed-width ISO-8601 UTC strings so they sort as text on both databases.

export const toIso = (date: Date): string => date.toISOString();

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Parses an ISO-8601 instant that names its offset; anything else is null. */
export function parseInstant(value: string): Date | null {
  if (!ISO_WITH_OFFSET.test(value) || !hasRealCalendarFields(value)) return null;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? null : date;
}

export const addMs = (date: Date, ms: number): Date => new Date(date.getTime() + ms);
export const DAY_MS = 86_400_000;

/** JavaScript's Date rolls 30 February over into March; we refuse it instead. */
export function hasRealCalendarFields(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(value);
  if (!match) return false;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1).map((part) => (part === undefined ? 0 : Number(part))) as number[];
  const probe = new Date(Date.UTC(year!, month! - 1, day!));
  return probe.getUTCMonth() === month! - 1 && probe.getUTCDate() === day && hour! < 24 && minute! < 60 && second! < 60;
}
