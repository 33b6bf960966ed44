// Carrier accounts per brand: one connection per carrier, credentials encrypted at rest.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('carrier_connections')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('credentials', 'text', (c) => c.notNull()) // encryptSecret(...) of the JSON
    .addColumn('base_url', 'text')
    .addColumn('status', 'text', (c) => c.notNull()) // connected | failed
    .addColumn('message', 'text')
    .addColumn('verified_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('carrier_connections_brand_carrier_unique', ['brand_id', 'carrier'])
    .execute();
}
