import { createApp } from '../dist/app.js';
import { postShipmentEvents, findShipment, listEvents } from '../dist/shipments/service.js';
import { createBenchDatabase } from './lib/databases.js';
import { createBrand, runBenchmark } from './lib/processes.js';
import { seed, shipmentId } from './lib/seed.js';
import { nextEvent } from './lib/events.js';
import { openInProcess } from './lib/in-process.js';
async function cost(label, n, fn) {
  for (let i = 0; i < Math.min(200, n); i++) await fn(i);
  const c0 = process.cpuUsage(); const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  const c = process.cpuUsage(c0); const wall = performance.now() - t0;
  console.log(`${label.padEnd(50)} ${(wall / n).toFixed(3)} ms wall, ${((c.user + c.system) / 1000 / n).toFixed(3)} ms cpu (user ${(c.user / 1000 / n).toFixed(3)}, sys ${(c.system / 1000 / n).toFixed(3)})`);
}
runBenchmark(async () => {
  const db = await createBenchDatabase(process.env.D ?? 'sqlite');
  const { brandId, apiKey } = await createBrand(db.url);
  await seed(db, { brandId, shipments: 20000, events: { cycle: 5 } });
  const { deps, brand, close } = await openInProcess(db.url, brandId);
  const app = createApp(deps);
  const N = Number(process.env.N ?? 2000);
  const auth = { authorization: `Bearer ${apiKey}` };
  await cost('service: findShipment + listEvents', N, (i) => findShipment(deps, brand.id, shipmentId(i % 20000)).then((s) => listEvents(deps, s.id)));
  await cost('app.fetch GET /v1/shipments/{id}', N, async (i) => { const r = await app.fetch(new Request(`http://x/v1/shipments/${shipmentId(i % 20000)}`, { headers: auth })); await r.text(); });
  await cost('app.fetch GET /healthz', N, async () => { const r = await app.fetch(new Request('http://x/healthz')); await r.text(); });
  await cost('service: postShipmentEvents (1 event)', N, (i) => postShipmentEvents(deps, brand, shipmentId(i % 20000), { events: [nextEvent()] }, 'manual'));
  await cost('app.fetch POST /v1/shipments/{id}/events', N, async (i) => { const r = await app.fetch(new Request(`http://x/v1/shipments/${shipmentId(i % 20000)}/events`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ events: [nextEvent()] }) })); if (!r.ok) throw new Error(await r.text()); await r.text(); });
  await close();
});
