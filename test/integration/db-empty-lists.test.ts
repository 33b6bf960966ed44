// A list computed at run time may be empty (every shipment of a job deleted meanwhile): `IN ()` must
// mean "no row" and `NOT IN ()` "every row" on both databases (PostgreSQL alone refuses `IN ()`).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notifyStatusChangedMany } from '../../src/notifications/pipeline.js';
import { createTestContext, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

describe('an empty list in a query', () => {
  it('matches no row with in, every row with not in, in selects, updates and deletes', async () => {
    const brands = await t.deps.db.selectFrom('brands').select('id').execute();
    expect(brands.length).toBeGreaterThan(0);
    expect(await t.deps.db.selectFrom('brands').select('id').where('id', 'in', []).execute()).toEqual([]);
    expect(await t.deps.db.selectFrom('brands').select('id').where('id', 'not in', []).execute()).toEqual(brands);
    // Inside a larger condition too.
    const either = await t.deps.db
      .selectFrom('brands')
      .select('id')
      .where((eb) => eb.or([eb('id', 'in', []), eb('id', '=', t.brand.id)]))
      .execute();
    expect(either).toEqual([{ id: t.brand.id }]);
    const updated = await t.deps.db.updateTable('brands').set({ name: 'never' }).where('id', 'in', []).executeTakeFirst();
    expect(Number(updated.numUpdatedRows)).toBe(0);
    const deleted = await t.deps.db.deleteFrom('api_keys').where('brand_id', 'in', []).executeTakeFirst();
    expect(Number(deleted.numDeletedRows)).toBe(0);
    expect((await t.deps.db.selectFrom('brands').select('name').where('id', '=', t.brand.id).executeTakeFirstOrThrow()).name).not.toBe('never');
  });

  it('leaves queries without one as they were', () => {
    const query = t.deps.db.selectFrom('brands').select('id').where('id', 'in', ['a', 'b']).compile();
    expect(query.sql).not.toContain('select null');
    expect(query.parameters).toEqual(['a', 'b']);
  });

  it('lets a status change whose shipment is gone announce nothing, without failing its job', async () => {
    const view = { status: 'in_transit' as const, reason: null, delayed: false, correction: false };
    await expect(
      notifyStatusChangedMany(t.deps, [{ shipmentId: 'shp_gone', brandId: t.brand.id, orderId: 'ord_gone', from: view, to: { ...view, status: 'delivered' }, headEventId: null }]),
    ).resolves.toBeUndefined();
    expect(await t.deps.db.selectFrom('messages').select('id').where('shipment_id', '=', 'shp_gone').execute()).toEqual([]);
  });
});
