// Carrier times in the world's clocks. Carriers often print a local wall-clock time without its
// offset ("2024-03-05T10:31:00"); these helpers read such times, find the IANA zone of a country
// (or of a US state / Canadian province) and the offset that zone had then, daylight saving
// included (Intl, through src/lib/time.ts), and write the result back with its offset.
// PURE: data and arithmetic only.
import { offsetMinutesAt } from '../lib/time.js';

/**
 * ISO 3166-1 alpha-2 → IANA zone. Countries spanning several zones map to their principal zone
 * (marked *, and listed in MULTI_ZONE_COUNTRIES): a wall time there can be off by the zone
 * difference, but events in the same country keep their order.
 */
export const COUNTRY_TIME_ZONES: Readonly<Record<string, string>> = {
  // Europe
  AD: 'Europe/Andorra', AL: 'Europe/Tirane', AT: 'Europe/Vienna', BA: 'Europe/Sarajevo', BE: 'Europe/Brussels',
  BG: 'Europe/Sofia', BY: 'Europe/Minsk', CH: 'Europe/Zurich', CY: 'Asia/Nicosia', CZ: 'Europe/Prague',
  DE: 'Europe/Berlin', DK: 'Europe/Copenhagen', EE: 'Europe/Tallinn', ES: 'Europe/Madrid', FI: 'Europe/Helsinki',
  FR: 'Europe/Paris', GB: 'Europe/London', GR: 'Europe/Athens', HR: 'Europe/Zagreb', HU: 'Europe/Budapest',
  IE: 'Europe/Dublin', IS: 'Atlantic/Reykjavik', IT: 'Europe/Rome', LI: 'Europe/Vaduz', LT: 'Europe/Vilnius',
  LU: 'Europe/Luxembourg', LV: 'Europe/Riga', MC: 'Europe/Monaco', MD: 'Europe/Chisinau', ME: 'Europe/Podgorica',
  MK: 'Europe/Skopje', MT: 'Europe/Malta', NL: 'Europe/Amsterdam', NO: 'Europe/Oslo', PL: 'Europe/Warsaw',
  PT: 'Europe/Lisbon' /* * Azores */, RO: 'Europe/Bucharest', RS: 'Europe/Belgrade', RU: 'Europe/Moscow' /* * */, SE: 'Europe/Stockholm',
  SI: 'Europe/Ljubljana', SK: 'Europe/Bratislava', TR: 'Europe/Istanbul', UA: 'Europe/Kyiv',
  // Middle East and Africa
  AE: 'Asia/Dubai', BH: 'Asia/Bahrain', EG: 'Africa/Cairo', IL: 'Asia/Jerusalem', JO: 'Asia/Amman',
  KE: 'Africa/Nairobi', KW: 'Asia/Kuwait', LB: 'Asia/Beirut', MA: 'Africa/Casablanca', NG: 'Africa/Lagos',
  OM: 'Asia/Muscat', QA: 'Asia/Qatar', SA: 'Asia/Riyadh', ZA: 'Africa/Johannesburg',
  // Asia and Pacific
  AU: 'Australia/Sydney' /* * */, BD: 'Asia/Dhaka', CN: 'Asia/Shanghai', HK: 'Asia/Hong_Kong', ID: 'Asia/Jakarta' /* * */,
  IN: 'Asia/Kolkata', JP: 'Asia/Tokyo', KR: 'Asia/Seoul', LK: 'Asia/Colombo', MY: 'Asia/Kuala_Lumpur',
  NZ: 'Pacific/Auckland' /* * Chatham */, PH: 'Asia/Manila', PK: 'Asia/Karachi', SG: 'Asia/Singapore', TH: 'Asia/Bangkok',
  TW: 'Asia/Taipei', VN: 'Asia/Ho_Chi_Minh',
  // Americas
  AR: 'America/Argentina/Buenos_Aires', BR: 'America/Sao_Paulo' /* * */, CA: 'America/Toronto' /* * */, CL: 'America/Santiago' /* * Easter Island */,
  CO: 'America/Bogota', MX: 'America/Mexico_City' /* * */, PE: 'America/Lima', PR: 'America/Puerto_Rico',
  US: 'America/New_York' /* * */,
};

/** Countries whose entry above is only their principal zone. (Spain's Canaries are not counted: Spain reads as one zone.) */
export const MULTI_ZONE_COUNTRIES: ReadonlySet<string> = new Set(['US', 'CA', 'MX', 'BR', 'AU', 'RU', 'ID', 'PT', 'NZ', 'CL']);

// States spanning two zones use the zone most of their people live in (an hour off elsewhere).
const US_STATE_ZONES: Readonly<Record<string, string>> = {
  AL: 'America/Chicago', AK: 'America/Anchorage', AZ: 'America/Phoenix', AR: 'America/Chicago', CA: 'America/Los_Angeles',
  CO: 'America/Denver', CT: 'America/New_York', DC: 'America/New_York', DE: 'America/New_York', FL: 'America/New_York',
  GA: 'America/New_York', HI: 'Pacific/Honolulu', IA: 'America/Chicago', ID: 'America/Boise', IL: 'America/Chicago',
  IN: 'America/Indiana/Indianapolis', KS: 'America/Chicago', KY: 'America/New_York', LA: 'America/Chicago', MA: 'America/New_York',
  MD: 'America/New_York', ME: 'America/New_York', MI: 'America/Detroit', MN: 'America/Chicago', MO: 'America/Chicago',
  MS: 'America/Chicago', MT: 'America/Denver', NC: 'America/New_York', ND: 'America/Chicago', NE: 'America/Chicago',
  NH: 'America/New_York', NJ: 'America/New_York', NM: 'America/Denver', NV: 'America/Los_Angeles', NY: 'America/New_York',
  OH: 'America/New_York', OK: 'America/Chicago', OR: 'America/Los_Angeles', PA: 'America/New_York', RI: 'America/New_York',
  SC: 'America/New_York', SD: 'America/Chicago', TN: 'America/Chicago', TX: 'America/Chicago', UT: 'America/Denver',
  VA: 'America/New_York', VT: 'America/New_York', WA: 'America/Los_Angeles', WI: 'America/Chicago', WV: 'America/New_York',
  WY: 'America/Denver', PR: 'America/Puerto_Rico', VI: 'America/St_Thomas', GU: 'Pacific/Guam',
};
const CA_PROVINCE_ZONES: Readonly<Record<string, string>> = {
  AB: 'America/Edmonton', BC: 'America/Vancouver', MB: 'America/Winnipeg', NB: 'America/Moncton', NL: 'America/St_Johns',
  NS: 'America/Halifax', NT: 'America/Yellowknife', NU: 'America/Iqaluit', ON: 'America/Toronto', PE: 'America/Halifax',
  QC: 'America/Toronto', SK: 'America/Regina', YT: 'America/Whitehorse',
};

const lookup = (table: Readonly<Record<string, string>>, key: string): string | null => (Object.hasOwn(table, key) ? table[key]! : null);

/** The zone of a country, its principal one when it spans several; null for a country the table does not know. */
export function timeZoneOfCountry(countryCode: string | null | undefined): string | null {
  return countryCode ? lookup(COUNTRY_TIME_ZONES, countryCode.trim().toUpperCase()) : null;
}

/** The zone a place is surely in: by state or province in the US and Canada, else a single-zone country's; null otherwise. */
export function timeZoneOfRegion(countryCode: string | null | undefined, region: string | null | undefined): string | null {
  const country = countryCode?.trim().toUpperCase() ?? '';
  const subdivision = region?.trim().toUpperCase() ?? '';
  if (country === 'US') return lookup(US_STATE_ZONES, subdivision);
  if (country === 'CA') return lookup(CA_PROVINCE_ZONES, subdivision);
  return MULTI_ZONE_COUNTRIES.has(country) ? null : timeZoneOfCountry(country);
}

// ---------------------------------------------------------------------------------------------
// Wall clocks and offsets

export type WallClock = { wallMs: number; offsetMinutes: number | null }; // wall time read as if UTC

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{1,2}(?::?\d{2})?)?$/i;

/** "2024-03-05T10:31:00", "…Z", "…+01:00", "…+0100", "…-7:00" → wall time and its offset (null when absent). */
export function parseWallClock(value: string): WallClock | null {
  const m = WALL_CLOCK.exec(value.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s = '0', frac = '0', zone] = m;
  const wallMs = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s, Math.round(Number(`0.${frac}`) * 1000));
  const check = new Date(wallMs);
  const valid = check.getUTCFullYear() === +y && check.getUTCMonth() === +mo - 1 && check.getUTCDate() === +d && +h < 24 && +mi < 60 && +s < 60;
  if (!valid) return null;
  const offsetMinutes = zone ? parseUtcOffset(zone) : null;
  if (zone && offsetMinutes === null) return null;
  return { wallMs, offsetMinutes };
}

/** "Z", "+01:00", "+0100", "-7:00", "+5" → minutes east of UTC; null for anything else or beyond ±14 h. */
export function parseUtcOffset(value: string): number | null {
  const v = value.trim();
  if (/^z$/i.test(v)) return 0;
  const m = /^([+-])(\d{1,2})(?::?(\d{2}))?$/.exec(v);
  if (!m || +m[2] > 14 || +(m[3] ?? 0) > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +(m[3] ?? 0));
}

/** The offset (minutes east of UTC) that `timeZone` observes at the instant `utcMs`. */
export const offsetInZone = (utcMs: number, timeZone: string): number => offsetMinutesAt(timeZone, new Date(utcMs));

/**
 * The instant a wall-clock time in `timeZone` names. Guess with the offset at that wall time read
 * as UTC, then correct once: right everywhere except the hour skipped or repeated by DST.
 */
export function wallClockToInstant(wallMs: number, timeZone: string): { utcMs: number; offsetMinutes: number } {
  const guess = offsetInZone(wallMs, timeZone);
  const offsetMinutes = offsetInZone(wallMs - guess * 60_000, timeZone);
  return { utcMs: wallMs - offsetMinutes * 60_000, offsetMinutes };
}

/** ISO-8601 in the given offset: "2024-03-05T10:31:00+01:00", "…Z" for UTC, milliseconds only when present. */
export function formatAtOffset(utcMs: number, offsetMinutes: number): string {
  const wall = new Date(utcMs + offsetMinutes * 60_000).toISOString(); // 2024-11-22T13:58:40.000Z
  const base = wall.endsWith('.000Z') ? wall.slice(0, 19) : wall.slice(0, 23);
  if (offsetMinutes === 0) return `${base}Z`;
  const abs = Math.abs(offsetMinutes);
  return `${base}${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Wall time without the offset, as carriers print it when they leave it out: "2024-03-05T10:31:00". */
export function formatWallClock(utcMs: number, timeZone: string): string {
  return new Date(utcMs + offsetInZone(utcMs, timeZone) * 60_000).toISOString().slice(0, 19);
}
