// EasyPost `tracker.updated` / `tracker.created` events → an InboundUpdate. PURE, never throws.
// Tracking details come oldest first, with UTC times; EasyPost gives no id per detail, so the
// ingest path keys each one by its content (a repeat of the same scan is stored once).
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import { aggregatorLocation, bodyProblemOf, type BodyProblem, instantOrNull, localDayWindow, normalizeTrackingNumber, waybillCarrierOf, type InboundUpdate } from '../aggregator-kit.js';
import type { DraftEvent } from '../parse-kit.js';
import { EASYPOST_STATUS_DETAILS, EASYPOST_STATUSES, type EasyPostMapping } from './status-codes.js';

const text = z.string().nullish();
const location = z.object({ city: text, state: text, country: text, zip: text }).nullish();
const detail = z.object({
  message: text,
  description: text,
  status: text,
  status_detail: text,
  datetime: text,
  carrier_code: text,
  tracking_location: location,
});
const tracker = z.object({
  id: text,
  tracking_code: z.string().trim().min(1),
  carrier: text,
  status: text,
  status_detail: text,
  est_delivery_date: text,
  tracking_details: z.array(detail).nullish(),
  carrier_detail: z.object({ est_delivery_date_local: text, destination_tracking_location: location }).nullish(),
});
export const easyPostEventSchema = z.object({
  object: z.literal('Event'),
  id: z.string().trim().min(1),
  description: z.string(),
  created_at: text,
  result: z.unknown(),
});
export type EasyPostEvent = z.infer<typeof easyPostEventSchema>;

/** The events Waybill acts on; others (batch, refund, …) are acknowledged and ignored. */
export const EASYPOST_TRACKER_EVENTS: readonly string[] = ['tracker.updated', 'tracker.created'];

export type EasyPostProblem = BodyProblem;

/** The event envelope: enough to store the delivery under its id. */
export function readEasyPostEvent(body: unknown): Result<EasyPostEvent, EasyPostProblem> {
  const parsed = easyPostEventSchema.safeParse(body);
  if (!parsed.success) return err(bodyProblemOf(parsed.error));
  return ok(parsed.data);
}

/** The tracker inside a tracker event, as the parcel's update. */
export function parseEasyPostTracker(event: EasyPostEvent): Result<InboundUpdate, EasyPostProblem> {
  const parsed = tracker.safeParse(event.result);
  if (!parsed.success) return err(bodyProblemOf(parsed.error, 'result'));
  const t = parsed.data;
  const destination = t.carrier_detail?.destination_tracking_location;
  const events: DraftEvent[] = (t.tracking_details ?? []).map((d) => {
    const mapping = mappingOf(d.status, d.status_detail);
    return {
      status: mapping.status,
      reason: mapping.reason ?? null,
      delayed: mapping.delayed ?? false,
      occurredAt: instantOrNull(d.datetime),
      location: aggregatorLocation(d.tracking_location),
      carrierCode: d.carrier_code?.trim() || d.status_detail?.trim() || null,
      carrierText: d.message?.trim() || d.description?.trim() || null,
      dedupeKey: null,
    };
  });
  const delivered = events.at(-1)?.status === 'delivered';
  const day = t.carrier_detail?.est_delivery_date_local ?? t.est_delivery_date;
  return ok({
    carrier: waybillCarrierOf(t.carrier),
    trackingNumber: normalizeTrackingNumber(t.tracking_code),
    events,
    estimatedDelivery: delivered ? null : localDayWindow(day, { country: destination?.country, region: destination?.state }),
  });
}

/** The detail refines the status when it can; a detail Waybill does not know leaves the status as it is. */
export function mappingOf(status: string | null | undefined, statusDetail: string | null | undefined): EasyPostMapping {
  const byStatus = lookup(EASYPOST_STATUSES, status) ?? { status: 'keep_previous' };
  const byDetail = lookup(EASYPOST_STATUS_DETAILS, statusDetail);
  if (!byDetail || byStatus.status === 'delivered' || byStatus.status === 'keep_previous') return byStatus;
  return byDetail;
}

function lookup<T>(table: Readonly<Record<string, T>>, key: string | null | undefined): T | undefined {
  const k = key?.trim().toLowerCase() ?? '';
  return k && Object.hasOwn(table, k) ? table[k] : undefined;
}
