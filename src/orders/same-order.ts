// Whether an order sent again with a number already stored is the same order (answered with the
// stored one) or a different one (409, naming what differs). Pure.
import type { CreateOrderInput } from '../api/schemas.js';
import type { OrderRow } from '../db/schema.js';
import { canonicalHash } from '../lib/crypto.js';

/** The currency of an order that names none (the API's documented default). */
export const DEFAULT_CURRENCY = 'USD';

/** The hash stored with a new order: the order as sent, its placedAt normalized. */
export const orderContentHash = (input: CreateOrderInput, placedAt: string): string => canonicalHash({ ...input, placedAt });

/**
 * Every hash the stored order may carry if `input` is the same order: with the currency left out
 * or written as its default (both mean USD), and as hashed before placedAt was normalized.
 */
export function sameOrderHashes(input: CreateOrderInput, placedAt: string): Set<string> {
  const { currency, ...rest } = input;
  const spellings: CreateOrderInput[] = currency === undefined || currency === DEFAULT_CURRENCY ? [rest, { ...rest, currency: DEFAULT_CURRENCY }] : [input];
  return new Set(spellings.flatMap((spelling) => [orderContentHash(spelling, placedAt), canonicalHash(spelling)]));
}

/** The fields in which the stored order differs from the one sent, as the API names them. */
export function differingFields(stored: OrderRow, input: CreateOrderInput, placedAt: string): string[] {
  const pairs: Array<[string, unknown, unknown]> = [
    ['customer.email', stored.customer_email, input.customer.email],
    ['customer.phone', stored.customer_phone, input.customer.phone ?? null],
    ['customer.name', stored.customer_name, input.customer.name ?? null],
    ['customer.locale', stored.customer_locale, input.customer.locale ?? null],
    ['customer.smsConsent', stored.customer_sms_consent, input.customer.smsConsent ? 1 : 0],
    ['destination', canonicalHash(JSON.parse(stored.destination)), canonicalHash(input.destination)],
    ['items', canonicalHash(JSON.parse(stored.items)), canonicalHash(input.items)],
    ['placedAt', stored.placed_at, placedAt],
    ['shipBy', stored.ship_by, input.shipBy ?? null],
    ['currency', stored.currency ?? DEFAULT_CURRENCY, input.currency ?? DEFAULT_CURRENCY],
  ];
  return pairs.filter(([, was, sent]) => was !== sent).map(([field]) => field);
}
