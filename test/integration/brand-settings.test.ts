// A brand's settings are one JSON document that several parts of Waybill keep a key of (theme,
// returns policy, cross-sells, notifications, DKIM, SMS account, shipping). Every save is a locked
// read-modify-write (updateBrandSettings), so two saves at the same moment keep both keys.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrand, updateBrandSettings } from '../../src/brands/repo.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
beforeAll(async () => {
  t = await createTestContext();
});
afterAll(async () => t.close());

const storedSettings = async () =>
  JSON.parse((await t.deps.db.selectFrom('brands').select('settings').where('id', '=', t.brand.id).executeTakeFirstOrThrow()).settings) as Record<string, unknown>;

describe('saving brand settings', () => {
  it('keeps both keys when another save is under way (it waits for it, then builds on its result)', async () => {
    let finish!: () => void;
    const gate = new Promise<void>((resolve) => (finish = resolve));
    let read!: () => void;
    const hasRead = new Promise<void>((resolve) => (read = resolve));
    // A slow save of another key: it has read the settings and not yet written them.
    const slow = updateBrandSettings(t.deps, t.brand.id, async (current) => {
      read();
      await gate;
      return { ...current, slowKey: 'kept' };
    });
    await hasRead;
    const policy = t.request('PUT', '/v1/returns/policy', { enabled: true, windowDays: 21 });
    await new Promise((resolve) => setTimeout(resolve, 50));
    finish();
    await slow;
    expect((await policy).status).toBe(200);
    const settings = await storedSettings();
    expect(settings.slowKey).toBe('kept');
    expect(settings.returns).toMatchObject({ enabled: true, windowDays: 21 });
  });

  it('saves nothing when the change throws', async () => {
    const before = await storedSettings();
    await expect(
      updateBrandSettings(t.deps, t.brand.id, () => {
        throw new Error('refused');
      }),
    ).rejects.toThrow('refused');
    expect(await storedSettings()).toEqual(before);
  });
});

describe('DELETE /v1/brand/settings/{setting}', () => {
  it('removes one setting and Waybill’s default applies again: a language’s wording, a logo, a return address; the rest stays', async () => {
    const patched = await t.request('PATCH', '/v1/brand/settings', {
      look: { logoUrl: 'https://example.com/removable-logo.png', primaryColor: '#224466' },
      returnTo: { name: 'Returns', line1: '77 Dock Rd', city: 'Indianapolis', region: 'IN', postalCode: '46201', country: 'US' },
      templatesByLanguage: { es: { shipped: { subject: 'Ya va: {{order.number}}' } } },
    });
    expect(patched.status).toBe(200);
    const preview = async () => (await t.request('GET', '/v1/notifications/preview?milestone=shipped&locale=es')).json as { subject: string };
    expect((await preview()).subject).toMatch(/^Ya va: /);

    const wording = await t.request('DELETE', '/v1/brand/settings/templatesByLanguage.es.shipped');
    expect(wording.status).toBe(200);
    expect(wording.json.templatesByLanguage?.es).toBeUndefined(); // emptied, so gone
    expect((await preview()).subject).not.toMatch(/^Ya va/);

    const logo = await t.request('DELETE', '/v1/brand/settings/look.logoUrl');
    expect(logo.status).toBe(200);
    expect(logo.json.look).toEqual(expect.objectContaining({ primaryColor: '#224466' }));
    expect(logo.json.look.logoUrl).toBeUndefined();
    const returnTo = await t.request('DELETE', '/v1/brand/settings/returnTo');
    expect(returnTo.json.returnTo).toBeUndefined();
    const stored = await storedSettings();
    expect(stored.returnTo).toBeUndefined();
    expect((stored.look as Record<string, unknown>).primaryColor).toBe('#224466');
    // Removing what is not set is no error: it is removed.
    const again = await t.request('DELETE', '/v1/brand/settings/returnTo');
    expect(again.status).toBe(200);
    expect((await t.request('GET', '/v1/brand/settings')).json).toEqual(again.json);
  });

  it('answers 404 for a path that names no setting and 422 for a part of a whole, naming it; nothing changes', async () => {
    await t.request('PATCH', '/v1/brand/settings', { notifications: { smsWindow: { start: '09:00', end: '20:00' } } });
    const before = await storedSettings();
    const unknown = await t.request('DELETE', '/v1/brand/settings/look.logo');
    expect(unknown.status).toBe(404);
    expect(unknown.json.error).toMatchObject({ code: 'not_found', message: expect.stringMatching(/^no setting is named look\.logo: look has no logo \(they have: logoUrl, /) });
    const part = await t.request('DELETE', '/v1/brand/settings/notifications.smsWindow.start');
    expect(part.status).toBe(422);
    expect(part.json.error.message).toBe('notifications.smsWindow needs its start: PATCH notifications.smsWindow whole, or remove notifications.smsWindow');
    expect(await storedSettings()).toEqual(before);
    // Another brand's removal touches only its own settings.
    const { apiKey: otherKey } = await createBrand(t.deps.db, t.clock.now(), { name: 'Neighbour' });
    expect((await t.request('DELETE', '/v1/brand/settings/notifications.smsWindow', undefined, { authorization: `Bearer ${otherKey}` })).status).toBe(200);
    expect(await storedSettings()).toEqual(before);
  });
});

describe('PATCH /v1/brand/settings', () => {
  it('merges at every depth: a second switch or template field keeps the first; GET shows it all, secrets left out', async () => {
    const patch = async (body: object) => {
      const res = await t.request('PATCH', '/v1/brand/settings', body);
      expect(res.status).toBe(200);
      return res.json;
    };
    await patch({ notifications: { channels: { delivered: { sms: true } } }, templates: { shipped: { subject: 'On its way: {{order.number}}' } } });
    const answer = await patch({ notifications: { channels: { in_transit_digest: { email: false } } }, templates: { shipped: { sms: '{{brand.name}}: {{order.number}} shipped {{links.shortTrackingPage}}' } } });
    expect(answer.notifications.channels).toEqual({ delivered: { sms: true }, in_transit_digest: { email: false } });
    expect(answer.templates.shipped).toEqual({ subject: 'On its way: {{order.number}}', sms: '{{brand.name}}: {{order.number}} shipped {{links.shortTrackingPage}}' });
    await t.request('PUT', '/v1/brand/sms-account', { accountSid: `AC${'0'.repeat(32)}`, authToken: 'a-secret-token-1234', from: '+15005550006' });
    const read = await t.request('GET', '/v1/brand/settings');
    expect(read.status).toBe(200);
    expect(read.json.notifications.channels).toEqual(answer.notifications.channels);
    expect(read.json.templates).toEqual(answer.templates);
    expect(JSON.stringify(read.json)).not.toContain('a-secret-token-1234');
    expect(read.json.sms).toBeUndefined();
  });

  it('replaces an address, the origin and the default parcel whole: nothing of the old one stays', async () => {
    const dock = { name: 'Returns', phone: '+16145550100', line1: '77 Dock Rd', line2: 'Bay 4', city: 'Indianapolis', region: 'IN', postalCode: '46201', country: 'US' };
    const moved = { name: 'Returns', line1: '12 Harbor Way', city: 'Portland', region: 'OR', postalCode: '97209', country: 'US' };
    await t.request('PATCH', '/v1/brand/settings', { returnTo: dock, origin: { city: 'Columbus', region: 'OH', country: 'US' }, shipping: { labelFormat: 'zpl', defaultParcel: { weight: { value: 2, unit: 'lb' }, dimensions: { length: 12, width: 9, height: 4, unit: 'in' } } } });
    const answer = await t.request('PATCH', '/v1/brand/settings', { returnTo: moved, origin: { city: 'Paris', country: 'FR' }, shipping: { defaultParcel: { weight: { value: 1, unit: 'kg' } } } });
    expect(answer.status).toBe(200);
    expect(answer.json.returnTo).toEqual(moved); // no Bay 4, no old phone
    expect(answer.json.origin).toEqual({ city: 'Paris', country: 'FR' }); // no region OH
    expect(answer.json.shipping).toEqual({ labelFormat: 'zpl', defaultParcel: { weight: { value: 1, unit: 'kg' } } }); // the other shipping fields merge
    // An address is sent whole: a part of one is refused by name, and nothing changes.
    const part = await t.request('PATCH', '/v1/brand/settings', { returnTo: { phone: '+16145550100' } });
    expect(part.status).toBe(422);
    expect(part.json.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['returnTo.line1', 'returnTo.city']));
    expect((await t.request('GET', '/v1/brand/settings')).json.returnTo).toEqual(moved);
  });

  it('answers only the fields PATCH takes: not the theme, cross-sells or returns policy stored beside them', async () => {
    expect((await t.request('PUT', '/v1/returns/policy', { enabled: true })).status).toBe(200);
    expect((await t.request('PUT', '/v1/cross-sells/settings', { enabled: true })).status).toBe(200);
    const read = await t.request('GET', '/v1/brand/settings');
    expect(read.status).toBe(200);
    for (const other of ['returns', 'crossSells', 'theme', 'hub', 'sms', 'dkim']) expect(read.json, other).not.toHaveProperty(other);
    // What GET answers, PATCH takes back as it is.
    const again = await t.request('PATCH', '/v1/brand/settings', read.json);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(read.json);
  });

  it('refuses template wording with stray braces or a shipment’s details where the message has no parcel, naming each field', async () => {
    const res = await t.request('PATCH', '/v1/brand/settings', { templates: { order_confirmed: { body: 'Thanks! {{order.number} ships with {{shipment.carrier}}' } } });
    expect(res.status).toBe(422);
    expect(res.json.error.details).toEqual([
      { field: 'templates.order_confirmed.body', problem: 'has braces that open or close no placeholder at “{{order.number} ships wi”: write {{name}}' },
      { field: 'templates.order_confirmed.body', problem: 'placeholders this message cannot fill: shipment.carrier' },
    ]);
  });

  it('keeps wording per language: a language’s own set replaces the one for all, whole, in previews and in what is sent', async () => {
    const res = await t.request('PATCH', '/v1/brand/settings', {
      templates: { order_confirmed: { subject: 'Thanks for order {{order.number}}', heading: 'We have it!' } },
      templatesByLanguage: {
        fr: { order_confirmed: { subject: 'Merci pour la commande {{order.number}}' } },
        de: { order_confirmed: {} }, // German customers get Waybill's German, not the English above
      },
    });
    expect(res.status).toBe(200);
    expect(res.json.templatesByLanguage.fr.order_confirmed).toEqual({ subject: 'Merci pour la commande {{order.number}}' });

    const preview = async (locale: string) => (await t.request('GET', `/v1/notifications/preview?milestone=order_confirmed&locale=${locale}`)).json as { subject: string; html: string };
    expect((await preview('en-GB')).subject).toMatch(/^Thanks for order /);
    expect((await preview('fr-CA')).subject).toMatch(/^Merci pour la commande /);
    // The French set has no heading: Waybill's French one, never the English "We have it!".
    expect((await preview('fr')).html).not.toContain('We have it!');
    expect((await preview('en')).html).toContain('We have it!');
    expect((await preview('de')).subject).not.toMatch(/^Thanks/);
    expect((await preview('es')).subject).toMatch(/^Thanks for order /); // no Spanish set: the wording for all

    const subjects: Record<string, string> = {};
    for (const locale of ['fr', 'en', 'de']) {
      const order = await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString(), customer: { email: `par-langue-${locale}@example.com`, locale } }));
      expect(order.status).toBe(201);
      await t.worker.drain();
      const messages = (await t.request('GET', `/v1/orders/${order.json.id}/messages`)).json.data as Array<{ channel: string; state: string; subject: string }>;
      const email = messages.find((m) => m.channel === 'email')!;
      expect(email.state).toBe('sent');
      subjects[locale] = email.subject;
    }
    expect(subjects.fr).toMatch(/^Merci pour la commande T-/);
    expect(subjects.en).toMatch(/^Thanks for order T-/);
    expect(subjects.de).not.toMatch(/^Thanks/);
  });

  it('checks every language’s wording like the wording for all, naming the language in the field; refuses a language Waybill does not write', async () => {
    const leak = await t.request('PATCH', '/v1/brand/settings', { templatesByLanguage: { es: { order_confirmed: { body: 'Tu número: {{shipment.trackingNumber}}' } } } });
    expect(leak.status).toBe(422);
    expect(leak.json.error.details).toEqual([{ field: 'templatesByLanguage.es.order_confirmed.body', problem: 'placeholders this message cannot fill: shipment.trackingNumber' }]);
    const italian = await t.request('PATCH', '/v1/brand/settings', { templatesByLanguage: { it: { shipped: { subject: 'Spedito' } } } });
    expect(italian.status).toBe(422);
    expect(italian.json.error.details).toEqual([{ field: 'templatesByLanguage', problem: 'names a language Waybill does not write: it (it writes en, es, fr, de)' }]);
    const before = await storedSettings();
    expect(before.templatesByLanguage).not.toHaveProperty('it');
    expect(before.templatesByLanguage).not.toHaveProperty('es');
  });
});
