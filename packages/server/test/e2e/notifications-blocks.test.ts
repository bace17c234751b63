import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

type User = Awaited<ReturnType<typeof signup>>;

// Blocking someone means not hearing from them: their @mentions, @room and replies in a room you
// share notify you no more (the messages themselves stay readable, as in any shared room).
for (const backend of backends()) {
  describe(
    `a blocked user's messages notify no one who blocks them: ${backend.name}`,
    { skip: !backend.available && 'TEST_DATABASE_URL not set' },
    () => {
      let srv: TestServer;
      let alice: User, bob: User, carol: User;
      let room: string;
      before(async () => {
        srv = await startServer(backend);
        alice = await signup(srv.url);
        bob = await signup(srv.url);
        carol = await signup(srv.url);
        room = (await bob.api.post('/rooms', { name: 'blocks and mentions' })).body.id;
        for (const u of [alice, carol]) assert.equal((await u.api.post(`/rooms/${room}/join`)).status, 200);
      });
      after(() => srv.stop());

      const notificationsOf = async (u: User): Promise<{ type: string; message_id: string; actor: { id: string } }[]> => {
        const res = await u.api.get('/notifications');
        assert.equal(res.status, 200);
        return res.body.items;
      };
      const send = async (u: User, content: string, parentId?: string): Promise<string> => {
        const res = await u.api.post(`/rooms/${room}/messages`, { content, ...(parentId ? { parent_id: parentId } : {}) });
        assert.equal(res.status, 201, JSON.stringify(res.body));
        return res.body.id;
      };

      it('@mention, @room and a reply from a blocked user notify the blocker no more; others still are', async () => {
        const mine = await send(alice, 'a thought');
        assert.equal((await alice.api.post(`/users/${bob.id}/block`)).status, 204);
        const mention = await send(bob, `hey @${alice.username} and @${carol.username}`);
        const everyone = await send(bob, '@room meeting at noon');
        const reply = await send(bob, 'I disagree', mine);
        const fromBob = new Set([mention, everyone, reply]);
        assert.deepEqual(
          (await notificationsOf(alice)).filter((n) => fromBob.has(n.message_id)),
          [],
        );
        assert.deepEqual(
          (await notificationsOf(carol))
            .filter((n) => fromBob.has(n.message_id))
            .map((n) => n.type)
            .sort(),
          ['mention', 'mention'],
        );

        // Someone else's mention and reply still reach alice; a block is one-way (bob hears from alice).
        const byCarol = await send(carol, `@${alice.username} look`);
        const carolsReply = await send(carol, 'agreed', mine);
        const toBob = await send(alice, `@${bob.username} please stop`);
        assert.deepEqual(
          (await notificationsOf(alice))
            .filter((n) => n.message_id === byCarol || n.message_id === carolsReply)
            .map((n) => n.type)
            .sort(),
          ['mention', 'reply'],
        );
        assert.equal((await notificationsOf(bob)).filter((n) => n.message_id === toBob).length, 1);
      });

      it('after an unblock, their mentions notify again', async () => {
        assert.equal((await alice.api.delete(`/users/${bob.id}/block`)).status, 204);
        const mention = await send(bob, `@${alice.username} hello again`);
        const got = (await notificationsOf(alice)).filter((n) => n.message_id === mention);
        assert.deepEqual(
          got.map((n) => [n.type, n.actor.id]),
          [['mention', bob.id]],
        );
      });
    },
  );
}
