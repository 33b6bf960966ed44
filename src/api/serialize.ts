// Database rows to the API's JSON shapes (camelCase fields, snake_case enum values).
import type { OrderRow, ShipmentRow, TrackingEventRow } from '../db/schema.js';
import { orderCurrency } from '../orders/currency.js';

export function shipmentJson(row: ShipmentRow, events?: TrackingEventRow[]) {
  return {
    id: row.id,
    orderId: row.order_id,
    carrier: row.carrier,
    service: row.service,
    trackingNumber: row.tracking_number,
    direction: row.direction as 'outbound' | 'return',
    status: row.status,
    reason: row.reason,
    delayed: row.delayed === 1,
    correction: row.correction === 1,
    estimatedDelivery: row.estimated_from && row.estimated_to ? { from: row.estimated_from, to: row.estimated_to } : null,
    lastEventAt: row.last_event_at,
    statusChangedAt: row.status_changed_at,
    createdAt: row.created_at,
    ...(events ? { events: events.map(eventJson) } : {}),
  };
}

/** The answer to POST /v1/shipments/{id}/events. */
export const postedEventsJson = (result: { shipment: ShipmentRow; outcome: { stored: number; duplicates: number } }) => ({
  shipment: shipmentJson(result.shipment),
  stored: result.outcome.stored,
  duplicates: result.outcome.duplicates,
});

export function eventJson(row: TrackingEventRow) {
  return {
    id: row.id,
    status: row.status,
    reason: row.reason,
    delayed: row.delayed === 1,
    occurredAt: row.occurred_at_raw ?? row.occurred_at,
    location: row.location ? JSON.parse(row.location) : null,
    carrierCode: row.carrier_code,
    carrierText: row.carrier_text,
    source: row.source,
    recordedAt: row.recorded_at,
  };
}

export function orderJson(row: OrderRow, shipments: ShipmentRow[], trackingPageUrl: string) {
  return {
    id: row.id,
    number: row.number,
    customer: {
      email: row.customer_email,
      ...(row.customer_phone ? { phone: row.customer_phone } : {}),
      ...(row.customer_name ? { name: row.customer_name } : {}),
      ...(row.customer_locale ? { locale: row.customer_locale } : {}),
      ...(row.customer_sms_consent ? { smsConsent: true } : {}),
    },
    destination: JSON.parse(row.destination),
    items: JSON.parse(row.items),
    placedAt: row.placed_at,
    shipBy: row.ship_by,
    currency: orderCurrency(row),
    shipments: shipments.map((s) => shipmentJson(s)),
    trackingPageUrl,
    createdAt: row.created_at,
  };
}

/** Cursors are opaque to clients: the last id seen, base64url-encoded. */
export const encodeCursor = (id: string) => Buffer.from(id, 'utf8').toString('base64url');
export function decodeCursor(cursor: string): string | null {
  const id = Buffer.from(cursor, 'base64url').toString('utf8');
  return /^[a-z]{3}_[0-9a-z]{26}$/.test(id) ? id : null;
}
