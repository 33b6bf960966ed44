// One closed list of error codes, one HTTP status for each, one JSON body for all of them:
// { "error": { "code", "message", "requestId", "details"? } }.

export const ERROR_STATUS = {
  malformed_json: 400,
  bad_request: 400,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  unauthorized: 401,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  idempotency_key_reused: 422,
  idempotency_key_in_use: 409,
  rate_limited: 429,
  carrier_paused: 429,
  carrier_not_connected: 409,
  carrier_error: 502,
  domain_not_verified: 422,
  dns_error: 502,
  internal: 500,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export type FieldProblem = { field: string; problem: string };

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: FieldProblem[] | Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }

  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} was not found`);

export function errorBody(error: AppError, requestId: string) {
  return {
    error: {
      code: error.code,
      message: error.message,
      requestId,
      ...(error.details ? { details: error.details } : {}),
    },
  };
}
