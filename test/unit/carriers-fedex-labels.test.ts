// FedEx labels (Ship API) against the FedEx emulator.
import { describe, expect, it } from 'vitest';
import { startFedexEmulator } from '../../src/carriers/fedex/emulator.js';
import { fedexLabels } from '../../src/carriers/fedex/labels.js';
import { manualClock } from '../../src/lib/clock.js';
import { testContext } from './helpers/carrier-tests.js';
import { labelClientSuite, labelRequest } from './helpers/label-client-tests.js';

async function start() {
  const clock = manualClock('2026-03-02T15:00:00Z');
  const emulator = await startFedexEmulator({ clock });
  const ctx = testContext({ credentials: { clientId: emulator.clientId, clientSecret: emulator.clientSecret, accountNumber: emulator.accountNumber }, baseUrl: emulator.url, clock });
  return { ctx, labels: emulator.labels, close: emulator.close, emulator };
}

labelClientSuite({ carrier: 'fedex', capability: fedexLabels, service: 'ground', start });

describe('FedEx label requests', () => {
  it('send the shipment FedEx documents: account, service type, weight in pounds, our reference, sender pays', async () => {
    const { ctx, emulator, close } = await start();
    try {
      const request = labelRequest({ service: 'priority_overnight', format: 'zpl' });
      const bought = await fedexLabels.createLabel(ctx, request);
      expect(bought.ok).toBe(true);
      const body = JSON.parse(emulator.state.log.find((r) => r.path === '/ship/v1/shipments')!.body);
      expect(body.accountNumber).toEqual({ value: emulator.accountNumber });
      expect(body.requestedShipment).toMatchObject({
        serviceType: 'PRIORITY_OVERNIGHT',
        shipDatestamp: '2026-03-02',
        shippingChargesPayment: { paymentType: 'SENDER' },
        labelSpecification: { imageType: 'ZPLII', labelStockType: 'STOCK_4X6' },
      });
      expect(body.requestedShipment.requestedPackageLineItems[0].weight).toEqual({ units: 'LB', value: 2.3 });
      expect(body.requestedShipment.requestedPackageLineItems[0].customerReferences[0]).toEqual({ customerReferenceType: 'CUSTOMER_REFERENCE', value: request.reference });
      expect(body.requestedShipment.recipients[0].contact.phoneNumber).toBe('4155550123');
    } finally {
      await close();
    }
  });

  it('ask for a Print Return Label paid by the brand, with the customer as shipper', async () => {
    const { ctx, emulator, close } = await start();
    try {
      const outbound = labelRequest();
      await fedexLabels.createLabel(ctx, labelRequest({ direction: 'return', shipFrom: outbound.shipTo, shipTo: outbound.shipFrom }));
      const shipment = JSON.parse(emulator.state.log.find((r) => r.path === '/ship/v1/shipments')!.body).requestedShipment;
      expect(shipment.shipmentSpecialServices).toEqual({ specialServiceTypes: ['RETURN_SHIPMENT'], returnShipmentDetail: { returnType: 'PRINT_RETURN_LABEL' } });
      expect(shipment.shippingChargesPayment).toEqual({ paymentType: 'RECIPIENT', payor: { responsibleParty: { accountNumber: { value: emulator.accountNumber } } } });
      expect(shipment.shipper.address.postalCode).toBe('78701');
    } finally {
      await close();
    }
  });

  it('name the customer’s address when FedEx rejects the shipper of a return', async () => {
    const { ctx, emulator, close } = await start();
    try {
      emulator.labels.rejectPostalCode('78701');
      const outbound = labelRequest();
      const refused = await fedexLabels.createLabel(ctx, labelRequest({ direction: 'return', shipFrom: outbound.shipTo, shipTo: outbound.shipFrom }));
      expect(refused.ok).toBe(false);
      if (!refused.ok) expect(refused.error).toMatchObject({ field: 'shipFrom', carrierCode: 'SHIPPER.POSTALSTATE.MISMATCH' });
    } finally {
      await close();
    }
  });
});
