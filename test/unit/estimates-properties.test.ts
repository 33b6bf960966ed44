import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isBusinessDay } from '../../src/estimates/calendar.js';
import { wallClockIn } from '../../src/estimates/civil-date.js';
import { deliveryTimeZone, estimateDeliveryWindow, type DeliveryEstimateInput, type EstimateAddress } from '../../src/estimates/index.js';
import { locate } from '../../src/estimates/places.js';

const PLACES: EstimateAddress[] = [
  { city: 'New York', region: 'NY', postalCode: '10001', country: 'US' },
  { city: 'Philadelphia', region: 'PA', postalCode: '19103', country: 'US' },
  { city: 'Los Angeles', region: 'CA', postalCode: '90012', country: 'US' },
  { city: 'Phoenix', region: 'AZ', postalCode: '85004', country: 'US' },
  { city: 'Honolulu', region: 'HI', postalCode: '96813', country: 'US' },
  { city: 'Anchorage', region: 'AK', country: 'US' },
  { city: 'Toronto', region: 'ON', postalCode: 'M5V 3L9', country: 'CA' },
  { city: 'Berlin', region: 'BE', country: 'DE' },
  { city: 'Munich', region: 'BY', country: 'DE' },
  { city: 'Paris', country: 'FR' },
  { city: 'Madrid', country: 'ES' },
  { city: 'London', country: 'GB' },
  { city: 'Tokyo', country: 'JP' },
  { city: 'Sydney', region: 'NSW', country: 'AU' },
];
const SERVICES: Array<[string, string]> = [
  ['ups', 'UPS Ground'],
  ['fedex', 'FEDEX_GROUND'],
  ['fedex', 'GROUND_HOME_DELIVERY'],
  ['usps', 'USPS Ground Advantage'],
  ['usps', 'Priority Mail'],
  ['dhl', 'EXPRESS_WORLDWIDE'],
  ['simulated', 'ground'],
  ['ontrac', 'ground'],
];

const HOUR_MS = 3_600_000;
const clock = fc.tuple(fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([h, m]) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`);
const inputs: fc.Arbitrary<DeliveryEstimateInput> = fc
  .record({
    now: fc.date({ min: new Date('2025-12-01T00:00:00Z'), max: new Date('2028-01-31T00:00:00Z'), noInvalidDate: true }),
    stage: fc.constantFrom('order' as const, 'shipped' as const),
    origin: fc.constantFrom(...PLACES),
    destination: fc.constantFrom(...PLACES),
    brand: fc.record({ handlingDays: fc.integer({ min: 0, max: 5 }), cutoff: clock }),
    carrierService: fc.constantFrom(...SERVICES),
    shippedHoursAgo: fc.option(fc.integer({ min: 0, max: 96 }), { nil: undefined }),
  })
  .map(({ carrierService: [carrier, service], shippedHoursAgo, ...input }) => ({
    ...input,
    carrier,
    service,
    ...(input.stage === 'shipped' && shippedHoursAgo !== undefined ? { shippedAt: new Date(input.now.getTime() - shippedHoursAgo * HOUR_MS).toISOString() } : {}),
  }));

/** The calendar the estimator uses for an address: its country, and the region we can tell. */
const calendarOf = (address: EstimateAddress) => ({ country: address.country, region: locate(address)?.region ?? null });

describe('every table-based window', () => {
  it('starts on a business day at the destination, at or after the ship date, and ends no earlier than it starts', () => {
    fc.assert(
      fc.property(inputs, (input) => {
        const estimate = estimateDeliveryWindow(input);
        expect(estimate.basis).toBe('transit_table');
        const zone = deliveryTimeZone(input.destination);
        const from = new Date(estimate.window.from);
        const to = new Date(estimate.window.to);
        const firstDay = wallClockIn(zone, from).date;
        expect(from.getTime()).toBeLessThanOrEqual(to.getTime());
        expect(isBusinessDay(firstDay, calendarOf(input.destination))).toBe(true);
        expect(isBusinessDay(wallClockIn(zone, to).date, calendarOf(input.destination))).toBe(true);
        expect(firstDay >= estimate.shipDate).toBe(true);
        expect(estimate.businessDays.min).toBeLessThanOrEqual(estimate.businessDays.max);
        if (input.stage === 'order') expect(isBusinessDay(estimate.shipDate, calendarOf(input.origin))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never moves earlier when the same order comes in later', () => {
    fc.assert(
      fc.property(inputs, fc.integer({ min: 1, max: 72 * 60 }), (input, minutesLater) => {
        const order = { ...input, stage: 'order' as const };
        const sooner = estimateDeliveryWindow(order);
        const later = estimateDeliveryWindow({ ...order, now: new Date(order.now.getTime() + minutesLater * 60_000) });
        expect(later.shipDate >= sooner.shipDate).toBe(true);
        expect(Date.parse(later.window.from)).toBeGreaterThanOrEqual(Date.parse(sooner.window.from));
        expect(Date.parse(later.window.to)).toBeGreaterThanOrEqual(Date.parse(sooner.window.to));
      }),
      { numRuns: 150 },
    );
  });
});
