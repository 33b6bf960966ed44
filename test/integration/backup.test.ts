// `waybill backup FILE`: a SQLite database copied while a server keeps writing to it, checked, and
// served again from the copy; on PostgreSQL, the command points to pg_dump and writes nothing.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectUnderTest, freshDatabase, orderBody, TEST_SECRET } from '../harness/harness.js';
import { runCli, type Server, startWaybill } from '../harness/process.js';

const sqlite = dialectUnderTest() === 'sqlite';
let database: Awaited<ReturnType<typeof freshDatabase>>;
let folder: string;
let apiKey: string;

beforeAll(async () => {
  database = await freshDatabase();
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-backups-'));
  apiKey = JSON.parse((await runCli(['brand', 'create', '--name', 'Kept', '--json'], { DATABASE_URL: database.url })).stdout).apiKey;
});

afterAll(async () => {
  await database.drop();
  fs.rmSync(folder, { recursive: true, force: true });
});

const createOrder = async (server: Server, number: string) =>
  fetch(`${server.url}/v1/orders`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(orderBody({ number })) });

const digest = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');

describe('waybill backup', () => {
  if (sqlite) {
    it('copies the database while the server writes to it; the copy is checked, private, and serves again', async () => {
      const server = await startWaybill('serve', { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, WORKER_CONCURRENCY: '1' });
      const acknowledged: string[] = [];
      let writing = true;
      const writer = (async () => {
        for (let i = 0; writing; i++) {
          const res = await createOrder(server, `KEPT-${i}`);
          expect(res.status).toBe(201);
          acknowledged.push(((await res.json()) as { id: string }).id);
        }
      })();
      try {
        while (acknowledged.length < 20) await new Promise((r) => setTimeout(r, 20));
        const before = acknowledged.length;
        const copy = path.join(folder, 'nightly', 'waybill-copy.db'); // a folder that does not exist yet
        const backup = await runCli(['backup', copy], { DATABASE_URL: database.url });
        const after = acknowledged.length;
        writing = false;
        await writer;

        expect(backup.code, backup.stderr).toBe(0);
        expect(backup.stdout).toMatch(/^backed up to .*waybill-copy\.db \([\d.]+ MB, [\d.]+ s\), checked: 1 brand, [\d,]+ orders, 0 shipments, 0 tracking events, 0 returns, [\d,]+ messages?; schema \d{3}-[a-z-]+$/m);
        expect(backup.stdout).toContain('keep SECRET_KEY with it');
        expect(fs.statSync(copy).mode & 0o777).toBe(0o600);
        expect(fs.readdirSync(path.dirname(copy))).toEqual(['waybill-copy.db']); // no partial file left
        // One snapshot: every order acknowledged before the backup began, and none after it ended
        // (but the one request in flight, committed before the snapshot, answered after the command).
        const reading = new SqliteDatabase(copy, { readonly: true });
        const kept = new Set((reading.prepare('SELECT id FROM orders').all() as Array<{ id: string }>).map((row) => row.id));
        reading.close();
        expect(kept.size).toBeGreaterThanOrEqual(before);
        expect(kept.size).toBeLessThanOrEqual(after + 1);
        expect(Number(/([\d,]+) orders/.exec(backup.stdout)![1]!.replaceAll(',', ''))).toBe(kept.size);
        for (const id of acknowledged.slice(0, before)) expect(kept.has(id)).toBe(true);

        // Restored: served from the copy, with the same key.
        const restored = await startWaybill('serve', { DATABASE_URL: copy, SECRET_KEY: TEST_SECRET, WORKER_CONCURRENCY: '0' });
        try {
          const first = await fetch(`${restored.url}/v1/orders/${acknowledged[0]}`, { headers: { authorization: `Bearer ${apiKey}` } });
          expect(first.status).toBe(200);
          expect(((await first.json()) as { number: string }).number).toBe('KEPT-0');
        } finally {
          await restored.stop();
        }
      } finally {
        writing = false;
        await writer.catch(() => {});
        await server.stop();
      }
    });

    it('never overwrites a file, and says what is wrong with the database or the arguments', async () => {
      const existing = path.join(folder, 'existing.db');
      fs.writeFileSync(existing, 'yesterday’s backup');
      const before = digest(existing);
      const refused = await runCli(['backup', existing], { DATABASE_URL: database.url });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`${existing} already exists: backups never overwrite a file`);
      expect(digest(existing)).toBe(before);

      const itself = await runCli(['backup', database.url], { DATABASE_URL: database.url });
      expect(itself.code).toBe(2);
      expect(itself.stderr).toContain('FILE is the database itself');

      const missing = path.join(folder, 'nothing-here.db');
      const none = await runCli(['backup', path.join(folder, 'never.db')], { DATABASE_URL: missing });
      expect(none.code).toBe(2);
      expect(none.stderr).toContain('DATABASE_URL names no database file');
      expect(fs.existsSync(missing)).toBe(false);
      expect(fs.existsSync(path.join(folder, 'never.db'))).toBe(false);

      const notWaybill = path.join(folder, 'other.db');
      new SqliteDatabase(notWaybill).exec('CREATE TABLE notes (body TEXT)');
      const other = await runCli(['backup', path.join(folder, 'other-copy.db')], { DATABASE_URL: notWaybill });
      expect(other.code).toBe(2);
      expect(other.stderr).toContain('is not a Waybill database');

      const underAFile = await runCli(['backup', `${existing}/copy.db`], { DATABASE_URL: database.url });
      expect(underAFile.code).toBe(2);
      expect(underAFile.stderr).toMatch(/^waybill: cannot write .*existing\.db\/copy\.db: (EEXIST|ENOTDIR)/m);

      for (const args of [[], ['a.db', 'b.db'], ['--force']]) {
        const wrong = await runCli(['backup', ...args], { DATABASE_URL: database.url });
        expect(wrong.code, args.join(' ')).toBe(2);
        expect(wrong.stderr).toContain('backup takes one FILE to write');
      }
      expect((await runCli(['backup', '--help'])).stdout).toContain('Usage: waybill backup FILE');
    });
  }

  if (!sqlite) {
    it('points to pg_dump on PostgreSQL and writes nothing', async () => {
      const file = path.join(folder, 'waybill.dump');
      const result = await runCli(['backup', file], { DATABASE_URL: database.url });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('on PostgreSQL use its own tool, e.g. pg_dump');
      expect(fs.existsSync(file)).toBe(false);
    });
  }
});
