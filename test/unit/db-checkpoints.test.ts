// WAL checkpoints on a worker thread: the WAL is copied back into the database without the writer
// checkpointing in its own commits.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('background checkpoints', () => {
  it('copy the WAL into the database while the main connection only writes', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-ckpt-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.sqlite');
    const handle = openDatabase(file);
    if (handle.direct.dialect !== 'sqlite') throw new Error('expected SQLite');
    await migrateToLatest(handle.db);
    // Far below the fallback threshold: without the worker, nothing would be checkpointed.
    const insert = handle.direct.statements.prepare('INSERT INTO job_schedules (name, kind, every_seconds, next_run_at) VALUES (?, ?, ?, ?)');
    await handle.direct.transaction(() => {
      for (let i = 0; i < 300; i++) insert.run(`s${i}`, 'k'.repeat(2000), 60, '2026-01-01T00:00:00.000Z');
    });
    const before = fs.statSync(file).size;
    const deadline = Date.now() + 10_000;
    // Until the whole copy is in: the file grows page by page while a checkpoint runs (a loaded machine saw it mid-way).
    while (fs.statSync(file).size <= before + 300 * 2000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(fs.statSync(file).size).toBeGreaterThan(before + 300 * 2000);
    await handle.close();
  });

  it('leave the database complete and readable after close', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-ckpt-'));
    dirs.push(dir);
    const file = path.join(dir, 'db.sqlite');
    const first = openDatabase(file);
    await migrateToLatest(first.db);
    await first.db.insertInto('job_schedules').values({ name: 'x', kind: 'y', every_seconds: 1, next_run_at: 'z' }).execute();
    await first.close();
    const again = openDatabase(file);
    expect(await again.db.selectFrom('job_schedules').select('name').execute()).toEqual([{ name: 'x' }]);
    await again.close();
  });
});
