// The currency of an order's prices: an ISO 4217 code the platform's Intl knows (so every amount
// can be written in it), USD for orders created before orders had one.
import type { OrderRow } from '../db/schema.js';

export const DEFAULT_CURRENCY = 'USD';

const KNOWN_CURRENCIES: ReadonlySet<string> = new Set(Intl.supportedValuesOf('currency'));

export const isCurrencyCode = (code: string): boolean => KNOWN_CURRENCIES.has(code);

export const orderCurrency = (order: Pick<OrderRow, 'currency'>): string => order.currency ?? DEFAULT_CURRENCY;
