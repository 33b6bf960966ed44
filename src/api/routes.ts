// The /v1 REST API. Each route is described once (zod + OpenAPI) and handled by a service call.
import { createRoute, OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { getBrand } from '../brands/repo.js';
import { registerCarrierRoutes } from '../carriers/routes.js';
import { registerNotificationRoutes } from '../notifications/routes.js';
import { registerImportRoutes } from '../imports/routes.js';
import { registerThemeRoutes } from '../hub/theme-routes.js';
import { registerLinkRoutes } from '../brands/link-routes.js';
import { registerCatalogueRoutes } from '../catalogue/routes.js';
import { registerReturnRoutes } from '../returns/routes.js';
import { registerLabelRoutes } from '../labels/routes.js';
import { labelSummaryOf, shipmentLabelSummary } from '../labels/summary.js';
import { registerInboundRoutes } from '../inbound/api-routes.js';
import { registerPollingRoutes } from '../polling/routes.js';
import type { Deps } from '../deps.js';
import { createOrder, findOrder, trackingPageUrl } from '../orders/service.js';
import { listOrders, listShipments, shipmentsOfOrders } from '../orders/queries.js';
import { createShipment, findShipmentWithEvents, ingestBatch, postShipmentEvents, runShipmentCommand } from '../shipments/service.js';
import type { AppEnv } from './context.js';
import { authenticate, idempotency, requireJsonBodies } from './middleware.js';
import {
  BatchEventsSchema,
  CommandSchema,
  CreateOrderSchema,
  CreateShipmentSchema,
  ErrorSchema,
  ListOrdersQuery,
  ListShipmentsQuery,
  listOf,
  OrderIdParam,
  OrderSchema,
  PostEventsSchema,
  ShipmentIdParam,
  ShipmentSchema,
} from './schemas.js';
import { orderJson, postedEventsJson, shipmentJson } from './serialize.js';
import { nulCharacterError, repeatedParametersError, validationError } from './validation.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const body = <T extends z.ZodType>(schema: T) => ({ body: { content: { 'application/json': { schema } }, required: true } });
const errors = {
  400: json(ErrorSchema, 'Malformed request'),
  401: json(ErrorSchema, 'Missing or wrong API key'),
  404: json(ErrorSchema, 'Not found (or not yours)'),
  422: json(ErrorSchema, 'Validation failed: details name each field'),
};
const security = [{ apiKey: [] }];

// Responses are built by serializers whose types are wider than the schemas' enums.
const reply = (c: Context, value: unknown, status: 200 | 201 = 200): never => c.json(value as never, status) as never;

export function createApi(deps: Deps) {
  const api = new OpenAPIHono<AppEnv>({
    defaultHook: (result, c) => {
      if (!result.success) throw (result.target === 'query' && repeatedParametersError(c.req.queries())) || validationError(result.error, result.target);
      const nul = nulCharacterError(result.data, result.target);
      if (nul) throw nul;
    },
  });
  api.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'A brand API key (`waybill brand create`)' });
  api.use('*', authenticate(deps), requireJsonBodies(), idempotency(deps));


  api.openapi(
    createRoute({
      method: 'post',
      path: '/orders',
      tags: ['Orders'],
      summary: 'Create an order (sending the same order again returns it; a reused number for another order is 409)',
      security,
      request: body(CreateOrderSchema),
      responses: { 201: json(OrderSchema, 'Created'), 200: json(OrderSchema, 'The same order already existed'), 409: json(ErrorSchema, 'Order number used by a different order'), ...errors },
    }),
    async (c) => {
      const brand = await linkingBrand(deps, c.get('brand'));
      const { order, created } = await createOrder(deps, brand, c.req.valid('json'));
      const shipments = created ? [] : await shipmentsOfOrders(deps, [order.id]);
      return reply(c, orderJson(order, shipments, trackingPageUrl(deps, brand, order)), created ? 201 : 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/orders',
      tags: ['Orders'],
      summary: 'List orders, the newest in Waybill first (by createdAt, when Waybill received the order, not placedAt); number finds the order with the store’s order number (a parameter the list does not know is 422)',
      security,
      request: { query: ListOrdersQuery },
      responses: { 200: json(listOf(OrderSchema), 'A page of orders'), ...errors },
    }),
    async (c) => {
      const brand = await linkingBrand(deps, c.get('brand'));
      const page = await listOrders(deps, brand.id, c.req.valid('query'));
      const shipments = await shipmentsOfOrders(deps, page.rows.map((o) => o.id));
      const byOrder = groupBy(shipments, (s) => s.order_id);
      return reply(c, { data: page.rows.map((o) => orderJson(o, byOrder.get(o.id) ?? [], trackingPageUrl(deps, brand, o))), nextCursor: page.nextCursor });
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/orders/{orderId}',
      tags: ['Orders'],
      summary: 'Get an order with its shipments and its tracking page link',
      security,
      request: { params: OrderIdParam },
      responses: { 200: json(OrderSchema, 'The order'), ...errors },
    }),
    async (c) => {
      const brand = await linkingBrand(deps, c.get('brand'));
      const order = await findOrder(deps, brand.id, c.req.valid('param').orderId!);
      return reply(c, orderJson(order, await shipmentsOfOrders(deps, [order.id]), trackingPageUrl(deps, brand, order)));
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/orders/{orderId}/shipments',
      tags: ['Shipments'],
      summary: 'Add a shipment to an order: a carrier and tracking number, or label: true to buy a label (the carrier named, or chosen by the brand’s routing rules)',
      security,
      request: { params: OrderIdParam, ...body(CreateShipmentSchema) },
      responses: { 201: json(ShipmentSchema, 'Created'), 409: json(ErrorSchema, 'Tracking number already used'), ...errors },
    }),
    async (c) => {
      const shipment = await createShipment(deps, c.get('brand'), c.req.valid('param').orderId!, c.req.valid('json'));
      deps.notifyJobsEnqueued();
      return reply(c, { ...shipmentJson(shipment), label: await shipmentLabelSummary(deps, shipment.brand_id, shipment.id) }, 201);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/shipments',
      tags: ['Shipments'],
      summary: 'List shipments, the newest in Waybill first (by createdAt); trackingNumber (with or without carrier) finds a shipment by its number (an unknown carrier or parameter is 422)',
      security,
      request: { query: ListShipmentsQuery },
      responses: { 200: json(listOf(ShipmentSchema), 'A page of shipments'), ...errors },
    }),
    async (c) => {
      const page = await listShipments(deps, c.get('brand').id, c.req.valid('query'));
      return reply(c, { data: page.rows.map((s) => shipmentJson(s)), nextCursor: page.nextCursor });
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/shipments/{shipmentId}',
      tags: ['Shipments'],
      summary: 'Get a shipment with its timeline (oldest event first)',
      security,
      request: { params: ShipmentIdParam },
      responses: { 200: json(ShipmentSchema, 'The shipment'), ...errors },
    }),
    async (c) => {
      const { shipment, events, labelPurchase } = await findShipmentWithEvents(deps, c.get('brand').id, c.req.valid('param').shipmentId!);
      return reply(c, { ...shipmentJson(shipment, events), label: await labelSummaryOf(deps, labelPurchase) });
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/shipments/{shipmentId}/events',
      tags: ['Events'],
      summary: 'Post tracking events for a shipment (manual and hybrid updates, or a store relaying carrier scans)',
      security,
      request: { params: ShipmentIdParam, ...body(PostEventsSchema) },
      responses: {
        200: json(z.object({ shipment: ShipmentSchema, stored: z.number(), duplicates: z.number() }), 'Stored (duplicates are counted, not stored twice)'),
        ...errors,
      },
    }),
    async (c) => {
      return reply(c, postedEventsJson(await postShipmentEvents(deps, c.get('brand'), c.req.valid('param').shipmentId!, c.req.valid('json'), 'manual')));
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/events/batch',
      tags: ['Events'],
      summary:
        'Up to 1,000 events keyed by carrier and tracking number, stored in one transaction; each event’s outcome says whether that event was stored, was a duplicate (already known, or earlier in the request), names no shipment of the brand, or failed (a shipment whose events could not be processed is set apart and the rest stored: send its events again later); a carrier Waybill does not know is refused (422, naming the event’s field)',
      security,
      request: body(BatchEventsSchema),
      responses: {
        200: json(
          z.object({
            stored: z.number(),
            duplicates: z.number(),
            unknown: z.number(),
            failed: z.number(),
            results: z.array(
              z.object({
                index: z.number(),
                shipmentId: z.string().nullable(),
                outcome: z.enum(['stored', 'duplicate', 'unknown_shipment', 'failed']),
                error: z.string().optional().openapi({ description: 'Only on a failed event: why it was not stored' }),
              }),
            ),
          }),
          'Per-event outcome',
        ),
        ...errors,
      },
    }),
    async (c) => reply(c, await ingestBatch(deps, c.get('brand'), c.req.valid('json'), 'api')),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/shipments/{shipmentId}/commands',
      tags: ['Shipments'],
      summary: 'cancel, mark_delivered, mark_lost or expire a shipment (409 invalid_transition when its status does not allow it)',
      security,
      request: { params: ShipmentIdParam, ...body(CommandSchema) },
      responses: { 200: json(ShipmentSchema, 'The shipment after the command'), 409: json(ErrorSchema, 'Not allowed from the current status'), ...errors },
    }),
    async (c) => {
      const shipment = await runShipmentCommand(deps, c.get('brand'), c.req.valid('param').shipmentId!, c.req.valid('json').command);
      deps.notifyJobsEnqueued();
      return reply(c, shipmentJson(shipment));
    },
  );

  registerCarrierRoutes(api, deps);
  registerImportRoutes(api, deps);
  registerNotificationRoutes(api, deps);
  registerThemeRoutes(api, deps);
  registerLinkRoutes(api, deps);
  registerCatalogueRoutes(api, deps);
  registerReturnRoutes(api, deps);
  registerLabelRoutes(api, deps);
  registerInboundRoutes(api, deps);
  registerPollingRoutes(api, deps);
  return api;
}

/**
 * Links are signed with the brand's current link key version; the authenticated brand may be up
 * to 10 s old (the key cache), so routes that hand out links read the brand afresh.
 */
async function linkingBrand(deps: Deps, cached: AppEnv['Variables']['brand']) {
  return (await getBrand(deps.db, cached.id)) ?? cached;
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k) ?? [];
    list.push(item);
    groups.set(k, list);
  }
  return groups;
}

