// The ingest path for the API's event routes, without Kysely's query building: the same steps as
// ingestEvents (store each event once, fold the new ones, save the shipment, enqueue the status
// change's job, all in one transaction) with the same pure functions (eventRowsOf,
// foldIntoShipment, jobRowsOf), on precompiled SQL (statements.ts).
//   SQLite: one synchronous transaction (BEGIN IMMEDIATE … COMMIT) under the connection lock, one
//           cached statement reused per row; a single shipment's events share their transaction
//           with the other requests of the same turn of the event loop (group commit, direct.ts).
//   PostgreSQL: named statements taking column arrays; a single shipment costs BEGIN, lock + insert,
//           save + enqueue, COMMIT (four round trips, three when nothing changed).
import type pg from 'pg';
import type { DeliveryWindow, TrackingEventInput } from '../carriers/types.js';
import type { DirectDb, DirectSqlite } from '../db/direct.js';
import { pgTransaction, runNamed } from '../db/direct.js';
import type { ShipmentRow } from '../db/schema.js';
import { jobRowsOf, type NewJob } from '../jobs/queue.js';
import { eventRowsOf, type FoldableShipment, foldIntoShipment, type IngestOutcome, type NewEventRow, plannedEventRows } from './ingest.js';
import { EVENT_COLUMNS, EVENT_VALUE_COLUMNS, FOLDED_BESIDES_STATUS, FOLDED_COLUMNS, JOB_COLUMNS, POSTGRES, SQLITE } from './statements.js';
import type { EventSource } from './vocabulary.js';

export type ShipmentIngest = { shipment: ShipmentRow; outcome: IngestOutcome };

/** Stores and folds events for one of the brand's shipments; undefined when it has no such shipment. */
export function ingestForShipment(
  direct: DirectDb,
  now: Date,
  target: { shipmentId: string; brandId: string },
  source: EventSource,
  events: readonly TrackingEventInput[],
  estimate: DeliveryWindow | null,
): Promise<ShipmentIngest | undefined> {
  const recordedAt = now.toISOString();
  if (direct.dialect === 'sqlite') {
    return direct.groupedTransaction(() => {
      const shipment = direct.statements.prepare(SQLITE.shipmentById).get(target.shipmentId, target.brandId) as ShipmentRow | undefined;
      if (!shipment) return undefined;
      const rows = eventRowsOf(shipment, source, events, recordedAt);
      const folded = foldIntoShipment(shipment, insertEventsSqlite(direct, rows), events.length, estimate, recordedAt);
      saveSqlite(direct, now, folded.changed ? [toSave(shipment, folded.outcome)] : [], folded.jobs);
      return { shipment, outcome: folded.outcome };
    });
  }
  return pgTransaction(direct.pool, async (client) => {
    const rows = eventRowsOf({ id: target.shipmentId, brand_id: target.brandId }, source, events, recordedAt);
    const { rows: found } = await runNamed<ShipmentRow & { inserted_ids: string[] }>(client, POSTGRES.lockShipmentAndInsertEvents, [
      target.shipmentId,
      target.brandId,
      ...columnsOf(rows, EVENT_VALUE_COLUMNS),
    ]);
    if (!found[0]) return undefined;
    const { inserted_ids: insertedIds, ...shipment } = found[0];
    const inserted = new Set(insertedIds);
    const folded = foldIntoShipment(shipment, rows.filter((row) => inserted.has(row.id)), events.length, estimate, recordedAt);
    await savePostgres(client, now, folded.changed ? [toSave(shipment, folded.outcome)] : [], folded.jobs);
    return { shipment, outcome: folded.outcome };
  });
}

/** Events of a batch, addressed by carrier and tracking number (both already normalized). */
export type NumberedEvents = { carrier: string; trackingNumber: string; events: TrackingEventInput[] };

/**
 * Stores and folds a batch's events, grouped per carrier and tracking number, for one brand, in one
 * transaction. Groups whose shipment the brand does not have are skipped. Returns each known
 * group's shipment id (by index, undefined when unknown), whether each of its events was stored
 * (by group, then by the event's place in it), and the outcomes.
 */
export function ingestByTrackingNumber(
  direct: DirectDb,
  now: Date,
  brandId: string,
  source: EventSource,
  groups: readonly NumberedEvents[],
): Promise<{ shipmentIds: Array<string | undefined>; storedByEvent: boolean[][]; outcomes: IngestOutcome[] }> {
  const recordedAt = now.toISOString();
  if (direct.dialect === 'sqlite') {
    return direct.transaction(() => {
      const byNumber = direct.statements.prepare(SQLITE.foldableByNumber);
      const shipments = groups.map((group) => byNumber.get(brandId, group.carrier, group.trackingNumber) as FoldableShipment | undefined);
      const planned = shipments.map((shipment, i) => (shipment ? plannedEventRows(shipment, source, groups[i]!.events, recordedAt) : NOTHING_PLANNED));
      const fresh = planned.map(({ rows }) => insertEventsSqlite(direct, rows));
      const folded = foldGroups(groups, shipments, (i) => fresh[i]!, recordedAt);
      saveSqlite(direct, now, folded.changed, folded.jobs);
      return { shipmentIds: shipments.map((s) => s?.id), storedByEvent: storedByEventOf(planned, fresh), outcomes: folded.outcomes };
    });
  }
  return pgTransaction(direct.pool, async (client) => {
    const { rows: locked } = await runNamed<ShipmentRow>(client, POSTGRES.lockShipmentsByNumber, [brandId, groups.map((g) => g.carrier), groups.map((g) => g.trackingNumber)]);
    const byKey = new Map(locked.map((row) => [`${row.carrier}|${row.tracking_number}`, row]));
    const shipments = groups.map((group) => byKey.get(`${group.carrier}|${group.trackingNumber}`));
    const planned = shipments.map((shipment, i) => (shipment ? plannedEventRows(shipment, source, groups[i]!.events, recordedAt) : NOTHING_PLANNED));
    const all = planned.flatMap(({ rows }) => rows);
    const { rows: inserted } = all.length > 0 ? await runNamed<{ id: string }>(client, POSTGRES.insertEvents, columnsOf(all, EVENT_COLUMNS)) : { rows: [] };
    const insertedIds = new Set(inserted.map((row) => row.id));
    const fresh = planned.map(({ rows }) => rows.filter((row) => insertedIds.has(row.id)));
    const folded = foldGroups(groups, shipments, (i) => fresh[i]!, recordedAt);
    await savePostgres(client, now, folded.changed, folded.jobs);
    return { shipmentIds: shipments.map((s) => s?.id), storedByEvent: storedByEventOf(planned, fresh), outcomes: folded.outcomes };
  });
}

const NOTHING_PLANNED: ReturnType<typeof plannedEventRows> = { rows: [], rowOfEvent: [] };

/** Per group, per event: stored now (its row is among the fresh ones), or not (known already, or a copy earlier in the request). Pure. */
function storedByEventOf(planned: ReadonlyArray<ReturnType<typeof plannedEventRows>>, fresh: ReadonlyArray<readonly NewEventRow[]>): boolean[][] {
  return planned.map(({ rows, rowOfEvent }, i) => {
    const freshIds = new Set(fresh[i]!.map((row) => row.id));
    return rowOfEvent.map((row) => row >= 0 && freshIds.has(rows[row]!.id));
  });
}

function foldGroups(groups: readonly NumberedEvents[], shipments: ReadonlyArray<FoldableShipment | undefined>, freshOf: (index: number) => NewEventRow[], recordedAt: string) {
  const outcomes: IngestOutcome[] = [];
  const changed: FoldedSave[] = [];
  const jobs: NewJob[] = [];
  shipments.forEach((shipment, i) => {
    if (!shipment) return;
    const folded = foldIntoShipment(shipment, freshOf(i), groups[i]!.events.length, null, recordedAt);
    if (folded.changed) changed.push(toSave(shipment, folded.outcome));
    jobs.push(...folded.jobs);
    outcomes.push(folded.outcome);
  });
  return { outcomes, changed, jobs };
}

/** Inserts the rows one by one with one cached statement; returns those that were new. */
export function insertEventsSqlite(direct: DirectSqlite, rows: readonly NewEventRow[]): NewEventRow[] {
  const insert = direct.statements.prepare(SQLITE.insertEvent);
  return rows.filter((row) => insert.run(valuesOf(row, EVENT_COLUMNS)).changes === 1);
}

/** A folded shipment to save, and whether its fold moved the status (the indexed column). */
export type FoldedSave = { shipment: FoldableShipment; statusMoved: boolean };

export const toSave = (shipment: FoldableShipment, outcome: Pick<IngestOutcome, 'before' | 'after'>): FoldedSave => ({
  shipment,
  statusMoved: outcome.before.status !== outcome.after.status,
});

/** Saves folded shipments and enqueues their jobs (inside the caller's transaction). */
export function saveSqlite(direct: DirectSqlite, now: Date, saves: readonly FoldedSave[], jobs: readonly NewJob[]): void {
  if (saves.length > 0) {
    const withStatus = direct.statements.prepare(SQLITE.saveFolded);
    const keepingStatus = direct.statements.prepare(SQLITE.saveFoldedKeepingStatus);
    for (const { shipment, statusMoved } of saves) {
      if (statusMoved) withStatus.run([...valuesOf(shipment, FOLDED_COLUMNS), shipment.id]);
      else keepingStatus.run([...valuesOf(shipment, FOLDED_BESIDES_STATUS), shipment.id]);
    }
  }
  if (jobs.length > 0) {
    const insert = direct.statements.prepare(SQLITE.insertJob);
    for (const job of jobRowsOf(now, jobs)) insert.run(valuesOf(job, JOB_COLUMNS));
  }
}

/** Saves folded shipments and enqueues their jobs in one statement (inside the caller's transaction). */
export async function savePostgres(client: pg.PoolClient, now: Date, saves: readonly FoldedSave[], jobs: readonly NewJob[]): Promise<void> {
  if (saves.length === 0 && jobs.length === 0) return;
  const shipments = saves.map((save) => save.shipment);
  await runNamed(client, POSTGRES.saveFoldedAndEnqueue, [...columnsOf(shipments, ['id', ...FOLDED_COLUMNS]), ...columnsOf(jobRowsOf(now, jobs), JOB_COLUMNS)]);
}

type Row = Record<string, unknown>;
const valuesOf = <R extends object>(row: R, columns: readonly string[]): unknown[] => columns.map((column) => (row as Row)[column]);
/** One array per column, the form `unnest` takes. */
export const columnsOf = <R extends object>(rows: readonly R[], columns: readonly string[]): unknown[][] => columns.map((column) => rows.map((row) => (row as Row)[column]));
