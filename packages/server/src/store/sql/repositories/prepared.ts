import type { Compilable, CompiledQuery, Kysely, QueryResult } from 'kysely';
import type { DB } from '../schema.ts';

const MARK = '\u0000prepared-arg:';

/** A transaction whose statements may run straight on the connection it holds (see runDirectly). */
type DirectRun = (q: CompiledQuery) => QueryResult<unknown>;
const direct = new WeakMap<object, DirectRun>();

/**
 * While fn runs, prepared queries given this transaction run through `run` (SQLite: synchronously
 * on the writer the transaction holds) instead of through Kysely's executor. That path is built
 * for any driver: a connection provider, a serialising queue and four async layers per statement,
 * about a dozen promises and closures, which was a tenth of a send's CPU and a third of the
 * garbage it made. The binding ends with fn: a transaction kept past its end runs nothing here.
 */
export async function runDirectly<T>(trx: Kysely<DB>, run: DirectRun, fn: () => Promise<T>): Promise<T> {
  direct.set(trx, run);
  try {
    return await fn();
  } finally {
    direct.delete(trx);
  }
}

interface Compiled {
  sql: string;
  query: CompiledQuery['query'];
  queryId: CompiledQuery['queryId'];
  /** The compiled parameters: constants of the query, and markers where the arguments go. */
  constants: readonly unknown[];
  /** For each parameter, the argument it takes (or -1 for a constant). */
  slots: number[];
}

/**
 * A query of fixed shape that Kysely builds and compiles once per database, then runs with new
 * values. Building and compiling the operation tree on every call cost a send about as much CPU
 * as SQLite spent running its statements; the hot queries (a send, a gap fill) use this. The
 * builder receives markers in place of the arguments, so an argument must be used as a plain
 * value exactly once (no `in` lists, no values derived from it: those would change the shape).
 */
export function prepared<A extends unknown[], R>(
  build: (db: Kysely<DB>, ...args: A) => Compilable<R>,
): (db: Kysely<DB>, ...args: A) => Promise<QueryResult<R>> {
  // SQLite and PostgreSQL compile differently: one compiled query per dialect adapter.
  const byAdapter = new WeakMap<object, Compiled>();
  const compile = (db: Kysely<DB>, arity: number): Compiled => {
    const markers = Array.from({ length: arity }, (_, i) => `${MARK}${i}`) as A;
    const q = build(db, ...markers).compile();
    const slots = q.parameters.map((p) => (typeof p === 'string' && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : -1));
    for (let i = 0; i < arity; i++) {
      if (slots.filter((s) => s === i).length !== 1)
        throw new Error(`prepared query: argument ${i} must appear exactly once as a value in: ${q.sql}`);
    }
    return { sql: q.sql, query: q.query, queryId: q.queryId, constants: q.parameters, slots };
  };
  return async (db, ...args) => {
    const adapter = db.getExecutor().adapter;
    let c = byAdapter.get(adapter);
    if (!c) byAdapter.set(adapter, (c = compile(db, args.length)));
    const { slots, constants } = c;
    const parameters = slots.map((s, i) => (s >= 0 ? args[s] : constants[i]));
    const query = { sql: c.sql, query: c.query, queryId: c.queryId, parameters };
    const run = direct.get(db);
    return run ? (run(query) as QueryResult<R>) : db.executeQuery<R>(query);
  };
}
