// The request-size limit of /v1. A declared Content-Length is trusted: Node's HTTP parser never
// hands the application more bytes than the header declares, so one header lookup decides. GET and
// HEAD carry no body. Only a body sent without a length (chunked) is counted as it is read, by
// hono's bodyLimit; reading `c.req.raw.body` for every request, as that middleware does, would
// build a full web Request per request (an undici Request and its AbortController).
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../lib/errors.js';

const tooLarge = (maxBytes: number) => new AppError('payload_too_large', `the body is larger than ${maxBytes} bytes`);

/** Refuses a body of `bytes` (a number, or a Content-Length header) above `maxBytes` with 413. */
export function assertBodyWithin(bytes: number | string, maxBytes: number): void {
  if (Number(bytes) > maxBytes) throw tooLarge(maxBytes);
}

export function limitBodySize(maxBytes: number): MiddlewareHandler {
  const counting = bodyLimit({
    maxSize: maxBytes,
    onError: () => {
      throw tooLarge(maxBytes);
    },
  });
  return (c, next) => {
    const method = c.req.method;
    if (method === 'GET' || method === 'HEAD') return next();
    const declared = c.req.header('content-length');
    if (declared !== undefined && c.req.header('transfer-encoding') === undefined) {
      assertBodyWithin(declared, maxBytes);
      return next();
    }
    return counting(c, next);
  };
}
