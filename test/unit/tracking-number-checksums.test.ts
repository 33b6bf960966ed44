// Check-digit algorithms, with examples worked out by hand (the arithmetic is in the comments).
import { describe, expect, it } from 'vitest';
import {
  isValidLuhn,
  isValidMod10,
  isValidMod37_36,
  isValidMod7,
  isValidS10,
  isValidWeightedModulo,
  luhnCheckDigit,
  mod10CharValue,
  mod10CheckDigit,
  mod37_36CheckCharacter,
  mod7CheckDigit,
  parseCheckDigit,
  s10CheckDigit,
  weightedModuloCheckDigit,
} from '../../src/carriers/tracking-numbers/checksums.js';

describe('mod10 (tracking_number_data variant)', () => {
  it('maps digits to themselves and capital letters to (charCode − 3) % 10', () => {
    expect(mod10CharValue('7'.charCodeAt(0))).toBe(7);
    expect(mod10CharValue('A'.charCodeAt(0))).toBe(2); // (65 − 3) % 10
    expect(mod10CharValue('R'.charCodeAt(0))).toBe(9); // (82 − 3) % 10
    expect(mod10CharValue('Z'.charCodeAt(0))).toBe(7); // (90 − 3) % 10
    expect(mod10CharValue('a'.charCodeAt(0))).toBe(-1); // lower case is not defined: input is upper-cased first
  });

  it('weights even positions and odd positions separately', () => {
    // evens ×1, odds ×2: 1 + 2·2 + 3 = 8 → 10 − 8 = 2
    expect(mod10CheckDigit('123', { evensMultiplier: 1, oddsMultiplier: 2 })).toBe(2);
    // evens ×3, odds ×1: 1·3 + 2 + 3·3 + 4 = 18 → 2
    expect(mod10CheckDigit('1234', { evensMultiplier: 3, oddsMultiplier: 1 })).toBe(2);
    // defaults are ×1: 5 + 5 = 10 → a multiple of 10 gives 0, not 10
    expect(mod10CheckDigit('55')).toBe(0);
  });

  it('walks from the end when reverse is set (only matters for even lengths)', () => {
    // "4321": 4·3 + 3 + 2·3 + 1 = 22 → 8
    expect(mod10CheckDigit('1234', { evensMultiplier: 3, oddsMultiplier: 1, reverse: true })).toBe(8);
    // odd length: "321" and "123" weight the same positions
    expect(mod10CheckDigit('123', { evensMultiplier: 3, oddsMultiplier: 1, reverse: true })).toBe(
      mod10CheckDigit('123', { evensMultiplier: 3, oddsMultiplier: 1 }),
    );
  });

  it('validates a UPS 1Z serial with letters', () => {
    // 1Z 5R8939 03 5756712 7: values 5,9,8,9,3,9,0,3,5,7,5,6,7,1,2
    // evens 5+8+3+0+5+5+7+2 = 35; odds (9+9+9+3+7+6+1)·2 = 88; 123 → 7
    const ups = { evensMultiplier: 1, oddsMultiplier: 2 };
    expect(mod10CheckDigit('5R8939035756712', ups)).toBe(7);
    expect(isValidMod10('5R8939035756712', '7', ups)).toBe(true);
    expect(isValidMod10('5R8939035756712', '8', ups)).toBe(false);
  });

  it('fails on characters it cannot value', () => {
    expect(mod10CheckDigit('12-3')).toBe(-1);
    expect(isValidMod10('12-3', '0')).toBe(false);
  });
});

describe('mod7', () => {
  it('is the serial as a number, modulo 7', () => {
    expect(mod7CheckDigit('100')).toBe(2); // 100 = 14·7 + 2
    // DHL Express 3318810025: 331881002 = 47411571·7 + 5
    expect(isValidMod7('331881002', '5')).toBe(true);
    expect(isValidMod7('331881002', '4')).toBe(false);
  });

  it('does not lose precision past 2^53', () => {
    // 10^20 − 1: 10^6 ≡ 1 (mod 7), so 10^20 ≡ 10^2 ≡ 2 and the remainder is 1
    expect(mod7CheckDigit('9'.repeat(20))).toBe(1);
  });

  it('rejects an empty or non-numeric serial', () => {
    expect(mod7CheckDigit('')).toBe(-1);
    expect(mod7CheckDigit('12A')).toBe(-1);
  });
});

describe('s10 (UPU)', () => {
  it('computes 11 − (Σ digit·weight mod 11)', () => {
    // 12345678 · [8,6,4,2,3,5,9,7] = 8+12+12+8+15+30+63+56 = 204; 204 mod 11 = 6 → 5
    expect(s10CheckDigit('12345678')).toBe(5);
    expect(isValidS10('12345678', '5')).toBe(true);
    expect(isValidS10('12345678', '6')).toBe(false);
  });

  it('maps remainder 0 to 5 and remainder 1 to 0', () => {
    expect(s10CheckDigit('00000000')).toBe(5); // Σ = 0
    expect(s10CheckDigit('70000000')).toBe(0); // 7·8 = 56 = 5·11 + 1
  });
});

describe('sum_product_with_weightings_and_modulo', () => {
  const fedex12 = [3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1];

  it('computes (Σ digit·weight) mod m1 mod m2', () => {
    // FedEx 986578788855: 27+8+42+15+7+56+21+8+56+24+5 = 269; 269 mod 11 = 5; 5 mod 10 = 5
    expect(weightedModuloCheckDigit('98657878885', fedex12, 11, 10)).toBe(5);
    expect(isValidWeightedModulo('98657878885', '5', fedex12, 11, 10)).toBe(true);
    expect(isValidWeightedModulo('99657878885', '5', fedex12, 11, 10)).toBe(false);
  });

  it('folds a mod-11 remainder of 10 into 0', () => {
    expect(weightedModuloCheckDigit('5', [2], 11, 10)).toBe(0); // 10 mod 11 = 10; 10 mod 10 = 0
  });
});

describe('luhn', () => {
  it('doubles every second digit from the right of the serial', () => {
    // 7992739871, doubling from the right: 1→2, 8→16→7, 3→6, 2→4, 9→18→9 (= 28), plus 7+9+7+9+7 = 39 → 67 → 3
    expect(luhnCheckDigit('7992739871')).toBe(3);
    expect(luhnCheckDigit('1')).toBe(8); // 1·2 = 2 → 8
    expect(isValidLuhn('7992739871', '3')).toBe(true);
    expect(isValidLuhn('7992739871', '4')).toBe(false);
  });
});

describe('mod 37,36 (ISO 7064 hybrid, DPD)', () => {
  it('follows the start-at-36, fold, double, fold steps', () => {
    // "A" (10): 36 + 10 = 46 → 10; ·2 = 20; check 37 − 20 = 17 → "H"
    expect(mod37_36CheckCharacter('A')).toBe('H');
    // "0": 36 + 0 = 36 (kept); ·2 = 72 → 35; check 37 − 35 = 2
    expect(mod37_36CheckCharacter('0')).toBe('2');
    // "J" (19): 55 → 19; ·2 = 38 → 1; check 37 − 1 = 36, which stands for 0
    expect(mod37_36CheckCharacter('J')).toBe('0');
  });

  it('validates DPD (14) test numbers', () => {
    expect(isValidMod37_36('09980000020033', 'F')).toBe(true);
    expect(isValidMod37_36('09980000020034', 'D')).toBe(true);
    expect(isValidMod37_36('09980000020033', 'D')).toBe(false);
  });

  it('rejects characters outside the alphabet', () => {
    expect(mod37_36CheckCharacter('12-3')).toBe('');
    expect(isValidMod37_36('12-3', '')).toBe(false);
  });
});

describe('parseCheckDigit', () => {
  it('accepts exactly one digit', () => {
    expect(parseCheckDigit('7')).toBe(7);
    expect(parseCheckDigit('A')).toBe(-1);
    expect(parseCheckDigit('12')).toBe(-1);
    expect(parseCheckDigit('')).toBe(-1);
  });
});
