// /v1 routes about carrier choice: the brand's routing rules (list, create, change, delete, accept a
// proposal) and an explanation of how a shipment would be routed, without buying anything.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../api/context.js';
import { AddressSchema, ErrorSchema } from '../api/schemas.js';
import { getBrand } from '../brands/repo.js';
import { settingsOf } from '../brands/settings.js';
import type { Deps } from '../deps.js';
import { AppError, type FieldProblem } from '../lib/errors.js';
import { findOrder } from '../orders/service.js';
import { SHIPMENT_DIRECTIONS } from '../shipments/vocabulary.js';
import { decideCarrier, labelCarriers, labelRulesOf, shipmentFacts } from './decide.js';
import { acceptRoutingRule, createRoutingRule, deleteRoutingRule, findRoutingRule, listRoutingRules, ruleJson, type RuleInput, updateRoutingRule } from './rules-store.js';
import { ParcelSchema, ServiceLevelSchema, WeightSchema } from './schemas.js';
import { CarrierChoiceSchema } from './summary.js';
import { toOunces } from './units.js';
import { shipmentParcel } from './validate.js';
import { strictObject } from '../api/request-fields.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const security = [{ apiKey: [] }];
const errors = { 401: json(ErrorSchema, 'Missing or wrong API key'), 404: json(ErrorSchema, 'Not found'), 422: json(ErrorSchema, 'Validation failed') };
const RuleParam = z.object({ ruleId: z.string().max(64).openapi({ param: { name: 'ruleId', in: 'path' }, example: 'rul_01jd0000000000000000000000' }) });
const tags = ['Routing rules'];

export const RoutingConditionsSchema = z
  .object({
    countries: z.array(z.string().regex(/^[A-Z]{2}$/, { message: 'must be ISO 3166-1 alpha-2 codes such as US' })).max(300).optional(),
    regions: z.array(z.string().regex(/^[A-Z]{2}-[A-Z0-9]{1,3}$/, { message: 'must be a country and region such as US-OH' })).max(500).optional(),
    postalPrefixes: z.array(z.string().trim().min(1).max(10)).max(1000).optional(),
    minWeight: WeightSchema.optional(),
    maxWeight: WeightSchema.optional(),
    serviceLevels: z.array(ServiceLevelSchema).max(3).optional(),
    direction: z.enum(SHIPMENT_DIRECTIONS).optional(),
  })
  .strict()
  .openapi('RoutingConditions', { description: 'All given conditions must hold (destination country or region, postal prefix, weight range, service level, direction); none: every shipment' });

const ruleFields = {
  name: z.string().trim().min(1).max(100),
  priority: z.number().int().min(-1_000_000).max(1_000_000).optional().openapi({ description: 'Lower runs first; new rules go last' }),
  status: z.enum(['active', 'disabled']).optional(),
  conditions: RoutingConditionsSchema.default({}),
  carrier: z.string().trim().min(1).max(32),
  service: z.string().trim().min(1).max(64),
};
const RuleInputSchema = strictObject(ruleFields).openapi('RoutingRuleInput');
/** A change names only what changes: conditions left out are kept (no default of {} here, which would match every shipment). */
const RulePatchSchema = strictObject({ ...ruleFields, conditions: RoutingConditionsSchema.openapi({ description: 'Replaces the rule’s conditions whole; left out, they are kept' }) })
  .partial()
  .openapi('RoutingRulePatch');

const RuleSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    priority: z.number(),
    status: z.enum(['active', 'proposed', 'disabled']),
    conditions: RoutingConditionsSchema,
    carrier: z.string(),
    service: z.string(),
    source: z.enum(['brand', 'advice']).openapi({ description: 'advice: proposed by Waybill (e.g. a carrier stalling in a region); it applies once accepted' }),
    note: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('RoutingRule');

const ExplainSchema = strictObject({
  orderId: z.string().max(64).optional().openapi({ description: 'Route this order’s destination; or give destination' }),
  destination: AddressSchema.partial({ line1: true, city: true, postalCode: true }).optional(),
  parcel: ParcelSchema.optional(),
  serviceLevel: ServiceLevelSchema.optional(),
  direction: z.enum(SHIPMENT_DIRECTIONS).optional(),
}).openapi('RoutingQuestion');

/** A rule must name a carrier Waybill sells labels for and one of its services; weights in order. */
function checkRule(input: Partial<RuleInput>, current?: { carrier: string; service: string }): void {
  const problems: FieldProblem[] = [];
  const carrier = (input.carrier ?? current?.carrier ?? '').toLowerCase();
  const service = input.service ?? current?.service ?? '';
  const rules = labelRulesOf(carrier);
  if (!rules) problems.push({ field: 'carrier', problem: `must be one of the carriers Waybill buys labels from: ${labelCarriers().join(', ')}` });
  else if (!rules.services[service]) problems.push({ field: 'service', problem: `${carrier} services are: ${Object.keys(rules.services).join(', ')}` });
  const { minWeight, maxWeight } = input.conditions ?? {};
  if (minWeight && maxWeight && toOunces(minWeight) > toOunces(maxWeight)) problems.push({ field: 'conditions.maxWeight', problem: 'must not be less than minWeight' });
  if (problems.length > 0) throw new AppError('validation_failed', problems.map((p) => `${p.field} ${p.problem}`).join('; '), problems);
}

export function registerRoutingRuleRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  api.openapi(
    createRoute({ method: 'get', path: '/routing-rules', tags, summary: 'The brand’s routing rules, in the order they are tried (proposals included)', security, responses: { 200: json(z.object({ data: z.array(RuleSchema) }), 'Rules'), ...errors } }),
    async (c) => c.json({ data: (await listRoutingRules(deps, c.get('brand').id)).map(ruleJson) } as never, 200),
  );

  api.openapi(
    createRoute({ method: 'post', path: '/routing-rules', tags, summary: 'Add a routing rule: shipments matching its conditions buy labels from its carrier and service', security, request: body(RuleInputSchema), responses: { 201: json(RuleSchema, 'Created'), ...errors } }),
    async (c) => {
      const input = c.req.valid('json');
      checkRule(input);
      const row = await createRoutingRule(deps, c.get('brand').id, { ...input, carrier: input.carrier.toLowerCase() });
      return c.json(ruleJson(row) as never, 201);
    },
  );

  api.openapi(
    createRoute({ method: 'patch', path: '/routing-rules/{ruleId}', tags, summary: 'Change a rule (name, priority, conditions, carrier, service, active or disabled)', security, request: { params: RuleParam, ...body(RulePatchSchema) }, responses: { 200: json(RuleSchema, 'Changed'), 409: json(ErrorSchema, 'A proposal is accepted, not switched on'), ...errors } }),
    async (c) => {
      const brandId = c.get('brand').id;
      const { ruleId } = c.req.valid('param');
      const patch = c.req.valid('json');
      checkRule(patch, await findRoutingRule(deps, brandId, ruleId!));
      const row = await updateRoutingRule(deps, brandId, ruleId!, { ...patch, ...(patch.carrier ? { carrier: patch.carrier.toLowerCase() } : {}) });
      return c.json(ruleJson(row) as never, 200);
    },
  );

  api.openapi(
    createRoute({ method: 'post', path: '/routing-rules/{ruleId}/accept', tags, summary: 'Accept a rule Waybill proposed: it applies from the next label on', security, request: { params: RuleParam }, responses: { 200: json(RuleSchema, 'Accepted'), 409: json(ErrorSchema, 'Not a proposal'), ...errors } }),
    async (c) => c.json(ruleJson(await acceptRoutingRule(deps, c.get('brand').id, c.req.valid('param').ruleId!)) as never, 200),
  );

  api.openapi(
    createRoute({ method: 'delete', path: '/routing-rules/{ruleId}', tags, summary: 'Delete a rule (or decline a proposal)', security, request: { params: RuleParam }, responses: { 204: { description: 'Deleted' }, ...errors } }),
    async (c) => {
      await deleteRoutingRule(deps, c.get('brand').id, c.req.valid('param').ruleId!);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/routing-rules/explain',
      tags,
      summary: 'Which carrier and service a label would be bought from, and why (nothing is bought)',
      security,
      request: body(ExplainSchema),
      responses: { 200: json(CarrierChoiceSchema.extend({ carrier: z.string(), service: z.string() }), 'The choice and its reason'), ...errors },
    }),
    async (c) => {
      const question = c.req.valid('json');
      const brand = (await getBrand(deps.db, c.get('brand').id)) ?? c.get('brand');
      const destination = question.orderId ? (JSON.parse((await findOrder(deps, brand.id, question.orderId)).destination) as { country: string }) : question.destination;
      if (!destination) throw new AppError('validation_failed', 'give an orderId or a destination', [{ field: 'destination', problem: 'is required without orderId' }]);
      const parcel = shipmentParcel(question.parcel, settingsOf(brand).shipping?.defaultParcel);
      const choice = await decideCarrier(deps, brand, { serviceLevel: question.serviceLevel }, shipmentFacts({ destination, parcel, serviceLevel: question.serviceLevel, direction: question.direction }));
      return c.json(choice as never, 200);
    },
  );
}
