// Files a brand uploads for its tracking page (its own typeface), kept apart from the brand's
// settings JSON: that JSON is read with every page view and every message, and must stay small.
// Content-addressed (the SHA-256 of the bytes), so a file's address never changes meaning and the
// page can tell browsers to keep it for good.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('brand_assets')
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('digest', 'text', (c) => c.notNull()) // SHA-256 of the bytes, base64url
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull()) // base64: one text column reads the same on both databases
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('brand_assets_pk', ['brand_id', 'digest'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('brand_assets').execute();
}
