// The DHL adapter: Shipment Tracking – Unified API (api-eu.dhl.com), authenticated by API key.
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import type { CarrierAdapter, CarrierContext, CarrierError } from '../types.js';
import { trackDhl, verifyDhlCredentials, type DhlCredentials } from './client.js';

/** The consumer key of an app subscribed to "Shipment Tracking - Unified" on developer.dhl.com. */
export const dhlCredentialsSchema = z.object({
  apiKey: z.string().trim().min(1, 'apiKey (DHL consumer key) is required'),
});

export const dhlAdapter = {
  code: 'dhl',
  name: 'DHL',
  credentialsSchema: dhlCredentialsSchema,
  defaultBaseUrl: 'https://api-eu.dhl.com', // production only: DHL offers no test environment
  maxBatchSize: 1, // trackingNumber takes one number per call
  async track(ctx, trackingNumbers) {
    const credentials = readCredentials(ctx);
    return credentials.ok ? trackDhl(ctx, credentials.value, trackingNumbers) : credentials;
  },
  async verifyCredentials(ctx) {
    const credentials = readCredentials(ctx);
    return credentials.ok ? verifyDhlCredentials(ctx, credentials.value) : credentials;
  },
} satisfies CarrierAdapter;

// The context's credentials were validated on save; parsing again gives them a type.
function readCredentials(ctx: CarrierContext): Result<DhlCredentials, CarrierError> {
  const parsed = dhlCredentialsSchema.safeParse(ctx.credentials);
  if (parsed.success) return ok(parsed.data);
  return err({ code: 'auth_failed', message: `DHL credentials are incomplete: ${z.prettifyError(parsed.error)}`, retryable: false });
}
