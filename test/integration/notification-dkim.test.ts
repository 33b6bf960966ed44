// DKIM per brand domain, end to end: the brand stores its key through the API, the worker sends
// over real SMTP, and the received message's signature verifies (mailauth, against the DNS record
// the API told the brand to publish) and covers both one-click unsubscribe headers.
import { generateKeyPairSync } from 'node:crypto';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';
import { type CaughtMail, startMailCatcher } from '../harness/smtp.js';

let t: TestContext;
let smtp: Awaited<ReturnType<typeof startMailCatcher>>;
let mails: CaughtMail[] = [];

const rsa = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const privateKey = rsa(2048);

beforeAll(async () => {
  smtp = await startMailCatcher();
  mails = smtp.mails;
  t = await createTestContext({ env: { SMTP_URL: smtp.url, PUBLIC_URL: 'https://track.northwind.example' } });
});

afterAll(async () => {
  t?.deps.messaging.close(); // the pooled SMTP connection, so the server can stop at once
  await t?.close();
  await smtp?.close();
});

describe('a brand’s DKIM key', () => {
  it('is stored encrypted, never returned, and answered with the DNS record to publish', async () => {
    const saved = await t.request('PUT', '/v1/brand/dkim', { domain: 'Northwind.Example', selector: 'wb2026', privateKey });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({ domain: 'northwind.example', selector: 'wb2026', keyBits: 2048, dnsRecord: { name: 'wb2026._domainkey.northwind.example', type: 'TXT' } });
    expect(saved.json.dnsRecord.value).toMatch(/^v=DKIM1; k=rsa; p=[A-Za-z0-9+/=]+$/);
    expect(saved.json.warnings[0]).toMatch(/sender address is at waybill\.localhost/);
    expect(saved.text).not.toContain('PRIVATE KEY');

    const stored = await t.deps.db.selectFrom('brands').select('settings').where('id', '=', t.brand.id).executeTakeFirstOrThrow();
    expect(stored.settings).not.toContain('PRIVATE KEY');
    expect(stored.settings).not.toContain(privateKey.split('\n')[1]);

    const sender = await t.request('PATCH', '/v1/brand/settings', { sender: { email: 'orders@northwind.example', name: 'Northwind' } });
    expect(sender.status).toBe(200);
    expect(JSON.stringify(sender.json)).not.toContain('dkim');
    const read = await t.request('GET', '/v1/brand/dkim');
    expect(read.json).toMatchObject({ domain: 'northwind.example', warnings: [] });
    expect(read.json.dnsRecord).toEqual(saved.json.dnsRecord);
    expect(read.text).not.toContain('PRIVATE KEY');
  });

  it('signs every email; the signature verifies against the published record and covers List-Unsubscribe and List-Unsubscribe-Post', async () => {
    const record = (await t.request('GET', '/v1/brand/dkim')).json.dnsRecord as { name: string; value: string };
    const order = await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString(), customer: { email: 'ada@customer.example', name: 'Ada' } }));
    await t.request('POST', `/v1/orders/${order.json.id}/shipments`, { carrier: 'simulated', label: true });
    await t.worker.drain();
    const shipped = mails.find((m) => m.to.includes('ada@customer.example') && /List-Unsubscribe-Post/i.test(m.raw));
    expect(shipped).toBeDefined();

    const dns = { [record.name]: [[record.value]] };
    const resolver = async (name: string, type: string) => {
      if (type !== 'TXT' || !dns[name]) throw Object.assign(new Error(`no ${type} at ${name}`), { code: 'ENOTFOUND' });
      return dns[name];
    };
    const verified = await dkimVerify(Buffer.from(shipped!.raw), { resolver });
    expect(verified.results).toHaveLength(1);
    const [result] = verified.results;
    expect(result.status.result).toBe('pass');
    expect(result.signingDomain).toBe('northwind.example');
    expect(result.status.aligned).toBe('northwind.example');
    const signed = ((result as unknown as { signingHeaders: { keys: string } }).signingHeaders.keys).toLowerCase().split(': ').join(':').split(':');
    expect(signed).toEqual(expect.arrayContaining(['from', 'to', 'subject', 'list-unsubscribe', 'list-unsubscribe-post']));

    // Altered in transit, it no longer verifies.
    const headerEnd = shipped!.raw.indexOf('\r\n\r\n');
    const tampered = shipped!.raw.slice(0, headerEnd).replace('northwind.example/u/', 'northwind.example/x/') + shipped!.raw.slice(headerEnd);
    expect(tampered).not.toBe(shipped!.raw);
    expect((await dkimVerify(Buffer.from(tampered), { resolver })).results[0].status.result).toBe('fail');

    // The order confirmation (transactional: no unsubscribe headers) is signed too.
    const confirmation = mails.find((m) => m.to.includes('ada@customer.example') && !/List-Unsubscribe/i.test(m.raw));
    expect((await dkimVerify(Buffer.from(confirmation!.raw), { resolver })).results[0].status.result).toBe('pass');
  });

  it('refuses what cannot sign, naming each field, and keeps the key it had', async () => {
    const cases: Array<[Record<string, string>, string, RegExp]> = [
      [{ domain: 'northwind', selector: 'wb2026', privateKey }, 'domain', /domain name/],
      [{ domain: 'northwind.example', selector: 'wb 2026!', privateKey }, 'selector', /letters, digits/],
      [{ domain: 'northwind.example', selector: 'wb2026', privateKey: 'not a key' }, 'privateKey', /readable PEM/],
      [{ domain: 'northwind.example', selector: 'wb2026', privateKey: rsa(512) }, 'privateKey', /512 bits; DKIM needs at least 1024/],
      [{ domain: 'northwind.example', selector: 'wb2026', privateKey: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() }, 'privateKey', /ed25519 key/],
      [{ domain: 'northwind.example', selector: 'wb2026', privateKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString() }, 'privateKey', /public key/],
    ];
    for (const [body, field, problem] of cases) {
      const res = await t.request('PUT', '/v1/brand/dkim', body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).toBe(422);
      expect(res.json.error.code).toBe('validation_failed');
      expect(res.json.error.details).toEqual([{ field, problem: expect.stringMatching(problem) }]);
    }
    expect((await t.request('PUT', '/v1/brand/dkim', { domain: 'northwind.example' })).status).toBe(422);
    expect((await t.request('GET', '/v1/brand/dkim')).json.selector).toBe('wb2026');
  });

  it('can be removed: mail goes out unsigned', async () => {
    expect((await t.request('DELETE', '/v1/brand/dkim')).status).toBe(204);
    expect((await t.request('GET', '/v1/brand/dkim')).status).toBe(404);
    mails.length = 0;
    await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString(), customer: { email: 'grace@customer.example' } }));
    await t.worker.drain();
    const mail = mails.find((m) => m.to.includes('grace@customer.example'))!;
    expect(mail.raw).not.toMatch(/^DKIM-Signature:/im);
  });
});
