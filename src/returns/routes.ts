// /v1 routes of returns: the brand's policy, and the merchant's side of every return (list, read,
// create for a customer, approve, reject, receive, record the refund).
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../api/context.js';
import { cursorId, page } from '../orders/queries.js';
import { ErrorSchema, listQuery, pageParams } from '../api/schemas.js';
import type { Deps } from '../deps.js';
import type { BrandRow, ReturnRow } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import { findOrder } from '../orders/service.js';
import { fill, HUB_TEXT, RETURN_REASONS } from '../hub/i18n/index.js';
import { type OrderItem, RETURN_STATES, ReturnPolicySchema, returnPolicyOf, type ReturnItem, returnsCurrencyOf, suggestedRefundOf } from './policy.js';
import { approveReturn, checkReturnCarrier, findReturn, receiveReturn, refundReturn, rejectReturn, requestReturn, retryReturnLabel } from './service.js';
import { updateBrandSettings } from '../brands/repo.js';
import { strictObject } from '../api/request-fields.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const body = <T extends z.ZodType>(schema: T) => ({ body: { required: true, content: { 'application/json': { schema } } } });
const security = [{ apiKey: [] }];
const errors = { 401: json(ErrorSchema, 'Missing or wrong API key'), 404: json(ErrorSchema, 'Not found (or not yours)'), 409: json(ErrorSchema, 'Not allowed in the return’s state'), 422: json(ErrorSchema, 'Validation failed') };
const tags = ['Returns'];
const ReturnIdParam = z.object({ returnId: z.string().max(64).openapi({ param: { name: 'returnId', in: 'path' }, example: 'ret_01jd0000000000000000000000' }) });

const ReturnSchema = z
  .object({
    id: z.string(),
    rma: z.string().openapi({ description: 'The return number the customer sees' }),
    orderId: z.string(),
    state: z.enum(RETURN_STATES),
    items: z.array(z.object({ sku: z.string(), name: z.string(), quantity: z.number() })),
    reason: z.enum(RETURN_REASONS),
    comment: z.string().nullable(),
    requestedBy: z.enum(['customer', 'merchant']),
    labelPaidBy: z.enum(['brand', 'customer']),
    labelFee: z.number().nullable(),
    suggestedRefund: z.number().nullable().openapi({ description: 'The items’ prices less the label fee the customer pays; null when a price is unknown' }),
    shipment: z.object({ id: z.string(), carrier: z.string(), trackingNumber: z.string(), status: z.string(), labelUrl: z.string() }).nullable(),
    rejectionReason: z.string().nullable(),
    receivedBy: z.enum(['carrier', 'person']).nullable(),
    refund: z.object({ amount: z.number(), currency: z.string(), reference: z.string().nullable(), issuedAt: z.string() }).nullable(),
    createdAt: z.string(),
    approvedAt: z.string().nullable(),
    rejectedAt: z.string().nullable(),
    receivedAt: z.string().nullable(),
  })
  .openapi('Return');

export function registerReturnRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  const freshBrand = async (cached: BrandRow) => (await deps.db.selectFrom('brands').selectAll().where('id', '=', cached.id).executeTakeFirst()) ?? cached;

  const returnJson = async (ret: ReturnRow) => {
    const [order, brand, shipment] = await Promise.all([
      deps.db.selectFrom('orders').select(['items', 'currency']).where('id', '=', ret.order_id).executeTakeFirstOrThrow(),
      deps.db.selectFrom('brands').select('settings').where('id', '=', ret.brand_id).executeTakeFirstOrThrow(),
      ret.shipment_id ? deps.db.selectFrom('shipments').select(['id', 'carrier', 'tracking_number', 'status']).where('id', '=', ret.shipment_id).executeTakeFirst() : undefined,
    ]);
    const items = JSON.parse(ret.items) as ReturnItem[];
    return {
      id: ret.id,
      rma: ret.rma,
      orderId: ret.order_id,
      state: ret.state,
      items,
      reason: ret.reason,
      comment: ret.comment,
      requestedBy: ret.requested_by,
      labelPaidBy: ret.label_paid_by,
      labelFee: ret.label_fee === null ? null : Number(ret.label_fee),
      suggestedRefund: suggestedRefundOf(ret, JSON.parse(order.items) as OrderItem[], returnPolicyOf(brand), returnsCurrencyOf(order, returnPolicyOf(brand), ret.refund_currency)),
      shipment: shipment ? { id: shipment.id, carrier: shipment.carrier, trackingNumber: shipment.tracking_number, status: shipment.status, labelUrl: `/v1/shipments/${shipment.id}/label` } : null,
      rejectionReason: ret.rejection_reason,
      receivedBy: ret.received_by,
      refund: ret.refund_amount === null ? null : { amount: Number(ret.refund_amount), currency: ret.refund_currency!, reference: ret.refund_reference, issuedAt: ret.refunded_at! },
      createdAt: ret.created_at,
      approvedAt: ret.approved_at,
      rejectedAt: ret.rejected_at,
      receivedAt: ret.received_at,
    };
  };

  api.openapi(
    createRoute({ method: 'get', path: '/returns/policy', tags, summary: 'The returns policy in force', security, responses: { 200: json(ReturnPolicySchema, 'The policy'), ...errors } }),
    async (c) => c.json(returnPolicyOf(await freshBrand(c.get('brand'))) as never, 200),
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/returns/policy',
      tags,
      summary: 'Set the returns policy: on or off, the window from delivery, eligible and excluded items, reasons, who pays the label, automatic or manual approval',
      security,
      request: body(strictObject(ReturnPolicySchema.shape).openapi('ReturnPolicyInput')),
      responses: { 200: json(ReturnPolicySchema, 'Saved'), ...errors },
    }),
    async (c) => {
      const policy = c.req.valid('json');
      const brandId = c.get('brand').id;
      await checkReturnCarrier(deps, brandId, policy.carrier);
      await updateBrandSettings(deps, brandId, (current) => ({ ...current, returns: policy }));
      return c.json(policy as never, 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/returns',
      tags,
      summary: 'Returns, newest first (state=requested is the approval queue)',
      security,
      request: { query: listQuery({ state: z.enum(RETURN_STATES).optional(), orderId: z.string().max(64).optional(), ...pageParams }) },
      responses: { 200: json(z.object({ data: z.array(ReturnSchema), nextCursor: z.string().nullable() }), 'A page of returns'), ...errors },
    }),
    async (c) => {
      const query = c.req.valid('query');
      let q = deps.db.selectFrom('returns').selectAll().where('brand_id', '=', c.get('brand').id);
      if (query.state) q = q.where('state', '=', query.state);
      if (query.orderId) q = q.where('order_id', '=', query.orderId);
      const after = cursorId(query.cursor, 'return');
      if (after) q = q.where('id', '<', after);
      const { rows, nextCursor } = page(await q.orderBy('id', 'desc').limit(query.limit + 1).execute(), query.limit);
      return c.json({ data: await Promise.all(rows.map(returnJson)), nextCursor } as never, 200);
    },
  );

  api.openapi(
    createRoute({ method: 'get', path: '/returns/{returnId}', tags, summary: 'One return, with its parcel and label', security, request: { params: ReturnIdParam }, responses: { 200: json(ReturnSchema, 'The return'), ...errors } }),
    async (c) => c.json((await returnJson(await findReturn(deps, c.get('brand').id, c.req.valid('param').returnId))) as never, 200),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/orders/{orderId}/returns',
      tags,
      summary: 'Start a return for a customer (support): the policy applies unless override is true; approve: true buys the label at once',
      security,
      request: {
        params: z.object({ orderId: z.string().max(64).openapi({ param: { name: 'orderId', in: 'path' } }) }),
        ...body(
          strictObject({
            items: z.array(strictObject({ sku: z.string().min(1).max(100), quantity: z.number().int().min(1).max(100_000) })).min(1).max(500),
            reason: z.enum(RETURN_REASONS),
            comment: z.string().max(1000).optional(),
            override: z.boolean().default(false).openapi({ description: 'Skip the window and the excluded items (quantities still apply)' }),
            approve: z.boolean().optional().openapi({ description: 'Approve at once (default: as the policy says)' }),
          }),
        ),
      },
      responses: { 201: json(ReturnSchema, 'Created'), ...errors },
    }),
    async (c) => {
      const brand = await freshBrand(c.get('brand'));
      const order = await findOrder(deps, brand.id, c.req.valid('param').orderId);
      const input = c.req.valid('json');
      const result = await requestReturn(deps, brand, order, input, { by: 'merchant', override: input.override, approve: input.approve });
      if (!result.ok) {
        const message = fill(HUB_TEXT.en.refusals[result.refusal], { item: result.item ?? '' });
        throw new AppError(result.refusal === 'not_delivered' || result.refusal === 'outside_window' || result.refusal === 'already_requested' ? 'conflict' : 'validation_failed', message, [{ field: 'items', problem: `${result.refusal}: ${message}` }]);
      }
      return c.json((await returnJson(result.ret)) as never, 201);
    },
  );

  api.openapi(
    createRoute({ method: 'post', path: '/returns/{returnId}/approve', tags, summary: 'Approve a requested return: the label is bought and the customer gets it by email (when it cannot be bought now, the return stays approved with no shipment: see POST /v1/returns/{returnId}/label)', security, request: { params: ReturnIdParam }, responses: { 200: json(ReturnSchema, 'Approved'), ...errors } }),
    async (c) => c.json((await returnJson(await approveReturn(deps, await freshBrand(c.get('brand')), c.req.valid('param').returnId))) as never, 200),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/returns/{returnId}/label',
      tags,
      summary: 'Buy the label of an approved return that has none yet (its carrier account was missing or the carrier failed at approval): the customer gets it by email. The carrier’s refusal is answered as it is',
      security,
      request: { params: ReturnIdParam },
      responses: { 200: json(ReturnSchema, 'The return with its parcel and label'), ...errors },
    }),
    async (c) => c.json((await returnJson(await retryReturnLabel(deps, await freshBrand(c.get('brand')), c.req.valid('param').returnId))) as never, 200),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/returns/{returnId}/reject',
      tags,
      summary: 'Refuse a requested return, saying why (the customer sees the reason on the tracking page)',
      security,
      request: { params: ReturnIdParam, ...body(strictObject({ reason: z.string().trim().min(1).max(500) })) },
      responses: { 200: json(ReturnSchema, 'Rejected'), ...errors },
    }),
    async (c) => c.json((await returnJson(await rejectReturn(deps, c.get('brand'), c.req.valid('param').returnId, c.req.valid('json').reason))) as never, 200),
  );

  api.openapi(
    createRoute({ method: 'post', path: '/returns/{returnId}/receive', tags, summary: 'The parcel arrived at the warehouse (a person says so; the carrier’s delivery scan does it by itself)', security, request: { params: ReturnIdParam }, responses: { 200: json(ReturnSchema, 'Received'), ...errors } }),
    async (c) => c.json((await returnJson(await receiveReturn(deps, await freshBrand(c.get('brand')), c.req.valid('param').returnId))) as never, 200),
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/returns/{returnId}/refund',
      tags,
      summary: 'Record the refund (issued by the store or by hand): the customer is told. At most the order’s total less its earlier refunds, in the order’s currency',
      security,
      request: {
        params: ReturnIdParam,
        ...body(
          strictObject({
            amount: z.number().positive().max(10_000_000).optional().openapi({ description: 'Default: suggestedRefund. More than 0, and at most the order’s total (its items’ prices) less what its earlier refunds gave back' }),
            currency: z.string().regex(/^[A-Z]{3}$/).optional().openapi({ description: 'Default and only value accepted: the order’s currency (that of its earlier refunds, else the returns policy’s)' }),
            reference: z.string().max(200).optional(),
          }),
        ),
      },
      responses: { 200: json(ReturnSchema, 'Refunded'), ...errors },
    }),
    async (c) => c.json((await returnJson(await refundReturn(deps, await freshBrand(c.get('brand')), c.req.valid('param').returnId, c.req.valid('json')))) as never, 200),
  );
}
