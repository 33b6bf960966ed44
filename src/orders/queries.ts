// Read-side queries for lists: cursor pagination over prefixed ULIDs (newest first), and its helpers for other lists.
import { decodeCursor, encodeCursor } from '../api/serialize.js';
import { KNOWN_CARRIERS, knownCarrier } from '../carriers/registry.js';
import { normalizeTrackingInput } from '../carriers/tracking-numbers/index.js';
import type { Deps } from '../deps.js';
import type { OrderRow, ShipmentRow } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import { hasPrefix, type IdKind } from '../lib/ids.js';

export type Page<T> = { rows: T[]; nextCursor: string | null };

/**
 * The last id of the previous page, or null for the first. A cursor this API did not give out is a
 * 422, and so is another list's (an orders cursor given to the shipments list would otherwise
 * answer a wrong page without a word).
 */
export function cursorId(cursor: string | undefined, kind: IdKind): string | null {
  if (cursor === undefined) return null;
  const id = decodeCursor(cursor);
  if (!id) throw new AppError('validation_failed', 'cursor is not one this API gave out', [{ field: 'cursor', problem: 'unknown cursor' }]);
  if (!hasPrefix(id, kind)) throw new AppError('validation_failed', 'cursor is the nextCursor of another list; give this list’s own', [{ field: 'cursor', problem: 'from another list' }]);
  return id;
}

/** A page of `limit` rows out of the `limit + 1` read (one more says there is a next page). */
export function page<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows;
  return { rows: kept, nextCursor: more ? encodeCursor(kept[kept.length - 1]!.id) : null };
}

export async function listOrders(
  deps: Deps,
  brandId: string,
  query: { status?: string; number?: string; placedAfter?: string; placedBefore?: string; limit: number; cursor?: string },
): Promise<Page<OrderRow>> {
  const after = cursorId(query.cursor, 'order');
  let q = deps.db.selectFrom('orders').selectAll().where('brand_id', '=', brandId);
  if (after) q = q.where('id', '<', after);
  if (query.number !== undefined) q = q.where('number', '=', query.number); // the unique (brand_id, number) index
  if (query.placedAfter) q = q.where('placed_at', '>=', new Date(query.placedAfter).toISOString());
  if (query.placedBefore) q = q.where('placed_at', '<', new Date(query.placedBefore).toISOString());
  if (query.status) {
    const status = query.status;
    q = q.where((eb) =>
      eb.exists(eb.selectFrom('shipments').select('shipments.id').whereRef('shipments.order_id', '=', 'orders.id').where('shipments.status', '=', status)),
    );
  }
  return page(await q.orderBy('id', 'desc').limit(query.limit + 1).execute(), query.limit);
}

export async function listShipments(
  deps: Deps,
  brandId: string,
  query: { status?: string; carrier?: string; trackingNumber?: string; limit: number; cursor?: string },
): Promise<Page<ShipmentRow>> {
  const after = cursorId(query.cursor, 'shipment');
  const carrier = query.carrier === undefined ? undefined : knownCarrier(query.carrier);
  let q = deps.db.selectFrom('shipments').selectAll().where('brand_id', '=', brandId);
  if (after) q = q.where('id', '<', after);
  if (query.status) q = q.where('status', '=', query.status);
  if (carrier) q = q.where('carrier', '=', carrier);
  if (query.trackingNumber !== undefined) {
    // The unique (brand_id, carrier, tracking_number) index finds it; without a carrier, one probe per known carrier.
    if (!carrier) q = q.where('carrier', 'in', KNOWN_CARRIERS);
    q = q.where('tracking_number', '=', normalizeTrackingInput(query.trackingNumber));
  }
  return page(await q.orderBy('id', 'desc').limit(query.limit + 1).execute(), query.limit);
}

export async function shipmentsOfOrders(deps: Deps, orderIds: string[]): Promise<ShipmentRow[]> {
  if (orderIds.length === 0) return [];
  return deps.db.selectFrom('shipments').selectAll().where('order_id', 'in', orderIds).orderBy('id').execute();
}
