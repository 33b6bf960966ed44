import { describe, expect, it } from 'vitest';
import {
  recipientTimeZone,
  regionKeyOf,
  singleZoneOfCountry,
  ZONE_OF_SINGLE_ZONE_REGION,
  zonesOfCountry,
} from '../../src/notifications/policy/recipient-zone.js';
import { isKnownTimeZone, zoneOffsetMinutes } from '../../src/notifications/policy/sms-window.js';

const us = (postalCode: string) => recipientTimeZone({ country: 'US', postalCode });

describe('recipientTimeZone from a US or Canadian postal code', () => {
  it('Arizona keeps Mountain Standard Time all year (no daylight saving)', () => {
    expect(us('85001')).toBe('America/Phoenix');
    expect(zoneOffsetMinutes('America/Phoenix', Date.parse('2026-01-15T12:00:00Z'))).toBe(-420);
    expect(zoneOffsetMinutes('America/Phoenix', Date.parse('2026-07-15T12:00:00Z'))).toBe(-420);
  });

  it('the Navajo Nation in Arizona does keep daylight saving', () => {
    expect(us('86045')).toBe('America/Denver'); // Tuba City
  });

  it('Hawaii', () => {
    expect(us('96813')).toBe('Pacific/Honolulu');
  });

  it('Indiana, split across zones', () => {
    expect(us('46201')).toBe('America/Indiana/Indianapolis'); // Indianapolis: Eastern
    expect(us('46402')).toBe('America/Chicago'); // Gary: Central
    expect(us('47708')).toBe('America/Chicago'); // Evansville: Central
  });

  it('ZIP+4, spaces and territories', () => {
    expect(us(' 46201-1234 ')).toBe('America/Indiana/Indianapolis');
    expect(us('462011234')).toBe('America/Indiana/Indianapolis');
    expect(recipientTimeZone({ country: 'PR', postalCode: '00901' })).toBe('America/Puerto_Rico');
    expect(recipientTimeZone({ country: 'US', postalCode: '00901' })).toBe('America/Puerto_Rico');
    expect(us('99501')).toBe('America/Anchorage');
  });

  it('Canada by the first three characters of the postal code', () => {
    expect(recipientTimeZone({ country: 'CA', postalCode: 'M5V 3L9' })).toBe('America/Toronto');
    expect(recipientTimeZone({ country: 'ca', postalCode: 'v6b1a1' })).toBe('America/Vancouver');
    expect(recipientTimeZone({ country: 'CA', postalCode: 'S4P' })).toBe('America/Regina');
    expect(recipientTimeZone({ country: 'CA', postalCode: 'A1C 5M2' })).toBe('America/St_Johns'); // UTC−3:30
  });

  it('a postal code of the wrong country, or none at all, is not used', () => {
    expect(recipientTimeZone({ country: 'CA', postalCode: '46201' })).toBeNull(); // Canada has several zones
    expect(recipientTimeZone({ country: 'GB', postalCode: '46201' })).toBe('Europe/London');
    expect(recipientTimeZone({ country: 'US', postalCode: 'M5V 3L9' })).toBeNull();
    expect(us('00000')).toBeNull();
    expect(us('09001')).toBeNull(); // military mail (APO Europe): where the person is, the ZIP does not say
  });
});

describe('recipientTimeZone from a state or province', () => {
  it('single-zone states and provinces', () => {
    expect(recipientTimeZone({ country: 'US', region: 'AZ' })).toBe('America/Phoenix');
    expect(recipientTimeZone({ country: 'US', region: 'US-HI' })).toBe('Pacific/Honolulu');
    expect(recipientTimeZone({ country: 'US', region: 'ny' })).toBe('America/New_York');
    expect(recipientTimeZone({ country: 'CA', region: 'SK' })).toBe('America/Regina');
  });

  it('states split across zones: unknown without a postal code', () => {
    for (const region of ['IN', 'TX', 'FL', 'KY', 'TN', 'OR', 'AK']) expect(recipientTimeZone({ country: 'US', region })).toBeNull();
    expect(recipientTimeZone({ country: 'CA', region: 'ON' })).toBeNull();
    expect(recipientTimeZone({ country: 'US', region: 'IN', postalCode: '47708' })).toBe('America/Chicago');
  });

  it('every zone in the table is one Intl knows', () => {
    for (const zone of Object.values(ZONE_OF_SINGLE_ZONE_REGION)) expect(isKnownTimeZone(zone), zone).toBe(true);
  });
});

describe('recipientTimeZone from a country', () => {
  it('countries that keep one clock', () => {
    expect(recipientTimeZone({ country: 'GB' })).toBe('Europe/London');
    expect(recipientTimeZone({ country: 'FR' })).toBe('Europe/Paris');
    expect(recipientTimeZone({ country: 'JP' })).toBe('Asia/Tokyo');
    expect(recipientTimeZone({ country: 'DE' })).toBe('Europe/Berlin'); // and Büsingen, same clock
    expect(recipientTimeZone({ country: 'AR' })).toBe('America/Buenos_Aires'); // twelve zones, one clock
  });

  it('countries of several clocks, and nonsense: null', () => {
    for (const country of ['US', 'CA', 'AU', 'RU', 'BR', 'MX', 'ES', 'PT', 'CN']) expect(recipientTimeZone({ country }), country).toBeNull();
    expect(recipientTimeZone({ country: 'XX' })).toBeNull();
    expect(recipientTimeZone({ country: 'USA' })).toBeNull();
    expect(recipientTimeZone({ country: null, postalCode: '46201' })).toBeNull();
    expect(recipientTimeZone(null)).toBeNull();
  });

  it('zonesOfCountry and singleZoneOfCountry', () => {
    expect(zonesOfCountry('US')).toContain('Pacific/Honolulu');
    expect(zonesOfCountry('GB')).toEqual(['Europe/London']);
    expect(zonesOfCountry('nope')).toEqual([]);
    expect(singleZoneOfCountry('gb')).toBe('Europe/London');
    expect(singleZoneOfCountry('US')).toBeNull();
  });
});

describe('regionKeyOf', () => {
  it('from the region, or from the postal code', () => {
    expect(regionKeyOf({ country: 'US', region: 'az' })).toBe('US-AZ');
    expect(regionKeyOf({ country: 'US', region: 'US-AZ' })).toBe('US-AZ');
    expect(regionKeyOf({ country: 'US', postalCode: '85001' })).toBe('US-AZ');
    expect(regionKeyOf({ country: 'CA', postalCode: 'M5V 3L9' })).toBe('CA-ON');
    expect(regionKeyOf({ country: 'US', region: 'Arizona' })).toBeNull();
    expect(regionKeyOf({ country: 'GB' })).toBeNull();
  });
});
