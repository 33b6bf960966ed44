// How many times a text expired in Twilio's queue (its ValidityPeriod, the rest of the SMS window,
// ran out: src/notifications/status-callbacks.ts), counted apart from its send attempts, which also
// count the retries of a provider's outage: a text that needed a few retries was failed at its
// first expiry instead of being sent when the window next opened.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('expired_in_queue', 'integer', (col) => col.notNull().defaultTo(0)).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('expired_in_queue').execute();
}
