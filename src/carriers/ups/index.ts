// The UPS adapter: a plain object over client.ts (I/O), parse.ts (pure) and status-codes.ts (data).
import type { CarrierAdapter } from '../types.js';
import { trackUps, upsCredentialsSchema, UPS_PRODUCTION_URL, verifyUpsCredentials } from './client.js';
import { upsLabels } from './labels.js';

export const upsAdapter = {
  code: 'ups',
  name: 'UPS',
  credentialsSchema: upsCredentialsSchema,
  defaultBaseUrl: UPS_PRODUCTION_URL, // CIE (test): https://wwwcie.ups.com
  maxBatchSize: 1, // the Track API takes one inquiry number per request
  track: trackUps,
  verifyCredentials: verifyUpsCredentials,
  labels: upsLabels, // Shipping API: buy, void, recover by reference
} satisfies CarrierAdapter;

export { upsCredentialsSchema, type UpsCredentials, UPS_PRODUCTION_URL, UPS_TEST_URL } from './client.js';
