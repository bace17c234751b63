import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { allPages, everyItem, isRoomsApiError } from '../src/node.ts';
import { member, type Member, type TestServer, wsSetups } from './helpers.ts';

// The SDK follows the API's one page shape and names users as people type them.
for (const setup of wsSetups().slice(0, 1)) {
  describe(`client: every page, and users by username: ${setup.name}`, () => {
    let srv: TestServer;
    let alice: Member;
    let fans: Member[];
    before(async () => {
      srv = await setup.start();
      alice = await member(srv.url);
      fans = [];
      for (let i = 0; i < 5; i++) fans.push(await member(srv.url));
      for (const f of fans) await f.client.users.follow(alice.id);
    });
    after(() => srv.stop());

    it('allPages and everyItem read a list a page at a time, each item once', async () => {
      let calls = 0;
      const ids: string[] = [];
      for await (const u of allPages((cursor) => {
        calls++;
        return alice.client.users.followers(alice.id, { limit: 2, cursor });
      }))
        ids.push(u.id);
      assert.equal(calls, 3);
      assert.deepEqual([...ids].sort(), fans.map((f) => f.id).sort());
      const blocks = await everyItem((cursor) => alice.client.users.blocks({ limit: 1, cursor }));
      assert.deepEqual(blocks, []);
    });

    it('byName, members.add, rooms.openDirect, users.block and members.ban take a username', async () => {
      const [bob, carol, dave] = fans as [Member, Member, Member];
      assert.equal((await alice.client.users.byName(bob.username)).id, bob.id);
      await assert.rejects(
        alice.client.users.byName('nobody_named_so'),
        (err) => isRoomsApiError(err) && err.status === 404 && err.code === 'user_not_found',
      );
      const room = await alice.client.rooms.create({ name: 'by name', type: 'private' });
      const added = await alice.client.members.add(room.id, { username: bob.username });
      assert.deepEqual([added.created, added.member.user.id], [true, bob.id]);
      const direct = await alice.client.rooms.openDirect({ username: carol.username });
      assert.deepEqual([direct.created, direct.room.peer?.id], [true, carol.id]);
      assert.equal((await alice.client.rooms.openDirect(carol.id)).room.id, direct.room.id);
      await alice.client.users.block({ username: dave.username });
      assert.deepEqual(
        (await alice.client.users.blocks()).items.map((u) => u.id),
        [dave.id],
      );
      await alice.client.members.ban(room.id, { username: bob.username }, 'testing');
      assert.deepEqual(
        (await alice.client.members.bans(room.id)).items.map((b) => b.user.id),
        [bob.id],
      );
    });
  });
}
