import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join as joinPath } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { sql, type Kysely } from 'kysely';
import { parseSearchQuery } from '../../domain/search-query.ts';
import { insertUser } from '../contract/fixtures.ts';
import { insertRoom, join, post } from '../contract/room-fixtures.ts';
import type { Store } from '../store.ts';
import { openStore } from './open.ts';

/**
 * SQLite (migration 0016): the trigram index is written 256 rows at a time. Every message is found
 * the moment its transaction commits, indexed yet or not; an edit or a delete is right on either
 * side of a batch; and once a batch is written the index is exactly its content (FTS5's own check).
 */
describe('SQLite search: trigrams written in batches', () => {
  let store: Store;
  let dir: string;
  before(async () => {
    dir = mkdtempSync(joinPath(tmpdir(), 'rooms-trigram-batches-'));
    store = await openStore({ dataDir: dir });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const db = () => (store as unknown as { db: Kysely<unknown> }).db;
  const waiting = async () =>
    Number((await sql<{ n: number }>`select count(*) as n from message_search_trigram_pending`.execute(db())).rows[0]!.n);
  const integrity = () => sql`insert into message_search_trigram(message_search_trigram, rank) values ('integrity-check', 1)`.execute(db());

  it('finds every message, waiting or indexed, through edits and deletes, and keeps the index exact', async () => {
    const a = await insertUser(store);
    const r = await insertRoom(store);
    await join(store, r.id, a.id, 'owner');
    const find = async (q: string) =>
      (
        await store.messages.search(a.id, parseSearchQuery(q, { now: new Date() }), { sort: 'recent', limit: 50, budgetMs: 5000 })
      ).items.map((m) => m.content);
    const word = (i: number) => `zebra${String(i).padStart(3, '0')}quartz`;
    const sent: { id: string }[] = [];
    for (let i = 1; i <= 300; i++) sent.push(await post(store, r.id, a.id, { content: `note ${word(i)} here` }));
    assert.equal(await waiting(), 300 - 256, 'one batch of 256 written, the rest waiting');
    assert.deepEqual(await find(word(10)), [`note ${word(10)} here`], 'an indexed message');
    assert.deepEqual(await find(word(290)), [`note ${word(290)} here`], 'a waiting message');
    assert.deepEqual(
      await find('ebra29'),
      Array.from({ length: 10 }, (_, k) => `note ${word(299 - k)} here`),
      'a substring across both',
    );

    // Edits and deletes on both sides of the batch.
    const now = new Date().toISOString();
    await store.transaction((tx) => tx.messages.update(sent[0]!.id, { content: 'changed walrusindexed', edited_at: now }));
    await store.transaction((tx) => tx.messages.update(sent[299]!.id, { content: 'changed walruswaiting', edited_at: now }));
    await store.transaction((tx) => tx.messages.update(sent[1]!.id, { deleted_at: now }));
    await store.transaction((tx) => tx.messages.update(sent[298]!.id, { deleted_at: now }));
    assert.deepEqual(await find('walrusindexed'), ['changed walrusindexed']);
    assert.deepEqual(await find('walruswaiting'), ['changed walruswaiting']);
    for (const i of [1, 2, 299, 300]) assert.deepEqual(await find(word(i)), [], `${word(i)} is gone`);

    // Up to the next batch: 43 rows wait (44, one deleted); 213 more make 256, written at once.
    assert.equal(await waiting(), 43);
    for (let i = 301; i <= 513; i++) await post(store, r.id, a.id, { content: `note ${word(i)} here` });
    assert.equal(await waiting(), 0, 'the second batch written');
    await integrity();
    assert.deepEqual(await find('walruswaiting'), ['changed walruswaiting'], 'now from the index');
    assert.deepEqual(await find(word(513)), [`note ${word(513)} here`]);
  });
});
