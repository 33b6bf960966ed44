// A `kill -9` of the server in the middle of batch ingestion loses no event it acknowledged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, TEST_SECRET } from '../harness/harness.js';
import { runCli, startWaybill } from '../harness/process.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => database.drop());

const SHIPMENTS = 50;

describe('crash safety', () => {
  it('keeps every acknowledged event across kill -9, and a replay after restart stores nothing twice', async () => {
    const env = { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET };
    const { apiKey } = JSON.parse((await runCli(['brand', 'create', '--name', 'Crash Co', '--json'], env)).stdout);
    const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
    let server = await startWaybill('serve', env);

    const numbers: string[] = [];
    for (let i = 0; i < SHIPMENTS; i++) {
      const order = await (await fetch(`${server.url}/v1/orders`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          number: `C-${i}`,
          customer: { email: 'c@example.com' },
          destination: { line1: '1 A St', city: 'Austin', postalCode: '78701', country: 'US' },
          items: [{ sku: 'S', name: 'S', quantity: 1 }],
          placedAt: '2026-03-01T10:00:00Z',
        }),
      })).json();
      const number = `CRASH${String(i).padStart(6, '0')}`;
      const shipment = await fetch(`${server.url}/v1/orders/${order.id}/shipments`, { method: 'POST', headers, body: JSON.stringify({ carrier: 'ups', trackingNumber: number }) });
      expect(shipment.status).toBe(201);
      numbers.push(number);
    }

    const batchOf = (batch: number) => ({
      events: Array.from({ length: 200 }, (_, j) => ({
        carrier: 'ups',
        trackingNumber: numbers[(batch * 7 + j) % SHIPMENTS],
        status: 'in_transit',
        occurredAt: new Date(Date.UTC(2026, 2, 1, 12, 0, 0) + batch * 1000 + j).toISOString(),
        eventId: `b${batch}-e${j}`,
      })),
    });

    // Four clients send batches as fast as they can; the server is killed mid-stream.
    const acknowledged = new Set<string>();
    let sent = 0;
    let stop = false;
    const client = async (id: number) => {
      for (let batch = id; !stop; batch += 4) {
        const body = batchOf(batch);
        sent += 1;
        try {
          const res = await fetch(`${server.url}/v1/events/batch`, { method: 'POST', headers, body: JSON.stringify(body) });
          if (res.status === 200) for (const e of body.events) acknowledged.add(e.eventId);
        } catch {
          return; // the server is gone
        }
      }
    };
    const clients = [0, 1, 2, 3].map(client);
    await new Promise((r) => setTimeout(r, 1500));
    server.child.kill('SIGKILL');
    stop = true;
    await Promise.all(clients);
    await server.stop();
    expect(acknowledged.size).toBeGreaterThan(0);

    // Restart on the same database: every acknowledged event is there.
    server = await startWaybill('serve', env);
    try {
      const stored = await database.handle.db.selectFrom('tracking_events').select('dedupe_key').execute();
      const keys = new Set(stored.map((r) => r.dedupe_key.replace(/^k:/, '')));
      const missing = [...acknowledged].filter((id) => !keys.has(id));
      expect(missing).toEqual([]);

      // A client that never heard back replays its last batches: nothing is stored twice.
      const before = stored.length;
      const replay = await fetch(`${server.url}/v1/events/batch`, { method: 'POST', headers, body: JSON.stringify(batchOf(0)) });
      expect(replay.status).toBe(200);
      const after = await database.handle.db.selectFrom('tracking_events').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
      expect(Number(after.n)).toBe(before + (await replay.json()).stored);
      expect(sent).toBeGreaterThan(0);
    } finally {
      await server.stop();
    }
  });
});
