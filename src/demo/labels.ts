// The demo brand's shipping setup (a warehouse address on every label, a default parcel, the
// simulated carrier by default, one routing rule), and its labels as PDFs on a demo-only page
// address, so the start page can link them without an API key.
import type { Context } from 'hono';
import { updateBrandSettings } from '../brands/repo.js';
import type { BrandSettings } from '../brands/settings.js';
import type { Deps } from '../deps.js';
import type { BrandRow } from '../db/schema.js';
import { loadShipmentLabel } from '../labels/index.js';
import { createRoutingRule } from '../labels/rules-store.js';

export const DEMO_SHIPPING: Pick<BrandSettings, 'shipFrom' | 'shipping'> = {
  shipFrom: { name: 'Northwind Shipping Desk', company: 'Northwind Outfitters', phone: '+16145550100', line1: '500 W Broad St', city: 'Columbus', region: 'OH', postalCode: '43215', country: 'US' },
  shipping: { defaultCarrier: 'simulated', defaultService: 'ground', defaultParcel: { weight: { value: 1.4, unit: 'lb' }, dimensions: { length: 12, width: 9, height: 4, unit: 'in' } } },
};

/** Saves the demo brand's shipping settings and its one routing rule (the West Coast goes express). */
export async function setUpDemoShipping(deps: Deps, brand: BrandRow): Promise<BrandRow> {
  const settings = JSON.stringify(await updateBrandSettings(deps, brand.id, (current) => ({ ...current, ...DEMO_SHIPPING })));
  await createRoutingRule(deps, brand.id, { name: 'West Coast goes express', conditions: { regions: ['US-CA', 'US-WA', 'US-OR'] }, carrier: 'simulated', service: 'express' });
  return { ...brand, settings };
}

export const demoLabelPath = (shipmentId: string) => `/demo/labels/${shipmentId}.pdf`;

/** GET /demo/labels/{shipmentId}.pdf: a demo shipment's label, inline. */
export async function serveDemoLabel(deps: Deps, brandId: string, c: Context): Promise<Response> {
  const shipmentId = (c.req.param('file') ?? '').replace(/\.pdf$/, '');
  const label = await loadShipmentLabel(deps, brandId, shipmentId, 'pdf');
  if (!label) return c.text('No label for this shipment', 404);
  return c.body(Buffer.from(label.body), 200, { 'content-type': label.contentType, 'content-disposition': `inline; filename="${label.filename}"` });
}
