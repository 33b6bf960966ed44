// Where an address is, as precisely as we can tell offline: a US ZIP code or Canadian postal code
// (the `zipcodes` package), else its city (the GeoNames dataset of src/carriers/simulated/cities.ts),
// else its country. Its clock follows: tz-lookup at the point, else the country's main zone.
import tzlookup from 'tz-lookup';
import { lazyModule } from '../lib/lazy.js';
import { findCity, largestCity } from '../carriers/simulated/cities.js';
import { singleZoneOfRegion } from '../notifications/policy/recipient-zone.js';
import { holidaysOf } from './calendar.js';

/** An address as orders carry it. `country` is ISO 3166-1 alpha-2. */
export type Address = { city?: string | null; region?: string | null; postalCode?: string | null; country: string };

export type Located = {
  lat: number;
  lon: number;
  /** State or province (code where known): the one given, else the postal code's, else the city's. */
  region: string | null;
  /** How we found the point: a country alone gives its largest city, a rough stand-in. */
  precision: 'postal_code' | 'city' | 'country';
};

type ZipRecord = { zip: string; latitude: number; longitude: number; city: string; state: string; country: string };
type ZipCodes = { lookup(code: string): ZipRecord | undefined };

// `zipcodes` takes half a second to load: required on first use.
const zipCodes = lazyModule<ZipCodes>('zipcodes');

/** The key `zipcodes` files a postal code under: 5-digit ZIP (US), forward sortation area (CA). */
function postalKey(country: string, postalCode: string): { key: string; datasetCountry: string } | null {
  const code = postalCode.trim().toUpperCase();
  if (country === 'US') {
    const zip = /^(\d{5})(?:-?\d{4})?$/.exec(code);
    return zip ? { key: zip[1], datasetCountry: 'US' } : null;
  }
  if (country === 'CA') {
    const fsa = /^([A-Z]\d[A-Z])\s*(?:\d[A-Z]\d)?$/.exec(code);
    return fsa ? { key: fsa[1], datasetCountry: 'Canada' } : null;
  }
  return null;
}

/** The region as a bare code or name: "AZ" and ISO 3166-2 "US-AZ" both give "AZ". */
function givenRegion(address: Address): string | null {
  const region = address.region?.trim().toUpperCase();
  if (!region) return null;
  const prefix = `${address.country.toUpperCase()}-`;
  return region.startsWith(prefix) ? region.slice(prefix.length) : region;
}

export function locateByPostalCode(address: Address): Located | null {
  if (!address.postalCode) return null;
  const wanted = postalKey(address.country.toUpperCase(), address.postalCode);
  if (!wanted) return null;
  const record = zipCodes().lookup(wanted.key);
  if (!record || record.country !== wanted.datasetCountry) return null;
  return { lat: record.latitude, lon: record.longitude, region: givenRegion(address) ?? record.state, precision: 'postal_code' };
}

export function locateByCity(address: Address): Located | null {
  if (!address.city?.trim()) return null;
  const city = findCity(address.city, address.country, givenRegion(address));
  return city ? { lat: city.lat, lon: city.lon, region: givenRegion(address) ?? city.region, precision: 'city' } : null;
}

function locateByCountry(address: Address): Located | null {
  const city = largestCity(address.country);
  return city ? { lat: city.lat, lon: city.lon, region: givenRegion(address), precision: 'country' } : null;
}

/** The most precise point we can find for an address; null for a country the dataset does not know. */
export const locate = (address: Address): Located | null => locateByPostalCode(address) ?? locateByCity(address) ?? locateByCountry(address);

function zoneAt(point: { lat: number; lon: number }): string | null {
  try {
    return tzlookup(point.lat, point.lon);
  } catch {
    return null;
  }
}

/** The zone date-holidays lists first for a country (its capital's or largest city's). */
export function countryMainTimeZone(country: string): string | null {
  return holidaysOf({ country })?.getTimezones()[0] ?? null;
}

/**
 * The IANA zone of an address: from its postal code (US, CA), else its city, else its state or
 * province when that keeps one clock (a Californian town the dataset lacks is on Pacific time, not
 * on the country's first zone), else the country's main zone (date-holidays lists it first:
 * America/New_York for the US), else UTC.
 */
export function timeZoneOf(address: Address): string {
  const point = locateByPostalCode(address) ?? locateByCity(address);
  return (point && zoneAt(point)) ?? singleZoneOfRegion(address) ?? countryMainTimeZone(address.country) ?? 'UTC';
}

/** True when Intl knows the zone (IANA names; brands type them by hand). */
export function isKnownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
