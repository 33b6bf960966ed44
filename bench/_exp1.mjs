import { createBenchDatabase } from '/work/main/bench/lib/databases.js';
import { createBrand, startWaybill, runBenchmark } from '/work/main/bench/lib/processes.js';
import { seed, shipmentId } from '/work/main/bench/lib/seed.js';
import { nextEvent } from '/work/main/bench/lib/events.js';
import { readFileSync } from 'node:fs';
const cpu = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) / 100; };
runBenchmark(async () => {
  const db = await createBenchDatabase(process.env.D ?? 'sqlite');
  const { brandId, apiKey } = await createBrand(db.url);
  await seed(db, { brandId, shipments: 5000, events: { fixed: 2 } });
  const s = await startWaybill(db.url);
  for (const conc of [1, 1, 4, 10]) {
    const c0 = cpu(s.pid); const t0 = performance.now(); let n = 0;
    const worker = async () => { while (performance.now() - t0 < 3000) { const r = await fetch(`${s.baseUrl}/v1/shipments/${shipmentId(n++ % 5000)}/events`, { method: 'POST', headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify({ events: [nextEvent()] }) }); await r.text(); if (!r.ok) throw new Error(r.status); } };
    await Promise.all(Array.from({ length: conc }, worker));
    const wall = (performance.now() - t0) / 1000; const used = cpu(s.pid) - c0;
    console.log(`conc ${conc}: ${(n / wall).toFixed(0)} req/s, server cpu ${(used / wall * 100).toFixed(0)}%, ${(used / n * 1000).toFixed(2)} ms cpu/req`);
  }
  await s.stop(); await db.drop();
});
