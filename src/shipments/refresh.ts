// Tracking one shipment now: ask the carrier through the brand's account and ingest the answer
// through the one ingest path (source carrier_poll). The request goes through the account like a
// poll's: never while the carrier has paused the account, counted against its limits, and a 429,
// outage or refused credentials pauses the account for the polls and the next "track now" too.
import { lockedForUpdate } from '../db/locks.js';
import { carrierFailure, connectedCarrier } from '../carriers/connections.js';
import type { Deps } from '../deps.js';
import type { BrandRow, ShipmentRow } from '../db/schema.js';
import { AppError, notFound } from '../lib/errors.js';
import { type CarrierPause, pauseAfterOutsideFailure, stopsTheAccount, takeTrackNow } from '../polling/account.js';
import type { Admission } from '../polling/limits.js';
import { ingestEvents } from './ingest.js';
import { findShipment } from './service.js';

export type RefreshOutcome =
  | { shipment: ShipmentRow; found: true; stored: number; duplicates: number }
  | { shipment: ShipmentRow; found: false; message: string };

export async function refreshShipment(deps: Deps, brand: BrandRow, shipmentId: string): Promise<RefreshOutcome> {
  const shipment = await findShipment(deps, brand.id, shipmentId);
  const { adapter, ctx } = await connectedCarrier(deps, brand.id, shipment.carrier);
  // "Track now" spends the account's rate and quota like a poll, and never breaks them.
  const admitted = await takeTrackNow(deps, brand.id, shipment.carrier);
  if (!admitted.ok) throw notAdmitted(adapter.name, shipment.carrier, admitted, deps.clock.now().getTime());
  const answer = await adapter.track(ctx, [shipment.tracking_number]);
  deps.metrics.carrierRequests.inc({ carrier: adapter.code, outcome: answer.ok ? 'ok' : answer.error.code });
  if (!answer.ok) {
    if (stopsTheAccount(answer.error)) await pauseAfterOutsideFailure(deps, brand.id, shipment.carrier, adapter.name, answer.error);
    throw carrierFailure(adapter.name, answer.error);
  }
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

/**
 * Why "track now" was not sent, as the API's 429 with Retry-After: the carrier's pause on the
 * account (`carrier_paused`, until the pause ends), or the account's rate limit or quota. Pure.
 */
export function notAdmitted(carrierName: string, carrier: string, refused: Exclude<Admission | CarrierPause, { ok: true }>, nowMs: number): AppError {
  const waitMs = refused.reason === 'rate' ? refused.waitMs : refused.untilMs - nowMs;
  const headers = { 'retry-after': String(Math.max(1, Math.ceil(waitMs / 1000))) };
  if (refused.reason === 'paused') {
    const until = new Date(refused.untilMs).toISOString();
    const why = refused.pauseReason ?? `${carrierName} asked Waybill to wait`;
    return new AppError('carrier_paused', `the ${carrierName} account is paused until ${until}, and Waybill does not call ${carrierName} before then: ${why}`, { carrier, pausedUntil: until }, headers);
  }
  const why = refused.reason === 'rate' ? `${carrierName}'s rate limit for this account is reached` : `the account's ${carrierName} daily quota is spent`;
  return new AppError('rate_limited', `${why}; try again later (GET /v1/carriers/polling shows the account's usage)`, undefined, headers);
}
