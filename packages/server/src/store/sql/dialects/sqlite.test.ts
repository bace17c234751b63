import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql } from 'kysely';
import { GroupCommit, HOLD_MS } from '../group-commit.ts';
import { loopBusyMeter } from '../loop-busy.ts';
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
    assert.deepEqual(
      order,
      Array.from({ length: 500 }, (_, n) => n),
    );
    const rows = await sql<{ n: number }>`select n from t order by rowid`.execute(d.db);
    assert.deepEqual(
      rows.rows.map((r) => r.n),
      order.flatMap((n) => [n, -n - 1]),
      'each transaction ran whole before the next',
    );
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
    assert.deepEqual(
      rows.rows.map((r) => r.n),
      [1001],
    );
  });

  it('gives the same answers from a kept statement as from a fresh one, streamed or not', async () => {
    const query = () =>
      d.db
        .selectFrom('t' as never)
        .select(sql<number>`n`.as('n'))
        .where(sql.ref('n'), '<', 3)
        .orderBy(sql.ref('n'));
    const first = await query().execute();
    const streamed: unknown[] = [];
    for await (const row of query().stream()) streamed.push(row);
    assert.deepEqual(await query().execute(), first);
    assert.deepEqual(streamed, first);
  });
});

describe('SQLite dialect on a file: reads outside transactions on their own connection', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rooms-sqlite-'));
  const d = openSqlite(join(dir, 'db.sqlite'));
  const rows = async () => (await sql<{ n: number }>`select n from t order by n`.execute(d.db)).rows.map((r) => r.n);
  const select = async () =>
    (
      await d.db
        .selectFrom('t' as never)
        .select(sql<number>`n`.as('n'))
        .orderBy(sql.ref('n'))
        .execute()
    ).map((r) => r.n);
  before(() => sql`create table t (n integer primary key)`.execute(d.db));
  after(async () => {
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the writer keeps temp files in memory: a savepoint of a group commit spilled its journal to disk', async () => {
    const r = await sql<{ temp_store: number }>`pragma temp_store`.execute(d.db);
    assert.equal(r.rows[0]?.temp_store, 2, 'MEMORY');
  });

  it('a select does not wait for an open transaction, sees the last commit, and then the new one', async () => {
    await sql`insert into t (n) values (1)`.execute(d.db);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let inserted!: () => void;
    const didInsert = new Promise<void>((r) => (inserted = r));
    const tx = d.db.transaction().execute(async (trx) => {
      await sql`insert into t (n) values (2)`.execute(trx);
      inserted();
      await held;
    });
    await didInsert;
    assert.deepEqual(await select(), [1], 'the uncommitted row is invisible, and the read did not wait');
    // A raw statement may write, so it goes to the writer and waits for the transaction.
    const raw = rows();
    const order: string[] = [];
    void raw.then(() => order.push('raw'));
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(order, [], 'the raw statement waits for the writer');
    release();
    await tx;
    assert.deepEqual(await raw, [1, 2]);
    assert.deepEqual(await select(), [1, 2]);
  });

  it('a select asked for while a stream still reads the same select runs beside it, on a statement of its own', async () => {
    await sql`delete from t`.execute(d.db);
    await sql`insert into t (n) values (1), (2), (3)`.execute(d.db);
    // With the writer held, the stream and the selects all go to the reader: the same SQL, so the
    // same kept statement, which the stream is iterating (busy) while the selects ask for it.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let began!: () => void;
    const didBegin = new Promise<void>((r) => (began = r));
    const tx = d.db.transaction().execute(async (trx) => {
      await sql`select 1`.execute(trx);
      began();
      await held;
    });
    await didBegin;
    const streamed: number[] = [];
    const during: number[][] = [];
    try {
      for await (const row of d.db
        .selectFrom('t' as never)
        .select(sql<number>`n`.as('n'))
        .orderBy(sql.ref('n'))
        .stream()) {
        streamed.push(row.n);
        during.push(await select());
      }
    } finally {
      release();
      await tx;
    }
    assert.deepEqual(streamed, [1, 2, 3]);
    assert.deepEqual(during, [
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
    assert.deepEqual(await select(), [1, 2, 3], 'and the kept statement serves again once the stream is done');
  });

  it('group commit holds a batch open for a turn, so units from other callbacks of the turn join it', async () => {
    const group = new GroupCommit(d.db, { hold: true });
    await sql`delete from t`.execute(d.db);
    const seenBeforeCommit: number[][] = [];
    const first = group.run(async (trx) => sql`insert into t (n) values (10)`.execute(trx));
    const others = await new Promise<Promise<unknown>[]>((resolve) =>
      setImmediate(async () => {
        // The first unit ran, but its batch waits for this turn's other work: nothing is committed yet.
        seenBeforeCommit.push(await select());
        resolve([11, 12, 13].map((n) => group.run(async (trx) => sql`insert into t (n) values (${n})`.execute(trx))));
      }),
    );
    await Promise.all([first, ...others]);
    assert.deepEqual(seenBeforeCommit, [[]]);
    assert.deepEqual(await select(), [10, 11, 12, 13]);
  });

  it('a batch stays open only while units arrive, and never past HOLD_MS: a trickle does not keep it open', async () => {
    const group = new GroupCommit(d.db, { hold: true });
    await sql`delete from t`.execute(d.db);
    await group.run(async (trx) => sql`insert into t (n) values (99)`.execute(trx)); // statements compiled
    const busy = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const start = performance.now();
    let firstDoneAfter: number | undefined;
    const units: Promise<unknown>[] = [
      group.run(async (trx) => sql`insert into t (n) values (100)`.execute(trx)).then(() => (firstDoneAfter = performance.now() - start)),
    ];
    // A unit on each of the next 80 turns, each turn busy for 0.5 ms (40 ms in all), as sends
    // trickling in from sockets would: a batch that waited while units came would hold 40 ms.
    for (let k = 1; k <= 80; k++) {
      await new Promise((r) => setImmediate(r));
      busy(0.5);
      units.push(group.run(async (trx) => sql`insert into t (n) values (${100 + k})`.execute(trx)));
    }
    await Promise.all(units);
    assert.ok(
      firstDoneAfter !== undefined && firstDoneAfter < HOLD_MS + 10,
      `the first unit committed after ${firstDoneAfter?.toFixed(1)} ms`,
    );
    assert.equal((await select()).length, 82);
  });

  /** Commits of 30 units 2 ms apart (timers): committed one by one, they would resolve at 30 moments. */
  const commitsOf30 = async (group: GroupCommit, from: number) => {
    const resolvedAt: number[] = [];
    const units: Promise<unknown>[] = [];
    for (let k = 0; k < 30; k++) {
      units.push(
        group.run(async (trx) => sql`insert into t (n) values (${from + k})`.execute(trx)).then(() => resolvedAt.push(performance.now())),
      );
      await new Promise((r) => setTimeout(r, 2));
    }
    await Promise.all(units);
    return resolvedAt.filter((t, i) => i === 0 || t - resolvedAt[i - 1]! > 0.5).length;
  };

  it('when units arrive more often than HOLD_MS and the event loop is busy, a batch waits for the next ones: they share commits', async () => {
    const commits = await commitsOf30(new GroupCommit(d.db, { hold: true, holdMs: 20, loopBusy: () => true }), 1000);
    assert.ok(commits <= 12, `30 units took ${commits} commits`);
  });

  it('while the event loop is mostly idle, a batch does not hold: each unit commits after one turn', async () => {
    // Held, they would have shared a commit every 20 ms (10 or so in all, as above).
    const commits = await commitsOf30(new GroupCommit(d.db, { hold: true, holdMs: 20, loopBusy: () => false }), 2000);
    assert.ok(commits >= 25, `30 units took ${commits} commits`);
  });

  it("the loop's meter: busy when the loop was busier than its share over the last window, and idle again after", async () => {
    const busyFor = (ms: number) => {
      const until = performance.now() + ms;
      while (performance.now() < until);
    };
    const meter = loopBusyMeter(0.5, 40);
    await new Promise((r) => setTimeout(r, 45));
    assert.equal(meter(), false, 'an idle window');
    // Busy turns for a whole window.
    const until = performance.now() + 60;
    while (performance.now() < until) {
      busyFor(5);
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(meter(), true, 'a busy window');
    assert.equal(meter(), true, 'read again within the window: the same answer');
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(meter(), false, 'an idle window again');
  });

  it('a unit after a quiet spell waits one turn, not the hold', async () => {
    const group = new GroupCommit(d.db, { hold: true, holdMs: 40 });
    const start = performance.now();
    await group.run(async (trx) => sql`insert into t (n) values (500)`.execute(trx));
    assert.ok(performance.now() - start < 20, `it waited ${(performance.now() - start).toFixed(1)} ms`);
  });
});

describe('SQLite dialect: checkpoints on a thread of their own', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rooms-sqlite-ckpt-'));
  const file = join(dir, 'rooms.sqlite');
  const d = openSqlite(file);
  after(async () => {
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('leaves a few commits in the WAL: a checkpoint by the clock made the next commit sync the restarted WAL on the event loop', async () => {
    await sql`create table notes (id integer primary key, body text not null)`.execute(d.db);
    const before = statSync(file).size;
    for (let i = 0; i < 20; i++) await d.db.transaction().execute((tx) => sql`insert into notes (body) values (${'note'})`.execute(tx));
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(statSync(file).size, before, 'nothing was copied into the file yet');
  });

  it('copies committed pages into the database file while the writer only appends, and stops on close', async () => {
    await sql`create table blobs (id integer primary key, body blob not null)`.execute(d.db);
    const fileBytes = () => statSync(file).size;
    const before = fileBytes();
    // ~20 MB in 1,000 commits (~6,500 frames): at least three of the checkpointer's thresholds
    // (CHECKPOINT_FRAMES, 2,000 frames, ~8 MB), so well over 7 MB reach the file however the
    // thread's polls fall, and far below the writer's own (40,000 pages, ~160 MB): only the
    // checkpointer can have moved these pages into the file. (With 600 commits, one threshold
    // crossed could copy a little under 7 MB, depending on when the poll came.)
    const body = Buffer.alloc(20_000, 7);
    for (let i = 0; i < 1000; i++) await d.db.transaction().execute((tx) => sql`insert into blobs (body) values (${body})`.execute(tx));
    const deadline = Date.now() + 8000;
    while (fileBytes() - before < 7_000_000 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.ok(fileBytes() - before >= 7_000_000, `the database file grew by ${fileBytes() - before} bytes only`);
    assert.ok(statSync(`${file}-wal`).size < 40 * 2 ** 20, 'the WAL stayed below the writer threshold');
  });
});
