// Migrations are all or nothing on both dialects: the pending ones run in one transaction, so one
// that fails half-way (here 004, whose first statements add columns to orders before it creates a
// table that is in the way) leaves nothing behind, neither its own first changes nor those of the
// migrations before it in the same run (003), and once the cause is gone the same command migrates.
// On SQLite the migrator used to apply a migration statement by statement: the columns 004 had
// added made every later try fail. A database a newer Waybill has migrated, or another application's,
// is refused in one line and left as it was.
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { migrateToLatest, unknownMigrations } from '../../src/db/migrate.js';
import { freshDatabase, TEST_SECRET } from '../harness/harness.js';
import { runCli } from '../harness/process.js';

let database: Awaited<ReturnType<typeof freshDatabase>> | undefined;
afterEach(async () => {
  await database?.drop();
  database = undefined;
});

const columnsOf = async (table: string) => {
  const tables = await database!.handle.db.introspection.getTables();
  return tables.find((t) => t.name === table)?.columns.map((c) => c.name) ?? [];
};
const applied = async () => (await sql<{ name: string }>`SELECT name FROM kysely_migration ORDER BY name`.execute(database!.handle.db)).rows.map((r) => r.name);

describe('migrations', () => {
  it('leave nothing of a run with a migration that fails half-way, so migrating again once the cause is gone works', async () => {
    database = await freshDatabase({ schemaUpTo: '002-carrier-connections' });
    const { db } = database.handle;
    await sql`CREATE TABLE messages (id text)`.execute(db);
    const ordersBefore = await columnsOf('orders');

    await expect(migrateToLatest(db)).rejects.toThrow(/messages.*already exists/);
    expect(await columnsOf('orders')).toEqual(ordersBefore);
    expect(ordersBefore).not.toContain('customer_sms_consent');
    expect(await applied()).toEqual(['001-core', '002-carrier-connections']);
    expect(await columnsOf('imports')).toEqual([]);

    await sql`DROP TABLE messages`.execute(db);
    const done = await migrateToLatest(db);
    expect(done.slice(0, 2)).toEqual(['003-imports', '004-notifications']);
    expect(await columnsOf('orders')).toContain('customer_sms_consent');
    expect((await applied()).at(-1)).toBe(done.at(-1));
  });

  it('020 lets label reconcile jobs enqueued before it keep asking until settled, and runs the dead-lettered ones again', async () => {
    database = await freshDatabase({ schemaUpTo: '019-message-uncertain-send' });
    const { db } = database.handle;
    const at = '2026-03-02T15:00:00.000Z';
    const job = (id: string, kind: string, state: string) => ({ id, kind, payload: '{}', state, run_at: at, attempts: 10, max_attempts: 10, locked_by: null, locked_until: null, last_error: 'UPS did not answer', idempotency_key: id, created_at: at, updated_at: at });
    await db.insertInto('jobs').values([job('job_dead', 'labels.reconcile', 'dead'), job('job_queued', 'labels.reconcile', 'queued'), job('job_done', 'labels.reconcile', 'done'), job('job_other', 'imports.run', 'dead')]).execute();
    await migrateToLatest(db);
    const jobs = Object.fromEntries((await db.selectFrom('jobs').select(['id', 'state', 'max_attempts']).execute()).map((j) => [j.id, [j.state, Number(j.max_attempts)]]));
    expect(jobs).toEqual({ job_dead: ['queued', 1_000_000], job_queued: ['queued', 1_000_000], job_done: ['done', 10], job_other: ['dead', 10] });
  });

  it('refuse a database a newer Waybill has migrated, saying so in one line, and change nothing', async () => {
    database = await freshDatabase();
    const { db } = database.handle;
    await sql`INSERT INTO kysely_migration (name, timestamp) VALUES ('099-from-the-future', '2027-01-01T00:00:00.000Z')`.execute(db);
    const before = await applied();
    for (const command of [['migrate'], ['serve']]) {
      const res = await runCli(command, { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, PORT: '0', WORKER_CONCURRENCY: '0' });
      expect(res.code, res.stderr).toBe(2);
      expect(res.stderr.trim()).toBe(
        'waybill: DATABASE_URL holds a database migrated by a newer Waybill (migration 099-from-the-future, unknown to this version): run that version or a later one, or restore a backup taken with this one',
      );
    }
    expect(await applied()).toEqual(before);
    expect(unknownMigrations(['001-core', '016-a', '017-b'], ['001-core', '002-x'])).toEqual(['016-a', '017-b']);
  });

  it("refuse another application's database instead of filling it with Waybill's tables", async () => {
    database = await freshDatabase({ unmigrated: true });
    const { db } = database.handle;
    await sql`CREATE TABLE notes (id integer PRIMARY KEY, body text)`.execute(db);
    await sql`INSERT INTO notes (id, body) VALUES (1, 'mine')`.execute(db);
    const res = await runCli(['migrate'], { DATABASE_URL: database.url });
    expect(res.code, res.stderr).toBe(2);
    expect(res.stderr.trim()).toBe(
      "waybill: DATABASE_URL holds another application's tables (notes) and no Waybill schema: point it at a new database (a new SQLite file, an empty PostgreSQL database) or at an existing Waybill database",
    );
    expect((await db.introspection.getTables({ withInternalKyselyTables: true })).map((t) => t.name)).toEqual(['notes']);
  });
});
