// Which settings DELETE /v1/brand/settings/{setting} may remove, and what is left after.
import { describe, expect, it } from 'vitest';
import { type BrandSettings, removableSetting, withoutSetting } from '../../src/brands/settings.js';

describe('removableSetting', () => {
  it.each(['returnTo', 'look', 'look.logoUrl', 'notifications.smsWindow', 'notifications.channels.delivered', 'notifications.channels.delivered.sms', 'notifications.smsWindowByRegion.US-AZ', 'templatesByLanguage.fr.shipped', 'templates.delivered.subject', 'shipping.defaultParcel'])(
    'takes %s',
    (setting) => {
      expect(removableSetting(setting)).toEqual({ ok: true, path: setting.split('.') });
    },
  );

  it('names what the settings have when the path names nothing', () => {
    expect(removableSetting('logoUrl')).toMatchObject({ ok: false, unknown: true, problem: expect.stringMatching(/^the settings have no logoUrl \(they have: origin, shipping, .*look/) });
    expect(removableSetting('look.logo')).toMatchObject({ ok: false, unknown: true, problem: expect.stringContaining('look has no logo') });
    expect(removableSetting('templatesByLanguage.it')).toMatchObject({ ok: false, unknown: true, problem: 'templatesByLanguage.it is no setting: it is not a key templatesByLanguage takes' });
    expect(removableSetting('notifications.channels.lost')).toMatchObject({ ok: false, unknown: true });
    expect(removableSetting('look.logoUrl.host')).toMatchObject({ ok: false, unknown: true, problem: 'look.logoUrl is one value: it has no host' });
    expect(removableSetting('sms')).toMatchObject({ ok: false, unknown: true }); // the SMS account is not a setting PATCH takes
    for (const inherited of ['constructor', '__proto__', 'look.toString']) expect(removableSetting(inherited)).toMatchObject({ ok: false, unknown: true });
  });

  it('refuses a part of what is sent whole, and a part its object needs', () => {
    expect(removableSetting('shipFrom.line2')).toEqual({ ok: false, unknown: false, problem: 'shipFrom is replaced whole: PATCH it without line2, or remove shipFrom' });
    expect(removableSetting('shipping.defaultParcel.dimensions')).toMatchObject({ ok: false, unknown: false });
    expect(removableSetting('notifications.smsWindow.start')).toEqual({ ok: false, unknown: false, problem: 'notifications.smsWindow needs its start: PATCH notifications.smsWindow whole, or remove notifications.smsWindow' });
    expect(removableSetting('origin.city')).toMatchObject({ ok: false, unknown: false });
  });
});

describe('withoutSetting', () => {
  const settings = {
    look: { logoUrl: 'https://example.com/logo.png', primaryColor: '#112233' },
    templatesByLanguage: { fr: { shipped: { subject: 'Expédié' } } },
    returns: { enabled: true },
  } as unknown as BrandSettings;

  it('removes the one setting and keeps its neighbours', () => {
    expect(withoutSetting(settings, ['look', 'logoUrl'])).toEqual({ ...settings, look: { primaryColor: '#112233' } });
  });

  it('removes the objects left empty', () => {
    expect(withoutSetting(settings, ['templatesByLanguage', 'fr', 'shipped'])).toEqual({ look: settings.look, returns: { enabled: true } });
  });

  it('leaves the settings as they are when the setting is not set', () => {
    expect(withoutSetting(settings, ['look', 'accentColor'])).toEqual(settings);
    expect(withoutSetting(settings, ['templates', 'shipped'])).toEqual(settings);
  });

  it('does not change what it was given', () => {
    const copy = structuredClone(settings);
    withoutSetting(settings, ['look', 'logoUrl']);
    expect(settings).toEqual(copy);
  });
});
