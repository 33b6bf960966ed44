// Labels bought through Waybill. Every purchase is recorded BEFORE the carrier is called (state
// `requesting`), so a call that times out after the carrier charged leaves a row to reconcile, and
// `open_fingerprint` (unique, set only while a purchase is unresolved) lets one retry, never two,
// pick it up. The label's documents are kept beside it; the brand's carrier-choice rules too.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('label_purchases')
    .addColumn('id', 'text', (c) => c.primaryKey()) // lbl_…; also the reference sent to the carrier
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('order_id', 'text', (c) => c.notNull())
    .addColumn('shipment_id', 'text', (c) => c.notNull()) // chosen before the call; the row exists once bought
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('direction', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull()) // pdf | zpl: what was asked of the carrier
    .addColumn('state', 'text', (c) => c.notNull()) // requesting | unknown | bought | failed | voided
    .addColumn('fingerprint', 'text', (c) => c.notNull())
    .addColumn('open_fingerprint', 'text', (c) => c.unique())
    .addColumn('request', 'text', (c) => c.notNull()) // JSON: the validated label request
    .addColumn('choice', 'text', (c) => c.notNull()) // JSON: which carrier and service, and why
    .addColumn('tracking_number', 'text')
    .addColumn('carrier_reference', 'text') // the carrier's shipment id, where it differs from the tracking number
    .addColumn('charge', 'text') // JSON { amount, currency } when the carrier says
    .addColumn('calls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('bought_at', 'text')
    .addColumn('voided_at', 'text')
    .execute();
  await db.schema.createIndex('label_purchases_shipment_idx').on('label_purchases').column('shipment_id').execute();
  await db.schema.createIndex('label_purchases_brand_state_idx').on('label_purchases').columns(['brand_id', 'state']).execute();

  await db.schema
    .createTable('label_documents')
    .addColumn('purchase_id', 'text', (c) => c.notNull().references('label_purchases.id'))
    .addColumn('format', 'text', (c) => c.notNull()) // pdf | zpl
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull()) // base64: one text column reads the same on both databases
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('label_documents_pk', ['purchase_id', 'format'])
    .execute();

  await db.schema
    .createTable('routing_rules')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('priority', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // active | proposed | disabled
    .addColumn('conditions', 'text', (c) => c.notNull()) // JSON
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('service', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull()) // brand | advice
    .addColumn('note', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('routing_rules_brand_idx').on('routing_rules').columns(['brand_id', 'priority']).execute();
}
