// Buying from the simulated carrier: the tracking number is drawn, the label drawn in PDF and ZPL,
// and then, in one transaction, the shipment, its journey (scan jobs), the purchase, its documents
// and the label event that moves the shipment to info_received (and sends "shipped").
import type { CarrierChoice } from './choice.js';
import type { LabelDocument } from '../carriers/label-types.js';
import { LABEL_CONTENT_TYPES } from '../carriers/label-types.js';
import { SIMULATED_LABELS, SIMULATED_NOTICE } from '../carriers/simulated/labels.js';
import { createSimulatedLabel, newSimulatedTrackingNumber } from '../carriers/simulated/runtime.js';
import type { Scenario } from '../carriers/simulated/journey.js';
import type { Deps } from '../deps.js';
import type { BrandRow, OrderRow, ShipmentRow } from '../db/schema.js';
import { newId } from '../lib/ids.js';
import { ingestEvents } from '../shipments/ingest.js';
import { pendingShipmentRow } from '../shipments/rows.js';
import { renderLabelPdf } from './render/pdf.js';
import type { LabelSheet } from './render/sheet.js';
import { renderLabelZpl } from './render/zpl.js';
import { purchaseRow } from './purchase-rows.js';
import { saveLabelDocuments } from './store.js';
import type { ValidLabel } from './validate.js';

export async function buySimulatedLabel(
  deps: Deps,
  input: { brand: BrandRow; order: OrderRow; label: ValidLabel; choice: CarrierChoice; direction: 'outbound' | 'return'; scenario?: Scenario },
): Promise<ShipmentRow> {
  const { brand, order, label, choice, direction } = input;
  const now = deps.clock.now();
  const trackingNumber = newSimulatedTrackingNumber();
  const sheet: LabelSheet = {
    carrierName: 'Waybill Simulated Carrier',
    serviceName: SIMULATED_LABELS.services[label.service as keyof typeof SIMULATED_LABELS.services]?.name ?? label.service,
    direction,
    trackingNumber,
    from: label.shipFrom,
    to: label.shipTo,
    weightOz: label.parcel.weightOz,
    orderNumber: order.number,
    shipDate: now.toISOString().slice(0, 10),
    notice: SIMULATED_NOTICE,
  };
  // Drawn before the transaction: the database is not held while pages are laid out.
  const documents: LabelDocument[] = [
    { format: 'pdf', contentType: LABEL_CONTENT_TYPES.pdf, body: await renderLabelPdf(sheet) },
    { format: 'zpl', contentType: LABEL_CONTENT_TYPES.zpl, body: new TextEncoder().encode(renderLabelZpl(sheet)) },
  ];
  return deps.db.transaction().execute(async (trx) => {
    const shipment = pendingShipmentRow({ brandId: brand.id, orderId: order.id, carrier: 'simulated', trackingNumber, service: label.service, direction, now });
    const sold = await createSimulatedLabel(trx, now, {
      brand,
      order,
      shipment,
      scenario: input.scenario,
      trackingNumber,
      route: { from: label.shipFrom, to: label.shipTo },
    });
    await trx.insertInto('shipments').values(shipment).execute();
    const purchase = purchaseRow({ id: newId('label'), brand, order, shipmentId: shipment.id, choice, label, direction, now, fingerprint: `simulated:${shipment.id}` });
    await trx.insertInto('label_purchases').values({ ...purchase, state: 'bought', open_fingerprint: null, tracking_number: trackingNumber, calls: 1, bought_at: now.toISOString() }).execute();
    await saveLabelDocuments(trx, purchase.id, documents, now);
    await ingestEvents(trx, now, [{ shipment, source: 'simulated', events: [sold.labelEvent], estimatedDelivery: sold.estimatedDelivery }]);
    return shipment;
  });
}
