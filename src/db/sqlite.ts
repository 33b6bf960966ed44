// The one SQLite connection of a process, shared by Kysely and the hot paths (see direct.ts):
//   - a bounded cache of prepared statements in front of better-sqlite3's `prepare`, which Kysely's
//     driver would otherwise call for every query (preparing costs as much as running a point read);
//   - one lock that hands the connection to one user at a time. Kysely's own driver keeps a private
//     mutex for this, so its transactions can stay open across `await`s; a direct caller that did
//     not take the same lock would run its statements inside someone else's open transaction.
import type BetterSqlite3 from 'better-sqlite3';
import { CompiledQuery, type DatabaseConnection, type Dialect, type Driver, SqliteAdapter, type SqliteDatabase, SqliteDialect } from 'kysely';

type Statement = BetterSqlite3.Statement<unknown[]>;

/** Statements kept per connection: every statement text the application uses, with room to spare. */
export const STATEMENT_CACHE_SIZE = 500;

/**
 * better-sqlite3's `prepare`, memoised by SQL text, least recently used out first. A cached
 * statement that is still being iterated (a Kysely `.stream()`) is busy: the caller gets a fresh
 * one for that use instead of a second cursor on the same statement.
 */
export class StatementCache {
  readonly #sqlite: BetterSqlite3.Database;
  readonly #capacity: number;
  readonly #statements = new Map<string, Statement>();

  constructor(sqlite: BetterSqlite3.Database, capacity = STATEMENT_CACHE_SIZE) {
    this.#sqlite = sqlite;
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#statements.size;
  }

  prepare(sql: string): Statement {
    const cached = this.#statements.get(sql);
    if (cached !== undefined) {
      if (cached.busy) return this.#sqlite.prepare(sql);
      this.#statements.delete(sql); // re-inserted last: the most recently used
      this.#statements.set(sql, cached);
      return cached;
    }
    const statement = this.#sqlite.prepare(sql);
    if (this.#statements.size >= this.#capacity) this.#statements.delete(this.#statements.keys().next().value!);
    this.#statements.set(sql, statement);
    return statement;
  }
}

/**
 * A FIFO lock. `tryAcquire` takes it at once when it is free, so a synchronous caller pays for no
 * promise at all; `release` hands it straight to the next waiter.
 */
export class ConnectionLock {
  #held = false;
  readonly #waiters: Array<() => void> = [];

  tryAcquire(): boolean {
    if (this.#held) return false;
    this.#held = true;
    return true;
  }

  acquire(): Promise<void> {
    if (this.tryAcquire()) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held = false;
  }

  /** Runs `work` (synchronous database calls) while holding the lock. */
  async run<T>(work: () => T): Promise<T> {
    if (!this.tryAcquire()) await this.acquire();
    try {
      return work();
    } finally {
      this.release();
    }
  }
}

/** Kysely's SQLite dialect over the cached statements, with its connection taken through `lock`. */
export function lockedSqliteDialect(sqlite: BetterSqlite3.Database, statements: StatementCache, lock: ConnectionLock): Dialect {
  const database: SqliteDatabase = { close: () => sqlite.close(), prepare: (sql) => statements.prepare(sql) };
  const base = new SqliteDialect({ database });
  return {
    createAdapter: () => new TransactionalDdlSqliteAdapter(),
    createQueryCompiler: () => base.createQueryCompiler(),
    createIntrospector: (db) => base.createIntrospector(db),
    createDriver: () => new LockedDriver(base.createDriver(), lock),
  };
}

/**
 * SQLite runs schema changes inside transactions like any other statement, but Kysely's adapter
 * says it cannot, so its migrator would apply each migration statement by statement: a crash (or
 * a failure) half-way through one would leave its first tables or columns behind, unrecorded, and
 * the next start would fail on them. Saying it can makes the migrator run the pending migrations
 * in one transaction, as on PostgreSQL: all of them or none.
 */
class TransactionalDdlSqliteAdapter extends SqliteAdapter {
  override get supportsTransactionalDdl(): boolean {
    return true;
  }
}

/** Kysely's SQLite driver, with the connection handed out under the shared lock. */
class LockedDriver implements Driver {
  constructor(
    private readonly inner: Driver,
    private readonly lock: ConnectionLock,
  ) {}

  init() {
    return this.inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    await this.lock.acquire();
    try {
      return await this.inner.acquireConnection();
    } catch (error) {
      this.lock.release();
      throw error;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      this.lock.release();
    }
  }

  /**
   * BEGIN IMMEDIATE, not Kysely's deferred BEGIN: the write lock is taken at the start, waiting
   * (busy_timeout) for another process's writer (a `waybill import` beside `waybill serve`). A
   * deferred transaction that reads and then writes after another process committed fails at once
   * with SQLITE_BUSY, its snapshot being stale, and no timeout helps. Within one process the
   * connection lock serialises every transaction already, so this costs nothing there.
   */
  beginTransaction: Driver['beginTransaction'] = async (connection) => {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  };
  commitTransaction: Driver['commitTransaction'] = (connection) => this.inner.commitTransaction(connection);
  rollbackTransaction: Driver['rollbackTransaction'] = (connection) => this.inner.rollbackTransaction(connection);
  savepoint: Driver['savepoint'] = (connection, name, compile) => this.inner.savepoint!(connection, name, compile);
  rollbackToSavepoint: Driver['rollbackToSavepoint'] = (connection, name, compile) => this.inner.rollbackToSavepoint!(connection, name, compile);
  releaseSavepoint: Driver['releaseSavepoint'] = (connection, name, compile) => this.inner.releaseSavepoint!(connection, name, compile);

  destroy() {
    return this.inner.destroy();
  }
}
