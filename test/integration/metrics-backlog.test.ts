// The backlog gauges of /metrics: what waits in the database, whichever process would run it.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { enqueueJob } from '../../src/jobs/queue.js';
import { newId } from '../../src/lib/ids.js';
import { createTestContext, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => {
  await t?.close();
});

const scrape = async () => {
  const res = await t.app.request('/metrics');
  expect(res.status).toBe(200);
  const text = await res.text();
  return (name: string) => text.split('\n').filter((line) => line.startsWith(name));
};

const inbound = (state: string) => ({
  id: newId('inbound'),
  source: 'shippo',
  source_event_id: `ev-${state}-${Math.random()}`,
  brand_id: t.brand.id,
  received_at: t.clock.now().toISOString(),
  headers: '{}',
  body: '{}',
  state,
  processed_at: null,
  error: null,
});

it('shows jobs due and not taken by kind with the oldest one’s wait (a kind no worker here handles too), dead letters, and deliveries waiting', async () => {
  await t.worker.drain();
  const before = await scrape();
  expect(before('waybill_jobs_due{')).toEqual([]);
  expect(before('waybill_inbound_deliveries_waiting{')).toEqual(['waybill_inbound_deliveries_waiting{state="received"} 0', 'waybill_inbound_deliveries_waiting{state="parked"} 0', 'waybill_inbound_deliveries_waiting{state="failed"} 0']);

  const now = t.clock.now();
  // Written by a newer version during a rolling upgrade: this worker never claims it.
  await enqueueJob(t.deps.db, now, { kind: 'from.a.newer.version', payload: {}, runAt: new Date(now.getTime() - 600_000) });
  await enqueueJob(t.deps.db, now, { kind: 'from.a.newer.version', payload: {}, runAt: new Date(now.getTime() - 60_000) });
  await enqueueJob(t.deps.db, now, { kind: 'from.a.newer.version', payload: {}, runAt: new Date(now.getTime() + 60_000) }); // not due yet
  await enqueueJob(t.deps.db, now, { kind: 'messages.send', payload: {}, idempotencyKey: 'backlog-dead' });
  await t.deps.db.updateTable('jobs').set({ state: 'dead' }).where('idempotency_key', '=', 'backlog-dead').execute();
  await t.deps.db.insertInto('inbound_events').values([inbound('parked'), inbound('parked'), inbound('failed'), inbound('processed')]).execute();
  await t.worker.drain();

  const after = await scrape();
  expect(after('waybill_jobs_due{')).toEqual(['waybill_jobs_due{kind="from.a.newer.version"} 2']);
  expect(after('waybill_jobs_oldest_due_seconds{')).toEqual(['waybill_jobs_oldest_due_seconds{kind="from.a.newer.version"} 600']);
  expect(after('waybill_jobs_dead{')).toEqual(['waybill_jobs_dead{kind="messages.send"} 1']);
  expect(after('waybill_inbound_deliveries_waiting{')).toEqual(['waybill_inbound_deliveries_waiting{state="received"} 0', 'waybill_inbound_deliveries_waiting{state="parked"} 2', 'waybill_inbound_deliveries_waiting{state="failed"} 1']);

  t.clock.advance(1_500); // the wait grows
  expect((await scrape())('waybill_jobs_oldest_due_seconds{')).toEqual(['waybill_jobs_oldest_due_seconds{kind="from.a.newer.version"} 601.5']);
});
