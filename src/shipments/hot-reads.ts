// GET /v1/shipments/{id}: the shipment and its timeline, without Kysely's query building. SQLite
// runs two cached statements synchronously under the connection lock; PostgreSQL one named
// statement (the timeline aggregated as JSON), so one round trip.
import type { DirectDb } from '../db/direct.js';
import { runNamed } from '../db/direct.js';
import type { ShipmentRow, TrackingEventRow } from '../db/schema.js';
import { POSTGRES, SQLITE } from './statements.js';

export type ShipmentWithEvents = { shipment: ShipmentRow; events: TrackingEventRow[] };

export async function readShipmentWithEvents(direct: DirectDb, brandId: string, shipmentId: string): Promise<ShipmentWithEvents | undefined> {
  if (direct.dialect === 'sqlite') {
    const { statements } = direct;
    return direct.exclusive(() => {
      const shipment = statements.prepare(SQLITE.shipmentById).get(shipmentId, brandId) as ShipmentRow | undefined;
      return shipment && { shipment, events: statements.prepare(SQLITE.eventsOfShipment).all(shipmentId) as TrackingEventRow[] };
    });
  }
  const { rows } = await runNamed<ShipmentRow & { events: TrackingEventRow[] }>(direct.pool, POSTGRES.shipmentWithEvents, [shipmentId, brandId]);
  const row = rows[0];
  if (!row) return undefined;
  const { events, ...shipment } = row;
  return { shipment, events };
}
