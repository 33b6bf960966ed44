import { describe, expect, it } from 'vitest';
import {
  findCity,
  greatCircleKm,
  hubCities,
  largestCity,
  nearestCity,
  nearestHub,
  normalizeName,
  pickCity,
  pointAlongGreatCircle,
  preloadCities,
  resolvePlace,
} from '../../src/carriers/simulated/cities.js';
import { createRandom } from '../../src/carriers/simulated/random.js';

describe('the city dataset', () => {
  it('loads the GeoNames cities once', () => {
    const first = preloadCities();
    expect(first.count).toBeGreaterThan(130_000);
    expect(preloadCities()).toEqual(first); // loaded once: same figures, no second decode
  });

  it('decodes names, countries, regions, populations and coordinates', () => {
    const columbus = findCity('Columbus', 'US', 'OH');
    expect(columbus).toMatchObject({ name: 'Columbus', country: 'US', region: 'OH', adminCode: 'OH' });
    expect(columbus!.population).toBeGreaterThan(500_000);
    expect(columbus!.lat).toBeCloseTo(39.96, 1);
    expect(columbus!.lon).toBeCloseTo(-83.0, 1);
    expect(findCity('São Paulo', 'BR')?.population).toBeGreaterThan(10_000_000);
  });
});

describe('finding a city by name', () => {
  it('prefers the region given, then the largest of the name', () => {
    expect(findCity('Columbus', 'US', 'GA')?.region).toBe('GA');
    expect(findCity('Columbus', 'US')?.region).toBe('OH');
    expect(findCity('Portland', 'US', 'ME')?.region).toBe('ME');
    expect(findCity('Portland', 'US')?.region).toBe('OR');
  });

  it('ignores case, accents and punctuation, and knows common spellings', () => {
    expect(findCity('montreal', 'CA')?.name).toBe('Montréal');
    expect(findCity('Saint Louis', 'US', 'MO')?.name).toBe('St. Louis');
    expect(findCity('New York', 'US')?.name).toBe('New York City');
    expect(findCity('washington dc', 'US')?.region).toBe('DC');
    expect(normalizeName('  Winston-Salem ')).toBe('winston salem');
  });

  it('speaks province codes for Canada and Australia', () => {
    expect(findCity('Toronto', 'CA')?.region).toBe('ON');
    expect(findCity('Perth', 'AU')?.region).toBe('WA');
    expect(findCity('Perth', 'AU', 'TAS')?.region).toBe('TAS');
    expect(findCity('London', 'GB')?.region).toBeNull(); // no code people write for England
  });

  it('answers null for an unknown name or country', () => {
    expect(findCity('Nowhereville', 'US')).toBeNull();
    expect(findCity('Paris', 'XX')).toBeNull();
  });

  it('searches every country when none is given', () => {
    expect(findCity('Paris')?.country).toBe('FR');
  });
});

describe('resolving a warehouse or delivery address', () => {
  it('uses the name when found', () => {
    expect(resolvePlace({ city: 'Columbus', region: 'OH', country: 'US' }).region).toBe('OH');
  });

  it('falls back to the city nearest the coordinates', () => {
    const place = resolvePlace({ city: 'Not A Real Town', country: 'US', lat: 34.05, lon: -118.25 });
    expect(greatCircleKm(place, { lat: 34.05, lon: -118.25 })).toBeLessThan(10);
  });

  it("falls back to the country's largest city without coordinates", () => {
    expect(resolvePlace({ city: 'Not A Real Town', country: 'de' }).name).toBe(largestCity('DE')!.name);
    expect(resolvePlace({ country: 'GB' }).name).toBe('London');
  });

  it('refuses a country with no cities', () => {
    expect(() => resolvePlace({ city: 'Somewhere', country: 'XX' })).toThrow(/unknown country "XX"/);
  });
});

describe('hubs', () => {
  it('include the big cities and at least one per country', () => {
    const us = hubCities('US').map((hub) => hub.name);
    for (const name of ['New York City', 'Los Angeles', 'Chicago', 'Atlanta', 'St. Louis', 'Denver']) expect(us).toContain(name);
    expect(hubCities('LU').map((hub) => hub.name)).toEqual(['Luxembourg']);
  });

  it('count a metro once: boroughs are not hubs of their own', () => {
    const us = hubCities('US');
    expect(us.map((hub) => hub.name)).not.toContain('Brooklyn');
    for (const a of us) for (const b of us) if (a !== b) expect(greatCircleKm(a, b)).toBeGreaterThanOrEqual(50);
  });

  it('finds the nearest hub within the country asked', () => {
    expect(nearestHub(40.44, -79.99, 'US').name).toBe('Pittsburgh');
    expect(nearestHub(42.3, -83.0, 'CA').country).toBe('CA'); // Windsor: Detroit is nearer, but abroad
    expect(nearestHub(42.3, -83.0, 'US').name).toBe('Detroit');
  });

  it('finds the nearest city to a point', () => {
    expect(nearestCity(48.8566, 2.3522, 'FR')?.name).toBe('Paris');
    expect(nearestCity(0, 0, 'XX')).toBeNull();
  });
});

describe('drawing cities', () => {
  it('is reproducible from the seed and stays in the countries asked', () => {
    const draw = (seed: string) => Array.from({ length: 50 }, (_, i) => pickCity(createRandom(`${seed}:${i}`), { countries: ['US'] }).geonameId);
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
    const random = createRandom('countries');
    for (let i = 0; i < 200; i++) {
      const city = pickCity(random, { countries: ['ca', 'MX'], minPopulation: 100_000 });
      expect(['CA', 'MX']).toContain(city.country);
      expect(city.population).toBeGreaterThanOrEqual(100_000);
      expect(pickCity(random, { excludeCountry: 'US' }).country).not.toBe('US');
    }
  });

  it('weights by population: New York City comes up far more often than Buffalo', () => {
    const random = createRandom('weights');
    const counts = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const { name } = pickCity(random, { countries: ['US'] });
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    expect(counts.get('New York City')!).toBeGreaterThan(10 * (counts.get('Buffalo') ?? 0));
  });
});

describe('great-circle geometry', () => {
  const nyc = { lat: 40.7128, lon: -74.006 };
  const la = { lat: 34.0522, lon: -118.2437 };

  it('measures New York to Los Angeles at about 3,940 km', () => {
    expect(greatCircleKm(nyc, la)).toBeGreaterThan(3900);
    expect(greatCircleKm(nyc, la)).toBeLessThan(3980);
    expect(greatCircleKm(nyc, nyc)).toBe(0);
  });

  it('puts the midpoint halfway along the path', () => {
    const mid = pointAlongGreatCircle(nyc, la, 0.5);
    expect(greatCircleKm(nyc, mid)).toBeCloseTo(greatCircleKm(mid, la), 0);
    expect(greatCircleKm(nyc, mid) + greatCircleKm(mid, la)).toBeCloseTo(greatCircleKm(nyc, la), 0);
  });
});
