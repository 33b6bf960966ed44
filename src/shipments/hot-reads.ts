// GET /v1/shipments/{id}: the shipment, its timeline and its label purchase, without Kysely's query
// building. SQLite runs three cached statements synchronously under the connection lock;
// PostgreSQL one named statement (the timeline aggregated as JSON, the purchase as a JSON row), so
// one round trip.
import type { DirectDb } from '../db/direct.js';
import { runNamed } from '../db/direct.js';
import type { LabelPurchaseRow, ShipmentRow, TrackingEventRow } from '../db/schema.js';
import { POSTGRES, SQLITE } from './statements.js';

/** labelPurchase: the label bought through Waybill (bought or voided), null when none. */
export type ShipmentWithEvents = { shipment: ShipmentRow; events: TrackingEventRow[]; labelPurchase: LabelPurchaseRow | null };

export async function readShipmentWithEvents(direct: DirectDb, brandId: string, shipmentId: string): Promise<ShipmentWithEvents | undefined> {
  if (direct.dialect === 'sqlite') {
    const { statements } = direct;
    return direct.exclusive(() => {
      const shipment = statements.prepare(SQLITE.shipmentById).get(shipmentId, brandId) as ShipmentRow | undefined;
      if (!shipment) return undefined;
      const events = statements.prepare(SQLITE.eventsOfShipment).all(shipmentId) as TrackingEventRow[];
      const labelPurchase = (statements.prepare(SQLITE.labelPurchaseOfShipment).get(brandId, shipmentId, 'bought', 'voided') as LabelPurchaseRow | undefined) ?? null;
      return { shipment, events, labelPurchase };
    });
  }
  const { rows } = await runNamed<ShipmentRow & { events: TrackingEventRow[]; label_purchase: LabelPurchaseRow | null }>(direct.pool, POSTGRES.shipmentWithEvents, [shipmentId, brandId]);
  const row = rows[0];
  if (!row) return undefined;
  const { events, label_purchase: labelPurchase, ...shipment } = row;
  return { shipment, events, labelPurchase };
}
