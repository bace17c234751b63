import pino, { type Logger } from 'pino';

/** Query parameters that carry credentials (WebSocket token / ticket): never logged. */
const SECRET_QUERY = /([?&](?:token|ticket|access_token)=)[^&#]*/gi;
export const redactUrl = (url: string): string => url.replace(SECRET_QUERY, '$1[redacted]');

/**
 * The process logger. Bodies are never logged; headers only through the redacting serializer, so
 * passwords and tokens cannot reach the logs by that road either.
 *
 * Lines are written synchronously, as Node writes process.stdout to pipes: a line is out before
 * the call returns, so a crash loses none, and there is nothing left to flush at exit. pino's
 * default (asynchronous) stdout flushes at exit, and that flush retries forever when stdout's
 * reader is gone (EPIPE): a server whose log pipe died ignored SIGTERM for good. A synchronous
 * destination gets EPIPE on the write itself, and pino then drops further lines.
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
  }, pino.destination({ fd: 1, sync: true }));
}
