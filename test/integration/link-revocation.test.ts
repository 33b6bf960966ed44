// A brand revokes every tracking link it has sent (POST /v1/brand/links/revoke): the long links in
// emails and API answers and the short links in texts stop working at once (404, a revoked short
// code answered as one never handed out), the next message carries links that work, and nothing
// else moves: the brand's API key, its unsubscribe links, another brand's links. Migration 024
// counts short links made before it as issued under the brand's version at the time.
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createBrand } from '../../src/brands/repo.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { shortLinkFor } from '../../src/notifications/short-links.js';
import { EMULATOR_ACCOUNT, startTwilioEmulator, type TwilioEmulator } from '../../src/notifications/providers/twilio-emulator.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';
import { startMailCatcher } from '../harness/smtp.js';

let t: TestContext;
let twilio: TwilioEmulator;
let smtp: Awaited<ReturnType<typeof startMailCatcher>>;
const BRAND_NUMBER = '+15005550006';

beforeAll(async () => {
  smtp = await startMailCatcher();
  twilio = await startTwilioEmulator({ clock: { now: () => (t ? t.clock.now() : new Date()) } });
  // A loopback PUBLIC_URL, as emails' one-click unsubscribe must be https:// elsewhere; nothing
  // listens there: links are followed by asking the app directly.
  t = await createTestContext({ env: { SMTP_URL: smtp.url, TWILIO_API_BASE: twilio.url, PUBLIC_URL: 'http://127.0.0.1:8080' } });
});

afterAll(async () => {
  t?.deps.messaging.close();
  await t?.close();
  await twilio?.close();
  await smtp?.close();
});

beforeEach(() => {
  smtp.mails.length = 0;
  twilio.reset();
});

/** A brand of its own for each test, with its API key and a Twilio account. */
async function newBrand(name: string) {
  const { brand, apiKey } = await createBrand(t.deps.db, t.clock.now(), { name });
  const request = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await t.app.request(path, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : null };
  };
  expect((await request('PUT', '/v1/brand/sms-account', { accountSid: EMULATOR_ACCOUNT.accountSid, authToken: EMULATOR_ACCOUNT.authToken, from: BRAND_NUMBER })).status).toBe(200);
  return { brand, apiKey, request };
}

let phoneCounter = 0;

/** An order whose confirmation email and shipped email and text have gone out. */
async function shippedOrder(as: Awaited<ReturnType<typeof newBrand>>) {
  phoneCounter += 1;
  const phone = `+1415555${String(2000 + phoneCounter)}`;
  const email = `revoke${phoneCounter}@example.com`;
  const created = await as.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString(), customer: { email, name: 'Ada Lovelace', phone, smsConsent: true, locale: 'en' } }));
  expect(created.status).toBe(201);
  const order = created.json as { id: string; trackingPageUrl: string };
  expect((await as.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' })).status).toBe(201);
  await t.worker.drain();
  return { order, phone, email, shortLink: lastShortLink(phone), emailLinks: lastEmailLinks(email) };
}

const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

function lastShortLink(phone: string): string {
  const texts = twilio.messages.filter((m) => m.to === phone);
  expect(texts.length).toBeGreaterThan(0);
  return pathOf(/(http\S+\/s\/[0-9A-Za-z]{10})\b/.exec(texts.at(-1)!.body)![1]!);
}

function lastEmailLinks(address: string): { page: string; unsubscribe: string | undefined } {
  const mail = smtp.mails.filter((m) => m.to.includes(address)).at(-1);
  expect(mail).toBeDefined();
  // Quoted-printable unfolded, so a link reads as one string.
  const text = mail!.raw.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
  const page = /http:\/\/127\.0\.0\.1:8080\/t\/[\w.-]+/.exec(text)![0];
  const unsubscribe = /http:\/\/127\.0\.0\.1:8080\/u\/[\w.-]+/.exec(text)?.[0];
  return { page: pathOf(page), unsubscribe: unsubscribe && pathOf(unsubscribe) };
}

const statusOf = async (path: string) => (await t.app.request(path)).status;

/** Where a short link leads: the tracking page it redirects to, and that page's status. */
async function follow(shortPath: string): Promise<{ hop: number; page?: string; pageStatus?: number }> {
  const hop = await t.app.request(shortPath);
  if (hop.status !== 302) return { hop: hop.status };
  const page = pathOf(hop.headers.get('location')!);
  return { hop: hop.status, page, pageStatus: await statusOf(page) };
}

describe('POST /v1/brand/links/revoke', () => {
  it('kills every link the brand has sent, long and short, and the next message carries links that work', async () => {
    const own = await newBrand('Revoking Brand');
    const other = await newBrand('Other Brand');
    const { order, phone, email, shortLink, emailLinks } = await shippedOrder(own);
    const theirs = await shippedOrder(other);

    const longLink = pathOf(order.trackingPageUrl);
    expect(emailLinks.page.split('?')[0]).toBe(longLink);
    for (const path of [longLink, `${longLink}/data.json`]) expect(await statusOf(path), path).toBe(200);
    expect(await statusOf(`${longLink}/return`)).toBe(409); // the return form, saying nothing can be returned before delivery
    expect(await follow(shortLink)).toMatchObject({ hop: 302, page: longLink, pageStatus: 200 });
    expect(await own.request('GET', '/v1/brand/links')).toMatchObject({ status: 200, json: { linkKeyVersion: 1, revokedAt: null } });

    t.clock.advance(60_000);
    const revoked = await own.request('POST', '/v1/brand/links/revoke');
    expect(revoked).toMatchObject({ status: 200, json: { linkKeyVersion: 2, revokedAt: t.clock.now().toISOString() } });
    expect(await own.request('GET', '/v1/brand/links')).toMatchObject({ status: 200, json: revoked.json });

    // Every link sent before: the page, its JSON and return form, and the text's short link.
    for (const path of [longLink, emailLinks.page, `${longLink}/data.json`, `${longLink}/return`]) expect(await statusOf(path), path).toBe(404);
    // A revoked short code answers exactly as a code never handed out.
    const dead = await t.app.request(shortLink);
    const unknown = await t.app.request('/s/ZZZZZZZZZZ');
    expect(dead.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await dead.text()).toBe(await unknown.text());

    // The API key works as before, and answers the order's new link, which opens.
    const fresh = await own.request('GET', `/v1/orders/${order.id}`);
    expect(fresh.status).toBe(200);
    expect(pathOf(fresh.json.trackingPageUrl)).not.toBe(longLink);
    expect(await statusOf(pathOf(fresh.json.trackingPageUrl))).toBe(200);
    // The unsubscribe link of the email sent before the revocation is not a tracking link: it still works.
    expect(emailLinks.unsubscribe).toBeDefined();
    expect(await statusOf(emailLinks.unsubscribe!)).toBe(200);

    // The other brand's links, long and short, are untouched.
    expect(await statusOf(pathOf(theirs.order.trackingPageUrl))).toBe(200);
    expect(await follow(theirs.shortLink)).toMatchObject({ hop: 302, pageStatus: 200 });
    expect(await other.request('GET', '/v1/brand/links')).toMatchObject({ json: { linkKeyVersion: 1, revokedAt: null } });

    // The next message (email and text) carries new links, signed under the new version, that work.
    smtp.mails.length = 0;
    twilio.reset();
    expect((await own.request('POST', `/v1/orders/${order.id}/updates`, { text: 'Please confirm your delivery slot.', critical: true })).status).toBe(201);
    await t.worker.drain();
    const newShort = lastShortLink(phone);
    const newPage = lastEmailLinks(email).page;
    expect(newShort).not.toBe(shortLink);
    expect(newPage.split('?')[0]).not.toBe(longLink);
    expect(await statusOf(newPage)).toBe(200);
    const hop = await follow(newShort);
    expect(hop).toMatchObject({ hop: 302, pageStatus: 200 });
    expect(hop.page!.split('.')[2]).toBe('2'); // {order}.{expiry}.{version}.{signature}
    // The old ones stay dead.
    expect(await statusOf(shortLink)).toBe(404);
    expect(await statusOf(longLink)).toBe(404);
  });

  it('revokes again at each call, but once for a retry with the same Idempotency-Key', async () => {
    const own = await newBrand('Idempotent Brand');
    const first = await own.request('POST', '/v1/brand/links/revoke', undefined, { 'idempotency-key': 'revoke-1' });
    expect(first).toMatchObject({ status: 200, json: { linkKeyVersion: 2 } });
    t.clock.advance(1000);
    const replay = await own.request('POST', '/v1/brand/links/revoke', undefined, { 'idempotency-key': 'revoke-1' });
    expect(replay.status).toBe(200);
    expect(replay.json).toEqual(first.json);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect((await own.request('GET', '/v1/brand/links')).json).toEqual(first.json);
    expect((await own.request('POST', '/v1/brand/links/revoke')).json).toEqual({ linkKeyVersion: 3, revokedAt: t.clock.now().toISOString() });
  });
});

describe('short links', () => {
  it('are replaced, not overwritten backwards, when a sender reads the brand before and after a revocation', async () => {
    const own = await newBrand('Racing Brand');
    const { order, shortLink } = await shippedOrder(own);
    const row = await t.deps.db.selectFrom('orders').select(['id', 'brand_id']).where('id', '=', order.id).executeTakeFirstOrThrow();
    expect((await own.request('POST', '/v1/brand/links/revoke')).status).toBe(200);
    const current = pathOf(await shortLinkFor(t.deps, { link_key_version: 2 }, row));
    expect(current).not.toBe(shortLink);
    // A sender that read the brand before the revocation gets the code of the new version, and leaves it.
    expect(pathOf(await shortLinkFor(t.deps, { link_key_version: 1 }, row))).toBe(current);
    expect(pathOf(await shortLinkFor(t.deps, { link_key_version: 2 }, row))).toBe(current);
    expect(await follow(current)).toMatchObject({ hop: 302, pageStatus: 200 });
    expect(await statusOf(shortLink)).toBe(404);
  });
});

describe('migration 026: short links say the link key version they were issued under', () => {
  it('counts a short link made before it as issued under the brand’s version then, until the brand revokes its links', async () => {
    const old = await createTestContext({ schemaUpTo: '023-hub-domain-proof' });
    try {
      const created = await old.request('POST', '/v1/orders', orderBody({ placedAt: old.clock.now().toISOString() }));
      expect(created.status).toBe(201);
      // The brand had revoked its links twice before the upgrade, and texted this order since.
      await old.deps.db.updateTable('brands').set({ link_key_version: 3 }).where('id', '=', old.brand.id).execute();
      await sql`INSERT INTO short_links (code, brand_id, order_id, created_at) VALUES ('Before0024', ${old.brand.id}, ${created.json.id}, ${old.clock.now().toISOString()})`.execute(old.deps.db);

      expect(await migrateToLatest(old.deps.db)).toContain('026-link-revocation');
      expect(await old.deps.db.selectFrom('short_links').select('link_key_version').where('code', '=', 'Before0024').executeTakeFirstOrThrow()).toEqual({ link_key_version: 3 });
      const hop = await old.app.request('/s/Before0024');
      expect(hop.status).toBe(302);
      expect((await old.app.request(pathOf(hop.headers.get('location')!))).status).toBe(200);
      expect(await old.request('GET', '/v1/brand/links')).toMatchObject({ json: { linkKeyVersion: 3, revokedAt: null } });

      expect((await old.request('POST', '/v1/brand/links/revoke')).json).toMatchObject({ linkKeyVersion: 4 });
      expect((await old.app.request('/s/Before0024')).status).toBe(404);
    } finally {
      await old.close();
    }
  });
});
