// Group commit (db/direct.ts): writes asked for in one turn of the event loop share a transaction,
// each in its own savepoint, and nobody is answered before the COMMIT. A second connection on the
// same WAL file is the witness: it sees only what has been committed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Sqlite from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GROUP_COMMIT_LIMIT, groupCommitter } from '../../src/db/direct.js';
import { ConnectionLock } from '../../src/db/sqlite.js';

let cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.reverse()) cleanup();
  cleanups = [];
});

function setUp() {
  const dir = mkdtempSync(join(tmpdir(), 'waybill-group-commit-'));
  const writer = new Sqlite(join(dir, 'db.sqlite'));
  writer.pragma('journal_mode = WAL');
  writer.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE)');
  const witness = new Sqlite(join(dir, 'db.sqlite'), { readonly: true });
  cleanups.push(() => {
    writer.close();
    witness.close();
    rmSync(dir, { recursive: true, force: true });
  });
  const lock = new ConnectionLock();
  const insert = writer.prepare('INSERT INTO t (name) VALUES (?)');
  const committedNames = () => (witness.prepare('SELECT name FROM t ORDER BY id').all() as Array<{ name: string }>).map((row) => row.name);
  return { writer, lock, grouped: groupCommitter(writer, lock), insert, committedNames };
}

describe('groupCommitter', () => {
  it('runs the works of one turn in one transaction, in order, and answers after the COMMIT', async () => {
    const { grouped, insert, committedNames } = setUp();
    const seenDuringGroup: string[][] = [];
    const work = (name: string) => () => {
      seenDuringGroup.push(committedNames());
      return insert.run(name).lastInsertRowid;
    };
    const answers = [grouped(work('a')), grouped(work('b')), grouped(work('c'))];
    // Each work ran while the earlier ones were still uncommitted: one transaction.
    const ids = await Promise.all(answers);
    expect(seenDuringGroup).toEqual([[], [], []]);
    expect(ids).toEqual([1, 2, 3]);
    expect(committedNames()).toEqual(['a', 'b', 'c']);
  });

  it('is answered only once the rows are visible to another connection', async () => {
    const { grouped, insert, committedNames } = setUp();
    const seenOnAnswer = await grouped(() => insert.run('a')).then(() => committedNames());
    expect(seenOnAnswer).toEqual(['a']);
  });

  it('rolls back a work that throws alone: its caller gets the error, the others commit', async () => {
    const { grouped, insert, committedNames } = setUp();
    const first = grouped(() => insert.run('a'));
    const failing = grouped(() => {
      insert.run('half-done');
      insert.run('a'); // UNIQUE violation
    });
    const third = grouped(() => insert.run('c'));
    await expect(failing).rejects.toThrow(/UNIQUE constraint failed/);
    await expect(first).resolves.toBeDefined();
    await expect(third).resolves.toBeDefined();
    expect(committedNames()).toEqual(['a', 'c']);
  });

  it('fails every work of the group when the transaction cannot commit', async () => {
    const { writer, grouped, insert, committedNames } = setUp();
    const first = grouped(() => insert.run('a'));
    const breaking = grouped(() => writer.exec('ROLLBACK')); // what SQLITE_FULL does to a transaction
    const third = grouped(() => insert.run('c'));
    const results = await Promise.allSettled([first, breaking, third]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(committedNames()).toEqual([]);
    // The connection is usable again afterwards.
    await grouped(() => insert.run('d'));
    expect(committedNames()).toEqual(['d']);
  });

  it('ends a group when a work throws after SQLite rolled the whole transaction back', async () => {
    const { writer, grouped, insert, committedNames } = setUp();
    const first = grouped(() => insert.run('a'));
    const failing = grouped(() => {
      writer.exec('ROLLBACK');
      throw new Error('disk full');
    });
    const results = await Promise.allSettled([first, failing]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(committedNames()).toEqual([]);
  });

  it(`takes at most ${GROUP_COMMIT_LIMIT} works a transaction and the rest in the next`, async () => {
    const { grouped, insert, committedNames } = setUp();
    const seen: number[] = [];
    const count = GROUP_COMMIT_LIMIT + 5;
    await Promise.all(
      Array.from({ length: count }, (_, i) =>
        grouped(() => {
          seen.push(committedNames().length);
          insert.run(`n${i}`);
        }),
      ),
    );
    // The first group's works saw nothing committed; the second's saw the whole first group.
    expect(seen.slice(0, GROUP_COMMIT_LIMIT).every((n) => n === 0)).toBe(true);
    expect(seen.slice(GROUP_COMMIT_LIMIT).every((n) => n === GROUP_COMMIT_LIMIT)).toBe(true);
    expect(committedNames()).toHaveLength(count);
  });

  it('waits for the connection lock, so it never runs inside another holder’s transaction', async () => {
    const { writer, lock, grouped, insert, committedNames } = setUp();
    await lock.acquire();
    writer.exec('BEGIN');
    insert.run('other');
    const answer = grouped(() => insert.run('mine'));
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(committedNames()).toEqual([]);
    writer.exec('ROLLBACK');
    lock.release();
    await answer;
    expect(committedNames()).toEqual(['mine']);
  });

  it('lets works of a later turn start a new group', async () => {
    const { grouped, insert, committedNames } = setUp();
    await grouped(() => insert.run('a'));
    let seen: string[] = [];
    await grouped(() => {
      seen = committedNames();
      insert.run('b');
    });
    expect(seen).toEqual(['a']);
  });
});
