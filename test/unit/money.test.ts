// Money to its currency's minor unit: cents, fils (thousandths of a dinar), whole yen; and the
// cross-sell revenue counted in them.
import { describe, expect, it } from 'vitest';
import { revenuePerCurrency } from '../../src/catalogue/stats.js';
import { attributedRevenue } from '../../src/catalogue/together.js';
import { currencyDigits, roundMoney } from '../../src/lib/money.js';

describe('an amount of money', () => {
  it('has as many decimals as its currency’s minor unit', () => {
    expect(['USD', 'EUR', 'KWD', 'BHD', 'OMR', 'JOD', 'TND', 'JPY', 'KRW'].map(currencyDigits)).toEqual([2, 2, 3, 3, 3, 3, 3, 0, 0]);
    expect(currencyDigits('NOT A CODE')).toBe(2);
  });

  it('is rounded to that unit', () => {
    expect(roundMoney(6.789, 'KWD')).toBe(6.789);
    expect(roundMoney(1.234 + 5.555, 'KWD')).toBe(6.789);
    expect(roundMoney(6.789, 'USD')).toBe(6.79);
    expect(roundMoney(0.1 + 0.2, 'USD')).toBe(0.3);
    expect(roundMoney(1234.6, 'JPY')).toBe(1235);
  });
});

describe('attributed revenue', () => {
  it('keeps the fils of a dinar order, item by item and summed per currency', () => {
    expect(attributedRevenue([{ sku: 'A', quantity: 1, price: 1.234 }], undefined, 'KWD')).toBe(1.234);
    expect(attributedRevenue([{ sku: 'B', quantity: 1, price: 5.555 }], undefined, 'KWD')).toBe(5.555);
    // No price on the order: the catalogue's, in the same currency.
    expect(attributedRevenue([{ sku: 'B', quantity: 3 }], { price: 1.111, currency: 'KWD' }, 'KWD')).toBe(3.333);
    expect(attributedRevenue([{ sku: 'A', quantity: 1, price: 1.234 }], undefined, 'USD')).toBe(1.23);
    expect(
      revenuePerCurrency([
        { revenue: 1.234, currency: 'KWD' },
        { revenue: 5.555, currency: 'KWD' },
        { revenue: 1.005, currency: 'BHD' },
        { revenue: 10.1, currency: 'USD' },
        { revenue: 0.2, currency: 'USD' },
      ]),
    ).toEqual([
      { currency: 'USD', amount: 10.3 },
      { currency: 'KWD', amount: 6.789 },
      { currency: 'BHD', amount: 1.005 },
    ]);
  });
});
