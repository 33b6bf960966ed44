// Buying a label for an order: choose the carrier and service (named, a routing rule, or the
// brand's default), check everything the carrier will need, then buy from the simulated carrier
// (in-process) or from a carrier's label API through the brand's account (./carrier-purchase.ts).
import type { CreateShipmentInput } from '../api/schemas.js';
import { getBrand } from '../brands/repo.js';
import { settingsOf } from '../brands/settings.js';
import type { LabelCapability, LabelFormat, ServiceLevel } from '../carriers/label-types.js';
import { carrierAdapter } from '../carriers/registry.js';
import { SIMULATED_DEFAULT_WEIGHT, SIMULATED_LABELS } from '../carriers/simulated/labels.js';
import { DEFAULT_ORIGIN } from '../carriers/simulated/runtime.js';
import type { Deps } from '../deps.js';
import type { BrandRow, OrderRow, ShipmentRow } from '../db/schema.js';
import { AppError, type FieldProblem } from '../lib/errors.js';
import { type CarrierChoice, chooseCarrier, type ShipmentFacts } from './choice.js';
import { activeRoutingRules } from './rules-store.js';
import { buyCarrierLabel } from './carrier-purchase.js';
import { buySimulatedLabel } from './simulated.js';
import { toOunces } from './units.js';
import { type LabelDraft, type LabelRules, validateLabel } from './validate.js';

/** Carriers Waybill buys labels from: the simulated one and every adapter with the labels capability. */
export const labelCarriers = (): string[] => ['simulated', ...['ups', 'fedex', 'usps', 'dhl'].filter((code) => carrierAdapter(code)?.labels)];

export function labelRulesOf(carrier: string): (LabelRules & Pick<LabelCapability, 'defaultServices'>) | null {
  if (carrier === 'simulated') return { ...SIMULATED_LABELS, phoneRequired: false, streetRequired: false };
  const capability = carrierAdapter(carrier)?.labels;
  return capability ? { ...capability, phoneRequired: carrier !== 'usps', streetRequired: true } : null;
}

export async function purchaseLabel(deps: Deps, cachedBrand: BrandRow, order: OrderRow, input: CreateShipmentInput): Promise<ShipmentRow> {
  // The authenticated brand may be seconds old; addresses and rules must be the ones just saved.
  const brand = (await getBrand(deps.db, cachedBrand.id)) ?? cachedBrand;
  const settings = settingsOf(brand);
  const destination = JSON.parse(order.destination) as LabelDraft['destination'];
  const direction = input.direction ?? 'outbound';
  const parcel = input.parcel ?? settings.shipping?.defaultParcel;
  const facts: ShipmentFacts = {
    country: destination.country,
    region: destination.region ?? null,
    postalCode: destination.postalCode,
    weightOz: parcel?.weight ? toOunces(parcel.weight) : null,
    serviceLevel: input.serviceLevel ?? 'standard',
    direction,
  };
  const choice = await decideCarrier(deps, brand, input, facts);
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
    brand: { name: brand.name, shipFrom: settings.shipFrom, returnTo: settings.returnTo, defaultParcel: settings.shipping?.defaultParcel },
    customer: { name: order.customer_name, email: order.customer_email, phone: order.customer_phone },
    destination,
    parcel: choice.carrier === 'simulated' && !parcel?.weight ? { ...parcel, weight: SIMULATED_DEFAULT_WEIGHT } : input.parcel,
    fallbackOrigin: settings.origin ?? DEFAULT_ORIGIN,
  };
  const valid = validateLabel(draft, rules);
  if (!valid.ok) throw labelProblems(draft.carrierName, valid.error);
  if (choice.carrier === 'simulated') return buySimulatedLabel(deps, { brand, order, label: valid.value, choice, direction, scenario: input.scenario });
  return buyCarrierLabel(deps, { brand, order, label: valid.value, choice, direction });
}

async function decideCarrier(deps: Deps, brand: BrandRow, input: CreateShipmentInput, facts: ShipmentFacts): Promise<CarrierChoice> {
  const settings = settingsOf(brand);
  const chosen = chooseCarrier({
    named: { carrier: input.carrier, service: input.service },
    facts,
    rules: input.carrier ? [] : await activeRoutingRules(deps, brand.id),
    defaults: { carrier: settings.shipping?.defaultCarrier, service: settings.shipping?.defaultService },
    serviceFor: (carrier, level: ServiceLevel) => labelRulesOf(carrier)?.defaultServices[level] ?? null,
  });
  if (!chosen.ok) throw new AppError('validation_failed', chosen.error.map((p) => p.problem).join('; '), chosen.error);
  return chosen.value;
}

function labelProblems(carrierName: string, problems: FieldProblem[]): AppError {
  return new AppError('validation_failed', `cannot buy a ${carrierName} label yet: ${problems.map((p) => `${p.field} ${p.problem}`).join('; ')}`, problems);
}
