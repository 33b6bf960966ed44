// Carrier choice, pure: named carriers win, then the first active rule by priority, then the brand's
// default, and the answer always says why.
import { describe, expect, it } from 'vitest';
import { type ChoiceInput, chooseCarrier, matchRule, type RoutingRule, type ShipmentFacts } from '../../src/labels/choice.js';

const ohio: ShipmentFacts = { country: 'US', region: 'OH', postalCode: '43215', weightOz: 40, serviceLevel: 'standard', direction: 'outbound' };
const rule = (id: string, priority: number, conditions: RoutingRule['conditions'], carrier = 'ups', service = 'ground', status: RoutingRule['status'] = 'active'): RoutingRule => ({ id, name: id, priority, status, conditions, carrier, service });
const input = (overrides: Partial<ChoiceInput>): ChoiceInput => ({
  named: {},
  facts: ohio,
  rules: [],
  defaults: {},
  serviceFor: (carrier, level) => ({ ups: { economy: 'ground_saver', standard: 'ground', express: 'next_day_air' } } as Record<string, Record<string, string>>)[carrier]?.[level] ?? null,
  ...overrides,
});

describe('chooseCarrier', () => {
  it('takes the carrier and service the request names, with the carrier’s service for the level when none is named', () => {
    expect(chooseCarrier(input({ named: { carrier: 'UPS', service: '2nd_day_air' } }))).toEqual({ ok: true, value: { carrier: 'ups', service: '2nd_day_air', decidedBy: 'request', rule: null, reason: 'the request named ups 2nd_day_air' } });
    const express = chooseCarrier(input({ named: { carrier: 'ups' }, facts: { ...ohio, serviceLevel: 'express' } }));
    expect(express.ok && express.value.service).toBe('next_day_air');
  });

  it('applies the first matching active rule by priority, and says which conditions matched', () => {
    const rules = [rule('later', 20, {}, 'fedex'), rule('ohio', 10, { regions: ['US-OH'], maxWeight: { value: 5, unit: 'lb' } }), rule('off', 1, {}, 'usps', 'priority_mail', 'disabled'), rule('proposal', 0, {}, 'usps', 'priority_mail', 'proposed')];
    const chosen = chooseCarrier(input({ rules }));
    expect(chosen).toEqual({ ok: true, value: { carrier: 'ups', service: 'ground', decidedBy: 'rule', rule: { id: 'ohio', name: 'ohio' }, reason: 'rule “ohio” matched: destination US-OH; weight 2.5 lb ≤ 5 lb' } });
  });

  it('falls back to the brand’s default carrier, saying why each rule did not match', () => {
    const rules = [rule('texas', 1, { regions: ['US-TX'] }), rule('heavy', 2, { minWeight: { value: 10, unit: 'lb' } })];
    const chosen = chooseCarrier(input({ rules, defaults: { carrier: 'ups' } }));
    expect(chosen.ok && chosen.value).toMatchObject({ carrier: 'ups', service: 'ground', decidedBy: 'default' });
    expect(chosen.ok && chosen.value.reason).toBe('no routing rule matched (“texas”: destination US-OH is not in US-TX; “heavy”: weight 2.5 lb is under 10 lb), so the brand’s default carrier ups, service ground (ups’s standard service; the brand has no default service)');
  });

  it('gives the default carrier the service asked for: named, then the asked level, then the brand’s default service', () => {
    const defaults = { carrier: 'ups', service: 'ground' };
    const chosen = (overrides: Partial<ChoiceInput>) => {
      const result = chooseCarrier(input({ defaults, ...overrides }));
      return result.ok ? { service: result.value.service, reason: result.value.reason } : null;
    };
    expect(chosen({ named: { serviceLevel: 'express' }, facts: { ...ohio, serviceLevel: 'express' } })).toEqual({
      service: 'next_day_air',
      reason: 'the brand has no active routing rules, so the brand’s default carrier ups, service next_day_air (ups’s service for the express level the request asked for)',
    });
    expect(chosen({ named: { service: '2nd_day_air', serviceLevel: 'express' }, facts: { ...ohio, serviceLevel: 'express' } })).toEqual({
      service: '2nd_day_air',
      reason: 'the brand has no active routing rules, so the brand’s default carrier ups, service 2nd_day_air (named in the request)',
    });
    // No level asked for (facts assume standard): the brand's default service.
    expect(chosen({})).toEqual({ service: 'ground', reason: 'the brand has no active routing rules, so the brand’s default carrier ups, service ground (the brand’s default service)' });
    // A level the carrier has no service for is passed on as it is (validation names the service).
    expect(chosen({ named: { serviceLevel: 'economy' }, facts: { ...ohio, serviceLevel: 'economy' }, serviceFor: () => null })?.service).toBe('economy');
  });

  it('asks for a carrier when nothing decides', () => {
    const chosen = chooseCarrier(input({}));
    expect(chosen.ok).toBe(false);
    if (!chosen.ok) expect(chosen.error[0]).toMatchObject({ field: 'carrier', problem: expect.stringMatching(/no active routing rules.*no default carrier/) });
  });
});

describe('matchRule', () => {
  it('checks every condition: country, postal prefix, weight range, service level, direction', () => {
    expect(matchRule({ countries: ['US'], postalPrefixes: ['432'] }, ohio)).toEqual({ matched: true, because: ['destination country US', 'postal code starts with 432'] });
    expect(matchRule({ countries: ['CA'] }, ohio).matched).toBe(false);
    expect(matchRule({ postalPrefixes: ['M5H'] }, { ...ohio, postalCode: 'm5h 1j9' }).matched).toBe(true);
    expect(matchRule({ minWeight: { value: 2.5, unit: 'lb' }, maxWeight: { value: 40, unit: 'oz' } }, ohio).matched).toBe(true);
    expect(matchRule({ maxWeight: { value: 1, unit: 'kg' } }, ohio)).toEqual({ matched: false, because: ['weight 2.5 lb is over 1 kg'] });
    expect(matchRule({ maxWeight: { value: 1, unit: 'kg' } }, { ...ohio, weightOz: null })).toEqual({ matched: false, because: ['the parcel has no weight'] });
    expect(matchRule({ serviceLevels: ['express'] }, ohio).matched).toBe(false);
    expect(matchRule({ direction: 'return' }, ohio).matched).toBe(false);
    expect(matchRule({ direction: 'outbound' }, { ...ohio, direction: 'outbound' }).because).toEqual(['an outbound label']);
    expect(matchRule({ direction: 'return' }, { ...ohio, direction: 'return' }).because).toEqual(['a return label']);
    expect(matchRule({}, ohio)).toEqual({ matched: true, because: ['it has no conditions'] });
  });
});
