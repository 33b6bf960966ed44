// Dates, times, money and places as the customer reads them: in their language, on the clock of
// the order's destination. Formatters are built once per language and zone (building one costs
// far more than using it).
import { timeZoneOf } from '../estimates/places.js';
import type { HubLanguage } from './i18n/index.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(language: string, timeZone: string, kind: 'day' | 'time'): Intl.DateTimeFormat {
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

export function formatDay(iso: string, language: HubLanguage, timeZone: string): string {
  return clean(formatter(language, timeZone, 'day').format(new Date(iso)));
}

export function formatTime(iso: string, language: HubLanguage, timeZone: string): string {
  return clean(formatter(language, timeZone, 'time').format(new Date(iso)));
}

export function formatWindow(from: string, to: string, language: HubLanguage, timeZone: string): string {
  const [a, b] = [new Date(from), new Date(to)].sort((x, y) => x.getTime() - y.getTime());
  return clean(formatter(language, timeZone, 'day').formatRange(a!, b!));
}

const money = new Map<string, Intl.NumberFormat>();

export function formatMoney(amount: number, currency: string, language: HubLanguage): string {
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
  return clean(f.format(amount));
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
