// A CSV import reports the rows whose status it did not apply over what a dated source said (a
// carrier scan, the API) next to the rows that failed: both are kept in import_errors, the skipped
// ones marked. Rows stored before are failures, as they were.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('import_errors').addColumn('skipped', 'integer', (c) => c.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('import_errors').dropColumn('skipped').execute();
}
