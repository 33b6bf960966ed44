// Which days parcels move: Monday to Friday, less the public holidays of a country (and of its
// state or province, where we know it), from `date-holidays`. Only holidays of type "public" count:
// bank holidays, school holidays and observances are working days for carriers.
import type Holidays from 'date-holidays';
import { lazyModule } from '../lib/lazy.js';
import { addDays, weekdayOf, yearOf, type CivilDate } from './civil-date.js';

const holidaysModule = lazyModule<typeof Holidays>('date-holidays');

/** Whose holidays apply: an ISO 3166-1 alpha-2 country and, optionally, its state or province. */
export type HolidayArea = { country: string; region?: string | null };

const SATURDAY = 6;
const SUNDAY = 0;
/** No calendar closes for this long; reaching it means the area's data is broken. */
const MAX_DAYS_WITHOUT_BUSINESS_DAY = 31;

// One Holidays instance per country/region (building one parses the country's rules), and one
// set of holiday dates per country/region/year.
const instances = new Map<string, Holidays | null>();
const holidayDates = new Map<string, ReadonlySet<CivilDate>>();
const regionCodesByCountry = new Map<string, Map<string, string>>();
let countryNames: Record<string, string> | undefined;

/** The Holidays instance for an area: null for a country date-holidays does not know. */
export function holidaysOf(area: HolidayArea): Holidays | null {
  const country = area.country.toUpperCase();
  const region = knownRegion(country, area.region);
  const key = `${country}|${region ?? ''}`;
  if (!instances.has(key)) {
    countryNames ??= new (holidaysModule())().getCountries();
    const known = country in countryNames;
    instances.set(key, known ? (region ? new (holidaysModule())(country, region) : new (holidaysModule())(country)) : null);
  }
  return instances.get(key) ?? null;
}

/**
 * The region code date-holidays uses for `region`, given as a code ("CA", "by") or a name
 * ("Ontario", "Bayern"); null when it names no state of the country (then the national calendar applies).
 */
function knownRegion(country: string, region: string | null | undefined): string | null {
  const wanted = region?.trim();
  if (!wanted) return null;
  let states = regionCodesByCountry.get(country);
  if (!states) {
    const byCode = new (holidaysModule())().getStates(country) ?? {};
    states = new Map(Object.entries(byCode).flatMap(([code, name]) => [[code.toUpperCase(), code], [name.toUpperCase(), code]]));
    regionCodesByCountry.set(country, states);
  }
  return states.get(wanted.toUpperCase()) ?? null;
}

function publicHolidays(area: HolidayArea, year: number): ReadonlySet<CivilDate> {
  const holidays = holidaysOf(area);
  if (!holidays) return new Set();
  const key = `${area.country.toUpperCase()}|${knownRegion(area.country.toUpperCase(), area.region) ?? ''}|${year}`;
  let dates = holidayDates.get(key);
  if (!dates) {
    dates = new Set(holidays.getHolidays(year).filter((holiday) => holiday.type === 'public').map((holiday) => holiday.date.slice(0, 10)));
    holidayDates.set(key, dates);
  }
  return dates;
}

export const isPublicHoliday = (date: CivilDate, area: HolidayArea): boolean => publicHolidays(area, yearOf(date)).has(date);

export function isBusinessDay(date: CivilDate, area: HolidayArea): boolean {
  const weekday = weekdayOf(date);
  return weekday !== SATURDAY && weekday !== SUNDAY && !isPublicHoliday(date, area);
}

/** `date` itself when it is a business day, else the next one. */
export function onOrAfterBusinessDay(date: CivilDate, area: HolidayArea): CivilDate {
  let day = date;
  for (let step = 0; step <= MAX_DAYS_WITHOUT_BUSINESS_DAY; step++, day = addDays(day, 1)) {
    if (isBusinessDay(day, area)) return day;
  }
  throw new RangeError(`no business day within a month of ${date} in ${area.country}`);
}

/** The first business day strictly after `date`. */
export const nextBusinessDay = (date: CivilDate, area: HolidayArea): CivilDate => onOrAfterBusinessDay(addDays(date, 1), area);

/** `count` business days after `date` (0: `date` itself, moved on to a business day if it is none). */
export function addBusinessDays(date: CivilDate, count: number, area: HolidayArea): CivilDate {
  let day = count === 0 ? onOrAfterBusinessDay(date, area) : date;
  for (let n = 0; n < count; n++) day = nextBusinessDay(day, area);
  return day;
}

/** Counting stops a year out: a promise further away than that is no promise. */
const MAX_COUNTED_DAYS = 366;

/** How many business days fall after `start` and up to `end` included (0 when `end` ≤ `start`). */
export function businessDaysBetween(start: CivilDate, end: CivilDate, area: HolidayArea): number {
  let count = 0;
  let day = addDays(start, 1);
  for (let step = 0; day <= end && step < MAX_COUNTED_DAYS; step++, day = addDays(day, 1)) if (isBusinessDay(day, area)) count++;
  return count;
}
