import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../domain/errors.ts';
import { parseSearchQuery } from '../../domain/search-query.ts';
import type { MessageRow, NewMessage, RoomRow } from '../room-types.ts';
import { SEARCH_TOTAL_EXACT_MAX, type MessageSearchOptions } from '../search-types.ts';
import type { Store } from '../store.ts';
import type { UserRow } from '../types.ts';
import { anAttachment } from './attachments.contract.ts';
import { insertUser } from './fixtures.ts';
import { at, insertRoom, join, post } from './room-fixtures.ts';

const NOW = new Date(Date.UTC(2026, 5, 1));

/** Message search (issue 17): every operator, matching, access, index upkeep, ranking, paging, the time budget. */
export function searchContract(store: () => Store): void {
  /** A searcher `a` and a peer `b` (short usernames: from: takes 3–20 characters) in a fresh room: nothing else is theirs. */
  const world = async () => {
    const tag = Math.random().toString(36).slice(2, 8);
    const a = await insertUser(store(), { username: `sa_${tag}` });
    const b = await insertUser(store(), { username: `sb_${tag}` });
    const r = await insertRoom(store(), { name: `Search ${tag}` });
    await join(store(), r.id, a.id, 'owner');
    await join(store(), r.id, b.id);
    return { a, b, r, tag };
  };
  let second = 0;
  /** Posts in order: each message a second after the one before, unless told. */
  const say = (room: RoomRow, sender: UserRow, content: string, over: Partial<NewMessage> = {}): Promise<MessageRow> =>
    post(store(), room.id, sender.id, { content, created_at: at(100_000 + ++second), ...over });
  const search = (user: UserRow, q: string, opts: Partial<MessageSearchOptions> = {}) =>
    store().messages.search(user.id, parseSearchQuery(q, { now: NOW }), { sort: 'relevance', limit: 50, budgetMs: 10_000, ...opts });
  /** The contents found, in order. */
  const find = async (user: UserRow, q: string, opts: Partial<MessageSearchOptions> = {}): Promise<string[]> =>
    (await search(user, q, opts)).items.map((m) => m.content);
  const same = (actual: string[], expected: string[], message?: string) =>
    assert.deepEqual([...actual].sort(), [...expected].sort(), message);

  describe('message search', () => {
    it('needs every word, in any order and anywhere, case and accents aside', async () => {
      const { a, b, r } = await world();
      await say(r, b, 'The Café serves crème brûlée');
      await say(r, b, 'the cafe is closed');
      await say(r, b, 'CRÈME only');
      same(await find(a, 'cafe creme'), ['The Café serves crème brûlée']);
      same(await find(a, 'CAFÉ'), ['The Café serves crème brûlée', 'the cafe is closed']);
      same(await find(a, 'brulee CREME'), ['The Café serves crème brûlée']);
      same(await find(a, 'ｃａｆｅ'), ['The Café serves crème brûlée', 'the cafe is closed'], 'full-width letters are plain ones');
      same(await find(a, 'nothing-like-this'), []);
    });

    it('finds parts of words, identifiers, URLs, emoji and stems', async () => {
      const { a, b, r } = await world();
      await say(r, b, 'the redeployment failed');
      await say(r, b, 'set max_retry_count in config.yaml');
      await say(r, b, 'see https://github.com/rooms-chat/server/issues for more');
      await say(r, b, 'party time 🎉');
      await say(r, b, 'she runs every morning');
      same(await find(a, 'deploy'), ['the redeployment failed']);
      same(await find(a, 'retry'), ['set max_retry_count in config.yaml']);
      same(await find(a, 'max_retry_count'), ['set max_retry_count in config.yaml']);
      same(await find(a, 'config.yaml'), ['set max_retry_count in config.yaml']);
      same(await find(a, 'yaml'), ['set max_retry_count in config.yaml']);
      same(await find(a, 'github'), ['see https://github.com/rooms-chat/server/issues for more']);
      same(await find(a, 'rooms-chat'), ['see https://github.com/rooms-chat/server/issues for more']);
      same(await find(a, '🎉'), ['party time 🎉']);
      same(await find(a, 'running'), ['she runs every morning'], 'stemmed: running → run');
    });

    it('finds CJK text of 1, 2 and 3+ characters without spaces', async () => {
      const { a, b, r } = await world();
      await say(r, b, '東京タワーに行った');
      await say(r, b, '京都は美しい');
      await say(r, b, '오늘 날씨가 좋네요');
      same(await find(a, '東京'), ['東京タワーに行った']);
      same(await find(a, '京'), ['東京タワーに行った', '京都は美しい']);
      same(await find(a, 'タワー'), ['東京タワーに行った']);
      same(await find(a, '東京タワーに'), ['東京タワーに行った']);
      same(await find(a, '날씨'), ['오늘 날씨가 좋네요']);
      same(await find(a, '大阪'), []);
    });

    it('finds the same whether a word is common elsewhere (a scan of the rooms) or rare (through the index)', async () => {
      const { a, b, r, tag } = await world();
      const crowd = await insertRoom(store());
      await join(store(), crowd.id, b.id);
      for (let i = 0; i < 80; i++) await say(crowd, b, `crowd${tag} elsewhere ${i}`);
      await say(r, b, `crowd${tag} mine`);
      for (let i = 0; i < 30; i++) await say(r, b, `filler ${i}`);
      await say(r, b, `lone${tag} here`);
      same(await find(a, `crowd${tag}`), [`crowd${tag} mine`]);
      same(await find(a, `"crowd${tag} mine"`), [`crowd${tag} mine`]);
      same(await find(a, `lone${tag}`), [`lone${tag} here`]);
      same(await find(a, `lone${tag} crowd${tag}`), []);
      same(await find(b, `crowd${tag} -elsewhere`), [`crowd${tag} mine`]);
    });

    it('matches a phrase as written, and short words anywhere', async () => {
      const { a, b, r } = await world();
      await say(r, b, 'an exact  phrase here');
      await say(r, b, 'phrase exact, reversed');
      await say(r, b, 'go to it');
      same(await find(a, '"exact phrase"'), ['an exact  phrase here']);
      same(await find(a, '"EXACT PHRASE" here'), ['an exact  phrase here']);
      same(await find(a, 'go'), ['go to it']);
      same(await find(a, 'x'), ['phrase exact, reversed', 'an exact  phrase here']);
    });

    it('leaves out excluded words and phrases, and an exclusion never adds a row', async () => {
      const { a, b, r } = await world();
      await say(r, b, 'deploy the server');
      await say(r, b, 'deploy the client');
      await say(r, b, 'deploy to staging server now');
      same(await find(a, 'deploy -client'), ['deploy the server', 'deploy to staging server now']);
      same(await find(a, 'deploy -"the server"'), ['deploy the client', 'deploy to staging server now']);
      same(await find(a, 'deploy -server -client'), []);
      const all = await find(a, 'deploy');
      for (const q of ['deploy -staging', 'deploy -"to staging"', 'deploy -nothing']) {
        const some = await find(a, q);
        assert.ok(
          some.every((c) => all.includes(c)),
          `${q} ⊆ deploy`,
        );
      }
      same(await find(a, 'deploy -nothing'), all);
    });

    it('filters by sender, room, mentions, dates, attachments, links, threads and pins', async () => {
      const { a, b, r, tag } = await world();
      const other = await insertRoom(store(), { name: `Other ${tag}` });
      await join(store(), other.id, a.id);
      const mine = await say(r, a, 'note from me');
      const theirs = await say(r, b, 'note from b, to @me', { mentions: [a.id] });
      const elsewhere = await say(other, a, 'note in the other room', { created_at: '2026-03-15T10:00:00.000Z' });
      const everyone = await say(r, b, 'note for @room', { mentions_room: true, created_at: '2026-03-16T00:00:00.000Z' });
      const reply = await say(r, b, 'note in a thread', { parent_id: mine.id });
      const link = await say(r, b, 'note with www.example.org inside');
      const pic = await say(r, b, 'note with a picture');
      const doc = await say(r, b, 'note with a document');
      const image = anAttachment(b.id, { kind: 'image' });
      const pdf = anAttachment(b.id, { kind: 'document', mime_type: 'application/pdf', filename: 'a.pdf' });
      await store().attachments.insert(image);
      await store().attachments.insert(pdf);
      assert.equal(await store().attachments.post(b.id, [image.id], pic, at(1)), 1);
      assert.equal(await store().attachments.post(b.id, [pdf.id], doc, at(1)), 1);
      await store().pins.pin({ room_id: r.id, message_id: link.id, pinned_by: a.id, pinned_at: at(2) });

      same(await find(a, 'note from:me'), [mine.content, elsewhere.content]);
      same(await find(a, `note from:${b.username}`), [
        theirs.content,
        everyone.content,
        reply.content,
        link.content,
        pic.content,
        doc.content,
      ]);
      same(await find(a, `note from:me from:@${b.username} in:"Other ${tag}"`), [elsewhere.content]);
      same(await find(a, `note in:${other.id}`), [elsewhere.content]);
      same(await find(a, 'note', { roomId: other.id }), [elsewhere.content]);
      same(await find(a, 'note mentions:me'), [theirs.content, everyone.content]);
      same(await find(a, 'note during:2026-03'), [elsewhere.content, everyone.content]);
      same(await find(a, 'note during:2026-03-15'), [elsewhere.content]);
      same(await find(a, 'note after:2026-03-15 before:2026-03-17'), [everyone.content]);
      same(await find(a, 'note has:attachment'), [pic.content, doc.content]);
      same(await find(a, 'note has:image'), [pic.content]);
      same(await find(a, 'note has:file'), [doc.content]);
      same(await find(a, 'note has:link'), [link.content]);
      same(await find(a, 'note is:thread'), [reply.content]);
      same(await find(a, 'is:pinned'), [link.content]);
      same(await find(a, `from:${b.username} has:image is:thread`), []);
      same(await find(a, 'in:no-such-room note'), []);
    });

    it('lists a query of filters only newest first, whatever the sort', async () => {
      const { a, b, r } = await world();
      await say(r, b, 'first');
      await say(r, b, 'second');
      await say(r, b, 'third');
      assert.deepEqual(await find(a, `from:${b.username}`), ['third', 'second', 'first']);
      assert.deepEqual(await find(a, `from:${b.username}`, { sort: 'recent' }), ['third', 'second', 'first']);
    });

    it('searches only rooms the searcher is a member of now', async () => {
      const { a, b, r, tag } = await world();
      const word = `secret${tag}`;
      await say(r, b, `${word} in a shared room`);
      const privateRoom = await insertRoom(store(), { type: 'private' });
      await join(store(), privateRoom.id, b.id, 'owner');
      await say(privateRoom, b, `${word} in their private room`);
      const c = await insertUser(store());
      const direct = await insertRoom(store(), { type: 'direct', direct_key: [b.id, c.id].sort().join(':') });
      await join(store(), direct.id, b.id);
      await join(store(), direct.id, c.id);
      await say(direct, b, `${word} in their direct room`);
      const left = await insertRoom(store());
      await join(store(), left.id, a.id);
      await join(store(), left.id, b.id);
      await say(left, b, `${word} in a room a left`);
      await store().members.remove(left.id, a.id);
      const banned = await insertRoom(store());
      await join(store(), banned.id, a.id);
      await join(store(), banned.id, b.id);
      await say(banned, b, `${word} in a room a was banned from`);
      await store().members.remove(banned.id, a.id);
      await store().bans.add({ room_id: banned.id, user_id: a.id, banned_by: b.id, reason: null, created_at: at(3) });

      same(await find(a, word), [`${word} in a shared room`]);
      same(await find(a, `${word} in:${privateRoom.id}`), []);
      same(await find(a, word, { roomId: direct.id }), []);
      same(await find(b, word), [
        `${word} in a shared room`,
        `${word} in their private room`,
        `${word} in their direct room`,
        `${word} in a room a left`,
        `${word} in a room a was banned from`,
      ]);
    });

    it('reflects edits and deletes at once, and never returns a deleted message', async () => {
      const { a, b, r } = await world();
      const m = await say(r, b, 'original wording');
      const gone = await say(r, b, 'original but deleted');
      await store().transaction((tx) => tx.messages.update(m.id, { content: 'revised text', edited_at: at(5) }));
      await store().transaction((tx) => tx.messages.update(gone.id, { deleted_at: at(6) }));
      same(await find(a, 'original'), []);
      same(await find(a, 'revised'), ['revised text']);
      same(await find(a, 'deleted'), []);
      same(await find(a, `from:${b.username}`), ['revised text']);
    });

    it('ranks words side by side above scattered ones, whole words above parts, and recent above old', async () => {
      const { a, b, r } = await world();
      await say(r, b, 'server went down after the deploy');
      await say(r, b, 'deploy server tonight');
      await say(r, b, 'redeployed the webserver');
      assert.deepEqual(await find(a, 'deploy server'), [
        'deploy server tonight',
        'server went down after the deploy',
        'redeployed the webserver',
      ]);
      await say(r, b, 'old cat picture', { created_at: at(10) });
      await say(r, b, 'new cat picture', { created_at: at(20) });
      assert.deepEqual(await find(a, 'cat picture'), ['new cat picture', 'old cat picture']);
      assert.deepEqual(await find(a, 'deploy', { sort: 'recent' }), [
        'redeployed the webserver',
        'deploy server tonight',
        'server went down after the deploy',
      ]);
    });

    it('pages with a cursor that stays stable while messages arrive, with the total on every page', async () => {
      const { a, b, r } = await world();
      for (let i = 0; i < 7; i++) await say(r, b, i % 2 === 0 ? `page word ${i}` : `page wording ${i}`);
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await search(a, 'page word', { limit: 3, cursor });
        assert.equal(page.total, 7 + pages, 'the total counts every match');
        assert.equal(page.total_exact, true);
        seen.push(...page.items.map((m) => m.content));
        cursor = page.next_cursor ?? undefined;
        // A new, best-ranked match arrives between pages: it belongs before the cursor, so it is not seen.
        await say(r, b, `page word new ${pages++}`);
      } while (cursor);
      assert.equal(new Set(seen).size, seen.length, 'no hit twice');
      same(
        seen,
        Array.from({ length: 7 }, (_, i) => (i % 2 === 0 ? `page word ${i}` : `page wording ${i}`)),
      );
      await assert.rejects(
        search(a, 'page', { cursor: 'not-a-cursor' }),
        (e: unknown) => e instanceof DomainError && e.code === 'invalid_cursor',
      );
    });

    it(`counts the total exactly up to ${SEARCH_TOTAL_EXACT_MAX} matches, and past that estimates it, flagged`, async () => {
      const { a, b, r, tag } = await world();
      const over = 30;
      // One transaction: a thousand sends one by one would take seconds on PostgreSQL.
      await store().transaction(async (tx) => {
        for (let i = 0; i < SEARCH_TOTAL_EXACT_MAX + over; i++)
          await post(tx, r.id, b.id, { content: `bulk${tag} ${i < SEARCH_TOTAL_EXACT_MAX ? 'under' : 'over'} ${i}`, created_at: at(i) });
        for (let i = 0; i < 40; i++) await post(tx, r.id, b.id, { content: `other ${i}`, created_at: at(i) });
      });
      const exact = await search(a, `bulk${tag} under`, { limit: 10 });
      assert.deepEqual([exact.total, exact.total_exact], [SEARCH_TOTAL_EXACT_MAX, true], 'at the bound: exact');
      const few = await search(a, `bulk${tag} over`, { limit: 10 });
      assert.deepEqual([few.total, few.total_exact, few.items.length], [over, true, 10], 'past the page: counted');
      const second = await search(a, `bulk${tag} over`, { limit: 10, cursor: few.next_cursor! });
      assert.deepEqual([second.total, second.total_exact], [over, true], 'every page counts');

      const all = SEARCH_TOTAL_EXACT_MAX + over;
      for (const sort of ['relevance', 'recent'] as const) {
        const broad = await search(a, `bulk${tag}`, { limit: 10, sort });
        assert.equal(broad.total_exact, false, 'past the bound: an estimate');
        assert.ok(broad.total > SEARCH_TOTAL_EXACT_MAX, `never below the bound + 1 (${broad.total})`);
        assert.ok(broad.total >= all * 0.8 && broad.total <= all * 1.25, `close to the ${all} matches: ${broad.total}`);
        assert.equal(broad.items.length, 10);
        assert.ok(broad.next_cursor);
      }
      const filters = await search(a, `from:${b.username}`, { limit: 5 });
      assert.equal(filters.total_exact, false, 'a query of filters only too');
      assert.ok(filters.total > SEARCH_TOTAL_EXACT_MAX && filters.total <= (all + 40) * 1.25, `${filters.total}`);
      assert.deepEqual(
        [(await search(a, `bulk${tag} -bulk${tag}`)).total, (await search(b, `bulk${tag} zzz${tag}`)).total],
        [0, 0],
        'nothing matches: 0, exact',
      );
    });

    it('ends a query that runs past its time budget with query_too_broad, and answers in time', async () => {
      const { a, b, r } = await world();
      for (let i = 0; i < 50; i++) await say(r, b, `entry number ${i}`);
      await assert.rejects(search(a, 'e', { budgetMs: -1 }), (e: unknown) => e instanceof DomainError && e.code === 'query_too_broad');
      const t0 = performance.now();
      const page = await search(a, 'e -q -j -k -w', { budgetMs: 2000 });
      assert.ok(performance.now() - t0 < 4000, 'within its budget');
      assert.equal(page.total, 50);
    });

    it('rebuilds the index from the messages', async () => {
      const { a, b, r, tag } = await world();
      await say(r, b, `rebuilt ${tag}`);
      const done: number[] = [];
      const n = await store().messages.rebuildSearchIndex((d) => done.push(d));
      assert.ok(n >= 1 && done.at(-1) === n);
      same(await find(a, `rebuilt ${tag}`), [`rebuilt ${tag}`]);
    });
  });
}
