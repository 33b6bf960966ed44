// THROWAWAY: measures ingestEvents with one bulk upsert of the shipments instead of one UPDATE each.
import type { Insertable, Transaction } from 'kysely';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import type { Database, OrderTable, ShipmentRow } from '../../src/db/schema.js';
import { newId } from '../../src/lib/ids.js';
import { createTestContext, dialectUnderTest, type TestContext } from '../harness/harness.js';

vi.mock('../../src/shipments/ingest.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../../src/shipments/ingest.js')>();
  const batched: typeof original.ingestEvents = async (trx, now, items) => {
    // Run the original on a proxy transaction that records shipment UPDATEs instead of sending them.
    const pending: ShipmentRow[] = [];
    const proxy = new Proxy(trx, {
      get(target, prop, receiver) {
        if (prop === 'updateTable') {
          return (table: string) => {
            if (table !== 'shipments') return (target as any).updateTable(table);
            let id = '';
            const chain: any = { set: () => chain, where: (_c: string, _o: string, v: string) => ((id = v), chain), execute: async () => { pending.push(id as any); return []; } };
            return chain;
          };
        }
        const value = Reflect.get(target, prop, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    }) as Transaction<Database>;
    const outcomes = await original.ingestEvents(proxy, now, items);
    const byId = new Map(items.map((i) => [i.shipment.id, i.shipment]));
    const rows = (pending as unknown as string[]).map((id) => byId.get(id)!);
    for (let i = 0; i < rows.length; i += 500) {
      await trx
        .insertInto('shipments')
        .values(rows.slice(i, i + 500))
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({
            status: eb.ref('excluded.status'), reason: eb.ref('excluded.reason'), delayed: eb.ref('excluded.delayed'), correction: eb.ref('excluded.correction'),
            fold_state: eb.ref('excluded.fold_state'), estimated_from: eb.ref('excluded.estimated_from'), estimated_to: eb.ref('excluded.estimated_to'),
            status_changed_at: eb.ref('excluded.status_changed_at'), last_event_at: eb.ref('excluded.last_event_at'), event_count: eb.ref('excluded.event_count'), updated_at: eb.ref('excluded.updated_at'),
          })),
        )
        .execute();
    }
    return outcomes;
  };
  return { ...original, ingestEvents: (...args: Parameters<typeof batched>) => ((globalThis as any).__batched ? batched(...args) : original.ingestEvents(...args)) };
});

const { importRows, prepareImport } = await import('../../src/imports/run-import.js');
let t: TestContext;
beforeAll(async () => { t = await createTestContext(); });
afterAll(async () => t.close());
function upsNumber(serial: number): string {
  const body = `12345E${String(serial).padStart(9, '0')}`;
  const values = [...body].map((ch) => (/\d/.test(ch) ? Number(ch) : (ch.charCodeAt(0) - 3) % 10));
  const sum = values.reduce((acc, v, i) => acc + (i % 2 === 1 ? v * 2 : v), 0);
  return `1Z${body}${(10 - (sum % 10)) % 10}`;
}
async function run(prefix: string, offset: number, rows: number) {
  const numbers = Array.from({ length: rows }, (_, i) => `${prefix}${i + 1}`);
  const at = t.clock.now().toISOString();
  const orderRows: Array<Insertable<OrderTable>> = numbers.map((number) => ({ id: newId('order'), brand_id: t.brand.id, number, customer_email: 'b@example.com', customer_phone: null, customer_name: null, customer_locale: null, destination: '{}', items: '[]', placed_at: at, ship_by: null, content_hash: number, created_at: at, updated_at: at }));
  for (let i = 0; i < orderRows.length; i += 1000) await t.deps.db.insertInto('orders').values(orderRows.slice(i, i + 1000)).execute();
  const statuses = ['in_transit', 'Out for delivery', 'delivered', ''];
  const csv = ['order,tracking,carrier,status', ...numbers.map((n, i) => `${n},${upsNumber(offset + i)},${i % 2 ? 'ups' : ''},${statuses[i % 4]}`)].join('\n');
  const prepared = prepareImport(csv);
  if (!prepared.ok) throw new Error('x');
  const s = performance.now();
  const report = await importRows(t.deps, t.brand.id, prepared.value);
  expect(report.created).toBe(rows);
  return (performance.now() - s) / 1000;
}
it('per-row vs batched shipment updates', { timeout: 600_000 }, async () => {
  const rows = 20_000;
  for (const round of [1, 2]) {
    (globalThis as any).__batched = false;
    const perRow = await run(`X${round}-`, 1_000_000 * round, rows);
    (globalThis as any).__batched = true;
    const batched = await run(`Y${round}-`, 1_000_000 * round + 500_000, rows);
    console.info(`[scratch] ${dialectUnderTest()} round ${round}: per-row ${perRow.toFixed(1)} s (${Math.round(rows / perRow)} rows/s), batched ${batched.toFixed(1)} s (${Math.round(rows / batched)} rows/s)`);
  }
  const sample = await t.deps.db.selectFrom('shipments').selectAll().where('tracking_number', '=', upsNumber(1_500_000)).executeTakeFirstOrThrow();
  expect(sample).toMatchObject({ status: 'in_transit', event_count: 1 });
});
