// Labels at rest: the purchase row (what was bought, from whom, in what state) and its documents
// (PDF, ZPL) stored as base64 beside it. `loadShipmentLabel` is how the rest of Waybill (the API,
// the returns portal) gets a printable label.
import type { Kysely, Transaction } from 'kysely';
import { LABEL_CONTENT_TYPES, type LabelDocument, type LabelFormat } from '../carriers/label-types.js';
import type { Database, LabelPurchaseRow } from '../db/schema.js';
import { hasPrefix } from '../lib/ids.js';
import { cursorId, type Page, page } from '../orders/queries.js';
import { reconcileKey } from './unresolved.js';

type Executor = Kysely<Database> | Transaction<Database>;

export type ShipmentLabel = { contentType: string; body: Uint8Array; filename: string };

export async function saveLabelDocuments(db: Executor, purchaseId: string, documents: readonly LabelDocument[], now: Date): Promise<void> {
  if (documents.length === 0) return;
  await db
    .insertInto('label_documents')
    .values(documents.map((d) => ({ purchase_id: purchaseId, format: d.format, content_type: d.contentType, body: Buffer.from(d.body).toString('base64'), created_at: now.toISOString() })))
    .onConflict((oc) => oc.columns(['purchase_id', 'format']).doNothing())
    .execute();
}

/** The shipment's label purchase (the bought or voided one), if it has one. */
export async function findShipmentPurchase(db: Executor, brandId: string, shipmentId: string): Promise<LabelPurchaseRow | undefined> {
  if (!hasPrefix(shipmentId, 'shipment')) return undefined;
  return db
    .selectFrom('label_purchases')
    .selectAll()
    .where('brand_id', '=', brandId)
    .where('shipment_id', '=', shipmentId)
    .where('state', 'in', ['bought', 'voided'])
    .executeTakeFirst();
}

export async function documentFormats(db: Executor, purchaseId: string): Promise<LabelFormat[]> {
  const rows = await db.selectFrom('label_documents').select('format').where('purchase_id', '=', purchaseId).orderBy('format').execute();
  return rows.map((r) => r.format as LabelFormat);
}

/** The format a download without one gets: the PDF when the label has one (it prints anywhere), else the one it was bought in. */
export const defaultLabelFormat = (formats: readonly LabelFormat[]): LabelFormat => (formats.includes('pdf') || formats.length === 0 ? 'pdf' : formats[0]!);

export async function readLabelDocument(db: Executor, purchase: Pick<LabelPurchaseRow, 'id' | 'tracking_number' | 'direction'>, format: LabelFormat): Promise<ShipmentLabel | null> {
  const row = await db.selectFrom('label_documents').selectAll().where('purchase_id', '=', purchase.id).where('format', '=', format).executeTakeFirst();
  if (!row) return null;
  const kind = purchase.direction === 'return' ? 'return-label' : 'label';
  return { contentType: row.content_type || LABEL_CONTENT_TYPES[format], body: new Uint8Array(Buffer.from(row.body, 'base64')), filename: `${kind}-${purchase.tracking_number}.${format}` };
}

/**
 * The printable label of a shipment in `format`, or null when the shipment is not the brand's, has
 * no label, its label was voided (it must not be printed), or it was not bought in that format.
 */
export async function loadShipmentLabel(deps: { db: Kysely<Database> }, brandId: string, shipmentId: string, format: LabelFormat): Promise<ShipmentLabel | null> {
  const purchase = await findShipmentPurchase(deps.db, brandId, shipmentId);
  if (!purchase || purchase.state !== 'bought') return null;
  return readLabelDocument(deps.db, purchase, format);
}

/** What a purchase not yet settled looks like to the brand, with the reconcile job's next check. */
export type UnsettledPurchase = { purchase: LabelPurchaseRow; nextCheckAt: string | null; checks: number };

/**
 * A page of the brand's purchases still open (`requesting`, or `unknown`: the carrier may have
 * charged and Waybill keeps asking), each with when the reconcile job asks next. Oldest first,
 * unlike other lists: the longest unsettled matter most. Paged by id (a ULID: creation order), so a
 * purchase settled between two pages moves nothing else.
 */
export async function unsettledPurchases(db: Executor, brandId: string, query: { limit: number; cursor?: string }): Promise<Page<UnsettledPurchase>> {
  const after = cursorId(query.cursor, 'label');
  let q = db.selectFrom('label_purchases').selectAll().where('brand_id', '=', brandId).where('state', 'in', ['requesting', 'unknown']);
  if (after) q = q.where('id', '>', after);
  const { rows: purchases, nextCursor } = page(await q.orderBy('id').limit(query.limit + 1).execute(), query.limit);
  if (purchases.length === 0) return { rows: [], nextCursor };
  const jobs = await db
    .selectFrom('jobs')
    .select(['idempotency_key', 'state', 'run_at', 'attempts'])
    .where('idempotency_key', 'in', purchases.map((p) => reconcileKey(p.id)))
    .execute();
  const byKey = new Map(jobs.map((job) => [job.idempotency_key, job]));
  const rows = purchases.map((purchase) => {
    const job = byKey.get(reconcileKey(purchase.id));
    return { purchase, nextCheckAt: job && job.state !== 'done' && job.state !== 'dead' ? job.run_at : null, checks: job?.attempts ?? 0 };
  });
  return { rows, nextCursor };
}
