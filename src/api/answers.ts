// What every answer of the app shares, whether Hono or the hot routes (hot-routes.ts) give it: the
// request id (the caller's, cleaned, or a new one), the error body of any failure, and the refusal
// of a JSON body that does not parse.
import { HTTPException } from 'hono/http-exception';
import { AppError } from '../lib/errors.js';
import { newRequestId } from '../lib/ids.js';

/** The caller's X-Request-Id (at most 64 characters of [A-Za-z0-9_.-]), or a new id. */
export const requestIdOf = (header: string | null | undefined): string => header?.slice(0, 64).replace(/[^\w.-]/g, '') || newRequestId();

const malformedJson = () => new AppError('malformed_json', 'the body is not valid JSON');

/** A JSON body's value; one that does not parse is refused (400 malformed_json), as Hono's validator refuses it. */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw malformedJson();
  }
}

/** Any error as the API's error: ours as they are, Hono's by their status, anything else a 500 that says nothing. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof HTTPException) {
    if (error.status === 400 && /json/i.test(error.message)) return malformedJson();
    if (error.status === 413) return new AppError('payload_too_large', 'the body is too large');
    if (error.status === 401) return new AppError('unauthorized', error.message);
    if (error.status === 404) return new AppError('not_found', error.message);
    return new AppError(error.status >= 500 ? 'internal' : 'bad_request', error.message);
  }
  // Never leak internals in a 5xx body.
  return new AppError('internal', 'something went wrong on our side; the request id helps us find it');
}
