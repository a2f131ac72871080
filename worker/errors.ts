/**
 * @module API errors: every error response is `{"error": {"code", "message", "details": [...]}}`
 * with a 4xx status for bad input and 503 for a failure of ours. Nothing else reaches a client:
 * an unexpected exception is a 503 `internal` (fail closed), never a 500 with a stack.
 */

export class ApiError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 503,
    readonly code: string,
    message: string,
    readonly details: readonly unknown[] = [],
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function errorBody(error: ApiError): { error: { code: string; message: string; details: readonly unknown[] } } {
  return { error: { code: error.code, message: error.message, details: error.details } };
}
