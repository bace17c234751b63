import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isRoomsApiError } from '../src/node.ts';
import { connected, FAST, member, type Member, type TestServer, wsSetups } from './helpers.ts';

// Issue 19: messages.sendToUser opens (or reuses) the direct room in one call; rooms.hide / unhide.
for (const setup of wsSetups().slice(0, 1)) {
  describe(`client: messaging a user, hiding a direct room: ${setup.name}`, () => {
    let srv: TestServer;
    let alice: Member;
    let bob: Member;
    before(async () => {
      srv = await setup.start();
      alice = await member(srv.url);
      bob = await member(srv.url);
    });
    after(() => srv.stop());

    it('sendToUser by id and by username reaches one room; hide and unhide change only my list; live events tell me', async () => {
      const first = await alice.client.messages.sendToUser({ username: bob.username }, { content: 'hi', client_id: 'c-1' });
      assert.deepEqual(
        [first.created, first.room_created, first.message.content, first.message.room_id],
        [true, true, 'hi', first.room_id],
      );
      const again = await alice.client.messages.sendToUser(bob.id, { content: 'hi', client_id: 'c-1' });
      assert.deepEqual([again.created, again.room_created, again.message.id], [false, false, first.message.id]);

      const live = alice.client.live(FAST);
      try {
        const rec = await connected(live);
        await alice.client.rooms.hide(first.room_id);
        assert.ok(!(await alice.client.rooms.list()).items.some((r) => r.id === first.room_id));
        assert.ok((await bob.client.rooms.list()).items.some((r) => r.id === first.room_id));
        await rec.until(() => rec.events.some((e) => e.type === 'room_hidden' && e.data.room_id === first.room_id), 'room_hidden');
        await bob.client.messages.sendToUser(alice.id, { content: 'back?' });
        await rec.until(() => rec.events.some((e) => e.type === 'room_unhidden' && e.data.reason === 'message'), 'room_unhidden');
        assert.ok((await alice.client.rooms.list()).items.some((r) => r.id === first.room_id));
        await alice.client.rooms.hide(first.room_id);
        await alice.client.rooms.unhide(first.room_id);
        const room = await alice.client.rooms.get(first.room_id);
        assert.equal('membership' in room && room.membership?.hidden, false);
      } finally {
        live.stop();
      }
      await assert.rejects(
        alice.client.messages.sendToUser(alice.id, { content: 'me' }),
        (err) => isRoomsApiError(err) && err.code === 'cannot_target_self',
      );
    });
  });
}
