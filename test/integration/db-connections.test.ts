// What a process does when its database does not answer the readiness check (a connection that
// breaks mid-query: db-connections.postgres.test.ts).
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/connect.js';
import { createDeps } from '../../src/deps.js';
import { manualClock } from '../../src/lib/clock.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { freshDatabase, TEST_SECRET } from '../harness/harness.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => database.drop());

describe('/readyz', () => {
  it('answers 503 within its time limit when the database does not answer', async () => {
    // The database's only connection is held by a transaction that does not end, so `select 1` waits.
    const handle = openDatabase(database.url, { poolSize: 1 });
    const config = loadConfig({ DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, LOG_LEVEL: 'silent' });
    const deps = createDeps(config, TEST_SECRET, { handle, clock: manualClock(), log: pino({ level: 'silent' }), metrics: createMetrics() });
    const app = createApp(deps);
    let release!: () => void;
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const transaction = handle.db.transaction().execute(async (trx) => {
      await trx.selectFrom('brands').select('id').execute();
      holding();
      await new Promise<void>((resolve) => (release = resolve));
    });
    try {
      await held;
      const response = await app.request('/readyz');
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ error: { code: 'unavailable', message: 'the database did not answer within 2 s' } });
    } finally {
      release();
      await transaction;
      await handle.close();
    }
    const ready = await createApp(createDeps(config, TEST_SECRET, { handle: database.handle, clock: manualClock(), log: pino({ level: 'silent' }), metrics: createMetrics() })).request('/readyz');
    expect(ready.status).toBe(200);
  });
});
