// The label reconcile job (labels.reconcile) now keeps asking until its purchase is settled. Jobs
// enqueued before had the queue's default of 10 attempts: a carrier outage of about an hour
// dead-lettered them, leaving a label that may have been paid for unsettled. They get the new
// allowance, and the dead ones run again now (a purchase settled since is left as it is).
import type { Kysely } from 'kysely';

/** The same number as RECONCILE_MAX_ATTEMPTS (src/labels/carrier-purchase.ts), fixed here as migrations are. */
const MAX_ATTEMPTS = 1_000_000;

export async function up(db: Kysely<any>): Promise<void> {
  const now = new Date().toISOString();
  await db
    .updateTable('jobs')
    .set({ max_attempts: MAX_ATTEMPTS })
    .where('kind', '=', 'labels.reconcile')
    .where('state', '!=', 'done')
    .execute();
  await db
    .updateTable('jobs')
    .set({ state: 'queued', run_at: now, locked_by: null, locked_until: null, updated_at: now })
    .where('kind', '=', 'labels.reconcile')
    .where('state', '=', 'dead')
    .execute();
}

export async function down(): Promise<void> {
  // Nothing to undo: more attempts harm nothing under the older code.
}
