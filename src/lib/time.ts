// Instants are stored as fixed-width ISO-8601 UTC strings so they sort as text on both databases.

export const toIso = (date: Date): string => date.toISOString();

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
/** ISO_WITH_OFFSET with its fields captured. */
const ISO_FIELDS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):?(\d{2}))$/;

/** Parses an ISO-8601 instant that names its offset; anything else is null. */
export function parseInstant(value: string): Date | null {
  let ms = recentInstants.get(value);
  if (ms === undefined) {
    ms = instantMs(value);
    if (recentInstants.size >= RECENT_INSTANTS) recentInstants.clear();
    recentInstants.set(value, ms);
  }
  return ms === null ? null : new Date(ms);
}

// An event's time is checked, then normalized (and a batch holds up to 1,000 of them): the second
// parse of the same text is a lookup.
const RECENT_INSTANTS = 4096;
const recentInstants = new Map<string, number | null>();

/**
 * The request schemas' test of a date-time: its calendar fields are real and JavaScript reads it.
 * Text of the ISO shape is read field by field (a batch checks 1,000 of them); anything else as
 * Date.parse reads it.
 */
export function isRealDateTime(value: string): boolean {
  if (ISO_WITH_OFFSET.test(value)) return instantMs(value) !== null;
  return hasRealCalendarFields(value) && !Number.isNaN(Date.parse(value));
}

/**
 * Epoch milliseconds of an ISO-8601 instant with offset, or null, as `new Date(value)` reads it
 * after hasRealCalendarFields accepts it (fractions truncated to the millisecond, offsets up to
 * ±23:59), computed from the fields: several times cheaper than the Date parser.
 */
function instantMs(value: string): number | null {
  const f = ISO_FIELDS.exec(value);
  if (!f) return null;
  const year = Number(f[1]);
  if (year < 100) return slowInstantMs(value); // Date.UTC maps years 0-99 to 1900-1999
  const month = Number(f[2]);
  const day = Number(f[3]);
  const hour = Number(f[4]);
  const minute = Number(f[5]);
  const second = f[6] === undefined ? 0 : Number(f[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59) return null;
  const millis = f[7] === undefined ? 0 : Number(`${f[7]}00`.slice(0, 3));
  let offsetMinutes = 0;
  if (f[8] !== undefined) {
    const offsetHours = Number(f[9]);
    const offsetRest = Number(f[10]);
    if (offsetHours > 23 || offsetRest > 59) return null;
    offsetMinutes = (f[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetRest);
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, millis) - offsetMinutes * 60_000;
}

function slowInstantMs(value: string): number | null {
  if (!ISO_WITH_OFFSET.test(value) || !hasRealCalendarFields(value)) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
}

const daysInMonth = (year: number, month: number): number =>
  month === 2 ? (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28) : month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;

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

// Building an Intl.DateTimeFormat costs ~20× formatting with one, so one is kept per zone.
const offsetFormatters = new Map<string, Intl.DateTimeFormat>();
function offsetFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = offsetFormatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
    offsetFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The UTC offset, in minutes, that `timeZone` observes at `date` (daylight saving included). */
export function offsetMinutesAt(timeZone: string, date: Date): number {
  const name = offsetFormatter(timeZone).formatToParts(date).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
}

/** The same instant written in a local clock: 2026-03-01T09:00:00-05:00. */
export function toIsoWithOffset(date: Date, offsetMinutes: number): string {
  const local = new Date(date.getTime() + offsetMinutes * 60_000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Reads the wall clock an ISO string was written in: the local date-time and whether it named an offset. */
export function wallClockOf(iso: string): { wall: Date; hasOffset: boolean } {
  const date = new Date(iso);
  const match = /([+-])(\d{2}):?(\d{2})$/.exec(iso);
  if (!match) return { wall: date, hasOffset: false };
  const minutes = (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3]));
  return { wall: new Date(date.getTime() + minutes * 60_000), hasOffset: true };
}

/**
 * When a delivery window's last moment has passed everywhere, in ms: an instant as given; a date
 * alone ends with that day in the last time zone (UTC−12), so nobody is told "late" on its last day.
 */
export const windowEndMs = (to: string): number => (/^\d{4}-\d{2}-\d{2}$/.test(to) ? Date.parse(to) + 36 * 3_600_000 : Date.parse(to));
