// The SQLite connection plumbing: the prepared-statement cache and the connection lock shared by
// Kysely and the direct hot paths.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import { type Generated, Kysely, sql } from 'kysely';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ConnectionLock, lockedSqliteDialect, StatementCache } from '../../src/db/sqlite.js';

let opened: Sqlite.Database[] = [];
afterEach(() => {
  for (const db of opened) if (db.open) db.close();
  opened = [];
});

function memoryDatabase() {
  const sqlite = new Sqlite(':memory:');
  opened.push(sqlite);
  sqlite.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL)');
  sqlite.exec("INSERT INTO t (name) VALUES ('a'), ('b'), ('c')");
  const prepare = vi.spyOn(sqlite, 'prepare');
  return { sqlite, prepare };
}

describe('StatementCache', () => {
  it('prepares each SQL text once and hands back the same statement', () => {
    const { sqlite, prepare } = memoryDatabase();
    const cache = new StatementCache(sqlite);
    const first = cache.prepare('SELECT name FROM t WHERE id = ?');
    const again = cache.prepare('SELECT name FROM t WHERE id = ?');
    expect(again).toBe(first);
    expect(prepare).toHaveBeenCalledTimes(1);
    expect(again.get(2)).toEqual({ name: 'b' });
  });

  it('keeps at most its capacity, dropping the least recently used statement', () => {
    const { sqlite, prepare } = memoryDatabase();
    const cache = new StatementCache(sqlite, 2);
    const one = cache.prepare('SELECT 1');
    cache.prepare('SELECT 2');
    cache.prepare('SELECT 1'); // now the most recently used
    cache.prepare('SELECT 3'); // evicts SELECT 2
    expect(cache.size).toBe(2);
    expect(cache.prepare('SELECT 1')).toBe(one);
    expect(prepare).toHaveBeenCalledTimes(3);
    cache.prepare('SELECT 2');
    expect(prepare).toHaveBeenCalledTimes(4);
  });

  it('gives a fresh statement when the cached one is still being iterated', () => {
    const { sqlite } = memoryDatabase();
    const cache = new StatementCache(sqlite);
    const cursor = cache.prepare('SELECT name FROM t ORDER BY id').iterate();
    expect(cursor.next().value).toEqual({ name: 'a' });
    const other = cache.prepare('SELECT name FROM t ORDER BY id');
    expect(other.all()).toEqual([{ name: 'a' }, { name: 'b' }, { name: 'c' }]);
    expect(cursor.next().value).toEqual({ name: 'b' });
    cursor.return?.();
  });

  it('serves Kysely: the same query run many times is prepared once', async () => {
    const { sqlite, prepare } = memoryDatabase();
    const cache = new StatementCache(sqlite);
    const db = new Kysely<{ t: { id: number; name: string } }>({ dialect: lockedSqliteDialect(sqlite, cache, new ConnectionLock()) });
    for (let id = 1; id <= 50; id++) await db.selectFrom('t').select('name').where('id', '=', (id % 3) + 1).execute();
    const selects = prepare.mock.calls.filter(([text]) => text.startsWith('select'));
    expect(selects).toHaveLength(1);
    // Streaming still works (its statement is busy while the loop runs).
    const names: string[] = [];
    for await (const row of db.selectFrom('t').select('name').orderBy('id').stream()) names.push(row.name);
    expect(names).toEqual(['a', 'b', 'c']);
    await db.destroy();
  });
});

describe('Kysely transactions on a SQLite file another process writes to', () => {
  it('begin IMMEDIATE: the other writer waits for them, instead of their first write failing with SQLITE_BUSY', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-sqlite-'));
    try {
      const file = path.join(folder, 'shared.db');
      const ours = new Sqlite(file);
      opened.push(ours);
      ours.pragma('journal_mode = WAL');
      ours.pragma('busy_timeout = 50');
      ours.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL); INSERT INTO t (name) VALUES ('a')");
      // Another process (a `waybill serve` beside a `waybill import`), here a second connection.
      const theirs = new Sqlite(file);
      opened.push(theirs);
      theirs.pragma('busy_timeout = 50');
      const db = new Kysely<{ t: { id: Generated<number>; name: string } }>({ dialect: lockedSqliteDialect(ours, new StatementCache(ours), new ConnectionLock()) });
      let theirWrite = '';
      await db.transaction().execute(async (trx) => {
        await trx.selectFrom('t').selectAll().execute(); // a deferred BEGIN would take its snapshot here
        try {
          theirs.exec("INSERT INTO t (name) VALUES ('theirs, during')");
          theirWrite = 'written';
        } catch (error) {
          theirWrite = (error as { code: string }).code;
        }
        await trx.insertInto('t').values({ name: 'ours' }).execute(); // after their commit, a deferred one fails here
      });
      expect(theirWrite).toBe('SQLITE_BUSY'); // they waited (here, 50 ms) for our transaction, which held the write lock
      theirs.exec("INSERT INTO t (name) VALUES ('theirs, after')");
      expect((await db.selectFrom('t').select('name').orderBy('id').execute()).map((r) => r.name)).toEqual(['a', 'ours', 'theirs, after']);
      await db.destroy();
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('ConnectionLock', () => {
  it('is taken at once when free and handed to waiters in arrival order', async () => {
    const lock = new ConnectionLock();
    expect(lock.tryAcquire()).toBe(true);
    expect(lock.tryAcquire()).toBe(false);
    const order: string[] = [];
    const first = lock.acquire().then(() => order.push('first'));
    const second = lock.run(() => order.push('second'));
    lock.release();
    await first;
    expect(lock.tryAcquire()).toBe(false); // held by "first" until it releases
    lock.release();
    await second;
    expect(order).toEqual(['first', 'second']);
    expect(lock.tryAcquire()).toBe(true);
  });

  it('keeps direct work out of a Kysely transaction that waits on something else', async () => {
    const { sqlite } = memoryDatabase();
    const lock = new ConnectionLock();
    const db = new Kysely<{ t: { id: Generated<number>; name: string } }>({ dialect: lockedSqliteDialect(sqlite, new StatementCache(sqlite), lock) });
    let releaseTransaction!: () => void;
    const paused = new Promise<void>((resolve) => (releaseTransaction = resolve));
    const transaction = db.transaction().execute(async (trx) => {
      await trx.insertInto('t').values({ name: 'uncommitted' }).execute();
      await paused;
      throw new Error('rolled back');
    });
    await new Promise((resolve) => setTimeout(resolve, 10));
    // The direct read waits for the transaction to end, so it never sees its uncommitted row.
    const read = lock.run(() => sqlite.prepare('SELECT count(*) AS n FROM t').get());
    let readDone = false;
    void read.then(() => (readDone = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(readDone).toBe(false);
    releaseTransaction();
    await expect(transaction).rejects.toThrow('rolled back');
    expect(await read).toEqual({ n: 3 });
    expect(await sql<{ n: number }>`select count(*) as n from t`.execute(db)).toMatchObject({ rows: [{ n: 3 }] });
    await db.destroy();
  });
});
