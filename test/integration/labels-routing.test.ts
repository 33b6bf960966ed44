// Carrier choice through the API: routing rules the brand manages, proposals from advice that apply
// only once accepted, the explanation of a choice, and labels bought without naming a carrier.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { proposeRoutingRule } from '../../src/labels/rules-store.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t?.close());

const OHIO = { line1: '1 Main St', city: 'Columbus', region: 'OH', postalCode: '43215', country: 'US' };
async function newOrder(destination?: Record<string, unknown>) {
  const body = orderBody();
  return (await t.request('POST', '/v1/orders', { ...body, destination: destination ?? body.destination })).json.id as string;
}

describe('routing rules', () => {
  it('without a carrier, rules or a default, a label asks for a carrier', async () => {
    const res = await t.request('POST', `/v1/orders/${await newOrder()}/shipments`, { label: true });
    expect(res.status).toBe(422);
    expect(res.json.error.details[0]).toMatchObject({ field: 'carrier', problem: expect.stringMatching(/no active routing rules/) });
  });

  it('refuses rules naming a carrier without labels, an unknown service, a malformed region or weights out of order', async () => {
    const bad = async (body: Record<string, unknown>) => (await t.request('POST', '/v1/routing-rules', { name: 'x', carrier: 'simulated', service: 'ground', ...body })).json.error.details.map((d: { field: string }) => d.field);
    expect(await bad({ carrier: 'ontrac' })).toEqual(['carrier']);
    expect(await bad({ service: 'teleport' })).toEqual(['service']);
    expect(await bad({ conditions: { regions: ['Ohio'] } })).toEqual(['conditions.regions.0']);
    expect(await bad({ conditions: { minWeight: { value: 5, unit: 'lb' }, maxWeight: { value: 2, unit: 'lb' } } })).toEqual(['conditions.maxWeight']);
    expect(await bad({ conditions: { colour: 'red' } })).toEqual(['conditions']);
  });

  it('chooses by rule, then by the brand’s default, and explains each choice', async () => {
    await t.request('PATCH', '/v1/brand/settings', { shipping: { defaultCarrier: 'simulated', defaultService: 'ground' } });
    const ohio = await t.request('POST', '/v1/routing-rules', { name: 'Ohio goes express', carrier: 'simulated', service: 'express', conditions: { regions: ['US-OH'] } });
    expect(ohio.status).toBe(201);
    expect(ohio.json).toMatchObject({ status: 'active', source: 'brand', priority: 100 });
    const heavy = await t.request('POST', '/v1/routing-rules', { name: 'Heavy goes economy', carrier: 'simulated', service: 'economy', conditions: { minWeight: { value: 10, unit: 'lb' } } });
    expect(heavy.json.priority).toBe(110);

    const explain = (body: Record<string, unknown>) => t.request('POST', '/v1/routing-rules/explain', body);
    expect((await explain({ destination: { country: 'US', region: 'OH' } })).json).toMatchObject({ carrier: 'simulated', service: 'express', decidedBy: 'rule', rule: { id: ohio.json.id } });
    const texasHeavy = (await explain({ destination: { country: 'US', region: 'TX' }, parcel: { weight: { value: 12, unit: 'lb' } } })).json;
    expect(texasHeavy).toMatchObject({ service: 'economy', rule: { name: 'Heavy goes economy' }, reason: 'rule “Heavy goes economy” matched: weight 12 lb ≥ 10 lb' });
    const texasLight = (await explain({ orderId: await newOrder() })).json;
    expect(texasLight).toMatchObject({ carrier: 'simulated', service: 'ground', decidedBy: 'default' });
    expect(texasLight.reason).toMatch(/“Ohio goes express”: destination US-TX is not in US-OH/);

    const bought = await t.request('POST', `/v1/orders/${await newOrder(OHIO)}/shipments`, { label: true });
    expect(bought.status).toBe(201);
    expect(bought.json).toMatchObject({ carrier: 'simulated', service: 'express' });
    expect(bought.json.label.carrierChoice).toEqual({ decidedBy: 'rule', rule: { id: ohio.json.id, name: 'Ohio goes express' }, reason: 'rule “Ohio goes express” matched: destination US-OH' });

    // A level asked for picks the default carrier's service for it, not the brand's default service.
    const texasExpress = (await explain({ destination: { country: 'US', region: 'TX' }, serviceLevel: 'express' })).json;
    expect(texasExpress).toMatchObject({ carrier: 'simulated', service: 'express', decidedBy: 'default' });
    expect(texasExpress.reason).toMatch(/so the brand’s default carrier simulated, service express \(simulated’s service for the express level the request asked for\)$/);
    expect(texasLight.reason).toMatch(/so the brand’s default carrier simulated, service ground \(the brand’s default service\)$/);
    const express = await t.request('POST', `/v1/orders/${await newOrder()}/shipments`, { label: true, serviceLevel: 'express' });
    expect(express.status).toBe(201);
    expect(express.json).toMatchObject({ carrier: 'simulated', service: 'express', label: { service: 'express', carrierChoice: { decidedBy: 'default' } } });

    // A disabled rule is skipped.
    expect((await t.request('PATCH', `/v1/routing-rules/${ohio.json.id}`, { status: 'disabled' })).json.status).toBe('disabled');
    expect((await explain({ destination: { country: 'US', region: 'OH' } })).json.decidedBy).toBe('default');
    await t.request('PATCH', `/v1/routing-rules/${ohio.json.id}`, { status: 'active' });
  });

  it('changes only what a PATCH names: conditions left out are kept, conditions sent replace them whole', async () => {
    const rule = await t.request('POST', '/v1/routing-rules', { name: 'Maine', carrier: 'simulated', service: 'economy', conditions: { regions: ['US-ME'], maxWeight: { value: 10, unit: 'lb' } } });
    const renamed = await t.request('PATCH', `/v1/routing-rules/${rule.json.id}`, { name: 'Maine, light', priority: 50, status: 'disabled' });
    expect(renamed.status).toBe(200);
    expect(renamed.json).toMatchObject({ name: 'Maine, light', priority: 50, status: 'disabled', conditions: { regions: ['US-ME'], maxWeight: { value: 10, unit: 'lb' } } });
    const active = await t.request('PATCH', `/v1/routing-rules/${rule.json.id}`, { status: 'active' });
    expect(active.json.conditions).toEqual({ regions: ['US-ME'], maxWeight: { value: 10, unit: 'lb' } });
    // Still only Maine: a Texas parcel is not routed by it.
    const texas = (await t.request('POST', '/v1/routing-rules/explain', { destination: { country: 'US', region: 'TX' } })).json;
    expect(texas.rule?.id).not.toBe(rule.json.id);
    const widened = await t.request('PATCH', `/v1/routing-rules/${rule.json.id}`, { conditions: { regions: ['US-ME', 'US-NH'] } });
    expect(widened.json.conditions).toEqual({ regions: ['US-ME', 'US-NH'] });
    expect((await t.request('PATCH', `/v1/routing-rules/${rule.json.id}`, { conditons: {} })).json.error.details[0].problem).toMatch(/conditons/);
    expect((await t.request('DELETE', `/v1/routing-rules/${rule.json.id}`)).status).toBe(204);
  });

  it('turns advice into a proposal that applies only once the brand accepts it', async () => {
    const proposal = await proposeRoutingRule(t.deps, t.brand.id, { name: 'Ohio via economy while express stalls', conditions: { regions: ['US-OH'] }, carrier: 'simulated', service: 'economy' }, 'express is stalling in Ohio: 6 of 20 parcels without a scan for 3 days');
    const listed = (await t.request('GET', '/v1/routing-rules')).json.data;
    expect(listed[0]).toMatchObject({ id: proposal.id, status: 'proposed', source: 'advice', note: expect.stringMatching(/stalling/) });
    expect(listed[0].priority).toBeLessThan(listed[1].priority);
    const explain = () => t.request('POST', '/v1/routing-rules/explain', { destination: { country: 'US', region: 'OH' } });
    expect((await explain()).json.service).toBe('express'); // not yet accepted

    expect((await t.request('PATCH', `/v1/routing-rules/${proposal.id}`, { status: 'active' })).status).toBe(409);
    const accepted = await t.request('POST', `/v1/routing-rules/${proposal.id}/accept`);
    expect(accepted.json).toMatchObject({ status: 'active', source: 'advice' });
    expect((await explain()).json).toMatchObject({ service: 'economy', rule: { id: proposal.id } });
    expect((await t.request('POST', `/v1/routing-rules/${proposal.id}/accept`)).status).toBe(409);

    expect((await t.request('DELETE', `/v1/routing-rules/${proposal.id}`)).status).toBe(204);
    expect((await t.request('DELETE', `/v1/routing-rules/${proposal.id}`)).status).toBe(404);
    expect((await explain()).json.service).toBe('express');
  });

  it('weighs the same parcel for routing and for the label: each part the request leaves out comes from the brand’s default parcel', async () => {
    await t.request('PATCH', '/v1/brand/settings', { shipping: { defaultParcel: { weight: { value: 12, unit: 'lb' } } } });
    const rule = await t.request('POST', '/v1/routing-rules', { name: 'Twelve pounds up', priority: 1, carrier: 'simulated', service: 'economy', conditions: { minWeight: { value: 11, unit: 'lb' } } });
    const dimensionsOnly = { dimensions: { length: 10, width: 8, height: 4, unit: 'in' } };
    const explained = (await t.request('POST', '/v1/routing-rules/explain', { destination: { country: 'US', region: 'TX' }, parcel: dimensionsOnly })).json;
    expect(explained).toMatchObject({ service: 'economy', rule: { id: rule.json.id }, reason: 'rule “Twelve pounds up” matched: weight 12 lb ≥ 11 lb' });
    const orderId = await newOrder();
    const bought = await t.request('POST', `/v1/orders/${orderId}/shipments`, { label: true, parcel: dimensionsOnly });
    expect(bought.status).toBe(201);
    expect(bought.json).toMatchObject({ service: 'economy', label: { carrierChoice: { rule: { id: rule.json.id } } } });
    const purchase = await t.deps.db.selectFrom('label_purchases').select('request').where('order_id', '=', orderId).executeTakeFirstOrThrow();
    // The brand's 12 lb, not the simulated carrier's one pound for a parcel nobody weighed.
    expect(JSON.parse(purchase.request).parcel).toEqual({ weightOz: 192, dimensionsIn: { length: 10, width: 8, height: 4 } });
    expect((await t.request('DELETE', `/v1/routing-rules/${rule.json.id}`)).status).toBe(204);
    expect((await t.request('DELETE', '/v1/brand/settings/shipping.defaultParcel')).status).toBe(200);
  });

  it('are described in /openapi.json with the label routes, and on the reference page', async () => {
    const doc = (await (await t.app.request('/openapi.json')).json()) as { paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, unknown> }> }>> };
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/shipments/{shipmentId}/label', '/shipments/{shipmentId}/void', '/routing-rules', '/routing-rules/{ruleId}', '/routing-rules/{ruleId}/accept', '/routing-rules/explain']));
    expect(Object.keys(doc.paths['/shipments/{shipmentId}/label']!.get!.responses!['200']!.content!)).toEqual(['application/pdf', 'application/zpl']);
    const html = await (await t.app.request('/docs')).text();
    expect(html).toContain('/v1/routing-rules/explain');
  });
});
