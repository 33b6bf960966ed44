// zod's findings as the API's 422 answer (details name each field), for the OpenAPI routes' hook
// and for the hot routes (api/hot-routes.ts) alike, so both answer the same bad input the same way.
import type { z } from '@hono/zod-openapi';
import { AppError } from '../lib/errors.js';

export function validationError(error: z.ZodError, target: string): AppError {
  const details = error.issues.map((issue) => ({ field: issue.path.join('.') || `(${target === 'json' ? 'body' : target})`, problem: issue.message }));
  return new AppError('validation_failed', `the ${target === 'json' ? 'body' : target} is not valid: ${details.map((d) => `${d.field} ${d.problem}`).join('; ')}`, details);
}
