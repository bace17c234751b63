import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Store } from '../../src/store/store.ts';
import { openStore } from '../../src/store/sql/open.ts';

type ServiceVar = 'TEST_DATABASE_URL' | 'TEST_REDIS_URL';

/**
 * The URL of a service a suite needs, or undefined (the suite skips). In CI a missing service is
 * an error, not a skip: a green run must mean the suite ran.
 */
export function serviceUrl(name: ServiceVar): string | undefined {
  const url = process.env[name];
  if (!url && process.env.CI) throw new Error(`${name} is not set, and CI must not skip the suites that need it`);
  return url || undefined;
}

/** A fresh, empty PostgreSQL database for one test file; dropped by the returned cleanup. */
export async function freshPostgresDatabase(adminUrl: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `rooms_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: adminUrl });
      await c.connect();
      try {
        // pg's pool.end() resolves before its sockets finish closing; forcing the drop at that moment
        // sends "terminating connection" to a client that is already detached (an uncaught error).
        // Wait for the sessions to go instead, and force only as a last resort.
        for (let i = 0; ; i++) {
          try {
            await c.query(`drop database if exists ${name}${i >= 50 ? ' with (force)' : ''}`);
            break;
          } catch (err) {
            if ((err as { code?: string }).code !== '55006' || i >= 50) throw err;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
      } finally {
        await c.end();
      }
    },
  };
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'rooms-test-'): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

export interface Backend {
  name: 'sqlite' | 'postgres';
  /** undefined: the backend is not configured here (and we are not in CI). */
  available: boolean;
  /** Where the server should put its database: a DATABASE_URL (postgres) or nothing (SQLite in dataDir). */
  provision(): Promise<{ databaseUrl: string | undefined; dataDir: string; cleanup: () => Promise<void> }>;
}

/** Every database backend the suites run against: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export function backends(): Backend[] {
  const pgUrl = serviceUrl('TEST_DATABASE_URL');
  const withDir = async (databaseUrl: string | undefined, dropDb: () => Promise<void>) => {
    const dir = tempDir();
    return {
      databaseUrl,
      dataDir: dir.path,
      cleanup: async () => {
        await dropDb();
        dir.remove();
      },
    };
  };
  return [
    { name: 'sqlite', available: true, provision: () => withDir(undefined, async () => {}) },
    {
      name: 'postgres',
      available: pgUrl !== undefined,
      provision: async () => {
        const db = await freshPostgresDatabase(pgUrl!);
        return withDir(db.url, db.drop);
      },
    },
  ];
}

/** Opens a migrated store on a fresh database of the backend. */
export async function openTestStore(backend: Backend): Promise<{ store: Store; cleanup: () => Promise<void> }> {
  const p = await backend.provision();
  const store = await openStore({ databaseUrl: p.databaseUrl, dataDir: p.dataDir });
  return {
    store,
    cleanup: async () => {
      await store.close();
      await p.cleanup();
    },
  };
}
