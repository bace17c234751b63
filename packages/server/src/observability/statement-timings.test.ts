import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/helpers/services.ts';
import { insertUser } from '../store/contract/fixtures.ts';
import { openStore } from '../store/sql/open.ts';
import { StatementTimings } from './statement-timings.ts';

describe('StatementTimings (SQL_TIMING)', () => {
  it('totals each statement text and lists the costliest first, with the mean and the longest run', () => {
    const t = new StatementTimings();
    t.record('select 1', 1);
    t.record('select 1', 3);
    t.record('insert x', 10);
    t.record('commit', 0.5);
    assert.deepEqual(t.top(2), [
      { sql: 'insert x', count: 1, mean_us: 10_000, max_us: 10_000, total_ms: 10 },
      { sql: 'select 1', count: 2, mean_us: 2_000, max_us: 3_000, total_ms: 4 },
    ]);
  });

  it('a timed SQLite store reports its statements and its commits', async () => {
    const dir = tempDir();
    const t = new StatementTimings();
    const store = await openStore({ dataDir: dir.path, onQuery: (sql, ms) => t.record(sql, ms) });
    try {
      await store.transaction((tx) => insertUser(tx));
      const seen = t.top(100);
      assert.ok(
        seen.some((s) => s.sql.startsWith('insert into "users"') && s.count === 1),
        'the insert',
      );
      assert.ok(
        seen.some((s) => s.sql === 'commit' && s.count >= 1),
        'the commit',
      );
    } finally {
      await store.close();
      dir.remove();
    }
  });
});
