// A delivery's runs that failed on their own (src/inbound/inbox.ts) are counted apart from its
// attempts, which also count its parkings (no shipment yet): a delivery parked twice while its
// shipment did not exist was set aside as failed by the first fault that followed.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('inbound_events').addColumn('failed_runs', 'integer', (col) => col.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('inbound_events').dropColumn('failed_runs').execute();
}
