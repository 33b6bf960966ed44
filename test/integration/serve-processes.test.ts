// `waybill serve` with WEB_CONCURRENCY=N: N serving processes on one port, sharing the database,
// /metrics counting for all of them, a dead one replaced, all stopped together.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Sqlite from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialectUnderTest, freshDatabase, orderBody, TEST_SECRET } from '../harness/harness.js';
import { freePort, ROOT, runCli, type Server, startWaybill } from '../harness/process.js';

const sqlite = dialectUnderTest() === 'sqlite';
let database: Awaited<ReturnType<typeof freshDatabase>>;
let apiKey: string;
let server: Server;

const until = async (done: () => boolean, ms = 15_000) => {
  for (const giveUp = Date.now() + ms; Date.now() < giveUp && !done(); ) await new Promise((r) => setTimeout(r, 100));
};

beforeAll(async () => {
  database = await freshDatabase();
  apiKey = JSON.parse((await runCli(['brand', 'create', '--name', 'Busy', '--json'], { DATABASE_URL: database.url })).stdout).apiKey;
  server = await startWaybill('serve', { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, WEB_CONCURRENCY: '2', WORKER_CONCURRENCY: '1', LOG_LEVEL: 'info' });
  // Healthy as soon as the first process serves; the primary says so once both do.
  await until(() => server.output().includes('"processes":2'));
});

afterAll(async () => {
  await server?.stop('SIGKILL');
  await database.drop();
});

/** The processes the primary started (the migration, then the serving processes): its children, from /proc. */
function childrenOf(primary: number): number[] {
  const children: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const parent = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      if (parent === primary) children.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return children.sort();
}

/** Alive and not a zombie waiting for its parent. */
const isRunning = (pid: number) => {
  try {
    return !fs.readFileSync(`/proc/${pid}/stat`, 'utf8').includes(') Z ');
  } catch {
    return false;
  }
};

/** One request on a connection of its own, so that each may reach another process. */
function request(url: string, options: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : JSON.stringify(options.body);
    const req = http.request(url, { method: options.method ?? 'GET', agent: false, headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) } }, (res) => {
      let text = '';
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode!, body: text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}


const requestsCounted = (metrics: string) =>
  [...metrics.matchAll(/^waybill_http_requests_total\{[^}]*\} (\d+)$/gm)].reduce((sum, m) => sum + Number(m[1]), 0);

describe('waybill serve on several processes (WEB_CONCURRENCY)', () => {
  it('serves from two processes on one port: what one writes the other reads, and /metrics counts the requests of both', async () => {
    expect(server.output()).toContain('"processes":2');
    expect(childrenOf(server.child.pid!)).toHaveLength(2);
    const before = requestsCounted((await request(`${server.url}/metrics`)).body);
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const created = await request(`${server.url}/v1/orders`, { method: 'POST', body: orderBody({ number: `BUSY-${i}` }) });
      expect(created.status, created.body).toBe(201);
      ids.push(JSON.parse(created.body).id);
    }
    // Connections go to the processes in turn, so each order is read by both.
    for (const id of [...ids, ...ids]) expect((await request(`${server.url}/v1/orders/${id}`)).status).toBe(200);
    const metrics = await request(`${server.url}/metrics`);
    expect(metrics.status).toBe(200);
    // The 18 requests above and the first /metrics, whichever process answered each.
    expect(requestsCounted(metrics.body) - before).toBe(19);
  });

  it('migrates in a short-lived process, so the primary, which lives as long as the others, never loads the database', async () => {
    const primary = server.child.pid!;
    expect(server.output()).toMatch(new RegExp(`"pid":${primary},[^\\n]*"migration":"(applied: [^"]+|the database is up to date)"`));
    if (sqlite && process.platform === 'linux') {
      // The SQLite driver is a native module: mapped by every serving process, never by the primary.
      const mapsDriver = (pid: number) => fs.readFileSync(`/proc/${pid}/maps`, 'utf8').includes('better_sqlite3.node');
      expect(mapsDriver(primary)).toBe(false);
      expect(childrenOf(primary).map(mapsDriver)).toEqual([true, true]);
    }
  });

  it('replaces a serving process that dies, and stops them all on SIGTERM with exit code 0', async () => {
    const [victim, survivor] = childrenOf(server.child.pid!);
    process.kill(victim!, 'SIGKILL');
    await until(() => {
      const now = childrenOf(server.child.pid!);
      return now.length === 2 && !now.includes(victim!);
    });
    const replaced = childrenOf(server.child.pid!);
    expect(replaced, server.output()).toHaveLength(2);
    expect(replaced).toContain(survivor);
    expect(replaced).not.toContain(victim);
    await until(() => false, 1_500); // the new one's start-up
    for (let i = 0; i < 4; i++) expect((await request(`${server.url}/v1/orders?limit=1`)).status).toBe(200);
    expect(server.output()).toContain('a serving process stopped: starting another');
    expect(await server.stop('SIGTERM')).toBe(0);
    for (const pid of replaced) expect(isRunning(pid)).toBe(false);
  });

  it('stops while the database is still being migrated: the migration stops with it and nothing is started', async () => {
    const blocked = await freshDatabase();
    // Holding the migration's lock keeps `waybill migrate` waiting: SQLite's write lock (it waits its
    // busy timeout, 5 s), PostgreSQL's advisory lock of the migrator.
    const holder = sqlite ? new Sqlite(blocked.url) : new pg.Client({ connectionString: blocked.url });
    if (holder instanceof Sqlite) holder.exec('BEGIN IMMEDIATE');
    else {
      await holder.connect();
      await holder.query('SELECT pg_advisory_lock(3853314791062309107)');
    }
    try {
      const port = await freePort();
      const primary = spawn(process.execPath, [path.join(ROOT, 'bin/waybill.js'), 'serve'], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: blocked.url, SECRET_KEY: TEST_SECRET, PORT: String(port), WEB_CONCURRENCY: '2', WORKER_CONCURRENCY: '0', LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      primary.stdout.on('data', (d) => (output += d));
      primary.stderr.on('data', (d) => (output += d));
      const exited = new Promise<number | null>((resolve) => primary.on('exit', (code) => resolve(code)));
      await until(() => childrenOf(primary.pid!).length === 1);
      const [migration] = childrenOf(primary.pid!);
      expect(migration, output).toBeDefined();
      await until(() => false, 1_000); // the migration reaches the lock
      primary.kill('SIGTERM');
      expect(await exited, output).toBe(0);
      await until(() => !isRunning(migration!), 5_000);
      expect(isRunning(migration!), output).toBe(false);
      expect(output).toContain('shutting down');
      expect(output).toContain('the migration was stopped');
      expect(output).not.toContain('database migrated');
      expect(output).not.toContain('waybill is serving');
    } finally {
      if (holder instanceof Sqlite) holder.close();
      else await holder.end();
    }
    // Nothing was left half-done: the next migration finds a database it can use.
    const again = await runCli(['migrate'], { DATABASE_URL: blocked.url });
    expect(again.code, again.stderr).toBe(0);
    await blocked.drop();
  });

  it('says once why it cannot start (a port in use, a database it cannot use), and leaves nothing running', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const busy = await runCli(['serve'], { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, PORT: String(port), WEB_CONCURRENCY: '3', WORKER_CONCURRENCY: '0' });
      expect(busy.code).toBe(2);
      expect(busy.stderr.match(/PORT \d+ is already in use/g)).toEqual([`PORT ${port} is already in use`]);
    } finally {
      holder.close();
    }
    // A database it cannot use: said once (by the migration), exit code 2.
    const aFile = path.join(os.tmpdir(), `waybill-not-a-folder-${process.pid}`);
    fs.writeFileSync(aFile, '');
    try {
      const unusable = sqlite ? `${aFile}/waybill.db` : 'postgres://postgres@127.0.0.1:1/waybill';
      const broken = await runCli(['serve'], { DATABASE_URL: unusable, SECRET_KEY: TEST_SECRET, WEB_CONCURRENCY: '3', WORKER_CONCURRENCY: '0' });
      expect(broken.code).toBe(2);
      expect(broken.stderr.match(/^waybill: cannot (open|reach) DATABASE_URL/gm), broken.stderr).toHaveLength(1);
    } finally {
      fs.rmSync(aFile, { force: true });
    }
    const zero = await runCli(['serve'], { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, WEB_CONCURRENCY: '0' });
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('WEB_CONCURRENCY');
  });
});
