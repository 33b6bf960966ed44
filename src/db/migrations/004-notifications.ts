// Customer messages: one row per (subject, milestone, occurrence, channel, recipient) — the unique
// dedupe key is what makes "exactly one message per milestone" hold — and consent per address.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Transactional SMS still needs the customer's consent; it comes with the order.
  await db.schema.alterTable('orders').addColumn('customer_sms_consent', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // The window promised in the order confirmation (src/estimates), on the destination's clock.
  await db.schema.alterTable('orders').addColumn('estimated_from', 'text').execute();
  await db.schema.alterTable('orders').addColumn('estimated_to', 'text').execute();

  await db.schema
    .createTable('messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('shipment_id', 'text')
    .addColumn('milestone', 'text', (c) => c.notNull())
    .addColumn('occurrence', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('recipient', 'text')
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('state', 'text', (c) => c.notNull()) // pending | held | sending | sent | delivered | failed | dropped
    .addColumn('held_reason', 'text')
    .addColumn('send_after', 'text')
    .addColumn('context', 'text', (c) => c.notNull()) // JSON: what the template needs beyond the order
    .addColumn('subject', 'text')
    .addColumn('body_text', 'text')
    .addColumn('provider', 'text')
    .addColumn('provider_message_id', 'text')
    .addColumn('provider_status', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('messages_order_idx').on('messages').columns(['order_id', 'created_at']).execute();
  await db.schema.createIndex('messages_brand_state_idx').on('messages').columns(['brand_id', 'state']).execute();
  await db.schema.createIndex('messages_provider_idx').on('messages').column('provider_message_id').execute();

  await db.schema
    .createTable('contact_preferences')
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull()) // lower-cased email or E.164 phone
    .addColumn('opted_out_at', 'text')
    .addColumn('opted_in_at', 'text')
    .addColumn('source', 'text', (c) => c.notNull()) // sms_keyword | unsubscribe_link | provider_error | api
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('contact_preferences_pk', ['brand_id', 'channel', 'address'])
    .execute();

  await db.schema
    .createTable('personal_updates')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('image_url', 'text')
    .addColumn('critical', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('author', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
}
