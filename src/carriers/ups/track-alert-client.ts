// UPS Track Alert subscriptions: POST /api/track/v2/subscription/standard/package with up to 100
// numbers; UPS answers which it took (valid) and which it refused (invalid). A subscription lasts
// 14 days; UPS then pushes every new activity to the webhook set up in its portal (the receiving
// side is src/inbound). Errors come back as CarrierError values.
import { err, ok, type Result } from '../../lib/result.js';
import { readJson } from '../parse-kit.js';
import type { CarrierContext, CarrierError } from '../types.js';
import { sendUpsApiRequest, upsHttpError } from './client.js';

export const TRACK_ALERT_MAX_NUMBERS = 100;
export const TRACK_ALERT_SUBSCRIPTION_DAYS = 14;
/** The numbers Track Alert accepts: 1Z (18 characters) and Roadie 1R (16 or 28). */
export const TRACK_ALERT_NUMBER = /^(1Z[A-Z0-9]{16}|1R[A-Z0-9]{14}|1R[A-Z0-9]{26})$/;

export type SubscriptionAnswer = { valid: string[]; invalid: string[] };

export async function subscribeUpsPackages(ctx: CarrierContext, trackingNumbers: readonly string[]): Promise<Result<SubscriptionAnswer, CarrierError>> {
  if (trackingNumbers.length === 0 || trackingNumbers.length > TRACK_ALERT_MAX_NUMBERS) {
    return err({ code: 'bad_request', message: `a Track Alert subscription takes 1 to ${TRACK_ALERT_MAX_NUMBERS} numbers (got ${trackingNumbers.length})`, retryable: false });
  }
  const answer = await sendUpsApiRequest(ctx, 'POST', '/api/track/v2/subscription/standard/package', { locale: 'en_US', countryCode: 'US', trackingNumberList: trackingNumbers });
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return err(upsHttpError(answer.value, ctx.clock.now()));
  const body = readJson(answer.value.text) as { validTrackingNumbers?: unknown; invalidTrackingNumbers?: unknown } | undefined;
  const list = (value: unknown) => (Array.isArray(value) ? value.filter((n): n is string => typeof n === 'string').map((n) => n.toUpperCase()) : null);
  const valid = list(body?.validTrackingNumbers);
  const invalid = list(body?.invalidTrackingNumbers) ?? [];
  if (!valid) return err({ code: 'bad_response', message: 'UPS answered the Track Alert subscription without validTrackingNumbers', retryable: false });
  return ok({ valid, invalid });
}
