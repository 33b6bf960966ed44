// What Waybill watches on its own between carrier scans: per shipment, which stall, late window
// and daily digest it already acted on; per lane (carrier × service × destination region), how
// long the longest silence between scans of a normal delivered parcel was — one sample per
// delivered shipment, kept as a histogram so the 90th percentile is a read of a few rows.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The per-shipment SMS cap and the "overtaken" check read messages by shipment.
  await db.schema.createIndex('messages_shipment_idx').on('messages').columns(['shipment_id', 'channel']).execute();

  await db.schema
    .createTable('shipment_watch')
    .addColumn('shipment_id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('stalled_since', 'text') // the last scan a stall alert (or a delay message) covered
    .addColumn('late_for', 'text') // the window end a late alert (or a delay message) covered
    .addColumn('digest_day', 'text') // the recipient's local day of the last digest
    .addColumn('digest_through', 'text') // the newest scan the last digest told of
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // The short link in texts: /s/{code} redirects to the order's signed tracking page.
  await db.schema
    .createTable('short_links')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('order_id', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('lane_samples')
    .addColumn('shipment_id', 'text', (c) => c.primaryKey()) // one sample per delivered shipment, ever
    .addColumn('lane', 'text', (c) => c.notNull())
    .addColumn('longest_gap_minutes', 'integer', (c) => c.notNull())
    .addColumn('finished_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('lane_gap_histogram')
    .addColumn('lane', 'text', (c) => c.notNull())
    .addColumn('bucket_minutes', 'integer', (c) => c.notNull()) // upper edge of the bucket
    .addColumn('shipments', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('lane_gap_histogram_pk', ['lane', 'bucket_minutes'])
    .execute();
}
