import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql, type Kysely } from 'kysely';
import { parseSearchQuery } from '../../domain/search-query.ts';
import { insertUser } from '../contract/fixtures.ts';
import { insertRoom, join, post } from '../contract/room-fixtures.ts';
import type { Store } from '../store.ts';
import { openStore } from './open.ts';
import { BATCH_HOLD_MS, nextBatchSize, QUEUE_BATCH, QUEUE_BATCH_MIN, QUEUE_IDLE_MS, QUIET_BATCH_HOLD_MS } from './search/search-queue.ts';

/**
 * SQLite (migration 0017): a send only queues its message for the search index; batches are
 * indexed after the sends. Every message is found the moment its send is acknowledged (a search
 * catches up first), edits and deletes are right whether the message was still queued or already
 * indexed, the queue is bounded without any search, what a stopped server left queued is indexed
 * after a restart, and the FTS5 indexes stay exactly their content.
 */
describe('SQLite search: messages indexed after their sends', () => {
  let store: Store;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(joinPath(tmpdir(), 'rooms-search-queue-'));
    store = await openStore({ dataDir: dir });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const db = () => (store as unknown as { db: Kysely<unknown> }).db;
  const count = async (table: 'message_search_queue' | 'message_search') =>
    Number((await sql<{ n: number }>`select count(*) as n from ${sql.table(table)}`.execute(db())).rows[0]!.n);
  const integrity = async () => {
    for (const t of ['message_search_words', 'message_search_trigram'])
      await sql`insert into ${sql.table(t)}(${sql.table(t)}, rank) values ('integrity-check', 1)`.execute(db());
  };
  const word = (i: number) => `zebra${String(i).padStart(3, '0')}quartz`;

  const setUp = async (s: Store) => {
    const a = await insertUser(s);
    const r = await insertRoom(s);
    await join(s, r.id, a.id, 'owner');
    const find = async (q: string) =>
      (await s.messages.search(a.id, parseSearchQuery(q, { now: new Date() }), { sort: 'recent', limit: 50, budgetMs: 5000 })).items.map(
        (m) => m.content,
      );
    return { a, r, find };
  };

  it('a send writes only its queue row; a search right after finds it; edits and deletes hold on either side', async () => {
    const { a, r, find } = await setUp(store);
    await find('nothing'); // the queue is empty from here
    const first = await post(store, r.id, a.id, { content: `note ${word(1)} here` });
    assert.deepEqual([await count('message_search_queue'), await count('message_search')], [1, 0], 'queued, not indexed');
    assert.deepEqual(await find(word(1)), [`note ${word(1)} here`], 'found at once');
    assert.deepEqual([await count('message_search_queue'), await count('message_search')], [0, 1], 'the search indexed it');

    // Queued messages edited and deleted before their batch: read as they are when indexed.
    const queued: { id: string }[] = [];
    for (let i = 2; i <= 5; i++) queued.push(await post(store, r.id, a.id, { content: `note ${word(i)} here` }));
    const now = new Date().toISOString();
    await store.transaction((tx) => tx.messages.update(queued[0]!.id, { content: 'changed walrusqueued', edited_at: now }));
    await store.transaction((tx) => tx.messages.update(queued[1]!.id, { deleted_at: now }));
    // And an indexed one.
    await store.transaction((tx) => tx.messages.update(first.id, { content: 'changed walrusindexed', edited_at: now }));
    assert.deepEqual(await find('walrusqueued'), ['changed walrusqueued']);
    assert.deepEqual(await find('walrusindexed'), ['changed walrusindexed']);
    for (const i of [1, 2, 3]) assert.deepEqual(await find(word(i)), [], `${word(i)} is gone`);
    assert.deepEqual(await find('ebra00'), [`note ${word(5)} here`, `note ${word(4)} here`]);
    await store.transaction((tx) => tx.messages.update(queued[3]!.id, { deleted_at: now }));
    assert.deepEqual(await find('ebra00'), [`note ${word(4)} here`], 'a delete of an indexed message');
    await integrity();
  });

  it('the queue is indexed without any search: a full batch at once, the rest after a short idle time', async () => {
    const { a, r, find } = await setUp(store);
    await find('nothing');
    const before = await count('message_search');
    const n = QUEUE_BATCH + 3;
    // At once (they share group commits): one at a time, a batch's worth of sends can outlast the idle time on a busy machine.
    await Promise.all(Array.from({ length: n }, (_x, i) => post(store, r.id, a.id, { content: `batch ${word(i)}` })));
    // A full batch is a few milliseconds of work; far less than the idle time, even on a busy machine.
    for (let waited = 0; waited < QUEUE_IDLE_MS / 2 && (await count('message_search_queue')) >= QUEUE_BATCH; waited += 25) await sleep(25);
    assert.ok((await count('message_search_queue')) < QUEUE_BATCH, 'a full batch was indexed');
    assert.ok((await count('message_search')) >= before + QUEUE_BATCH);
    await sleep(QUEUE_IDLE_MS + 300);
    assert.equal(await count('message_search_queue'), 0, 'the rest after the idle time');
    assert.equal(await count('message_search'), before + n);
    await integrity();
  });

  it('the send that fills a batch is answered before the batch is written, which follows within milliseconds', async () => {
    const { a, r, find } = await setUp(store);
    await find('nothing');
    const queue = (store as unknown as { searchQueue: { batchSize: number } }).searchQueue;
    const size = queue.batchSize;
    queue.batchSize = 4;
    try {
      // One at a time, each its own transaction: the fourth fills the batch.
      for (let i = 0; i < 4; i++) await post(store, r.id, a.id, { content: `fills ${word(i)}` });
      assert.equal(await count('message_search_queue'), 4, 'the batch was not written in the transaction of the send that filled it');
      for (let waited = 0; waited < QUEUE_IDLE_MS / 2 && (await count('message_search_queue')) > 0; waited += 10) await sleep(10);
      assert.equal(await count('message_search_queue'), 0, 'written soon after, not at the idle time');
    } finally {
      queue.batchSize = size;
    }
    await integrity();
  });

  it('FTS5 merges nothing by itself (0022); the batches merge a few pages each, and the segments stay few', async () => {
    const { a, r, find } = await setUp(store);
    for (const t of ['message_search_words', 'message_search_trigram']) {
      const v = await sql<{ v: number }>`select v from ${sql.table(`${t}_config`)} where k = 'automerge'`.execute(db());
      assert.equal(Number(v.rows[0]?.v), 0, `${t}: automerge is off`);
    }
    const segments = async (t: string) =>
      Number((await sql<{ n: number }>`select count(distinct segid) as n from ${sql.table(`${t}_idx`)}`.execute(db())).rows[0]!.n);
    // 60 batches (a search indexes what is queued, and no batch is under QUEUE_BATCH_MIN), each its
    // own segment in each index: without merges, up to 16 of them wait on the first level (FTS5's
    // crisis merge: 17-18 segments in all here), then all are merged at once.
    let most = 0;
    for (let b = 0; b < 60; b++) {
      await Promise.all(
        Array.from({ length: QUEUE_BATCH_MIN }, (_x, i) =>
          post(store, r.id, a.id, { content: `seg ${word(b)} ${word(i + 100)} walrus${b}x${i}y` }),
        ),
      );
      await find('nothing'); // the search indexes the queue: one batch
      most = Math.max(most, await segments('message_search_words'), await segments('message_search_trigram'));
    }
    assert.ok(most <= 10, `at most ${most} segments in an index`);
    assert.deepEqual(await find(`walrus59x3y`), [`seg ${word(59)} ${word(103)} walrus59x3y`]);
    await integrity();
  });

  it('what a stopped server left queued is indexed after a restart, and a rebuild meanwhile is harmless', async () => {
    const { a, r } = await setUp(store);
    await store.messages.search(a.id, parseSearchQuery('nothing', { now: new Date() }), { sort: 'recent', limit: 1, budgetMs: 5000 });
    const m = await post(store, r.id, a.id, { content: 'left behind pelican' });
    await store.close();
    store = await openStore({ dataDir: dir });
    assert.equal(await count('message_search_queue'), 1);
    // A rebuild writes the queued message's row too; its batch then replaces it (no duplicate, no error).
    await store.messages.rebuildSearchIndex();
    await sleep(QUEUE_IDLE_MS + 300);
    assert.equal(await count('message_search_queue'), 0, 'indexed without a search');
    const rows = await sql<{ n: number }>`select count(*) as n from message_search where message_id = ${m.id}`.execute(db());
    assert.equal(Number(rows.rows[0]!.n), 1);
    const found = await store.messages.search(a.id, parseSearchQuery('pelican', { now: new Date() }), {
      sort: 'recent',
      limit: 5,
      budgetMs: 5000,
    });
    assert.deepEqual(
      found.items.map((x) => x.content),
      ['left behind pelican'],
    );
    await integrity();
  });
});

describe('SQLite search: a batch holds the writer about BATCH_HOLD_MS, not a fixed count', () => {
  const perMessage = (us: number, n: number) => (us * n) / 1000; // a batch's ms at that pace
  it('shrinks while batches are slow, half-way each time, and never below the least', () => {
    let size = QUEUE_BATCH;
    const sizes: number[] = [];
    for (let i = 0; i < 8; i++) sizes.push((size = nextBatchSize(size, size, perMessage(55, size))));
    assert.equal(sizes[0], Math.round((QUEUE_BATCH + BATCH_HOLD_MS / 0.055) / 2), 'half-way from the last size');
    assert.ok(Math.abs(sizes.at(-1)! - BATCH_HOLD_MS / 0.055) <= 1, `settles where the hold fits: ${sizes}`);
    assert.equal(nextBatchSize(QUEUE_BATCH_MIN, QUEUE_BATCH_MIN, perMessage(5000, QUEUE_BATCH_MIN)), QUEUE_BATCH_MIN);
  });
  it('grows back, up to the most, when batches are quick again', () => {
    let size = QUEUE_BATCH_MIN;
    for (let i = 0; i < 10; i++) size = nextBatchSize(size, size, perMessage(10, size));
    assert.equal(size, QUEUE_BATCH);
  });
  it('while the event loop is quiet, batches hold the writer QUIET_BATCH_HOLD_MS: shorter', () => {
    let size = QUEUE_BATCH;
    for (let i = 0; i < 12; i++) size = nextBatchSize(size, size, perMessage(10, size), QUIET_BATCH_HOLD_MS);
    assert.ok(Math.abs(size - QUIET_BATCH_HOLD_MS / 0.01) <= 1, `settles where the quiet hold fits: ${size}`);
    assert.ok(size < nextBatchSize(QUEUE_BATCH, QUEUE_BATCH, perMessage(10, QUEUE_BATCH)), 'fewer than while busy');
  });
  it('a batch too small to time (the tail of a drain) leaves the size as it was', () => {
    assert.equal(nextBatchSize(100, 3, 50), 100);
    assert.equal(nextBatchSize(100, 40, 0), 100);
  });
});
