// What one tracking page needs, in two indexed queries: the order with its brand, its personal
// updates and its returns (one row, the lists aggregated as JSON), then its shipments with their
// events (one join). This is the hub's hot path: the SQL is written out once per dialect and runs
// on the connections' cached (SQLite) or named (PostgreSQL) statements, without query building.
import { sql } from 'kysely';
import { runNamed } from '../db/direct.js';
import type { Deps } from '../deps.js';
import type { Bool } from '../db/schema.js';

export type PageOrder = {
  id: string;
  brand_id: string;
  number: string;
  customer_email: string;
  customer_locale: string | null;
  destination: string;
  items: string;
  placed_at: string;
  estimated_from: string | null;
  estimated_to: string | null;
  created_at: string;
  brand_name: string;
  link_key_version: number;
  settings: string;
  updates: string | null; // JSON [[text, image_url, created_at], ...]
  returns: string | null; // JSON [[id, rma, state, items, reason, shipment_id, rejection_reason, refund_amount, refund_currency, created_at], ...]
};

export type PageUpdate = { text: string; imageUrl: string | null; createdAt: string };
export type PageReturn = {
  id: string;
  rma: string;
  state: string;
  items: Array<{ sku: string; name: string; quantity: number }>;
  reason: string;
  shipmentId: string | null;
  rejectionReason: string | null;
  refundAmount: number | null;
  refundCurrency: string | null;
  createdAt: string;
};

/** One row of shipments ⋈ events, as an array in the order of SHIPMENT_FIELDS (no object per row: a busy page has dozens). */
export type PageShipmentRow = [
  id: string,
  carrier: string,
  tracking_number: string,
  direction: string,
  status: string,
  reason: string | null,
  delayed: Bool | boolean,
  estimated_from: string | null,
  estimated_to: string | null,
  status_changed_at: string | null,
  e_status: string | null,
  carrier_text: string | null,
  location: string | null,
  occurred_at: string | null,
];

const SHIPMENT_FIELDS = [
  's.id',
  's.carrier',
  's.tracking_number',
  's.direction',
  's.status',
  's.reason',
  's.delayed',
  's.estimated_from',
  's.estimated_to',
  's.status_changed_at',
  'e.status AS e_status',
  'e.carrier_text',
  'e.location',
  'e.occurred_at',
];
const SHIPMENT_COLUMNS = SHIPMENT_FIELDS.join(', ');
/** Each field's name in a row object: its alias, else its column. */
const SHIPMENT_NAMES = SHIPMENT_FIELDS.map((field) => field.split(/ AS |\./).pop()!);

/** A scan as the page shows it: the time is shown on the destination's clock, so its UTC instant is enough. */
export type PageEvent = { status: string; carrierText: string | null; location: string | null; occurredAt: string | null };
export type PageShipment = {
  id: string;
  carrier: string;
  tracking_number: string;
  direction: string;
  status: string;
  reason: string | null;
  delayed: Bool;
  estimated_from: string | null;
  estimated_to: string | null;
  status_changed_at: string | null;
  events: PageEvent[];
};

const ORDER_COLUMNS =
  'o.id, o.brand_id, o.number, o.customer_email, o.customer_locale, o.destination, o.items, o.placed_at, o.estimated_from, o.estimated_to, o.created_at, b.name AS brand_name, b.link_key_version, b.settings';

/** The page's SQL, written out once per dialect (src/db/direct.ts runs it on cached or named statements). */
export const PAGE_SQL = {
  sqlite: {
    order: `SELECT ${ORDER_COLUMNS},
      (SELECT json_group_array(json_array(u.text, u.image_url, u.created_at)) FROM (SELECT * FROM personal_updates WHERE order_id = o.id ORDER BY created_at DESC) u) AS updates,
      (SELECT json_group_array(json_array(r.id, r.rma, r.state, r.items, r.reason, r.shipment_id, r.rejection_reason, r.refund_amount, r.refund_currency, r.created_at)) FROM (SELECT * FROM returns WHERE order_id = o.id ORDER BY id) r) AS returns
      FROM orders o JOIN brands b ON b.id = o.brand_id WHERE o.id = ?`,
    shipments: `SELECT ${SHIPMENT_COLUMNS}
      FROM shipments s LEFT JOIN tracking_events e ON e.shipment_id = s.id WHERE s.order_id = ? ORDER BY s.id, e.occurred_at IS NULL, e.occurred_at, e.id`,
  },
  postgres: {
    order: {
      name: 'waybill_hub_page_order',
      text: `SELECT ${ORDER_COLUMNS},
        (SELECT json_agg(json_build_array(u.text, u.image_url, u.created_at) ORDER BY u.created_at DESC)::text FROM personal_updates u WHERE u.order_id = o.id) AS updates,
        (SELECT json_agg(json_build_array(r.id, r.rma, r.state, r.items, r.reason, r.shipment_id, r.rejection_reason, r.refund_amount, r.refund_currency, r.created_at) ORDER BY r.id)::text FROM returns r WHERE r.order_id = o.id) AS returns
        FROM orders o JOIN brands b ON b.id = o.brand_id WHERE o.id = $1`,
    },
    shipments: {
      name: 'waybill_hub_page_shipments',
      text: `SELECT ${SHIPMENT_COLUMNS}
        FROM shipments s LEFT JOIN tracking_events e ON e.shipment_id = s.id WHERE s.order_id = $1 ORDER BY s.id, e.occurred_at IS NULL, e.occurred_at, e.id`,
    },
  },
} as const;

export async function loadPageOrder(deps: Deps, orderId: string): Promise<PageOrder | undefined> {
  const direct = deps.direct;
  if (direct.dialect === 'sqlite') return direct.exclusive(() => direct.statements.prepare(PAGE_SQL.sqlite.order).get(orderId) as PageOrder | undefined);
  const { rows } = await runNamed<PageOrder>(direct.pool, PAGE_SQL.postgres.order, [orderId]);
  return rows[0];
}

export function updatesOf(order: PageOrder): PageUpdate[] {
  if (!order.updates) return [];
  return (JSON.parse(order.updates) as Array<[string, string | null, string]>).map(([text, imageUrl, createdAt]) => ({ text, imageUrl, createdAt }));
}

export function returnsOf(order: PageOrder): PageReturn[] {
  if (!order.returns) return [];
  type Tuple = [string, string, string, string, string, string | null, string | null, number | null, string | null, string];
  return (JSON.parse(order.returns) as Tuple[]).map(([id, rma, state, items, reason, shipmentId, rejectionReason, refundAmount, refundCurrency, createdAt]) => ({
    id,
    rma,
    state,
    items: JSON.parse(items) as PageReturn['items'],
    reason,
    shipmentId,
    rejectionReason,
    refundAmount,
    refundCurrency,
    createdAt,
  }));
}

/** An order's shipments (oldest first), each with its events (oldest first; events without a time last). */
export async function loadPageShipments(deps: Deps, orderId: string): Promise<PageShipment[]> {
  const direct = deps.direct;
  if (direct.dialect === 'sqlite') return groupShipments(await direct.exclusive(() => direct.statements.prepare(PAGE_SQL.sqlite.shipments).raw(true).all(orderId) as PageShipmentRow[]));
  const { rows } = await direct.pool.query<PageShipmentRow>({ ...PAGE_SQL.postgres.shipments, values: [orderId], rowMode: 'array' });
  return groupShipments(rows);
}

/**
 * The parcels with this tracking number among the brand's (any carrier it could be), each with its
 * order's destination (JSON): not to be shown, only for the clock its times are written on.
 */
export async function loadShipmentsByNumber(deps: Deps, where: { brandId: string; trackingNumber: string; carriers: readonly string[] }): Promise<Array<PageShipment & { destination: string }>> {
  const { rows } = await sql<Record<string, unknown>>`SELECT ${sql.raw(SHIPMENT_COLUMNS)}, o.destination AS order_destination
    FROM shipments s JOIN orders o ON o.id = s.order_id LEFT JOIN tracking_events e ON e.shipment_id = s.id
    WHERE s.carrier IN (${sql.join(where.carriers.map((c) => sql`${c}`))}) AND s.tracking_number = ${where.trackingNumber} AND s.brand_id = ${where.brandId}
    ORDER BY s.id, CASE WHEN e.occurred_at IS NULL THEN 1 ELSE 0 END, e.occurred_at, e.id`.execute(deps.db);
  const destinations = new Map(rows.map((row) => [row.id as string, row.order_destination as string]));
  return groupShipments(rows.map((row) => SHIPMENT_NAMES.map((name) => row[name]) as PageShipmentRow)).map((s) => ({ ...s, destination: destinations.get(s.id)! }));
}

function groupShipments(rows: PageShipmentRow[]): PageShipment[] {
  const shipments: PageShipment[] = [];
  let current: PageShipment | undefined;
  for (const row of rows) {
    if (!current || current.id !== row[0]) {
      current = {
        id: row[0],
        carrier: row[1],
        tracking_number: row[2],
        direction: row[3],
        status: row[4],
        reason: row[5],
        delayed: Number(row[6]) as Bool,
        estimated_from: row[7],
        estimated_to: row[8],
        status_changed_at: row[9],
        events: [],
      };
      shipments.push(current);
    }
    if (row[10] !== null) current.events.push({ status: row[10], carrierText: row[11], location: row[12], occurredAt: row[13] });
  }
  return shipments;
}
