// The USPS adapter: Tracking API v3 (apis.usps.com) with OAuth client credentials.
import { z } from 'zod';
import type { Result } from '../../lib/result.js';
import { readCredentials, withCredentials } from '../client-kit.js';
import type { CarrierAdapter, CarrierContext, CarrierError } from '../types.js';
import { trackUsps, verifyUspsCredentials, type UspsCredentials } from './client.js';
import { USPS_PAYMENT_FIELDS, uspsLabels } from './labels.js';

/** The consumer key and secret of an app registered on developers.usps.com. */
export const uspsCredentialsSchema = z.strictObject({
  clientId: z.string().trim().min(1, 'clientId (USPS consumer key) is required'),
  clientSecret: z.string().trim().min(1, 'clientSecret (USPS consumer secret) is required'),
  // Labels only: the brand's payment account (./labels.ts).
  ...USPS_PAYMENT_FIELDS,
});

export const uspsAdapter = {
  code: 'usps',
  name: 'USPS',
  credentialsSchema: uspsCredentialsSchema,
  defaultBaseUrl: 'https://apis.usps.com', // test environment (TEM): https://apis-tem.usps.com
  maxBatchSize: 1, // GET /tracking/v3/tracking/{trackingNumber}: one number per call
  ...withCredentials(readUspsCredentials, { track: trackUsps, verify: verifyUspsCredentials }),
  labels: uspsLabels, // Labels v3 + Payments v3, with the brand's payment account
} satisfies CarrierAdapter;

// The context's credentials were validated on save; parsing again gives them a type.
function readUspsCredentials(ctx: CarrierContext): Result<UspsCredentials, CarrierError> {
  return readCredentials(ctx, uspsCredentialsSchema, (error) => `USPS credentials are incomplete: ${z.prettifyError(error)}`);
}
