// The request-size limit of /v1. A declared Content-Length is trusted: Node's HTTP parser never
// hands the application more bytes than the header declares, so one header lookup decides. GET and
// HEAD carry no body. Only a body sent without a length (chunked) is counted as it is read, by
// hono's bodyLimit; reading `c.req.raw.body` for every request, as that middleware does, would
// build a full web Request per request (an undici Request and its AbortController).
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../lib/errors.js';

/** Whether a request's body size is checked: on every method but GET and HEAD, which carry none. */
export const isBodySizeChecked = (method: string): boolean => method !== 'GET' && method !== 'HEAD';

const tooLarge = (maxBytes: number) => new AppError('payload_too_large', `the body is larger than ${maxBytes} bytes`);

/** Refuses a body of `bytes` (a number, or a Content-Length header) above `maxBytes` with 413. */
export function assertBodyWithin(bytes: number | string, maxBytes: number): void {
  if (Number(bytes) > maxBytes) throw tooLarge(maxBytes);
}

/**
 * 413 above `maxBytes`: the API's JSON error, or what `answer` makes of it (the public forms answer
 * people with a page).
 */
export function limitBodySize(maxBytes: number, answer?: (c: Context) => Response | Promise<Response>): MiddlewareHandler {
  const refuse = (c: Context) => {
    if (answer) return answer(c);
    throw tooLarge(maxBytes);
  };
  const counting = bodyLimit({ maxSize: maxBytes, onError: refuse });
  return (c, next) => {
    if (!isBodySizeChecked(c.req.method)) return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      if (Number(declared) > maxBytes) return Promise.resolve(refuse(c));
      return next();
    }
    return counting(c, next);
  };
}
