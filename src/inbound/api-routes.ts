// /v1 routes for inbound webhooks: the brand's endpoints (credentials shown once), and the inbox of
// deliveries (parked ones especially: a tracking number Waybill has no shipment for yet).
import { cursorId, page } from '../orders/queries.js';
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../api/context.js';
import { ErrorSchema, listOf, listQuery, pageLimit } from '../api/schemas.js';
import type { Deps } from '../deps.js';
import type { InboundEventRow } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import { deleteEndpoint, INBOUND_PROVIDERS, issueEndpoint, listEndpoints } from './endpoints.js';
import { enqueueInboxRun } from './inbox.js';
import { strictObject } from '../api/request-fields.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const security = [{ apiKey: [] }];
const errors = { 401: json(ErrorSchema, 'Missing or wrong API key'), 404: json(ErrorSchema, 'Not found'), 422: json(ErrorSchema, 'Validation failed') };
const reply = (c: Context, value: unknown, status: 200 | 201 | 202 = 200): never => c.json(value as never, status) as never;

const ProviderParam = z.object({ provider: z.enum(INBOUND_PROVIDERS).openapi({ param: { name: 'provider', in: 'path' }, example: 'easypost' }) });

const EndpointSchema = z
  .object({
    provider: z.enum(INBOUND_PROVIDERS),
    url: z.string().openapi({ description: 'Where the provider sends deliveries (Shippo: the full URL holds the secret token and is shown only when made)' }),
    secret: z.string().optional().openapi({ description: 'EasyPost: the webhook secret to give EasyPost. Shown only in this answer' }),
    clientId: z.string().optional().openapi({ description: 'UPS Track Alert: the OAuth client id (UPS sends it back as x-api-key)' }),
    clientSecret: z.string().optional().openapi({ description: 'UPS Track Alert: the OAuth client secret. Shown only in this answer' }),
    tokenUrl: z.string().optional().openapi({ description: 'UPS Track Alert: the token URL to enter in UPS’s webhook credentials' }),
    previousSecretValidUntil: z.string().nullable().optional().openapi({ description: 'After a rotation, the old secret keeps working until then' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('InboundWebhookEndpoint');

const DeliverySchema = z
  .object({
    id: z.string(),
    source: z.string(),
    state: z.enum(['received', 'processed', 'parked', 'failed']),
    receivedAt: z.string(),
    processedAt: z.string().nullable(),
    attempts: z.number(),
    retryAt: z.string().nullable().openapi({ description: 'Parked: when Waybill looks for the shipment again' }),
    error: z.string().nullable(),
  })
  .openapi('InboundDelivery');

const deliveryJson = (row: InboundEventRow) => ({
  id: row.id,
  source: row.source,
  state: row.state,
  receivedAt: row.received_at,
  processedAt: row.processed_at,
  attempts: row.attempts,
  retryAt: row.retry_at,
  error: row.error,
});

export function registerInboundRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  api.openapi(
    createRoute({
      method: 'put',
      path: '/inbound-webhooks/{provider}',
      tags: ['Inbound webhooks'],
      summary: 'Create the brand’s endpoint for EasyPost, Shippo or UPS Track Alert, or rotate its secret (the old one works for another day). Secrets are shown only in this answer',
      security,
      request: {
        params: ProviderParam,
        body: {
          required: false,
          content: { 'application/json': { schema: strictObject({ secret: z.string().min(16).max(200).optional().openapi({ description: 'EasyPost only: a webhook secret you already gave EasyPost' }) }) } },
        },
      },
      responses: { 201: json(EndpointSchema, 'Created'), 200: json(EndpointSchema, 'Rotated'), ...errors },
    }),
    async (c) => {
      const { provider } = c.req.valid('param');
      const body = (c.req.valid('json') as { secret?: string } | undefined) ?? {};
      const { reveal, created } = await issueEndpoint(deps, c.get('brand').id, provider, body);
      return reply(c, reveal, created ? 201 : 200);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/inbound-webhooks',
      tags: ['Inbound webhooks'],
      summary: 'The brand’s webhook endpoints (never their secrets)',
      security,
      responses: { 200: json(z.object({ data: z.array(EndpointSchema) }), 'Endpoints'), ...errors },
    }),
    async (c) => reply(c, { data: await listEndpoints(deps, c.get('brand').id) }),
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/inbound-webhooks/{provider}',
      tags: ['Inbound webhooks'],
      summary: 'Delete an endpoint: its URL, secret and tokens stop working at once',
      security,
      request: { params: ProviderParam },
      responses: { 204: { description: 'Deleted' }, ...errors },
    }),
    async (c) => {
      await deleteEndpoint(deps, c.get('brand').id, c.req.valid('param').provider);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/inbound-webhooks/deliveries',
      tags: ['Inbound webhooks'],
      summary: 'Deliveries received, newest first; `state=parked` lists those whose tracking number matched no shipment yet',
      security,
      request: {
        query: listQuery({
          state: z.enum(['received', 'processed', 'parked', 'failed']).optional(),
          limit: pageLimit(500).default(100),
          cursor: z.string().max(200).optional().openapi({ description: 'nextCursor of the previous page' }),
        }),
      },
      responses: { 200: json(listOf(DeliverySchema), 'A page of deliveries'), ...errors },
    }),
    async (c) => {
      const { state, limit, cursor } = c.req.valid('query');
      let query = deps.db.selectFrom('inbound_events').selectAll().where('brand_id', '=', c.get('brand').id).orderBy('id', 'desc').limit(limit + 1);
      if (state) query = query.where('state', '=', state);
      const before = cursorId(cursor, 'inbound');
      if (before) query = query.where('id', '<', before);
      const { rows, nextCursor } = page(await query.execute(), limit);
      return reply(c, { data: rows.map(deliveryJson), nextCursor });
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/inbound-webhooks/deliveries/retry',
      tags: ['Inbound webhooks'],
      summary: 'Process again every delivery in a state: `failed` ones once their cause is mended, `parked` ones right after creating many shipments',
      description: 'Every delivery of the brand in that state goes back to `received` and is processed by the next run (one job for all). A delivery that fails on its own again is `failed` again after that run.',
      security,
      request: { body: { required: true, content: { 'application/json': { schema: strictObject({ state: z.enum(['failed', 'parked']) }) } } } },
      responses: { 202: json(z.object({ queued: z.number().int().openapi({ description: 'How many deliveries went back to received' }) }), 'Queued'), ...errors },
    }),
    async (c) => {
      const { state } = c.req.valid('json');
      const brandId = c.get('brand').id;
      const now = deps.clock.now();
      const queued = await deps.db.transaction().execute(async (trx) => {
        const result = await trx.updateTable('inbound_events').set({ state: 'received', retry_at: null, failed_runs: 0 }).where('brand_id', '=', brandId).where('state', '=', state).executeTakeFirst();
        const count = Number(result.numUpdatedRows);
        if (count > 0) await enqueueInboxRun(trx, now, `inbound:retry:${brandId}:${state}:${now.toISOString()}`);
        return count;
      });
      if (queued > 0) deps.notifyJobsEnqueued();
      return reply(c, { queued }, 202);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/inbound-webhooks/deliveries/{deliveryId}/retry',
      tags: ['Inbound webhooks'],
      summary: 'Process a parked or failed delivery again now (for example right after creating its shipment)',
      security,
      request: { params: z.object({ deliveryId: z.string().max(64).openapi({ param: { name: 'deliveryId', in: 'path' } }) }) },
      responses: { 202: json(DeliverySchema, 'Queued'), 409: json(ErrorSchema, 'Already processed'), ...errors },
    }),
    async (c) => {
      const id = c.req.valid('param').deliveryId;
      const now = deps.clock.now();
      const row = await deps.db.transaction().execute(async (trx) => {
        const found = await trx.selectFrom('inbound_events').selectAll().where('id', '=', id).where('brand_id', '=', c.get('brand').id).executeTakeFirst();
        if (!found) throw new AppError('not_found', `delivery ${id} was not found`);
        if (found.state === 'processed') throw new AppError('conflict', `delivery ${id} was already processed`);
        await trx.updateTable('inbound_events').set({ state: 'received', retry_at: null, failed_runs: 0 }).where('id', '=', id).execute();
        await enqueueInboxRun(trx, now, `inbound:retry:${id}:${found.attempts}`);
        return { ...found, state: 'received', retry_at: null };
      });
      deps.notifyJobsEnqueued();
      return reply(c, deliveryJson(row), 202);
    },
  );
}
