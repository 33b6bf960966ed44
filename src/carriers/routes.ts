// /v1 routes about carriers: tracking-number detection, carrier accounts, tracking a shipment now.
import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import type { AppEnv } from '../api/context.js';
import { ErrorSchema, ShipmentSchema } from '../api/schemas.js';
import { shipmentJson } from '../api/serialize.js';
import type { Deps } from '../deps.js';
import { refreshShipment } from '../shipments/refresh.js';
import { deleteConnection, listConnections, saveConnection } from './connections.js';
import { detectTrackingNumber } from './tracking-numbers/index.js';
import { strictObject } from '../api/request-fields.js';

const json = <T extends z.ZodType>(schema: T, description: string) => ({ content: { 'application/json': { schema } }, description });
const security = [{ apiKey: [] }];
const errors = { 401: json(ErrorSchema, 'Missing or wrong API key'), 404: json(ErrorSchema, 'Not found'), 422: json(ErrorSchema, 'Validation failed') };

const ConnectionSchema = z
  .object({
    carrier: z.string(),
    status: z.enum(['connected', 'failed']),
    message: z.string().nullable().openapi({ description: 'On failure, the carrier’s own error message (and, when a working connection was kept instead, that it was)' }),
    baseUrl: z.string().nullable(),
    verifiedAt: z.string().nullable(),
    updatedAt: z.string(),
  })
  .openapi('CarrierConnection');

const CarrierParam = z.object({ carrier: z.enum(['ups', 'fedex', 'usps', 'dhl']).openapi({ param: { name: 'carrier', in: 'path' } }) });

const DetectionSchema = z
  .object({
    input: z.string(),
    normalized: z.string(),
    candidates: z.array(z.object({ courier: z.string(), format: z.string(), valid: z.boolean(), service: z.string().optional(), trackingUrl: z.string().optional() })),
  })
  .openapi('TrackingNumberDetection');

export function registerCarrierRoutes(api: OpenAPIHono<AppEnv>, deps: Deps): void {
  api.openapi(
    createRoute({
      method: 'post',
      path: '/tracking-numbers/detect',
      tags: ['Carriers'],
      summary: 'Recognise and validate up to 1,000 tracking numbers (every courier and format of tracking_number_data v2.0.0)',
      security,
      request: { body: { required: true, content: { 'application/json': { schema: strictObject({ trackingNumbers: z.array(z.string().max(100)).min(1).max(1000) }) } } } },
      responses: { 200: json(z.object({ data: z.array(DetectionSchema) }), 'One detection per number, candidates most likely first'), ...errors },
    }),
    (c) => c.json({ data: c.req.valid('json').trackingNumbers.map((n) => detectTrackingNumber(n)) }, 200),
  );

  api.openapi(
    createRoute({
      method: 'put',
      path: '/carriers/{carrier}/connection',
      tags: ['Carriers'],
      summary: 'Connect the brand’s carrier account: credentials are checked, tried against the carrier and stored encrypted (never returned); a carrier outage saves nothing, and refused credentials never replace a working connection',
      security,
      request: {
        params: CarrierParam,
        body: {
          required: true,
          content: {
            'application/json': {
              schema: strictObject({
                credentials: z.record(z.string(), z.unknown()).openapi({ description: 'UPS/FedEx/USPS: clientId, clientSecret; UPS, FedEx: accountNumber (needed for labels); USPS labels: crid, mid, accountNumber (EPS), accountType, manifestMid; DHL: apiKey. A field the carrier does not take is refused (422) by name' }),
                baseUrl: z.url().optional().openapi({ description: 'The carrier’s test environment, e.g. https://wwwcie.ups.com' }),
              }),
            },
          },
        },
      },
      responses: {
        200: json(ConnectionSchema, 'Tried: connected and saved, or refused by the carrier (saved as failed, unless a working connection is kept; the message says so)'),
        429: json(ErrorSchema, 'The carrier throttled the check; nothing was saved, see Retry-After'),
        503: json(ErrorSchema, 'The carrier is down or too slow to check the credentials; nothing was saved'),
        ...errors,
      },
    }),
    async (c) => c.json(await saveConnection(deps, c.get('brand').id, c.req.valid('param').carrier, c.req.valid('json')), 200),
  );

  api.openapi(
    createRoute({
      method: 'get',
      path: '/carriers/connections',
      tags: ['Carriers'],
      summary: 'The brand’s carrier accounts and whether they work (no credentials)',
      security,
      responses: { 200: json(z.object({ data: z.array(ConnectionSchema) }), 'Connections'), ...errors },
    }),
    async (c) => c.json({ data: await listConnections(deps, c.get('brand').id) }, 200),
  );

  api.openapi(
    createRoute({
      method: 'delete',
      path: '/carriers/{carrier}/connection',
      tags: ['Carriers'],
      summary: 'Forget a carrier account',
      security,
      request: { params: CarrierParam },
      responses: { 204: { description: 'Deleted' }, ...errors },
    }),
    async (c) => {
      await deleteConnection(deps, c.get('brand').id, c.req.valid('param').carrier);
      return c.body(null, 204);
    },
  );

  api.openapi(
    createRoute({
      method: 'post',
      path: '/shipments/{shipmentId}/refresh',
      tags: ['Shipments'],
      summary: 'Track one shipment now through the brand’s carrier account',
      description:
        'The request goes through the account like a poll: it counts against the account’s rate limit and daily quota, it is never sent while the carrier has paused the account, and a 429, outage or refusal of the credentials it meets pauses the account for polls and the next “track now” too.',
      security,
      request: { params: z.object({ shipmentId: z.string().max(64).openapi({ param: { name: 'shipmentId', in: 'path' } }) }) },
      responses: {
        200: json(z.object({ shipment: ShipmentSchema, found: z.boolean(), stored: z.number().optional(), duplicates: z.number().optional(), message: z.string().optional() }), 'The shipment after the carrier’s answer'),
        409: json(ErrorSchema, 'No account connected for this carrier'),
        429: {
          ...json(
            ErrorSchema,
            'Not sent to the carrier, or throttled by it; try again after Retry-After. `carrier_paused`: the carrier paused the account (its 429 with Retry-After, an outage, refused credentials) and the pause has not ended: Retry-After is the pause’s end, the message names the carrier and why, `details` holds `carrier` and `pausedUntil`, and nothing was sent. `rate_limited`: the account’s rate limit or daily quota is reached (nothing was sent), or the carrier answered this request with 429 (the account is now paused)',
          ),
          headers: z.object({ 'Retry-After': z.string().openapi({ description: 'Seconds until the request may be sent' }) }),
        },
        502: json(ErrorSchema, 'The carrier refused (its own message is quoted)'),
        503: json(ErrorSchema, 'The carrier is down or too slow'),
        ...errors,
      },
    }),
    async (c) => {
      const outcome = await refreshShipment(deps, c.get('brand'), c.req.valid('param').shipmentId);
      const { shipment, ...rest } = outcome;
      return c.json({ shipment: shipmentJson(shipment), ...rest } as never, 200);
    },
  );
}
