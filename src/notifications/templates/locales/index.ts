// The languages we write in, and how a customer's locale picks one.
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import type { LocaleText } from './types.js';

export const LOCALE_TEXT = { en, es, fr, de } as const satisfies Record<string, LocaleText>;
export type Language = keyof typeof LOCALE_TEXT;
export const LANGUAGES = Object.keys(LOCALE_TEXT) as Language[];
export const FALLBACK_LANGUAGE: Language = 'en';

const isLanguage = (code: string): code is Language => Object.hasOwn(LOCALE_TEXT, code);

/** "fr-CA" → fr, "de_AT" → de, anything we do not write in → en. */
export function languageFor(locale: string | undefined): Language {
  const primary = (locale ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return isLanguage(primary) ? primary : FALLBACK_LANGUAGE;
}

export type { LocaleText, MilestoneText } from './types.js';
