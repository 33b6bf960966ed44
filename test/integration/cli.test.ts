import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startUpsEmulator } from '../../src/carriers/ups/emulator.js';
import { findBrandByApiKey } from '../../src/brands/repo.js';
import { freshDatabase, TEST_SECRET } from '../harness/harness.js';
import { runCli, startWaybill } from '../harness/process.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
beforeAll(async () => {
  database = await freshDatabase();
});
afterAll(async () => database.drop());

describe('the waybill command', () => {
  it('explains itself with --help, on every command', async () => {
    const main = await runCli(['--help']);
    expect(main.code).toBe(0);
    for (const command of ['serve', 'worker', 'migrate', 'demo', 'brand create']) expect(main.stdout).toContain(command);
    for (const args of [['serve', '--help'], ['worker', '--help'], ['migrate', '--help'], ['demo', '--help'], ['brand', 'create', '--help']]) {
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

  it('refuses to serve without SECRET_KEY, or with bad configuration, naming the variable', async () => {
    const noSecret = await runCli(['serve'], { DATABASE_URL: database.url });
    expect(noSecret.code).toBe(2);
    expect(noSecret.stderr).toContain('SECRET_KEY is not set');
    const shortSecret = await runCli(['serve'], { DATABASE_URL: database.url, SECRET_KEY: 'short' });
    expect(shortSecret.code).toBe(2);
    expect(shortSecret.stderr).toContain('SECRET_KEY: must be at least 32 characters long');
    const badPort = await runCli(['serve'], { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, PORT: 'eighty' });
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('PORT');
    const badUrl = await runCli(['serve'], { DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, PUBLIC_URL: 'not a url' });
    expect(badUrl.stderr).toContain('PUBLIC_URL');
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
