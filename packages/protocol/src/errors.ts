/**
 * The error catalogue: every stable error code the API can answer with, and its HTTP status.
 * Clients switch on `code`; the message is for humans and may change.
 */
export const ERROR_STATUS = {
  validation_failed: 400,
  cannot_target_self: 400,
  invalid_cursor: 400,
  invalid_category: 400,
  invalid_json: 400,
  invalid_query: 400,
  unauthenticated: 401,
  invalid_credentials: 401,
  token_expired: 401,
  token_revoked: 401,
  forbidden: 403,
  wrong_password: 403,
  not_a_member: 403,
  muted: 403,
  banned: 403,
  blocked: 403,
  room_archived: 403,
  not_allowed_here: 403,
  setup_required: 403,
  signup_closed: 403,
  invite_required: 403,
  limit_reached: 403,
  edit_window_passed: 403,
  not_found: 404,
  user_not_found: 404,
  room_not_found: 404,
  message_not_found: 404,
  invite_not_found: 404,
  ticket_invalid: 401,
  username_taken: 409,
  same_value: 409,
  username_reserved: 409,
  conflict: 409,
  already_member: 409,
  room_full: 409,
  owner_must_transfer: 409,
  client_id_reused: 409,
  invite_expired: 410,
  invite_used_up: 410,
  invite_revoked: 410,
  payload_too_large: 413,
  range_not_satisfiable: 416,
  unsupported_media_type: 415,
  unsupported_type: 415,
  malware_detected: 422,
  unsafe_archive: 422,
  attachment_not_found: 404,
  login_blocked: 429,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
  server_busy: 503,
  scanner_unavailable: 503,
  session_not_found: 404,
} as const satisfies Record<string, number>;

export type ErrorCode = keyof typeof ERROR_STATUS;

/** The body of every error answer. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; details?: unknown };
}
