// The busiest routes, answered before the general /v1 middleware chain: GET /v1/shipments/{id}.
// Each hot route is also an ordinary OpenAPI route in routes.ts (its description, and the handler
// for every request the hot route passes on with `next()`). A hot route does the same checks in
// the same order as that chain (body size 413, API key 401, path 422, JSON 400, body 422) with the
// same functions, and calls the same service; it only skips the chain's generic machinery (four
// middleware frames and the validator wrappers), which costs more than the database read itself.
// Registered right after the request-id middleware, before anything else that matches /v1.
import type { Hono } from 'hono';
import type { Deps } from '../deps.js';
import { hasPrefix } from '../lib/ids.js';
import { shipmentLabelSummary } from '../labels/summary.js';
import { findShipmentWithEvents } from '../shipments/service.js';
import type { AppEnv } from './context.js';
import { authenticatorFor } from './middleware.js';
import { ShipmentIdParam } from './schemas.js';
import { shipmentJson } from './serialize.js';
import { validationError } from './validation.js';

export function registerHotRoutes(app: Hono<AppEnv>, deps: Deps): void {
  const brandOf = authenticatorFor(deps);

  app.get('/v1/shipments/:shipmentId', async (c, next) => {
    // Only shipment ids: any other path segment is left to the routes registered after.
    if (!hasPrefix(c.req.param('shipmentId'), 'shipment')) return next();
    const brand = await brandOf(c.req.header('authorization'));
    const { shipmentId } = validShipmentParam(c.req.param('shipmentId'));
    const { shipment, events } = await findShipmentWithEvents(deps, brand.id, shipmentId);
    // Merge of the label and hot-path work: the label summary (src/labels) is one more query here.
    return c.json({ ...shipmentJson(shipment, events), label: await shipmentLabelSummary(deps, shipment.brand_id, shipment.id) });
  });
}

function validShipmentParam(shipmentId: string) {
  const result = ShipmentIdParam.safeParse({ shipmentId });
  if (!result.success) throw validationError(result.error, 'param');
  return result.data as { shipmentId: string };
}
