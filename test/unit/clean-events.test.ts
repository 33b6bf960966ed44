// The quick test of clean event bodies (api/clean-events.ts) may only ever answer what zod answers:
// for any body it vouches for, zod accepts it and returns the very same data, keys in the same
// order (the location is stored as its JSON text); anything else it leaves to zod.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cleanBatchEvents, cleanPostEvents } from '../../src/api/clean-events.js';
import { BatchEventsSchema, PostEventsSchema } from '../../src/api/schemas.js';

/** Mostly a good value, sometimes a bad one, so that both clean and unclean bodies come up. */
const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) => fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: bad, weight: 1 });
/** Text that is clean, or padded, empty, too long, with control characters, or not text at all. */
const textLike = (max: number) =>
  mostly(
    fc.oneof(fc.string({ minLength: 1, maxLength: 12 }), fc.constantFrom('Memphis', 'IT', 'Arrived at facility', 'x'.repeat(max))),
    fc.constantFrom('x'.repeat(max + 1), '', ' padded ', 'tab\there', 'bell\u0007', '\u00a0nbsp', 'new\nline', '\ufeffbom', null, 3, true, ['a'], { a: 1 }),
  );
const instantLike = mostly(
  fc.oneof(
    fc.constantFrom('2026-03-01T10:00:00Z', '2026-03-01T10:00:00.123-05:00', '2026-03-01T10:00+0530', '2026-03-01T10:00:00.123456789+01:00'),
    fc.date({ min: new Date('1990-01-01'), max: new Date('2040-01-01'), noInvalidDate: true }).map((d) => d.toISOString()),
  ),
  fc.constantFrom('2026-02-30T10:00:00Z', '2026-03-01 10:00:00Z', '2026-03-01T10:00:00', '0001-01-01T00:00:00Z', '', null, 7),
);
/** A record whose optional keys come and go, plus now and then a key the schema does not know. */
const recordOf = <T extends Record<string, fc.Arbitrary<unknown>>>(fields: T, required: ReadonlyArray<keyof T & string>) =>
  fc
    .tuple(
      fc.record(fields, { requiredKeys: [...required] }),
      mostly(fc.constant(undefined), fc.constant('unknown key')),
      mostly(fc.constant(false), fc.constant(true)),
    )
    .map(([record, unknown, dropRequired]) => {
      const out: Record<string, unknown> = { ...record };
      if (unknown !== undefined) out.note = unknown;
      if (dropRequired && required[0] !== undefined) delete out[required[0]];
      return out;
    });
const location = recordOf(
  {
    city: mostly(textLike(100), fc.constant(null)),
    region: mostly(textLike(100), fc.constant(null)),
    postalCode: textLike(20),
    country: mostly(fc.constant('US'), fc.constantFrom('us', 'USA', null, 1)),
    lat: mostly(fc.double({ min: -90, max: 90, noNaN: true }), fc.constantFrom(null, '1', 90.5, -91)),
    lon: mostly(fc.double({ min: -180, max: 180, noNaN: true }), fc.constantFrom(null, 180.5)),
  },
  [],
);
const eventFields = {
  status: mostly(fc.constantFrom('in_transit', 'out_for_delivery', 'delivered'), fc.constantFrom('teleported', null)),
  reason: mostly(fc.constantFrom('weather', 'lost', null), fc.constant('nonsense')),
  delayed: mostly(fc.boolean(), fc.constantFrom('yes', null)),
  occurredAt: mostly(instantLike, fc.constant(null)),
  location: mostly(location, fc.constantFrom(null, 'Memphis', [])),
  carrierCode: mostly(textLike(64), fc.constant(null)),
  carrierText: mostly(textLike(500), fc.constant(null)),
  eventId: textLike(200),
};
const event = recordOf(eventFields, ['status', 'occurredAt']);
const batchEvent = recordOf({ ...eventFields, carrier: textLike(32), trackingNumber: textLike(64) }, ['status', 'occurredAt', 'carrier', 'trackingNumber']);

/** Shuffles an object's keys (zod's output follows the schema's order, whatever the input's). */
const shuffled = (value: unknown, seed: number): unknown => {
  if (Array.isArray(value)) return value.map((v, i) => shuffled(v, seed + i));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  if (seed % 2 === 1) entries.reverse();
  return Object.fromEntries(entries.map(([k, v]) => [k, shuffled(v, seed >> 1)]));
};

/** Checks one body; says whether the quick test vouched for it. */
function agreesWithZod(clean: (value: unknown) => unknown, schema: { safeParse(value: unknown): { success: boolean; data?: unknown } }, body: unknown): boolean {
  const vouched = clean(body);
  if (vouched === undefined) return false;
  const zod = schema.safeParse(body);
  expect(zod.success).toBe(true);
  expect(JSON.stringify(vouched)).toBe(JSON.stringify(zod.data));
  expect(vouched).toStrictEqual(zod.data);
  return true;
}

describe('clean event bodies', () => {
  it('vouch for the common clean body, with zod’s very data', () => {
    const body = {
      events: [
        { carrier: 'ups', trackingNumber: '1ZBENCH1', status: 'in_transit', occurredAt: '2026-03-01T10:00:00Z', location: { city: 'Memphis', region: 'TN', country: 'US' }, carrierCode: 'IT', carrierText: 'Arrived', eventId: 'e-1' },
        { trackingNumber: '1ZBENCH2', carrier: 'ups', occurredAt: null, status: 'exception', reason: 'weather', delayed: true, location: null },
      ],
    };
    expect(cleanBatchEvents(body)).toBeDefined();
    agreesWithZod(cleanBatchEvents, BatchEventsSchema, body);
    const single = { estimatedDelivery: { to: '2026-03-04T20:00:00-06:00', from: '2026-03-04T08:00:00-06:00' }, events: [{ status: 'delivered', occurredAt: '2026-03-01T10:00:00Z' }] };
    expect(cleanPostEvents(single)).toBeDefined();
    agreesWithZod(cleanPostEvents, PostEventsSchema, single);
  });

  it('leave to zod what needs trimming, unknown keys, missing and wrong values', () => {
    const good = { status: 'in_transit', occurredAt: '2026-03-01T10:00:00Z' };
    for (const bad of [
      { ...good, carrierText: ' padded' },
      { ...good, note: 'unknown' },
      { status: 'in_transit' },
      { ...good, eventId: null },
      { ...good, occurredAt: '2026-02-30T10:00:00Z' },
      { ...good, location: { city: 'Memphis', county: 'Shelby' } },
      { ...good, delayed: undefined },
    ]) {
      expect(cleanPostEvents({ events: [bad] }), JSON.stringify(bad)).toBeUndefined();
    }
    expect(cleanPostEvents({ events: [] })).toBeUndefined();
    expect(cleanPostEvents({ events: Array.from({ length: 1001 }, () => good) })).toBeUndefined();
    expect(cleanPostEvents({ events: [good], extra: 1 })).toBeUndefined();
    expect(cleanPostEvents([good])).toBeUndefined();
    expect(cleanBatchEvents({ events: [good] })).toBeUndefined(); // no carrier, no tracking number
  });

  it('never vouch for a body zod refuses, nor return other data than zod (any mix of fields)', () => {
    let vouched = 0;
    fc.assert(
      fc.property(mostly(fc.array(batchEvent, { minLength: 1, maxLength: 3 }), fc.constantFrom([], {}, null)), fc.nat(), (events, seed) => {
        if (agreesWithZod(cleanBatchEvents, BatchEventsSchema, shuffled({ events }, seed))) vouched += 1;
      }),
      { numRuns: 4000 },
    );
    fc.assert(
      fc.property(
        mostly(fc.array(event, { minLength: 1, maxLength: 3 }), fc.constantFrom([], {}, null)),
        fc.option(fc.record({ from: instantLike, to: instantLike }), { nil: undefined }),
        fc.nat(),
        (events, estimatedDelivery, seed) => {
          if (agreesWithZod(cleanPostEvents, PostEventsSchema, shuffled(estimatedDelivery === undefined ? { events } : { events, estimatedDelivery }, seed))) vouched += 1;
        },
      ),
      { numRuns: 4000 },
    );
    // Both kinds came up: bodies it vouched for (about one in six) and bodies it left to zod.
    expect(vouched).toBeGreaterThan(500);
    expect(vouched).toBeLessThan(5000);
  });
});
