/**
 * The error catalogue: every stable error code the API can answer with, and its HTTP status.
 * Clients switch on `code`; the message is for humans and may change.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  cannot_target_self: 400,
  invalid_cursor: 400,
  invalid_json: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  token_expired: 401,
  token_revoked: 401,
  forbidden: 403,
  wrong_password: 403,
  not_found: 404,
  user_not_found: 404,
  ticket_invalid: 401,
  username_taken: 409,
  same_value: 409,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  login_blocked: 429,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
