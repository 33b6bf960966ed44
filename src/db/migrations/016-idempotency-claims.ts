// An Idempotency-Key whose request was cut off (a crash, a redeploy) used to stay claimed until it
// expired a day later. A claim now says when it was made, by the wall clock (claimed_at), and which
// run holds it (claim_id), so a retry can take over a claim too old to be running and the request
// that held it cannot overwrite the retry's answer if it finishes after all (api/middleware.ts).
// Rows from before have neither: they are dated by created_at, and hold the empty claim_id.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('claim_id', 'text', (c) => c.notNull().defaultTo('')).execute();
  await db.schema.alterTable('idempotency_keys').addColumn('claimed_at', 'text', (c) => c.notNull().defaultTo('')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('claimed_at').execute();
  await db.schema.alterTable('idempotency_keys').dropColumn('claim_id').execute();
}
