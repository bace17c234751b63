import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The signing key an older version generated and kept in DATA_DIR/secrets.json, if any: the first
 * key kept in the database takes it over, so the setup token (derived from it) stays the same.
 * Keys now live in the database, shared by every node (see services/accounts/signing-keys.ts).
 */
export function readKeptSecret(dataDir: string): string | undefined {
  try {
    const kept = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as { jwtSecret?: unknown };
    return typeof kept.jwtSecret === 'string' && kept.jwtSecret.length >= 32 ? kept.jwtSecret : undefined;
  } catch {
    return undefined; // none (the usual case), or unreadable: a new key is made
  }
}
