// Everything a label purchase needs, checked before any carrier is called: the addresses (the
// brand's ship-from or return-to, the customer's destination), the parcel, the service and the
// format. Every problem names the field to fix. Pure.
import type { LabelCapability, LabelFormat, Parcel, PostalAddress } from '../carriers/label-types.js';
import type { FieldProblem } from '../lib/errors.js';
import { err, ok, type Result } from '../lib/result.js';
import type { ParcelInput, PostalAddressInput } from './schemas.js';
import { round2, toInches, toOunces } from './units.js';

/** What a carrier's label API accepts; the simulated carrier's is generous. */
export type LabelRules = Pick<LabelCapability, 'services' | 'formats' | 'destinations' | 'limits'> & {
  /** Carriers that print (and require) phone numbers for both parties. */
  phoneRequired: boolean;
  /** Carriers that need a complete street address (all real ones). */
  streetRequired: boolean;
};

export type LabelDraft = {
  carrierName: string;
  direction: 'outbound' | 'return';
  service: string;
  format: LabelFormat;
  brand: { name: string; shipFrom?: PostalAddressInput; returnTo?: PostalAddressInput };
  customer: { name: string | null; email: string; phone: string | null };
  destination: { line1: string; line2?: string; city: string; region?: string; postalCode: string; country: string };
  /** The parcel as routing saw it (shipmentParcel): the request's, completed from the brand's default. */
  parcel?: ParcelInput;
  /** Used by the simulated carrier when the brand has not set a street address. */
  fallbackOrigin?: { city: string; region?: string | null; country: string };
};

export type ValidLabel = { shipFrom: PostalAddress; shipTo: PostalAddress; shipper: PostalAddress; parcel: Parcel; service: string; format: LabelFormat };


/**
 * The shipment's parcel: what the request says, each part it leaves out (weight, dimensions) taken
 * from the brand's default parcel. Worked out once, so routing rules and the label weigh the same
 * parcel. Undefined when neither says anything. Pure.
 */
export function shipmentParcel(requested: ParcelInput | undefined, defaults: ParcelInput | undefined): ParcelInput | undefined {
  const weight = requested?.weight ?? defaults?.weight;
  const dimensions = requested?.dimensions ?? defaults?.dimensions;
  if (!weight && !dimensions) return undefined;
  return { ...(weight ? { weight } : {}), ...(dimensions ? { dimensions } : {}) };
}

export function validateLabel(draft: LabelDraft, rules: LabelRules): Result<ValidLabel, FieldProblem[]> {
  const problems: FieldProblem[] = [];
  const warehouse = brandAddress(draft, problems, rules);
  const returnTo = draft.brand.returnTo ? toPostal(draft.brand.returnTo) : warehouse;
  // The brand's ship-from phone also stands in for a return address that has none.
  if (rules.phoneRequired && draft.brand.returnTo && !returnTo!.phone && warehouse?.phone) returnTo!.phone = warehouse.phone;
  const customer: PostalAddress = {
    name: draft.customer.name ?? draft.customer.email,
    email: draft.customer.email,
    phone: draft.customer.phone ?? null,
    line1: draft.destination.line1,
    line2: draft.destination.line2 ?? null,
    city: draft.destination.city,
    region: draft.destination.region ?? null,
    postalCode: draft.destination.postalCode,
    country: draft.destination.country,
  };
  // Carriers that demand a phone for the recipient take the brand's when the customer gave none.
  if (rules.phoneRequired && !customer.phone && warehouse?.phone) customer.phone = warehouse.phone;
  // Without a ship-from address that problem comes first; the phone is asked for once there is one.
  checkAddress(customer, 'order.destination', warehouse ? rules : { ...rules, phoneRequired: false }, problems);
  if (draft.brand.returnTo) checkAddress(returnTo!, 'brand.returnTo', rules, problems);

  if (rules.destinations && !rules.destinations.includes(customer.country)) {
    problems.push({ field: 'order.destination.country', problem: `${draft.carrierName} labels through Waybill go to ${rules.destinations.join(', ')} only` });
  }
  if (warehouse && warehouse.country !== customer.country && rules.streetRequired) {
    problems.push({ field: 'order.destination.country', problem: `international labels need customs declarations, which Waybill does not send yet (${warehouse.country} → ${customer.country})` });
  }

  if (!rules.services[draft.service]) problems.push({ field: 'service', problem: `${draft.carrierName} services are: ${Object.keys(rules.services).join(', ')}` });
  if (!rules.formats.includes(draft.format)) problems.push({ field: 'labelFormat', problem: `${draft.carrierName} labels come as ${rules.formats.join(' or ')}` });

  const parcel = checkParcel(draft, rules, problems);
  if (problems.length > 0 || !warehouse || !parcel) return err(problems);
  const outbound = draft.direction === 'outbound';
  return ok({ shipFrom: outbound ? warehouse : customer, shipTo: outbound ? customer : returnTo!, shipper: warehouse, parcel, service: draft.service, format: draft.format });
}

function brandAddress(draft: LabelDraft, problems: FieldProblem[], rules: LabelRules): PostalAddress | null {
  if (draft.brand.shipFrom) {
    const address = toPostal(draft.brand.shipFrom);
    checkAddress(address, 'brand.shipFrom', rules, problems);
    return address;
  }
  if (!rules.streetRequired && draft.fallbackOrigin) {
    const origin = draft.fallbackOrigin;
    return { name: draft.brand.name, line1: 'Warehouse', city: origin.city, region: origin.region ?? null, postalCode: '', country: origin.country };
  }
  problems.push({ field: 'brand.shipFrom', problem: 'set the brand’s ship-from address first (PATCH /v1/brand/settings with shipFrom)' });
  return null;
}

const toPostal = (input: PostalAddressInput): PostalAddress => ({ ...input, company: input.company ?? null, phone: input.phone ?? null, email: input.email ?? null, line2: input.line2 ?? null, region: input.region ?? null });

const POSTAL_CODES: Record<string, { pattern: RegExp; example: string }> = {
  US: { pattern: /^\d{5}(-\d{4})?$/, example: '43215 or 43215-1234' },
  CA: { pattern: /^[A-Z]\d[A-Z] ?\d[A-Z]\d$/i, example: 'M5H 1J9' },
  GB: { pattern: /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/i, example: 'SW1A 1AA' },
  DE: { pattern: /^\d{5}$/, example: '10115' },
  FR: { pattern: /^\d{5}$/, example: '75001' },
};
const REGION_REQUIRED = new Set(['US', 'CA']);

function checkAddress(address: PostalAddress, path: string, rules: LabelRules, problems: FieldProblem[]): void {
  const blank = (value: string | null | undefined) => !value || value.trim() === '';
  if (rules.streetRequired) {
    if (blank(address.line1)) problems.push({ field: `${path}.line1`, problem: 'is required on a label' });
    if (blank(address.postalCode)) problems.push({ field: `${path}.postalCode`, problem: 'is required on a label' });
  }
  if (blank(address.city)) problems.push({ field: `${path}.city`, problem: 'is required on a label' });
  const format = POSTAL_CODES[address.country];
  if (format && !blank(address.postalCode) && !format.pattern.test(address.postalCode.trim())) {
    problems.push({ field: `${path}.postalCode`, problem: `is not a ${address.country} postal code (e.g. ${format.example})` });
  }
  if (rules.streetRequired && REGION_REQUIRED.has(address.country) && !/^[A-Z]{2}$/i.test(address.region ?? '')) {
    problems.push({ field: `${path}.region`, problem: `must be the two-letter ${address.country === 'US' ? 'state' : 'province'} code` });
  }
  if (rules.phoneRequired && blank(address.phone)) {
    problems.push({ field: `${path}.phone`, problem: path === 'order.destination' ? 'is required by this carrier (the ship-from phone stands in when the customer gave none)' : 'is required by this carrier' });
  }
}

function checkParcel(draft: LabelDraft, rules: LabelRules, problems: FieldProblem[]): Parcel | null {
  const weight = draft.parcel?.weight;
  const dimensions = draft.parcel?.dimensions;
  const before = problems.length;
  if (!weight) {
    problems.push({ field: 'parcel.weight', problem: `is required to buy a ${draft.carrierName} label (send parcel.weight, or set shipping.defaultParcel in the brand settings)` });
  } else if (toOunces(weight) > rules.limits.maxWeightOz) {
    problems.push({ field: 'parcel.weight', problem: `is over ${draft.carrierName}’s limit of ${rules.limits.maxWeightOz / 16} lb` });
  }
  if (!dimensions && rules.limits.requiresDimensions) {
    problems.push({ field: 'parcel.dimensions', problem: `are required by ${draft.carrierName} (length, width, height and unit)` });
  }
  let dimensionsIn: Parcel['dimensionsIn'] = null;
  if (dimensions) {
    const inches = (value: number) => round2(toInches(value, dimensions.unit));
    const [longest, ...others] = [dimensions.length, dimensions.width, dimensions.height].map(inches).sort((a, b) => b - a);
    const girth = 2 * (others[0]! + others[1]!);
    if (longest! > rules.limits.maxLengthIn) problems.push({ field: 'parcel.dimensions', problem: `the longest side is over ${draft.carrierName}’s limit of ${rules.limits.maxLengthIn} in` });
    else if (longest! + girth > rules.limits.maxLengthPlusGirthIn) {
      problems.push({ field: 'parcel.dimensions', problem: `length plus girth (${Math.round(longest! + girth)} in) is over ${draft.carrierName}’s limit of ${rules.limits.maxLengthPlusGirthIn} in` });
    }
    dimensionsIn = { length: inches(dimensions.length), width: inches(dimensions.width), height: inches(dimensions.height) };
  }
  if (problems.length > before || !weight) return null;
  return { weightOz: round2(toOunces(weight)), dimensionsIn };
}
