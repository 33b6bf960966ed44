// The bare ceiling server with some of Waybill's HTTP layers switched on, one at a time, to see
// what each costs without any database (used by bench/http-layers.js). LAYERS is a comma list:
//   header     a middleware like app.ts's: a request id (newRequestId), set on the response after next()
//   bodylimit  Waybill's body-size check (api/body-limit.ts), as app.ts mounts it on /v1/*
//   honolimit  hono's own bodyLimit middleware, which app.ts mounted before (for comparison)
//   json       the handler reads the JSON body (c.req.json())
//   validate   the body is checked with Waybill's PostEventsSchema (zod), as the route does
//
//   LAYERS=bodylimit,json PORT=4000 node bench/lib/layered-server.js
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { limitBodySize } from '../../dist/api/body-limit.js';
import { PostEventsSchema } from '../../dist/api/schemas.js';
import { newRequestId } from '../../dist/lib/ids.js';

const layers = new Set((process.env.LAYERS ?? '').split(',').filter(Boolean));
const app = new Hono();

if (layers.has('header')) {
  app.use('*', async (c, next) => {
    const requestId = c.req.header('x-request-id') || newRequestId();
    await next();
    c.res.headers.set('x-request-id', requestId);
  });
}
if (layers.has('bodylimit')) app.use('*', limitBodySize(5 * 1024 * 1024));
if (layers.has('honolimit')) app.use('*', bodyLimit({ maxSize: 5 * 1024 * 1024 }));
app.all('*', async (c) => {
  if (c.req.method === 'POST' && (layers.has('json') || layers.has('validate'))) {
    const body = await c.req.json();
    if (layers.has('validate') && !PostEventsSchema.safeParse(body).success) return c.json({ error: 'invalid' }, 422);
  }
  return c.json({ ok: true });
});

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 4000), hostname: '127.0.0.1' });
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
