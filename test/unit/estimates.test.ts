import { describe, expect, it } from 'vitest';
import { deliveryTimeZone, estimateDeliveryWindow, type DeliveryEstimateInput } from '../../src/estimates/index.js';

const NEW_YORK = { city: 'New York', region: 'NY', postalCode: '10001', country: 'US' };
const PHILADELPHIA = { city: 'Philadelphia', region: 'PA', postalCode: '19103', country: 'US' };
const LOS_ANGELES = { city: 'Los Angeles', region: 'CA', postalCode: '90012', country: 'US' };
const HONOLULU = { city: 'Honolulu', region: 'HI', postalCode: '96813', country: 'US' };
const PHOENIX = { city: 'Phoenix', region: 'AZ', postalCode: '85004', country: 'US' };
const DENVER = { city: 'Denver', region: 'CO', postalCode: '80202', country: 'US' };
const BERLIN = { city: 'Berlin', region: 'BE', country: 'DE' };
const MUNICH = { city: 'Munich', region: 'BY', country: 'DE' };
const HAMBURG = { city: 'Hamburg', region: 'HH', country: 'DE' };

/** A UPS Ground order from a New York warehouse (cut-off 14:00, ships the same day) to Philadelphia. */
function order(now: string, overrides: Partial<DeliveryEstimateInput> = {}) {
  return estimateDeliveryWindow({
    now: new Date(now),
    stage: 'order',
    origin: NEW_YORK,
    destination: PHILADELPHIA,
    brand: { handlingDays: 0, cutoff: '14:00' },
    carrier: 'ups',
    service: 'UPS Ground',
    ...overrides,
  });
}

const shipment = (overrides: Partial<DeliveryEstimateInput>) => order('2026-03-03T16:00:00-05:00', { stage: 'shipped', shippedAt: '2026-03-03T15:00:00-05:00', ...overrides });

describe('the ship date at order time', () => {
  it('is today before the cut-off, and the next business day from the cut-off on', () => {
    expect(order('2026-03-03T13:59:00-05:00')).toEqual({
      window: { from: '2026-03-04T08:00:00-05:00', to: '2026-03-04T20:00:00-05:00' },
      basis: 'transit_table',
      businessDays: { min: 1, max: 1 },
      shipDate: '2026-03-03',
    });
    const late = order('2026-03-03T14:00:00-05:00');
    expect(late.shipDate).toBe('2026-03-04');
    expect(late.window).toEqual({ from: '2026-03-05T08:00:00-05:00', to: '2026-03-05T20:00:00-05:00' });
  });

  it("reads the cut-off on the warehouse's clock", () => {
    // 16:30 in New York is 13:30 in Los Angeles: before a Los Angeles warehouse's 14:00 cut-off.
    const now = '2026-03-03T16:30:00-05:00';
    expect(order(now).shipDate).toBe('2026-03-04');
    const brand = { handlingDays: 0, cutoff: '14:00', warehouseTimeZone: 'America/Los_Angeles' };
    expect(order(now, { brand }).shipDate).toBe('2026-03-03');
  });

  it('counts handling days on business days, over the weekend (and across the change to summer time)', () => {
    const twoDays = { handlingDays: 2, cutoff: '14:00' };
    // Friday 6 March, handled Monday and Tuesday: ships Tuesday 10, delivered Wednesday 11 (now UTC-4).
    expect(order('2026-03-06T10:00:00-05:00', { brand: twoDays })).toMatchObject({
      shipDate: '2026-03-10',
      window: { from: '2026-03-11T08:00:00-04:00', to: '2026-03-11T20:00:00-04:00' },
    });
    // Friday after the cut-off with one handling day: taken in Monday, ships Tuesday.
    expect(order('2026-03-06T15:00:00-05:00', { brand: { handlingDays: 1, cutoff: '14:00' } }).shipDate).toBe('2026-03-10');
    // Saturday morning is before the cut-off, but the warehouse is closed: ships Monday.
    expect(order('2026-03-07T09:00:00-05:00')).toMatchObject({ shipDate: '2026-03-09', window: { from: '2026-03-10T08:00:00-04:00' } });
  });
});

describe('public holidays', () => {
  it('skip Thanksgiving (26 November 2026) at the destination', () => {
    expect(order('2026-11-25T10:00:00-05:00')).toEqual({
      window: { from: '2026-11-27T08:00:00-05:00', to: '2026-11-27T20:00:00-05:00' },
      basis: 'transit_table',
      businessDays: { min: 1, max: 1 },
      shipDate: '2026-11-25',
    });
  });

  it("use the destination state's calendar: California also takes the day after Thanksgiving off", () => {
    // 4 to 5 business days from Wednesday 25: not 26 or 27, then 30 Nov, 1, 2, 3 (4th) and 4 Dec (5th).
    expect(order('2026-11-25T10:00:00-05:00', { destination: LOS_ANGELES })).toEqual({
      window: { from: '2026-12-03T08:00:00-08:00', to: '2026-12-04T20:00:00-08:00' },
      basis: 'transit_table',
      businessDays: { min: 4, max: 5 },
      shipDate: '2026-11-25',
    });
  });

  it('read the state from an ISO 3166-2 code as well', () => {
    const iso = order('2026-11-25T10:00:00-05:00', { destination: { ...LOS_ANGELES, region: 'US-CA' } });
    expect(iso.window).toEqual(order('2026-11-25T10:00:00-05:00', { destination: LOS_ANGELES }).window);
  });

  it('keep the warehouse closed on Thanksgiving itself', () => {
    expect(order('2026-11-26T10:00:00-05:00')).toMatchObject({ shipDate: '2026-11-27', window: { from: '2026-11-30T08:00:00-05:00' } });
  });

  it('skip Christmas and the weekend after it', () => {
    expect(order('2026-12-24T10:00:00-05:00')).toMatchObject({
      shipDate: '2026-12-24',
      window: { from: '2026-12-28T08:00:00-05:00', to: '2026-12-28T20:00:00-05:00' },
    });
  });

  it('follow the German Länder: Corpus Christi (4 June 2026) is a holiday in Bavaria, not in Hamburg', () => {
    const fromBerlin = { origin: BERLIN, carrier: 'dhl', service: 'Express' };
    expect(order('2026-06-03T10:00:00+02:00', { ...fromBerlin, destination: MUNICH })).toEqual({
      window: { from: '2026-06-05T08:00:00+02:00', to: '2026-06-08T20:00:00+02:00' },
      basis: 'transit_table',
      businessDays: { min: 1, max: 2 },
      shipDate: '2026-06-03',
    });
    expect(order('2026-06-03T10:00:00+02:00', { ...fromBerlin, destination: HAMBURG }).window).toEqual({ from: '2026-06-04T08:00:00+02:00', to: '2026-06-05T20:00:00+02:00' });
  });

  it("keep a German warehouse closed on Ascension Day (14 May 2026), on the origin's calendar", () => {
    expect(order('2026-05-14T10:00:00+02:00', { origin: BERLIN, destination: HAMBURG, carrier: 'dhl', service: 'express' })).toMatchObject({
      shipDate: '2026-05-15',
      window: { from: '2026-05-18T08:00:00+02:00', to: '2026-05-19T20:00:00+02:00' },
    });
  });
});

describe('after shipping', () => {
  it("takes the carrier's estimate, written on the destination's clock", () => {
    expect(shipment({ carrierEstimate: { from: '2026-03-05T13:00:00Z', to: '2026-03-05T22:00:00Z' } })).toEqual({
      window: { from: '2026-03-05T08:00:00-05:00', to: '2026-03-05T17:00:00-05:00' },
      basis: 'carrier',
      businessDays: { min: 2, max: 2 },
      shipDate: '2026-03-03',
    });
  });

  it('reads a date-only carrier estimate as that day, 08:00 to 20:00 at the destination', () => {
    expect(shipment({ carrierEstimate: { from: '2026-03-06', to: '2026-03-06' } }).window).toEqual({ from: '2026-03-06T08:00:00-05:00', to: '2026-03-06T20:00:00-05:00' });
  });

  it('falls back to the table from the ship date without a usable carrier estimate', () => {
    const fromTable = { window: { from: '2026-03-04T08:00:00-05:00', to: '2026-03-04T20:00:00-05:00' }, basis: 'transit_table', shipDate: '2026-03-03' };
    expect(shipment({ carrierEstimate: null })).toMatchObject(fromTable);
    expect(shipment({ carrierEstimate: { from: 'soon', to: 'later' } })).toMatchObject(fromTable);
    expect(shipment({ carrierEstimate: { from: '2026-03-06T08:00:00-05:00', to: '2026-03-05T08:00:00-05:00' } })).toMatchObject(fromTable);
  });

  it('starts the transit days on the next business day for a parcel handed over on a Saturday', () => {
    expect(shipment({ shippedAt: '2026-03-07T11:00:00-05:00', now: new Date('2026-03-07T12:00:00-05:00') })).toMatchObject({
      shipDate: '2026-03-07',
      window: { from: '2026-03-10T08:00:00-04:00' },
      businessDays: { min: 1, max: 1 },
    });
  });

  it("ignores a carrier estimate at order time (there is no label, so no carrier's word yet)", () => {
    expect(order('2026-03-03T10:00:00-05:00', { carrierEstimate: { from: '2026-03-20', to: '2026-03-20' } }).basis).toBe('transit_table');
  });
});

describe('distance', () => {
  it('makes New York to Philadelphia (zone 2) quicker than New York to Los Angeles (zone 8)', () => {
    const near = order('2026-03-02T10:00:00-05:00');
    const far = order('2026-03-02T10:00:00-05:00', { destination: LOS_ANGELES });
    expect(near.window).toEqual({ from: '2026-03-03T08:00:00-05:00', to: '2026-03-03T20:00:00-05:00' });
    // Friday 6 to Monday 9 March; Los Angeles moves to summer time on Sunday 8.
    expect(far.window).toEqual({ from: '2026-03-06T08:00:00-08:00', to: '2026-03-09T20:00:00-07:00' });
    expect(near.businessDays.max).toBeLessThan(far.businessDays.min);
  });

  it('gives Hawaii its own noncontiguous row', () => {
    expect(order('2026-03-02T10:00:00-05:00', { destination: HONOLULU })).toMatchObject({
      window: { from: '2026-03-05T08:00:00-10:00', to: '2026-03-11T20:00:00-10:00' },
      businessDays: { min: 3, max: 7 },
    });
  });

  it("uses the carrier's default service for a service the table does not know, and a catch-all for unknown carriers", () => {
    expect(order('2026-03-02T10:00:00-05:00', { service: 'UPS Ground Saver Deluxe' }).window).toEqual(order('2026-03-02T10:00:00-05:00').window);
    expect(order('2026-03-02T10:00:00-05:00', { carrier: 'ontrac', service: 'ground' }).businessDays).toEqual({ min: 1, max: 3 });
  });
});

describe('the destination time zone', () => {
  it('comes from the postal code: Phoenix keeps standard time in July, Denver does not', () => {
    expect(deliveryTimeZone(PHOENIX)).toBe('America/Phoenix');
    expect(order('2026-07-06T10:00:00-04:00', { destination: PHOENIX }).window.from).toMatch(/-07:00$/);
    expect(order('2026-07-06T10:00:00-04:00', { destination: DENVER }).window.from).toMatch(/-06:00$/);
  });

  it('puts Honolulu on Hawaii time', () => {
    expect(deliveryTimeZone(HONOLULU)).toBe('Pacific/Honolulu');
    expect(deliveryTimeZone({ city: 'Honolulu', country: 'US' })).toBe('Pacific/Honolulu');
  });

  it('prefers the postal code to the city, then the city to the country', () => {
    expect(deliveryTimeZone({ city: 'Aurora', country: 'US' })).toBe('America/Denver'); // the largest Aurora, Colorado
    expect(deliveryTimeZone({ city: 'Aurora', postalCode: '60505', country: 'US' })).toBe('America/Chicago'); // Aurora, Illinois
    expect(deliveryTimeZone({ city: 'Vancouver', postalCode: 'V6B 1A1', country: 'CA' })).toBe('America/Vancouver');
    expect(deliveryTimeZone({ city: 'Nowhere In Particular', country: 'US' })).toBe('America/New_York');
    expect(deliveryTimeZone({ city: '', country: 'de' })).toBe('Europe/Berlin');
  });

  it('takes a place it does not know by its state when the state keeps one clock, before the country', () => {
    expect(deliveryTimeZone({ city: 'Nowhere In Particular', region: 'CA', country: 'US' })).toBe('America/Los_Angeles');
    expect(deliveryTimeZone({ city: 'Nowhere In Particular', region: 'US-WA', country: 'US' })).toBe('America/Los_Angeles');
    expect(deliveryTimeZone({ city: 'Nowhere In Particular', region: 'AZ', country: 'US' })).toBe('America/Phoenix');
    // A state on two clocks says nothing: the country's first zone, as before.
    expect(deliveryTimeZone({ city: 'Nowhere In Particular', region: 'TX', country: 'US' })).toBe('America/New_York');
  });
});

describe('input', () => {
  it('refuses a malformed cut-off, handling days or warehouse zone', () => {
    expect(() => order('2026-03-03T10:00:00-05:00', { brand: { handlingDays: 0, cutoff: '2pm' } })).toThrow(/HH:MM/);
    expect(() => order('2026-03-03T10:00:00-05:00', { brand: { handlingDays: -1, cutoff: '14:00' } })).toThrow();
    expect(() => order('2026-03-03T10:00:00-05:00', { brand: { handlingDays: 0, cutoff: '14:00', warehouseTimeZone: 'Mars/Olympus' } })).toThrow(/time zone/);
  });
});
