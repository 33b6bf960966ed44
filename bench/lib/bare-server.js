// The ceiling: the same HTTP stack as Waybill (Hono on @hono/node-server, one Node process) with
// a handler that does nothing but answer 200 with a small JSON body. What Waybill reaches is
// reported as a fraction of what this reaches on the same machine, in the same run.
//
//   PORT=4000 node bench/lib/bare-server.js
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.all('*', (c) => c.json({ ok: true }));

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 4000), hostname: '127.0.0.1' });
const stop = () => server.close(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
