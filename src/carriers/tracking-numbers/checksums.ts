// Check-digit algorithms used by jkeen/tracking_number_data (see data/tracking_number_data/CHECKSUM_ALGORITHMS.md).
// Each `*CheckDigit` function computes the expected check character from the serial; each `isValid*`
// compares it with the check digit read from the number. They index characters with charCodeAt and
// never allocate, because detection runs them on every candidate.
//
// Inputs are the upper-cased, whitespace-free text captured by the format's regex, so a serial is
// digits (or, for UPS, digits and capital letters). A character an algorithm cannot value makes it
// return -1 / '' so the comparison fails instead of throwing.

const CODE_0 = 48;
const CODE_9 = 57;
const CODE_A = 65;
const CODE_Z = 90;

function digitAt(text: string, index: number): number {
  const value = text.charCodeAt(index) - CODE_0;
  return value >= 0 && value <= 9 ? value : -1;
}

/** Reads a one-character numeric check digit; anything else is -1 (never equal to a computed digit). */
export function parseCheckDigit(check: string): number {
  return check.length === 1 ? digitAt(check, 0) : -1;
}

/**
 * mod10 value of one character: a digit is itself; a letter maps to (charCode − 3) % 10 as the data's
 * reference does (A→2 … Z→7). That rule is defined on capital letters only, hence the upper-casing
 * of input.
 */
export function mod10CharValue(code: number): number {
  if (code >= CODE_0 && code <= CODE_9) return code - CODE_0;
  if (code >= CODE_A && code <= CODE_Z) return (code - 3) % 10;
  return -1;
}

export type Mod10Options = {
  /** Multiplier for characters at even 0-based positions (after optional reversal). Default 1. */
  evensMultiplier?: number;
  /** Multiplier for characters at odd 0-based positions. Default 1. */
  oddsMultiplier?: number;
  /** Walk the serial from its last character (USPS IMpb N). */
  reverse?: boolean;
  /** Default 10. */
  modulo?: number;
};

/**
 * The data's "mod10": weighted sum of character values (no digit-sum of products, so it is not Luhn);
 * the check brings the sum up to a multiple of the modulo.
 */
export function mod10CheckDigit(serial: string, options: Mod10Options = {}): number {
  const evens = options.evensMultiplier ?? 1;
  const odds = options.oddsMultiplier ?? 1;
  const modulo = options.modulo ?? 10;
  const last = serial.length - 1;
  let total = 0;
  for (let position = 0; position <= last; position++) {
    const value = mod10CharValue(serial.charCodeAt(options.reverse ? last - position : position));
    if (value < 0) return -1;
    total += value * (position % 2 === 1 ? odds : evens);
  }
  const remainder = total % modulo;
  return remainder === 0 ? 0 : modulo - remainder;
}

export function isValidMod10(serial: string, check: string, options: Mod10Options = {}): boolean {
  const expected = mod10CheckDigit(serial, options);
  return expected >= 0 && expected === parseCheckDigit(check);
}

/** The serial read as a decimal integer, modulo 7 (DHL Express). Digit by digit, so length never overflows. */
export function mod7CheckDigit(serial: string, modulo = 7): number {
  if (serial.length === 0) return -1;
  let remainder = 0;
  for (let index = 0; index < serial.length; index++) {
    const digit = digitAt(serial, index);
    if (digit < 0) return -1;
    remainder = (remainder * 10 + digit) % modulo;
  }
  return remainder;
}

export function isValidMod7(serial: string, check: string, modulo = 7): boolean {
  const expected = mod7CheckDigit(serial, modulo);
  return expected >= 0 && expected === parseCheckDigit(check);
}

/** UPU S10 weights, used when the data does not give its own. */
export const S10_WEIGHTS: readonly number[] = [8, 6, 4, 2, 3, 5, 9, 7];

/** UPU S10: r = Σ digit·weight mod 11; check is 11 − r, except r = 1 → 0 and r = 0 → 5. */
export function s10CheckDigit(serial: string, weights: readonly number[] = S10_WEIGHTS, modulo = 11): number {
  let total = 0;
  for (let index = 0; index < serial.length; index++) {
    const digit = digitAt(serial, index);
    if (digit < 0) return -1;
    total += digit * (weights[index] ?? 0);
  }
  const remainder = total % modulo;
  if (remainder === 1) return 0;
  if (remainder === 0) return 5;
  return modulo - remainder;
}

export function isValidS10(serial: string, check: string, weights?: readonly number[], modulo?: number): boolean {
  const expected = s10CheckDigit(serial, weights, modulo);
  return expected >= 0 && expected === parseCheckDigit(check);
}

/** FedEx 12/34/ASTRA/GSN: (Σ digit·weight) mod modulo1 mod modulo2. A serial longer than the weights gets weight 0. */
export function weightedModuloCheckDigit(
  serial: string,
  weights: readonly number[],
  modulo1: number,
  modulo2: number,
): number {
  let total = 0;
  for (let index = 0; index < serial.length; index++) {
    const digit = digitAt(serial, index);
    if (digit < 0) return -1;
    total += digit * (weights[index] ?? 0);
  }
  return (total % modulo1) % modulo2;
}

export function isValidWeightedModulo(
  serial: string,
  check: string,
  weights: readonly number[],
  modulo1: number,
  modulo2: number,
): boolean {
  const expected = weightedModuloCheckDigit(serial, weights, modulo1, modulo2);
  return expected >= 0 && expected === parseCheckDigit(check);
}

/** Standard Luhn: double every second digit counting from the right end of the serial (the check sits after it). */
export function luhnCheckDigit(serial: string): number {
  let total = 0;
  for (let fromRight = 0; fromRight < serial.length; fromRight++) {
    let digit = digitAt(serial, serial.length - 1 - fromRight);
    if (digit < 0) return -1;
    if (fromRight % 2 === 0) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    total += digit;
  }
  return (10 - (total % 10)) % 10;
}

export function isValidLuhn(serial: string, check: string): boolean {
  const expected = luhnCheckDigit(serial);
  return expected >= 0 && expected === parseCheckDigit(check);
}

export const ALPHANUMERIC_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * ISO 7064 MOD 37,36 hybrid (DPD), as in the data's reference: start at 36, add each value, fold into
 * 1..36, double, fold into 0..36; the check value is 37 − result, with 36 meaning 0. Returns the check
 * character from the alphabet, or '' for a character outside the alphabet.
 */
export function mod37_36CheckCharacter(serial: string, alphabet: string = ALPHANUMERIC_ALPHABET, modulo = 36): string {
  let carry = modulo;
  for (let index = 0; index < serial.length; index++) {
    const value = alphabet.indexOf(serial[index]);
    if (value < 0) return '';
    carry += value;
    if (carry > modulo) carry -= modulo;
    carry *= 2;
    if (carry > modulo) carry -= modulo + 1;
  }
  let check = modulo + 1 - carry;
  if (check === modulo) check = 0;
  return alphabet[check] ?? '';
}

export function isValidMod37_36(serial: string, check: string, alphabet?: string, modulo?: number): boolean {
  const expected = mod37_36CheckCharacter(serial, alphabet, modulo);
  return expected !== '' && expected === check;
}
