// Opens the database named by DATABASE_URL: a SQLite file (the embedded default) or PostgreSQL.
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { dialectOf, sqliteFileOf } from '../config.js';
import { type DirectDb, directSqlite } from './direct.js';
import { EmptyListPlugin } from './empty-lists.js';
import type { Database } from './schema.js';
import { ConnectionLock, lockedSqliteDialect, StatementCache } from './sqlite.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, startCheckpointer } from './sqlite-checkpoints.js';

export type Db = Kysely<Database>;
export type DbHandle = {
  db: Db;
  dialect: 'sqlite' | 'postgres';
  /** The same connections without Kysely, for the hot paths (see direct.ts). */
  direct: DirectDb;
  close(): Promise<void>;
};

export type OpenOptions = {
  poolSize?: number;
  /** A PostgreSQL connection of the pool broke (a restart, a dropped database, a network cut), idle or in use. */
  onConnectionError?: (error: Error) => void;
  /** How long opening a PostgreSQL connection may take before it fails (default 5 s). */
  connectionTimeoutMs?: number;
  /** SQLite's background checkpoint failed (it is retried; the main connection checkpoints itself if the WAL grows). */
  onCheckpointError?: (message: string) => void;
};

export function openDatabase(databaseUrl: string, options: OpenOptions = {}): DbHandle {
  const dialect = dialectOf(databaseUrl);
  if (dialect === 'postgres') {
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      // A server that does not answer fails the query (and /readyz) instead of holding it forever.
      connectionTimeoutMillis: options.connectionTimeoutMs ?? 5_000,
    });
    // A connection that breaks must not crash the process. pg emits 'error' on the client itself,
    // and an EventEmitter with no listener throws: the pool listens only while a client is idle,
    // so every client gets its own listener from birth. A query in flight then fails (its request
    // answers 5xx), the pool discards the client, and the next query opens a new one.
    pool.on('connect', (client) => client.on('error', (error) => options.onConnectionError?.(error)));
    // The pool repeats an idle client's error on itself; the client's listener has logged it.
    pool.on('error', () => {});
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }), plugins: [new EmptyListPlugin()] });
    return { db, dialect, direct: { dialect, pool }, close: () => db.destroy() };
  }
  const file = sqliteFileOf(databaseUrl);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  // WAL lets readers proceed during writes; the busy timeout waits out a second process's lock
  // instead of failing at once; NORMAL sync is durable across process crashes in WAL mode.
  // Checkpoints run on a worker thread (sqlite-checkpoints.ts), not inside the requests' commits.
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('foreign_keys = ON');
  const checkpointer = file === ':memory:' ? null : startCheckpointer(file, { onError: options.onCheckpointError });
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  const statements = new StatementCache(sqlite);
  const lock = new ConnectionLock();
  const db = new Kysely<Database>({ dialect: lockedSqliteDialect(sqlite, statements, lock), plugins: [new EmptyListPlugin()] });
  return {
    db,
    dialect,
    direct: directSqlite(sqlite, statements, lock),
    close: async () => {
      await checkpointer?.stop();
      await db.destroy();
      // Kysely closes the connection only if it ever ran a query through it.
      if (sqlite.open) sqlite.close();
    },
  };
}
