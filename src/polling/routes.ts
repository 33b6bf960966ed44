// /v1 routes about polling: how each connected carrier account is doing against its limits (and
// whether its quota is too small for the brand's volume), and the account's own limits.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { Context } from 'hono';
import type { AppEnv } from '../api/context.js';
import { ErrorSchema } from '../api/schemas.js';
import { carrierAdapter } from '../carriers/registry.js';
import type { Deps } from '../deps.js';
import { AppError } from '../lib/errors.js';
import { accountLimitsOf, newAccountRow, pauseInForce } from './account.js';
import { POLLED_CARRIERS } from './jobs.js';
import { CarrierLimitsInputSchema, effectiveLimits, rolledOver } from './limits.js';
import { adviseNotConnected, adviseQuota, countActiveShipments, measureDemand } from './report.js';
import { strictObject } from '../api/request-fields.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const security = [{ apiKey: [] }];
const errors = { 401: json(ErrorSchema, 'Missing or wrong API key'), 404: json(ErrorSchema, 'Not found'), 422: json(ErrorSchema, 'Validation failed') };
const reply = (c: Context, value: unknown): never => c.json(value as never, 200) as never;

const LimitsSchema = z.object({
  rate: z.array(z.object({ limit: z.number(), windowSeconds: z.number() })),
  dailyQuota: z.number().nullable(),
});

const AccountStatusSchema = z
  .object({
    carrier: z.string(),
    connected: z.boolean().openapi({ description: 'false: the carrier refused the saved credentials; the account is not polled until it is reconnected' }),
    limits: LimitsSchema,
    limitsSource: z.enum(['default', 'config', 'account']).openapi({ description: 'default: the carrier’s published limits; config: CARRIER_LIMITS; account: set here' }),
    batchSize: z.number().openapi({ description: 'Tracking numbers per request the carrier’s API takes' }),
    usedToday: z.number().openapi({ description: 'Requests sent since 00:00 UTC' }),
    pausedUntil: z.string().nullable(),
    pauseReason: z.string().nullable().openapi({ description: 'Why polling is paused: throttling, an outage, refused credentials' }),
    activeShipments: z.number().openapi({ description: 'Parcels polled; when not connected, the brand’s parcels of this carrier still moving' }),
    pollsPerDay: z.number().openapi({ description: 'Polls the active parcels need a day at their cadence (before batching)' }),
    dueNow: z.number(),
    overdue: z.number().openapi({ description: 'Parcels whose poll is over an hour late' }),
    requestsNeededPerDay: z.number(),
    capacityPerDay: z.number().nullable(),
    coverage: z.number().openapi({ description: 'Share of the needed requests the limits allow (1 = enough; 0 when not connected with active parcels)' }),
    quotaTooSmall: z.boolean(),
    message: z.string().openapi({ description: 'The verdict in plain words, with what to do when the quota is too small; when not connected, "not connected: not polled; reconnect" and the parcels left waiting' }),
    trackAlert: z.object({ active: z.number(), refused: z.number(), failed: z.number() }).optional().openapi({ description: 'UPS: Track Alert subscriptions of active parcels' }),
  })
  .openapi('CarrierPollingStatus');

const CarrierParam = z.object({ carrier: z.enum(POLLED_CARRIERS).openapi({ param: { name: 'carrier', in: 'path' } }) });

export async function accountStatus(deps: Deps, brandId: string, carrier: string) {
  const adapter = carrierAdapter(carrier)!;
  const connection = await deps.db.selectFrom('carrier_connections').select(['status', 'message']).where('brand_id', '=', brandId).where('carrier', '=', carrier).executeTakeFirst();
  const connected = connection?.status === 'connected';
  const account = await deps.db.selectFrom('carrier_poll_accounts').selectAll().where('brand_id', '=', brandId).where('carrier', '=', carrier).executeTakeFirst();
  const { limits, source } = effectiveLimits(carrier, deps.config.polling.carrierLimits, accountLimitsOf(account));
  const now = deps.clock.now();
  const demand = await measureDemand(deps, brandId, carrier);
  const used = account ? rolledOver({ recent: [], day: account.quota_day ?? '', used: account.used_today }, now.getTime()).used : 0;
  const paused = account && pauseInForce(account, now.getTime()) ? account : null;
  const trackAlert = carrier === 'ups' ? await trackAlertCounts(deps, brandId) : undefined;
  const advice = adviseQuota({ carrierName: adapter.name, carrier, limits, batchSize: adapter.maxBatchSize, demand });
  // Not connected, nothing is polled: the parcels that wait are the brand's active ones, not the poll rows.
  const notConnected = connected ? null : { activeShipments: await countActiveShipments(deps, brandId, carrier), lastCheck: connection?.message ?? null };
  return {
    carrier,
    connected,
    limits,
    limitsSource: source,
    batchSize: adapter.maxBatchSize,
    usedToday: used,
    pausedUntil: paused?.paused_until ?? null,
    pauseReason: paused?.pause_reason ?? null,
    ...demand,
    ...advice,
    ...(notConnected ? { activeShipments: notConnected.activeShipments, ...adviseNotConnected({ carrierName: adapter.name, carrier, ...notConnected }) } : {}),
    ...(trackAlert ? { trackAlert } : {}),
  };
}

async function trackAlertCounts(deps: Deps, brandId: string) {
  const rows = await deps.db
    .selectFrom('push_subscriptions as p')
    .innerJoin('shipments as s', 's.id', 'p.shipment_id')
    .select(['p.state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('p.brand_id', '=', brandId)
    .where('s.status', 'not in', ['delivered', 'returned', 'cancelled', 'expired'])
    .where((eb) => eb.or([eb('p.state', '!=', 'active'), eb('p.expires_at', '>', deps.clock.now().toISOString())]))
    .groupBy('p.state')
    .execute();
  const count = (state: string) => Number(rows.find((r) => r.state === state)?.n ?? 0);
  return { active: count('active'), refused: count('refused'), failed: count('failed') };
}

export function registerPollingRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  api.openapi(
    createRoute({
      method: 'get',
      path: '/carriers/polling',
      tags: ['Carriers'],
      summary: 'How polling of each carrier account stands: limits, today’s usage, pauses, what the active parcels need, whether the quota is too small, or that the account is not connected and not polled',
      security,
      responses: { 200: json(z.object({ data: z.array(AccountStatusSchema) }), 'One entry per carrier account saved (connected or not)'), ...errors },
    }),
    async (c) => {
      const brandId = c.get('brand').id;
      const connected = await deps.db.selectFrom('carrier_connections').select('carrier').where('brand_id', '=', brandId).where('carrier', 'in', POLLED_CARRIERS).orderBy('carrier').execute();
      return reply(c, { data: await Promise.all(connected.map((row) => accountStatus(deps, brandId, row.carrier))) });
    },
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/carriers/{carrier}/polling',
      tags: ['Carriers'],
      summary: 'Set this account’s own request rates and daily quota (e.g. after the carrier raised them); null returns to the defaults',
      security,
      request: {
        params: CarrierParam,
        body: { required: true, content: { 'application/json': { schema: strictObject({ limits: CarrierLimitsInputSchema.nullable() }) } } },
      },
      responses: { 200: json(AccountStatusSchema, 'The account with its new limits'), 409: json(ErrorSchema, 'The carrier is not connected'), ...errors },
    }),
    async (c) => {
      const brandId = c.get('brand').id;
      const { carrier } = c.req.valid('param');
      const { limits } = c.req.valid('json');
      const connected = await deps.db.selectFrom('carrier_connections').select('carrier').where('brand_id', '=', brandId).where('carrier', '=', carrier).executeTakeFirst();
      if (!connected) throw new AppError('carrier_not_connected', `connect a ${carrier} account first: PUT /v1/carriers/${carrier}/connection`);
      const at = deps.clock.now().toISOString();
      const value = limits ? JSON.stringify(limits) : null;
      await deps.db
        .insertInto('carrier_poll_accounts')
        .values({ ...newAccountRow(brandId, carrier, at), limits: value })
        .onConflict((oc) => oc.columns(['brand_id', 'carrier']).doUpdateSet({ limits: value, report_at: null, updated_at: at }))
        .execute();
      return reply(c, await accountStatus(deps, brandId, carrier));
    },
  );
}
