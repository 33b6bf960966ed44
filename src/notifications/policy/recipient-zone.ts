// The recipient's time zone, worked out offline from where the parcel goes: quiet hours are in
// the recipient's local time, and most orders carry an address but no time zone.
//   1. US/Canadian postal code → coordinates (zipcodes) → IANA zone (tz-lookup). This is the
//      only way to get split states right: Indianapolis is Eastern, Gary and Evansville Central.
//   2. A state or province that keeps one clock → its zone.
//   3. A country whose zones all keep the same clock → that zone.
//   Otherwise null: we would rather say "unknown" than guess a clock.
import tzlookup from 'tz-lookup';
import type zipcodesModule from 'zipcodes';
import type { ZipCodeRecord } from 'zipcodes';
import { lazyModule } from '../../lib/lazy.js';

const zipcodes = lazyModule<typeof zipcodesModule>('zipcodes');

export type Destination = {
  /** ISO 3166-1 alpha-2 ("US", "CA", "GB"). */
  country: string | null;
  /** Subdivision, as "AZ" or "US-AZ" (ISO 3166-2). */
  region?: string | null;
  postalCode?: string | null;
};

export function recipientTimeZone(destination: Destination | null | undefined): string | null {
  const country = countryCode(destination?.country);
  if (!destination || !country) return null;
  const record = postalRecord(country, destination.postalCode);
  const fromPostalCode = record ? zoneOfRecord(record) : null;
  if (fromPostalCode) return fromPostalCode;
  return singleZoneOfRegion(destination) ?? singleZoneOfCountry(country);
}

/** The zone of the destination's state or province when it keeps one clock ("US-CA" → Los Angeles); else null. */
export function singleZoneOfRegion(destination: Destination | null | undefined): string | null {
  const region = regionKeyOf(destination);
  return (region && ZONE_OF_SINGLE_ZONE_REGION[region]) || null;
}

/** "US-AZ" for the destination's subdivision, from the given region or the postal code; else null. */
export function regionKeyOf(destination: Destination | null | undefined): string | null {
  const country = countryCode(destination?.country);
  if (!destination || !country) return null;
  const region = destination.region?.trim().toUpperCase();
  if (region) {
    const subdivision = region.startsWith(`${country}-`) ? region.slice(country.length + 1) : region;
    return /^[A-Z0-9]{1,3}$/.test(subdivision) ? `${country}-${subdivision}` : null;
  }
  const record = postalRecord(country, destination.postalCode);
  if (!record) return null;
  const subdivision = record.country === 'Canada' ? PROVINCE_CODES[record.state] : record.state;
  return subdivision ? `${country}-${subdivision}` : null;
}

export function countryCode(country: string | null | undefined): string | null {
  const code = country?.trim().toUpperCase();
  return code && /^[A-Z]{2}$/.test(code) ? code : null;
}

// ---- Postal codes (US, its territories, Canada) ----

const US_TERRITORIES = ['PR', 'VI', 'GU', 'AS', 'MP'];
const MILITARY_MAIL = ['AA', 'AE', 'AP']; // APO/FPO: the ZIP says nothing about where the person is

function postalRecord(country: string, postalCode: string | null | undefined): ZipCodeRecord | null {
  const code = postalCode?.trim().toUpperCase() ?? '';
  if (country === 'CA') {
    const match = /^([A-Z]\d[A-Z])(?: ?\d[A-Z]\d)?$/.exec(code);
    const record = match ? zipcodes().lookup(match[1]!) : undefined;
    return record?.country === 'Canada' ? record : null;
  }
  if (country !== 'US' && !US_TERRITORIES.includes(country)) return null;
  const match = /^(\d{5})(?:-?\d{4})?$/.exec(code);
  const record = match ? zipcodes().lookup(match[1]!) : undefined;
  if (!record || record.country !== 'US' || MILITARY_MAIL.includes(record.state)) return null;
  // A US ZIP in a territory is fine under "US" or under the territory's own code, nowhere else.
  const recordCountry = US_TERRITORIES.includes(record.state) ? record.state : 'US';
  return country === recordCountry || country === 'US' ? record : null;
}

function zoneOfRecord(record: ZipCodeRecord): string | null {
  if (record.latitude === 0 && record.longitude === 0) return null; // missing coordinates in the data
  let zone: string;
  try {
    zone = tzlookup(record.latitude, record.longitude);
  } catch {
    return null;
  }
  // The data has a few stray coordinates (a New York ZIP in Kyrgyzstan): keep only zones of the
  // record's own country.
  const country = record.country === 'Canada' ? 'CA' : US_TERRITORIES.includes(record.state) ? record.state : 'US';
  const canonical = canonicalZone(zone);
  return canonical !== null && zonesOfCountry(country).includes(canonical) ? zone : null;
}

const canonicalZones = new Map<string, string | null>();
/** Intl's own name for a zone ("America/Indiana/Indianapolis" → "America/Indianapolis" on Node 20). */
function canonicalZone(zone: string): string | null {
  let canonical = canonicalZones.get(zone);
  if (canonical === undefined) {
    try {
      canonical = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
    } catch {
      canonical = null;
    }
    canonicalZones.set(zone, canonical);
  }
  return canonical;
}

// ---- Countries ----

type LocaleWithZones = Intl.Locale & { timeZones?: string[]; getTimeZones?: () => string[] };

const zonesByCountry = new Map<string, readonly string[]>();
/** The IANA zones of a country, from the CLDR data that ships with Intl (names as Intl spells them); kept per country. */
export function zonesOfCountry(country: string): readonly string[] {
  const code = countryCode(country);
  if (!code) return [];
  let zones = zonesByCountry.get(code);
  if (!zones) {
    const locale = new Intl.Locale(`und-${code}`) as LocaleWithZones;
    // Node 20 has the `timeZones` getter; newer engines renamed it getTimeZones().
    zones = Object.freeze((typeof locale.getTimeZones === 'function' ? locale.getTimeZones() : locale.timeZones) ?? []);
    zonesByCountry.set(code, zones);
  }
  return zones;
}

const singleZones = new Map<string, string | null>();
/**
 * The zone of a country whose zones all keep the same clock (Germany's Berlin and Büsingen,
 * Argentina's twelve), else null. Compared day by day over 2025–2030, so a fixed span keeps the
 * answer independent of today's date.
 */
export function singleZoneOfCountry(country: string): string | null {
  const code = countryCode(country);
  if (!code) return null;
  if (!singleZones.has(code)) singleZones.set(code, sameClockZone(zonesOfCountry(code)));
  return singleZones.get(code) ?? null;
}

const PROBE_FROM = Date.UTC(2025, 0, 1, 12);
const PROBE_DAYS = 6 * 366;

function sameClockZone(zones: readonly string[]): string | null {
  // Any of them keeps the right clock; the least nested name reads best (America/Buenos_Aires,
  // not America/Argentina/La_Rioja).
  const depth = (zone: string): number => zone.split('/').length;
  const [first, ...others] = [...zones].sort((a, b) => depth(a) - depth(b) || (a < b ? -1 : 1));
  if (!first) return null;
  const formatters = [first, ...others].map((zone) => new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }));
  for (let day = 0; day < PROBE_DAYS; day++) {
    const at = PROBE_FROM + day * 86_400_000;
    const offsets = new Set(formatters.map((formatter) => formatter.format(at).split(' ').pop()));
    if (offsets.size > 1) return null;
  }
  return first;
}

// ---- States and provinces that keep one clock by law ----
// Multi-zone ones (AK, FL, ID, IN, KS, KY, MI, ND, NE, OR, SD, TN, TX; BC, NL, NU, ON, QC) are
// left out: without a postal code we cannot tell which clock. Arizona is Phoenix time (no daylight
// saving) by state law; the Navajo Nation, which keeps daylight saving, is found by postal code.

const EASTERN = 'America/New_York';
const CENTRAL = 'America/Chicago';
const MOUNTAIN = 'America/Denver';
const PACIFIC = 'America/Los_Angeles';

export const ZONE_OF_SINGLE_ZONE_REGION: Readonly<Record<string, string>> = {
  'US-AL': CENTRAL, 'US-AR': CENTRAL, 'US-IA': CENTRAL, 'US-IL': CENTRAL, 'US-LA': CENTRAL, 'US-MN': CENTRAL,
  'US-MO': CENTRAL, 'US-MS': CENTRAL, 'US-WI': CENTRAL,
  'US-CT': EASTERN, 'US-DC': EASTERN, 'US-DE': EASTERN, 'US-GA': EASTERN, 'US-MA': EASTERN, 'US-MD': EASTERN,
  'US-ME': EASTERN, 'US-NC': EASTERN, 'US-NH': EASTERN, 'US-NJ': EASTERN, 'US-NY': EASTERN, 'US-OH': EASTERN,
  'US-PA': EASTERN, 'US-RI': EASTERN, 'US-SC': EASTERN, 'US-VA': EASTERN, 'US-VT': EASTERN, 'US-WV': EASTERN,
  'US-CO': MOUNTAIN, 'US-MT': MOUNTAIN, 'US-NM': MOUNTAIN, 'US-UT': MOUNTAIN, 'US-WY': MOUNTAIN,
  'US-AZ': 'America/Phoenix',
  'US-CA': PACIFIC, 'US-NV': PACIFIC, 'US-WA': PACIFIC,
  'US-HI': 'Pacific/Honolulu',
  'US-PR': 'America/Puerto_Rico', 'US-VI': 'America/St_Thomas', 'US-GU': 'Pacific/Guam',
  'US-AS': 'Pacific/Pago_Pago', 'US-MP': 'Pacific/Saipan',
  'CA-AB': 'America/Edmonton', 'CA-MB': 'America/Winnipeg', 'CA-NB': 'America/Moncton', 'CA-NS': 'America/Halifax',
  'CA-NT': 'America/Edmonton', 'CA-PE': 'America/Halifax', 'CA-SK': 'America/Regina', 'CA-YT': 'America/Whitehorse',
};

/** zipcodes names Canadian provinces in full. */
const PROVINCE_CODES: Readonly<Record<string, string>> = {
  Alberta: 'AB', 'British Columbia': 'BC', Manitoba: 'MB', 'New Brunswick': 'NB', 'Newfoundland and Labrador': 'NL',
  'Northwest Territory': 'NT', 'Nova Scotia': 'NS', 'Nunavut Territory': 'NU', Ontario: 'ON', 'Prince Edward Island': 'PE',
  Quebec: 'QC', Saskatchewan: 'SK', Yukon: 'YT',
};
