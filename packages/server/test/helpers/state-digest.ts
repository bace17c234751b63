/**
 * A digest of everything a server keeps in its database (one hash per table), read over a
 * connection of its own: two equal digests mean no request in between changed stored state.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';

/**
 * Tables left out: rows that change with no request at all. job_locks is taken by the periodic
 * jobs on their own schedule; kysely's two tables record migrations; the message search index
 * (message_search and its queue and FTS5 tables) is derived from the messages, which are compared,
 * and on SQLite it is written by the search queue's batches after the sends, on their own time.
 * (Login-attempt bookkeeping lives in the login guard, in memory or Redis, not in the database.)
 */
const EXCLUDED = new Set(['job_locks', 'kysely_migration', 'kysely_migration_lock']);
const excluded = (table: string): boolean => EXCLUDED.has(table) || table.startsWith('message_search');

export interface StateDigest {
  /** table → hash of its rows (order-independent). */
  take(): Promise<Map<string, string>>;
  close(): Promise<void>;
}

/** Names of the tables whose hashes differ. */
export function changedTables(a: Map<string, string>, b: Map<string, string>): string[] {
  return [...new Set([...a.keys(), ...b.keys()])].filter((t) => a.get(t) !== b.get(t));
}

export async function openStateDigest(db: { databaseUrl: string | undefined; dataDir: string }): Promise<StateDigest> {
  return db.databaseUrl ? openPostgresDigest(db.databaseUrl) : openSqliteDigest(join(db.dataDir, 'rooms.sqlite'));
}

function openSqliteDigest(file: string): StateDigest {
  const conn = new Database(file, { readonly: true, fileMustExist: true });
  const tables = (
    conn.prepare(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%'`).all() as { name: string }[]
  )
    .map((r) => r.name)
    .filter((t) => !excluded(t));
  const reads = tables.map((t) => [t, conn.prepare(`select * from "${t}"`).raw(true)] as const);
  // data_version changes whenever another connection commits: unchanged, the last digest still holds.
  const version = conn.prepare('pragma data_version').pluck();
  let last: { version: unknown; digest: Map<string, string> } | undefined;
  return {
    take: async () => {
      const now = version.get();
      if (last && last.version === now) return last.digest;
      const out = new Map<string, string>();
      // One read transaction: every table as of the same moment.
      conn.transaction(() => {
        for (const [t, stmt] of reads) {
          const rows = stmt.all().map((r) => JSON.stringify(r, (_k, v: unknown) => (Buffer.isBuffer(v) ? v.toString('hex') : v)));
          out.set(t, createHash('sha1').update(rows.sort().join('\n')).digest('hex'));
        }
      })();
      last = { version: now, digest: out };
      return out;
    },
    close: async () => {
      conn.close();
    },
  };
}

async function openPostgresDigest(url: string): Promise<StateDigest> {
  const conn = new pg.Client({ connectionString: url });
  await conn.connect();
  const { rows } = await conn.query<{ table_name: string }>(
    `select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE'`,
  );
  const tables = rows.map((r) => r.table_name).filter((t) => !excluded(t));
  // One prepared statement, so one snapshot and one round trip, planned once: per table, its row
  // count and the sum of a hash of each row's text (order-independent, no sort).
  const text = tables
    .map((t) => `select '${t}' as t, count(*) || ':' || coalesce(sum(hashtext(x::text)::bigint), 0) as h from "${t}" x`)
    .join(' union all ');
  return {
    take: async () => new Map((await conn.query<{ t: string; h: string }>({ name: 'state-digest', text })).rows.map((r) => [r.t, r.h])),
    close: () => conn.end(),
  };
}
