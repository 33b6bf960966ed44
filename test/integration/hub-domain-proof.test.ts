// Proof that a brand owns its custom domain, against a real DNS server on 127.0.0.1: a domain set is
// pending (not served, links on Waybill's address) until the TXT record at _waybill.<domain> holds
// the brand's waybill-verify value; what DNS answered instead is said (NXDOMAIN, no record, another
// value, a server that fails or never answers); two brands may wait for one domain and the first to
// prove it holds it; the worker proves waiting domains by itself; HUB_DOMAIN_PROOF=none trusts
// brands; a domain set before proofs existed stays served.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBrand } from '../../src/brands/repo.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { ensureDomainCheckSchedule, VERIFY_EVERY_MS } from '../../src/hub/domains.js';
import { startDnsServer, type TestDnsServer } from '../harness/dns-server.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

const TIMEOUT_MS = 400;
let dns: TestDnsServer;
let t: TestContext;
beforeAll(async () => {
  dns = await startDnsServer();
  t = await createTestContext({ env: { DNS_SERVERS: dns.address, DNS_TIMEOUT_MS: String(TIMEOUT_MS) } });
});
afterAll(async () => {
  await t?.close();
  await dns?.close();
});
beforeEach(() => {
  dns.behaviour = 'answer';
  dns.txt.clear();
  dns.names.clear();
  dns.asked.length = 0;
});

let brands = 0;
/** Another brand of the same instance, with its own API key and slug. */
async function anotherBrand(context: TestContext = t) {
  brands += 1;
  const { brand, apiKey } = await createBrand(context.deps.db, context.clock.now(), { name: `Rival Brand ${brands}` });
  const as = async (method: string, path: string, body?: unknown) => {
    const response = await context.app.request(path, { method, headers: { authorization: `Bearer ${apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) }, body: body ? JSON.stringify(body) : undefined });
    return { status: response.status, headers: response.headers, json: (await response.json()) as any };
  };
  await as('PUT', '/v1/brand/theme', { slug: `rival-${brands}` });
  return { brand, request: as };
}

const page = async (path: string, host: string, context: TestContext = t) => {
  const response = await context.app.request(path, { headers: { host } });
  return { status: response.status, html: await response.text() };
};
const trackingUrl = async () => (await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString() }))).json.trackingPageUrl as string;
/** The brand's verify call, the claim's last lookup being older than the throttle's 10 seconds. */
const verify = (as: (method: string, path: string) => Promise<any> = (method, path) => t.request(method, path)) => {
  t.clock.advance(VERIFY_EVERY_MS);
  return as('POST', '/v1/brand/domain/verify');
};
const publish = (name: string, ...values: string[]) => dns.txt.set(name, [...(dns.txt.get(name) ?? []), ...values.map((v) => [v])]);

describe('a custom domain set', () => {
  it('is pending with the TXT record to publish; not served, and links and the lookup address stay on Waybill’s address', async () => {
    const saved = await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'Track.Pending.Example' });
    expect(saved.status).toBe(200);
    expect(saved.json).toMatchObject({
      domain: 'track.pending.example',
      domainStatus: 'pending',
      lookupUrl: 'http://waybill.test/track/test-brand',
      domainProof: { record: { type: 'TXT', name: '_waybill.track.pending.example', value: expect.stringMatching(/^waybill-verify=[\w-]{43}$/) }, checkedAt: null, problem: null },
    });
    expect((await t.request('GET', '/v1/brand/theme')).json).toMatchObject({ domain: 'track.pending.example', domainStatus: 'pending' });
    const form = await page('/track', 'track.pending.example');
    expect(form.status).toBe(404);
    expect(form.html).not.toContain('action="/track"');
    expect(await trackingUrl()).toMatch(/^http:\/\/waybill\.test\/t\//);
    // The token belongs to the brand and the domain: another domain, another value.
    const other = await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.other.example' });
    expect(other.json.domainProof.record.value).not.toBe(saved.json.domainProof.record.value);
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: null });
  });

  it('is refused at verify, saying what DNS answered: a name that does not exist, a name without TXT, another value; the last finding is kept', async () => {
    const saved = (await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.missing.example' })).json;
    const record = saved.domainProof.record;

    const nxdomain = await verify();
    expect(nxdomain.status).toBe(422);
    expect(nxdomain.json.error).toMatchObject({ code: 'domain_not_verified', details: { record, found: [], dns: 'no_name' } });
    expect(nxdomain.json.error.message).toContain('_waybill.track.missing.example does not exist (NXDOMAIN)');
    expect(nxdomain.json.error.message).toContain(`Create a TXT record at _waybill.track.missing.example with the value ${record.value}`);
    expect(dns.asked).toContain('_waybill.track.missing.example');

    dns.names.add('_waybill.track.missing.example');
    const noTxt = await verify();
    expect(noTxt.status).toBe(422);
    expect(noTxt.json.error.details.dns).toBe('no_record');
    expect(noTxt.json.error.message).toContain('has no TXT record');

    publish('_waybill.track.missing.example', 'google-site-verification=abc', 'waybill-verify=not-the-token');
    const wrong = await verify();
    expect(wrong.status).toBe(422);
    expect(wrong.json.error.details).toMatchObject({ dns: 'wrong_value', found: ['google-site-verification=abc', 'waybill-verify=not-the-token'] });
    expect(wrong.json.error.message).toContain('"waybill-verify=not-the-token"');

    const shown = (await t.request('GET', '/v1/brand/theme')).json;
    expect(shown).toMatchObject({ domainStatus: 'pending', domainProof: { record, checkedAt: t.clock.now().toISOString(), problem: expect.stringContaining('waybill-verify value for another brand or domain') } });
    expect((await page('/track', 'track.missing.example')).status).toBe(404);
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: null });
  });

  it('is verified by the right record (split in two strings, as long TXT values may be): served by its Host, and links and the lookup address use it', async () => {
    const { record } = (await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.proven.example' })).json.domainProof;
    dns.txt.set(record.name, [['v=spf1 -all'], [record.value.slice(0, 20), record.value.slice(20)]]);

    const verified = await verify();
    expect(verified.status).toBe(200);
    expect(verified.json).toEqual({ domain: 'track.proven.example', domainStatus: 'verified', domainProof: null, lookupUrl: 'https://track.proven.example/track' });
    const home = await page('/', 'track.proven.example');
    expect(home.status).toBe(200);
    expect(home.html).toContain('action="/track"');
    const link = await trackingUrl();
    expect(link).toMatch(/^https:\/\/track\.proven\.example\/t\//);
    expect((await page(new URL(link).pathname, 'track.proven.example')).status).toBe(200);
    // Asked again, and the theme saved again without the domain: it stays verified.
    expect((await verify()).json.domainStatus).toBe('verified');
    expect((await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', colors: { primary: '#225588' } })).json).toMatchObject({ domain: 'track.proven.example', domainStatus: 'verified' });

    // A new domain waits for its own proof while the proven one goes on serving and being linked…
    const moving = (await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.next.example' })).json;
    expect(moving).toMatchObject({ domain: 'track.next.example', domainStatus: 'pending', lookupUrl: 'https://track.proven.example/track' });
    expect((await page('/', 'track.proven.example')).html).toContain('action="/track"');
    expect((await page('/', 'track.next.example')).html).not.toContain('action="/track"');
    expect(await trackingUrl()).toMatch(/^https:\/\/track\.proven\.example\/t\//);
    // …until the new one is proven: it replaces the old one.
    const next = (await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.next.example' })).json.domainProof.record;
    dns.txt.set(next.name, [[next.value]]);
    expect((await verify()).json).toMatchObject({ domain: 'track.next.example', domainStatus: 'verified', lookupUrl: 'https://track.next.example/track' });
    expect((await page('/', 'track.next.example')).html).toContain('action="/track"');
    expect((await page('/', 'track.proven.example')).html).not.toContain('action="/track"');
    expect(await trackingUrl()).toMatch(/^https:\/\/track\.next\.example\/t\//);
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: null });
  });

  it('answers 503 quickly, naming the timeout, when the DNS server never answers; 502 when it fails', async () => {
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.silent.example' });
    dns.behaviour = 'silent';
    const started = performance.now();
    const silent = await verify();
    const took = performance.now() - started;
    expect(silent.status).toBe(503);
    expect(silent.headers.get('retry-after')).toBe('60');
    expect(silent.json.error).toMatchObject({ code: 'unavailable', details: { dns: 'timeout' } });
    expect(silent.json.error.message).toContain(`no DNS server answered for _waybill.track.silent.example within ${TIMEOUT_MS} ms`);
    expect(took).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(took).toBeLessThan(TIMEOUT_MS + 1_500);
    expect(dns.asked.length).toBeGreaterThan(0);

    dns.behaviour = 'servfail';
    const failed = await verify();
    expect(failed.status).toBe(502);
    expect(failed.json.error).toMatchObject({ code: 'dns_error', details: { dns: 'dns_error' } });
    expect(failed.json.error.message).toContain('ESERVFAIL');
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: null });
  });

  it('asks DNS at most once in 10 seconds per claim: a call sooner is a 429 with Retry-After that repeats the last finding, and asks nothing', async () => {
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.eager.example' });
    expect((await verify()).json.error.details.dns).toBe('no_name');
    expect(dns.asked.filter((name) => name === '_waybill.track.eager.example')).toHaveLength(1);
    t.clock.advance(4_000);
    const soon = await t.request('POST', '/v1/brand/domain/verify');
    expect(soon.status).toBe(429);
    expect(soon.headers.get('retry-after')).toBe('6');
    expect(soon.json.error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('does not exist (NXDOMAIN)') });
    expect(dns.asked.filter((name) => name === '_waybill.track.eager.example')).toHaveLength(1);
    t.clock.advance(6_000);
    expect((await t.request('POST', '/v1/brand/domain/verify')).status).toBe(422);
    expect(dns.asked.filter((name) => name === '_waybill.track.eager.example')).toHaveLength(2);
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: null });
  });

  it('with no domain set, verify is a 404 that says how to set one', async () => {
    const none = await verify();
    expect(none.status).toBe(404);
    expect(none.json.error.message).toContain('PUT /v1/brand/theme');
  });
});

describe('two brands and one domain', () => {
  it('may both have it pending; the first to verify holds it, the other is refused at its verify with the reason, and cannot set it again', async () => {
    const rival = await anotherBrand();
    const ours = (await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.contested.example' })).json;
    const theirs = await rival.request('PUT', '/v1/brand/theme', { domain: 'track.contested.example' });
    expect(theirs.status).toBe(200);
    expect(theirs.json.domainStatus).toBe('pending');
    // The rival's record cannot prove the domain for us, nor ours for them.
    publish(ours.domainProof.record.name, theirs.json.domainProof.record.value);
    expect((await verify()).json.error.details.dns).toBe('wrong_value');

    const won = await verify(rival.request);
    expect(won.status).toBe(200);
    expect((await page('/', 'track.contested.example')).html).toContain('Rival Brand');

    publish(ours.domainProof.record.name, ours.domainProof.record.value);
    const lost = await verify();
    expect(lost.status).toBe(409);
    expect(lost.json.error.message).toContain('another brand proved this domain first');
    expect(lost.json.error.details).toEqual([{ field: 'domain', problem: 'already used by another brand' }]);
    expect((await t.request('GET', '/v1/brand/theme')).json).toMatchObject({ domainStatus: 'pending', domainProof: { problem: expect.stringContaining('another brand proved this domain first') } });
    expect((await page('/', 'track.contested.example')).html).toContain('Rival Brand');

    const again = await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.other-now.example' });
    expect(again.status).toBe(200);
    const taken = await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.contested.example' });
    expect(taken.status).toBe(409);
    expect(taken.json.error.details[0].field).toBe('domain');
    await rival.request('PUT', '/v1/brand/theme', { domain: null });
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: null });
  });

  it('verifying at the same moment, with both records published: exactly one holds it', async () => {
    const rival = await anotherBrand();
    const ours = (await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.race.example' })).json;
    const theirs = (await rival.request('PUT', '/v1/brand/theme', { domain: 'track.race.example' })).json;
    publish('_waybill.track.race.example', ours.domainProof.record.value, theirs.domainProof.record.value);

    const answers = await Promise.all([verify(), verify(rival.request)]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const holders = await t.deps.db.selectFrom('brand_hubs').select('brand_id').where('domain', '=', 'track.race.example').execute();
    expect(holders).toHaveLength(1);
    expect(holders[0]!.brand_id).toBe(answers[0]!.status === 200 ? t.brand.id : rival.brand.id);
    await rival.request('PUT', '/v1/brand/theme', { domain: null });
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: null });
  });
});

describe('the recurring check', () => {
  it('verifies a pending domain once its record is published, without the brand asking, and notes what it found before', async () => {
    await ensureDomainCheckSchedule(t.deps);
    const { record } = (await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.worker.example' })).json.domainProof;
    await t.worker.drain();
    expect(dns.asked).toContain(record.name);
    expect((await t.request('GET', '/v1/brand/theme')).json).toMatchObject({ domainStatus: 'pending', domainProof: { problem: expect.stringContaining('NXDOMAIN') } });

    publish(record.name, record.value);
    t.clock.advance(300_000);
    await t.worker.drain();
    expect((await t.request('GET', '/v1/brand/theme')).json).toMatchObject({ domain: 'track.worker.example', domainStatus: 'verified', lookupUrl: 'https://track.worker.example/track' });
    expect((await page('/', 'track.worker.example')).html).toContain('action="/track"');
    expect(await trackingUrl()).toMatch(/^https:\/\/track\.worker\.example\/t\//);

    // A claim left pending for more than a week is no longer looked up by the worker.
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: 'track.abandoned.example' });
    t.clock.advance(8 * 86_400_000);
    dns.asked.length = 0;
    await t.worker.drain();
    expect(dns.asked).toEqual([]);
    await t.request('PUT', '/v1/brand/theme', { slug: 'test-brand', domain: null });
  });
});

describe('HUB_DOMAIN_PROOF=none', () => {
  it('trusts the brand: its domain is served as soon as it is set, with no DNS lookup; one in force elsewhere is still a 409', async () => {
    const trusting = await createTestContext({ env: { HUB_DOMAIN_PROOF: 'none', DNS_SERVERS: dns.address } });
    try {
      const saved = await trusting.request('PUT', '/v1/brand/theme', { slug: 'solo', domain: 'track.solo.example' });
      expect(saved.json).toMatchObject({ domain: 'track.solo.example', domainStatus: 'verified', domainProof: null, lookupUrl: 'https://track.solo.example/track' });
      expect((await page('/', 'track.solo.example', trusting)).html).toContain('action="/track"');
      expect((await trusting.request('POST', '/v1/brand/domain/verify')).json.domainStatus).toBe('verified');
      expect(dns.asked).toEqual([]);
      const rival = await anotherBrand(trusting);
      expect((await rival.request('PUT', '/v1/brand/theme', { domain: 'track.solo.example' })).status).toBe(409);
    } finally {
      await trusting.close();
    }
  });
});

describe('migration 023', () => {
  it('keeps a domain set before proofs existed in force: still served and linked after the upgrade', async () => {
    const old = await createTestContext({ schemaUpTo: '021-tracking-event-status-carried', env: { DNS_SERVERS: dns.address } });
    try {
      const at = old.clock.now().toISOString();
      await old.deps.db.insertInto('brand_hubs').values({ brand_id: old.brand.id, slug: 'legacy', domain: 'track.legacy.example', updated_at: at } as never).execute();
      await old.deps.db.updateTable('brands').set({ settings: JSON.stringify({ hub: { slug: 'legacy', domain: 'track.legacy.example' } }) }).where('id', '=', old.brand.id).execute();
      expect(await migrateToLatest(old.deps.db)).toContain('023-hub-domain-proof');

      expect((await old.request('GET', '/v1/brand/theme')).json).toMatchObject({ domain: 'track.legacy.example', domainStatus: 'verified', lookupUrl: 'https://track.legacy.example/track' });
      expect((await page('/', 'track.legacy.example', old)).html).toContain('action="/track"');
      const order = (await old.request('POST', '/v1/orders', orderBody({ placedAt: at }))).json;
      expect(order.trackingPageUrl).toMatch(/^https:\/\/track\.legacy\.example\/t\//);
      expect(dns.asked).toEqual([]);
    } finally {
      await old.close();
    }
  });
});
