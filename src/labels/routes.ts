// /v1 routes about labels: downloading a shipment's label (PDF or ZPL), voiding it, and (in
// ./rules-routes.ts) the routing rules that choose the carrier.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../api/context.js';
import { ErrorSchema, listOf, listQuery, pageParams, ShipmentSchema } from '../api/schemas.js';
import { shipmentJson } from '../api/serialize.js';
import { LABEL_FORMATS } from '../carriers/label-types.js';
import type { Deps } from '../deps.js';
import { AppError, notFound } from '../lib/errors.js';
import { findShipment } from '../shipments/service.js';
import { defaultLabelFormat, documentFormats, findShipmentPurchase, readLabelDocument, unsettledPurchases } from './store.js';
import { shipmentLabelSummary } from './summary.js';
import { voidShipmentLabel } from './void.js';
import { registerRoutingRuleRoutes } from './rules-routes.js';
import { UNRESOLVED_REASONS, type UnresolvedReason } from './unresolved.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const security = [{ apiKey: [] }];
const errors = { 401: json(ErrorSchema, 'Missing or wrong API key'), 404: json(ErrorSchema, 'Not found'), 422: json(ErrorSchema, 'Validation failed') };
const ShipmentParam = z.object({ shipmentId: z.string().max(64).openapi({ param: { name: 'shipmentId', in: 'path' }, example: 'shp_01jd0000000000000000000000' }) });
const binary = z.string().openapi({ format: 'binary' });

const UnsettledPurchaseSchema = z
  .object({
    id: z.string().openapi({ example: 'lbl_01jd0000000000000000000000' }),
    orderId: z.string(),
    carrier: z.string(),
    service: z.string(),
    direction: z.enum(['outbound', 'return']),
    state: z.enum(['requesting', 'unknown']).openapi({ description: 'requesting: a call is under way; unknown: the carrier did not answer and may have charged' }),
    lastError: z.string().nullable().openapi({ description: 'What the carrier last said, or how it failed to answer' }),
    unresolved: z
      .enum(UNRESOLVED_REASONS)
      .nullable()
      .openapi({
        description:
          'Why Waybill stopped asking about this purchase (nextCheckAt null); saving a working connection for the carrier (PUT /v1/carriers/{carrier}/connection) resumes the checks at once. carrier_disconnected: the carrier account was disconnected; carrier_refused_credentials: the carrier refused the account’s credentials (401/403) when asked about it. null: Waybill is still asking (a carrier that throttles, fails or does not answer is asked again)',
      }),
    carrierCalls: z.number().int().openapi({ description: 'Purchase calls made to the carrier' }),
    checks: z.number().int().openapi({ description: 'Times Waybill has asked the carrier about it since (labels.reconcile)' }),
    nextCheckAt: z.string().nullable().openapi({ description: 'When Waybill asks the carrier next' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('UnsettledLabelPurchase');

export function registerLabelRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  registerRoutingRuleRoutes(api, deps);
  api.openapi(
    createRoute({
      method: 'get',
      path: '/label-purchases',
      tags: ['Labels'],
      summary:
        'Label purchases not settled yet: the carrier did not answer and may have charged; Waybill keeps asking it until each is bought, voided or failed (failed only on an answer that says no label stands), or marks it unresolved while the carrier account is disconnected or its credentials refused. Oldest first, a page at a time (limit, cursor: the nextCursor of the previous page; a parameter the list does not know is 422)',
      security,
      request: { query: listQuery(pageParams) },
      responses: { 200: json(listOf(UnsettledPurchaseSchema), 'A page of unsettled purchases'), ...errors },
    }),
    async (c) => {
      const { rows, nextCursor } = await unsettledPurchases(deps.db, c.get('brand').id, c.req.valid('query'));
      const data = rows.map(({ purchase: p, nextCheckAt, checks }) => ({
        id: p.id,
        orderId: p.order_id,
        carrier: p.carrier,
        service: p.service,
        direction: p.direction as 'outbound' | 'return',
        state: p.state as 'requesting' | 'unknown',
        lastError: p.error,
        unresolved: p.unresolved as UnresolvedReason | null,
        carrierCalls: p.calls,
        checks,
        nextCheckAt,
        createdAt: p.created_at,
        updatedAt: p.updated_at,
      }));
      return c.json({ data, nextCursor } as never, 200);
    },
  );
  api.openapi(
    createRoute({
      method: 'get',
      path: '/shipments/{shipmentId}/label',
      tags: ['Labels'],
      summary: 'Download the shipment’s label: a 4×6 PDF or ZPL for thermal printers',
      security,
      request: {
        params: ShipmentParam,
        query: z.object({ format: z.enum(LABEL_FORMATS).optional().openapi({ description: 'Left out: the PDF when the label has one, else the format it was bought in' }) }),
      },
      responses: {
        200: { description: 'The label', content: { 'application/pdf': { schema: binary }, 'application/zpl': { schema: binary } } },
        409: json(ErrorSchema, 'The label was voided: it must not be printed'),
        ...errors,
      },
    }),
    async (c) => {
      const brand = c.get('brand');
      const { shipmentId } = c.req.valid('param');
      const asked = c.req.valid('query').format;
      const shipment = await findShipment(deps, brand.id, shipmentId!);
      const purchase = await findShipmentPurchase(deps.db, brand.id, shipment.id);
      if (!purchase) throw notFound(`a label for shipment ${shipment.id} (its tracking number was not bought through Waybill)`);
      if (purchase.state === 'voided') throw new AppError('conflict', `the label of shipment ${shipment.id} was voided at ${purchase.voided_at}; it must not be printed`);
      let formats: Awaited<ReturnType<typeof documentFormats>> | undefined;
      const boughtFormats = async () => (formats ??= await documentFormats(deps.db, purchase.id));
      const format = asked ?? defaultLabelFormat(await boughtFormats());
      const document = await readLabelDocument(deps.db, purchase, format);
      if (!document) {
        throw new AppError('not_found', `the ${purchase.carrier} label of shipment ${shipment.id} was bought as ${(await boughtFormats()).join(' and ')}; there is no ${format} version`);
      }
      return c.body(Buffer.from(document.body), 200, {
        'content-type': document.contentType,
        'content-disposition': `${format === 'pdf' ? 'inline' : 'attachment'}; filename="${document.filename}"`,
        'cache-control': 'private, no-store',
      }) as never;
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/shipments/{shipmentId}/void',
      tags: ['Labels'],
      summary: 'Void the shipment’s label at the carrier and cancel the shipment (refused once the carrier has the parcel, with its reason)',
      security,
      request: { params: ShipmentParam },
      responses: {
        200: json(ShipmentSchema, 'The shipment, cancelled, with its voided label'),
        409: json(ErrorSchema, 'No label to void, the parcel is already moving, or the carrier refused (its reason is quoted in details)'),
        503: json(ErrorSchema, 'The carrier did not answer; the label is still valid'),
        ...errors,
      },
    }),
    async (c) => {
      const brand = c.get('brand');
      const shipment = await voidShipmentLabel(deps, brand, c.req.valid('param').shipmentId!);
      deps.notifyJobsEnqueued();
      return c.json({ ...shipmentJson(shipment), label: await shipmentLabelSummary(deps, brand.id, shipment.id) } as never, 200);
    },
  );
}
