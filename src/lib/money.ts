// Amounts of money rounded to what their currency can hold: cents for most, thousandths for the
// dinars and rials counted in fils or baisa (KWD, BHD, OMR, JOD, TND…), whole units for the yen.
// A KWD amount rounded to the cent is wrong by up to half a fils, and sums of them drift.

const digitsByCurrency = new Map<string, number>();

/**
 * Decimals of the currency's minor unit (ISO 4217, as Intl knows it): 2 for USD, 3 for KWD, 0 for
 * JPY; 2 for a code Intl does not know. Asked of Intl once per currency: a formatter is slow to build.
 */
export function currencyDigits(currency: string): number {
  let digits = digitsByCurrency.get(currency);
  if (digits === undefined) {
    try {
      digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      digits = 2; // not a currency code
    }
    if (digitsByCurrency.size < 1_000) digitsByCurrency.set(currency, digits);
  }
  return digits;
}

/** The amount rounded to its currency's minor unit: 6.789 KWD stays 6.789, 6.789 USD is 6.79. */
export function roundMoney(amount: number, currency: string): number {
  const scale = 10 ** currencyDigits(currency);
  return Math.round(amount * scale) / scale;
}
