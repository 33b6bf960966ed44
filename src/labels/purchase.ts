// Buying a label for an order: choose the carrier and service (named, a routing rule, or the
// brand's default), check everything the carrier will need, then buy from the simulated carrier
// (in-process) or from a carrier's label API through the brand's account (./carrier-purchase.ts).
import type { CreateShipmentInput } from '../api/schemas.js';
import { getBrand } from '../brands/repo.js';
import { settingsOf } from '../brands/settings.js';
import type { LabelFormat } from '../carriers/label-types.js';
import { carrierAdapter } from '../carriers/registry.js';
import { SIMULATED_DEFAULT_WEIGHT } from '../carriers/simulated/labels.js';
import { DEFAULT_ORIGIN } from '../carriers/simulated/runtime.js';
import type { Deps } from '../deps.js';
import type { BrandRow, OrderRow, ShipmentRow } from '../db/schema.js';
import { AppError, type FieldProblem } from '../lib/errors.js';
import { decideCarrier, labelCarriers, labelRulesOf, shipmentFacts } from './decide.js';
import { buyCarrierLabel } from './carrier-purchase.js';
import { buySimulatedLabel } from './simulated.js';
import { type LabelDraft, shipmentParcel, validateLabel } from './validate.js';

export async function purchaseLabel(deps: Deps, cachedBrand: BrandRow, order: OrderRow, input: CreateShipmentInput): Promise<ShipmentRow> {
  // The authenticated brand may be seconds old; addresses and rules must be the ones just saved.
  const brand = (await getBrand(deps.db, cachedBrand.id)) ?? cachedBrand;
  const settings = settingsOf(brand);
  const destination = JSON.parse(order.destination) as LabelDraft['destination'];
  const direction = input.direction ?? 'outbound';
  const parcel = shipmentParcel(input.parcel, settings.shipping?.defaultParcel);
  const facts = shipmentFacts({ destination, parcel, serviceLevel: input.serviceLevel, direction });
  const choice = await decideCarrier(deps, brand, { carrier: input.carrier, service: input.service, serviceLevel: input.serviceLevel }, facts);
  const rules = labelRulesOf(choice.carrier);
  if (!rules) {
    throw new AppError('validation_failed', `Waybill cannot buy ${choice.carrier} labels (it can buy: ${labelCarriers().join(', ')}); send the trackingNumber of a label you bought elsewhere`, [
      { field: input.carrier ? 'carrier' : 'label', problem: `${choice.carrier} labels are not sold through Waybill (${choice.reason})` },
    ]);
  }
  if (input.scenario && choice.carrier !== 'simulated') {
    throw new AppError('validation_failed', 'scenario applies to the simulated carrier only', [{ field: 'scenario', problem: 'only for carrier simulated' }]);
  }
  const draft: LabelDraft = {
    carrierName: choice.carrier === 'simulated' ? 'the simulated carrier' : (carrierAdapter(choice.carrier)?.name ?? choice.carrier),
    direction,
    service: choice.service,
    format: input.labelFormat ?? (settings.shipping?.labelFormat as LabelFormat | undefined) ?? 'pdf',
    brand: { name: brand.name, shipFrom: settings.shipFrom, returnTo: settings.returnTo },
    customer: { name: order.customer_name, email: order.customer_email, phone: order.customer_phone },
    destination,
    // The parcel routing saw; only a simulated parcel that neither the request nor the brand weighed is printed as one pound.
    parcel: choice.carrier === 'simulated' && !parcel?.weight ? { ...parcel, weight: SIMULATED_DEFAULT_WEIGHT } : parcel,
    fallbackOrigin: settings.origin ?? DEFAULT_ORIGIN,
  };
  const valid = validateLabel(draft, rules);
  if (!valid.ok) throw labelProblems(draft.carrierName, valid.error);
  if (choice.carrier === 'simulated') return buySimulatedLabel(deps, { brand, order, label: valid.value, choice, direction, scenario: input.scenario });
  return buyCarrierLabel(deps, { brand, order, label: valid.value, choice, direction });
}

function labelProblems(carrierName: string, problems: FieldProblem[]): AppError {
  return new AppError('validation_failed', `cannot buy a ${carrierName} label yet: ${problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`, problems);
}
