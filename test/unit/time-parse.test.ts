// The field-by-field reading of ISO-8601 instants (lib/time.ts) must agree with what JavaScript's
// Date parser and the calendar check gave before it, on every input.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hasRealCalendarFields, isRealDateTime, parseInstant } from '../../src/lib/time.js';

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
/** The reference: the Date parser after the shape and calendar checks. */
const referenceMs = (value: string): number | null => {
  if (!ISO_WITH_OFFSET.test(value) || !hasRealCalendarFields(value)) return null;
  const ms = new Date(value).getTime();
  return Number.isNaN(ms) ? null : ms;
};
const referenceReal = (value: string) => hasRealCalendarFields(value) && !Number.isNaN(Date.parse(value));

const two = (max: number) => fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0'));
/** ISO-shaped text with fields in and out of range, optional seconds and fractions, every offset form. */
const isoLike = fc
  .record({
    year: fc.oneof(fc.integer({ min: 0, max: 120 }), fc.integer({ min: 1800, max: 2200 }), fc.integer({ min: 0, max: 9999 })).map((n) => String(n).padStart(4, '0')),
    month: two(19),
    day: two(39),
    hour: two(29),
    minute: two(69),
    second: fc.option(two(69), { nil: undefined }),
    fraction: fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }),
    offset: fc.oneof(fc.constant('Z'), fc.tuple(fc.constantFrom('+', '-'), two(29), fc.constantFrom(':', ''), two(69)).map((parts) => parts.join(''))),
    separator: fc.constantFrom('T', 'T', 'T', ' ', 't'),
  })
  .map((f) => `${f.year}-${f.month}-${f.day}${f.separator}${f.hour}:${f.minute}${f.second === undefined ? '' : `:${f.second}${f.fraction === undefined ? '' : `.${f.fraction}`}`}${f.offset}`);

describe('reading ISO-8601 instants', () => {
  it('gives the same instant as the Date parser, or refuses the same text', () => {
    fc.assert(
      fc.property(isoLike, (value) => {
        expect(parseInstant(value)?.getTime() ?? null).toBe(referenceMs(value));
        expect(isRealDateTime(value)).toBe(referenceReal(value));
      }),
      { numRuns: 20_000 },
    );
  });

  it('agrees on text of any other shape', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?)?(Z|[+-]\d{2}:?\d{2})?$/)), (value) => {
        expect(parseInstant(value)?.getTime() ?? null).toBe(referenceMs(value));
        expect(isRealDateTime(value)).toBe(referenceReal(value));
      }),
      { numRuns: 5_000 },
    );
  });

  it('reads the cases that matter', () => {
    expect(parseInstant('2026-03-01T14:05:00-05:00')?.toISOString()).toBe('2026-03-01T19:05:00.000Z');
    expect(parseInstant('2026-03-01T14:05:00.123456789+0530')?.toISOString()).toBe('2026-03-01T08:35:00.123Z');
    expect(parseInstant('2026-03-01T14:05Z')?.toISOString()).toBe('2026-03-01T14:05:00.000Z');
    expect(parseInstant('2024-02-29T00:00:00Z')).not.toBeNull();
    expect(parseInstant('2026-02-29T00:00:00Z')).toBeNull();
    expect(parseInstant('2026-03-01T24:00:00Z')).toBeNull();
    expect(parseInstant('2026-03-01T10:00:00+24:00')).toBeNull();
    expect(parseInstant('2026-03-01 10:00:00Z')).toBeNull();
  });
});
