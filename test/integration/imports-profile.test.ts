import type { Insertable } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { OrderTable } from '../../src/db/schema.js';
import { newId } from '../../src/lib/ids.js';
import { importRows, prepareImport } from '../../src/imports/run-import.js';
import { createTestContext, dialectUnderTest, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => { t = await createTestContext(); });
afterAll(async () => t.close());
function upsNumber(serial: number): string {
  const body = `12345E${String(serial).padStart(9, '0')}`;
  const values = [...body].map((ch) => (/\d/.test(ch) ? Number(ch) : (ch.charCodeAt(0) - 3) % 10));
  const sum = values.reduce((acc, v, i) => acc + (i % 2 === 1 ? v * 2 : v), 0);
  return `1Z${body}${(10 - (sum % 10)) % 10}`;
}
it('profile', { timeout: 600_000 }, async () => {
  const rows = Number(process.env.ROWS ?? 20000);
  const numbers = Array.from({ length: rows }, (_, i) => `B${i + 1}`);
  const at = t.clock.now().toISOString();
  const orderRows: Array<Insertable<OrderTable>> = numbers.map((number) => ({ id: newId('order'), brand_id: t.brand.id, number, customer_email: 'b@example.com', customer_phone: null, customer_name: null, customer_locale: null, destination: '{}', items: '[]', placed_at: at, ship_by: null, content_hash: number, created_at: at, updated_at: at }));
  let s = performance.now();
  for (let i = 0; i < orderRows.length; i += 1000) await t.deps.db.insertInto('orders').values(orderRows.slice(i, i + 1000)).execute();
  console.info('orders', (performance.now() - s).toFixed(0));
  const statuses = ['in_transit', 'Out for delivery', 'delivered', ''];
  const csv = ['order,tracking,carrier,status', ...numbers.map((n, i) => `${n},${upsNumber(5_000_000 + i)},${i % 2 ? 'ups' : ''},${statuses[i % 4]}`)].join('\n');
  s = performance.now();
  const prepared = prepareImport(csv);
  console.info('prepare', (performance.now() - s).toFixed(0));
  if (!prepared.ok) throw new Error('x');
  s = performance.now();
  let last = performance.now();
  const report = await importRows(t.deps, t.brand.id, prepared.value, { onProgress: (p) => { if (p % 5000 === 0) { console.info(p, (performance.now() - last).toFixed(0)); last = performance.now(); } } });
  const secs = (performance.now() - s) / 1000;
  console.info('steps orders/shipments/walk/insert/ingest', (globalThis as any).__T.map((x: number) => x.toFixed(0)).join(' '));
  s = performance.now(); const parsed = (await import('../../src/imports/parse-csv.js')).parseImportCsv(csv); console.info('parse only', (performance.now() - s).toFixed(0));
  console.info(dialectUnderTest(), 'import', secs.toFixed(1), Math.round(rows / secs), 'rows/s', report.created);
  s = performance.now();
  const again = await importRows(t.deps, t.brand.id, prepared.value);
  console.info(dialectUnderTest(), 're-import', ((performance.now() - s) / 1000).toFixed(1), again.unchanged);
  expect(report.created).toBe(rows);
});
