// Large uploads: stored in the imports table and processed by the `shipments.import` job, one chunk
// per transaction. Each chunk's writes, its row errors and the new `processed` count commit together,
// so a crash resumes at the first unfinished chunk and counts nothing twice. A run stops after a
// time budget and queues its own continuation, so no run outlives its job lease.
import type { Transaction } from 'kysely';
import { lockedForUpdate } from '../db/locks.js';
import type { Database } from '../db/schema.js';
import { z } from 'zod';
import { enqueueJob } from '../jobs/queue.js';
import { JobFailure } from '../jobs/worker.js';
import type { JobRow } from '../db/schema.js';
import { addChunk, applyChunk, applyChunkParcelByParcel, CHUNK_ROWS, type ChunkResult, type ChunkScope, type ImportDeps, isRetryableConflict, prepareImport, transactionWithRetry } from './run-import.js';
import { type ImportRow, withImportTables } from './schema.js';
import { appendImportErrors, countsOf, insertImport, setImportState } from './store.js';

export const IMPORT_JOB = 'shipments.import';

/** A third of the worker's default 60 s lease. */
const RUN_BUDGET_MS = 20_000;

const ImportJobPayload = z.object({ importId: z.string() });

/** Stores the file and queues its job, in one transaction: an import exists exactly when its job does. */
export async function queueImport(deps: ImportDeps, input: { brandId: string; csv: string; total: number }): Promise<ImportRow> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const row = await insertImport(trx, now, input);
    await enqueueJob(trx, now, { kind: IMPORT_JOB, payload: { importId: row.id }, idempotencyKey: `import:${row.id}` });
    return row;
  });
}

/** Another run of this import committed the chunk first (a lease ran out while we worked). */
class ImportTakenOver extends Error {}

export async function runImportJob(deps: ImportDeps, payload: unknown, job?: Pick<JobRow, 'attempts' | 'max_attempts'>): Promise<void> {
  const parsed = ImportJobPayload.safeParse(payload);
  if (!parsed.success) throw new JobFailure(`${IMPORT_JOB}: the payload has no importId`, false);
  const { importId } = parsed.data;
  try {
    await processImport(deps, importId);
  } catch (error) {
    if (error instanceof ImportTakenOver) return;
    // The queue will not try again: say so on the import, or it would look "running" forever.
    const lastAttempt = error instanceof JobFailure ? !error.retryable : job !== undefined && job.attempts >= job.max_attempts;
    if (lastAttempt) await setImportState(deps.db, importId, deps.clock.now(), 'failed', error instanceof Error ? error.message : String(error));
    throw error;
  }
}

async function processImport(deps: ImportDeps, importId: string): Promise<void> {
  const db = withImportTables(deps.db);
  const record = await db.selectFrom('imports').selectAll().where('id', '=', importId).executeTakeFirst();
  if (!record || record.state === 'done' || record.state === 'failed') return;

  const prepared = prepareImport(record.csv);
  // The upload was checked before it was stored, so this means the parser changed in between.
  if (!prepared.ok) throw new JobFailure(`the stored CSV can no longer be read: ${prepared.error.message}`, false);
  const checks = prepared.value;
  if (record.state === 'queued') await setImportState(deps.db, importId, deps.clock.now(), 'running');

  const startedAt = performance.now();
  let processed = record.processed;
  while (processed < checks.length) {
    const chunk = checks.slice(processed, processed + CHUNK_ROWS);
    const from = processed;
    const scope: ChunkScope = { brandId: record.brand_id, dialect: deps.dialect, importedAt: record.created_at, now: deps.clock.now() };
    // Claimed by locking the import's row first; the chunk's rows, its errors and `processed` commit together.
    const claim = async (trx: Transaction<Database>) => {
      const current = await lockedForUpdate(withImportTables(trx).selectFrom('imports').select(['processed', 'report', 'total']).where('id', '=', importId), deps.dialect).executeTakeFirstOrThrow();
      if (current.processed !== from) throw new ImportTakenOver();
      return current;
    };
    const recordChunk = async (trx: Transaction<Database>, current: Pick<ImportRow, 'report' | 'total'>, result: ChunkResult) => {
      await appendImportErrors(trx, importId, result);
      await withImportTables(trx)
        .updateTable('imports')
        .set({ processed: from + chunk.length, report: JSON.stringify(addChunk(countsOf(current), result)), updated_at: deps.clock.now().toISOString() })
        .where('id', '=', importId)
        .execute();
    };
    let failedInRows = false; // only the rows' own failure is retried parcel by parcel, not the bookkeeping's
    try {
      await transactionWithRetry(deps.db, async (trx) => {
        const current = await claim(trx);
        failedInRows = true;
        const result = await applyChunk(trx, scope, chunk);
        failedInRows = false;
        await recordChunk(trx, current, result);
      });
    } catch (error) {
      if (!failedInRows || isRetryableConflict(error)) throw error;
      // One parcel that cannot be stored must not fail the import: the chunk again, parcel by parcel.
      const result = await applyChunkParcelByParcel(deps, scope, chunk, error);
      await transactionWithRetry(deps.db, async (trx) => recordChunk(trx, await claim(trx), result));
    }
    processed = from + chunk.length;
    if (processed < checks.length && performance.now() - startedAt > RUN_BUDGET_MS) {
      await enqueueJob(deps.db, deps.clock.now(), { kind: IMPORT_JOB, payload: { importId }, idempotencyKey: `import:${importId}:from:${processed}` });
      return;
    }
  }
  await setImportState(deps.db, importId, deps.clock.now(), 'done');
}
