// Loading checked CSV rows into the database, a chunk of rows per transaction. Per chunk: one query
// for the orders, one for the shipments (locked for the fold), one bulk insert of the new shipments,
// and one call of the ingest path for the statuses. Everything is idempotent: a status is a CSV event
// whose dedupe key is the status itself, so the same file loaded twice changes nothing. A status that
// would contradict what a dated source said is skipped and reported (undated-status.ts).
import { lockedForUpdate } from '../db/locks.js';
import type { Transaction } from 'kysely';
import type { TrackingEventInput } from '../carriers/types.js';
import type { Database, ShipmentRow } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { pendingShipmentRow } from '../shipments/rows.js';
import { ok, type Result } from '../lib/result.js';
import { foldStateOf, ingestEvents, type ShipmentBatchItem } from '../shipments/ingest.js';
import type { EventSource, ShipmentStatus } from '../shipments/vocabulary.js';
import { type CsvFileProblem, parseImportCsv } from './parse-csv.js';
import { decideCsvStatus, type HeldStatus } from './undated-status.js';
import { type CheckedRow, checkRows, type RowCheck, type RowError } from './validate-row.js';

/** Where a parcel that fails alone is logged with its cause (its row's reason says only that it failed). */
export type ImportLog = { error: (fields: { err: unknown; line: number; trackingNumber: string }, message: string) => void };
export type ImportDeps = Pick<Deps, 'db' | 'dialect' | 'clock'> & { log: ImportLog };

export type ImportCounts = { rows: number; created: number; updated: number; unchanged: number; skipped: number; failed: number };
/** `skippedRows`: rows whose status was not applied over what a dated source said, each with the reason. */
export type ImportReport = ImportCounts & { errors: RowError[]; skippedRows: RowError[] };

/** Rows per transaction: big enough to batch well, small enough to hold locks briefly. */
export const CHUNK_ROWS = 500;

export const emptyCounts = (rows: number): ImportCounts => ({ rows, created: 0, updated: 0, unchanged: 0, skipped: 0, failed: 0 });

/** Parses and checks a whole file; only the file itself can be refused here, rows fail one by one. */
export function prepareImport(csv: string): Result<RowCheck[], CsvFileProblem> {
  const parsed = parseImportCsv(csv);
  return parsed.ok ? ok(checkRows(parsed.value.rows)) : parsed;
}

export type ChunkScope = {
  brandId: string;
  dialect: ImportDeps['dialect'];
  /** When the import began: the time of the status events it stores (only the first time they are seen). */
  importedAt: string;
  now: Date;
};

export type ChunkResult = { created: number; updated: number; unchanged: number; errors: RowError[]; skipped: RowError[] };

type RowOutcome = 'created' | 'updated' | 'unchanged' | 'skipped';

const parcelKey = (carrier: string, trackingNumber: string) => `${carrier}|${trackingNumber}`;

/**
 * Applies one chunk of rows, in file order, inside `trx`: a row whose parcel is new creates the
 * shipment; a row whose parcel exists on the same order reuses it; a status becomes an event.
 */
export async function applyChunk(trx: Transaction<Database>, scope: ChunkScope, checks: readonly RowCheck[]): Promise<ChunkResult> {
  const errors: RowError[] = [];
  const rows: CheckedRow[] = [];
  for (const check of checks) {
    if (check.ok) rows.push(check.value);
    else errors.push(check.error);
  }
  if (rows.length === 0) return { created: 0, updated: 0, unchanged: 0, errors, skipped: [] };

  const orderIds = await orderIdsByNumber(trx, scope.brandId, rows);
  const shipments = await shipmentsForFold(trx, scope, rows);

  const outcomes = new Map<number, RowOutcome>();
  const created: ShipmentRow[] = [];
  const statusOf = new Map<string, { shipment: ShipmentRow; row: CheckedRow }>(); // by shipment id: the first row naming a status
  const otherOrders: Array<{ row: CheckedRow; shipment: ShipmentRow }> = [];
  for (const row of rows) {
    const orderId = orderIds.get(row.orderNumber);
    if (!orderId) {
      errors.push({ line: row.line, reason: `unknown order number ${row.orderNumber}`, value: row.orderNumber });
      continue;
    }
    const key = parcelKey(row.carrier, row.trackingNumber);
    let shipment = shipments.get(key);
    if (shipment && shipment.order_id !== orderId) {
      otherOrders.push({ row, shipment });
      continue;
    }
    if (shipment) {
      outcomes.set(row.line, 'unchanged');
    } else {
      shipment = newShipment(scope, orderId, row);
      shipments.set(key, shipment);
      created.push(shipment);
      outcomes.set(row.line, 'created');
    }
    if (row.status && !statusOf.has(shipment.id)) statusOf.set(shipment.id, { shipment, row });
  }
  errors.push(...(await otherOrderErrors(trx, otherOrders)));
  await insertShipments(trx, created);

  const held = await heldStatuses(trx, [...statusOf.values()].map((s) => s.shipment));
  const skipped: RowError[] = [];
  const items: ShipmentBatchItem[] = [];
  const inLockOrder = [...statusOf.values()].sort((a, b) => (a.shipment.id < b.shipment.id ? -1 : 1)); // the order every fold locks in
  for (const { shipment, row } of inLockOrder) {
    // A row without a date must not contradict what a dated source said (undated-status.ts).
    const verdict = decideCsvStatus(row.status!, held.get(shipment.id) ?? null);
    if (verdict.apply) {
      items.push({ shipment, source: 'csv', events: [csvStatusEvent(row.status!, scope.importedAt)] });
    } else if (verdict.skipped) {
      outcomes.set(row.line, 'skipped');
      skipped.push({ line: row.line, reason: verdict.skipped, value: row.status! });
    }
  }
  for (const outcome of await ingestEvents(trx, scope.now, items)) {
    const line = statusOf.get(outcome.shipmentId)!.row.line;
    if (outcome.stored > 0 && outcomes.get(line) === 'unchanged') outcomes.set(line, 'updated');
  }

  const count = (wanted: RowOutcome) => [...outcomes.values()].filter((o) => o === wanted).length;
  errors.sort((a, b) => a.line - b.line);
  skipped.sort((a, b) => a.line - b.line);
  return { created: count('created'), updated: count('updated'), unchanged: count('unchanged'), errors, skipped };
}

/** The event deciding each shipment's status now (from its fold state), with the source it came from. */
async function heldStatuses(trx: Transaction<Database>, shipments: readonly ShipmentRow[]): Promise<Map<string, HeldStatus>> {
  const heads = shipments.flatMap((shipment) => {
    const head = foldStateOf(shipment).head;
    return head ? [{ shipmentId: shipment.id, head }] : [];
  });
  const sources = new Map<string, string>();
  for (let i = 0; i < heads.length; i += 500) {
    const ids = heads.slice(i, i + 500).map((h) => h.head.eventId);
    for (const event of await trx.selectFrom('tracking_events').select(['id', 'source']).where('id', 'in', ids).execute()) sources.set(event.id, event.source);
  }
  return new Map(
    heads.flatMap(({ shipmentId, head }) => {
      const source = sources.get(head.eventId);
      return source ? [[shipmentId, { status: head.status, source: source as EventSource, occurredAt: head.occurredAt }] as const] : [];
    }),
  );
}

/**
 * A CSV status is the brand saying "this parcel is now X". Keyed by the status alone, it is stored
 * the first time a file says so, at that import's time, and never again: re-uploads, and later
 * files that repeat an old status, change nothing.
 */
export function csvStatusEvent(status: ShipmentStatus, importedAt: string): TrackingEventInput {
  return {
    status,
    occurredAt: importedAt,
    carrierCode: 'waybill:csv',
    carrierText: 'Status set by a CSV import',
    dedupeKey: `csv:status:${status}`,
  };
}

async function orderIdsByNumber(trx: Transaction<Database>, brandId: string, rows: readonly CheckedRow[]): Promise<Map<string, string>> {
  const numbers = [...new Set(rows.map((r) => r.orderNumber))];
  const orders = await trx.selectFrom('orders').select(['id', 'number']).where('brand_id', '=', brandId).where('number', 'in', numbers).execute();
  return new Map(orders.map((o) => [o.number, o.id]));
}

async function shipmentsForFold(trx: Transaction<Database>, scope: ChunkScope, rows: readonly CheckedRow[]): Promise<Map<string, ShipmentRow>> {
  const numbers = [...new Set(rows.map((r) => r.trackingNumber))];
  const carriers = [...new Set(rows.map((r) => r.carrier))];
  const query = trx
    .selectFrom('shipments')
    .selectAll()
    .where('brand_id', '=', scope.brandId)
    .where('carrier', 'in', carriers)
    .where('tracking_number', 'in', numbers)
    .orderBy('id');
  const found = await lockedForUpdate(query, scope.dialect).execute();
  return new Map(found.map((s) => [parcelKey(s.carrier, s.tracking_number), s]));
}

/** Names the order a parcel already belongs to (one query, only when there is such a row). */
async function otherOrderErrors(trx: Transaction<Database>, clashes: ReadonlyArray<{ row: CheckedRow; shipment: ShipmentRow }>): Promise<RowError[]> {
  if (clashes.length === 0) return [];
  const ids = [...new Set(clashes.map((c) => c.shipment.order_id))];
  const numbers = new Map((await trx.selectFrom('orders').select(['id', 'number']).where('id', 'in', ids).execute()).map((o) => [o.id, o.number]));
  return clashes.map(({ row, shipment }) => ({
    line: row.line,
    reason: `${shipment.carrier} tracking number ${row.trackingNumber} already belongs to order ${numbers.get(shipment.order_id) ?? shipment.order_id}`,
    value: row.trackingNumber,
  }));
}

function newShipment(scope: ChunkScope, orderId: string, row: CheckedRow): ShipmentRow {
  return pendingShipmentRow({ brandId: scope.brandId, orderId, carrier: row.carrier, trackingNumber: row.trackingNumber, now: scope.now });
}

/** Thrown when another process created one of this chunk's parcels first: the chunk is run again. */
export class ParcelCreatedConcurrently extends Error {}

async function insertShipments(trx: Transaction<Database>, shipments: readonly ShipmentRow[]): Promise<void> {
  for (let i = 0; i < shipments.length; i += CHUNK_ROWS) {
    const batch = shipments.slice(i, i + CHUNK_ROWS);
    const inserted = await trx
      .insertInto('shipments')
      .values(batch)
      .onConflict((oc) => oc.columns(['brand_id', 'carrier', 'tracking_number']).doNothing())
      .returning('id')
      .execute();
    if (inserted.length !== batch.length) throw new ParcelCreatedConcurrently('a parcel of this chunk was created concurrently');
  }
}

/** PostgreSQL deadlock and serialization failures: nothing was written, running again is safe. */
const RETRYABLE_PG_CODES = new Set(['40P01', '40001']);

export const isRetryableConflict = (error: unknown): boolean =>
  error instanceof ParcelCreatedConcurrently || RETRYABLE_PG_CODES.has((error as { code?: string } | null)?.code ?? '');

/** One transaction, run again (up to 3 times in all) when it lost a race with another writer. */
export async function transactionWithRetry<T>(db: ImportDeps['db'], work: (trx: Transaction<Database>) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction().execute(work);
    } catch (error) {
      if (attempt >= 3 || !isRetryableConflict(error)) throw error;
    }
  }
}

/** A row whose parcel could not be stored even on its own (a fold that throws on its stored state, a row the database refuses). */
export const ROW_NOT_STORED = 'could not be stored (a server error, logged); import this row again later';

/**
 * Applies a chunk whose transaction failed (not a lost race) one parcel at a time: the rows naming a
 * parcel together in their own transaction, as the chunk would have applied them, so that one
 * parcel that cannot be stored fails its rows (ROW_NOT_STORED, the cause logged) and not the
 * import. When every parcel fails alone too (the database is down), the chunk's error is thrown.
 */
export async function applyChunkParcelByParcel(deps: ImportDeps, scope: ChunkScope, checks: readonly RowCheck[], chunkError: unknown): Promise<ChunkResult> {
  const result: ChunkResult = { created: 0, updated: 0, unchanged: 0, errors: [], skipped: [] };
  const parcels = new Map<string, CheckedRow[]>();
  for (const check of checks) {
    if (!check.ok) result.errors.push(check.error);
    else {
      const key = parcelKey(check.value.carrier, check.value.trackingNumber);
      parcels.set(key, [...(parcels.get(key) ?? []), check.value]);
    }
  }
  let failedParcels = 0;
  for (const rows of parcels.values()) {
    try {
      const applied = await transactionWithRetry(deps.db, (trx) => applyChunk(trx, scope, rows.map((row) => ok(row))));
      result.created += applied.created;
      result.updated += applied.updated;
      result.unchanged += applied.unchanged;
      result.errors.push(...applied.errors);
      result.skipped.push(...applied.skipped);
    } catch (error) {
      failedParcels += 1;
      deps.log.error({ err: error, line: rows[0]!.line, trackingNumber: rows[0]!.trackingNumber }, 'CSV import: this parcel could not be stored');
      result.errors.push(...rows.map((row) => ({ line: row.line, reason: ROW_NOT_STORED, value: row.trackingNumber })));
    }
  }
  if (parcels.size > 0 && failedParcels === parcels.size) throw chunkError;
  result.errors.sort((a, b) => a.line - b.line);
  result.skipped.sort((a, b) => a.line - b.line);
  return result;
}

/** A chunk in one transaction (run again after a lost race); parcel by parcel when it fails otherwise. */
async function applyChunkApartOnFailure(deps: ImportDeps, scope: ChunkScope, checks: readonly RowCheck[]): Promise<ChunkResult> {
  try {
    return await transactionWithRetry(deps.db, (trx) => applyChunk(trx, scope, checks));
  } catch (error) {
    if (isRetryableConflict(error)) throw error;
    return applyChunkParcelByParcel(deps, scope, checks, error);
  }
}

export function addChunk(counts: ImportCounts, chunk: ChunkResult): ImportCounts {
  return {
    rows: counts.rows,
    created: counts.created + chunk.created,
    updated: counts.updated + chunk.updated,
    unchanged: counts.unchanged + chunk.unchanged,
    skipped: (counts.skipped ?? 0) + chunk.skipped.length,
    failed: counts.failed + chunk.errors.length,
  };
}

/**
 * Imports checked rows chunk by chunk, keeping the report in memory: the API's small files and the
 * CLI. (Large uploads go through jobs.ts, which keeps progress in the imports table instead.)
 */
export async function importRows(
  deps: ImportDeps,
  brandId: string,
  checks: readonly RowCheck[],
  options: { importedAt?: Date; onProgress?: (processed: number, total: number) => void } = {},
): Promise<ImportReport> {
  const importedAt = (options.importedAt ?? deps.clock.now()).toISOString();
  let counts = emptyCounts(checks.length);
  const errors: RowError[] = [];
  const skippedRows: RowError[] = [];
  for (let start = 0; start < checks.length; start += CHUNK_ROWS) {
    const chunk = checks.slice(start, start + CHUNK_ROWS);
    const result = await applyChunkApartOnFailure(deps, { brandId, dialect: deps.dialect, importedAt, now: deps.clock.now() }, chunk);
    counts = addChunk(counts, result);
    errors.push(...result.errors);
    skippedRows.push(...result.skipped);
    options.onProgress?.(start + chunk.length, checks.length);
  }
  return { ...counts, errors, skippedRows };
}
