import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bundledTransitTable, TransitTableSchema } from '../../src/estimates/index.js';
import { findService, normalizeServiceName, TRANSIT_TABLE_PATH, transitDays } from '../../src/estimates/transit-table.js';

const lane = (carrier: string, service: string, distanceKm: number, extra: Partial<Parameters<typeof transitDays>[1]> = {}) =>
  transitDays(bundledTransitTable(), { carrier, service, distanceKm, international: false, country: 'US', originRegion: 'NY', destinationRegion: 'CA', ...extra });

describe('the transit-time table', () => {
  it('is valid data, and every source it cites is listed in its README', () => {
    const table = TransitTableSchema.parse(JSON.parse(readFileSync(TRANSIT_TABLE_PATH, 'utf8')));
    const readme = readFileSync(new URL('README.md', TRANSIT_TABLE_PATH), 'utf8');
    for (const source of new Set(table.services.flatMap((entry) => entry.sources))) expect(readme).toContain(`[${source}]`);
  });

  it('covers the carriers of the brief, each with one default service, and a catch-all', () => {
    const table = bundledTransitTable();
    for (const carrier of ['ups', 'fedex', 'usps', 'dhl', 'simulated', '*']) {
      expect(table.services.filter((entry) => entry.carrier === carrier && entry.default)).toHaveLength(1);
    }
  });

  it('refuses bands out of order or a range that runs backwards', () => {
    const entry = { carrier: 'x', service: 'y', names: [], dayCount: 'business', sources: ['z'] };
    const bands = (rows: unknown[]) => TransitTableSchema.safeParse({ version: 1, services: [{ ...entry, domestic: rows }] }).success;
    expect(bands([{ zone: 'a', maxKm: 100, min: 1, max: 2 }, { zone: 'b', maxKm: null, min: 2, max: 3 }])).toBe(true);
    expect(bands([{ zone: 'a', maxKm: 100, min: 1, max: 2 }, { zone: 'b', maxKm: 50, min: 2, max: 3 }, { zone: 'c', maxKm: null, min: 2, max: 3 }])).toBe(false);
    expect(bands([{ zone: 'a', maxKm: 100, min: 1, max: 2 }])).toBe(false);
    expect(bands([{ zone: 'a', maxKm: null, min: 3, max: 2 }])).toBe(false);
  });

  it("matches the names carriers' APIs give their services", () => {
    const service = (carrier: string, name: string) => {
      const entry = findService(bundledTransitTable(), carrier, name);
      return `${entry.carrier}/${entry.service}`;
    };
    expect(normalizeServiceName('FEDEX_GROUND', 'fedex')).toBe('ground');
    expect(service('ups', 'UPS Ground')).toBe('ups/ground');
    expect(service('UPS', '03')).toBe('ups/ground');
    expect(service('fedex', 'FedEx Home Delivery')).toBe('fedex/home_delivery');
    expect(service('fedex', 'GROUND_HOME_DELIVERY')).toBe('fedex/home_delivery');
    expect(service('usps', 'Priority Mail')).toBe('usps/priority_mail');
    expect(service('usps', 'Priority Mail Express')).toBe('usps/ground_advantage'); // not in the table: the default
    expect(service('dhl', 'EXPRESS_WORLDWIDE')).toBe('dhl/express_worldwide');
    expect(service('canada_post', 'Expedited Parcel')).toBe('*/*');
  });

  it('gives days by distance band, by remote region, and borrows the catch-all abroad', () => {
    expect(lane('ups', 'ground', 130)).toMatchObject({ min: 1, max: 1, source: 'ups/ground domestic zone 1-2' });
    expect(lane('ups', 'ground', 3940)).toMatchObject({ min: 4, max: 5, source: 'ups/ground domestic zone 8' });
    expect(lane('usps', 'priority mail', 3940)).toMatchObject({ min: 2, max: 3 });
    expect(lane('ups', 'ground', 7960, { destinationRegion: 'HI' })).toMatchObject({ min: 3, max: 7, source: 'ups/ground domestic remote' });
    expect(lane('ups', 'ground', 300, { originRegion: 'HI', destinationRegion: 'HI' })).toMatchObject({ source: 'ups/ground domestic zone 3' });
    expect(lane('simulated', 'ground', 900)).toMatchObject({ min: 2, max: 3, dayCount: 'calendar' });
    expect(lane('ups', 'ground', 6200, { international: true })).toMatchObject({ min: 5, max: 10, dayCount: 'business', source: '*/* international zone far' });
  });
});
