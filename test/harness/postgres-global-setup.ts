// Once per test run on PostgreSQL: a migrated template database; each test file then copies it
// (CREATE DATABASE … TEMPLATE), which takes milliseconds and leaves every file its own database.
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../src/db/connect.js';
import { migrateToLatest } from '../../src/db/migrate.js';

export const adminUrl = () => process.env.WAYBILL_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export const databaseUrl = (name: string) => {
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
};

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
  }
}

export default async function setup(project: TestProject) {
  const template = `waybill_tpl_${process.pid}_${Date.now().toString(36)}`;
  const admin = new pg.Client({ connectionString: adminUrl() });
  try {
    await admin.connect();
  } catch (error) {
    throw new Error(`PostgreSQL is not reachable at ${adminUrl()} (set WAYBILL_TEST_PG_URL): ${(error as Error).message}`);
  }
  await admin.query(`CREATE DATABASE ${template}`);
  const handle = openDatabase(databaseUrl(template), { poolSize: 1 });
  await migrateToLatest(handle.db);
  await handle.close();
  project.provide('pgTemplate', template);

  return async () => {
    const leftovers = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`waybill_t_${process.pid}_%`]);
    for (const row of leftovers.rows) await admin.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
    await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
  };
}
