// A text from a customer (HELP) is answered in their language: the order behind the last message
// the brand texted to that number says which. This index finds that message.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('messages_recipient_idx').on('messages').columns(['brand_id', 'recipient', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_recipient_idx').execute();
}
