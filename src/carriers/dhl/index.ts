// The DHL adapter: Shipment Tracking – Unified API (api-eu.dhl.com), authenticated by API key.
import { z } from 'zod';
import type { Result } from '../../lib/result.js';
import { readCredentials, withCredentials } from '../client-kit.js';
import type { CarrierAdapter, CarrierContext, CarrierError } from '../types.js';
import { trackDhl, verifyDhlCredentials, type DhlCredentials } from './client.js';

/** The consumer key of an app subscribed to "Shipment Tracking - Unified" on developer.dhl.com. */
export const dhlCredentialsSchema = z.strictObject({
  apiKey: z.string().trim().min(1, 'apiKey (DHL consumer key) is required'),
});

export const dhlAdapter = {
  code: 'dhl',
  name: 'DHL',
  credentialsSchema: dhlCredentialsSchema,
  defaultBaseUrl: 'https://api-eu.dhl.com', // production only: DHL offers no test environment
  maxBatchSize: 1, // trackingNumber takes one number per call
  ...withCredentials(readDhlCredentials, { track: trackDhl, verify: verifyDhlCredentials }),
} satisfies CarrierAdapter;

// The context's credentials were validated on save; parsing again gives them a type.
function readDhlCredentials(ctx: CarrierContext): Result<DhlCredentials, CarrierError> {
  return readCredentials(ctx, dhlCredentialsSchema, (error) => `DHL credentials are incomplete: ${z.prettifyError(error)}`);
}
