// A brand revokes its tracking links by moving its link key version on (`POST /v1/brand/links/revoke`).
// A short link (/s/{code}) now says which version it was issued under, and leads nowhere once the
// brand's version has moved on; `brands.links_revoked_at` says when the brand last revoked its
// links. Short links made before this migration count as issued under the brand's version at the
// time of the migration: they keep working until the brand next revokes its links.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('short_links').addColumn('link_key_version', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await sql`UPDATE short_links SET link_key_version = (SELECT brands.link_key_version FROM brands WHERE brands.id = short_links.brand_id)`.execute(db);
  await db.schema.alterTable('brands').addColumn('links_revoked_at', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('brands').dropColumn('links_revoked_at').execute();
  await db.schema.alterTable('short_links').dropColumn('link_key_version').execute();
}
