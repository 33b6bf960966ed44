// Tracking events for the ingestion benchmarks. Every event is distinct (its own eventId and a
// later occurredAt), so every one is stored, never counted as a duplicate. Most are in_transit
// scans that move the head but not the status; about one in ten is out_for_delivery, so roughly
// one event in five changes its shipment's status and enqueues the outbox job, as real scans do.
import { CARRIER, shipmentId, trackingNumber } from './seed.js';

const RUN = Date.now().toString(36); // keeps eventIds distinct across runs on the same database
const START = Date.now() - 2 * 86_400_000; // after the seeded events, before "now"
const LOCATION = { city: 'Memphis', region: 'TN', country: 'US' };

let counter = 0;

/** The next distinct event (without carrier and tracking number). */
export function nextEvent() {
  const k = counter++;
  const outForDelivery = Math.random() < 0.1;
  return {
    status: outForDelivery ? 'out_for_delivery' : 'in_transit',
    occurredAt: new Date(START + k * 10).toISOString(),
    location: LOCATION,
    carrierCode: outForDelivery ? 'OD' : 'IT',
    carrierText: outForDelivery ? 'Out for delivery' : 'Arrived at facility',
    eventId: `bench-${RUN}-${k}`,
  };
}

/**
 * POST /v1/shipments/{id}/events with one event, round-robin over `pool` seeded shipments.
 * Returns an autocannon request description (see load.js).
 */
export function singleEventRequest(apiKey, pool) {
  let next = 0;
  return {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    next: () => {
      const index = next++ % pool;
      return { path: `/v1/shipments/${shipmentId(index)}/events`, body: JSON.stringify({ events: [nextEvent()] }) };
    },
  };
}

/**
 * A batch body: `size` events for consecutive shipments of the pool, `perShipment` events each,
 * keyed by carrier and tracking number. Consecutive batches use the next shipments, so concurrent
 * requests touch different rows.
 */
export function batchBodies(pool, size, perShipment) {
  let nextShipment = 0;
  return () => {
    const events = [];
    for (let n = 0; n < size; n++) {
      if (n % perShipment === 0) nextShipment = (nextShipment + 1) % pool;
      events.push({ carrier: CARRIER, trackingNumber: trackingNumber(nextShipment), ...nextEvent() });
    }
    return { events };
  };
}

/** POST /v1/events/batch, each request a new batch from `bodies` (see batchBodies). */
export function batchRequest(apiKey, bodies) {
  return {
    method: 'POST',
    headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
    next: () => ({ path: '/v1/events/batch', body: JSON.stringify(bodies()) }),
  };
}
