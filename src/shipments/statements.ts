// The SQL of the shipment hot paths (reads, event ingestion), written out once per dialect instead
// of being built by Kysely at every request; db/direct.ts says how it runs. Column lists follow
// db/schema.ts. PostgreSQL statements are named (each connection parses and plans them once) and
// take one array per column (`unnest`), so one statement text serves 1 row or 1,000.
import type { NamedStatement } from '../db/direct.js';

/** tracking_events columns, in the order the insert statements take them. */
export const EVENT_COLUMNS = [
  'id',
  'shipment_id',
  'brand_id',
  'dedupe_key',
  'source',
  'status',
  'reason',
  'delayed',
  'carrier_code',
  'carrier_text',
  'location',
  'occurred_at',
  'occurred_at_raw',
  'recorded_at',
  'status_carried',
] as const;

/** The shipment columns a fold changes, in the order the save statements take them (after the id). */
export const FOLDED_COLUMNS = ['status', 'reason', 'delayed', 'correction', 'fold_state', 'estimated_from', 'estimated_to', 'status_changed_at', 'last_event_at', 'event_count', 'updated_at'] as const;

/** FOLDED_COLUMNS but the indexed `status`. */
export const FOLDED_BESIDES_STATUS = FOLDED_COLUMNS.filter((c) => c !== 'status');

/** What a fold reads of a shipment (ingest.ts FoldableShipment). */
export const FOLDABLE_COLUMNS = ['id', 'brand_id', 'order_id', ...FOLDED_COLUMNS] as const;

/** jobs columns, in the order the insert statements take them. */
export const JOB_COLUMNS = ['id', 'kind', 'payload', 'state', 'run_at', 'attempts', 'max_attempts', 'locked_by', 'locked_until', 'last_error', 'idempotency_key', 'created_at', 'updated_at'] as const;

const INTEGER_COLUMNS = new Set(['delayed', 'status_carried', 'correction', 'event_count', 'attempts', 'max_attempts']);
const placeholders = (count: number) => Array(count).fill('?').join(', ');
/** `unnest($n::text[], …) AS alias(col, …)`: one array parameter per column. */
const unnestOf = (columns: readonly string[], from: number, alias: string) =>
  `unnest(${columns.map((c, i) => `$${from + i}::${INTEGER_COLUMNS.has(c) ? 'int' : 'text'}[]`).join(', ')}) AS ${alias}(${columns.join(', ')})`;

export const SQLITE = {
  shipmentById: 'SELECT * FROM shipments WHERE id = ? AND brand_id = ?',
  /** Only what the fold needs: a batch reads 1,000 of these. */
  foldableByNumber: `SELECT ${FOLDABLE_COLUMNS.join(', ')} FROM shipments WHERE brand_id = ? AND carrier = ? AND tracking_number = ?`,
  /** The shipment's label, as labels/store.ts findShipmentPurchase reads it (the GET answer shows it): brand, shipment, 'bought', 'voided'. */
  labelPurchaseOfShipment: 'SELECT * FROM label_purchases WHERE brand_id = ? AND shipment_id = ? AND state IN (?, ?)',
  /** Timeline order: oldest first, events without a usable time last. */
  eventsOfShipment: 'SELECT * FROM tracking_events WHERE shipment_id = ? ORDER BY occurred_at IS NULL, occurred_at, id',
  /** Changes 0 rows when the shipment already has an event with this dedupe key. */
  insertEvent: `INSERT INTO tracking_events (${EVENT_COLUMNS.join(', ')}) VALUES (${placeholders(EVENT_COLUMNS.length)})
    ON CONFLICT (shipment_id, dedupe_key) DO NOTHING`,
  /** The folded columns, then the id. */
  saveFolded: `UPDATE shipments SET ${FOLDED_COLUMNS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`,
  /**
   * The same without `status`, for a fold that kept it (most scans): SQLite rewrites the entries
   * of every index holding a column the UPDATE sets, changed or not, and (brand_id, status) is one.
   */
  saveFoldedKeepingStatus: `UPDATE shipments SET ${FOLDED_BESIDES_STATUS.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`,
  insertJob: `INSERT INTO jobs (${JOB_COLUMNS.join(', ')}) VALUES (${placeholders(JOB_COLUMNS.length)}) ON CONFLICT (idempotency_key) DO NOTHING`,
} as const;

/** The event columns taken as arrays when the shipment comes from the statement itself. */
export const EVENT_VALUE_COLUMNS = EVENT_COLUMNS.filter((c) => c !== 'shipment_id' && c !== 'brand_id');

export const POSTGRES = {
  /** The shipment, its timeline (json_agg, in timeline order) and its label purchase, in one round trip. */
  shipmentWithEvents: {
    name: 'waybill_shipment_with_events_label',
    text: `SELECT s.*, COALESCE((SELECT json_agg(e ORDER BY e.occurred_at IS NULL, e.occurred_at, e.id) FROM tracking_events e WHERE e.shipment_id = s.id), '[]'::json) AS events,
        (SELECT row_to_json(p) FROM label_purchases p WHERE p.brand_id = s.brand_id AND p.shipment_id = s.id AND p.state IN ('bought', 'voided') LIMIT 1) AS label_purchase
      FROM shipments s WHERE s.id = $1 AND s.brand_id = $2`,
  },
  /**
   * One shipment locked for its fold (FOR UPDATE: a concurrent fold of it waits, then sees this
   * one's result) and its new events stored, in one round trip: the row, plus the ids of the
   * events that were not already known. No row: no such shipment for this brand.
   */
  lockShipmentAndInsertEvents: {
    name: 'waybill_lock_shipment_insert_events',
    text: `WITH s AS (SELECT * FROM shipments WHERE id = $1 AND brand_id = $2 FOR UPDATE),
      ins AS (
        INSERT INTO tracking_events (${EVENT_COLUMNS.join(', ')})
        SELECT ${EVENT_COLUMNS.map((c) => (c === 'shipment_id' ? 's.id' : c === 'brand_id' ? 's.brand_id' : `e.${c}`)).join(', ')}
        FROM s, ${unnestOf(EVENT_VALUE_COLUMNS, 3, 'e')}
        ON CONFLICT (shipment_id, dedupe_key) DO NOTHING
        RETURNING id)
      SELECT s.*, ARRAY(SELECT id FROM ins) AS inserted_ids FROM s`,
  },
  /** A batch's shipments by carrier and tracking number, locked in id order (as every fold locks them). */
  lockShipmentsByNumber: {
    name: 'waybill_lock_shipments_by_number',
    text: `SELECT * FROM shipments WHERE brand_id = $1 AND (carrier, tracking_number) IN (SELECT * FROM unnest($2::text[], $3::text[])) ORDER BY id FOR UPDATE`,
  },
  /** Stores events; answers the ids of those that were not already known. */
  insertEvents: {
    name: 'waybill_insert_events',
    text: `INSERT INTO tracking_events (${EVENT_COLUMNS.join(', ')}) SELECT * FROM ${unnestOf(EVENT_COLUMNS, 1, 'e')}
      ON CONFLICT (shipment_id, dedupe_key) DO NOTHING RETURNING id`,
  },
  /** Saves folded shipments and enqueues their status-change jobs (the outbox) in one statement. */
  saveFoldedAndEnqueue: {
    name: 'waybill_save_folded_enqueue',
    text: `WITH saved AS (
        UPDATE shipments s SET ${FOLDED_COLUMNS.map((c) => `${c} = f.${c}`).join(', ')}
        FROM ${unnestOf(['id', ...FOLDED_COLUMNS], 1, 'f')} WHERE s.id = f.id)
      INSERT INTO jobs (${JOB_COLUMNS.join(', ')}) SELECT * FROM ${unnestOf(JOB_COLUMNS, FOLDED_COLUMNS.length + 2, 'j')}
      ON CONFLICT (idempotency_key) DO NOTHING`,
  },
} as const satisfies Record<string, NamedStatement>;
