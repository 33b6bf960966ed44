// The imports tables (migration 003-imports). They live here rather than in db/schema.ts so the
// import feature stays in one folder; `withImportTables` widens a Kysely handle to know them.
import type { Generated, Kysely, Transaction } from 'kysely';
import type { Database } from '../db/schema.js';

export const IMPORT_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type ImportState = (typeof IMPORT_STATES)[number];

export interface ImportTable {
  id: string; // imp_…
  brand_id: string;
  state: ImportState;
  /** Data rows in the file (the header and blank lines not counted). */
  total: number;
  /** Data rows handled so far, in file order: a resumed job starts from here. */
  processed: number;
  csv: string;
  /** JSON: the counts so far ({ rows, created, updated, unchanged, skipped, failed }); the failed and skipped rows are in import_errors. */
  report: string | null;
  /** Why the import stopped, when state is failed. */
  error: string | null;
  created_at: string;
  updated_at: string;
}

/** One row's problem. Kept apart from `imports.report` so each chunk appends instead of rewriting them all. */
export interface ImportErrorTable {
  import_id: string;
  line: number;
  reason: string;
  value: string | null;
  /** 1: the row was skipped (its status not applied, migration 014), not failed. */
  skipped: Generated<number>;
}

export type ImportTables = { imports: ImportTable; import_errors: ImportErrorTable };
export type ImportDatabase = Database & ImportTables;
export type ImportRow = ImportTable;

export function withImportTables(db: Kysely<Database>): Kysely<ImportDatabase>;
export function withImportTables(db: Transaction<Database>): Transaction<ImportDatabase>;
export function withImportTables(db: Kysely<Database> | Transaction<Database>) {
  return db.withTables<ImportTables>();
}
