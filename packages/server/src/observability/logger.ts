import pino, { type Logger } from 'pino';

/** Query parameters that carry credentials (WebSocket token / ticket): never logged. */
const SECRET_QUERY = /([?&](?:token|ticket|access_token)=)[^&#]*/gi;
export const redactUrl = (url: string): string => url.replace(SECRET_QUERY, '$1[redacted]');

/**
 * The process logger. Bodies are never logged; headers only through the redacting serializer, so
 * passwords and tokens cannot reach the logs by that road either.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: {
      paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.ticket', '*.jwtSecret', 'password', 'token'],
      censor: '[redacted]',
    },
    serializers: {
      req: (req: { method: string; url: string; ip?: string; id?: string }) => ({ method: req.method, url: redactUrl(req.url), ip: req.ip }),
    },
  });
}
