// A label purchase the reconcile job can no longer ask about, because the brand disconnected the
// carrier account, is left `unknown` (the carrier may have charged) and marked `unresolved` with
// why ('carrier_disconnected'): the job stops asking hourly for ever, the brand sees it in
// GET /v1/label-purchases, and connecting the account again resumes the checks. NULL: not stuck.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('label_purchases').addColumn('unresolved', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('label_purchases').dropColumn('unresolved').execute();
}
