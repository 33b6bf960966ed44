// A send whose answer never came (a timeout once the request was handed over) may have gone out:
// when it began, so that the next attempt first asks the provider whether it did (Twilio's
// Messages list) instead of sending it blindly a second time. Null when the last attempt's outcome is known.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').addColumn('uncertain_since', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('messages').dropColumn('uncertain_since').execute();
}
