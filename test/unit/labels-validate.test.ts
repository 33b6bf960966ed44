// Everything checked before a carrier is called, each problem naming its field.
import { describe, expect, it } from 'vitest';
import { type LabelDraft, type LabelRules, shipmentParcel, validateLabel } from '../../src/labels/validate.js';
import { upsLabels } from '../../src/carriers/ups/labels.js';
import { uspsLabels } from '../../src/carriers/usps/labels.js';
import { SIMULATED_LABELS } from '../../src/carriers/simulated/labels.js';

const ups: LabelRules = { ...upsLabels, phoneRequired: true, streetRequired: true };
const usps: LabelRules = { ...uspsLabels, phoneRequired: false, streetRequired: true };
const simulated: LabelRules = { ...SIMULATED_LABELS, phoneRequired: false, streetRequired: false };
const warehouse = { name: 'Shipping Desk', company: 'Northwind', phone: '+16145550100', line1: '500 W Broad St', city: 'Columbus', region: 'OH', postalCode: '43215', country: 'US' };
const draft = (overrides: Partial<LabelDraft> = {}): LabelDraft => ({
  carrierName: 'UPS',
  direction: 'outbound',
  service: 'ground',
  format: 'pdf',
  brand: { name: 'Northwind', shipFrom: warehouse },
  customer: { name: 'Ada Lovelace', email: 'ada@example.com', phone: null },
  destination: { line1: '1 Infinite Loop', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' },
  parcel: { weight: { value: 2, unit: 'lb' } },
  ...overrides,
});
const fields = (result: ReturnType<typeof validateLabel>) => (result.ok ? [] : result.error.map((p) => p.field));

describe('validateLabel', () => {
  it('turns a good draft into addresses, parcel in ounces and inches, the brand as shipper', () => {
    const result = validateLabel(draft({ parcel: { weight: { value: 1, unit: 'kg' }, dimensions: { length: 30, width: 20, height: 10, unit: 'cm' } } }), ups);
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    expect(result.value.parcel).toEqual({ weightOz: 35.27, dimensionsIn: { length: 11.81, width: 7.87, height: 3.94 } });
    expect(result.value.shipFrom).toMatchObject({ line1: '500 W Broad St' });
    expect(result.value.shipTo).toMatchObject({ name: 'Ada Lovelace', postalCode: '78701', phone: '+16145550100' }); // UPS wants a phone: the brand's
  });

  it('reverses the parties for a return, to the return address when the brand has one', () => {
    const returnTo = { ...warehouse, name: 'Returns', line1: '77 Dock Rd', city: 'Indianapolis', region: 'IN', postalCode: '46201' };
    const result = validateLabel(draft({ direction: 'return', brand: { name: 'Northwind', shipFrom: warehouse, returnTo } }), ups);
    if (!result.ok) throw new Error('invalid');
    expect(result.value.shipFrom.name).toBe('Ada Lovelace');
    expect(result.value.shipTo.line1).toBe('77 Dock Rd');
    expect(result.value.shipper.line1).toBe('500 W Broad St');
  });

  it('gives a return address without a phone the ship-from phone, on outbound and return labels alike', () => {
    const returnTo = { name: 'Returns', line1: '77 Dock Rd', city: 'Indianapolis', region: 'IN', postalCode: '46201', country: 'US' };
    const brand = { name: 'Northwind', shipFrom: warehouse, returnTo };
    expect(fields(validateLabel(draft({ brand }), ups))).toEqual([]);
    const back = validateLabel(draft({ direction: 'return', brand }), ups);
    if (!back.ok) throw new Error(JSON.stringify(back.error));
    expect(back.value.shipTo).toMatchObject({ line1: '77 Dock Rd', phone: '+16145550100' });
    // Without a ship-from phone either, both are named.
    expect(fields(validateLabel(draft({ brand: { ...brand, shipFrom: { ...warehouse, phone: undefined } } }), ups))).toEqual(['brand.shipFrom.phone', 'order.destination.phone', 'brand.returnTo.phone']);
  });

  it('names a missing weight, and uses the brand’s default parcel when the shipment has none', () => {
    expect(fields(validateLabel(draft({ parcel: undefined }), ups))).toEqual(['parcel.weight']);
    expect(validateLabel(draft({ parcel: shipmentParcel(undefined, { weight: { value: 12, unit: 'oz' } }) }), ups).ok).toBe(true);
  });

  it('completes the shipment’s parcel part by part from the brand’s default parcel', () => {
    const box = { length: 12, width: 9, height: 4, unit: 'in' as const };
    const defaults = { weight: { value: 12, unit: 'oz' as const }, dimensions: box };
    expect(shipmentParcel(undefined, defaults)).toEqual(defaults);
    expect(shipmentParcel({ dimensions: { ...box, height: 2 } }, defaults)).toEqual({ weight: { value: 12, unit: 'oz' }, dimensions: { ...box, height: 2 } });
    expect(shipmentParcel({ weight: { value: 2, unit: 'lb' } }, defaults)).toEqual({ weight: { value: 2, unit: 'lb' }, dimensions: box });
    expect(shipmentParcel({ weight: { value: 2, unit: 'lb' } }, undefined)).toEqual({ weight: { value: 2, unit: 'lb' } });
    expect(shipmentParcel(undefined, undefined)).toBeUndefined();
  });

  it('names each address problem: no ship-from, bad postal code, missing state, missing phone', () => {
    expect(fields(validateLabel(draft({ brand: { name: 'N' } }), ups))).toEqual(['brand.shipFrom']);
    const bad = draft({ destination: { line1: '1 Main', city: 'Austin', region: 'Texas', postalCode: '7870', country: 'US' }, brand: { name: 'N', shipFrom: { ...warehouse, phone: undefined } } });
    expect(fields(validateLabel(bad, ups))).toEqual(['brand.shipFrom.phone', 'order.destination.postalCode', 'order.destination.region', 'order.destination.phone']);
    expect(fields(validateLabel(draft({ destination: { line1: '210 King St W', city: 'Toronto', region: 'ON', postalCode: 'M5H1J9', country: 'CA' } }), ups))).toEqual(['order.destination.country']);
  });

  it('applies each carrier’s limits: USPS needs dimensions, 70 lb at most, domestic only', () => {
    expect(fields(validateLabel(draft({ carrierName: 'USPS', service: 'ground_advantage' }), usps))).toEqual(['parcel.dimensions']);
    expect(fields(validateLabel(draft({ carrierName: 'USPS', service: 'ground_advantage', parcel: { weight: { value: 80, unit: 'lb' }, dimensions: { length: 10, width: 10, height: 10, unit: 'in' } } }), usps))).toEqual(['parcel.weight']);
    expect(fields(validateLabel(draft({ parcel: { weight: { value: 2, unit: 'lb' }, dimensions: { length: 60, width: 30, height: 30, unit: 'in' } } }), ups))).toEqual(['parcel.dimensions']);
    expect(fields(validateLabel(draft({ service: 'teleport', format: 'zpl' }), { ...ups, formats: ['pdf'] }))).toEqual(['service', 'labelFormat']);
  });

  it('lets the simulated carrier ship from the brand’s origin city when no street address is set', () => {
    const result = validateLabel(draft({ carrierName: 'the simulated carrier', brand: { name: 'Northwind' }, fallbackOrigin: { city: 'Columbus', region: 'OH', country: 'US' } }), simulated);
    expect(result.ok && result.value.shipFrom).toMatchObject({ name: 'Northwind', city: 'Columbus' });
  });
});
