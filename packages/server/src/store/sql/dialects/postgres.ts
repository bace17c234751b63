import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { DB } from '../schema.ts';
import { postgresSearch } from './postgres-search.ts';
import { timedLog, type QueryTimer, type SqlDialect } from './dialect.ts';

const TIMESTAMPTZ_OID = 1184;
const INT8_OID = 20;

/** PostgreSQL answers '2026-01-02 03:04:05.678+00'; the store speaks ISO-8601 UTC strings. */
export const pgTimestampToIso = (v: string): string => new Date(v.replace(' ', 'T').replace(/([+-]\d\d)$/, '$1:00')).toISOString();

const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === TIMESTAMPTZ_OID) return pgTimestampToIso;
    // counts come back as int8; they fit easily in a JS number here.
    if (oid === INT8_OID) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format);
  },
};

export function openPostgres(
  connectionString: string,
  poolSize = 10,
  onIdleError: (err: Error) => void = () => {},
  onQuery?: QueryTimer,
): SqlDialect {
  const pool = new pg.Pool({ connectionString, max: poolSize, types, options: '-c timezone=UTC' });
  // An idle connection the server drops (restart, admin termination) must not crash the process:
  // the pool discards it and opens a new one on the next query.
  pool.on('error', (err) => onIdleError(err));
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }), ...timedLog(onQuery) });
  return {
    name: 'postgres',
    db,
    types: { uuid: 'uuid', timestamp: 'timestamptz' },
    search: postgresSearch,
    isUniqueViolation: (err) => (err as { code?: string }).code === '23505',
    close: () => db.destroy(),
  };
}
