// Idempotency keys expire after 24 hours (api/idempotency-keys.ts): the hourly prune finds the old
// ones by this index instead of reading the whole table.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('idempotency_keys_created_at').on('idempotency_keys').column('created_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('idempotency_keys_created_at').execute();
}
