// A PostgreSQL connection that breaks while a query runs (PostgreSQL only: SQLite has no
// connection to break; the sqlite project leaves out *.postgres.test.ts files).
import net from 'node:net';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connect.js';
import { freshDatabase } from '../harness/harness.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => database.drop());

/** A TCP proxy on loopback in front of the PostgreSQL server, whose connections the test can cut. */
async function cuttableProxy(target: URL) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
      socket.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = new URL(target);
  url.hostname = '127.0.0.1';
  url.port = String((server.address() as net.AddressInfo).port);
  return {
    url: url.toString(),
    cutAll: () => sockets.forEach((socket) => socket.destroy()),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('a PostgreSQL connection that breaks during a query', () => {
  it('fails that query, is logged, and leaves the process and the pool working', async () => {
    const proxy = await cuttableProxy(new URL(database.url));
    const broken: Error[] = [];
    const handle = openDatabase(proxy.url, { poolSize: 1, onConnectionError: (error) => broken.push(error) });
    try {
      const slow = sql`select pg_sleep(5)`.execute(handle.db);
      await new Promise((resolve) => setTimeout(resolve, 300));
      proxy.cutAll();
      await expect(slow).rejects.toThrow(/Connection terminated unexpectedly/);
      // Without a listener on the checked-out client, its 'error' event would have been thrown
      // out of the socket's callback: an uncaught exception that ends the process.
      expect(broken.map((error) => error.message)).toContain('Connection terminated unexpectedly');
      const again = await sql<{ one: number }>`select 1 as one`.execute(handle.db);
      expect(again.rows).toEqual([{ one: 1 }]);
    } finally {
      await handle.close();
      await proxy.close();
    }
  });
});
