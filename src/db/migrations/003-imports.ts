// CSV imports of tracking numbers: the stored file and its progress (large files are processed by
// a job, in chunks), and the problems found in its rows.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('imports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('processed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('csv', 'text', (c) => c.notNull())
    .addColumn('report', 'text')
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('imports_brand_created_idx').on('imports').columns(['brand_id', 'created_at']).execute();

  await db.schema
    .createTable('import_errors')
    .addColumn('import_id', 'text', (c) => c.notNull().references('imports.id'))
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addPrimaryKeyConstraint('import_errors_pk', ['import_id', 'line'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('import_errors').execute();
  await db.schema.dropTable('imports').execute();
}
