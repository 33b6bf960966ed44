// zod's findings as the API's 422 answer (details name each field), for the OpenAPI routes' hook
// and for the hot routes (api/hot-routes.ts) alike, so both answer the same bad input the same way.
import type { z } from '@hono/zod-openapi';
import { AppError, type FieldProblem } from '../lib/errors.js';

export function validationError(error: z.ZodError, target: string): AppError {
  return fieldsError(
    error.issues.map((issue) => ({ field: issue.path.join('.') || `(${targetName(target)})`, problem: issue.message })),
    target,
  );
}

const targetName = (target: string) => (target === 'json' ? 'body' : target);

function fieldsError(details: FieldProblem[], target: string): AppError {
  return new AppError('validation_failed', `the ${targetName(target)} is not valid: ${details.map((d) => `${d.field} ${d.problem}`).join('; ')}`, details);
}

/**
 * A 422 naming each query parameter given more than once (`limit=2&limit=3`), or null. Every list
 * takes one value per parameter, and zod alone would answer "expected number, received NaN".
 */
export function repeatedParametersError(queries: Record<string, string[]>): AppError | null {
  const repeated = Object.entries(queries).filter(([, values]) => values.length > 1);
  return repeated.length === 0 ? null : fieldsError(repeated.map(([field]) => ({ field, problem: 'is given more than once; give it once' })), 'query');
}

const NUL_PROBLEM = 'must not contain the NUL character (\\u0000)';

/**
 * A 422 naming each string (or key) of a validated request part that holds U+0000, or null. No
 * PostgreSQL text can hold it: stored or merely looked up, it failed the request with a 500. The
 * schemas' text fields refuse every control character already; this covers every other string.
 */
export function nulCharacterError(value: unknown, target: string): AppError | null {
  const fields = nulFieldsOf(value, []);
  return fields.length === 0 ? null : fieldsError(fields.map((field) => ({ field: field || `(${targetName(target)})`, problem: NUL_PROBLEM })), target);
}

function nulFieldsOf(value: unknown, path: string[]): string[] {
  if (typeof value === 'string') return value.includes('\u0000') ? [path.join('.')] : [];
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, item]) => (key.includes('\u0000') ? [[...path, key].join('.')] : nulFieldsOf(item, [...path, key])));
}
