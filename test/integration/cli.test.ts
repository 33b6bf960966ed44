import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpsEmulator } from '../../src/carriers/ups/emulator.js';
import { findBrandByApiKey } from '../../src/brands/repo.js';
import { freshDatabase, TEST_SECRET } from '../harness/harness.js';
import { ROOT, runCli, startWaybill } from '../harness/process.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => database.drop());

const noStackTrace = (stderr: string) => expect(stderr).not.toMatch(/^\s+at /m);

describe('the waybill command', () => {
  it('explains itself with --help, on every command', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    for (const command of ['serve', 'worker', 'migrate', 'demo', 'brand create', 'brand revoke-links']) expect(main.stdout).toContain(command);
    for (const args of [['serve', '--help'], ['worker', '--help'], ['migrate', '--help'], ['demo', '--help'], ['brand', 'create', '--help'], ['brand', 'revoke-links', '--help']]) {
      const res = await runCli(args);
      expect(res.code, args.join(' ')).toBe(0);
      expect(res.stdout).toMatch(/^Usage: waybill /);
    }
  });

  it('refuses unknown commands and arguments with a message and exit code 2', async () => {
    const unknown = await runCli(['launch']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "launch"');
    const extra = await runCli(['migrate', 'now'], { DATABASE_URL: database.url });
    expect(extra.code).toBe(2);
  });

  it('creates a brand and prints its API key once, as JSON with --json', async () => {
    const res = await runCli(['brand', 'create', '--name', 'Acme Goods', '--json'], { DATABASE_URL: database.url });
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { brandId: string; apiKey: string };
    expect(out.brandId).toMatch(/^brd_/);
    expect(out.apiKey).toMatch(/^wb_[A-Za-z0-9_-]{32}$/);
    const brand = await findBrandByApiKey(database.handle.db, out.apiKey);
    expect(brand?.name).toBe('Acme Goods');
    const stored = await database.handle.db.selectFrom('api_keys').selectAll().where('brand_id', '=', out.brandId).execute();
    expect(JSON.stringify(stored)).not.toContain(out.apiKey);

    const text = await runCli(['brand', 'create', '--name', 'Plain Output'], { DATABASE_URL: database.url });
    expect(text.stdout).toMatch(/API key \(shown only now, keep it safe\): wb_/);
  });

  it('refuses brand create without a name', async () => {
    const res = await runCli(['brand', 'create'], { DATABASE_URL: database.url });
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--name is required');
  });

  it('revokes every tracking link of one brand, and only its links', async () => {
    const created = JSON.parse((await runCli(['brand', 'create', '--name', 'Leaky Links', '--json'], { DATABASE_URL: database.url })).stdout) as { brandId: string; apiKey: string };
    const bystander = JSON.parse((await runCli(['brand', 'create', '--name', 'Bystander', '--json'], { DATABASE_URL: database.url })).stdout) as { brandId: string };
    const res = await runCli(['brand', 'revoke-links', '--brand', created.brandId, '--json'], { DATABASE_URL: database.url });
    expect(res.code).toBe(0);
    expect(JSON.parse(res.stdout)).toEqual({ brandId: created.brandId, linkKeyVersion: 2, revokedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    const versions = await database.handle.db.selectFrom('brands').select(['id', 'link_key_version']).where('id', 'in', [created.brandId, bystander.brandId]).execute();
    expect(Object.fromEntries(versions.map((b) => [b.id, b.link_key_version]))).toEqual({ [created.brandId]: 2, [bystander.brandId]: 1 });
    // Its API key is not a link: it still works.
    expect((await findBrandByApiKey(database.handle.db, created.apiKey))?.id).toBe(created.brandId);
    const text = await runCli(['brand', 'revoke-links', '--brand', created.brandId], { DATABASE_URL: database.url });
    expect(text.stdout).toContain('signed under version 3 from now on');

    const unknown = await runCli(['brand', 'revoke-links', '--brand', 'brd_nobody'], { DATABASE_URL: database.url });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no brand brd_nobody');
    const missing = await runCli(['brand', 'revoke-links'], { DATABASE_URL: database.url });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--brand is required');
  });

  it('refuses to serve without SECRET_KEY, or with bad configuration, naming the variable', async () => {
    const noSecret = await runCli(['serve'], { DATABASE_URL: database.url });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('SECRET_KEY is not set');
    const shortSecret = await runCli(['serve'], { DATABASE_URL: database.url, SECRET_KEY: 'short' });
    expect(shortSecret.code).toBe(2);
    expect(shortSecret.stderr).toContain('SECRET_KEY: must be at least 32 characters long');
    const badPort = await runCli(['serve'], { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, PORT: 'eighty' });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('PORT: must be a number, not "eighty"');
    const badUrl = await runCli(['serve'], { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, PUBLIC_URL: 'not a url' });
    expect(badUrl.stderr).toContain('PUBLIC_URL');
    const badDns = await runCli(['serve'], { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, DNS_SERVERS: '1.1.1.1,dns.google' });
    expect(badDns.code).toBe(2);
    expect(badDns.stderr).toContain('DNS_SERVERS: "dns.google" is not an IP address with an optional port');
  });

  it('says in one line, naming the variable, why it cannot start: a port in use, an unknown host, an unreachable database', async () => {
    const holder = net.createServer();
    await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
    const port = (holder.address() as net.AddressInfo).port;
    try {
      const busy = await runCli(['serve'], { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, PORT: String(port), WORKER_CONCURRENCY: '0' });
      expect(busy.code).toBe(2);
      expect(busy.stderr).toMatch(new RegExp(`^waybill: PORT ${port} is already in use`, 'm'));
      noStackTrace(busy.stderr);
    } finally {
      holder.close();
    }
    const badHost = await runCli(['serve'], { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, PORT: '0', HOST: 'no-such-host.invalid', WORKER_CONCURRENCY: '0' });
    expect(badHost.code).toBe(2);
    expect(badHost.stderr).toMatch(/^waybill: HOST "no-such-host.invalid" is not a name this machine can resolve/m);
    noStackTrace(badHost.stderr);
    // Nothing listens on port 1: the connection is refused at once.
    const nowhere = 'postgres://postgres:secret-password@127.0.0.1:1/waybill';
    for (const command of [['migrate'], ['serve'], ['worker'], ['brand', 'create', '--name', 'Nowhere']]) {
      const res = await runCli(command, { DATABASE_URL: nowhere, SECRET_KEY: TEST_SECRET, PORT: '0' });
      expect(res.code, command.join(' ')).toBe(2);
      expect(res.stderr).toMatch(/^waybill: cannot reach DATABASE_URL \(ECONNREFUSED 127\.0\.0\.1:1\)$/m);
      expect(res.stderr).not.toContain('secret-password');
      noStackTrace(res.stderr);
    }
  });

  it('refuses a DATABASE_URL that is no SQLite file and no postgres:// URL, and a file that is not a database, in one line, creating nothing', async () => {
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-cli-db-'));
    try {
      const text = path.join(folder, 'notes.txt');
      fs.writeFileSync(text, 'not a database\n'.repeat(400));
      for (const url of ['mysql://x', `https://${folder}/db`, `file:${folder}/x.db`]) {
        const res = await runCli(['migrate'], { DATABASE_URL: url });
        expect(res.code, url).toBe(2);
        expect(res.stderr).toContain('DATABASE_URL: must be a SQLite file path such as ./data/waybill.db or a postgres:// URL');
      }
      expect(fs.existsSync(path.join(ROOT, 'mysql:'))).toBe(false);
      const notADatabase = await runCli(['serve'], { DATABASE_URL: text, SECRET_KEY: TEST_SECRET, PORT: '0', WORKER_CONCURRENCY: '0' });
      expect(notADatabase.code).toBe(2);
      expect(notADatabase.stderr).toMatch(/^waybill: DATABASE_URL names a file that is not a SQLite database \(SQLITE_NOTADB\)/m);
      noStackTrace(notADatabase.stderr);
      expect(fs.readFileSync(text, 'utf8')).toBe('not a database\n'.repeat(400)); // untouched
      const underAFile = await runCli(['migrate'], { DATABASE_URL: path.join(text, 'x.db') });
      expect(underAFile.code).toBe(2);
      expect(underAFile.stderr).toMatch(/^waybill: cannot open DATABASE_URL \((EEXIST|ENOTDIR)/m);
      noStackTrace(underAFile.stderr);
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });

  it('runs one job loop in `waybill worker` even with WORKER_CONCURRENCY=0, and says so', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/waybill.js'), 'worker'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, WORKER_CONCURRENCY: '0', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    for (let waited = 0; !output.includes('waybill worker is running') && child.exitCode === null && waited < 30_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    const started = output.split('\n').find((line) => line.includes('waybill worker is running'));
    expect(JSON.parse(started!)).toMatchObject({ workers: 1 });
  });

  it('migrates, then says the database is up to date', async () => {
    const res = await runCli(['migrate'], { DATABASE_URL: database.url });
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/up to date|applied/);
  });

  it('serves the API with a created brand, and stops cleanly on SIGTERM', async () => {
    const created = JSON.parse((await runCli(['brand', 'create', '--name', 'Served', '--json'], { DATABASE_URL: database.url })).stdout);
    const server = await startWaybill('serve', { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET });
    try {
      const res = await fetch(`${server.url}/v1/orders`, { headers: { authorization: `Bearer ${created.apiKey}` } });
      expect(res.status).toBe(200);
      expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
    } finally {
      expect(await server.stop('SIGTERM')).toBe(0);
    }
  });

  it('detects tracking numbers, exiting 1 when one fits no format', async () => {
    const good = await runCli(['detect', '1z12345e0205271686']);
    expect(good.code).toBe(0);
    expect(good.stdout).toContain('1Z12345E0205271686: ups');
    const mixed = await runCli(['detect', '--json', '1Z12345E0205271686', '1Z12345E0205271687']);
    expect(mixed.code).toBe(1);
    const lines = mixed.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0].candidates[0]).toMatchObject({ courier: 'ups', valid: true });
    expect(lines[1].candidates[0]).toMatchObject({ courier: 'ups', valid: false });
    expect((await runCli(['detect'])).code).toBe(2);
  });

  it('connects a carrier account from a credentials file, against the carrier emulator', async () => {
    const ups = await startUpsEmulator();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'waybill-cli-'));
    try {
      const env = { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET };
      const { brandId } = JSON.parse((await runCli(['brand', 'create', '--name', 'Shipper', '--json'], env)).stdout);
      const good = path.join(dir, 'good.json');
      fs.writeFileSync(good, JSON.stringify({ clientId: ups.clientId, clientSecret: ups.clientSecret }));
      const ok = await runCli(['carrier', 'connect', '--brand', brandId, '--carrier', 'ups', '--credentials-file', good, '--base-url', ups.url], env);
      expect(ok.stdout).toContain('ups: connected');
      expect(ok.code).toBe(0);
      const bad = path.join(dir, 'bad.json');
      fs.writeFileSync(bad, JSON.stringify({ clientId: ups.clientId, clientSecret: 'nope' }));
      const refused = await runCli(['carrier', 'connect', '--brand', brandId, '--carrier', 'ups', '--credentials-file', bad, '--base-url', ups.url], env);
      expect(refused.code).toBe(1);
      expect(refused.stdout).toContain('ups: failed');
      expect(refused.stdout + refused.stderr).not.toContain('nope');
      const incomplete = path.join(dir, 'incomplete.json');
      fs.writeFileSync(incomplete, JSON.stringify({ clientId: 'x' }));
      const invalid = await runCli(['carrier', 'connect', '--brand', brandId, '--carrier', 'ups', '--credentials-file', incomplete], env);
      expect(invalid.code).toBe(2);
      expect(invalid.stderr).toContain('credentials.clientSecret');
    } finally {
      await ups.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
