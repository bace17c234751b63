import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { at, post } from '../../server/src/store/contract/room-fixtures.ts';
import { SEARCH_TOTAL_EXACT_MAX } from '../../server/src/store/search-types.ts';
import { highlightRanges, RoomsApiError, type SearchHit, type SearchPage } from '../src/node.ts';
import { member, type Member, roomOf, type TestServer, wsSetups } from './helpers.ts';

/** The marked text of a hit, as a client shows it: "we [re]deploy…" with the matches in brackets. */
const marked = (h: SearchHit) =>
  highlightRanges(h.message.content, h.matches)
    .map((s) => (s.match ? `[${s.text}]` : s.text))
    .join('');

// client.search against the real GET /search, on both databases: typed pages, the options, the
// cursor, and a query the server cannot read as a RoomsApiError that names the problem.
for (const setup of wsSetups()) {
  describe(`client search: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    let alice: Member, bob: Member;
    let room: string, other: string;
    before(async () => {
      srv = await setup.start();
      alice = await member(srv.url);
      bob = await member(srv.url);
      room = await roomOf(alice, bob);
      other = await roomOf(alice, bob);
      await alice.client.messages.send(room, { content: 'We should redeploy the staging server.' });
      await bob.client.messages.send(room, { content: 'Agreed, after lunch.' });
      await bob.client.messages.send(other, { content: 'A deploy freeze starts on Friday.' });
      for (let i = 1; i <= 5; i++) await alice.client.messages.send(other, { content: `pagination marker ${i}` });
    });
    after(() => srv.stop());

    it('finds a part of a word in every room I read, with its room, the match ranges and the context', async () => {
      const page = await bob.client.search('deploy');
      assert.equal(page.total, 2);
      assert.equal(page.total_exact, true);
      const inRoom = page.items.find((h) => h.room.id === room)!;
      assert.equal(marked(inRoom), 'We should re[deploy] the staging server.');
      assert.equal(inRoom.message.sender.id, alice.id);
      assert.equal(inRoom.context.after?.content, 'Agreed, after lunch.');
      assert.deepEqual(page.items.map((h) => h.room.id).sort(), [room, other].sort());
    });

    it('roomId narrows to one room; limit and cursor page through, sort recent is newest first', async () => {
      const only = await bob.client.search('deploy', { roomId: other });
      assert.deepEqual(only.items.map(marked), ['A [deploy] freeze starts on Friday.']);
      const first = await bob.client.search('pagination marker', { limit: 2, sort: 'recent' });
      assert.equal(first.total, 5);
      assert.deepEqual(
        first.items.map((h) => h.message.content),
        ['pagination marker 5', 'pagination marker 4'],
      );
      assert.ok(first.next_cursor);
      const seen = [...first.items];
      for (let cursor: string | null = first.next_cursor; cursor;) {
        const next = await bob.client.search('pagination marker', { limit: 2, sort: 'recent', cursor });
        seen.push(...next.items);
        cursor = next.next_cursor;
      }
      assert.deepEqual(
        seen.map((h) => h.message.content),
        [5, 4, 3, 2, 1].map((i) => `pagination marker ${i}`),
      );
    });

    it(`past ${SEARCH_TOTAL_EXACT_MAX} matches, total is an estimate: total_exact is false`, async () => {
      const bulk = await roomOf(alice, bob);
      // Stored through the server's store (a thousand sends would test nothing more), searched through the client.
      await srv.app.store.transaction(async (tx) => {
        for (let i = 0; i <= SEARCH_TOTAL_EXACT_MAX + 5; i++) await post(tx, bulk, bob.id, { content: `lemming ${i}`, created_at: at(i) });
      });
      const page: SearchPage = await alice.client.search('lemming', { roomId: bulk, limit: 3 });
      assert.equal(page.total_exact, false);
      assert.ok(page.total > SEARCH_TOTAL_EXACT_MAX, String(page.total));
      assert.equal(page.items.length, 3);
      const exact = await alice.client.search('lemming 99', { roomId: bulk });
      assert.deepEqual([exact.total, exact.total_exact], [19, true], 'every lemming with 99 in its number');
    });

    it('a query the server cannot read rejects with invalid_query naming it; nothing of a room I am not in', async () => {
      const err = await bob.client.search('deploy nosuchop:thing').catch((e: unknown) => e);
      assert.ok(err instanceof RoomsApiError);
      assert.equal(err.status, 400);
      assert.equal(err.code, 'invalid_query');
      assert.match(err.message, /nosuchop/);
      const stranger = await member(srv.url);
      assert.equal((await stranger.client.search('deploy')).total, 0);
    });
  });
}
