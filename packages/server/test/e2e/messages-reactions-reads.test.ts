/* eslint-disable @typescript-eslint/no-explicit-any -- the test client returns untyped JSON on purpose: tests assert on its shape. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { getRoom, listAll, makeRoom, promote, refused, send, signupMany, type User } from '../helpers/message-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

const enc = encodeURIComponent;

for (const backend of backends()) {
  describe(
    `messages: reactions, reads, pins over HTTP: ${backend.name}`,
    { skip: !backend.available && 'TEST_DATABASE_URL not set' },
    () => {
      let srv: TestServer;
      let alice: User, bob: User, carol: User, dave: User, eve: User;
      let roomId: string;
      before(async () => {
        srv = await startServer(backend, { config: { MESSAGE_RATE_LIMIT: 1000 } });
        [alice, bob, carol, dave, eve] = (await signupMany(srv.url, 5)) as [User, User, User, User, User];
        // alice owns, bob is an admin, carol and dave are members, eve is outside.
        roomId = await makeRoom(alice, [bob, carol, dave], { type: 'private' });
        await promote(alice, roomId, bob);
      });
      after(() => srv.stop());

      const reactionsOf = async (u: User, messageId: string) => {
        const r = await u.api.get(`/messages/${messageId}`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        return r.body.reactions as { emoji: string; count: number; me: boolean }[];
      };

      it('reactions: 201 then 200 for the same again (count stays 1); other users add up, with "me" per reader', async () => {
        const m = await send(carol.api, roomId, 'react to me');
        const first = await alice.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' });
        assert.equal(first.status, 201, JSON.stringify(first.body));
        assert.deepEqual(first.body.reactions, [{ emoji: '👍', count: 1, me: true }]);
        const again = await alice.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' });
        assert.equal(again.status, 200);
        assert.deepEqual(again.body.reactions, [{ emoji: '👍', count: 1, me: true }]);
        assert.equal((await bob.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' })).status, 201);
        assert.equal((await bob.api.post(`/messages/${m.id}/reactions`, { emoji: '🎉' })).status, 201);

        assert.deepEqual(await reactionsOf(alice, m.id), [
          { emoji: '👍', count: 2, me: true },
          { emoji: '🎉', count: 1, me: false },
        ]);
        assert.deepEqual(await reactionsOf(bob, m.id), [
          { emoji: '👍', count: 2, me: true },
          { emoji: '🎉', count: 1, me: true },
        ]);
        assert.deepEqual(await reactionsOf(carol, m.id), [
          { emoji: '👍', count: 2, me: false },
          { emoji: '🎉', count: 1, me: false },
        ]);
        const listed = (await listAll(dave.api, roomId)).find((x) => x.id === m.id);
        assert.deepEqual(listed.reactions, [
          { emoji: '👍', count: 2, me: false },
          { emoji: '🎉', count: 1, me: false },
        ]);
      });

      it('who reacted: per emoji in group order, with people; outsiders get 404 like for the message', async () => {
        const m = await send(carol.api, roomId, 'who liked this');
        assert.equal((await alice.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' })).status, 201);
        assert.equal((await bob.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' })).status, 201);
        assert.equal((await dave.api.post(`/messages/${m.id}/reactions`, { emoji: '🎉' })).status, 201);
        const r = await carol.api.get(`/messages/${m.id}/reactions`);
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.deepEqual(
          r.body.items.map((g: any) => [g.emoji, g.count, g.users.map((u: any) => u.username)]),
          [
            ['👍', 2, [alice.username, bob.username]],
            ['🎉', 1, [dave.username]],
          ],
        );
        assert.equal((await eve.api.get(`/messages/${m.id}/reactions`)).status, 404);
      });

      it('reactions: one emoji each, ZWJ sequences, skin tones and flags included; two emoji, text or nothing refused 400', async () => {
        const m = await send(carol.api, roomId, 'emoji zoo');
        for (const emoji of ['👨‍👩‍👧', '👍🏽', '🇫🇷', '❤️', '1️⃣', '🏳️‍🌈']) {
          const r = await dave.api.post(`/messages/${m.id}/reactions`, { emoji });
          assert.equal(r.status, 201, `${emoji}: ${JSON.stringify(r.body)}`);
        }
        const before = await reactionsOf(dave, m.id);
        assert.deepEqual(
          before.map((r) => r.emoji),
          ['👨‍👩‍👧', '👍🏽', '🇫🇷', '❤️', '1️⃣', '🏳️‍🌈'],
        );
        for (const emoji of ['👍👍', '👍🏽👍', 'ok', 'a', '', ' 👍', ':+1:', '🇫', '\u200d']) {
          refused(await dave.api.post(`/messages/${m.id}/reactions`, { emoji }), 400, 'validation_failed');
        }
        refused(await dave.api.post(`/messages/${m.id}/reactions`, {}), 400, 'validation_failed');
        assert.deepEqual(await reactionsOf(dave, m.id), before, 'refusals change nothing');
      });

      it('reactions: remove answers 204 (emoji URL-encoded), only my own, and again is harmless', async () => {
        const m = await send(carol.api, roomId, 'take it back');
        for (const u of [alice, dave]) assert.equal((await u.api.post(`/messages/${m.id}/reactions`, { emoji: '👨‍👩‍👧' })).status, 201);
        assert.equal((await dave.api.delete(`/messages/${m.id}/reactions/${enc('👨‍👩‍👧')}`)).status, 204);
        assert.deepEqual(await reactionsOf(alice, m.id), [{ emoji: '👨‍👩‍👧', count: 1, me: true }]);
        assert.equal((await dave.api.delete(`/messages/${m.id}/reactions/${enc('👨‍👩‍👧')}`)).status, 204);
        assert.equal((await carol.api.delete(`/messages/${m.id}/reactions/${enc('👨‍👩‍👧')}`)).status, 204, "not carol's: nothing to remove");
        assert.deepEqual(await reactionsOf(alice, m.id), [{ emoji: '👨‍👩‍👧', count: 1, me: true }]);
        assert.equal((await alice.api.delete(`/messages/${m.id}/reactions/${enc('👨‍👩‍👧')}`)).status, 204);
        assert.deepEqual(await reactionsOf(alice, m.id), []);
      });

      it('a muted member can read but not react or send (403 muted); unmuted, they can', async () => {
        const m = await send(carol.api, roomId, 'quiet please');
        assert.equal((await dave.api.post(`/messages/${m.id}/reactions`, { emoji: '👀' })).status, 201);
        assert.equal((await bob.api.patch(`/rooms/${roomId}/members/${dave.id}`, { muted: true })).status, 200);
        const lastSeq = (await getRoom(alice.api, roomId)).last_seq;
        refused(await dave.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' }), 403, 'muted');
        refused(await dave.api.delete(`/messages/${m.id}/reactions/${enc('👀')}`), 403, 'muted');
        refused(await dave.api.post(`/rooms/${roomId}/messages`, { content: 'let me speak' }), 403, 'muted');
        assert.deepEqual(await reactionsOf(dave, m.id), [{ emoji: '👀', count: 1, me: true }]);
        assert.equal((await getRoom(alice.api, roomId)).last_seq, lastSeq, 'nothing recorded');
        assert.equal((await dave.api.get(`/rooms/${roomId}/messages?limit=1`)).status, 200, 'muted members still read');
        assert.equal((await bob.api.patch(`/rooms/${roomId}/members/${dave.id}`, { muted: false })).status, 200);
        assert.equal((await dave.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' })).status, 201);
      });

      it('read points move forward only; unread counts (read answer, GET /rooms) equal a recount; readers are exactly those at or past', async () => {
        const room = await makeRoom(alice, [bob, carol, dave]);
        const ms: any[] = [];
        for (let i = 0; i < 6; i++) ms.push(await send(i % 2 ? bob.api : alice.api, room, `m${i}`));
        const recount = async (u: User) => {
          const mine = (await getRoom(u.api, room)).membership.last_read_seq as number;
          return (await listAll(u.api, room)).filter(
            (m) => m.seq > mine && m.sender.id !== u.id && m.deleted_at === null && m.type !== 'system',
          ).length;
        };
        const unreadInList = async (u: User) =>
          (await u.api.get('/rooms')).body.items.find((r: any) => r.id === room).unread_count as number;

        assert.equal(await unreadInList(carol), 6);
        const r1 = await carol.api.post(`/rooms/${room}/read`, { message_id: ms[3].id });
        assert.equal(r1.status, 200, JSON.stringify(r1.body));
        assert.equal(r1.body.last_read_seq, ms[3].seq);
        assert.equal(r1.body.last_read_message_id, ms[3].id);
        assert.equal(r1.body.unread_count, 2);
        assert.equal(r1.body.unread_count, await recount(carol));
        for (const back of [{ message_id: ms[1].id }, { seq: ms[0].seq }, { seq: 0 }, { message_id: ms[3].id }]) {
          const r = await carol.api.post(`/rooms/${room}/read`, back);
          assert.equal(r.status, 200);
          assert.deepEqual(r.body, r1.body, `never backwards: ${JSON.stringify(back)}`);
        }
        assert.equal((await getRoom(carol.api, room)).membership.last_read_seq, ms[3].seq);

        await send(carol.api, room, 'my own message is never unread');
        assert.equal((await alice.api.delete(`/messages/${ms[4].id}`)).status, 204);
        assert.equal(await recount(carol), 1);
        assert.equal(await unreadInList(carol), 1);
        assert.equal((await getRoom(carol.api, room)).unread_count, 1);
        for (const u of [alice, bob, dave]) assert.equal(await unreadInList(u), await recount(u), u.username);

        const bobRead = await bob.api.post(`/rooms/${room}/read`, { seq: 1_000_000 });
        assert.equal(
          bobRead.body.last_read_message_id,
          (await listAll(bob.api, room))[0].id,
          'a seq past the end reads up to the last message',
        );
        assert.equal(bobRead.body.unread_count, 0);
        refused(await carol.api.post(`/rooms/${room}/read`, {}), 400, 'validation_failed');
        refused(await carol.api.post(`/rooms/${room}/read`, { message_id: ms[0].id, seq: 1 }), 400, 'validation_failed');
        refused(
          await carol.api.post(`/rooms/${room}/read`, { message_id: (await send(alice.api, roomId, 'elsewhere')).id }),
          404,
          'message_not_found',
        );
        assert.equal((await getRoom(carol.api, room)).membership.last_read_seq, ms[3].seq, 'refusals change nothing');

        const readersOf = async (id: string) =>
          ((await dave.api.get(`/messages/${id}/readers`)).body.items as any[]).map((r) => r.user.id).sort();
        // alice sent ms[0], ms[2]; bob sent ms[1], ms[3], ms[5]. carol read to ms[3], bob to the end, alice and dave not at all.
        assert.deepEqual(await readersOf(ms[0].id), [bob.id, carol.id].sort());
        assert.deepEqual(await readersOf(ms[3].id), [carol.id], 'not the sender, though his read point is past it');
        assert.deepEqual(await readersOf(ms[5].id), []);
        await alice.api.post(`/rooms/${room}/read`, { message_id: ms[5].id });
        assert.deepEqual(await readersOf(ms[5].id), [alice.id]);
        assert.deepEqual(await readersOf(ms[2].id), [bob.id, carol.id].sort(), 'alice sent it: not a reader of her own message');
        const page = await dave.api.get(`/rooms/${room}/messages?limit=100`);
        for (const id of [ms[0].id, ms[2].id, ms[3].id, ms[5].id]) {
          assert.equal(
            page.body.items.find((m: any) => m.id === id).read_by_count,
            (await readersOf(id)).length,
            'read_by_count matches the readers',
          );
        }
      });

      it("direct rooms: the sender sees 'sent', then 'delivered' once the other lists messages, then 'read'", async () => {
        const opened = await alice.api.post(`/direct/${carol.id}`);
        assert.ok(opened.status === 201 || opened.status === 200, JSON.stringify(opened.body));
        const dm = opened.body.id as string;
        const m = await send(alice.api, dm, 'psst');
        assert.equal(m.receipt, 'sent');
        assert.equal((await carol.api.get(`/messages/${m.id}`)).body.receipt, null, "not on the other's view");
        assert.equal((await alice.api.get(`/messages/${m.id}`)).body.receipt, 'sent', 'fetching one message is not delivery');
        const listed = await carol.api.get(`/rooms/${dm}/messages`);
        assert.equal(listed.body.items[0].receipt, null);
        assert.equal((await alice.api.get(`/messages/${m.id}`)).body.receipt, 'delivered');
        const later = await send(alice.api, dm, 'and another');
        assert.equal(later.receipt, 'sent');
        assert.equal((await carol.api.post(`/rooms/${dm}/read`, { message_id: m.id })).status, 200);
        const mine = (await alice.api.get(`/rooms/${dm}/messages`)).body.items;
        assert.deepEqual(
          mine.map((x: any) => [x.id, x.receipt]),
          [
            [later.id, 'sent'],
            [m.id, 'read'],
          ],
        );
        assert.equal((await alice.api.get(`/messages/${m.id}`)).body.read_by_count, 1);
        assert.equal((await send(alice.api, roomId, 'group')).receipt, null, 'no receipts in group rooms');
      });

      it('pins: admins pin and unpin (204), members get 403; the room lists its pins and the message shows pinned', async () => {
        const m = await send(carol.api, roomId, 'pin me');
        const other = await send(dave.api, roomId, 'pin me too');
        refused(await carol.api.post(`/messages/${m.id}/pin`), 403, 'forbidden');
        assert.deepEqual((await carol.api.get(`/rooms/${roomId}/pins`)).body.items, []);
        assert.equal((await bob.api.post(`/messages/${m.id}/pin`)).status, 204);
        assert.equal((await bob.api.post(`/messages/${m.id}/pin`)).status, 204, 'pinning twice is harmless');
        assert.equal((await alice.api.post(`/messages/${other.id}/pin`)).status, 204);
        const pins = (await carol.api.get(`/rooms/${roomId}/pins`)).body.items;
        assert.deepEqual(pins.map((p: any) => p.id).sort(), [m.id, other.id].sort());
        const pm = pins.find((p: any) => p.id === m.id);
        assert.equal(pm.pinned_by, bob.id);
        assert.equal(pm.pinned, true);
        assert.equal(pm.content, 'pin me');
        assert.equal((await dave.api.get(`/messages/${m.id}`)).body.pinned, true);

        refused(await dave.api.delete(`/messages/${m.id}/pin`), 403, 'forbidden');
        assert.equal((await carol.api.get(`/rooms/${roomId}/pins`)).body.items.length, 2, 'refusal changed nothing');
        assert.equal((await bob.api.delete(`/messages/${m.id}/pin`)).status, 204);
        assert.equal((await dave.api.get(`/messages/${m.id}`)).body.pinned, false);
        assert.deepEqual(
          (await carol.api.get(`/rooms/${roomId}/pins`)).body.items.map((p: any) => p.id),
          [other.id],
        );
        assert.equal((await dave.api.delete(`/messages/${other.id}`)).status, 204);
        assert.deepEqual((await carol.api.get(`/rooms/${roomId}/pins`)).body.items, [], 'a deleted message leaves the pins');
        refused(await bob.api.post(`/messages/${other.id}/pin`), 404, 'message_not_found');
      });

      it('outsiders of a private room get 404 for its messages, reactions, readers, read point and pins, and change nothing', async () => {
        const m = await send(carol.api, roomId, 'members only');
        assert.equal((await alice.api.post(`/messages/${m.id}/reactions`, { emoji: '🔒' })).status, 201);
        assert.equal((await alice.api.post(`/messages/${m.id}/pin`)).status, 204);
        const lastSeq = (await getRoom(alice.api, roomId)).last_seq;
        const calls: [Promise<{ status: number; body: any }>, string][] = [
          [eve.api.get(`/rooms/${roomId}/messages`), 'room_not_found'],
          [eve.api.post(`/rooms/${roomId}/messages`, { content: 'let me in' }), 'room_not_found'],
          [eve.api.get(`/messages/${m.id}`), 'message_not_found'],
          [eve.api.put(`/messages/${m.id}`, { content: 'edited' }), 'message_not_found'],
          [eve.api.delete(`/messages/${m.id}`), 'message_not_found'],
          [eve.api.post(`/messages/${m.id}/reactions`, { emoji: '👍' }), 'message_not_found'],
          [eve.api.delete(`/messages/${m.id}/reactions/${enc('🔒')}`), 'message_not_found'],
          [eve.api.get(`/messages/${m.id}/readers`), 'message_not_found'],
          [eve.api.post(`/rooms/${roomId}/read`, { message_id: m.id }), 'room_not_found'],
          [eve.api.get(`/rooms/${roomId}/pins`), 'room_not_found'],
          [eve.api.post(`/messages/${m.id}/pin`), 'message_not_found'],
          [eve.api.delete(`/messages/${m.id}/pin`), 'message_not_found'],
        ];
        for (const [call, code] of calls) refused(await call, 404, code);
        const now = (await alice.api.get(`/messages/${m.id}`)).body;
        assert.equal(now.content, 'members only');
        assert.equal(now.deleted_at, null);
        assert.equal(now.pinned, true);
        assert.deepEqual(now.reactions, [{ emoji: '🔒', count: 1, me: true }]);
        assert.equal((await getRoom(alice.api, roomId)).last_seq, lastSeq);
        refused(await eve.api.get(`/rooms/${roomId}`), 404, 'room_not_found');
      });
    },
  );
}
