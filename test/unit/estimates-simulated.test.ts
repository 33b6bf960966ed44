// The table's row for the simulated carrier is calibrated on the carrier itself (see
// data/transit-times/README.md): run its real journeys and check that its deliveries land in our windows.
import { describe, expect, it } from 'vitest';
import tzlookup from 'tz-lookup';
import { pickCity, type City } from '../../src/carriers/simulated/cities.js';
import { planJourney } from '../../src/carriers/simulated/journey.js';
import { createRandom } from '../../src/carriers/simulated/random.js';
import { estimateDeliveryWindow } from '../../src/estimates/index.js';
import { instantAt } from '../../src/estimates/civil-date.js';

type Outcome = 'early' | 'inside' | 'late';

/** A happy journey labelled at 10:00 warehouse time on a weekday, against our order-time window. */
function compare(origin: City, destination: City, labelDate: string, index: number): Outcome {
  const labelAt = instantAt(tzlookup(origin.lat, origin.lon), labelDate, 10 * 60);
  const journey = planJourney({ seed: 'estimates', trackingNumber: `SIM${index}`, origin, destination, labelCreatedAt: labelAt, scenario: 'happy' });
  const address = (city: City) => ({ city: city.name, region: city.region, country: city.country });
  const { window } = estimateDeliveryWindow({
    now: labelAt,
    stage: 'order',
    origin: address(origin),
    destination: address(destination),
    brand: { handlingDays: 0, cutoff: '17:00' },
    carrier: 'simulated',
    service: 'ground',
  });
  const deliveredAt = Date.parse(journey.expectedDeliveryAt);
  return deliveredAt < Date.parse(window.from) ? 'early' : deliveredAt > Date.parse(window.to) ? 'late' : 'inside';
}

function tally(countries: { from: string[]; to: string[] }, runs: number): Record<Outcome, number> {
  const random = createRandom(`estimates:${countries.from}:${countries.to}`);
  const counts: Record<Outcome, number> = { early: 0, inside: 0, late: 0 };
  // Weekdays of early August 2026, when few public holidays fall (Hawaii's Statehood Day is the 21st).
  const labelDates = ['2026-08-03', '2026-08-04', '2026-08-05', '2026-08-06', '2026-08-07'];
  for (let i = 0; i < runs; i++) {
    const origin = pickCity(random, { countries: countries.from });
    const destination = pickCity(random, { countries: countries.to });
    counts[compare(origin, destination, labelDates[i % labelDates.length], i)]++;
  }
  return counts;
}

// The simulated carrier also delivers on Saturdays, which our windows (business days) never start
// on: most "early" parcels are those. Late ones would tell a customer "running late" wrongly.
describe('the simulated carrier against its own row of the table', () => {
  it('delivers domestic parcels inside the window, almost never after it', () => {
    const runs = 240;
    const counts = tally({ from: ['US'], to: ['US'] }, runs);
    expect(counts.inside / runs).toBeGreaterThanOrEqual(0.85);
    expect(counts.late / runs).toBeLessThanOrEqual(0.02);
  });

  it('delivers international parcels inside the window, almost never after it', () => {
    const runs = 120;
    const counts = tally({ from: ['US', 'DE', 'GB'], to: ['CA', 'FR', 'JP', 'AU', 'NL'] }, runs);
    expect(counts.inside / runs).toBeGreaterThanOrEqual(0.8);
    expect(counts.late / runs).toBeLessThanOrEqual(0.04);
  });
});
