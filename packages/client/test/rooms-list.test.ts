import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RoomsClient } from '../src/node.ts';
import { member, type Member, type TestServer, wsSetups } from './helpers.ts';

// GET /rooms answers a page at a time; rooms.list() reads every page so that callers (the terminal
// client's `rooms`) see the whole list as before, in order, even while it changes under them.
for (const setup of wsSetups()) {
  describe(`client rooms.list(): every page: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    let alice: Member;
    before(async () => {
      srv = await setup.start();
      alice = await member(srv.url);
    });
    after(() => srv.stop());

    it('returns all 230 rooms once each, most recent first, though one on a later page is written to and one is created while it reads', async () => {
      const ids: string[] = [];
      for (let i = 0; i < 230; i += 10) {
        const batch = await Promise.all(Array.from({ length: 10 }, (_, k) => alice.client.rooms.create({ name: `list ${i + k}` })));
        ids.push(...batch.map((r) => r.id));
      }
      const oldest = (await alice.client.rooms.page({ limit: 200 })).next_cursor;
      assert.ok(oldest, 'more than one page');

      // Between the first and the second page: a message in the oldest room (it jumps ahead of the
      // cursor, past the pages still to read) and a new room.
      let pages = 0;
      let fresh = '';
      const hooked: typeof fetch = async (input, init) => {
        const res = await fetch(input, init);
        if (String(input).includes('/rooms?') && ++pages === 1) {
          await alice.client.messages.send(ids[0]!, { content: 'moved to the front' });
          fresh = (await alice.client.rooms.create({ name: 'made while listing' })).id;
        }
        return res;
      };
      const listing = new RoomsClient({ baseUrl: srv.url, token: alice.client.token, fetch: hooked });
      const { items, next_cursor } = await listing.rooms.list();
      assert.equal(next_cursor, null);
      assert.equal(new Set(items.map((r) => r.id)).size, items.length, 'no room twice');
      assert.deepEqual(items.map((r) => r.id).sort(), [...ids, fresh].sort());
      assert.equal(items[0]!.id, fresh);
      assert.equal(items[1]!.id, ids[0], 'the room written to, with its new activity');
      const activity = items.map((r) => r.last_message_at ?? r.created_at);
      assert.deepEqual([...activity].sort().reverse(), activity);
    });
  });
}
