// The imports table: a large upload is stored here with its progress, processed by a job, and
// polled by the brand through GET /v1/imports/{id}.
import type { Kysely, Transaction } from 'kysely';
import { monotonicFactory } from 'ulid';
import type { Database } from '../db/schema.js';
import { notFound } from '../lib/errors.js';
import { emptyCounts, type ImportCounts, type ImportReport } from './run-import.js';
import { type ImportRow, type ImportState, withImportTables } from './schema.js';
import type { RowError } from './validate-row.js';

const nextUlid = monotonicFactory();
export const newImportId = (): string => `imp_${nextUlid().toLowerCase()}`;

type Executor = Kysely<Database> | Transaction<Database>;

export async function insertImport(db: Executor, now: Date, input: { brandId: string; csv: string; total: number }): Promise<ImportRow> {
  const at = now.toISOString();
  const row: ImportRow = {
    id: newImportId(),
    brand_id: input.brandId,
    state: 'queued',
    total: input.total,
    processed: 0,
    csv: input.csv,
    report: JSON.stringify(emptyCounts(input.total)),
    error: null,
    created_at: at,
    updated_at: at,
  };
  await withImportTables(db as Kysely<Database>).insertInto('imports').values(row).execute();
  return row;
}

/** Brands are sealed from each other: another brand's import is "not found", like any missing one. */
export async function findImport(db: Kysely<Database>, brandId: string, importId: string): Promise<ImportRow> {
  const row = importId.startsWith('imp_')
    ? await withImportTables(db).selectFrom('imports').selectAll().where('id', '=', importId).where('brand_id', '=', brandId).executeTakeFirst()
    : undefined;
  if (!row) throw notFound(`import ${importId}`);
  return row;
}

/** The counts so far (reports saved before `skipped` existed count none). */
export const countsOf = (row: Pick<ImportRow, 'report' | 'total'>): ImportCounts => (row.report ? { ...emptyCounts(row.total), ...(JSON.parse(row.report) as ImportCounts) } : emptyCounts(row.total));

/** The rows that failed, and those skipped, in file order. */
export async function importErrors(db: Kysely<Database>, importId: string): Promise<{ errors: RowError[]; skippedRows: RowError[] }> {
  const rows = await withImportTables(db).selectFrom('import_errors').select(['line', 'reason', 'value', 'skipped']).where('import_id', '=', importId).orderBy('line').execute();
  const rowError = (r: (typeof rows)[number]): RowError => (r.value === null ? { line: r.line, reason: r.reason } : { line: r.line, reason: r.reason, value: r.value });
  return { errors: rows.filter((r) => r.skipped !== 1).map(rowError), skippedRows: rows.filter((r) => r.skipped === 1).map(rowError) };
}

export async function appendImportErrors(trx: Transaction<Database>, importId: string, rows: { errors: readonly RowError[]; skipped: readonly RowError[] }): Promise<void> {
  const values = [...rows.errors.map((e) => ({ e, skipped: 0 })), ...rows.skipped.map((e) => ({ e, skipped: 1 }))].map(({ e, skipped }) => ({
    import_id: importId,
    line: e.line,
    reason: e.reason,
    value: e.value ?? null,
    skipped,
  }));
  if (values.length === 0) return;
  await withImportTables(trx)
    .insertInto('import_errors')
    .values(values)
    .onConflict((oc) => oc.columns(['import_id', 'line']).doNothing())
    .execute();
}

export async function setImportState(db: Kysely<Database>, importId: string, now: Date, state: ImportState, error: string | null = null): Promise<void> {
  await withImportTables(db).updateTable('imports').set({ state, error, updated_at: now.toISOString() }).where('id', '=', importId).execute();
}

/** The API's view of an import: the report once it is done. */
export function importJson(row: ImportRow, rows?: { errors: RowError[]; skippedRows: RowError[] }) {
  const report: ImportReport | undefined = row.state === 'done' ? { ...countsOf(row), errors: rows?.errors ?? [], skippedRows: rows?.skippedRows ?? [] } : undefined;
  return {
    id: row.id,
    state: row.state,
    progress: { processed: row.processed, total: row.total },
    ...(report ? { report } : {}),
    ...(row.error ? { error: row.error } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
