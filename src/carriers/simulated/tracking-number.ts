// Simulated tracking numbers: "SIM", 12 digits, 1 Luhn check digit (16 characters, e.g. SIM7762104222383).
// The 12 digits are a counter passed through a keyed permutation of 0..10^12-1 (a Feistel network),
// so numbers from one seed never repeat for distinct counters, yet do not look sequential.
import { hashText, mix32 } from './random.js';

export const SIMULATED_TRACKING_PREFIX = 'SIM';
const PATTERN = /^SIM(\d{12})(\d)$/;
const HALF = 1_000_000; // the 12 digits as two 6-digit halves
export const MAX_COUNTER = HALF * HALF - 1;
const ROUNDS = 4;

/** The tracking number for `counter` (0 to MAX_COUNTER) under `seed`. Distinct counters, distinct numbers. */
export function simulatedTrackingNumber(seed: number | string, counter: number): string {
  if (!Number.isSafeInteger(counter) || counter < 0 || counter > MAX_COUNTER) {
    throw new RangeError(`counter must be an integer from 0 to ${MAX_COUNTER}, got ${counter}`);
  }
  const digits = String(permute(counter, roundKeys(seed))).padStart(12, '0');
  return `${SIMULATED_TRACKING_PREFIX}${digits}${luhnCheckDigit(digits)}`;
}

/** Seed used when a caller has no seed of its own (a random draw picks the counter instead). */
export const DEFAULT_TRACKING_SEED = 'waybill-simulated';

/**
 * A tracking number from any non-negative safe integer (a counter, or a random draw such as
 * crypto.randomInt(0, 2 ** 48 - 1)): the value is taken modulo 10^12, so values below 10^12 never
 * collide; random draws above that may (rarely), which the database's unique index catches.
 */
export function makeTrackingNumber(value: number, seed: number | string = DEFAULT_TRACKING_SEED): string {
  if (!Number.isSafeInteger(value) || value < 0) throw new RangeError(`value must be a non-negative safe integer, got ${value}`);
  return simulatedTrackingNumber(seed, value % (MAX_COUNTER + 1));
}

/** A generator handing out consecutive counters from `startAt`: one per label. */
export function trackingNumberSequence(seed: number | string, startAt = 0): () => string {
  let counter = startAt;
  return () => simulatedTrackingNumber(seed, counter++);
}

/** Exactly "SIM" + 13 digits whose last digit is the Luhn check digit of the 12 before it. */
export function isValidSimulatedTrackingNumber(value: string): boolean {
  const match = PATTERN.exec(value);
  return match !== null && luhnCheckDigit(match[1]) === Number(match[2]);
}

/** Luhn (mod 10): doubles every second digit from the right of the payload. */
export function luhnCheckDigit(digits: string): number {
  let sum = 0;
  for (let i = digits.length - 1, double = true; i >= 0; i--, double = !double) {
    let digit = digits.charCodeAt(i) - 48;
    if (double) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
    sum += digit;
  }
  return (10 - (sum % 10)) % 10;
}

function roundKeys(seed: number | string): number[] {
  const base = hashText(`tracking-number|${seed}`);
  return Array.from({ length: ROUNDS }, (_, round) => mix32(base + round * 0x9e3779b9));
}

/** A bijection on [0, 10^12): each round (L, R) -> (R, L + F(R) mod 10^6) can be undone. */
function permute(counter: number, keys: number[]): number {
  let left = Math.floor(counter / HALF);
  let right = counter % HALF;
  for (const key of keys) {
    const mixed = (left + (mix32(right ^ key) % HALF)) % HALF;
    left = right;
    right = mixed;
  }
  return left * HALF + right;
}
