// Turns the data's format definitions into ready-to-run matchers, once, at module load.
import {
  isValidLuhn,
  isValidMod10,
  isValidMod37_36,
  isValidMod7,
  isValidS10,
  isValidWeightedModulo,
  ALPHANUMERIC_ALPHABET,
  S10_WEIGHTS,
} from './checksums.js';
import {
  firstCharacters,
  lengthRange,
  parseRegex,
  printRegex,
  specificityBits,
  UnsupportedRegexError,
  withoutOptionalWhitespace,
  type CharSet,
} from './regex-subset.js';
import type { RawChecksum, RawCourier, RawFormat, RawLookupEntry, RawLookupSection } from './types.js';

/** Where a named group's text is in a match: a capture index, or the group name for a pattern used as written. */
export type GroupSlot = number | string;

export type Lookup = (value: string | undefined) => RawLookupEntry | undefined;

export type ChecksumTest = (serial: string, check: string) => boolean;

export type CompiledFormat = {
  courier: string;
  format: string;
  /** Position in the data (courier files by name, then file order): the last tie-break. */
  order: number;
  /** Anchored to the whole normalized number. */
  pattern: RegExp;
  /** False when the pattern was outside the understood subset and is used as written, without prefilter. */
  analysed: boolean;
  minLength: number;
  maxLength: number;
  /** Characters a match can start with; null means any. */
  firstCharacters: CharSet | null;
  /** Whole bits of constraint in the pattern (see regex-subset specificityBits); higher ranks first on ties. */
  specificity: number;
  serial: GroupSlot | null;
  checkDigit: GroupSlot | null;
  checksum: ChecksumTest | null;
  /** serial_number_format.prepend_if: content added in front of the serial before the checksum. */
  prependIf: { when: RegExp; content: string } | null;
  /** validation.additional.exists: each group value must be found in its lookup. */
  requiredLookups: Array<{ slot: GroupSlot; lookup: Lookup }>;
  service: { slot: GroupSlot; lookup: Lookup } | null;
  /** tracking_url split around `%s`. */
  trackingUrlParts: string[] | null;
};

const SERIAL_GROUP = 'SerialNumber';
const CHECK_DIGIT_GROUP = 'CheckDigit';
const SERVICE_GROUP = 'ServiceType';

function numberOption(checksum: RawChecksum, key: string): number | undefined {
  const value = checksum[key];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new Error(`checksum ${checksum.name}: ${key} must be a number`);
  return value;
}

function weightsOption(checksum: RawChecksum, key: string): number[] | undefined {
  const value = checksum[key];
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((weight) => typeof weight === 'number')) {
    throw new Error(`checksum ${checksum.name}: ${key} must be a list of numbers`);
  }
  return value as number[];
}

/** Binds a data checksum definition to its algorithm and constants; unknown algorithms fail loudly at load. */
export function buildChecksum(checksum: RawChecksum): ChecksumTest {
  switch (checksum.name) {
    case 'mod10': {
      const options = {
        evensMultiplier: numberOption(checksum, 'evens_multiplier'),
        oddsMultiplier: numberOption(checksum, 'odds_multiplier'),
        reverse: checksum.reverse === true,
        modulo: numberOption(checksum, 'modulo'),
      };
      return (serial, check) => isValidMod10(serial, check, options);
    }
    case 'mod7': {
      const modulo = numberOption(checksum, 'modulo') ?? 7;
      return (serial, check) => isValidMod7(serial, check, modulo);
    }
    case 's10': {
      const weights = weightsOption(checksum, 'weightings') ?? S10_WEIGHTS;
      const modulo = numberOption(checksum, 'modulo') ?? 11;
      return (serial, check) => isValidS10(serial, check, weights, modulo);
    }
    case 'sum_product_with_weightings_and_modulo': {
      const weights = weightsOption(checksum, 'weightings');
      const modulo1 = numberOption(checksum, 'modulo1');
      const modulo2 = numberOption(checksum, 'modulo2');
      if (!weights || modulo1 === undefined || modulo2 === undefined) {
        throw new Error('sum_product_with_weightings_and_modulo needs weightings, modulo1 and modulo2');
      }
      return (serial, check) => isValidWeightedModulo(serial, check, weights, modulo1, modulo2);
    }
    case 'luhn':
      return isValidLuhn;
    case 'mod_37_36': {
      const alphabet = typeof checksum.alphabet === 'string' ? checksum.alphabet : ALPHANUMERIC_ALPHABET;
      const modulo = numberOption(checksum, 'modulo') ?? 36;
      return (serial, check) => isValidMod37_36(serial, check, alphabet, modulo);
    }
    default:
      throw new Error(`unknown checksum algorithm "${checksum.name}"`);
  }
}

/**
 * A lookup table: the first entry (in data order) whose `matches` equals the value or whose
 * `matches_regex` matches all of it. Exact-only tables use a Map.
 */
export function buildLookup(section: RawLookupSection): Lookup {
  const entries = section.lookup;
  if (entries.every((entry) => entry.matches_regex === undefined)) {
    const byValue = new Map<string, RawLookupEntry>();
    for (const entry of entries) {
      if (entry.matches !== undefined && !byValue.has(entry.matches)) byValue.set(entry.matches, entry);
    }
    return (value) => (value === undefined ? undefined : byValue.get(value));
  }
  const tests = entries.map((entry) => {
    if (entry.matches_regex !== undefined) {
      const pattern = new RegExp(`^(?:${entry.matches_regex})$`);
      return (value: string) => pattern.test(value);
    }
    const exact = entry.matches;
    return (value: string) => value === exact;
  });
  return (value) => {
    if (value === undefined) return undefined;
    const index = tests.findIndex((test) => test(value));
    return index < 0 ? undefined : entries[index];
  };
}

type CompiledPattern = Pick<
  CompiledFormat,
  'pattern' | 'analysed' | 'minLength' | 'maxLength' | 'firstCharacters' | 'specificity'
> & { slotOf: (group: string) => GroupSlot | null };

/** Parses, simplifies for whitespace-free input, and analyses the pattern; falls back to it as written. */
export function compilePattern(source: string, groupsUsed: ReadonlySet<string>): CompiledPattern {
  try {
    const tree = parseRegex(source);
    const simplified = withoutOptionalWhitespace(tree, groupsUsed) ?? { kind: 'seq', items: [] };
    const captureOrder: string[] = [];
    const printed = printRegex(simplified, groupsUsed, captureOrder);
    const range = lengthRange(simplified);
    const first = firstCharacters(simplified);
    return {
      pattern: new RegExp(`^(?:${printed})$`),
      analysed: true,
      minLength: range.min,
      maxLength: range.max,
      firstCharacters: first.set,
      // The epsilon keeps log2 sums such as 3·log2(10) from landing a hair under an integer.
      specificity: Math.floor(specificityBits(simplified) + 1e-9),
      slotOf: (group) => {
        const index = captureOrder.indexOf(group);
        return index >= 0 ? index + 1 : null;
      },
    };
  } catch (error) {
    if (!(error instanceof UnsupportedRegexError)) throw error;
    const pattern = new RegExp(`^(?:${source})$`);
    return {
      pattern,
      analysed: false,
      minLength: 0,
      maxLength: Infinity,
      firstCharacters: null,
      specificity: 0,
      slotOf: (group) => (source.includes(`(?<${group}>`) ? group : null),
    };
  }
}

function sectionNamed(format: RawFormat, name: string): RawLookupSection {
  const section = format.additional?.find((candidate) => candidate.name === name);
  if (!section) throw new Error(`${format.name}: validation requires lookup "${name}", which is not defined`);
  return section;
}

function requireSlot(format: RawFormat, slot: GroupSlot | null, group: string): GroupSlot {
  if (slot === null) throw new Error(`${format.name}: the pattern has no (?<${group}>…) group`);
  return slot;
}

export function compileFormat(courier: RawCourier, format: RawFormat, order: number): CompiledFormat {
  const source = Array.isArray(format.regex) ? format.regex.join('') : format.regex;
  const requiredSections = (format.validation?.additional?.exists ?? []).map((name) => sectionNamed(format, name));
  const serviceSection = format.additional?.find((section) => section.regex_group_name === SERVICE_GROUP) ?? null;
  const checksumSpec = format.validation?.checksum ?? null;

  const groupsUsed = new Set([SERIAL_GROUP, CHECK_DIGIT_GROUP]);
  for (const section of requiredSections) groupsUsed.add(section.regex_group_name);
  if (serviceSection) groupsUsed.add(serviceSection.regex_group_name);

  const compiled = compilePattern(source, groupsUsed);
  const serial = compiled.slotOf(SERIAL_GROUP);
  const checkDigit = compiled.slotOf(CHECK_DIGIT_GROUP);
  if (checksumSpec) {
    requireSlot(format, serial, SERIAL_GROUP);
    requireSlot(format, checkDigit, CHECK_DIGIT_GROUP);
  }
  const prependIf = format.validation?.serial_number_format?.prepend_if;
  const serviceSlot = serviceSection ? compiled.slotOf(serviceSection.regex_group_name) : null;

  return {
    courier: courier.courier_code,
    format: format.name,
    order,
    pattern: compiled.pattern,
    analysed: compiled.analysed,
    minLength: compiled.minLength,
    maxLength: compiled.maxLength,
    firstCharacters: compiled.firstCharacters,
    specificity: compiled.specificity,
    serial,
    checkDigit,
    checksum: checksumSpec ? buildChecksum(checksumSpec) : null,
    prependIf: prependIf ? { when: new RegExp(prependIf.matches_regex), content: prependIf.content } : null,
    requiredLookups: requiredSections.map((section) => ({
      slot: requireSlot(format, compiled.slotOf(section.regex_group_name), section.regex_group_name),
      lookup: buildLookup(section),
    })),
    service: serviceSection && serviceSlot !== null ? { slot: serviceSlot, lookup: buildLookup(serviceSection) } : null,
    trackingUrlParts: format.tracking_url ? format.tracking_url.split('%s') : null,
  };
}

/** All formats of all couriers, in data order. */
export function compileCouriers(couriers: readonly RawCourier[]): CompiledFormat[] {
  const formats: CompiledFormat[] = [];
  for (const courier of couriers) {
    for (const format of courier.tracking_numbers) formats.push(compileFormat(courier, format, formats.length));
  }
  return formats;
}

/** Index 128 holds the formats a non-ASCII character can start. */
export const NON_ASCII_BUCKET = 128;

/**
 * Formats grouped by the character a match can start with, each group in ranking order (more
 * specific first, then data order), so detection only runs the patterns that can possibly match.
 */
export function bucketByFirstCharacter(formats: readonly CompiledFormat[]): CompiledFormat[][] {
  const ranked = [...formats].sort((a, b) => b.specificity - a.specificity || a.order - b.order);
  const buckets: CompiledFormat[][] = Array.from({ length: NON_ASCII_BUCKET + 1 }, () => []);
  for (const format of ranked) {
    const first = format.firstCharacters;
    for (let code = 0; code < NON_ASCII_BUCKET; code++) {
      if (!first || first.ascii[code]) buckets[code].push(format);
    }
    if (!first || first.nonAscii) buckets[NON_ASCII_BUCKET].push(format);
  }
  return buckets;
}
