// A CSV import reads its bytes in the charset its Content-Type names, so the same bytes sent again
// with another charset are another request: an Idempotency-Key keeps the media type it was first
// used with (api/middleware.ts, mediaTypeOf). Keys kept before have none (null): not compared.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').addColumn('content_type', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('idempotency_keys').dropColumn('content_type').execute();
}
