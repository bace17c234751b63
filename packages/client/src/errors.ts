import type { ErrorCode } from '@rooms/protocol';

/** Codes the SDK itself uses besides the server's catalogue. */
export type ClientErrorCode =
  /** The server could not be reached (DNS, refused, reset). */
  | 'network_error'
  /** The answer was not the API's JSON. */
  | 'unexpected_response'
  /** A live request was made, or was in flight, while the connection was down. */
  | 'disconnected'
  /** No answer to a live request in time. */
  | 'timeout'
  /** The live connection ended for good (session revoked, idle timeout, stopped). */
  | 'connection_closed'
  /** The caller cancelled the request (an upload's AbortSignal). */
  | 'aborted';

/**
 * Every failure of a call: the HTTP status (0 when there was no HTTP answer), the stable code
 * (switch on it), and the server's human message.
 */
export class RoomsApiError extends Error {
  readonly status: number;
  readonly code: ErrorCode | ClientErrorCode;
  readonly details: unknown;
  /** Seconds to wait before retrying (429: rate limit, login lockout). */
  readonly retryAfter: number | undefined;

  constructor(
    status: number,
    code: ErrorCode | ClientErrorCode,
    message: string,
    opts: { details?: unknown; retryAfter?: number | undefined } = {},
  ) {
    super(message);
    this.name = 'RoomsApiError';
    this.status = status;
    this.code = code;
    this.details = opts.details;
    this.retryAfter = opts.retryAfter;
  }
}

export const isRoomsApiError = (e: unknown): e is RoomsApiError => e instanceof RoomsApiError;
