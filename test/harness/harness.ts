// The test harness: a fresh database of the dialect under test (WAYBILL_TEST_DB), the real app
// on it, a manual clock, and a brand with an API key. Nothing about the database is mocked.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { inject } from 'vitest';
import { createApp } from '../../src/app.js';
import { createBrand } from '../../src/brands/repo.js';
import { loadConfig } from '../../src/config.js';
import { createDeps, type Deps } from '../../src/deps.js';
import { type DbHandle, openDatabase } from '../../src/db/connect.js';
import { migrateTo } from '../../src/db/migrate.js';
import { jobHandlers } from '../../src/jobs/handlers.js';
import { createWorker, type Worker } from '../../src/jobs/worker.js';
import { manualClock } from '../../src/lib/clock.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { adminUrl, databaseUrl } from './postgres-global-setup.js';

export const TEST_SECRET = 'test-secret-key-that-is-at-least-32-characters';
export const dialectUnderTest = (): 'sqlite' | 'postgres' => (process.env.WAYBILL_TEST_DB === 'postgres' ? 'postgres' : 'sqlite');

let counter = 0;

/**
 * A fresh, empty database of the dialect under test, migrated to the latest schema, or only up to
 * `schemaUpTo` (a migration's name) to test what a later migration does to older data, or not at
 * all (`unmigrated`).
 */
export async function freshDatabase(options: { schemaUpTo?: string; unmigrated?: boolean } = {}): Promise<{ url: string; handle: DbHandle; drop(): Promise<void> }> {
  counter += 1;
  if (dialectUnderTest() === 'postgres') {
    const name = `waybill_t_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: adminUrl() });
    await admin.connect();
    await admin.query(options.schemaUpTo || options.unmigrated ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}`);
    await admin.end();
    const url = databaseUrl(name);
    const handle = openDatabase(url);
    if (options.schemaUpTo && !options.unmigrated) await migrateTo(handle.db, options.schemaUpTo);
    return {
      url,
      handle,
      drop: async () => {
        await handle.close().catch(() => {});
        const again = new pg.Client({ connectionString: adminUrl() });
        await again.connect();
        await again.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await again.end();
      },
    };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-test-'));
  const url = path.join(dir, 'waybill.db');
  const handle = openDatabase(url);
  if (!options.unmigrated) await migrateTo(handle.db, options.schemaUpTo);
  return {
    url,
    handle,
    drop: async () => {
      await handle.close().catch(() => {});
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export type TestContext = Awaited<ReturnType<typeof createTestContext>>;

export async function createTestContext(options: { env?: Record<string, string>; schemaUpTo?: string; fetch?: typeof fetch } = {}) {
  const database = await freshDatabase({ schemaUpTo: options.schemaUpTo });
  const clock = manualClock('2026-03-02T15:00:00Z');
  const config = loadConfig({ DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, PUBLIC_URL: 'http://waybill.test', LOG_LEVEL: 'silent', ...options.env });
  const deps: Deps = createDeps(config, TEST_SECRET, { handle: database.handle, clock, log: pino({ level: 'silent' }), metrics: createMetrics(), ...(options.fetch ? { fetch: options.fetch } : {}) });
  const app = createApp(deps);
  const worker: Worker = createWorker({ db: deps.db, dialect: deps.dialect, clock, log: deps.log, handlers: jobHandlers(deps) });
  const { brand, apiKey } = await createBrand(deps.db, clock.now(), { name: 'Test Brand' });

  async function request(method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}) {
    const init: RequestInit = {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    };
    const response = await app.request(urlPath, init);
    const text = await response.text();
    let json: any = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch {
      json = null;
    }
    return { status: response.status, headers: response.headers, json, text };
  }

  return {
    deps,
    app,
    clock,
    worker,
    brand,
    apiKey,
    databaseUrl: database.url,
    request,
    async close() {
      await database.drop();
    },
  };
}

let orderSequence = 0;

export function orderBody(overrides: Record<string, unknown> = {}) {
  orderSequence += 1;
  return {
    number: `T-${Date.now().toString(36)}-${orderSequence}`,
    customer: { email: 'ada@example.com', name: 'Ada Lovelace', phone: '+14155550123', locale: 'en' },
    destination: { line1: '1 Infinite Loop', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
    items: [{ sku: 'TEE-1', name: 'Tee', quantity: 1, price: 20 }],
    placedAt: '2026-03-01T10:00:00Z',
    ...overrides,
  };
}
