// DHL I/O: GET /track/shipments?trackingNumber=…&language=en with the `DHL-API-Key` header.
// No OAuth. Every HTTP outcome becomes a value: a parsed TrackResult or a CarrierError.
import { err, ok, type Result } from '../../lib/result.js';
import { trackInTurn } from '../client-kit.js';
import { baseUrlOf, carrierErrorFromResponse, DETAILED_WORDING, fetchWithTimeout, isSuccess, type HttpAnswer, type StatusPolicy } from '../http.js';
import { carrierSaid } from '../parse-kit.js';
import type { CarrierContext, CarrierError, TrackResult } from '../types.js';
import { decodeJsonBody, parseDhlTracking, readDhlProblem } from './parse.js';

export type DhlCredentials = { apiKey: string };

const TRACKING_PATH = '/track/shipments';
// Any syntactically plausible number DHL will not know: enough to see whether the key is accepted.
const PROBE_TRACKING_NUMBER = '00340000000000000000';
const DHL_STATUS: StatusPolicy = {
  carrier: 'DHL',
  // 429 is either the per-second limit or the daily quota (which resets at 00:00 GMT).
  wording: { ...DETAILED_WORDING, auth_failed: 'DHL refused the API key (HTTP {status}){said}', rate_limited: 'DHL rate limit or daily quota reached{said}' },
  retryAfterOn5xx: true,
};

/** One number per call; numbers are fetched in turn and the first failure ends the batch. */
export async function trackDhl(ctx: CarrierContext, credentials: DhlCredentials, trackingNumbers: string[]): Promise<Result<TrackResult[], CarrierError>> {
  return trackInTurn(trackingNumbers, async (trackingNumber) => {
    const answer = await getShipments(ctx, credentials, trackingNumber);
    return answer.ok ? readTrackingAnswer(trackingNumber, answer.value, ctx.clock.now()) : answer;
  });
}

/**
 * DHL has no endpoint that only checks a key, so we track a number it will not know: 404 (or 200)
 * means the key was accepted, 401/403 that it was not. This spends one call of the daily quota.
 */
export async function verifyDhlCredentials(ctx: CarrierContext, credentials: DhlCredentials): Promise<Result<void, CarrierError>> {
  const answer = await getShipments(ctx, credentials, PROBE_TRACKING_NUMBER);
  if (!answer.ok) return answer;
  if (isSuccess(answer.value.status) || answer.value.status === 404) return ok(undefined);
  return err(toCarrierError(answer.value, ctx.clock.now()));
}

function getShipments(ctx: CarrierContext, credentials: DhlCredentials, trackingNumber: string): Promise<Result<HttpAnswer, CarrierError>> {
  // English text, because status refinements read the description.
  const query = new URLSearchParams({ trackingNumber: trackingNumber.replace(/\s+/g, ''), language: 'en' });
  return fetchWithTimeout(ctx, 'DHL', `${baseUrlOf(ctx)}${TRACKING_PATH}?${query.toString()}`, {
    method: 'GET',
    headers: { 'DHL-API-Key': credentials.apiKey, accept: 'application/json' },
  });
}

function readTrackingAnswer(trackingNumber: string, answer: HttpAnswer, now: Date): Result<TrackResult[], CarrierError> {
  if (!isSuccess(answer.status) && answer.status !== 404) return err(toCarrierError(answer, now));
  const body = decodeJsonBody(answer.text);
  if (!body.ok) return body;
  // A 404 without DHL's problem body is a wrong URL, not an unknown parcel.
  if (answer.status === 404 && readDhlProblem(body.value)?.status !== 404) {
    return err({ code: 'bad_response', message: 'DHL answered 404 without its problem body; check the base URL', retryable: false });
  }
  return parseDhlTracking(trackingNumber, body.value);
}

/** Maps a non-2xx answer; DHL's own title and detail are kept verbatim. */
function toCarrierError(answer: HttpAnswer, now: Date): CarrierError {
  const body = decodeJsonBody(answer.text);
  const problem = body.ok ? readDhlProblem(body.value) : null;
  return carrierErrorFromResponse(answer, now, DHL_STATUS, problem ? carrierSaid(problem.title, problem.message) : {});
}
