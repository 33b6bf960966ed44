// The ceiling: the same HTTP stack as Waybill (Hono on @hono/node-server, one Node process unless
// WEB_CONCURRENCY says more) with
// a handler that does nothing but answer 200 with a small JSON body. What Waybill reaches is
// reported as a fraction of what this reaches on the same machine, in the same run.
// With BODY_BYTES, the answer is a JSON body of that many bytes instead (the diagnostic
// "same-size ceiling": what doing nothing costs when the answer is as large as Waybill's).
//
//   PORT=4000 [BODY_BYTES=17000] [WEB_CONCURRENCY=2] node bench/lib/bare-server.js
import cluster from 'node:cluster';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
const bodyBytes = Number(process.env.BODY_BYTES ?? 0);
// {"ok":true,"pad":"…"} is 21 bytes and the padding.
const body = bodyBytes > 21 ? { ok: true, pad: 'x'.repeat(bodyBytes - 21) } : { ok: true };
app.all('*', (c) => c.json(body));

// With WEB_CONCURRENCY=N, N processes share the port through node:cluster, as `waybill serve` does.
const processes = Number(process.env.WEB_CONCURRENCY ?? 1);
if (processes > 1 && cluster.isPrimary) {
  let listening = 0;
  cluster.on('listening', () => ++listening === processes && console.log(`serving on ${processes} processes`));
  for (let i = 0; i < processes; i++) cluster.fork();
  const stop = () => {
    for (const worker of Object.values(cluster.workers)) worker.process.kill('SIGTERM');
    cluster.on('exit', () => Object.keys(cluster.workers).length === 0 && process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 4000), hostname: '127.0.0.1' });
  const stop = () => server.close(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}
