import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';

/**
 * Warns when DATA_DIR or an entry in it can be read or written by group or others: the database
 * holds password hashes, e-mails and private messages (and, embedded, the signing keys). The server
 * creates them owner-only (0700 / 0600); an existing folder keeps the modes its operator gave it,
 * so this says what to fix rather than changing them behind the operator's back.
 */
export function warnIfDataDirExposed(dataDir: string, logger: Logger): void {
  const check = (path: string) => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return; // absent (a fresh DATA_DIR is created private) or gone meanwhile
    }
    const mode = stat.mode & 0o777;
    if ((mode & 0o077) === 0) return;
    const octal = `0${mode.toString(8)}`;
    logger.warn(
      { path, mode: octal },
      `${path} has mode ${octal}: group or others can reach its private data; chmod ${stat.isDirectory() ? '700' : '600'} it`,
    );
  };
  check(dataDir);
  let entries: string[] = [];
  try {
    entries = readdirSync(dataDir);
  } catch {
    // no folder yet: nothing in it to check
  }
  for (const name of entries) check(join(dataDir, name));
}
