// UPS Track Alert webhooks (TrackingEventRequest, one activity per POST) → an InboundUpdate. PURE.
// A Track Alert event is a Track API activity in other clothes, so it is dressed as one and read by
// parse.ts: the same code tables, the same time rules (gmtOffset comes as "-04.00" here). UPS gives
// the event no id; the ingest path keys it by its content, so a poll that later returns the same
// scan stores nothing new. Updates that do not move the parcel (type U: new date, time, photo)
// stay `keep_previous` here: the inbox gives them the status the parcel had at their own time, and
// they never decide the status (shipments/carried.ts), whatever order UPS pushes them in.
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import { bodyProblemOf, normalizeTrackingNumber, type BodyProblem, type InboundUpdate } from '../aggregator-kit.js';
import { mapUpsActivityStatus, parseUpsTrackResponse, upsCodeTableOf } from './parse.js';

// Empty strings stand for "no value" in Track Alert bodies.
const text = z.string().nullish();
export const trackAlertSchema = z.object({
  trackingNumber: z.string().trim().min(7).max(34),
  localActivityDate: text,
  localActivityTime: text,
  activityLocation: z.object({ city: text, stateProvince: text, postalCode: text, country: text }).nullish(),
  activityStatus: z.object({ type: text, code: text, description: text, descriptionCode: text }),
  scheduledDeliveryDate: text,
  actualDeliveryDate: text,
  actualDeliveryTime: text,
  gmtActivityDate: text,
  gmtActivityTime: text,
  gmtOffset: text,
  deliveryStartTime: text,
  deliveryEndTime: text,
});
export type TrackAlertEvent = z.infer<typeof trackAlertSchema>;

export function readTrackAlert(body: unknown): Result<TrackAlertEvent, BodyProblem> {
  const parsed = trackAlertSchema.safeParse(body);
  return parsed.success ? ok(parsed.data) : err(bodyProblemOf(parsed.error));
}

export function parseTrackAlert(event: TrackAlertEvent): Result<InboundUpdate, BodyProblem> {
  const trackingNumber = normalizeTrackingNumber(event.trackingNumber);
  const status = { type: event.activityStatus.type, code: event.activityStatus.code, description: event.activityStatus.description, statusCode: event.activityStatus.descriptionCode };
  const scheduled = event.scheduledDeliveryDate?.trim();
  const asTrackApi = {
    trackResponse: {
      shipment: [
        {
          inquiryNumber: trackingNumber,
          package: [
            {
              trackingNumber,
              activity: [
                {
                  date: event.localActivityDate,
                  time: event.localActivityTime,
                  gmtDate: event.gmtActivityDate,
                  gmtTime: event.gmtActivityTime,
                  gmtOffset: event.gmtOffset,
                  location: { address: { ...event.activityLocation, countryCode: event.activityLocation?.country } },
                  status,
                },
              ],
              deliveryDate: scheduled ? [{ type: 'SDD', date: scheduled }] : [],
              deliveryTime: event.deliveryStartTime || event.deliveryEndTime ? { type: 'EDW', startTime: event.deliveryStartTime, endTime: event.deliveryEndTime } : null,
            },
          ],
        },
      ],
    },
  };
  const parsed = parseUpsTrackResponse(asTrackApi, trackingNumber);
  if (!parsed.ok) return err({ field: '(body)', problem: parsed.error.message });
  const result = parsed.value[0];
  if (!result?.found) return err({ field: 'trackingNumber', problem: 'names no package' });
  const moves = mapUpsActivityStatus(status, upsCodeTableOf({ trackingNumber })).status !== 'keep_previous';
  return ok({
    carrier: 'ups',
    trackingNumber,
    events: result.events.map((e) => (moves ? e : { ...e, status: 'keep_previous' as const })),
    estimatedDelivery: result.estimatedDelivery ?? null,
  });
}
