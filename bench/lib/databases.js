// A throw-away database per benchmark run: a SQLite file in a temporary directory, or a fresh
// PostgreSQL database `waybill_bench_<random>` that is dropped afterwards.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { settings } from './config.js';
import { onCleanup } from './processes.js';

/**
 * Creates an empty database. Returns { dialect, url, query(sql, params) → rows, drop() };
 * `query` opens its own connection per call (the server may be running meanwhile).
 */
export async function createBenchDatabase(dialect) {
  return dialect === 'sqlite' ? createSqlite() : createPostgres();
}

function createSqlite() {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'waybill-bench-'));
  const file = path.join(directory, 'bench.db');
  const drop = onCleanup(() => rmSync(directory, { recursive: true, force: true }));
  process.on('exit', () => rmSync(directory, { recursive: true, force: true }));
  const query = async (sql, params = []) => {
    const db = new Sqlite(file);
    try {
      return db.prepare(sql).all(...params);
    } finally {
      db.close();
    }
  };
  return { dialect: 'sqlite', url: file, label: file, query, drop };
}

async function createPostgres() {
  const name = `waybill_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: settings.postgresAdminUrl });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${settings.postgresAdminUrl} (set BENCH_PG_URL, or pass --sqlite-only): ${error.message}`);
  }
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(settings.postgresAdminUrl);
  url.pathname = `/${name}`;
  const drop = onCleanup(async () => {
    const client = new pg.Client({ connectionString: settings.postgresAdminUrl });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  });
  const query = async (sql, params = []) => {
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      return (await client.query(sql, params)).rows;
    } finally {
      await client.end();
    }
  };
  return { dialect: 'postgres', url: url.toString(), label: `PostgreSQL database ${name}`, query, drop };
}

/** One number from a `SELECT count(*) AS n ...`-style query, whatever the driver returns. */
export async function countOf(database, sql, params) {
  const [row] = await database.query(sql, params);
  return Number(row.n);
}
