// Dates, times, money and places as the customer reads them: in their language, on the clock of
// the order's destination. Formatters are built once per language and zone (building one costs
// far more than using it), and even using one costs a few microseconds per scan, so the words
// are kept instead: a scan's time is its local day's words ("Mon, Mar 9, ") and its minute's
// words ("3:05 PM"), each worked out once. See formatTime for why that is exact.
import { timeZoneOf } from '../estimates/places.js';
import { offsetMinutesAt } from '../lib/time.js';
import type { HubLanguage } from './i18n/index.js';

type Kind = 'day' | 'time';
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, timeZone: string, kind: Kind): Intl.DateTimeFormat {
  const key = `${language}|${timeZone}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    const options: Intl.DateTimeFormatOptions =
      kind === 'day' ? { weekday: 'short', day: 'numeric', month: 'short', timeZone } : { weekday: 'short', day: 'numeric', month: 'short', hour: 'numeric', minute: '2-digit', timeZone };
    f = new Intl.DateTimeFormat(language, options);
    formatters.set(key, f);
  }
  return f;
}

const clean = (text: string) => text.replace(/[\u2009\u202f]/g, ' ');

const DAY = 86_400_000;
const MINUTE = 60_000;

// ---- a zone's offset from UTC, per UTC day ----

/** The zone's offset from UTC at an instant, in ms (what its wall clock shows, minus UTC). */
const offsetAt = (timeZone: string, ms: number): number => offsetMinutesAt(timeZone, new Date(ms)) * MINUTE;

const dayOffsets = new Map<string, Map<number, number | null>>();

/**
 * The zone's offset throughout the UTC day of `ms`, or null on a day its clocks change (the
 * offset at the day's first and last millisecond differ): those instants take the slow path.
 * This assumes no zone changes its clocks twice within one day and back (none does).
 */
function dayOffset(timeZone: string, ms: number): number | null {
  let days = dayOffsets.get(timeZone);
  if (!days) {
    days = new Map();
    dayOffsets.set(timeZone, days);
  }
  const day = Math.floor(ms / DAY);
  let offset = days.get(day);
  if (offset === undefined) {
    const first = offsetAt(timeZone, day * DAY);
    offset = first === offsetAt(timeZone, day * DAY + DAY - 1) ? first : null;
    if (days.size > 20_000) days.clear();
    days.set(day, offset);
  }
  return offset;
}

// ---- words per language, for a wall clock read as UTC ----

type Words = { days: Map<number, string>; prefixes: Map<number, string>; minutes: Map<number, string>; ranges: Map<string, string>; splits: boolean | undefined };
const wordsByLanguage = new Map<string, Words>();

function wordsOf(language: string): Words {
  let words = wordsByLanguage.get(language);
  if (!words) {
    words = { days: new Map(), prefixes: new Map(), minutes: new Map(), ranges: new Map(), splits: undefined };
    wordsByLanguage.set(language, words);
  }
  return words;
}

/** A date-and-time in two pieces: the words up to the first part that names the time of day, and the rest. */
function splitAtTime(language: string, wall: number): [string, string] {
  const parts = formatter(language, 'UTC', 'time').formatToParts(wall);
  const at = parts.findIndex((p) => p.type === 'hour' || p.type === 'minute' || p.type === 'dayPeriod');
  const text = (from: number, to: number) => clean(parts.slice(from, to).map((p) => p.value).join(''));
  return at < 0 ? [text(0, parts.length), ''] : [text(0, at), text(at, parts.length)];
}

/**
 * Whether this language writes the day and the time of day apart (the day's words never depend
 * on the time, nor the time's on the day): checked once against whole formatting on sample days
 * and minutes; a language that does not is formatted whole every time.
 */
function splits(language: string, words: Words): boolean {
  if (words.splits === undefined) {
    const days = [Date.UTC(2026, 0, 1), Date.UTC(2026, 4, 17), Date.UTC(2026, 8, 30), Date.UTC(2027, 11, 31)];
    const minutes = [0, 1, 59, 60, 9 * 60 + 5, 11 * 60 + 59, 12 * 60, 12 * 60 + 1, 13 * 60 + 30, 23 * 60 + 59];
    words.splits = days.every((day) =>
      minutes.every((minute) => {
        const [prefix] = splitAtTime(language, day + 12 * 60 * MINUTE);
        const [, rest] = splitAtTime(language, Date.UTC(2026, 6, 6) + minute * MINUTE);
        return prefix + rest === clean(formatter(language, 'UTC', 'time').format(day + minute * MINUTE));
      }),
    );
  }
  return words.splits;
}

function remember<K>(cache: Map<K, string>, key: K, make: () => string): string {
  let text = cache.get(key);
  if (text === undefined) {
    text = make();
    if (cache.size > 50_000) cache.clear();
    cache.set(key, text);
  }
  return text;
}

/** The zone's wall clock at an instant, as ms read as UTC; null where the slow path must go. */
function wallClock(ms: number, timeZone: string): number | null {
  if (Number.isNaN(ms)) return null;
  const offset = dayOffset(timeZone, ms);
  return offset === null ? null : ms + offset;
}

export function formatDay(iso: string, language: HubLanguage, timeZone: string): string {
  const wall = wallClock(Date.parse(iso), timeZone);
  if (wall === null) return clean(formatter(language, timeZone, 'day').format(new Date(iso)));
  const day = Math.floor(wall / DAY);
  return remember(wordsOf(language).days, day, () => clean(formatter(language, 'UTC', 'day').format(day * DAY)));
}

/**
 * A scan's time on the destination's clock. Formatting the wall-clock time as if it were UTC
 * shows the same fields as formatting the instant in its zone (the format names no zone), and
 * the words are the day's words then the minute's words (checked per language by `splits`).
 */
export function formatTime(iso: string, language: HubLanguage, timeZone: string): string {
  const wall = wallClock(Date.parse(iso), timeZone);
  const words = wordsOf(language);
  if (wall === null || !splits(language, words)) return clean(formatter(language, timeZone, 'time').format(new Date(iso)));
  const day = Math.floor(wall / DAY);
  const minute = Math.floor((wall - day * DAY) / MINUTE);
  const prefix = remember(words.prefixes, day, () => splitAtTime(language, day * DAY + 12 * 60 * MINUTE)[0]);
  return prefix + remember(words.minutes, minute, () => splitAtTime(language, Date.UTC(2026, 6, 6) + minute * MINUTE)[1]);
}

export function formatWindow(from: string, to: string, language: HubLanguage, timeZone: string): string {
  const [a, b] = [new Date(from), new Date(to)].sort((x, y) => x.getTime() - y.getTime());
  const [wallA, wallB] = [wallClock(a!.getTime(), timeZone), wallClock(b!.getTime(), timeZone)];
  if (wallA === null || wallB === null || wallA > wallB) return clean(formatter(language, timeZone, 'day').formatRange(a!, b!));
  const [dayA, dayB] = [Math.floor(wallA / DAY), Math.floor(wallB / DAY)];
  return remember(wordsOf(language).ranges, `${dayA}|${dayB}`, () => clean(formatter(language, 'UTC', 'day').formatRange(dayA * DAY, dayB * DAY)));
}

const money = new Map<string, Intl.NumberFormat>();

const amounts = new Map<string, string>();

/** An amount in the customer's language; a catalogue's prices repeat on every page, so their words are kept. */
export function formatMoney(amount: number, currency: string, language: HubLanguage): string {
  return remember(amounts, `${language}|${currency}|${amount}`, () => clean(moneyFormatter(currency, language).format(amount)));
}

function moneyFormatter(currency: string, language: HubLanguage): Intl.NumberFormat {
  const key = `${language}|${currency}`;
  let f = money.get(key);
  if (!f) {
    try {
      f = new Intl.NumberFormat(language, { style: 'currency', currency });
    } catch {
      f = new Intl.NumberFormat(language, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    }
    money.set(key, f);
  }
  return f;
}

export type Destination = { city?: string; region?: string; postalCode?: string; country: string };

const zones = new Map<string, string>();

/** The destination's IANA zone (postal code, else city, else country), remembered per address. */
export function destinationZone(destination: Destination): string {
  const key = `${destination.country}|${destination.region ?? ''}|${destination.postalCode ?? ''}|${destination.city ?? ''}`;
  let zone = zones.get(key);
  if (!zone) {
    try {
      zone = timeZoneOf(destination);
    } catch {
      zone = 'UTC';
    }
    if (zones.size > 100_000) zones.clear();
    zones.set(key, zone);
  }
  return zone;
}

/** City, region, country: what a page may say about where a parcel is or goes (never a street). */
export function placeText(location: { city?: string | null; region?: string | null; country?: string | null } | null | undefined): string {
  if (!location) return '';
  return [location.city, location.region, location.country].filter(Boolean).join(', ');
}

const CARRIER_NAMES: Record<string, string> = { ups: 'UPS', fedex: 'FedEx', usps: 'USPS', dhl: 'DHL', simulated: 'Simulated Express', canada_post: 'Canada Post', dpd: 'DPD' };
export const carrierName = (carrier: string) => CARRIER_NAMES[carrier] ?? carrier.replace(/_/g, ' ').replace(/\b\w/g, (c) => c.toUpperCase());

/** "ada@example.com" → "a•••@example.com": enough for a customer to recognise, not to reuse. */
export function maskEmail(email: string): string {
  const [local, domain] = email.split('@');
  if (!local || !domain) return '•••';
  return `${local[0]}•••@${domain}`;
}
