// createApp(deps): every route Waybill answers — the /v1 API, its OpenAPI description and
// reference page, health and metrics, the public tracking pages. It never listens.
import { type Context, Hono } from 'hono';
import { sql } from 'kysely';
import { limitBodySize } from './api/body-limit.js';
import type { AppEnv } from './api/context.js';
import { requestIdOf, toAppError } from './api/answers.js';
import { IDEMPOTENCY_CLAIM_ABANDONED_MS } from './api/idempotency-keys.js';
import { withHotRoutes } from './api/hot-routes.js';
import { withMiddlewareDescribed } from './api/openapi-document.js';
import { renderApiReference } from './api/reference-page.js';
import { createApi } from './api/routes.js';
import type { Deps } from './deps.js';
import { AppError, errorBody } from './lib/errors.js';
import { loadDemoMessages, parseMessagesQuery, renderDemoMessages } from './demo/messages-page.js';
import { serveDemoLabel } from './demo/labels.js';
import { DEMO_BRAND_ID } from './demo/demo.js';
import { createNotificationWebhooks } from './notifications/webhooks.js';
import { createInboundWebhooks } from './inbound/webhook-routes.js';
import { createPublicPages } from './web/pages.js';
import { formTooLargePage, redirectWithoutTrailingSlash } from './hub/routes.js';
import { registerBacklogGauges } from './observability/backlog.js';
import { metricsText } from './observability/process-metrics.js';

export const OPENAPI_INFO = {
  openapi: '3.1.0',
  info: {
    title: 'Waybill API',
    version: '1.0.0',
    description:
      `Orders, shipments and tracking events for one brand per API key. JSON fields are camelCase, enum values snake_case, times ISO-8601. Errors are \`{ "error": { "code", "message", "requestId", "details"? } }\`. POSTs honour \`Idempotency-Key\` as Stripe does: the same key, path and body (JSON compared by meaning) replays the kept answer (\`Idempotent-Replayed: true\`); another path, body or Content-Type (a CSV’s charset) is 422 \`idempotency_key_reused\`; a retry while the first runs is 409 \`idempotency_key_in_use\` (a first request cut off by a crash or restart stops counting as running ${IDEMPOTENCY_CLAIM_ABANDONED_MS / 60_000} minutes after it began: the next retry runs). Kept are 2xx and the endpoint’s own refusals (409, a 404 for a missing order or shipment); refusals of the request as sent (400, 401, 404 of an unknown route, 413, 415, 422, 429), refusals with \`Retry-After\` and 5xx are not kept, so the corrected or later retry runs.`,
  },
  servers: [{ url: '/v1' }],
};

/** How long /readyz waits for the database: a load balancer's probe must get an answer, not hang. */
export const READINESS_TIMEOUT_MS = 2_000;

/** Whether `work` settled within `ms` (true), or not yet (false); its rejection is passed on. It is not cancelled. */
function settlesWithin(ms: number, work: Promise<unknown>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([work.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/** A public form's body (the lookup, a return request with a line per item, one-click unsubscribe) is far below this. */
export const PUBLIC_FORM_MAX_BYTES = 64 * 1024;

export function createApp(deps: Deps, options: { startPage?: Parameters<typeof createPublicPages>[1]['startPage']; demoPages?: boolean } = {}) {
  const app = new Hono<AppEnv>();

  app.use('*', async (c, next) => {
    const requestId = requestIdOf(c.req.header('x-request-id'));
    c.set('requestId', requestId);
    const started = performance.now();
    await next();
    c.res.headers.set('x-request-id', requestId);
    deps.metrics.recordHttp(c.req.method, c.res.status, (performance.now() - started) / 1000);
  });

  app.onError((error, c) => {
    const requestId = c.get('requestId') ?? 'unknown';
    const appError = toAppError(error);
    if (appError.status >= 500) deps.log.error({ err: error, requestId, path: c.req.path }, 'request failed');
    return c.json(errorBody(appError, requestId), appError.status as 400, appError.headers);
  });

  app.notFound((c) => c.json(errorBody(new AppError('not_found', `no route for ${c.req.method} ${c.req.path}`), c.get('requestId')), 404));

  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    let problem: string;
    try {
      if (await settlesWithin(READINESS_TIMEOUT_MS, sql`select 1`.execute(deps.db))) return c.json({ status: 'ready', database: deps.dialect });
      problem = `the database did not answer within ${READINESS_TIMEOUT_MS / 1000} s`;
    } catch (error) {
      problem = 'the database is not reachable';
      deps.log.warn({ err: error }, 'readiness check failed');
    }
    // The cause stays in the log: a public probe's answer names no host or driver message.
    return c.json(errorBody(new AppError('unavailable', problem), c.get('requestId')), 503);
  });
  registerBacklogGauges(deps.metrics.registry, deps);
  app.get('/metrics', async (c) => {
    try {
      return c.text(await metricsText(deps.metrics.registry), 200, { 'content-type': deps.metrics.registry.contentType });
    } catch (error) {
      deps.log.warn({ err: error }, 'metrics could not be gathered');
      return c.json(errorBody(new AppError('unavailable', (error as Error).message), c.get('requestId')), 503);
    }
  });

  // Every body is limited before it is read: /v1 by MAX_BODY_BYTES, webhooks by
  // INBOUND_WEBHOOK_MAX_BYTES, and everything else, the public pages' forms (lookup, return,
  // unsubscribe: a few fields each), by a small fixed size, as anyone may post to them; people get
  // the hub's page saying so, in their language, not the API's JSON.
  const formLimit = limitBodySize(PUBLIC_FORM_MAX_BYTES, (c) => formTooLargePage(deps, c as Context<AppEnv>));
  app.use('*', (c, next) => (c.req.path.startsWith('/v1/') || c.req.path.startsWith('/webhooks/') ? next() : formLimit(c, next)));
  app.use('/webhooks/*', limitBodySize(deps.config.inbound.maxBytes));
  const api = createApi(deps);
  app.use('/v1/*', limitBodySize(deps.config.maxBodyBytes));
  app.route('/v1', api);

  const openApiDocument = () => withMiddlewareDescribed(api.getOpenAPI31Document(OPENAPI_INFO));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  app.get('/docs', (c) => c.html(renderApiReference(openApiDocument() as never)));
  // With a trailing slash, either leads to its address without (301), as the hub's pages do.
  for (const path of ['/openapi.json/', '/docs/']) app.get(path, redirectWithoutTrailingSlash);
  // Browsers ask for it unprompted, and a 404 shows as an error in their console. Waybill has no
  // icon: "none", cached for a year so they stop asking.
  app.get('/favicon.ico', (c) => c.body(null, 204, { 'cache-control': 'public, max-age=31536000, immutable' }));

  app.route('/', createNotificationWebhooks(deps));
  app.route('/', createInboundWebhooks(deps));
  // Only the demo shows captured messages: they hold customers' addresses.
  if (options.demoPages) app.get('/demo/messages', async (c) => c.html(renderDemoMessages(await loadDemoMessages(deps, DEMO_BRAND_ID, parseMessagesQuery(c.req.query())))));
  if (options.demoPages) app.get('/demo/labels/:file', (c) => serveDemoLabel(deps, DEMO_BRAND_ID, c));
  app.route('/', createPublicPages(deps, { startPage: options.startPage }));
  // The three busiest routes are answered before Hono routes the request (api/hot-routes.ts);
  // app.request() and the server both go through app.fetch.
  app.fetch = withHotRoutes(app.fetch, deps);
  return app;
}
