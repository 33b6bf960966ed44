// Carriers II: push first, polling within carrier limits.
//   inbound_endpoints   per-brand webhook credentials (EasyPost secret, Shippo URL token, UPS Track Alert client)
//   inbound_events      (001) gains retry bookkeeping for deliveries parked on an unknown tracking number
//   push_subscriptions  UPS Track Alert subscriptions per shipment (14 days, renewed before they run out)
//   shipment_polls      when each active shipment is polled next, and how urgently
//   carrier_poll_accounts  one row per brand × carrier: lease, limiter state, pauses, today's usage
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('inbound_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('brand_id', 'text', (c) => c.notNull().references('brands.id'))
    .addColumn('provider', 'text', (c) => c.notNull()) // easypost | shippo | ups_track_alert
    .addColumn('public_id', 'text', (c) => c.notNull().unique()) // in the URL (EasyPost), the OAuth client id (UPS)
    .addColumn('secret_hash', 'text', (c) => c.unique()) // SHA-256 of the Shippo URL token / UPS client secret
    .addColumn('secret_sealed', 'text') // the EasyPost HMAC secret, encrypted (it is needed in clear to verify)
    .addColumn('previous_secret_hash', 'text') // the secret before the last rotation, accepted until previous_until
    .addColumn('previous_secret_sealed', 'text')
    .addColumn('previous_until', 'text')
    .addColumn('version', 'integer', (c) => c.notNull().defaultTo(1)) // bumped on rotation: UPS tokens name it
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('inbound_endpoints_brand_provider_unique', ['brand_id', 'provider'])
    .execute();
  await db.schema.createIndex('inbound_endpoints_previous_idx').on('inbound_endpoints').column('previous_secret_hash').execute();

  await db.schema.alterTable('inbound_events').addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('inbound_events').addColumn('retry_at', 'text').execute();
  await db.schema.createIndex('inbound_events_brand_state_idx').on('inbound_events').columns(['brand_id', 'state', 'received_at']).execute();

  await db.schema
    .createTable('push_subscriptions')
    .addColumn('shipment_id', 'text', (c) => c.primaryKey().references('shipments.id'))
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('provider', 'text', (c) => c.notNull()) // ups_track_alert
    .addColumn('state', 'text', (c) => c.notNull()) // active | refused | failed
    .addColumn('subscribed_at', 'text')
    .addColumn('expires_at', 'text')
    .addColumn('retry_at', 'text')
    .addColumn('message', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('push_subscriptions_brand_idx').on('push_subscriptions').columns(['brand_id', 'state', 'expires_at']).execute();

  await db.schema
    .createTable('shipment_polls')
    .addColumn('shipment_id', 'text', (c) => c.primaryKey().references('shipments.id'))
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('next_poll_at', 'text') // null: never again (terminal)
    .addColumn('priority', 'integer', (c) => c.notNull()) // 0 = most urgent (near delivery)
    .addColumn('interval_seconds', 'integer', (c) => c.notNull()) // the cadence chosen last time: demand estimates sum it
    .addColumn('last_polled_at', 'text')
    .addColumn('last_push_at', 'text') // the latest webhook about this parcel (push is live when recent)
    .addColumn('polls', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_found', 'integer', (c) => c.notNull().defaultTo(0)) // polls in a row the carrier did not know the number
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  // Due parcels are taken most urgent first, one priority at a time; early ones (to fill a batch) by time.
  await db.schema.createIndex('shipment_polls_due_idx').on('shipment_polls').columns(['brand_id', 'carrier', 'priority', 'next_poll_at']).execute();
  await db.schema.createIndex('shipment_polls_next_idx').on('shipment_polls').columns(['brand_id', 'carrier', 'next_poll_at']).execute();
  // New parcels are found among the recently created ones.
  await db.schema.createIndex('shipments_created_idx').on('shipments').column('created_at').execute();

  await db.schema
    .createTable('carrier_poll_accounts')
    .addColumn('brand_id', 'text', (c) => c.notNull())
    .addColumn('carrier', 'text', (c) => c.notNull())
    .addColumn('limits', 'text') // JSON: the brand's own limits for this account (null: the carrier's defaults)
    .addColumn('lease_until', 'text')
    .addColumn('paused_until', 'text')
    .addColumn('pause_reason', 'text')
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('quota_day', 'text') // YYYY-MM-DD (UTC) that used_today counts
    .addColumn('used_today', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('recent_requests', 'text', (c) => c.notNull().defaultTo('[]')) // JSON: request times inside the longest rate window
    .addColumn('report_at', 'text') // when the quota report (gauge, log warning) was last made
    .addColumn('warned_at', 'text')
    .addColumn('push_checked_at', 'text') // when Track Alert subscriptions were last brought up to date
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('carrier_poll_accounts_pk', ['brand_id', 'carrier'])
    .execute();
}
