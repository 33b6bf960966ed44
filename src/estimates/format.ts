// A delivery window as people read it, in their language: "Thu, Dec 3 – Sat, Dec 5" (en-US),
// "jeu. 3 – sam. 5 déc." (fr), "Do., 3. – Sa., 5. Dez." (de). Intl.DateTimeFormat.formatRange knows
// each language's order and how to share the month; one day reads "Thu, Dec 3".
import type { DeliveryWindow } from '../carriers/types.js';

const FALLBACK_LOCALE = 'en';
// Building a formatter costs far more than using one; messages repeat locales and zones.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(locale: string, timeZone: string): Intl.DateTimeFormat {
  const supported = safeSupportedLocale(locale);
  const key = `${supported}|${timeZone}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat(supported, { weekday: 'short', day: 'numeric', month: 'short', timeZone });
    formatters.set(key, formatter);
  }
  return formatter;
}

/** The locale itself when Intl can format it, else English (a malformed tag must not break a message). */
function safeSupportedLocale(locale: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale])[0] ?? FALLBACK_LOCALE;
  } catch {
    return FALLBACK_LOCALE;
  }
}

/**
 * The window's days in `locale`, read on the clock of `timeZone` (the destination's). Thin and
 * narrow no-break spaces that ICU puts around the dash become plain spaces: SMS and plain-text
 * email carry them badly. Throws a RangeError for an unknown time zone or an unreadable window.
 */
export function formatDeliveryWindow(window: DeliveryWindow, locale: string, timeZone: string): string {
  const from = new Date(window.from);
  const to = new Date(window.to);
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) throw new RangeError(`not a delivery window: ${JSON.stringify(window)}`);
  const formatter = formatterFor(locale, timeZone);
  const [first, last] = from.getTime() <= to.getTime() ? [from, to] : [to, from];
  // formatRange collapses a range within one day to that day on its own.
  return formatter.formatRange(first, last).replace(/[\u2009\u202f]/g, ' ');
}
