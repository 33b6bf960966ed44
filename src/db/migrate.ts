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
};

export async function migrateToLatest(db: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}
