// The reconcile job's replay of an unsettled USPS purchase (the same X-Idempotency-Key), against the
// USPS emulator over real HTTP: only USPS's refusal of the request itself (400 with its error body)
// says no label was sold; a 429, a 5xx or an answer from the wrong place keeps the purchase unknown
// and asked again, and refused credentials park it until the connection is saved again.
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startUspsEmulator, type UspsEmulator } from '../../src/carriers/usps/emulator.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
let usps: UspsEmulator;
const PARCEL = { weight: { value: 2, unit: 'lb' }, dimensions: { length: 12, width: 9, height: 4, unit: 'in' } };
const SHIP_FROM = { name: 'Shipping Desk', company: 'Test Brand', line1: '500 W Broad St', city: 'Columbus', region: 'OH', postalCode: '43215', country: 'US', phone: '+16145550100' };

const connect = (baseUrl = usps.url) =>
  t.request('PUT', '/v1/carriers/usps/connection', { credentials: { clientId: 'test-client-id', clientSecret: 'test-client-secret', ...usps.paymentAccount }, baseUrl });

beforeAll(async () => {
  t = await createTestContext({ env: { CARRIER_TIMEOUT_MS: '1000' } });
  usps = await startUspsEmulator();
  expect((await connect()).json.status).toBe('connected');
  expect((await t.request('PATCH', '/v1/brand/settings', { shipFrom: SHIP_FROM })).status).toBe(200);
});
afterAll(async () => {
  await usps?.close();
  await t?.close();
});

const purchaseOf = (purchaseId: string) => t.deps.db.selectFrom('label_purchases').selectAll().where('id', '=', purchaseId).executeTakeFirstOrThrow();
const reconcileJob = (purchaseId: string) => t.deps.db.selectFrom('jobs').selectAll().where('idempotency_key', '=', `label-reconcile:${purchaseId}`).executeTakeFirstOrThrow();

/** A USPS purchase left `unknown`: `charged`, USPS sold the label and answered too late; otherwise it answered 503 and sold nothing. */
async function unsettledPurchase(options: { charged: boolean; postalCode?: string }) {
  const body = orderBody();
  const order = await t.request('POST', '/v1/orders', { ...body, destination: { ...body.destination, city: 'Springfield', region: 'IL', postalCode: options.postalCode ?? '62701' } });
  expect(order.status).toBe(201);
  const sold = usps.labels.sold.length;
  if (options.charged) usps.labels.timeoutAfterChargeNext({ delayMs: 4_000 });
  else usps.failNext({ status: 503, route: 'labels' });
  const first = await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'usps', service: 'ground_advantage', label: true, parcel: PARCEL });
  expect(first.status).toBe(503);
  expect(usps.labels.sold.length).toBe(sold + (options.charged ? 1 : 0));
  const purchaseId = first.json.error.details.purchaseId as string;
  const listed = async () => ((await t.request('GET', '/v1/label-purchases')).json.data as Array<Record<string, unknown>>).find((p) => p.id === purchaseId);
  const check = async () => {
    t.clock.advance(Math.max(0, Date.parse((await reconcileJob(purchaseId)).run_at) - t.clock.now().getTime()));
    await t.worker.drain();
  };
  return { purchaseId, charged: options.charged ? usps.labels.sold.at(-1)! : null, listed, check };
}

it('a replay USPS throttles (429) or fails (503) is not "no label sold": the purchase stays unknown, is asked again, and the label USPS sold is voided once it answers', async () => {
  const { purchaseId, charged, listed, check } = await unsettledPurchase({ charged: true });

  usps.failNext({ status: 429, retryAfter: 120, route: 'labels' });
  await check();
  expect(await purchaseOf(purchaseId)).toMatchObject({ state: 'unknown', unresolved: null });
  expect(await listed()).toMatchObject({ state: 'unknown', unresolved: null, checks: 1, lastError: expect.stringMatching(/Too many requests/) });
  expect(await reconcileJob(purchaseId)).toMatchObject({ state: 'queued', run_at: new Date(t.clock.now().getTime() + 5 * 60_000).toISOString() });

  usps.failNext({ status: 503, route: 'labels' });
  await check();
  expect(await listed()).toMatchObject({ state: 'unknown', unresolved: null, checks: 2 });

  await check();
  expect(charged!.voided).toBe(true);
  expect(await purchaseOf(purchaseId)).toMatchObject({ state: 'voided', tracking_number: charged!.trackingNumber });
  expect(await listed()).toBeUndefined();
});

it('a replay USPS answers with refused credentials (403) parks the purchase as carrier_refused_credentials; saving the connection again resumes it and the label is voided', async () => {
  const { purchaseId, charged, listed, check } = await unsettledPurchase({ charged: true });

  usps.failNext({ status: 403, route: 'labels' });
  await check();
  expect(await listed()).toMatchObject({
    state: 'unknown',
    unresolved: 'carrier_refused_credentials',
    nextCheckAt: null,
    checks: 1,
    lastError: expect.stringMatching(/^unresolved: USPS refused the account’s credentials .*PUT \/v1\/carriers\/usps\/connection/),
  });
  expect(charged!.voided).toBe(false);
  expect((await reconcileJob(purchaseId)).state).toBe('done'); // no hourly refusals for ever
  t.clock.advance(6 * 3_600_000);
  await t.worker.drain();
  expect(await reconcileJob(purchaseId)).toMatchObject({ state: 'done', attempts: 1 });

  expect((await connect()).json.status).toBe('connected');
  expect(await listed()).toMatchObject({ state: 'unknown', unresolved: null, nextCheckAt: t.clock.now().toISOString() });
  await t.worker.drain();
  expect(charged!.voided).toBe(true);
  expect(await purchaseOf(purchaseId)).toMatchObject({ state: 'voided', unresolved: null });
});

it('only USPS’s refusal of the request itself settles a purchase as failed: a 404 from a wrong base URL keeps it unknown, USPS refusing the address (400) closes it, and nothing is sold', async () => {
  const { purchaseId, listed, check } = await unsettledPurchase({ charged: false, postalCode: '62702' });
  const sold = usps.labels.sold.length;

  await t.deps.db.updateTable('carrier_connections').set({ base_url: `${usps.url}/nowhere` }).where('brand_id', '=', t.brand.id).where('carrier', '=', 'usps').execute();
  await check();
  expect(await listed()).toMatchObject({ state: 'unknown', unresolved: null, checks: 1 });

  await t.deps.db.updateTable('carrier_connections').set({ base_url: usps.url }).where('brand_id', '=', t.brand.id).where('carrier', '=', 'usps').execute();
  usps.labels.rejectPostalCode('62702');
  await check();
  expect(await purchaseOf(purchaseId)).toMatchObject({ state: 'failed', error: expect.stringMatching(/USPS sold no label for this attempt/) });
  expect(await listed()).toBeUndefined();
  expect(usps.labels.sold.length).toBe(sold);
});
