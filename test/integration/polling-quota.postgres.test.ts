// The account's quota with several workers on one PostgreSQL database: "track now" from two
// connections at once is admitted and counted under the account row's lock, so together they
// stop at the quota. (SQLite's processes are serialised by BEGIN IMMEDIATE; a second connection
// in one process would wait on itself, so this is PostgreSQL's alone.)
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import type { Deps } from '../../src/deps.js';
import { takeOutsideRequest } from '../../src/polling/account.js';
import { createTestContext, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeEach(async () => {
  t = await createTestContext();
  t.clock.set('2026-03-02T23:00:00Z'); // pacing allows the whole quota by now
});
afterEach(async () => {
  await t?.close();
});

it('"track now" from two workers at once still stops at the quota', async () => {
  const brandId = t.brand.id;
  const account = () => t.deps.db.selectFrom('carrier_poll_accounts').where('brand_id', '=', brandId).where('carrier', '=', 'dhl');
  await takeOutsideRequest(t.deps, brandId, 'dhl', { enforce: false }); // the account's row
  await t.deps.db
    .updateTable('carrier_poll_accounts')
    .set({ used_today: 244, recent_requests: '[]', limits: JSON.stringify({ rate: [{ limit: 100, windowSeconds: 1 }] }) })
    .where('brand_id', '=', brandId)
    .where('carrier', '=', 'dhl')
    .execute();
  const other = openDatabase(t.databaseUrl);
  try {
    const second: Deps = { ...t.deps, db: other.db };
    const verdicts = await Promise.all(Array.from({ length: 20 }, (_, i) => takeOutsideRequest(i % 2 ? second : t.deps, brandId, 'dhl', { enforce: true })));
    expect(verdicts.filter((v) => v.ok)).toHaveLength(6);
    expect((await account().select('used_today').executeTakeFirstOrThrow()).used_today).toBe(250);
  } finally {
    await other.close();
  }
});
