// One set of migrations for both dialects, listed here in order (no directory scanning, so the
// compiled package and the TypeScript sources behave the same).
import { type Kysely, type Migration, Migrator } from 'kysely';
import * as core from './migrations/001-core.js';
import * as carrierConnections from './migrations/002-carrier-connections.js';
import * as imports from './migrations/003-imports.js';
import * as notifications from './migrations/004-notifications.js';
import * as hub from './migrations/005-hub.js';
import * as carriersPushPoll from './migrations/006-carriers-push-poll.js';
import * as labels from './migrations/007-labels.js';
import * as notify from './migrations/008-notify.js';
import * as brandAssets from './migrations/009-brand-assets.js';
import * as themeFiles from './migrations/010-theme-files-out-of-settings.js';
import * as orderCurrency from './migrations/011-order-currency.js';
import * as idempotencyKeyAge from './migrations/012-idempotency-key-age.js';
import * as inboundEventsPerBrand from './migrations/013-inbound-events-per-brand.js';
import * as importSkippedRows from './migrations/014-import-skipped-rows.js';
import * as messagesByRecipient from './migrations/015-messages-by-recipient.js';
import * as idempotencyClaims from './migrations/016-idempotency-claims.js';
import * as idempotencyResponseHeaders from './migrations/017-idempotency-response-headers.js';
import * as idempotencyContentType from './migrations/018-idempotency-content-type.js';
import * as messageUncertainSend from './migrations/019-message-uncertain-send.js';
import * as labelReconcileUntilSettled from './migrations/020-label-reconcile-until-settled.js';
import * as trackingEventStatusCarried from './migrations/021-tracking-event-status-carried.js';
import * as labelPurchaseUnresolved from './migrations/022-label-purchase-unresolved.js';
import * as hubDomainProof from './migrations/023-hub-domain-proof.js';
import * as inboundFailedRuns from './migrations/024-inbound-failed-runs.js';
import * as messagesOfDeadSendJobsFailed from './migrations/025-messages-of-dead-send-jobs-failed.js';
import * as linkRevocation from './migrations/026-link-revocation.js';
import * as messagesExpiredInQueue from './migrations/027-messages-expired-in-queue.js';

const migrations: Record<string, Migration> = {
  '001-core': core,
  '002-carrier-connections': carrierConnections,
  '003-imports': imports,
  '004-notifications': notifications,
  '005-hub': hub,
  '006-carriers-push-poll': carriersPushPoll,
  '007-labels': labels,
  '008-notify': notify,
  '009-brand-assets': brandAssets,
  '010-theme-files-out-of-settings': themeFiles,
  '011-order-currency': orderCurrency,
  '012-idempotency-key-age': idempotencyKeyAge,
  '013-inbound-events-per-brand': inboundEventsPerBrand,
  '014-import-skipped-rows': importSkippedRows,
  '015-messages-by-recipient': messagesByRecipient,
  '016-idempotency-claims': idempotencyClaims,
  '017-idempotency-response-headers': idempotencyResponseHeaders,
  '018-idempotency-content-type': idempotencyContentType,
  '019-message-uncertain-send': messageUncertainSend,
  '020-label-reconcile-until-settled': labelReconcileUntilSettled,
  '021-tracking-event-status-carried': trackingEventStatusCarried,
  '022-label-purchase-unresolved': labelPurchaseUnresolved,
  '023-hub-domain-proof': hubDomainProof,
  '024-inbound-failed-runs': inboundFailedRuns,
  '025-messages-of-dead-send-jobs-failed': messagesOfDeadSendJobsFailed,
  '026-link-revocation': linkRevocation,
  '027-messages-expired-in-queue': messagesExpiredInQueue,
};

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  return migrateTo(db);
}

/**
 * The database was migrated by a newer Waybill than this one (a deployment rolled back, a backup
 * restored into an older install): this version does not know the schema it holds.
 */
export class NewerSchemaError extends Error {
  readonly code = 'WAYBILL_NEWER_SCHEMA';
  constructor(readonly unknown: string[]) {
    super(
      `DATABASE_URL holds a database migrated by a newer Waybill (migration${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}, unknown to this version): ` +
        'run that version or a later one, or restore a backup taken with this one',
    );
  }
}

/** The applied migrations this version does not have, in the order they were recorded. Pure. */
export const unknownMigrations = (applied: readonly string[], known: readonly string[]): string[] => applied.filter((name) => !known.includes(name));

/**
 * DATABASE_URL names a database that already holds tables but no Waybill schema: another
 * application's SQLite file or PostgreSQL database, which migrating would fill with Waybill's tables.
 */
export class ForeignDatabaseError extends Error {
  readonly code = 'WAYBILL_FOREIGN_DATABASE';
  constructor(readonly tables: string[]) {
    const shown = tables.slice(0, 3).join(', ') + (tables.length > 3 ? ', …' : '');
    super(
      `DATABASE_URL holds another application's tables (${shown}) and no Waybill schema: ` +
        'point it at a new database (a new SQLite file, an empty PostgreSQL database) or at an existing Waybill database',
    );
  }
}

/** What the database holds before migrating: the migrations recorded as applied, or, without Waybill's schema, its tables. */
async function schemaBefore(db: Kysely<any>): Promise<{ applied: string[] } | { foreignTables: string[] }> {
  const tables = await db.introspection.getTables({ withInternalKyselyTables: true });
  if (!tables.some((table) => table.name === 'kysely_migration')) {
    // PostgreSQL's other schemas are not where Waybill's tables would go.
    return { foreignTables: tables.filter((table) => table.schema === undefined || table.schema === 'public').map((table) => table.name) };
  }
  const rows: Array<{ name: string }> = await db.selectFrom('kysely_migration').select('name').orderBy('timestamp').orderBy('name').execute();
  return { applied: rows.map((row) => row.name) };
}

/**
 * Applies the pending migrations up to `last` (all when not given; tests build older schemas with
 * it), in one transaction. Refuses a database a newer Waybill migrated, or another application's.
 */
export async function migrateTo(db: Kysely<any>, last?: string): Promise<string[]> {
  const before = await schemaBefore(db);
  if ('foreignTables' in before && before.foreignTables.length > 0) throw new ForeignDatabaseError(before.foreignTables);
  const unknown = 'applied' in before ? unknownMigrations(before.applied, Object.keys(migrations)) : [];
  if (unknown.length > 0) throw new NewerSchemaError(unknown);
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = last ? await migrator.migrateTo(last) : await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
