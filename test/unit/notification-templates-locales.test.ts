import { describe, expect, it } from 'vitest';
import { LANGUAGES, languageFor, PLACEHOLDERS, placeholdersIn, renderMessage } from '../../src/notifications/templates/index.js';
import { LOCALE_TEXT } from '../../src/notifications/templates/locales/index.js';
import { sampleInput } from '../../src/notifications/templates/preview.js';
import { de as hubGerman } from '../../src/hub/i18n/de.js';

/** Every string of a language file, by dotted key. */
function flatten(value: unknown, prefix = ''): Map<string, string> {
  const out = new Map<string, string>();
  if (typeof value === 'string') return out.set(prefix, value);
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    for (const [k, v] of flatten(child, prefix ? `${prefix}.${key}` : key)) out.set(k, v);
  }
  return out;
}

const english = flatten(LOCALE_TEXT.en);

describe('language files', () => {
  it('are English, Spanish, French and German', () => {
    expect(LANGUAGES).toEqual(['en', 'es', 'fr', 'de']);
  });

  it.each(LANGUAGES)('%s has exactly the English keys, none empty', (language) => {
    const strings = flatten(LOCALE_TEXT[language]);
    expect([...strings.keys()].sort()).toEqual([...english.keys()].sort());
    expect([...strings].filter(([, text]) => text.trim() === '').map(([key]) => key)).toEqual([]);
  });

  it.each(LANGUAGES)('%s uses the same placeholders as English in every string', (language) => {
    const strings = flatten(LOCALE_TEXT[language]);
    const mismatches = [...english].filter(([key, text]) => {
      const expected = placeholdersIn(text).sort();
      return JSON.stringify(placeholdersIn(strings.get(key) ?? '').sort()) !== JSON.stringify(expected);
    });
    expect(mismatches.map(([key]) => key)).toEqual([]);
  });

  it('German is formal (Sie) everywhere, messages and tracking page alike: one voice from the email to the page', () => {
    const informal = /\b(du|dich|dir|dein|deine|deinen|deinem|deiner|deines)\b/i;
    const strings = [...flatten(LOCALE_TEXT.de), ...[...flatten(hubGerman)].map(([key, text]) => [`hub.${key}`, text] as const)];
    expect(strings.filter(([, text]) => informal.test(text)).map(([key, text]) => `${key}: ${text}`)).toEqual([]);
  });

  it('name only placeholders we can fill', () => {
    const known = new Set<string>(PLACEHOLDERS);
    const unknown = LANGUAGES.flatMap((language) => [...flatten(LOCALE_TEXT[language]).values()].flatMap(placeholdersIn)).filter((name) => !known.has(name));
    expect(unknown).toEqual([]);
  });
});

describe('choosing the language', () => {
  it.each([
    ['en', 'en'],
    ['en-GB', 'en'],
    ['es', 'es'],
    ['es-MX', 'es'],
    ['fr-CA', 'fr'],
    ['FR', 'fr'],
    ['de_AT', 'de'],
    ['pt-BR', 'en'],
    ['zz', 'en'],
    ['', 'en'],
    ['not a locale!', 'en'],
  ])('%j → %s', (locale, language) => {
    expect(languageFor(locale)).toBe(language);
  });

  it('writes a fr-CA message in French, with Canadian amounts', async () => {
    const message = await renderMessage(sampleInput('order_confirmed', 'fr-CA'));
    expect(message.email.subject).toBe('Commande #1042 confirmée');
    expect(message.email.html).toContain('<html lang="fr"');
    expect(message.email.text).toContain('Total\u00a0: 46,50\u00a0$\u00a0US');
  });

  it('writes an unknown language in English', async () => {
    const message = await renderMessage(sampleInput('shipped', 'pt-BR'));
    expect(message.email.subject).toBe('Your order #1042 is on its way');
    expect(message.sms).toBe('Acme Goods: your order #1042 has shipped! Track it: https://trk.example/aB3dE');
    expect(message.email.html).toContain('<html lang="en"');
  });
});
