// Migration 013: a webhook delivery's id is unique per brand. Deliveries stored before keep every
// field and their indexes; afterwards the same id is stored once per brand.
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrand } from '../../src/brands/repo.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { newId } from '../../src/lib/ids.js';
import { createTestContext, dialectUnderTest, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext({ schemaUpTo: '012-idempotency-key-age' });
});
afterAll(async () => t?.close());

const delivery = (brandId: string, eventId: string, extra: { state?: string; attempts?: number; retry_at?: string | null } = {}) => ({
  id: newId('inbound'),
  source: 'easypost',
  source_event_id: eventId,
  brand_id: brandId,
  received_at: '2026-03-02T14:00:00.000Z',
  headers: '{"content-type":"application/json"}',
  body: `{"id":"${eventId}"}`,
  state: extra.state ?? 'received',
  processed_at: null,
  error: null,
  attempts: extra.attempts ?? 0,
  retry_at: extra.retry_at ?? null,
});

const insert = (row: ReturnType<typeof delivery>) =>
  t.deps.db
    .insertInto('inbound_events')
    .values(row)
    .onConflict((oc) => oc.columns(['brand_id', 'source', 'source_event_id']).doNothing())
    .returning('id')
    .executeTakeFirst();

async function indexNames(): Promise<string[]> {
  const query =
    dialectUnderTest() === 'postgres'
      ? sql<{ name: string }>`SELECT indexname AS name FROM pg_indexes WHERE tablename = 'inbound_events'`
      : sql<{ name: string }>`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'inbound_events'`;
  return (await query.execute(t.deps.db)).rows.map((r) => r.name);
}

describe('migration 013: inbound deliveries unique per brand', () => {
  it('keeps every stored delivery, then stores the same event id once for each brand', async () => {
    const parked = delivery(t.brand.id, 'evt_parked', { state: 'parked', attempts: 3, retry_at: '2026-03-02T16:00:00.000Z' });
    const processed = delivery(t.brand.id, 'evt_shared', { state: 'processed' });
    await t.deps.db.insertInto('inbound_events').values([parked, processed]).execute();
    const before = await t.deps.db.selectFrom('inbound_events').selectAll().orderBy('id').execute();

    expect(await migrateToLatest(t.deps.db)).toContain('013-inbound-events-per-brand');

    // As they were, with the columns later migrations add (024's failed_runs) at their defaults.
    const after = await t.deps.db.selectFrom('inbound_events').selectAll().orderBy('id').execute();
    expect(after.map(({ failed_runs: failedRuns, ...row }) => [row, failedRuns])).toEqual(before.map((row) => [row, 0]));
    expect(await indexNames()).toEqual(expect.arrayContaining(['inbound_events_state_idx', 'inbound_events_brand_state_idx']));
    const other = (await createBrand(t.deps.db, t.clock.now(), { name: 'Sister Brand' })).brand;
    expect(await insert(delivery(other.id, 'evt_shared'))).toBeDefined();
    expect(await insert(delivery(t.brand.id, 'evt_shared'))).toBeUndefined();
    const shared = await t.deps.db.selectFrom('inbound_events').select('brand_id').where('source_event_id', '=', 'evt_shared').orderBy('brand_id').execute();
    expect(shared.map((r) => r.brand_id).sort()).toEqual([t.brand.id, other.id].sort());
  });
});
