import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Secrets {
  jwtSecret: string;
}

/**
 * Secrets given in config win; otherwise they are generated once and kept in DATA_DIR/secrets.json
 * (mode 0600) so tokens survive restarts.
 */
export function loadSecrets(dataDir: string, given: { jwtSecret?: string | undefined }): Secrets {
  if (given.jwtSecret) return { jwtSecret: given.jwtSecret };
  const file = join(dataDir, 'secrets.json');
  try {
    const kept = JSON.parse(readFileSync(file, 'utf8')) as Partial<Secrets>;
    if (typeof kept.jwtSecret === 'string' && kept.jwtSecret.length >= 32) return { jwtSecret: kept.jwtSecret };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets: Secrets = { jwtSecret: randomBytes(48).toString('base64url') };
  try {
    writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another process sharing the directory wrote it first: use theirs.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return loadSecrets(dataDir, given);
    throw err;
  }
  return secrets;
}
