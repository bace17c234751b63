import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';

/** auto: human-readable lines on a terminal, JSON lines otherwise (a pipe, a file, a log collector). */
export type LogFormat = 'auto' | 'json' | 'pretty';

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
export function createLogger(level: string, format: LogFormat = 'auto'): Logger {
  const readable = format === 'pretty' || (format === 'auto' && process.stdout.isTTY === true);
  return pino(
    {
      level,
      redact: {
        paths: ['req.headers.authorization', 'req.headers.cookie', '*.password', '*.token', '*.ticket', '*.jwtSecret', 'password', 'token'],
        censor: '[redacted]',
      },
      serializers: {
        req: (req: { method: string; url: string; ip?: string; id?: string }) => ({
          method: req.method,
          url: redactUrl(req.url),
          ip: req.ip,
        }),
      },
    },
    readable
      ? pretty({
          destination: 1,
          sync: true,
          colorize: process.stdout.isTTY === true,
          ignore: 'pid,hostname',
          translateTime: 'SYS:HH:MM:ss.l',
        })
      : pino.destination({ fd: 1, sync: true }),
  );
}

/**
 * The logger for what an operator must always see, whatever LOG_LEVEL (where the server listens,
 * how to make the first account): the same output, at least at info.
 */
export function alwaysShown(logger: Logger): Logger {
  return logger.isLevelEnabled('info') ? logger : logger.child({}, { level: 'info' });
}
