// The busiest routes, answered before the general /v1 middleware chain: GET /v1/shipments/{id},
// POST /v1/shipments/{id}/events and POST /v1/events/batch. Each is also an ordinary OpenAPI route in routes.ts: its
// description, and the handler of every request a hot route passes on with `next()` (a request
// with an Idempotency-Key, a chunked body, another Content-Type). A hot route makes the checks of
// that chain in the same order (body size 413, API key 401, path 422, JSON 400, body 422) with
// the same functions, and calls the same service; it skips only the chain's generic machinery
// (five middleware and validator frames), which costs more than the database work of a read.
// Registered right after the request-id middleware, before anything else that matches /v1.
import type { z } from '@hono/zod-openapi';
import type { Context, Hono } from 'hono';
import type { Deps } from '../deps.js';
import { AppError } from '../lib/errors.js';
import { hasPrefix } from '../lib/ids.js';
import { shipmentLabelSummary } from '../labels/summary.js';
import { findShipmentWithEvents, ingestBatch, postShipmentEvents } from '../shipments/service.js';
import { assertBodyWithin } from './body-limit.js';
import type { AppEnv } from './context.js';
import { authenticatorFor } from './middleware.js';
import { BatchEventsSchema, PostEventsSchema, ShipmentIdParam } from './schemas.js';
import { postedEventsJson, shipmentJson } from './serialize.js';
import { validationError } from './validation.js';

/** A JSON body as every validator of the general chain accepts it (zod-openapi's own test). */
const PLAIN_JSON = /^application\/json(;\s*[a-zA-Z0-9-]+=[^;]+)*$/i;

export function registerHotRoutes(app: Hono<AppEnv>, deps: Deps): void {
  const brandOf = authenticatorFor(deps);
  const maxBytes = deps.config.maxBodyBytes;

  app.get('/v1/shipments/:shipmentId', async (c, next) => {
    // Only shipment ids: any other path segment is left to the routes registered after.
    if (!hasPrefix(c.req.param('shipmentId'), 'shipment')) return next();
    const brand = await brandOf(c.req.header('authorization'));
    const { shipmentId } = validShipmentParam(c.req.param('shipmentId'));
    const { shipment, events } = await findShipmentWithEvents(deps, brand.id, shipmentId);
    // Merge of the label and hot-path work: the label summary (src/labels) is one more query here.
    return c.json({ ...shipmentJson(shipment, events), label: await shipmentLabelSummary(deps, shipment.brand_id, shipment.id) });
  });

  app.post('/v1/shipments/:shipmentId/events', async (c, next) => {
    if (!isPlainJsonPost(c) || !hasPrefix(c.req.param('shipmentId'), 'shipment')) return next();
    await assertBodySize(c, maxBytes);
    const brand = await brandOf(c.req.header('authorization'));
    const { shipmentId } = validShipmentParam(c.req.param('shipmentId'));
    const body = validBody(PostEventsSchema, await jsonBody(c));
    return c.json(postedEventsJson(await postShipmentEvents(deps, brand, shipmentId, body, 'manual')));
  });

  app.post('/v1/events/batch', async (c, next) => {
    if (!isPlainJsonPost(c)) return next();
    await assertBodySize(c, maxBytes);
    const brand = await brandOf(c.req.header('authorization'));
    const body = validBody(BatchEventsSchema, await jsonBody(c));
    return c.json(await ingestBatch(deps, brand, body, 'api'));
  });
}

/** No Idempotency-Key (that needs the idempotency middleware), a declared or in-memory body, JSON. */
function isPlainJsonPost(c: Context): boolean {
  return c.req.header('idempotency-key') === undefined && c.req.header('transfer-encoding') === undefined && PLAIN_JSON.test(c.req.header('content-type') ?? '');
}

/**
 * The body-size check of the general chain, made first as there. A body without Content-Length
 * here was built in this process (`app.request()`): it is measured by reading it; a chunked one
 * never gets this far.
 */
async function assertBodySize(c: Context, maxBytes: number): Promise<void> {
  const declared = c.req.header('content-length');
  assertBodyWithin(declared ?? Buffer.byteLength(await c.req.text()), maxBytes);
}

async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('malformed_json', 'the body is not valid JSON');
  }
}

function validShipmentParam(shipmentId: string) {
  const result = ShipmentIdParam.safeParse({ shipmentId });
  if (!result.success) throw validationError(result.error, 'param');
  return result.data as { shipmentId: string };
}

function validBody<S extends z.ZodType>(schema: S, value: unknown): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, 'json');
  return result.data;
}
