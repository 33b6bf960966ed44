// Which carriers sell labels through Waybill and what each accepts, and the carrier choice for a
// brand: the pure rules of ./choice.ts fed with the brand's stored rules and defaults. Used when a
// label is bought and when a brand asks how a shipment would be routed.
import { settingsOf } from '../brands/settings.js';
import type { LabelCapability, ServiceLevel } from '../carriers/label-types.js';
import { carrierAdapter } from '../carriers/registry.js';
import { SIMULATED_LABELS } from '../carriers/simulated/labels.js';
import type { Deps } from '../deps.js';
import type { BrandRow } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import { type CarrierChoice, type ChoiceInput, chooseCarrier, type ShipmentFacts } from './choice.js';
import { activeRoutingRules } from './rules-store.js';
import type { ParcelInput } from './schemas.js';
import { toOunces } from './units.js';
import type { LabelRules } from './validate.js';

/** Carriers Waybill buys labels from: the simulated one and every adapter with the labels capability. */
export const labelCarriers = (): string[] => ['simulated', ...['ups', 'fedex', 'usps', 'dhl'].filter((code) => carrierAdapter(code)?.labels)];

export function labelRulesOf(carrier: string): (LabelRules & Pick<LabelCapability, 'defaultServices'>) | null {
  if (carrier === 'simulated') return { ...SIMULATED_LABELS, phoneRequired: false, streetRequired: false };
  const capability = carrierAdapter(carrier)?.labels;
  return capability ? { ...capability, phoneRequired: carrier !== 'usps', streetRequired: true } : null;
}

export function shipmentFacts(input: {
  destination: { country: string; region?: string | null; postalCode?: string | null };
  parcel?: ParcelInput;
  serviceLevel?: ServiceLevel;
  direction?: 'outbound' | 'return';
}): ShipmentFacts {
  return {
    country: input.destination.country,
    region: input.destination.region ?? null,
    postalCode: input.destination.postalCode ?? '',
    weightOz: input.parcel?.weight ? toOunces(input.parcel.weight) : null,
    serviceLevel: input.serviceLevel ?? 'standard',
    direction: input.direction ?? 'outbound',
  };
}

/** The carrier and service for a shipment of this brand, with the reason; a 422 naming `carrier` when nothing decides. */
export async function decideCarrier(deps: Pick<Deps, 'db'>, brand: BrandRow, named: ChoiceInput['named'], facts: ShipmentFacts): Promise<CarrierChoice> {
  const settings = settingsOf(brand);
  const chosen = chooseCarrier({
    named,
    facts,
    rules: named.carrier ? [] : await activeRoutingRules(deps, brand.id),
    defaults: { carrier: settings.shipping?.defaultCarrier, service: settings.shipping?.defaultService },
    serviceFor: (carrier, level) => labelRulesOf(carrier)?.defaultServices[level] ?? null,
  });
  if (!chosen.ok) throw new AppError('validation_failed', chosen.error.map((p) => p.problem).join('; '), chosen.error);
  return chosen.value;
}
