// Tracking one shipment now: ask the carrier through the brand's account and ingest the answer
// through the one ingest path (source carrier_poll).
import { lockedForUpdate } from '../db/locks.js';
import { carrierFailure, connectedCarrier } from '../carriers/connections.js';
import type { Deps } from '../deps.js';
import type { BrandRow, ShipmentRow } from '../db/schema.js';
import { AppError, notFound } from '../lib/errors.js';
import { takeOutsideRequest } from '../polling/account.js';
import { ingestEvents } from './ingest.js';
import { findShipment } from './service.js';

export type RefreshOutcome =
  | { shipment: ShipmentRow; found: true; stored: number; duplicates: number }
  | { shipment: ShipmentRow; found: false; message: string };

export async function refreshShipment(deps: Deps, brand: BrandRow, shipmentId: string): Promise<RefreshOutcome> {
  const shipment = await findShipment(deps, brand.id, shipmentId);
  const { adapter, ctx } = await connectedCarrier(deps, brand.id, shipment.carrier);
  // "Track now" spends the account's rate and quota like a poll, and never breaks them.
  const admitted = await takeOutsideRequest(deps, brand.id, shipment.carrier, { enforce: true });
  if (!admitted.ok) {
    const waitMs = admitted.reason === 'rate' ? admitted.waitMs : admitted.untilMs - deps.clock.now().getTime();
    const why = admitted.reason === 'rate' ? `${adapter.name}'s rate limit for this account is reached` : `the account's ${adapter.name} daily quota is spent`;
    throw new AppError('rate_limited', `${why}; try again later (GET /v1/carriers/polling shows the account's usage)`, undefined, { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) });
  }
  const answer = await adapter.track(ctx, [shipment.tracking_number]);
  if (!answer.ok) throw carrierFailure(adapter.name, answer.error);
  const result = answer.value.find((r) => r.trackingNumber.toUpperCase() === shipment.tracking_number) ?? answer.value[0];
  if (!result || !result.found) return { shipment, found: false, message: result && !result.found ? result.message : `${adapter.name} returned nothing for ${shipment.tracking_number}` };

  const now = deps.clock.now();
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const locked = await lockedForUpdate(trx.selectFrom('shipments').selectAll().where('id', '=', shipment.id), deps.dialect).executeTakeFirst();
    if (!locked) throw notFound(`shipment ${shipmentId}`);
    const [done] = await ingestEvents(trx, now, [{ shipment: locked, source: 'carrier_poll', events: result.events, estimatedDelivery: result.estimatedDelivery ?? null }]);
    return { shipment: locked, outcome: done! };
  });
  if (outcome.outcome.stored) deps.metrics.eventsStored.inc({ source: 'carrier_poll' }, outcome.outcome.stored);
  if (outcome.outcome.statusChanged) deps.notifyJobsEnqueued();
  return { shipment: outcome.shipment, found: true, stored: outcome.outcome.stored, duplicates: outcome.outcome.duplicates };
}
