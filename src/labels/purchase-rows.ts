// A label purchase as it is first written: everything known before the carrier answers.
import type { CarrierChoice } from './choice.js';
import type { BrandRow, LabelPurchaseRow, OrderRow } from '../db/schema.js';
import type { ValidLabel } from './validate.js';

export function purchaseRow(input: {
  id: string;
  brand: BrandRow;
  order: OrderRow;
  shipmentId: string;
  choice: CarrierChoice;
  label: ValidLabel;
  direction: 'outbound' | 'return';
  fingerprint: string;
  now: Date;
}): LabelPurchaseRow {
  const at = input.now.toISOString();
  return {
    id: input.id,
    brand_id: input.brand.id,
    order_id: input.order.id,
    shipment_id: input.shipmentId,
    carrier: input.choice.carrier,
    service: input.label.service,
    direction: input.direction,
    format: input.label.format,
    state: 'requesting',
    fingerprint: input.fingerprint,
    open_fingerprint: input.fingerprint,
    request: JSON.stringify(input.label),
    choice: JSON.stringify(input.choice),
    tracking_number: null,
    carrier_reference: null,
    charge: null,
    calls: 0,
    error: null,
    unresolved: null,
    created_at: at,
    updated_at: at,
    bought_at: null,
    voided_at: null,
  };
}
