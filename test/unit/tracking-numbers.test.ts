import { describe, expect, it } from 'vitest';
import { detectTrackingNumber, type Detection } from '../../src/carriers/tracking-numbers/index.js';
import { FORMATS, normalizeTrackingInput } from '../../src/carriers/tracking-numbers/detect.js';
import { loadCouriers } from '../../src/carriers/tracking-numbers/load-data.js';
import {
  firstCharacters,
  lengthRange,
  parseRegex,
  printRegex,
  UnsupportedRegexError,
  withoutOptionalWhitespace,
} from '../../src/carriers/tracking-numbers/regex-subset.js';

const couriers = loadCouriers();
const formats = couriers.flatMap((courier) =>
  courier.tracking_numbers.map((format) => ({ courier: courier.courier_code, format })),
);

function candidateFor(detection: Detection, courier: string, format: string) {
  return detection.candidates.find((candidate) => candidate.courier === courier && candidate.format === format);
}

function hasChecksum(courier: string, format: string): boolean {
  return FORMATS.some((f) => f.courier === courier && f.format === format && f.checksum !== null);
}

describe('tracking_number_data coverage', () => {
  it('loads all 18 couriers and 39 formats, every pattern understood by the compiler', () => {
    expect(couriers).toHaveLength(18);
    expect(formats).toHaveLength(39);
    expect(FORMATS).toHaveLength(39);
    expect(FORMATS.filter((format) => !format.analysed).map((format) => format.format)).toEqual([]);
  });

  for (const { courier, format } of formats) {
    const valid = format.test_numbers?.valid ?? [];
    const invalid = format.test_numbers?.invalid ?? [];

    describe(`${courier} / ${format.name}`, () => {
      it.each(valid)('accepts valid %j', (number) => {
        const candidate = candidateFor(detectTrackingNumber(number), courier, format.name);
        expect(candidate, `no ${format.name} candidate`).toBeDefined();
        expect(candidate?.valid).toBe(true);
      });

      if (invalid.length > 0) {
        it.each(invalid)('rejects invalid %j', (number) => {
          const detection = detectTrackingNumber(number);
          const wrong = detection.candidates.filter(
            (candidate) => candidate.courier === courier && candidate.format === format.name && candidate.valid,
          );
          expect(wrong).toEqual([]);
        });
      }
    });
  }
});

describe('normalization', () => {
  it('upper-cases and removes whitespace of any kind', () => {
    const detection = detectTrackingNumber(' 1z 5r89 3903\t5756\u00a07127\n');
    expect(detection.normalized).toBe('1Z5R89390357567127');
    expect(detection.input).toBe(' 1z 5r89 3903\t5756\u00a07127\n');
    expect(detection.candidates[0]).toMatchObject({ courier: 'ups', format: 'UPS', valid: true });
  });

  it('strips nothing but whitespace', () => {
    expect(normalizeTrackingInput('1ls7-119 013618127-1')).toBe('1LS7-119013618127-1');
    // A dash inside a UPS number is not removed, so it is not a UPS number.
    expect(detectTrackingNumber('1Z5R8939-0357567127').candidates).toEqual([]);
    // LaserShip 1LS7 (18) has a literal "-1" in its pattern.
    expect(detectTrackingNumber('1ls7 1190 1361 8127-1').candidates[0]).toMatchObject({
      courier: 'lasership',
      format: 'LaserShip 1LS7 (18)',
      valid: true,
    });
  });

  it('returns plain upper-case input unchanged', () => {
    const input = '9400111206206406260787';
    expect(normalizeTrackingInput(input)).toBe(input);
  });
});

describe('detectTrackingNumber', () => {
  it('reports a wrong check digit as a candidate with valid: false', () => {
    const detection = detectTrackingNumber('1Z5R89390357567128');
    expect(detection.candidates).toEqual([
      {
        courier: 'ups',
        format: 'UPS',
        valid: false,
        service: 'UPS United States Ground',
        trackingUrl: 'https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums=1Z5R89390357567128',
      },
    ]);
  });

  it('returns no candidates for an empty or whitespace-only string', () => {
    expect(detectTrackingNumber('')).toEqual({ input: '', normalized: '', candidates: [] });
    expect(detectTrackingNumber(' \t\n ').candidates).toEqual([]);
  });

  it('returns no candidates for garbage', () => {
    for (const garbage of ['hello world', '!!!', '12', '-----', '📦🚚', 'é1Z5R89390357567127', 'x'.repeat(10_000), '9'.repeat(200)]) {
      expect(detectTrackingNumber(garbage).candidates, garbage.slice(0, 20)).toEqual([]);
    }
  });

  it('rejects non-string input', () => {
    expect(() => detectTrackingNumber(undefined as unknown as string)).toThrow(TypeError);
  });

  it('gives the service from the ServiceType lookup and the tracking URL with the number', () => {
    expect(detectTrackingNumber('K 150 623 562 0').candidates[0]).toEqual({
      courier: 'ups',
      format: 'UPS Waybill',
      valid: true,
      service: 'UPS Ground',
      trackingUrl: 'https://wwwapps.ups.com/WebTracking/track?track=yes&trackNums=K1506235620',
    });
    // S10 has no tracking URL in the data; its service comes from a matches_regex lookup.
    expect(detectTrackingNumber('rb123456785gb').candidates).toEqual([
      { courier: 's10', format: 'S10', valid: true, service: 'Letter Post Registered' },
    ]);
  });

  it('requires the lookups named in validation.additional.exists (S10 country)', () => {
    // The check digit is right (5), but XX is not a postal country.
    expect(detectTrackingNumber('RB123456785XX').candidates).toEqual([
      { courier: 's10', format: 'S10', valid: false, service: 'Letter Post Registered' },
    ]);
  });

  it('applies prepend_if before the checksum (OnTrac, USPS Legacy)', () => {
    expect(candidateFor(detectTrackingNumber('C11031500001879'), 'ontrac', 'OnTrac')?.valid).toBe(true);
    expect(candidateFor(detectTrackingNumber('7196 9010 7560 0307 7385'), 'usps', 'USPS Legacy')?.valid).toBe(true);
  });
});

describe('ranking when a number fits several formats', () => {
  it('puts a passed check digit before a format without one, even a more specific one', () => {
    // A + 10 digits is Amazon International (no check digit) and UPS Waybill (mod10: 25 + 20·2 = 65 → 5).
    expect(detectTrackingNumber('A1234567895').candidates.map((c) => [c.format, c.valid])).toEqual([
      ['UPS Waybill', true],
      ['Amazon International', true],
    ]);
  });

  it('puts valid candidates before invalid ones', () => {
    expect(detectTrackingNumber('A1234567890').candidates.map((c) => [c.format, c.valid])).toEqual([
      ['Amazon International', true],
      ['UPS Waybill', false],
    ]);
  });

  it('breaks ties by the more specific pattern', () => {
    // Both check digits pass; Old Dominion fixes the first three digits.
    expect(detectTrackingNumber('78045768393').candidates.map((c) => c.format)).toEqual(['Old Dominion', 'DHL Express']);
    // IMpb C fixes 420 … 92; FedEx 34 only restricts the first digit.
    expect(detectTrackingNumber('4201028200009261290113185417468510').candidates.map((c) => c.format)).toEqual([
      'USPS IMpb C',
      'FedEx Express (34)',
    ]);
    // Neither has a check digit; DHL fixes the leading J.
    expect(detectTrackingNumber('JFV247545960').candidates.map((c) => c.format)).toEqual([
      'DHL Express (Piece ID)',
      'Purolator (alpha + 9)',
    ]);
  });

  it('falls back to data order when specificity is equal in whole bits', () => {
    // Purolator's [0-5] first digit is less than one bit of constraint: FedEx (earlier file) stays first.
    expect(detectTrackingNumber('287809468872').candidates.map((c) => [c.courier, c.format, c.valid])).toEqual([
      ['fedex', 'FedEx Express (12)', true],
      ['purolator', 'Purolator (12)', true],
    ]);
  });

  it('orders every test number by tier', () => {
    // Tiers of valid candidates: 3 with a check digit (it passed), 2 without; invalid ones 0 or 1.
    const tier = (c: { courier: string; format: string; valid: boolean }) =>
      (c.valid ? 2 : 0) + (c.valid && hasChecksum(c.courier, c.format) ? 1 : 0);
    for (const { format } of formats) {
      for (const number of [...(format.test_numbers?.valid ?? []), ...(format.test_numbers?.invalid ?? [])]) {
        const tiers = detectTrackingNumber(number).candidates.map(tier);
        expect(tiers, number).toEqual([...tiers].sort((a, b) => b - a));
      }
    }
  });
});

/** Inputs near the test numbers: each one, shortened, lengthened and with single characters changed. */
function nearbyInputs(): string[] {
  const inputs = new Set<string>();
  const replacements = ['0', '1', '4', '9', 'A', 'J', 'Z', '-'];
  for (const { format } of formats) {
    for (const raw of [...(format.test_numbers?.valid ?? []), ...(format.test_numbers?.invalid ?? [])]) {
      const number = normalizeTrackingInput(raw);
      inputs.add(number);
      inputs.add(number.slice(1));
      inputs.add(number.slice(0, -1));
      inputs.add(`${number}0`);
      inputs.add(`9${number}`);
      for (let index = 0; index < number.length; index++) {
        for (const replacement of replacements) {
          inputs.add(number.slice(0, index) + replacement + number.slice(index + 1));
        }
      }
    }
  }
  return [...inputs];
}

describe('compiled patterns and prefilter', () => {
  it('agree with the data patterns as written (anchored) on inputs near every test number', () => {
    const original = formats.map(({ courier, format }) => ({
      key: `${courier}/${format.name}`,
      pattern: new RegExp(`^(?:${Array.isArray(format.regex) ? format.regex.join('') : format.regex})$`),
    }));
    const inputs = nearbyInputs();
    expect(inputs.length).toBeGreaterThan(10_000);
    for (const input of inputs) {
      const expected = original.filter((o) => o.pattern.test(input)).map((o) => o.key);
      const actual = detectTrackingNumber(input).candidates.map((c) => `${c.courier}/${c.format}`);
      expect(actual.sort(), input).toEqual(expected.sort());
    }
  });

  it('reads the same serial and check digit as the data patterns', () => {
    for (const compiled of FORMATS) {
      const data = formats.find((f) => f.courier === compiled.courier && f.format.name === compiled.format)!.format;
      const original = new RegExp(`^(?:${Array.isArray(data.regex) ? data.regex.join('') : data.regex})$`);
      for (const raw of data.test_numbers?.valid ?? []) {
        const number = normalizeTrackingInput(raw);
        const ours = compiled.pattern.exec(number)!;
        const theirs = original.exec(number)!;
        if (typeof compiled.serial === 'number') expect(ours[compiled.serial]).toBe(theirs.groups?.SerialNumber);
        if (typeof compiled.checkDigit === 'number') expect(ours[compiled.checkDigit]).toBe(theirs.groups?.CheckDigit);
      }
    }
  });
});

describe('regex subset compiler', () => {
  const simplify = (source: string, keep: string[] = []) => {
    const order: string[] = [];
    const tree = withoutOptionalWhitespace(parseRegex(source), new Set(keep));
    return { source: tree ? printRegex(tree, new Set(keep), order) : '', order, tree };
  };

  it('drops optional whitespace and non-capturing wrappers, keeping only the named groups asked for', () => {
    expect(simplify('\\s*(?<A>([0-9]\\s*){2})(?<B>[A-Z]\\s*)', ['A']).source).toBe('([0-9]{2})[A-Z]');
    const both = simplify('\\s*1\\s*Z\\s*(?<S>(?<T>(?:[A-Z0-9]\\s*){2,2}))(?<C>[0-9]\\s*)', ['S', 'T', 'C']);
    expect(both.source).toBe('1Z(([A-Z0-9]{2}))([0-9])');
    expect(both.order).toEqual(['S', 'T', 'C']);
  });

  it('keeps alternations and lookarounds intact', () => {
    expect(simplify('(7\\s*7\\s*[78]\\s*|0\\s*7\\s*2\\s*)x(?=([0-9]\\s*){3}(?![0-9]))').source).toBe(
      '(?:77[78]|072)x(?=[0-9]{3}(?![0-9]))',
    );
  });

  it('computes length ranges and first characters', () => {
    const tree = simplify('\\s*(?:4\\s*2\\s*0\\s*)?9\\s*[2-5]\\s*([0-9]\\s*){3,5}').tree!;
    expect(lengthRange(tree)).toEqual({ min: 5, max: 10 });
    const first = firstCharacters(tree);
    expect(first.nullable).toBe(false);
    expect([...'0123456789AZ'].filter((c) => first.set.ascii[c.charCodeAt(0)])).toEqual(['4', '9']);
  });

  it('refuses syntax outside the subset', () => {
    expect(() => parseRegex('(a)\\1')).toThrow(UnsupportedRegexError);
    expect(() => parseRegex('\\u0041')).toThrow(UnsupportedRegexError);
    expect(() => parseRegex('(?i)a')).toThrow(UnsupportedRegexError);
    expect(() => parseRegex('(a')).toThrow(UnsupportedRegexError);
  });
});
