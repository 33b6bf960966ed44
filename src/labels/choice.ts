// Which carrier and service buy a label, and why. A shipment may name them; otherwise the brand's
// routing rules decide (destination region, weight, service level), first match by priority, and
// then the brand's default carrier. The answer always carries its reason, so a brand can see why
// a parcel went the way it did and so advice ("route Ohio through UPS") can become a rule. Pure.
import type { ServiceLevel } from '../carriers/label-types.js';
import type { FieldProblem } from '../lib/errors.js';
import { err, ok, type Result } from '../lib/result.js';
import { round2, toOunces, type WeightUnit } from './units.js';
import { withArticle } from '../lib/words.js';

export type WeightLimit = { value: number; unit: WeightUnit };

export type RuleConditions = {
  countries?: string[]; // destination country codes
  regions?: string[]; // destination "US-OH"
  postalPrefixes?: string[]; // destination postal code starts with one of these
  minWeight?: WeightLimit;
  maxWeight?: WeightLimit;
  serviceLevels?: ServiceLevel[];
  direction?: 'outbound' | 'return';
};

export type RoutingRule = { id: string; name: string; priority: number; status: 'active' | 'proposed' | 'disabled'; conditions: RuleConditions; carrier: string; service: string };

export type ShipmentFacts = { country: string; region: string | null; postalCode: string; weightOz: number | null; serviceLevel: ServiceLevel; direction: 'outbound' | 'return' };

export type CarrierChoice = {
  carrier: string;
  service: string;
  /** How it was decided: named in the request, a routing rule, or the brand's default. */
  decidedBy: 'request' | 'rule' | 'default';
  rule: { id: string; name: string } | null;
  reason: string;
};

const weightText = (w: WeightLimit) => `${w.value} ${w.unit}`;

/** Whether a rule applies, with the reasons it does (or the first reason it does not). */
export function matchRule(conditions: RuleConditions, facts: ShipmentFacts): { matched: boolean; because: string[] } {
  const because: string[] = [];
  const fail = (why: string) => ({ matched: false, because: [why] });
  if (conditions.direction) {
    if (conditions.direction !== facts.direction) return fail(`it is for ${conditions.direction} labels`);
    because.push(`${withArticle(facts.direction)} label`);
  }
  if (conditions.countries?.length) {
    if (!conditions.countries.includes(facts.country)) return fail(`destination ${facts.country} is not in ${conditions.countries.join(', ')}`);
    because.push(`destination country ${facts.country}`);
  }
  if (conditions.regions?.length) {
    const region = facts.region ? `${facts.country}-${facts.region.toUpperCase()}` : null;
    if (!region || !conditions.regions.includes(region)) return fail(`destination ${region ?? facts.country} is not in ${conditions.regions.join(', ')}`);
    because.push(`destination ${region}`);
  }
  if (conditions.postalPrefixes?.length) {
    const postal = facts.postalCode.replace(/\s+/g, '').toUpperCase();
    const prefix = conditions.postalPrefixes.find((p) => postal.startsWith(p.replace(/\s+/g, '').toUpperCase()));
    if (!prefix) return fail(`postal code ${facts.postalCode} starts with none of ${conditions.postalPrefixes.join(', ')}`);
    because.push(`postal code starts with ${prefix}`);
  }
  for (const [limit, kind] of [[conditions.minWeight, 'min'], [conditions.maxWeight, 'max']] as const) {
    if (!limit) continue;
    if (facts.weightOz === null) return fail('the parcel has no weight');
    const over = facts.weightOz > toOunces(limit) + 1e-9;
    const under = facts.weightOz < toOunces(limit) - 1e-9;
    if (kind === 'min' ? under : over) return fail(`weight ${round2(facts.weightOz / 16)} lb is ${kind === 'min' ? 'under' : 'over'} ${weightText(limit)}`);
    because.push(`weight ${round2(facts.weightOz / 16)} lb ${kind === 'min' ? '≥' : '≤'} ${weightText(limit)}`);
  }
  if (conditions.serviceLevels?.length) {
    if (!conditions.serviceLevels.includes(facts.serviceLevel)) return fail(`service level ${facts.serviceLevel} is not ${conditions.serviceLevels.join(' or ')}`);
    because.push(`service level ${facts.serviceLevel}`);
  }
  if (because.length === 0) because.push('it has no conditions');
  return { matched: true, because };
}

export type ChoiceInput = {
  /** What the request itself asked for; a level here was asked for, not the `standard` assumed in facts. */
  named: { carrier?: string; service?: string; serviceLevel?: ServiceLevel };
  facts: ShipmentFacts;
  rules: readonly RoutingRule[];
  defaults: { carrier?: string; service?: string };
  /** The carrier's own service for a level (its default for that level), if the carrier sells labels. */
  serviceFor(carrier: string, level: ServiceLevel): string | null;
};

export function chooseCarrier(input: ChoiceInput): Result<CarrierChoice, FieldProblem[]> {
  const { named, facts } = input;
  const serviceOf = (carrier: string, service?: string) => service ?? input.serviceFor(carrier, facts.serviceLevel) ?? facts.serviceLevel;
  if (named.carrier) {
    const carrier = named.carrier.toLowerCase();
    return ok({ carrier, service: serviceOf(carrier, named.service), decidedBy: 'request', rule: null, reason: `the request named ${carrier}${named.service ? ` ${named.service}` : ''}` });
  }
  const active = input.rules.filter((rule) => rule.status === 'active').sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1));
  const misses: string[] = [];
  for (const rule of active) {
    const verdict = matchRule(rule.conditions, facts);
    if (verdict.matched) {
      return ok({ carrier: rule.carrier, service: named.service ?? rule.service, decidedBy: 'rule', rule: { id: rule.id, name: rule.name }, reason: `rule “${rule.name}” matched: ${verdict.because.join('; ')}` });
    }
    misses.push(`“${rule.name}”: ${verdict.because[0]}`);
  }
  const checked = active.length === 0 ? 'the brand has no active routing rules' : `no routing rule matched (${misses.join('; ')})`;
  if (input.defaults.carrier) {
    const carrier = input.defaults.carrier.toLowerCase();
    const { service, why } = defaultCarrierService(carrier, named, input.defaults.service, (level) => input.serviceFor(carrier, level));
    return ok({ carrier, service, decidedBy: 'default', rule: null, reason: `${checked}, so the brand’s default carrier ${carrier}, service ${service} (${why})` });
  }
  return err([{ field: 'carrier', problem: `name a carrier: ${checked} and the brand has no default carrier (PATCH /v1/brand/settings with shipping.defaultCarrier)` }]);
}

/**
 * The service of the brand's default carrier, most specific ask first: a service the request named,
 * then the carrier's service for a level the request asked for (the brand's default service is a
 * default, so it must not turn an "express" request into ground), then the brand's default service,
 * then the carrier's standard service. Pure.
 */
export function defaultCarrierService(
  carrier: string,
  named: ChoiceInput['named'],
  defaultService: string | undefined,
  serviceFor: (level: ServiceLevel) => string | null,
): { service: string; why: string } {
  if (named.service) return { service: named.service, why: 'named in the request' };
  if (named.serviceLevel) return { service: serviceFor(named.serviceLevel) ?? named.serviceLevel, why: `${carrier}’s service for the ${named.serviceLevel} level the request asked for` };
  if (defaultService) return { service: defaultService, why: 'the brand’s default service' };
  return { service: serviceFor('standard') ?? 'standard', why: `${carrier}’s standard service; the brand has no default service` };
}
