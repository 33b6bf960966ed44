// Which language a page speaks: the link's ?lang=, then the order's locale, then the browser's
// Accept-Language, then the brand's default. Anything we do not write in is skipped, not guessed.
import { LOCALE_TEXT } from '../../notifications/templates/locales/index.js';
import { de } from './de.js';
import { en } from './en.js';
import { es } from './es.js';
import { fr } from './fr.js';
import type { HubText } from './types.js';

export const HUB_TEXT = { en, es, fr, de } as const satisfies Record<string, HubText>;
export type HubLanguage = keyof typeof HUB_TEXT;
export const HUB_LANGUAGES = Object.keys(HUB_TEXT) as HubLanguage[];

export type { HubText } from './types.js';
export { RETURN_REASONS, type ReturnReason, type ReturnRefusal, type ReturnDisplayState } from './types.js';

const isHubLanguage = (code: string): code is HubLanguage => Object.hasOwn(HUB_TEXT, code);

/** "fr-CA" → fr; null when we do not write in that language. */
export function hubLanguageOf(tag: string | null | undefined): HubLanguage | null {
  const primary = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return isHubLanguage(primary) ? primary : null;
}

/** The languages of an Accept-Language header, best first (q=0 left out). */
export function acceptedLanguages(header: string | null | undefined): string[] {
  if (!header) return [];
  return header
    .split(',')
    .slice(0, 20)
    .map((part, index) => {
      const [tag, ...params] = part.trim().split(';');
      // The weight's name is case-insensitive (RFC 9110, 12.4.2): Q=0.5 weighs as q=0.5.
      const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/i.exec(p)).find(Boolean);
      return { tag: (tag ?? '').trim(), q: q ? Number(q[1]) : 1, index };
    })
    .filter((l) => l.tag && l.tag !== '*' && l.q > 0 && Number.isFinite(l.q))
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((l) => l.tag);
}

const browserLanguages = new Map<string, HubLanguage | null>();

/** The first language of an Accept-Language header that we write in; browsers send few distinct headers, so each is read once. */
function browserLanguage(header: string | null | undefined): HubLanguage | null {
  if (!header) return null;
  let language = browserLanguages.get(header);
  if (language === undefined) {
    language = acceptedLanguages(header).map(hubLanguageOf).find((l) => l !== null) ?? null;
    if (browserLanguages.size > 1_000) browserLanguages.clear();
    browserLanguages.set(header, language);
  }
  return language;
}

export type LanguageChoice = { param?: string | null; orderLocale?: string | null; acceptLanguage?: string | null; brandDefault?: string | null };

export function chooseLanguage(choice: LanguageChoice): HubLanguage {
  return (
    hubLanguageOf(choice.param) ??
    hubLanguageOf(choice.orderLocale) ??
    browserLanguage(choice.acceptLanguage) ??
    hubLanguageOf(choice.brandDefault) ??
    'en'
  );
}

/**
 * A path that keeps the language the customer picked with the link's ?lang= (only a language the
 * page speaks; nothing when none was picked, so the order's and the browser's choice apply again).
 */
export function keepingLanguage(path: string, param: string | undefined): string {
  const picked = hubLanguageOf(param);
  if (!picked) return path;
  const hash = path.indexOf('#');
  const [bare, fragment] = hash < 0 ? [path, ''] : [path.slice(0, hash), path.slice(hash)];
  return `${bare}${bare.includes('?') ? '&' : '?'}lang=${picked}${fragment}`;
}

// A template split once at its placeholders: text, name, text, name, …, text. Templates are the
// page's own words (a few hundred), filled several times on every page.
const splitTemplates = new Map<string, string[]>();

function partsOf(template: string): string[] {
  let parts = splitTemplates.get(template);
  if (!parts) {
    parts = template.split(/\{(\w+)\}/);
    if (splitTemplates.size > 10_000) splitTemplates.clear();
    splitTemplates.set(template, parts);
  }
  return parts;
}

/** Fills {name} placeholders; values are plain text (the page escapes them). */
export function fill(template: string, values: Record<string, string | number>): string {
  const parts = partsOf(template);
  let text = parts[0]!;
  for (let i = 1; i < parts.length; i += 2) {
    const key = parts[i]!;
    text += (key in values ? String(values[key]) : `{${key}}`) + parts[i + 1]!;
  }
  return text;
}

/** Statuses and reasons, shared with the message templates. */
export const statusWords = (language: HubLanguage) => LOCALE_TEXT[language].statuses;
export const reasonWords = (language: HubLanguage) => LOCALE_TEXT[language].reasons;
