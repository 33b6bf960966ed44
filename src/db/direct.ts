// Direct access to the database for the few hot paths that skip Kysely's query building (shipment
// reads, event ingestion): their SQL is written out once per dialect in a small module per concern
// (shipments/statements.ts) and runs on the very connections Kysely uses.
//   SQLite: synchronous better-sqlite3 calls on cached statements, under the connection lock
//           (sqlite.ts), so they never run inside a Kysely transaction left open across an await.
//   PostgreSQL: named prepared statements ({ name, text, values }) on the same pg pool, parsed
//           and planned once per connection instead of at every call.
import type BetterSqlite3 from 'better-sqlite3';
import type pg from 'pg';
import type { ConnectionLock, StatementCache } from './sqlite.js';

export type DirectSqlite = {
  dialect: 'sqlite';
  statements: StatementCache;
  lock: ConnectionLock;
  /** Runs `work` with the connection to itself; `work` must be synchronous. */
  exclusive<T>(work: () => T): Promise<T>;
  /** Runs `work` in one write transaction (BEGIN IMMEDIATE … COMMIT, ROLLBACK if it throws). */
  transaction<T>(work: () => T): Promise<T>;
  /**
   * Runs `work` in a write transaction shared with the other works asked for in the same turn of
   * the event loop (group commit, see groupCommitter); settles once that transaction has committed.
   */
  groupedTransaction<T>(work: () => T): Promise<T>;
};

export type DirectPostgres = {
  dialect: 'postgres';
  pool: pg.Pool;
};

export type DirectDb = DirectSqlite | DirectPostgres;

export function directSqlite(sqlite: BetterSqlite3.Database, statements: StatementCache, lock: ConnectionLock): DirectSqlite {
  // One wrapper for every transaction: better-sqlite3 builds it (and its BEGIN/COMMIT statements) once.
  const immediate = sqlite.transaction((work: () => unknown) => work()).immediate;
  return {
    dialect: 'sqlite',
    statements,
    lock,
    exclusive: (work) => lock.run(work),
    transaction: <T>(work: () => T) => lock.run(() => immediate(work) as T),
    groupedTransaction: groupCommitter(sqlite, lock),
  };
}

/** Works one group commit takes at most: the event loop is blocked while they run. */
export const GROUP_COMMIT_LIMIT = 64;

type GroupedWork = { work: () => unknown; resolve: (value: unknown) => void; reject: (error: unknown) => void };

/**
 * Group commit. A write transaction on SQLite costs more in its BEGIN and COMMIT (the WAL frames of
 * every page it touched) than in the statements of one small write; writes arriving together touch
 * the same tail pages of the append-mostly tables and indexes. Works asked for during one turn of
 * the event loop wait for the next check phase (setImmediate), then run one after the other in one
 * BEGIN IMMEDIATE … COMMIT, each inside its own savepoint: a work that throws is rolled back alone
 * and its caller gets the error; the others commit. Every caller is answered after the COMMIT, so
 * nothing is acknowledged before it is stored; if the COMMIT itself fails, every caller of the
 * group gets that error. Alone (a quiet server), a work waits only for the current turn to end.
 */
export function groupCommitter(sqlite: BetterSqlite3.Database, lock: ConnectionLock): <T>(work: () => T) => Promise<T> {
  // Called inside a transaction, a better-sqlite3 transaction function is a SAVEPOINT … RELEASE.
  const inSavepoint = sqlite.transaction((work: () => unknown) => work());
  const runGroup = sqlite.transaction((group: GroupedWork[]) => {
    const settled: Array<() => void> = [];
    for (const item of group) {
      try {
        const value = inSavepoint(item.work);
        settled.push(() => item.resolve(value));
      } catch (error) {
        // An error SQLite answers by rolling back the whole transaction (SQLITE_FULL, for one)
        // takes the earlier works with it: the group fails as one.
        if (!sqlite.inTransaction) throw error;
        settled.push(() => item.reject(error));
      }
    }
    return settled;
  }).immediate;

  const pending: GroupedWork[] = [];
  let scheduled = false;

  const flush = async () => {
    const group = pending.splice(0, GROUP_COMMIT_LIMIT);
    scheduled = pending.length > 0;
    if (scheduled) setImmediate(flush);
    if (!lock.tryAcquire()) await lock.acquire();
    let settled: Array<() => void>;
    try {
      settled = runGroup(group);
    } catch (error) {
      for (const item of group) item.reject(error);
      return;
    } finally {
      lock.release();
    }
    for (const settle of settled) settle();
  };

  return <T>(work: () => T) =>
    new Promise<T>((resolve, reject) => {
      pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

/** A statement PostgreSQL prepares once per connection under its name. */
export type NamedStatement = { name: string; text: string };

export const runNamed = <R extends pg.QueryResultRow>(client: pg.Pool | pg.PoolClient, statement: NamedStatement, values: unknown[]) =>
  client.query<R>({ name: statement.name, text: statement.text, values });

/** BEGIN … COMMIT on one pooled connection; ROLLBACK (and the error) if `work` throws. */
export async function pgTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      broken = rollbackError as Error; // the connection is unusable: the pool must not reuse it
    }
    throw error;
  } finally {
    client.release(broken);
  }
}
