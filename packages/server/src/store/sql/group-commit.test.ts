import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import { openSqlite } from './dialects/sqlite.ts';
import { GroupCommit } from './group-commit.ts';
import { prepared } from './repositories/prepared.ts';
import type { DB } from './schema.ts';

const values = async (db: Kysely<DB>) => (await sql<{ n: number }>`select n from t order by n`.execute(db)).rows.map((r) => r.n);
const insert = (db: Kysely<DB>, n: number) => sql`insert into t (n) values (${n})`.execute(db);

describe('GroupCommit: transactions that queue on SQLite commit together, each still all or nothing', () => {
  const d = openSqlite(':memory:');
  // The dialect's own options: savepoints (and prepared statements) run straight on the writer.
  const group = new GroupCommit(d.db, d.groupCommit);
  before(() => sql`create table t (n integer primary key)`.execute(d.db));
  after(() => d.close());

  it('commits concurrent units together and resolves each with its own result, in order', async () => {
    const commits: string[] = [];
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, n) =>
        group
          .run(async (trx) => {
            await insert(trx, n);
            await Promise.resolve();
            return n * 2;
          })
          .then((r) => (commits.push(String(n)), r)),
      ),
    );
    assert.deepEqual(
      results,
      Array.from({ length: 200 }, (_, n) => n * 2),
    );
    assert.deepEqual(
      commits.map(Number),
      Array.from({ length: 200 }, (_, n) => n),
      'resolved in the order they asked',
    );
    assert.deepEqual(
      await values(d.db),
      Array.from({ length: 200 }, (_, n) => n),
    );
    await sql`delete from t`.execute(d.db);
  });

  it('rolls back only the failing unit: the ones before and after it in the batch are stored', async () => {
    const units = Array.from({ length: 10 }, (_, n) =>
      group.run(async (trx) => {
        await insert(trx, 100 + n);
        // Unit 5 writes, then fails on a duplicate key: its first write must go too.
        if (n === 5) await insert(trx, 100);
        return n;
      }),
    );
    const settled = await Promise.allSettled(units);
    assert.deepEqual(
      settled.map((s) => s.status),
      Array.from({ length: 10 }, (_, n) => (n === 5 ? 'rejected' : 'fulfilled')),
    );
    assert.match(String((settled[5] as PromiseRejectedResult).reason), /UNIQUE/);
    assert.deepEqual(await values(d.db), [100, 101, 102, 103, 104, 106, 107, 108, 109]);
    await sql`delete from t`.execute(d.db);
  });

  it('a failing first unit rolls back alone and the queue goes on', async () => {
    const first = group.run(async (trx) => {
      await insert(trx, 1);
      throw new Error('boom');
    });
    const second = group.run(async (trx) => insert(trx, 2));
    await assert.rejects(first, /boom/);
    await second;
    assert.deepEqual(await values(d.db), [2]);
    await sql`delete from t`.execute(d.db);
  });

  it('resolves a unit only after its batch committed (a reader outside sees the write)', async () => {
    const seen = await Promise.all(
      Array.from({ length: 5 }, (_, n) => group.run((trx) => insert(trx, 50 + n)).then(async () => (await values(d.db)).includes(50 + n))),
    );
    assert.deepEqual(seen, [true, true, true, true, true]);
    await sql`delete from t`.execute(d.db);
  });

  it('when the commit itself fails, every unit of the batch rejects and nothing is stored', async () => {
    // A deferred foreign key fails only at COMMIT.
    await sql`create table parent (id integer primary key)`.execute(d.db);
    await sql`create table child (id integer primary key, parent_id integer references parent(id) deferrable initially deferred)`.execute(
      d.db,
    );
    await sql`pragma foreign_keys = on`.execute(d.db);
    const ok = group.run((trx) => sql`insert into child (id, parent_id) values (1, null)`.execute(trx));
    const bad = group.run((trx) => sql`insert into child (id, parent_id) values (2, 999)`.execute(trx));
    const settled = await Promise.allSettled([ok, bad]);
    // Both queued before the batch began, so they share its commit, and its failure.
    assert.deepEqual(
      settled.map((s) => s.status),
      ['rejected', 'rejected'],
    );
    assert.match(String((settled[0] as PromiseRejectedResult).reason), /FOREIGN KEY/);
    assert.deepEqual((await sql`select id from child`.execute(d.db)).rows, []);
  });

  it("runs a batch's prepared statements on the writer at once, and none for a transaction kept past its batch", async () => {
    const insertPrepared = prepared((db, n: number) => (db as unknown as Kysely<{ t: { n: number } }>).insertInto('t').values({ n }));
    const direct: string[] = [];
    const runOnWriter = d.groupCommit!.runOnWriter!;
    const spied = new GroupCommit(d.db, { hold: false, runOnWriter: (q: CompiledQuery) => (direct.push(q.sql), runOnWriter(q)) });
    let kept: Kysely<DB> | undefined;
    await spied.run(async (trx) => {
      kept = trx;
      await insertPrepared(trx, 7);
    });
    assert.deepEqual(direct, ['insert into "t" ("n") values (?)']);
    assert.deepEqual(await values(d.db), [7]);
    // After its commit the transaction is Kysely's again, which refuses it: nothing runs outside a transaction.
    await assert.rejects(insertPrepared(kept!, 8), /committed/);
    assert.deepEqual(direct, ['insert into "t" ("n") values (?)']);
    assert.deepEqual(await values(d.db), [7]);
    await sql`delete from t`.execute(d.db);
  });

  it("with the dialect's own transactions, a transaction kept past its batch runs nothing, committed or rolled back", async () => {
    assert.ok(d.groupCommit?.transaction, "SQLite runs a batch's transaction itself");
    let committed: Kysely<DB> | undefined;
    await group.run(async (trx) => {
      committed = trx;
      await insert(trx, 1);
    });
    let rolledBack: Kysely<DB> | undefined;
    await assert.rejects(
      group.run(async (trx) => {
        rolledBack = trx;
        throw new Error('boom');
      }),
      /boom/,
    );
    await assert.rejects(insert(committed!, 2), /committed/);
    await assert.rejects(insert(rolledBack!, 3), /rolled back/);
    // Nor while another batch holds the writer: the statement would join that batch's transaction.
    await group.run(async () => {
      await assert.rejects(insert(committed!, 4), /committed/);
    });
    assert.deepEqual(await values(d.db), [1]);
    await sql`delete from t`.execute(d.db);
  });
});
