// One demo per database: a second `waybill demo` on the same DEMO_DATABASE_URL (on another PORT) is
// refused before it removes anything, and the running demo goes on untouched. Real processes, on
// both dialects: a lock file beside a SQLite file, an advisory lock on PostgreSQL.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isProcessAlive, lockFileOf, parseOwnerLine, processStartOf } from '../../src/demo/lock.js';
import { dialectUnderTest, freshDatabase } from '../harness/harness.js';
import { freePort, runCli, type Server, startWaybill } from '../harness/process.js';

const sqlite = dialectUnderTest() === 'sqlite';
let database: Awaited<ReturnType<typeof freshDatabase>> | null = null;
let dir: string;
let url: string;
const running: Server[] = [];
let first: Server & { apiKey: string };

/** Starts a demo on the shared database and waits (up to a minute: the suite's other files share the cores) until it has printed its API key (its brand is seeded). */
async function startDemo(): Promise<Server & { apiKey: string }> {
  const demo = await startWaybill('demo', { DEMO_DATABASE_URL: url, DEMO_SPEED: '43200', DEMO_ORDER_EVERY_SECONDS: '1', DEMO_MAX_ORDERS: '20' });
  running.push(demo);
  for (let i = 0; i < 600 && !demo.output().includes('Demo API key'); i++) await new Promise((r) => setTimeout(r, 100));
  const apiKey = /Demo API key:\s+(\S+)/.exec(demo.output())?.[1];
  if (!apiKey) throw new Error(`the demo printed no API key:\n${demo.output()}`);
  return { ...demo, apiKey };
}

const orders = async (demo: Server & { apiKey: string }) => {
  const res = await fetch(`${demo.url}/v1/orders?limit=200`, { headers: { authorization: `Bearer ${demo.apiKey}` } });
  expect(res.status).toBe(200);
  return (await res.json()).data.length as number;
};

const lockHolder = () => parseOwnerLine(fs.readFileSync(lockFileOf(url), 'utf8'));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-demo-lock-'));
  url = path.join(dir, 'demo.db');
  if (!sqlite) {
    database = await freshDatabase();
    url = database.url;
  }
  first = await startDemo();
});

afterAll(async () => {
  for (const demo of running) await demo.stop('SIGKILL');
  await database?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

// Each test below starts demos of its own, seeded before they answer.
const STARTS = { timeout: 120_000 };

describe('one demo per database', () => {
  it('refuses a second demo on another PORT with one line naming the running one, and the running demo keeps its data', async () => {
    const before = await orders(first);
    expect(before).toBeGreaterThanOrEqual(14);
    const inode = sqlite ? fs.statSync(url).ino : null;

    const second = await runCli(['demo'], { DEMO_DATABASE_URL: url, PORT: String(await freePort()), DEMO_SPEED: '43200' });
    expect(second.code).toBe(2);
    const name = sqlite ? url : `the PostgreSQL database ${new URL(url).pathname.slice(1)} on ${new URL(url).host}`;
    expect(second.stderr).toBe(
      `waybill: another Waybill demo (pid ${first.child.pid}, ${first.url}) is using ${name}: stop it first or set DEMO_DATABASE_URL to another ${sqlite ? 'file' : 'database'}\n`,
    );
    expect(second.stdout).not.toContain('Demo API key');

    // The same file, not a new one in its place, still claimed by the first demo, which answers as before.
    if (sqlite) {
      expect(fs.statSync(url).ino).toBe(inode);
      expect(lockHolder()).toEqual({ pid: first.child.pid, started: processStartOf(first.child.pid!), url: first.url });
    }
    expect(await orders(first)).toBeGreaterThanOrEqual(before);
    expect((await fetch(`${first.url}/`)).status).toBe(200);
  });

  it('starts a new demo once the first has stopped with Ctrl+C, which takes its lock file with it', STARTS, async () => {
    expect(await first.stop('SIGINT')).toBe(0);
    if (sqlite) expect(fs.existsSync(lockFileOf(url))).toBe(false);
    const next = await startDemo();
    expect(await orders(next)).toBeGreaterThanOrEqual(14);
    expect(await next.stop('SIGTERM')).toBe(0);
    if (sqlite) expect(fs.existsSync(lockFileOf(url))).toBe(false);
  });

  it('starts after a demo killed with kill -9: its stale lock file, naming a dead pid, is taken over', STARTS, async () => {
    const killed = await startDemo();
    await killed.stop('SIGKILL');
    if (sqlite) {
      expect(lockHolder()?.pid).toBe(killed.child.pid);
      expect(isProcessAlive(killed.child.pid!)).toBe(false);
    }
    const next = await startDemo();
    expect(await orders(next)).toBeGreaterThanOrEqual(14);
    if (sqlite) expect(lockHolder()).toEqual({ pid: next.child.pid, started: processStartOf(next.child.pid!), url: next.url });
    expect(await next.stop()).toBe(0);
  });

  // Start times come from Linux's /proc, and only a SQLite demo has a lock file: elsewhere the test does not exist.
  if (sqlite && processStartOf(process.pid) !== null)
  it('starts over a lock file whose pid is alive but is another program now (it started at another time than the demo)', STARTS, async () => {
    // This test's own process stands for the program that got the dead demo's pid after a reboot.
    fs.writeFileSync(lockFileOf(url), `waybill demo pid=${process.pid} started=1 url=http://localhost:1\n`);
    const next = await startDemo();
    expect(lockHolder()).toEqual({ pid: next.child.pid, started: processStartOf(next.child.pid!), url: next.url });
    expect(await next.stop()).toBe(0);
  });

  // A SQLite demo's lock file has no connection to lose: the test exists on PostgreSQL only.
  if (!sqlite)
  it('takes its PostgreSQL lock again when the connection holding it breaks, so a second demo is still refused', STARTS, async () => {
    const demo = await startDemo();
    const db = database!.handle.db;
    const lockConnections = async () =>
      (
        await sql<{ pid: number }>`SELECT a.pid FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE l.locktype = 'advisory' AND l.granted AND a.application_name LIKE ${`waybill demo pid=${demo.child.pid} %`}`.execute(db)
      ).rows.map((row) => row.pid);
    const [broken] = await lockConnections();
    expect(broken).toBeDefined();
    await sql`SELECT pg_terminate_backend(${broken})`.execute(db);
    let again: number[] = [];
    for (let i = 0; i < 100 && (again.length === 0 || again.includes(broken!)); i++) {
      await new Promise((r) => setTimeout(r, 100));
      again = await lockConnections();
    }
    expect(again).toHaveLength(1);
    expect(again).not.toContain(broken);
    const second = await runCli(['demo'], { DEMO_DATABASE_URL: url, PORT: String(await freePort()), DEMO_SPEED: '43200' });
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`another Waybill demo (pid ${demo.child.pid}`);
    expect(await demo.stop(), demo.output()).toBe(0);
  });
});

describe('a sqlite: DEMO_DATABASE_URL', () => {
  it('names the same file as the bare path: the demo starts afresh over an old file there and keeps its key beside it', STARTS, async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-demo-scheme-'));
    const file = path.join(folder, 'old.db');
    fs.writeFileSync(file, 'not a database: left by something else');
    try {
      const demo = await startWaybill('demo', { DEMO_DATABASE_URL: `sqlite:${file}`, DEMO_SPEED: '43200', DEMO_MAX_ORDERS: '1' });
      running.push(demo);
      for (let i = 0; i < 600 && !demo.output().includes('Demo API key'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(demo.output()).toContain('Demo API key');
      expect(fs.existsSync(path.join(folder, 'demo-secret.key'))).toBe(true);
      expect(fs.existsSync(path.resolve('sqlite:'))).toBe(false);
      expect(await demo.stop()).toBe(0);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
