// Every carrier Waybill knows, one line each. Adapters with a tracking API are polled; the rest
// (and any carrier) can still be tracked by events posted through the API or a CSV.
import { dhlAdapter } from './dhl/index.js';
import { fedexAdapter } from './fedex/index.js';
import type { CarrierAdapter } from './types.js';
import { upsAdapter } from './ups/index.js';
import { uspsAdapter } from './usps/index.js';

export const SIMULATED_CARRIER = 'simulated';

const adapters: Record<string, CarrierAdapter> = {
  ups: upsAdapter,
  fedex: fedexAdapter,
  usps: uspsAdapter,
  dhl: dhlAdapter,
};

/** Carriers with an API adapter first, then every courier tracking-number detection knows. */
export const KNOWN_CARRIERS = [
  SIMULATED_CARRIER,
  'ups',
  'fedex',
  'usps',
  'dhl',
  'amazon',
  'canada_post',
  'canpar',
  'dpd',
  'gofo',
  'landmark',
  'lasership',
  'old_dominion',
  'ontrac',
  'purolator',
  's10',
  'speedee',
  'yodel',
  'yunexpress',
] as const;

export const isKnownCarrier = (code: string): boolean => (KNOWN_CARRIERS as readonly string[]).includes(code);

export const carrierAdapter = (code: string): CarrierAdapter | undefined => adapters[code];
