// A replayed Idempotency-Key answer carries the headers of the answer it replays (Location of a
// queued import, Retry-After, the content type), kept here as a JSON object. Answers kept before
// have none ({}): they are replayed as before, as JSON.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('response_headers', 'text', (c) => c.notNull().defaultTo('{}')).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('response_headers').execute();
}
