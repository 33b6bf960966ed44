// UPS labels (Shipping API) against the UPS emulator.
import { describe, expect, it } from 'vitest';
import { startUpsEmulator } from '../../src/carriers/ups/emulator.js';
import { upsLabels } from '../../src/carriers/ups/labels.js';
import { manualClock } from '../../src/lib/clock.js';
import { testContext } from './helpers/carrier-tests.js';
import { labelClientSuite, labelRequest } from './helpers/label-client-tests.js';

async function start() {
  const clock = manualClock('2026-03-02T15:00:00Z');
  const emulator = await startUpsEmulator({ clock });
  const ctx = testContext({ credentials: { clientId: emulator.clientId, clientSecret: emulator.clientSecret, accountNumber: emulator.accountNumber }, baseUrl: emulator.url, clock });
  return { ctx, labels: emulator.labels, close: emulator.close, emulator };
}

labelClientSuite({ carrier: 'ups', capability: upsLabels, service: 'ground', start });

describe('UPS label requests', () => {
  it('send the ShipmentRequest UPS documents: shipper number, service code, weight in pounds, our reference', async () => {
    const { ctx, emulator, close } = await start();
    try {
      const request = labelRequest({ service: '2nd_day_air' });
      await upsLabels.createLabel(ctx, request);
      const sent = emulator.state.log.find((r) => r.path === '/api/shipments/v2409/ship')!;
      const body = JSON.parse(sent.body).ShipmentRequest;
      expect(sent.method).toBe('POST');
      expect(sent.headers.transid).toMatch(/^[0-9a-f]{32}$/);
      expect(body.Shipment.Shipper.ShipperNumber).toBe(emulator.accountNumber);
      expect(body.Shipment.Service.Code).toBe('02');
      expect(body.Shipment.Package[0].PackageWeight).toEqual({ UnitOfMeasurement: { Code: 'LBS' }, Weight: '2.3' });
      expect(body.Shipment.Package[0].ReferenceNumber.map((r: { Value: string }) => r.Value)).toContain(request.reference);
      expect(body.LabelSpecification.LabelImageFormat.Code).toBe('PNG');
      expect(body.Shipment.ReturnService).toBeUndefined();
    } finally {
      await close();
    }
  });

  it('ask for a Print Return Label (ReturnService 9) on a return', async () => {
    const { ctx, emulator, close } = await start();
    try {
      await upsLabels.createLabel(ctx, labelRequest({ direction: 'return', format: 'zpl' }));
      const body = JSON.parse(emulator.state.log.find((r) => r.path.endsWith('/ship'))!.body).ShipmentRequest;
      expect(body.Shipment.ReturnService).toEqual({ Code: '9' });
      expect(body.LabelSpecification.LabelImageFormat.Code).toBe('ZPL');
    } finally {
      await close();
    }
  });

  it('refuse to call UPS without the account number', async () => {
    const { ctx, emulator, close } = await start();
    try {
      const without = { ...ctx, credentials: { clientId: emulator.clientId, clientSecret: emulator.clientSecret } };
      expect(upsLabels.accountProblem?.(without)).toMatch(/accountNumber/);
      const refused = await upsLabels.createLabel(without, labelRequest());
      expect(refused.ok).toBe(false);
      expect(emulator.labels.requests).toBe(0);
    } finally {
      await close();
    }
  });
});
