// The branded hub: where a brand's pages live (slug, custom domain), throttled lookups, the
// product catalogue and what it earns (co-purchases, counters, clicks, attributed orders), and
// returns. Brand look and policies stay in the brand's settings JSON.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The hub of a brand is found by its slug (/track/{slug}) or by the Host it is served on.
  await db.schema
    .createTable('brand_hubs')
    .addColumn('brand_id', 'text', (c) => c.primaryKey().references('brands.id'))
    .addColumn('slug', 'text', (c) => c.notNull().unique())
    .addColumn('domain', 'text', (c) => c.unique())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Failed lookups, counted per client address and per order in fixed windows.
  await db.schema
    .createTable('hub_rate_limits')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('count', 'integer', (c) => c.notNull())
    .execute();

  // The page lists a hybrid order's personal updates: find them by order.
  await db.schema.createIndex('personal_updates_order_idx').on('personal_updates').columns(['order_id', 'created_at']).execute();

  await db.schema
    .createTable('catalogue_products')
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('id', 'text', (c) => c.notNull()) // the brand's SKU, as its orders' items carry it
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('image_url', 'text')
    .addColumn('price', 'double precision')
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('tags', 'text', (c) => c.notNull()) // JSON array of lower-case tags
    .addColumn('active', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('catalogue_products_pk', ['brand_id', 'id'])
    .execute();

  // "Bought together": per brand, how many orders held each SKU, and each ordered pair of SKUs.
  await db.schema
    .createTable('copurchase_skus')
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('orders', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('copurchase_skus_pk', ['brand_id', 'sku'])
    .execute();
  await db.schema
    .createTable('copurchase_pairs')
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('sku', 'text', (c) => c.notNull())
    .addColumn('other_sku', 'text', (c) => c.notNull())
    .addColumn('orders', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('copurchase_pairs_pk', ['brand_id', 'sku', 'other_sku'])
    .execute();
  // An order is counted into the co-purchase tables (and attributed) once, however often its job runs.
  await db.schema
    .createTable('hub_order_marks')
    .addColumn('order_id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'text', (c) => c.notNull())
    .execute();

  // Page views and impressions, summed per day (written in batches, not per view).
  await db.schema
    .createTable('hub_counters')
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull()) // page_view | impression
    .addColumn('product_id', 'text', (c) => c.notNull()) // '' when not about a product
    .addColumn('source', 'text', (c) => c.notNull()) // page | email
    .addColumn('value', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('hub_counters_pk', ['brand_id', 'day', 'metric', 'product_id', 'source'])
    .execute();

  await db.schema
    .createTable('cross_sell_clicks')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('customer_key', 'text', (c) => c.notNull()) // SHA-256 of the lower-cased email
    .addColumn('clicked_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('cross_sell_clicks_customer_idx').on('cross_sell_clicks').columns(['brand_id', 'customer_key', 'clicked_at']).execute();
  await db.schema.createIndex('cross_sell_clicks_brand_idx').on('cross_sell_clicks').columns(['brand_id', 'clicked_at']).execute();

  await db.schema
    .createTable('cross_sell_attributions')
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('product_id', 'text', (c) => c.notNull())
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('click_id', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('revenue', 'double precision', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('placed_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('cross_sell_attributions_pk', ['order_id', 'product_id'])
    .execute();
  await db.schema.createIndex('cross_sell_attributions_brand_idx').on('cross_sell_attributions').columns(['brand_id', 'placed_at']).execute();

  await db.schema
    .createTable('returns')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('order_id', 'text', (c) => c.notNull().references('orders.id'))
    .addColumn('rma', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull()) // requested | approved | rejected | received | refunded
    .addColumn('items', 'text', (c) => c.notNull()) // JSON [{ sku, name, quantity }]
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('comment', 'text')
    .addColumn('label_paid_by', 'text', (c) => c.notNull()) // brand | customer
    .addColumn('label_fee', 'double precision')
    .addColumn('shipment_id', 'text')
    .addColumn('rejection_reason', 'text')
    .addColumn('received_by', 'text') // carrier | person
    .addColumn('refund_amount', 'double precision')
    .addColumn('refund_currency', 'text')
    .addColumn('refund_reference', 'text')
    .addColumn('requested_by', 'text', (c) => c.notNull()) // customer | merchant
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text')
    .addColumn('rejected_at', 'text')
    .addColumn('received_at', 'text')
    .addColumn('refunded_at', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('returns_brand_rma_unique', ['brand_id', 'rma'])
    .execute();
  await db.schema.createIndex('returns_order_idx').on('returns').column('order_id').execute();
  await db.schema.createIndex('returns_brand_state_idx').on('returns').columns(['brand_id', 'state', 'id']).execute();
  await db.schema.createIndex('returns_shipment_idx').on('returns').column('shipment_id').execute();
}
