// The currency an order was paid in, for the amounts Waybill writes about it (the receipt in the
// confirmation email, the refund's default currency). Null for orders created before: USD, as
// those amounts were written until now.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').addColumn('currency', 'text').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('orders').dropColumn('currency').execute();
}
