// A new shipment as it is stored before any event: pending, with an empty fold.
import type { ShipmentRow } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { EMPTY_FOLD } from './status.js';
import type { ShipmentDirection } from './vocabulary.js';

export function pendingShipmentRow(input: {
  brandId: string;
  orderId: string;
  carrier: string;
  trackingNumber: string;
  service?: string | null;
  direction?: ShipmentDirection;
  now: Date;
}): ShipmentRow {
  const at = input.now.toISOString();
  return {
    id: newId('shipment'),
    brand_id: input.brandId,
    order_id: input.orderId,
    carrier: input.carrier,
    service: input.service ?? null,
    tracking_number: input.trackingNumber,
    direction: input.direction ?? 'outbound',
    status: 'pending',
    reason: null,
    delayed: 0,
    correction: 0,
    fold_state: JSON.stringify(EMPTY_FOLD),
    estimated_from: null,
    estimated_to: null,
    status_changed_at: null,
    last_event_at: null,
    event_count: 0,
    created_at: at,
    updated_at: at,
  };
}
