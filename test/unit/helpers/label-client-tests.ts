// The behaviours every carrier's label client must have, run against that carrier's emulator over
// real HTTP: labels in PDF and ZPL whose tracking number passes the carrier's check digit, return
// labels, the carrier's refusal of an address (naming the party), a timeout after the carrier
// charged (recovered without buying twice), voids, and a void after pickup refused with the
// carrier's words.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabelBookControls } from '../../../src/carriers/label-emulator.js';
import type { LabelCapability, LabelRequest } from '../../../src/carriers/label-types.js';
import { detectTrackingNumber } from '../../../src/carriers/tracking-numbers/index.js';
import type { CarrierContext } from '../../../src/carriers/types.js';
import { scanPdfBarcodes } from './scan-label.js';

export type LabelClientSetup = {
  carrier: string; // courier code in tracking-number detection: ups, fedex, usps
  capability: LabelCapability;
  start(): Promise<{ ctx: CarrierContext; labels: LabelBookControls; close(): Promise<void> }>;
  service: string;
};

let counter = 0;
export function labelRequest(overrides: Partial<LabelRequest> = {}): LabelRequest {
  counter += 1;
  const warehouse = { name: 'Northwind Outfitters', company: 'Northwind', phone: '+16145550100', line1: '500 W Broad St', city: 'Columbus', region: 'OH', postalCode: '43215', country: 'US' };
  return {
    reference: `lbl_test${String(counter).padStart(22, '0')}`,
    direction: 'outbound',
    service: 'ground',
    format: 'pdf',
    shipFrom: warehouse,
    shipTo: { name: 'Ada Lovelace', phone: '+14155550123', line1: '1 Infinite Loop', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
    shipper: warehouse,
    parcel: { weightOz: 36, dimensionsIn: { length: 12, width: 9, height: 4 } },
    orderNumber: `NW-${counter}`,
    shipDate: '2026-03-02',
    ...overrides,
  };
}

export function labelClientSuite(setup: LabelClientSetup): void {
  describe(`${setup.carrier} labels against the ${setup.carrier} emulator`, () => {
    let ctx: CarrierContext;
    let labels: LabelBookControls;
    let close: () => Promise<void>;
    const request = (overrides: Partial<LabelRequest> = {}) => labelRequest({ service: setup.service, ...overrides });

    beforeEach(async () => {
      ({ ctx, labels, close } = await setup.start());
    });
    afterEach(() => close());

    it('buys a PDF label whose barcode scans to a tracking number with a valid check digit', async () => {
      const bought = await setup.capability.createLabel(ctx, request());
      if (!bought.ok) throw new Error(bought.error.message);
      const { trackingNumber, documents } = bought.value;
      expect(detectTrackingNumber(trackingNumber).candidates.find((c) => c.valid)?.courier).toBe(setup.carrier);
      expect(documents).toHaveLength(1);
      expect(documents[0]).toMatchObject({ format: 'pdf', contentType: 'application/pdf' });
      expect(scanPdfBarcodes(documents[0]!.body)).toContain(trackingNumber);
      expect(labels.sold).toHaveLength(1);
    });

    it('buys a ZPL label for thermal printers', async () => {
      const bought = await setup.capability.createLabel(ctx, request({ format: 'zpl' }));
      if (!bought.ok) throw new Error(bought.error.message);
      const zpl = new TextDecoder().decode(bought.value.documents[0]!.body);
      expect(bought.value.documents[0]).toMatchObject({ format: 'zpl', contentType: 'application/zpl' });
      expect(zpl.startsWith('^XA')).toBe(true);
      expect(zpl).toContain(bought.value.trackingNumber);
    });

    it('buys a return label from the customer to the brand', async () => {
      const outbound = request();
      const bought = await setup.capability.createLabel(ctx, request({ direction: 'return', shipFrom: outbound.shipTo, shipTo: outbound.shipFrom }));
      if (!bought.ok) throw new Error(bought.error.message);
      expect(bought.value.trackingNumber).toMatch(/\S/);
    });

    it('passes on the carrier’s refusal of an address, naming the party', async () => {
      labels.rejectPostalCode('78701');
      const refused = await setup.capability.createLabel(ctx, request());
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      expect(refused.error).toMatchObject({ code: 'bad_request', retryable: false, field: 'shipTo' });
      expect(refused.error.carrierMessage).toMatch(/\S/);
      expect(labels.sold).toHaveLength(0);
    });

    it('after a timeout once the carrier charged, recovers without buying a second label', async () => {
      labels.timeoutAfterChargeNext({ delayMs: 1_500 });
      const label = request();
      const first = await setup.capability.createLabel({ ...ctx, timeoutMs: 300 }, label);
      expect(first.ok).toBe(false);
      if (first.ok) return;
      expect(first.error.code).toBe('timeout');
      expect(labels.sold).toHaveLength(1);
      const charged = labels.sold[0]!;

      if (setup.capability.idempotent) {
        // The same idempotency key: the carrier hands back the label it sold, and charges nothing more.
        const again = await setup.capability.createLabel(ctx, label);
        if (!again.ok) throw new Error(again.error.message);
        expect(again.value.trackingNumber).toBe(charged.trackingNumber);
        expect(labels.sold).toHaveLength(1);
        return;
      }
      const recovered = await setup.capability.recoverLabel(ctx, label);
      if (!recovered.ok) throw new Error(recovered.error.message);
      if (recovered.value) {
        // The carrier gave the label back: it is the one charged.
        expect(recovered.value.trackingNumber).toBe(charged.trackingNumber);
        expect(recovered.value.documents).toHaveLength(1);
        expect(charged.voided).toBe(false);
      } else {
        // The carrier cannot give it back: the stray label was voided, so a new purchase is the only one paid.
        expect(charged.voided).toBe(true);
      }
    });

    it('finds nothing to recover when the carrier sold nothing under the reference', async () => {
      if (setup.capability.idempotent) return; // recovery of an idempotent carrier is the same request again
      const recovered = await setup.capability.recoverLabel(ctx, request());
      expect(recovered).toEqual({ ok: true, value: null });
    });

    it('voids a label, and refuses a void after pickup with the carrier’s reason', async () => {
      const first = await setup.capability.createLabel(ctx, request());
      const second = await setup.capability.createLabel(ctx, request());
      if (!first.ok || !second.ok) throw new Error('the emulator sold no label');
      const ref = (label: typeof first.value) => ({ trackingNumber: label.trackingNumber, carrierReference: label.carrierReference ?? null, reference: 'x', shipDate: '2026-03-02' });
      expect(await setup.capability.voidLabel(ctx, ref(first.value))).toEqual({ ok: true, value: undefined });
      expect(labels.sold[0]!.voided).toBe(true);

      labels.markPickedUp(second.value.trackingNumber);
      const refused = await setup.capability.voidLabel(ctx, ref(second.value));
      expect(refused.ok).toBe(false);
      if (refused.ok) return;
      expect(refused.error).toMatchObject({ code: 'bad_request', retryable: false });
      expect(refused.error.carrierMessage).toMatch(/picked up|accept|scan|tendered/i);
      expect(labels.sold[1]!.voided).toBe(false);
    });
  });
}
