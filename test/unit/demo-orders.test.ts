// The demo's order rules: every order ships, the newest is the one being packed, and the seeded
// orders play every journey the simulated carrier knows.
import { describe, expect, it } from 'vitest';
import { arrivalTick, type DemoOrder, demoScenario, SEEDED_HOURS_AGO, shipsWithUps } from '../../src/demo/orders.js';
import { DEMO_SCENARIOS } from '../../src/demo/data.js';
import type { OrderRow } from '../../src/db/schema.js';

const demoOrder = (sequence: number): DemoOrder => ({ sequence, order: { id: `ord_${sequence}` } as OrderRow });

describe('demo arrivals', () => {
  it('keep the newest order being packed and ship each one when the next arrives, the last one a tick after DEMO_MAX_ORDERS', () => {
    let packing: DemoOrder | undefined = demoOrder(14); // the seeded NW-10014
    let arrived = 0;
    const placed = [14];
    const shipped: number[] = [];
    for (let tick = 0; tick < 10; tick++) {
      const step = arrivalTick(arrived, 3, packing);
      if (step.ship) shipped.push(step.ship.sequence);
      if (step.place !== undefined) {
        arrived += 1;
        placed.push(step.place);
      }
      packing = step.place === undefined ? undefined : demoOrder(step.place);
      // Between ticks, the one order being packed is the newest.
      const unshipped = placed.filter((sequence) => !shipped.includes(sequence));
      expect(unshipped).toEqual(packing ? [placed.at(-1)] : []);
    }
    expect(placed).toEqual([14, 1001, 1002, 1003]);
    expect(shipped).toEqual(placed);
    expect(arrivalTick(arrived, 3, undefined)).toEqual({ ship: undefined, place: undefined });
  });
});

describe('demo journeys', () => {
  it('give the customer in Canada a customs hold, with the simulated carrier', () => {
    expect(demoScenario(5)).toBe('customs_hold');
    expect(shipsWithUps(5, demoScenario(5))).toBe(false);
  });

  it('send one parcel in four with UPS', () => {
    const sequences = Array.from({ length: 40 }, (_, i) => 1001 + i);
    expect(sequences.filter((sequence) => shipsWithUps(sequence, demoScenario(sequence)))).toHaveLength(10);
  });

  it('number the seeded orders in the order they were placed, the newest last', () => {
    expect([...SEEDED_HOURS_AGO].sort((a, b) => b - a)).toEqual([...SEEDED_HOURS_AGO]);
    expect(new Set(SEEDED_HOURS_AGO).size).toBe(SEEDED_HOURS_AGO.length);
    expect(SEEDED_HOURS_AGO.at(-1)).toBe(0);
  });

  it('play every scenario among the orders shipped at the start, so every stage is on screen from the start', () => {
    const shippedAtStart = SEEDED_HOURS_AGO.map((_, i) => i + 1).filter((sequence) => SEEDED_HOURS_AGO[sequence - 1] !== 0);
    expect(new Set(shippedAtStart.map(demoScenario))).toEqual(new Set([...DEMO_SCENARIOS, 'customs_hold']));
  });
});
