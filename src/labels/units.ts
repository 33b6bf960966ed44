// Weights to ounces and lengths to inches, the units carriers' US APIs speak. Pure.
export type WeightUnit = 'oz' | 'lb' | 'g' | 'kg';
export type LengthUnit = 'in' | 'cm';

const OUNCES_PER: Record<WeightUnit, number> = { oz: 1, lb: 16, g: 1 / 28.349523125, kg: 1000 / 28.349523125 };
const INCHES_PER: Record<LengthUnit, number> = { in: 1, cm: 1 / 2.54 };

export const toOunces = (weight: { value: number; unit: WeightUnit }): number => weight.value * OUNCES_PER[weight.unit];
export const toInches = (value: number, unit: LengthUnit): number => value * INCHES_PER[unit];
export const round2 = (n: number): number => Math.round(n * 100) / 100;
