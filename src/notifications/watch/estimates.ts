// Delivery windows after the order: the carrier's, as it moves (the `shipment.estimate_changed`
// job that ingest enqueues with the change), or ours from the transit table when the carrier gives
// none. Each new window is checked against the last one and the promise of the order confirmation:
// later than both is a delay (once per new last day), ending before the promise is "arriving early".
import { shippingOf } from '../../brands/settings.js';
import type { Deps } from '../../deps.js';
import type { ShipmentRow } from '../../db/schema.js';
import { deliveryTimeZone, estimateDeliveryWindow } from '../../estimates/index.js';
import { isTerminal, type ShipmentStatus } from '../../shipments/vocabulary.js';
import type { EstimateWindow } from '../policy/decide.js';
import { decideAndRecord, type StatusChangedPayload } from '../pipeline.js';
import { recordLaneSample } from './lane-stats.js';
import { rememberWatch } from './sweep.js';
import { coveredDelay } from './watch.js';

export type EstimateChangedPayload = { shipmentId: string; previous: EstimateWindow | null; next: EstimateWindow };

type Destination = { city: string; region?: string; postalCode?: string; country: string };

export async function notifyEstimateChanged(deps: Deps, payload: EstimateChangedPayload): Promise<void> {
  const shipment = await deps.db.selectFrom('shipments').selectAll().where('id', '=', payload.shipmentId).executeTakeFirst();
  if (!shipment || shipment.direction !== 'outbound' || isTerminal(shipment.status as ShipmentStatus)) return;
  const order = await deps.db.selectFrom('orders').selectAll().where('id', '=', shipment.order_id).executeTakeFirst();
  const brand = order ? await deps.db.selectFrom('brands').selectAll().where('id', '=', order.brand_id).executeTakeFirst() : undefined;
  if (!order || !brand) return;
  const destination = JSON.parse(order.destination) as Destination;
  const promised = order.estimated_from && order.estimated_to ? { from: order.estimated_from, to: order.estimated_to } : null;
  const decisions = await decideAndRecord(deps, {
    brand,
    order,
    shipment,
    trigger: { kind: 'estimate_revised', shipmentId: shipment.id, previous: payload.previous, next: payload.next, promised, timeZone: deliveryTimeZone(destination) },
  });
  // "Running late" for the moved window tells of the current silence too: the watch must not say it
  // again for the same wait (as after the carrier's delay flag). Remembered after the messages, so
  // a crash in between only repeats a deduplicated decision.
  if (announcesDelay(decisions)) await rememberWatch(deps, shipment.brand_id, shipment.id, coveredDelay({ lastEventAt: shipment.last_event_at, window: windowOf(shipment) }));
}

/**
 * The decisions are a delay message: the watch's memory counts the current silence and window as
 * announced. Whether or not it is sent (the brand may have switched delays off, or it went out
 * before), as for the watch's own triggers; but not a window that had ended before it arrived
 * (`stale`, history being loaded): nothing was said of it, so the watch still may.
 */
export const announcesDelay = (decisions: ReadonlyArray<{ milestone: string; heldReason?: string }>): boolean =>
  decisions.some((decision) => decision.milestone === 'delayed' && decision.heldReason !== 'stale');

/**
 * Runs before a status change is announced: a parcel that just shipped without a carrier window
 * gets ours (so the "shipped" email can say when); a delivered one adds its silence to its lane's
 * figures; a carrier's own delay flag marks the current silence and window as announced. Returns
 * the window it set, for the caller to announce after the status change ("shipped" comes before
 * "ahead of schedule").
 */
export async function watchStatusChanged(deps: Deps, payload: StatusChangedPayload): Promise<EstimateChangedPayload | null> {
  const { from, to } = payload;
  if (to.status === 'delivered') await recordLaneSample(deps, payload.shipmentId);
  const estimated = from.status === 'pending' && (to.status === 'info_received' || to.status === 'in_transit') ? await estimateAtShipping(deps, payload.shipmentId) : null;
  if (!from.delayed && to.delayed) {
    const shipment = await deps.db.selectFrom('shipments').selectAll().where('id', '=', payload.shipmentId).executeTakeFirst();
    if (shipment) await rememberWatch(deps, shipment.brand_id, shipment.id, coveredDelay({ lastEventAt: shipment.last_event_at, window: windowOf(shipment) }));
  }
  return estimated;
}

const windowOf = (shipment: ShipmentRow): EstimateWindow | null =>
  shipment.estimated_from && shipment.estimated_to ? { from: shipment.estimated_from, to: shipment.estimated_to } : null;

/** Our window for a parcel that shipped without the carrier's, stored; the change to announce, or null. */
async function estimateAtShipping(deps: Deps, shipmentId: string): Promise<EstimateChangedPayload | null> {
  const shipment = await deps.db.selectFrom('shipments').selectAll().where('id', '=', shipmentId).executeTakeFirst();
  if (!shipment || shipment.direction !== 'outbound' || shipment.estimated_to) return null;
  const order = await deps.db.selectFrom('orders').select(['destination', 'brand_id']).where('id', '=', shipment.order_id).executeTakeFirst();
  const brand = order ? await deps.db.selectFrom('brands').selectAll().where('id', '=', order.brand_id).executeTakeFirst() : undefined;
  if (!order || !brand) return null;
  const shipping = shippingOf(brand);
  let next: EstimateWindow;
  try {
    next = estimateDeliveryWindow({
      now: deps.clock.now(),
      stage: 'shipped',
      origin: shipping.origin,
      destination: JSON.parse(order.destination) as Destination,
      brand: { handlingDays: shipping.handlingDays, cutoff: shipping.cutoff },
      carrier: shipment.carrier,
      service: shipment.service ?? shipping.service,
      ...(shipment.last_event_at ? { shippedAt: shipment.last_event_at } : {}),
    }).window;
  } catch (error) {
    deps.log.warn({ shipmentId, err: (error as Error).message }, 'no delivery estimate for shipment');
    return null;
  }
  // Only where the carrier has not given one meanwhile: its word wins.
  const updated = await deps.db
    .updateTable('shipments')
    .set({ estimated_from: next.from, estimated_to: next.to })
    .where('id', '=', shipmentId)
    .where('estimated_to', 'is', null)
    .executeTakeFirst();
  return Number(updated.numUpdatedRows) === 1 ? { shipmentId, previous: null, next } : null;
}
