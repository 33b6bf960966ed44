// DHL often sends local wall-clock times with no offset ("2024-03-05T10:31:00"). We place them in
// the time zone of the country where the event happened, with daylight saving, using Intl.
// PURE: data and arithmetic only.

/**
 * ISO 3166-1 alpha-2 → IANA zone. Countries spanning several zones map to their principal zone
 * (marked *): a wall time there can be off by the zone difference, but events in the same country
 * keep their order.
 */
export const COUNTRY_TIME_ZONES: Readonly<Record<string, string>> = {
  // Europe
  AD: 'Europe/Andorra', AL: 'Europe/Tirane', AT: 'Europe/Vienna', BA: 'Europe/Sarajevo', BE: 'Europe/Brussels',
  BG: 'Europe/Sofia', BY: 'Europe/Minsk', CH: 'Europe/Zurich', CY: 'Asia/Nicosia', CZ: 'Europe/Prague',
  DE: 'Europe/Berlin', DK: 'Europe/Copenhagen', EE: 'Europe/Tallinn', ES: 'Europe/Madrid' /* * Canaries */, FI: 'Europe/Helsinki',
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
  NZ: 'Pacific/Auckland', PH: 'Asia/Manila', PK: 'Asia/Karachi', SG: 'Asia/Singapore', TH: 'Asia/Bangkok',
  TW: 'Asia/Taipei', VN: 'Asia/Ho_Chi_Minh',
  // Americas
  AR: 'America/Argentina/Buenos_Aires', BR: 'America/Sao_Paulo' /* * */, CA: 'America/Toronto' /* * */, CL: 'America/Santiago',
  CO: 'America/Bogota', MX: 'America/Mexico_City' /* * */, PE: 'America/Lima', PR: 'America/Puerto_Rico',
  US: 'America/New_York' /* * */,
};

export function timeZoneOfCountry(countryCode: string | null | undefined): string | null {
  return countryCode ? (COUNTRY_TIME_ZONES[countryCode.trim().toUpperCase()] ?? null) : null;
}

export type WallClock = { wallMs: number; offsetMinutes: number | null }; // wall time read as if UTC

const WALL_CLOCK = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** "2024-03-05T10:31:00", "…Z", "…+01:00", "…+0100" → wall time and its offset (null when absent). */
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

function parseUtcOffset(value: string): number | null {
  if (/^z$/i.test(value)) return 0;
  const m = /^([+-])(\d{2})(?::?(\d{2}))?$/.exec(value);
  if (!m || +m[2] > 14 || +(m[3] ?? 0) > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (+m[2] * 60 + +(m[3] ?? 0));
}

/** The offset (minutes east of UTC) that `timeZone` observes at the instant `utcMs`. */
export function offsetInZone(utcMs: number, timeZone: string): number {
  const parts = formatterFor(timeZone).formatToParts(new Date(utcMs));
  const field = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((part) => part.type === type)?.value);
  const wallMs = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return Math.round((wallMs - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/**
 * The instant a wall-clock time in `timeZone` names. Guess with the offset at that wall time read
 * as UTC, then correct once: right everywhere except the hour skipped or repeated by DST.
 */
export function wallClockToInstant(wallMs: number, timeZone: string): { utcMs: number; offsetMinutes: number } {
  const guess = offsetInZone(wallMs, timeZone);
  const offsetMinutes = offsetInZone(wallMs - guess * 60_000, timeZone);
  return { utcMs: wallMs - offsetMinutes * 60_000, offsetMinutes };
}

/** ISO-8601 in the given offset: "2024-03-05T10:31:00+01:00" (milliseconds only when present). */
export function formatAtOffset(utcMs: number, offsetMinutes: number): string {
  const wall = new Date(utcMs + offsetMinutes * 60_000).toISOString();
  const base = wall.endsWith('.000Z') ? wall.slice(0, 19) : wall.slice(0, 23);
  if (offsetMinutes === 0) return `${base}Z`;
  const abs = Math.abs(offsetMinutes);
  return `${base}${offsetMinutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Wall time as DHL prints it when it leaves the offset out: "2024-03-05T10:31:00". */
export function formatWallClock(utcMs: number, timeZone: string): string {
  return new Date(utcMs + offsetInZone(utcMs, timeZone) * 60_000).toISOString().slice(0, 19);
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}
