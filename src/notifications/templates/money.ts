// Amounts in the customer's own number format. Intl formatters are slow to build, so they are kept.

const formatters = new Map<string, Intl.NumberFormat>();
/** Locales come from customers; the cap keeps odd tags from growing the map without end. */
const MAX_FORMATTERS = 500;

function formatterFor(locale: string, currency: string | undefined): Intl.NumberFormat {
  const key = `${locale}|${currency ?? ''}`;
  let formatter = formatters.get(key);
  if (!formatter) {
    formatter = buildFormatter(locale, currency);
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, formatter);
  }
  return formatter;
}

function buildFormatter(locale: string, currency: string | undefined): Intl.NumberFormat {
  const tag = supportedTag(locale);
  if (currency && /^[A-Z]{3}$/.test(currency)) {
    try {
      return new Intl.NumberFormat(tag, { style: 'currency', currency });
    } catch {
      // an unknown currency code: show the plain number instead of failing the message
    }
  }
  return new Intl.NumberFormat(tag, { minimumFractionDigits: 2, maximumFractionDigits: 2 });
}

/** The customer's full tag ("fr-CA") when Intl knows it, so amounts read as they expect. */
export function supportedTag(locale: string): string {
  try {
    return Intl.NumberFormat.supportedLocalesOf([locale])[0] ?? 'en';
  } catch {
    return 'en'; // not even a well-formed tag
  }
}

export const formatMoney = (amount: number, locale: string, currency: string | undefined): string =>
  formatterFor(locale, currency).format(amount);
