import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { sql, type Kysely } from 'kysely';
import { backends } from '../../../test/helpers/services.ts';
import { parseSearchQuery } from '../../domain/search-query.ts';
import { insertUser } from '../contract/fixtures.ts';
import { insertRoom, join, post } from '../contract/room-fixtures.ts';
import type { Store } from '../store.ts';
import { openStore } from './open.ts';
import type { DB } from './schema.ts';
import { ROOM_KEY } from './dialects/sqlite-search.ts';
import { decodeStructure, mergeOwed, readStructure } from './search/fts5-structure.ts';
import type { RunWrite } from './search/search-queue.ts';
import { SearchTidier, TIDY_SEGMENTS } from './search/search-tidy.ts';

describe('FTS5 structure records, decoded', () => {
  const structureOf = (db: Database.Database) =>
    decodeStructure((db.prepare('select block from t_data where id = 10').get() as { block: Uint8Array }).block);

  it('counts one segment a transaction, one after optimize, and sees a merge under way', () => {
    const db = new Database(':memory:');
    db.exec(`create virtual table t using fts5(x, detail=none); insert into t(t, rank) values ('automerge', 0)`);
    const insert = db.prepare('insert into t(x) values (?)');
    for (let i = 0; i < 9; i++) db.transaction(() => insert.run(`alpha beta gamma ${i} ${'delta '.repeat(i * 400)}`))();
    const nine = structureOf(db);
    assert.equal(nine.segments, 9);
    assert.equal(
      nine.levels.reduce((n, l) => n + l.pages.length, 0),
      9,
      'every segment is on a level',
    );
    assert.ok(nine.levels.flatMap((l) => l.pages).every((p) => p >= 1));
    assert.equal(
      mergeOwed(nine),
      nine.levels.some((l) => l.pages.length >= 4),
    );

    db.exec(`insert into t(t) values ('optimize')`);
    const one = structureOf(db);
    assert.equal(one.segments, 1);
    assert.equal(mergeOwed(one), false);
    db.close();
  });

  it('sees a merge under way', () => {
    const db = new Database(':memory:');
    db.exec(
      `create virtual table t using fts5(x, detail=none); insert into t(t, rank) values ('automerge', 0); insert into t(t, rank) values ('pgsz', 64)`,
    );
    const insert = db.prepare('insert into t(x) values (?)');
    // Four segments of many pages each (many distinct terms), then one page of merge work: it starts and stops part-way.
    for (let i = 0; i < 4; i++) db.transaction(() => insert.run(Array.from({ length: 400 }, (_x, k) => `w${k}x${i}`).join(' ')))();
    assert.ok(mergeOwed(structureOf(db)));
    db.exec(`insert into t(t, rank) values ('merge', 1)`);
    const part = structureOf(db);
    assert.ok(
      part.levels.some((l) => l.merging > 0),
      'a merge is under way',
    );
    assert.ok(mergeOwed(part));
    db.exec(`insert into t(t, rank) values ('merge', 100000)`);
    assert.equal(mergeOwed(structureOf(db)), false, 'a merge run to its end');
    db.close();
  });

  it('a record cut short is an error, not a guess', () => {
    assert.throws(() => decodeStructure(Uint8Array.from([0, 0, 0, 1, 0x81])), /ends early/);
  });
});

/**
 * SQLite: what the search queue's merge steps leave undone is merged while the server is quiet,
 * in small steps, until FTS5 owes no merge; a busy event loop pauses it; searches stay exact.
 */
describe('SQLite search: the indexes tidied while the server is quiet', () => {
  let store: Store;
  let cleanup: () => Promise<void>;
  before(async () => {
    const p = await backends()
      .find((b) => b.name === 'sqlite')!
      .provision();
    store = await openStore(p);
    cleanup = async () => {
      await store.close();
      await p.cleanup();
    };
  });
  after(() => cleanup());

  const db = () => (store as unknown as { db: Kysely<DB> }).db;
  const runWrite: RunWrite = (fn) => (store as unknown as { write: RunWrite }).write(fn);
  const trigram = () => readStructure(db(), 'message_search_trigram');
  // Rows of a room number no room has, each written in its own transaction: a segment each.
  const JUNK = 999_999 * ROOM_KEY;
  const junk = (i: number) => `junk row ${i} aardvark`;
  let junkRows = 0;
  const addJunk = async (n: number) => {
    for (let k = 0; k < n; k++, junkRows++)
      await runWrite(async (trx) => {
        await sql`insert into message_search_trigram(rowid, body) values (${JUNK + junkRows}, ${junk(junkRows)})`.execute(trx);
        return 0;
      });
  };

  it('leaves an index at or under TIDY_SEGMENTS alone, even with merges owed', async () => {
    // A level of 5 segments: FTS5 would merge them, but the index is under the threshold.
    await addJunk(5);
    const before = await trigram();
    assert.ok(before.segments <= TIDY_SEGMENTS && mergeOwed(before), `${before.segments} segments`);
    const tidier = new SearchTidier(db(), runWrite, () => false);
    await tidier.tidy();
    assert.deepEqual(await trigram(), before);
    tidier.close();
  });

  it('merges an index past TIDY_SEGMENTS, not while the loop is busy, and searches find the same', async () => {
    const a = await insertUser(store);
    const r = await insertRoom(store);
    await join(store, r.id, a.id, 'owner');
    const find = async (q: string) =>
      (
        await store.messages.search(a.id, parseSearchQuery(q, { now: new Date() }), { sort: 'recent', limit: 50, budgetMs: 5000 })
      ).items.map((m) => m.content);
    for (let i = 0; i < 5; i++) await post(store, r.id, a.id, { content: `tidy walrus${i} here` });
    assert.equal((await find('walrus')).length, 5);
    // Past the threshold, under FTS5's crisis merge (16 segments on a level are merged at once).
    await addJunk(TIDY_SEGMENTS + 3 - (await trigram()).segments);
    const before = await trigram();
    assert.ok(before.segments > TIDY_SEGMENTS, `${before.segments} segments`);
    assert.ok(mergeOwed(before));

    let busy = true;
    const tidier = new SearchTidier(db(), runWrite, () => busy);
    try {
      await tidier.tidy();
      assert.equal((await trigram()).segments, before.segments, 'nothing merged while the loop is busy');

      busy = false;
      await tidier.tidy();
      const afterTidy = await trigram();
      assert.equal(mergeOwed(afterTidy), false, 'no merge owed');
      assert.ok(afterTidy.segments < before.segments / 2, `${before.segments} → ${afterTidy.segments} segments`);
    } finally {
      tidier.close();
    }

    // The junk rows out again (a contentless index is told what it holds), and the index is whole.
    await runWrite(async (trx) => {
      for (let i = 0; i < junkRows; i++)
        await sql`insert into message_search_trigram(message_search_trigram, rowid, body) values ('delete', ${JUNK + i}, ${junk(i)})`.execute(
          trx,
        );
      return 0;
    });
    for (const t of ['message_search_words', 'message_search_trigram'])
      await sql`insert into ${sql.table(t)}(${sql.table(t)}, rank) values ('integrity-check', 0)`.execute(db());
    assert.deepEqual(
      (await find('walrus')).sort(),
      [0, 1, 2, 3, 4].map((i) => `tidy walrus${i} here`),
    );
    assert.deepEqual(await find('alrus3'), ['tidy walrus3 here']);
  });
});
