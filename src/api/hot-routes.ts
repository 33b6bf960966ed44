// The busiest routes, answered before Hono routes the request: GET /v1/shipments/{id},
// POST /v1/shipments/{id}/events and POST /v1/events/batch. Each is also an ordinary OpenAPI route
// in routes.ts: its description, and the handler of every request a hot route passes on (a
// request with an Idempotency-Key, a chunked body, another Content-Type, an id that is not a
// shipment's, a percent-encoded path, HEAD). A hot route makes the checks of that chain in the
// same order (body size 413, API key 401, path 422, JSON 400, body 422) with the same functions,
// calls the same service and answers as app.ts would (request id, error body, metrics). It skips
// Hono's routing (the app's TrieRouter matches every handler of the app for each request), its
// middleware frames and Headers objects, which cost more than the database work of a read.
import type { z } from '@hono/zod-openapi';
import type { Hono } from 'hono';
import type { Deps } from '../deps.js';
import { errorBody } from '../lib/errors.js';
import { hasPrefix } from '../lib/ids.js';
import { labelSummaryOf } from '../labels/summary.js';
import { findShipmentWithEvents, ingestBatch, postShipmentEvents } from '../shipments/service.js';
import { parseJsonBody, requestIdOf, toAppError } from './answers.js';
import { assertBodyWithin } from './body-limit.js';
import type { AppEnv } from './context.js';
import { cleanBatchEvents, cleanPostEvents } from './clean-events.js';
import { authenticatorFor } from './middleware.js';
import { BatchEventsSchema, PostEventsSchema, ShipmentIdParam } from './schemas.js';
import { postedEventsJson, shipmentJson } from './serialize.js';
import { validationError } from './validation.js';

type Fetch = Hono<AppEnv>['fetch'];

/** A JSON body as every validator of the general chain accepts it (zod-openapi's own test). */
const PLAIN_JSON = /^application\/json(;\s*[a-zA-Z0-9-]+=[^;]+)*$/i;

const SHIPMENTS = '/v1/shipments/';
const EVENTS = '/events';
const BATCH = '/v1/events/batch';

/** `general` (Hono's fetch) with the hot routes answered first. */
export function withHotRoutes(general: Fetch, deps: Deps): Fetch {
  const brandOf = authenticatorFor(deps);
  const maxBytes = deps.config.maxBodyBytes;

  const readShipment = async (request: Request, shipmentId: string) => {
    const brand = await brandOf(request.headers.get('authorization') ?? undefined);
    validShipmentParam(shipmentId);
    const { shipment, events, labelPurchase } = await findShipmentWithEvents(deps, brand.id, shipmentId);
    return { ...shipmentJson(shipment, events), label: await labelSummaryOf(deps, labelPurchase) };
  };

  const postEvents = async (request: Request, shipmentId: string) => {
    const body = new BodyText(request);
    await assertBodySize(request, body, maxBytes);
    const brand = await brandOf(request.headers.get('authorization') ?? undefined);
    validShipmentParam(shipmentId);
    const events = validBody(PostEventsSchema, parseJsonBody(await body.read()), cleanPostEvents);
    return postedEventsJson(await postShipmentEvents(deps, brand, shipmentId, events, 'manual'));
  };

  const postBatch = async (request: Request) => {
    const body = new BodyText(request);
    await assertBodySize(request, body, maxBytes);
    const brand = await brandOf(request.headers.get('authorization') ?? undefined);
    return ingestBatch(deps, brand, validBody(BatchEventsSchema, parseJsonBody(await body.read()), cleanBatchEvents), 'api');
  };

  const answer = async (request: Request, path: string, work: () => Promise<unknown>): Promise<Response> => {
    // As app.ts's first middleware and its onError do.
    const requestId = requestIdOf(request.headers.get('x-request-id'));
    const started = performance.now();
    let response: Response;
    try {
      response = jsonAnswer(200, await work(), requestId);
    } catch (error) {
      const appError = toAppError(error);
      if (appError.status >= 500) deps.log.error({ err: error, requestId, path }, 'request failed');
      response = jsonAnswer(appError.status, errorBody(appError, requestId), requestId, appError.headers);
    }
    deps.metrics.recordHttp(request.method, response.status, (performance.now() - started) / 1000);
    return response;
  };

  return (request, env, executionCtx) => {
    const path = plainPathOf(request.url);
    if (path !== undefined && path.startsWith(SHIPMENTS)) {
      const rest = path.slice(SHIPMENTS.length);
      const slash = rest.indexOf('/');
      if (request.method === 'GET' && slash === -1 && hasPrefix(rest, 'shipment')) return answer(request, path, () => readShipment(request, rest));
      if (request.method === 'POST' && slash !== -1 && rest.slice(slash) === EVENTS && hasPrefix(rest.slice(0, slash), 'shipment') && isPlainJsonPost(request)) {
        return answer(request, path, () => postEvents(request, rest.slice(0, slash)));
      }
    } else if (path === BATCH && request.method === 'POST' && isPlainJsonPost(request)) {
      return answer(request, path, () => postBatch(request));
    }
    return general(request, env, executionCtx);
  };
}

/** The path of a URL as Hono routes it, when it has nothing to decode (no `%`); else undefined. */
function plainPathOf(url: string): string | undefined {
  const start = url.indexOf('/', url.indexOf(':') + 4);
  const query = url.indexOf('?', start);
  const path = query === -1 ? url.slice(start) : url.slice(start, query);
  return path.includes('%') ? undefined : path;
}

/** As Hono's c.json answers, with the request id app.ts adds. */
function jsonAnswer(status: number, body: unknown, requestId: string, headers?: Record<string, string>): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers, 'x-request-id': requestId } });
}

/** No Idempotency-Key (that needs the idempotency middleware), a declared or in-memory body, JSON. */
function isPlainJsonPost(request: Request): boolean {
  const { headers } = request;
  return headers.get('idempotency-key') === null && headers.get('transfer-encoding') === null && PLAIN_JSON.test(headers.get('content-type') ?? '');
}

/** The request body, read once. */
class BodyText {
  #text: Promise<string> | undefined;
  constructor(private readonly request: Request) {}
  read(): Promise<string> {
    this.#text ??= this.request.text();
    return this.#text;
  }
}

/**
 * The body-size check of the general chain, made first as there. A body without Content-Length
 * here was built in this process (`app.request()`): it is measured by reading it; a chunked one
 * never gets this far.
 */
async function assertBodySize(request: Request, body: BodyText, maxBytes: number): Promise<void> {
  const declared = request.headers.get('content-length');
  assertBodyWithin(declared ?? Buffer.byteLength(await body.read()), maxBytes);
}

function validShipmentParam(shipmentId: string): void {
  const result = ShipmentIdParam.safeParse({ shipmentId });
  if (!result.success) throw validationError(result.error, 'param');
}

/** The body as zod gives it; a clean one (clean-events.ts) without asking zod. */
function validBody<S extends z.ZodType>(schema: S, value: unknown, clean: (value: unknown) => z.infer<S> | undefined): z.infer<S> {
  const vouched = clean(value);
  if (vouched !== undefined) return vouched;
  const result = schema.safeParse(value);
  if (!result.success) throw validationError(result.error, 'json');
  return result.data;
}
