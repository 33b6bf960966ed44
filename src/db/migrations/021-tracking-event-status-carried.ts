// An event that does not move the parcel (a carrier's keep_previous: UPS's new delivery time or
// delivery photo) is stored with the status the parcel had before it, marked `status_carried = 1`:
// it stays on the timeline but never decides the shipment's status (shipments/status.ts), and a
// later such event does not carry its (possibly stale) status forward. Events stored before this
// migration count as events of their own (0), as they were folded.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tracking_events').addColumn('status_carried', 'integer', (col) => col.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('tracking_events').dropColumn('status_carried').execute();
}
