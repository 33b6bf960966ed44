// Shippo `track_updated` webhooks → an InboundUpdate. PURE, never throws.
// The history comes oldest first with UTC times; each status object has its own id, which keys the
// event, so a status repeated in every later webhook is stored once.
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import { aggregatorLocation, bodyProblemOf, type BodyProblem, instantOrNull, localDayWindow, normalizeTrackingNumber, waybillCarrierOf, type InboundUpdate } from '../aggregator-kit.js';
import type { DraftEvent } from '../parse-kit.js';
import { SHIPPO_STATUSES, SHIPPO_SUBSTATUSES, type ShippoMapping } from './status-codes.js';

const text = z.string().nullish();
const address = z.object({ city: text, state: text, zip: text, country: text }).nullish();
const trackingStatus = z.object({
  object_id: text,
  object_updated: text,
  status: text,
  status_details: text,
  status_date: text,
  substatus: z.object({ code: text, text: text }).nullish(),
  location: address,
});
const track = z.object({
  carrier: text,
  tracking_number: z.string().trim().min(1),
  eta: text,
  address_to: address,
  tracking_status: trackingStatus.nullish(),
  tracking_history: z.array(trackingStatus).nullish(),
});
export const shippoWebhookSchema = z.object({ event: z.string(), test: z.boolean().nullish(), data: z.unknown() });
export type ShippoWebhook = z.infer<typeof shippoWebhookSchema>;
export type ShippoProblem = BodyProblem;

export const SHIPPO_TRACK_EVENT = 'track_updated';

export function readShippoWebhook(body: unknown): Result<ShippoWebhook, ShippoProblem> {
  const parsed = shippoWebhookSchema.safeParse(body);
  return parsed.success ? ok(parsed.data) : err(bodyProblemOf(parsed.error));
}

/** The delivery's identity: the latest status object (and when it last changed), for deduplication. */
export function shippoDeliveryId(webhook: ShippoWebhook): Result<string, ShippoProblem> {
  const parsed = track.safeParse(webhook.data);
  if (!parsed.success) return err(bodyProblemOf(parsed.error, 'data'));
  const status = parsed.data.tracking_status;
  if (!status?.object_id) return err({ field: 'data.tracking_status.object_id', problem: 'is required' });
  return ok(`${normalizeTrackingNumber(parsed.data.tracking_number)}:${status.object_id}:${status.object_updated ?? ''}`);
}

export function parseShippoTrack(webhook: ShippoWebhook): Result<InboundUpdate, ShippoProblem> {
  const parsed = track.safeParse(webhook.data);
  if (!parsed.success) return err(bodyProblemOf(parsed.error, 'data'));
  const t = parsed.data;
  const history = t.tracking_history?.length ? t.tracking_history : t.tracking_status ? [t.tracking_status] : [];
  const events: DraftEvent[] = history.map((s) => {
    const mapping = mappingOf(s.status, s.substatus?.code);
    return {
      status: mapping.status,
      reason: mapping.reason ?? null,
      delayed: mapping.delayed ?? false,
      occurredAt: instantOrNull(s.status_date),
      location: aggregatorLocation(s.location),
      carrierCode: [s.status, s.substatus?.code].filter(Boolean).join('/') || null,
      carrierText: s.status_details?.trim() || s.substatus?.text?.trim() || null,
      dedupeKey: s.object_id ? `shippo:${s.object_id}` : null,
    };
  });
  const delivered = events.at(-1)?.status === 'delivered';
  return ok({
    carrier: waybillCarrierOf(t.carrier),
    trackingNumber: normalizeTrackingNumber(t.tracking_number),
    events,
    estimatedDelivery: delivered ? null : localDayWindow(t.eta, { country: t.address_to?.country, region: t.address_to?.state }),
  });
}

export function mappingOf(status: string | null | undefined, substatus: string | null | undefined): ShippoMapping {
  const s = status?.trim().toUpperCase() ?? '';
  const byStatus = Object.hasOwn(SHIPPO_STATUSES, s) ? SHIPPO_STATUSES[s]! : { status: 'keep_previous' as const };
  const code = substatus?.trim().toLowerCase() ?? '';
  const bySubstatus = code && Object.hasOwn(SHIPPO_SUBSTATUSES, code) ? SHIPPO_SUBSTATUSES[code] : undefined;
  // A substatus refines movement; it never overrides a delivery or a return.
  if (!bySubstatus || byStatus.status !== 'in_transit') return byStatus;
  return bySubstatus;
}
