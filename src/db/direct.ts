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
  };
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
