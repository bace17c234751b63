/** One statement's totals. */
export interface StatementTiming {
  sql: string;
  count: number;
  /** Mean time per run, µs. */
  mean_us: number;
  /** The longest single run, µs: a stall of the event loop shows here, not in the mean. */
  max_us: number;
  total_ms: number;
}

/**
 * Time spent per SQL statement text (SQL_TIMING=true): what told which of a send's statements
 * cost what, and that commits dominated at small batch sizes. Measured by Kysely around the
 * driver's execute: inside a transaction that is the statement alone; outside one it also holds
 * any wait for SQLite's writer. SQLite's commits are timed by its driver ("commit"); PostgreSQL's
 * begin and commit are not counted. A diagnostic: it costs a Map lookup per statement.
 */
export class StatementTimings {
  private readonly bySql = new Map<string, { count: number; ms: number; maxMs: number }>();

  record(sql: string, ms: number): void {
    const t = this.bySql.get(sql);
    if (t) {
      t.count++;
      t.ms += ms;
      if (ms > t.maxMs) t.maxMs = ms;
    } else this.bySql.set(sql, { count: 1, ms, maxMs: ms });
  }

  /** The statements that took the most time in all, largest first. */
  top(n = 25): StatementTiming[] {
    return [...this.bySql]
      .sort((a, b) => b[1].ms - a[1].ms)
      .slice(0, n)
      .map(([sql, t]) => ({
        sql,
        count: t.count,
        mean_us: Math.round((t.ms / t.count) * 10_000) / 10,
        max_us: Math.round(t.maxMs * 1000),
        total_ms: Math.round(t.ms),
      }));
  }
}
