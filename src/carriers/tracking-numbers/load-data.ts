// Reads the vendored courier definitions once, synchronously. Both src/carriers/tracking-numbers (tests
// run the TypeScript source) and dist/carriers/tracking-numbers (compiled) sit three levels below the
// package root, so the data folder is found the same way from either.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RawCourier } from './types.js';

export const DATA_DIRECTORY = fileURLToPath(new URL('../../../data/tracking_number_data/', import.meta.url));

/** Files in the data folder that are not courier definitions. */
const NON_COURIER_FILES = new Set(['glossary.json']);

/** Courier definitions in file-name order (that order is the final tie-break when ranking). */
export function loadCouriers(directory: string = DATA_DIRECTORY): RawCourier[] {
  const files = readdirSync(directory)
    .filter((file) => file.endsWith('.json') && !NON_COURIER_FILES.has(file))
    .sort();
  if (files.length === 0) throw new Error(`no courier definitions found in ${directory}`);
  return files.map((file) => {
    const courier = JSON.parse(readFileSync(join(directory, file), 'utf8')) as RawCourier;
    if (typeof courier.courier_code !== 'string' || !Array.isArray(courier.tracking_numbers)) {
      throw new Error(`${file} is not a courier definition`);
    }
    return courier;
  });
}
