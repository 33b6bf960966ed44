// Request fields shared by several routes' schemas.
import { z } from '@hono/zod-openapi';
import { isCurrencyCode } from '../orders/currency.js';

const unknownFields = (keys: readonly PropertyKey[], hint: string) => `has no field ${keys.map((k) => JSON.stringify(String(k))).join(', ')}${hint ? `: ${hint}` : ''}`;

/**
 * An object that refuses fields it does not know, naming them (and, when given, saying what to
 * send instead). Where a request replaces what is stored (the brand's theme, its settings), a
 * misspelt or misplaced field must not be dropped in silence: the save would quietly lose what
 * the sender meant to keep.
 */
export function strictObject<T extends z.ZodRawShape>(shape: T, hint = '') {
  return z.strictObject(shape, { error: (issue) => (issue.code === 'unrecognized_keys' ? unknownFields(issue.keys, hint) : undefined) });
}

/**
 * An http(s) link as the brand gives it (navigation, logo, products). The scheme's case is spelt
 * out instead of using the i flag: OpenAPI's `pattern` carries no flags, so a flagged regex would
 * publish a pattern no URL matches.
 */
export const webUrl = z
  .string()
  .trim()
  .max(2000)
  .regex(/^[Hh][Tt][Tt][Pp][Ss]?:\/\/[^\s"'<>]+$/, { message: 'must be an http(s) URL' });

/** An ISO 4217 currency code, upper case (EUR), that amounts can be written in. */
export const currencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/, { message: 'must be an ISO 4217 currency code in capitals, such as EUR', abort: true })
  .refine(isCurrencyCode, { message: 'is not an ISO 4217 currency code' });

/** An ISO 3166-1 alpha-2 country code, upper case (US), as addresses take it. */
export const countryCode = z.string().regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 country code such as US' });
