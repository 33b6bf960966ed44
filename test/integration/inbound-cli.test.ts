// `waybill inbound-webhook create`: a brand's webhook endpoint from the command line, its secret printed once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase, TEST_SECRET } from '../harness/harness.js';
import { runCli } from '../harness/process.js';

let database: Awaited<ReturnType<typeof freshDatabase>>;
let brandId: string;
beforeAll(async () => {
  database = await freshDatabase();
  const brand = await runCli(['brand', 'create', '--name', 'CLI Brand', '--json'], { DATABASE_URL: database.url });
  brandId = JSON.parse(brand.stdout).brandId;
});
afterAll(async () => database.drop());

const env = () => ({ DATABASE_URL: database.url, SECRET_KEY: TEST_SECRET, PUBLIC_URL: 'https://track.example.com' });

describe('waybill inbound-webhook create', () => {
  it('issues a UPS Track Alert client, printing the secret once and storing only its digest', async () => {
    const res = await runCli(['inbound-webhook', 'create', '--brand', brandId, '--provider', 'ups_track_alert', '--json'], env());
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout);
    expect(out).toMatchObject({ provider: 'ups_track_alert', url: 'https://track.example.com/webhooks/ups/track-alert', tokenUrl: 'https://track.example.com/webhooks/ups/oauth/token' });
    expect(out.clientSecret).toMatch(/^wbsec_/);
    const rows = await database.handle.db.selectFrom('inbound_endpoints').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(out.clientSecret);
  });

  it('takes an EasyPost secret of the brand’s own, and says when it rotates', async () => {
    const first = await runCli(['inbound-webhook', 'create', '--brand', brandId, '--provider', 'easypost', '--secret', 'an-easypost-secret-1234'], env());
    expect(first.stdout).toMatch(/^Created easypost endpoint/);
    expect(first.stdout).toContain('secret: an-easypost-secret-1234');
    const again = await runCli(['inbound-webhook', 'create', '--brand', brandId, '--provider', 'easypost'], env());
    expect(again.stdout).toMatch(/^Rotated/);
  });

  it('refuses an unknown provider or brand, and a missing SECRET_KEY, with exit code 2', async () => {
    const provider = await runCli(['inbound-webhook', 'create', '--brand', brandId, '--provider', 'aftership'], env());
    expect(provider.code).toBe(2);
    expect(provider.stderr).toContain('--provider must be one of: easypost, shippo, ups_track_alert');
    const brand = await runCli(['inbound-webhook', 'create', '--brand', 'brd_nobody', '--provider', 'shippo'], env());
    expect(brand.code).toBe(2);
    expect(brand.stderr).toContain('no brand brd_nobody');
    const secret = await runCli(['inbound-webhook', 'create', '--brand', brandId, '--provider', 'shippo'], { DATABASE_URL: database.url });
    expect(secret.code).toBe(2);
    const shippoSecret = await runCli(['inbound-webhook', 'create', '--brand', brandId, '--provider', 'shippo', '--secret', 'my-own-secret-123456'], env());
    expect(shippoSecret.code).toBe(2);
    expect(shippoSecret.stderr).toContain('only an EasyPost endpoint takes a secret of your own');
  });
});
