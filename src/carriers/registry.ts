// Every carrier Waybill knows, one line each. Adapters with a tracking API are polled; the rest
// (and any carrier) can still be tracked by events posted through the API or a CSV.
import { dhlAdapter } from './dhl/index.js';
import { fedexAdapter } from './fedex/index.js';
import { AppError } from '../lib/errors.js';
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

/** A carrier as stored (lower case); one Waybill does not know is refused with 422, alike in a body and in a filter. */
export function knownCarrier(carrier: string): string {
  const code = carrier.toLowerCase();
  if (!isKnownCarrier(code)) throw new AppError('validation_failed', `unknown carrier "${carrier}"`, [{ field: 'carrier', problem: `must be one of: ${KNOWN_CARRIERS.join(', ')}` }]);
  return code;
}

export const carrierAdapter = (code: string): CarrierAdapter | undefined => adapters[code];
