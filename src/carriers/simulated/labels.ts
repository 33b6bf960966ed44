// What the simulated carrier sells: three services (the journey is the same; the label says which)
// in both formats, anywhere the journey planner can route, with no account and no payment.
import type { LabelCapability } from '../label-types.js';

export const SIMULATED_LABELS = {
  services: {
    ground: { code: 'ground', level: 'standard', name: 'Ground' },
    economy: { code: 'economy', level: 'economy', name: 'Economy' },
    express: { code: 'express', level: 'express', name: 'Express' },
  },
  defaultServices: { economy: 'economy', standard: 'ground', express: 'express' },
  formats: ['pdf', 'zpl'],
  destinations: null,
  limits: { maxWeightOz: 150 * 16, maxLengthIn: 108, maxLengthPlusGirthIn: 165, requiresDimensions: false },
} as const satisfies Pick<LabelCapability, 'services' | 'defaultServices' | 'formats' | 'destinations' | 'limits'>;

/** A simulated label printed without a weight says so: the carrier assumes a one-pound parcel. */
export const SIMULATED_DEFAULT_WEIGHT = { value: 1, unit: 'lb' } as const;

export const SIMULATED_NOTICE = 'Simulated label: no carrier will move this parcel';
