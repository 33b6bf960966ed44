import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  MAX_COUNTER,
  isValidSimulatedTrackingNumber,
  luhnCheckDigit,
  makeTrackingNumber,
  simulatedTrackingNumber,
  trackingNumberSequence,
} from '../../src/carriers/simulated/tracking-number.js';

describe('simulated tracking numbers', () => {
  it('are SIM, 12 digits and a check digit', () => {
    const number = simulatedTrackingNumber('demo', 0);
    expect(number).toMatch(/^SIM\d{13}$/);
    expect(isValidSimulatedTrackingNumber(number)).toBe(true);
  });

  it('never repeat over 100,000 labels, and all pass the validator', () => {
    const next = trackingNumberSequence('bench');
    const seen = new Set<string>();
    for (let i = 0; i < 100_000; i++) {
      const number = next();
      expect(isValidSimulatedTrackingNumber(number)).toBe(true);
      seen.add(number);
    }
    expect(seen.size).toBe(100_000);
  });

  it('do not look sequential', () => {
    const [a, b] = [simulatedTrackingNumber('demo', 1), simulatedTrackingNumber('demo', 2)];
    expect(Math.abs(Number(a.slice(3, 15)) - Number(b.slice(3, 15)))).toBeGreaterThan(1000);
  });

  it('are reproducible from the seed and counter, and differ between seeds', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 0, max: MAX_COUNTER }), (seed, counter) => {
        expect(simulatedTrackingNumber(seed, counter)).toBe(simulatedTrackingNumber(seed, counter));
        expect(isValidSimulatedTrackingNumber(simulatedTrackingNumber(seed, counter))).toBe(true);
      }),
    );
    const a = Array.from({ length: 20 }, (_, i) => simulatedTrackingNumber('a', i));
    const b = Array.from({ length: 20 }, (_, i) => simulatedTrackingNumber('b', i));
    expect(a.filter((n) => b.includes(n))).toEqual([]);
  });

  it('give distinct numbers for distinct counters under one seed (the permutation is one-to-one)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_COUNTER }), fc.integer({ min: 0, max: MAX_COUNTER }), (x, y) => {
        fc.pre(x !== y);
        expect(simulatedTrackingNumber('s', x)).not.toBe(simulatedTrackingNumber('s', y));
      }),
      { numRuns: 2000 },
    );
  });

  it('catch every single mistyped digit', () => {
    const number = simulatedTrackingNumber('typos', 12345);
    for (let position = 3; position < number.length; position++) {
      for (let digit = 0; digit <= 9; digit++) {
        if (String(digit) === number[position]) continue;
        const typo = number.slice(0, position) + digit + number.slice(position + 1);
        expect(isValidSimulatedTrackingNumber(typo)).toBe(false);
      }
    }
  });

  it('reject anything not of the shape', () => {
    const good = simulatedTrackingNumber('shape', 9);
    for (const bad of ['', 'SIM', good.toLowerCase(), `${good}0`, good.slice(0, -1), `XIM${good.slice(3)}`, ` ${good}`]) {
      expect(isValidSimulatedTrackingNumber(bad)).toBe(false);
    }
  });

  it('compute the Luhn check digit of the reference example', () => {
    expect(luhnCheckDigit('7992739871')).toBe(3); // the textbook example: 79927398713
  });

  it('refuse counters outside 0 to 10^12 - 1', () => {
    expect(() => simulatedTrackingNumber('s', -1)).toThrow(RangeError);
    expect(() => simulatedTrackingNumber('s', MAX_COUNTER + 1)).toThrow(RangeError);
    expect(() => simulatedTrackingNumber('s', 1.5)).toThrow(RangeError);
  });

  it('make a number from any random draw up to 2^48', () => {
    const number = makeTrackingNumber(2 ** 48 - 1);
    expect(isValidSimulatedTrackingNumber(number)).toBe(true);
    expect(makeTrackingNumber(5)).toBe(makeTrackingNumber(5));
    expect(makeTrackingNumber(5)).not.toBe(makeTrackingNumber(6));
    expect(() => makeTrackingNumber(-1)).toThrow(RangeError);
  });
});
