// What buying a simulated label costs on top of creating a shipment: createShipment() in-process
// (what POST /v1/orders/{id}/shipments calls), on a fresh SQLite file, one call at a time:
//   ceiling  a shipment with a carrier and tracking number (the same service path, no label)
//   label    `label: true` from the simulated carrier: journey planned, 4×6 PDF and ZPL drawn,
//            shipment + purchase + documents + scan jobs + label event written in one transaction
//   render   the PDF and the ZPL alone (no database)
// Reports milliseconds per call and the label path as a multiple of the ceiling.
//
//   npm run build && node bench/labels.js            (BENCH_LABELS=200 calls each)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createBrand } from '../dist/brands/repo.js';
import { loadConfig } from '../dist/config.js';
import { createDeps } from '../dist/deps.js';
import { migrateToLatest } from '../dist/db/migrate.js';
import { renderLabelPdf } from '../dist/labels/render/pdf.js';
import { renderLabelZpl } from '../dist/labels/render/zpl.js';
import { createOrder } from '../dist/orders/service.js';
import { createShipment } from '../dist/shipments/service.js';

const CALLS = Number(process.env.BENCH_LABELS ?? 200);
const SECRET = 'bench-secret-key-that-is-at-least-32-characters';
const destination = { line1: '1 Infinite Loop', city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' };
const address = { name: 'Ada Lovelace', ...destination };

async function timed(label, calls, operation) {
  for (let i = 0; i < Math.min(20, calls); i++) await operation(-1 - i); // warm-up
  const started = performance.now();
  for (let i = 0; i < calls; i++) await operation(i);
  const ms = (performance.now() - started) / calls;
  console.log(`${label.padEnd(8)} ${ms.toFixed(2)} ms per call (${calls} calls)`);
  return ms;
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-bench-labels-'));
const config = loadConfig({ DATABASE_URL: path.join(dir, 'bench.db'), SECRET_KEY: SECRET, LOG_LEVEL: 'silent', WORKER_CONCURRENCY: '0' });
const deps = createDeps(config, SECRET, { captureMessages: true });
try {
  await migrateToLatest(deps.db);
  const { brand } = await createBrand(deps.db, new Date(), { name: 'Bench Brand' });
  const orders = [];
  for (let i = 0; i < CALLS * 2 + 40; i++) {
    const { order } = await createOrder(deps, brand, { number: `B-${i}`, customer: { email: 'ada@example.com', name: 'Ada Lovelace' }, destination, items: [{ sku: 'T', name: 'Tee', quantity: 1 }], placedAt: new Date().toISOString() });
    orders.push(order.id);
  }
  let next = 0;
  const ceiling = await timed('ceiling', CALLS, (i) => createShipment(deps, brand, orders[next++], { carrier: 'ups', trackingNumber: `1ZBENCH${String(i + 100).padStart(11, '0')}`, direction: 'outbound' }));
  const label = await timed('label', CALLS, () => createShipment(deps, brand, orders[next++], { carrier: 'simulated', label: true, direction: 'outbound' }));
  const sheet = { carrierName: 'Waybill Simulated Carrier', serviceName: 'Ground', direction: 'outbound', trackingNumber: 'SIM7762104222383', from: address, to: address, weightOz: 36, orderNumber: 'B-1', shipDate: '2026-03-02' };
  const render = await timed('render', CALLS, async () => {
    await renderLabelPdf(sheet);
    renderLabelZpl(sheet);
  });
  const result = { benchmark: 'labels', node: process.version, calls: CALLS, ceilingMs: ceiling, labelMs: label, renderMs: render, labelOverCeiling: label / ceiling };
  console.log(`label path = ${result.labelOverCeiling.toFixed(1)} × the ceiling; drawing PDF + ZPL = ${((render / label) * 100).toFixed(0)}% of it`);
  console.log(JSON.stringify(result));
} finally {
  await deps.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
