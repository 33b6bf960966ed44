// USPS labels (Labels v3, paid through Payments v3) against the USPS emulator.
import { describe, expect, it } from 'vitest';
import { startUspsEmulator } from '../../src/carriers/usps/emulator.js';
import { uspsAdapter } from '../../src/carriers/usps/index.js';
import { labelRequestBody, replayRefused } from '../../src/carriers/usps/label-format.js';
import { uspsLabels } from '../../src/carriers/usps/labels.js';
import { manualClock } from '../../src/lib/clock.js';
import { testContext } from './helpers/carrier-tests.js';
import { labelClientSuite, labelRequest } from './helpers/label-client-tests.js';

async function start() {
  const clock = manualClock('2026-03-02T15:00:00Z');
  const emulator = await startUspsEmulator({ clock });
  const credentials = { clientId: 'test-client-id', clientSecret: 'test-client-secret', ...emulator.paymentAccount };
  const ctx = testContext({ credentials, baseUrl: emulator.url, clock });
  return { ctx, labels: emulator.labels, close: emulator.close, emulator, clock };
}

labelClientSuite({ carrier: 'usps', capability: uspsLabels, service: 'ground_advantage', start });

describe('USPS label requests', () => {
  it('authorize payment once with the brand’s account (PAYER and LABEL_OWNER), then send it with every label', async () => {
    const { ctx, emulator, close } = await start();
    try {
      const request = labelRequest({ service: 'priority_mail' });
      expect((await uspsLabels.createLabel(ctx, request)).ok).toBe(true);
      expect((await uspsLabels.createLabel(ctx, labelRequest({ service: 'priority_mail' }))).ok).toBe(true);
      const payments = emulator.requests.filter((r) => r.path === '/payments/v3/payment-authorization');
      expect(payments).toHaveLength(1);
      const roles = JSON.parse(payments[0]!.body).roles;
      expect(roles.map((r: { roleName: string }) => r.roleName)).toEqual(['PAYER', 'LABEL_OWNER']);
      expect(roles[0]).toMatchObject({ CRID: emulator.paymentAccount.crid, MID: emulator.paymentAccount.mid, accountType: 'EPS', accountNumber: emulator.paymentAccount.accountNumber });
      const label = emulator.requests.find((r) => r.path === '/labels/v3/label')!;
      expect(label.headers['x-payment-authorization-token']).toMatch(/\S/);
      expect(label.headers['x-idempotency-key']).toBe(request.reference);
      const body = JSON.parse(label.body);
      expect(body.packageDescription).toMatchObject({ mailClass: 'PRIORITY_MAIL', weightUOM: 'lb', weight: 2.25, dimensionsUOM: 'in', length: 12, mailingDate: '2026-03-02' });
      expect(body.toAddress).toMatchObject({ firstName: 'Ada', lastName: 'Lovelace', ZIPCode: '78701', state: 'TX' });
      expect(body.imageInfo).toMatchObject({ imageType: 'PDF', labelType: '4X6LABEL' });
    } finally {
      await close();
    }
  });

  it('declare the weight in pounds rounded up to the hundredth, never under what the parcel weighs', () => {
    const weight = (weightOz: number) => labelRequestBody(labelRequest({ parcel: { weightOz, dimensionsIn: { length: 10, width: 8, height: 4 } } })).packageDescription.weight;
    expect(weight(16.07)).toBe(1.01); // 1.0044 lb: rounding to nearest sent 1
    expect(weight(16)).toBe(1);
    expect(weight(32.8)).toBe(2.05); // 2.05 exactly stays 2.05 (no step added by float noise)
    expect(weight(0.05)).toBe(0.01);
  });

  it('send a return through /labels/v3/return-label', async () => {
    const { ctx, emulator, close } = await start();
    try {
      const outbound = labelRequest();
      const bought = await uspsLabels.createLabel(ctx, labelRequest({ service: 'ground_advantage', direction: 'return', shipFrom: outbound.shipTo, shipTo: outbound.shipFrom }));
      expect(bought.ok).toBe(true);
      expect(emulator.requests.some((r) => r.path === '/labels/v3/return-label')).toBe(true);
    } finally {
      await close();
    }
  });

  it('refuse without a payment account, naming what is missing, and make no call', async () => {
    const { ctx, emulator, close } = await start();
    try {
      const trackingOnly = { ...ctx, credentials: { clientId: 'test-client-id', clientSecret: 'test-client-secret' } };
      expect(uspsLabels.accountProblem?.(trackingOnly)).toMatch(/crid, mid, accountNumber/);
      expect((await uspsLabels.createLabel(trackingOnly, labelRequest({ service: 'ground_advantage' }))).ok).toBe(false);
      expect(emulator.labels.requests).toBe(0);
      expect(uspsAdapter.credentialsSchema.safeParse({ clientId: 'a', clientSecret: 'b' }).success).toBe(true);
      expect(uspsAdapter.credentialsSchema.safeParse({ clientId: 'a', clientSecret: 'b', mid: '12' }).success).toBe(false);
    } finally {
      await close();
    }
  });

  it('pass on USPS’s refusal of a payment account it does not know', async () => {
    const { ctx, emulator, close } = await start();
    try {
      const wrong = { ...ctx, credentials: { ...(ctx.credentials as object), accountNumber: '999' } };
      const refused = await uspsLabels.createLabel(wrong, labelRequest({ service: 'ground_advantage' }));
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error).toMatchObject({ code: 'auth_failed', carrierCode: 'PAYMENT_ACCOUNT_INVALID' });
      expect(emulator.labels.sold).toHaveLength(0);
    } finally {
      await close();
    }
  });

  it('recover by sending the purchase again under the same key: the label sold, null only when USPS refuses the request itself, an error for anything else', async () => {
    const { ctx, emulator, close } = await start();
    try {
      const request = labelRequest({ service: 'ground_advantage' });
      const sold = await uspsLabels.createLabel(ctx, request);
      if (!sold.ok) throw new Error(sold.error.message);
      for (const [status, code] of [[429, 'rate_limited'], [503, 'unavailable'], [403, 'auth_failed']] as const) {
        emulator.failNext({ status, route: 'labels' });
        const replay = await uspsLabels.recoverLabel(ctx, request);
        expect(replay).toMatchObject({ ok: false, error: { code } });
      }
      expect(await uspsLabels.recoverLabel(ctx, request)).toMatchObject({ ok: true, value: { trackingNumber: sold.value.trackingNumber } });

      const other = labelRequest({ service: 'ground_advantage', shipTo: { ...request.shipTo, postalCode: '94105' } });
      emulator.labels.rejectPostalCode('94105');
      expect(await uspsLabels.recoverLabel(ctx, other)).toEqual({ ok: true, value: null });
      expect(emulator.labels.sold).toHaveLength(1);
    } finally {
      await close();
    }
  });

  it('read only a 400 with USPS’s error body as a refusal of the replayed request', () => {
    const body = (code: string) => ({ apiVersion: '3.0', error: { code: '400', message: 'Bad Request', errors: [{ status: '400', code, title: 'Bad Request', detail: 'Address Not Found.' }] } });
    expect(replayRefused(400, body('ADDRESS_NOT_FOUND'))).toBe(true);
    expect(replayRefused(400, undefined)).toBe(false); // not USPS's answer
    expect(replayRefused(404, body('NOT_FOUND'))).toBe(false);
    expect(replayRefused(409, body('CONFLICT'))).toBe(false);
    expect(replayRefused(403, body('FORBIDDEN'))).toBe(false);
    expect(replayRefused(429, body('TOO_MANY_REQUESTS'))).toBe(false);
    expect(replayRefused(503, body('SERVICE_UNAVAILABLE'))).toBe(false);
  });
});
