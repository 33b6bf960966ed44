// The SQL of the shipment hot paths, written out once per dialect instead of being built by Kysely
// at every request (see db/direct.ts for how it runs). Column lists follow db/schema.ts.
// PostgreSQL statements are named: each connection parses and plans them once.
import type { NamedStatement } from '../db/direct.js';

/** Events in timeline order: oldest first, events without a usable time last. */
const TIMELINE_ORDER = 'occurred_at IS NULL, occurred_at, id';

export const SQLITE = {
  shipmentById: 'SELECT * FROM shipments WHERE id = ? AND brand_id = ?',
  eventsOfShipment: `SELECT * FROM tracking_events WHERE shipment_id = ? ORDER BY ${TIMELINE_ORDER}`,
} as const;

export const POSTGRES = {
  /** The shipment and its timeline in one round trip. */
  shipmentWithEvents: {
    name: 'waybill_shipment_with_events',
    text: `SELECT s.*, COALESCE((SELECT json_agg(e ORDER BY e.occurred_at IS NULL, e.occurred_at, e.id) FROM tracking_events e WHERE e.shipment_id = s.id), '[]'::json) AS events
      FROM shipments s WHERE s.id = $1 AND s.brand_id = $2`,
  },
} as const satisfies Record<string, NamedStatement>;
