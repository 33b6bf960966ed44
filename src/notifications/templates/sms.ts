// SMS text and its cost. One GSM-7 segment holds 160 characters; a single character outside
// GSM-7 (an emoji, a "ó") switches the whole message to UCS-2, where a segment holds only 70.

import { type Language, LOCALE_TEXT } from './locales/index.js';
import { fillText } from './placeholders.js';

const GSM7_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** Sent as an escape plus a character, so each counts twice. */
const GSM7_EXTENDED = '^{}\\[~]|€\f';

const BASIC = new Set(GSM7_BASIC);
const EXTENDED = new Set(GSM7_EXTENDED);

export const SMS_SINGLE_SEGMENT_GSM7 = 160;
const SMS_SINGLE_SEGMENT_UCS2 = 70;

export type SmsLength = { encoding: 'gsm7' | 'ucs2'; units: number; segments: number };

export function measureSms(text: string): SmsLength {
  const chars = [...text];
  if (chars.every((c) => BASIC.has(c) || EXTENDED.has(c))) {
    const units = chars.reduce((sum, c) => sum + (EXTENDED.has(c) ? 2 : 1), 0);
    return { encoding: 'gsm7', units, segments: units <= SMS_SINGLE_SEGMENT_GSM7 ? 1 : Math.ceil(units / 153) };
  }
  const units = text.length; // UTF-16 code units, as UCS-2/UTF-16 SMS counts them
  return { encoding: 'ucs2', units, segments: units <= SMS_SINGLE_SEGMENT_UCS2 ? 1 : Math.ceil(units / 67) };
}

export const fitsOneSegment = (text: string): boolean => measureSms(text).segments === 1;

/**
 * Characters outside GSM-7 with a plain spelling inside it: the quotes, apostrophes, dashes and
 * spaces of Twilio's Smart Encoding list among them, so a text Waybill sends is never rewritten by
 * it (a rewritten body would not be recognised when an uncertain send is looked up).
 */
const TYPOGRAPHY: Record<string, string> = {
  ...spelled("'", '‘’‚‛′ʹʻʼʽˈˊˋ´`❛❜＇'),
  ...spelled('"', '“”„‟″«»ʺˮ❝❞〝〞＂'),
  ...spelled('-', '‐‑‒–—―−﹣－'),
  ...spelled(' ', '\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000'),
  '…': '...',
  œ: 'oe',
  Œ: 'OE',
};

function spelled(as: string, characters: string): Record<string, string> {
  return Object.fromEntries([...characters].map((char) => [char, as]));
}

/**
 * Keeps a message in GSM-7 where a close spelling exists (’ → ', "í" → "i", "ê" → "e"), as
 * carriers' own "smart encoding" does; characters with no close spelling (emoji) are kept.
 */
export function toGsm7(text: string): string {
  let out = '';
  for (const char of text) out += BASIC.has(char) || EXTENDED.has(char) ? char : closestGsm7(char);
  return out;
}

function closestGsm7(char: string): string {
  const typographic = TYPOGRAPHY[char];
  if (typographic !== undefined) return typographic;
  const withoutAccent = char.normalize('NFD').replace(/\p{M}/gu, '');
  return withoutAccent && [...withoutAccent].every((c) => BASIC.has(c)) ? withoutAccent : char;
}

/** The first candidate that fits one segment; otherwise the shortest (links are never cut). */
export function shortestSms(candidates: string[]): string {
  const fitting = candidates.find(fitsOneSegment);
  if (fitting !== undefined) return fitting;
  const cost = (text: string) => {
    const { segments, units } = measureSms(text);
    return segments * 1000 + units;
  };
  return candidates.reduce((best, candidate) => (cost(candidate) < cost(best) ? candidate : best));
}

/**
 * The answer to a customer's HELP text, in their language: who is writing, how to stop and
 * resume, and where to get help ("support@brand.com or https://brand.com/help").
 */
export function smsHelpReply(language: Language, brandName: string, contacts: readonly string[]): string {
  const words = LOCALE_TEXT[language].common;
  const about = fillText(words.smsHelp, { 'brand.name': brandName });
  const help = contacts.length ? ` ${words.smsHelpContact} ${new Intl.ListFormat(language, { type: 'disjunction' }).format(contacts)}` : '';
  return toGsm7(about + help);
}
