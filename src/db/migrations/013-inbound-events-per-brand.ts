// A webhook delivery is unique per brand, not across the installation: two brands that share one
// EasyPost or Shippo account (or receive the same UPS Track Alert body) are each sent the same
// event id, and each brand's parcel needs it. The unique key (source, source_event_id) becomes
// (brand_id, source, source_event_id); every stored delivery is kept.
// PostgreSQL swaps the constraint in place. SQLite cannot drop a constraint written in CREATE TABLE,
// so the table is rebuilt under the new key, its rows copied, and its indexes made again.
import { type Kysely, SqliteAdapter, sql } from 'kysely';

type UniqueKey = { name: string; columns: Array<'brand_id' | 'source' | 'source_event_id'> };

const OLD: UniqueKey = { name: 'inbound_events_source_unique', columns: ['source', 'source_event_id'] };
const NEW: UniqueKey = { name: 'inbound_events_brand_source_unique', columns: ['brand_id', 'source', 'source_event_id'] };

export async function up(db: Kysely<unknown>): Promise<void> {
  await replaceUniqueKey(db, OLD, NEW);
}

/** Back to one delivery per source and id; fails if two brands hold the same id by then. */
export async function down(db: Kysely<unknown>): Promise<void> {
  await replaceUniqueKey(db, NEW, OLD);
}

async function replaceUniqueKey(db: Kysely<unknown>, from: UniqueKey, to: UniqueKey): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    await db.schema.alterTable('inbound_events').dropConstraint(from.name).execute();
    await db.schema.alterTable('inbound_events').addUniqueConstraint(to.name, to.columns).execute();
    return;
  }
  // One transaction, so a crash half-way leaves the old table as it was. The migrator runs every
  // migration in one already (db/sqlite.ts TransactionalDdlSqliteAdapter); this holds without it too.
  await (db.isTransaction ? rebuildSqliteTable(db, to) : db.transaction().execute((trx) => rebuildSqliteTable(trx, to)));
}

async function rebuildSqliteTable(db: Kysely<unknown>, to: UniqueKey): Promise<void> {
  // The columns as 001 and 006 made them, in the same order, so `SELECT *` copies them over.
  await db.schema
    .createTable('inbound_events_rebuilt')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('source_event_id', 'text', (c) => c.notNull())
    .addColumn('brand_id', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('headers', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('processed_at', 'text')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('retry_at', 'text')
    .addUniqueConstraint(to.name, to.columns)
    .execute();
  await sql`INSERT INTO inbound_events_rebuilt SELECT * FROM inbound_events`.execute(db);
  await db.schema.dropTable('inbound_events').execute();
  await db.schema.alterTable('inbound_events_rebuilt').renameTo('inbound_events').execute();
  await db.schema.createIndex('inbound_events_state_idx').on('inbound_events').columns(['state', 'received_at']).execute();
  await db.schema.createIndex('inbound_events_brand_state_idx').on('inbound_events').columns(['brand_id', 'state', 'received_at']).execute();
}
