// The FedEx adapter: a plain object over client.ts (I/O), parse.ts (pure) and status-codes.ts (data).
import type { CarrierAdapter } from '../types.js';
import { FEDEX_MAX_NUMBERS_PER_CALL, FEDEX_PRODUCTION_URL, fedexCredentialsSchema, trackFedex, verifyFedexCredentials } from './client.js';
import { fedexLabels } from './labels.js';

export const fedexAdapter = {
  code: 'fedex',
  name: 'FedEx',
  credentialsSchema: fedexCredentialsSchema,
  defaultBaseUrl: FEDEX_PRODUCTION_URL, // sandbox: https://apis-sandbox.fedex.com
  maxBatchSize: FEDEX_MAX_NUMBERS_PER_CALL, // 30 numbers per Track API call
  track: trackFedex,
  verifyCredentials: verifyFedexCredentials,
  labels: fedexLabels, // Ship API: buy, cancel; shipments found by our reference after a timeout
} satisfies CarrierAdapter;

export { fedexCredentialsSchema, type FedexCredentials, FEDEX_PRODUCTION_URL, FEDEX_SANDBOX_URL } from './client.js';
