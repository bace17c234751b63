import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openSqlite } from './sqlite.ts';

describe('SQLite dialect: one connection, handed over in order, statements kept compiled', () => {
  const d = openSqlite(':memory:');
  after(() => d.close());

  it('runs hundreds of concurrent transactions one at a time, in the order they asked', async () => {
    await sql`create table t (n integer not null)`.execute(d.db);
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 500 }, (_, n) =>
        d.db.transaction().execute(async (tx) => {
          order.push(n);
          await sql`insert into t (n) values (${n})`.execute(tx);
          // Another query outside the transaction must wait for it, not slip in.
          await Promise.resolve();
          await sql`insert into t (n) values (${-n - 1})`.execute(tx);
        }),
      ),
    );
    assert.deepEqual(order, Array.from({ length: 500 }, (_, n) => n));
    const rows = await sql<{ n: number }>`select n from t order by rowid`.execute(d.db);
    assert.deepEqual(rows.rows.map((r) => r.n), order.flatMap((n) => [n, -n - 1]), 'each transaction ran whole before the next');
  });

  it('rolls back a failed transaction and goes on with the next', async () => {
    const failing = d.db.transaction().execute(async (tx) => {
      await sql`insert into t (n) values (1000)`.execute(tx);
      throw new Error('boom');
    });
    const next = d.db.transaction().execute(async (tx) => sql`insert into t (n) values (1001)`.execute(tx));
    await assert.rejects(failing, /boom/);
    await next;
    const rows = await sql<{ n: number }>`select n from t where n >= 1000`.execute(d.db);
    assert.deepEqual(rows.rows.map((r) => r.n), [1001]);
  });

  it('gives the same answers from a kept statement as from a fresh one, streamed or not', async () => {
    const query = () => d.db.selectFrom('t' as never).select(sql<number>`n`.as('n')).where(sql.ref('n'), '<', 3).orderBy(sql.ref('n'));
    const first = await query().execute();
    const streamed: unknown[] = [];
    for await (const row of query().stream()) streamed.push(row);
    assert.deepEqual(await query().execute(), first);
    assert.deepEqual(streamed, first);
  });
});
