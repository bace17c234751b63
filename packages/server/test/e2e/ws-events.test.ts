import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  addMembers,
  assertSeqsIncrease,
  barrier,
  createRoom,
  durable,
  say,
  signup,
  type TestSocket,
  type User,
  describeWs,
} from '../helpers/ws-suite.ts';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Waits for a durable event of a room on a socket. */
const event = (s: TestSocket, roomId: string, type: string, extra: (data: Record<string, unknown>) => boolean = () => true) =>
  s.next((f) => f.room_id === roomId && f.type === type && extra(f.data));

describeWs('WebSocket room events', {}, (t) => {
  it('delivers every room event of REST actions to the members, each with room_id and the next seq', async () => {
    const owner = await signup(t.srv.url);
    const member = await signup(t.srv.url);
    const joiner = await signup(t.srv.url);
    const room = await createRoom(owner);
    await addMembers(owner, room.id, member);
    const home = await createRoom(joiner);
    const os = await t.pool.connect(t.srv, owner);
    const ms = await t.pool.connect(t.srv, member);
    const js = await t.pool.connect(t.srv, joiner);

    const hello = await say(owner, room.id, 'hello');
    const mine = await say(member, room.id, 'mine');
    assert.equal((await member.api.put(`/messages/${mine.id}`, { content: 'mine, edited' })).status, 200);
    assert.equal((await owner.api.post(`/messages/${mine.id}/reactions`, { emoji: '🎉' })).status, 201);
    assert.equal((await owner.api.delete(`/messages/${mine.id}/reactions/${encodeURIComponent('🎉')}`)).status, 204);
    assert.equal((await owner.api.post(`/messages/${mine.id}/pin`)).status, 204);
    assert.equal((await owner.api.delete(`/messages/${mine.id}/pin`)).status, 204);
    assert.equal((await owner.api.delete(`/messages/${hello.id}`)).status, 204);
    assert.equal((await owner.api.put(`/rooms/${room.id}`, { description: 'now described' })).status, 200);
    assert.equal((await owner.api.patch(`/rooms/${room.id}/members/${member.id}/role`, { role: 'admin' })).status, 200);
    assert.equal((await joiner.api.post(`/rooms/${room.id}/join`)).status, 200);
    const afterJoin = await say(owner, room.id, 'welcome');
    assert.equal((await joiner.api.post(`/rooms/${room.id}/leave`)).status, 204);
    const last = await say(owner, room.id, 'bye');

    // Each change of the room or its members is followed by its system message (a message_created).
    const expected = [
      'message_created',
      'message_created',
      'message_updated',
      'reaction_added',
      'reaction_removed',
      'message_pinned',
      'message_unpinned',
      'message_deleted',
      'room_updated',
      'message_created',
      'member_updated',
      'user_joined',
      'message_created',
      'message_created',
      'user_left',
      'message_created',
      'message_created',
    ];
    for (const s of [os, ms]) {
      await event(s, room.id, 'message_created', (d) => (d.message as { id: string }).id === last.id);
      const got = durable(s, room.id);
      assert.deepEqual(
        got.map((f) => f.type),
        expected,
      );
      assert.deepEqual(
        got.map((f) => f.seq),
        range(4, 20),
        'gap-free, strictly increasing (1-3: the setup, with "owner added member")',
      );
      assert.ok(got.every((f) => f.room_id === room.id));
    }
    const [
      created,
      ,
      updated,
      added,
      removed,
      pinned,
      ,
      deleted,
      roomUpdated,
      described,
      memberUpdated,
      joined,
      joinedSays,
      ,
      left,
      leftSays,
    ] = durable(os, room.id);
    assert.equal(created!.data.message.id, hello.id);
    assert.equal(created!.data.message.content, 'hello');
    assert.equal(updated!.data.message.content, 'mine, edited');
    assert.deepEqual([added!.data.emoji, added!.data.user_id, removed!.data.emoji], ['🎉', owner.id, '🎉']);
    assert.equal(pinned!.data.message_id, mine.id);
    assert.equal(deleted!.data.message_id, hello.id);
    assert.equal(roomUpdated!.data.room.description, 'now described');
    assert.deepEqual([memberUpdated!.data.user_id, memberUpdated!.data.role], [member.id, 'admin']);
    assert.equal(joined!.data.user.id, joiner.id);
    assert.deepEqual([left!.data.user_id, left!.data.reason], [joiner.id, 'left']);
    for (const [sys, who] of [
      [described, owner],
      [joinedSays, joiner],
      [leftSays, joiner],
    ] as const) {
      assert.deepEqual([sys!.data.message.type, sys!.data.message.sender.id], ['system', who.id]);
    }

    // The joiner heard the room from its own user_joined to its own user_left, and nothing after.
    await barrier(js, joiner, home.id);
    assert.deepEqual(
      durable(js, room.id).map((f) => f.type),
      ['user_joined', 'message_created', 'message_created', 'user_left'],
    );
    assert.equal(durable(js, room.id)[2]!.data.message.id, afterJoin.id);
    for (const s of [os, ms, js]) assertSeqsIncrease(s);
  });

  it('delivers events of WebSocket actions: send_message and read_message', async () => {
    const owner = await signup(t.srv.url);
    const member = await signup(t.srv.url);
    const room = await createRoom(owner, { type: 'private' });
    await addMembers(owner, room.id, member);
    const os = await t.pool.connect(t.srv, owner);
    const ms = await t.pool.connect(t.srv, member);
    const ack = await ms.request('send_message', { room_id: room.id, content: 'over the socket' });
    const live = await event(os, room.id, 'message_created');
    assert.equal(live.seq, ack.message.seq);
    assert.equal(live.data.message.sender.id, member.id);
    await os.request('read_message', { room_id: room.id, message_id: ack.message.id });
    const read = await ms.next((f) => f.type === 'read_updated' && f.room_id === room.id);
    assert.equal(read.seq, undefined, 'read points are not durable room events');
    assert.deepEqual(
      [read.data.user_id, read.data.last_read_seq, read.data.last_read_message_id],
      [owner.id, ack.message.seq, ack.message.id],
    );
    const rest = await member.api.post(`/rooms/${room.id}/read`, { seq: ack.message.seq });
    assert.equal(rest.status, 200);
    const restRead = await os.next((f) => f.type === 'read_updated' && f.data.user_id === member.id);
    assert.equal(restRead.data.last_read_seq, ack.message.seq);
  });

  it('never sends a private room’s events to a non-member, even when asked', async () => {
    const owner = await signup(t.srv.url);
    const member = await signup(t.srv.url);
    const outsider = await signup(t.srv.url);
    const secret = await createRoom(owner, { type: 'private' });
    const shared = await createRoom(owner);
    assert.equal((await outsider.api.post(`/rooms/${shared.id}/join`)).status, 200);
    const xs = await t.pool.connect(t.srv, outsider);
    await assert.rejects(xs.request('join_room', { room_id: secret.id, last_seq: 0 }), { code: 'room_not_found' });
    const resumed = await xs.request('resume', { rooms: { [secret.id]: 0 } });
    assert.deepEqual(resumed.not_member, [secret.id]);
    await addMembers(owner, secret.id, member);
    const m = await say(owner, secret.id, 'for members only');
    await owner.api.post(`/messages/${m.id}/reactions`, { emoji: '👀' });
    await owner.api.put(`/rooms/${secret.id}`, { name: 'still secret' });
    await member.api.post(`/rooms/${secret.id}/read`, { seq: m.seq });
    await barrier(xs, owner, shared.id);
    const events = xs.frames.filter((f) => f.type !== 'ack' && f.type !== 'error');
    assert.deepEqual(
      events.filter((f) => f.room_id === secret.id || JSON.stringify(f.data ?? {}).includes(secret.id)),
      [],
    );
  });

  for (const how of ['left', 'removed', 'banned'] as const) {
    it(`stops a room’s events at once when the user ${how === 'left' ? 'leaves' : `is ${how}`}, after their own user_left`, async () => {
      const owner = await signup(t.srv.url);
      const user = await signup(t.srv.url);
      const room = await createRoom(owner, { type: how === 'removed' ? 'private' : 'public' });
      const home = await createRoom(user);
      await addMembers(owner, room.id, user);
      const us = await t.pool.connect(t.srv, user);
      const us2 = await t.pool.connect(t.srv, user);
      const os = await t.pool.connect(t.srv, owner);
      await say(owner, room.id, 'before');
      const res =
        how === 'left'
          ? await user.api.post(`/rooms/${room.id}/leave`)
          : how === 'removed'
            ? await owner.api.delete(`/rooms/${room.id}/members/${user.id}`)
            : await owner.api.post(`/rooms/${room.id}/bans`, { user_id: user.id, reason: 'spam' });
      assert.equal(res.status, 204, JSON.stringify(res.body));
      for (let i = 0; i < 3; i++) await say(owner, room.id, `after ${i}`);
      await owner.api.put(`/rooms/${room.id}`, { description: 'changed after' });
      for (const s of [us, us2]) {
        await barrier(s, user, home.id);
        const seen = s.frames.filter((f) => f.room_id === room.id);
        assert.deepEqual(
          seen.map((f) => f.type),
          ['message_created', 'user_left'],
          `socket saw ${seen.map((f) => f.type)}`,
        );
        assert.deepEqual([seen[1]!.data.user_id, seen[1]!.data.reason], [user.id, how]);
        assertSeqsIncrease(s);
      }
      const ownerView = await event(os, room.id, 'room_updated');
      assert.equal(durable(os, room.id).filter((f) => f.type === 'user_left').length, 1);
      assert.ok(ownerView.seq! > durable(os, room.id).find((f) => f.type === 'user_left')!.seq!);
      await assert.rejects(us.request('join_room', { room_id: room.id }), { code: how === 'removed' ? 'room_not_found' : 'not_a_member' });
      if (how === 'banned') assert.equal((await user.api.post(`/rooms/${room.id}/join`)).body.error.code, 'banned');
    });
  }

  it('starts delivering at once to a user who joins, is added, or accepts an invite while connected', async () => {
    const owner = await signup(t.srv.url);
    const [joiner, added, invited] = [await signup(t.srv.url), await signup(t.srv.url), await signup(t.srv.url)];
    const pub = await createRoom(owner);
    const priv = await createRoom(owner, { type: 'private' });
    const sockets = new Map<User, TestSocket>();
    for (const u of [joiner, added, invited]) sockets.set(u, await t.pool.connect(t.srv, u));
    assert.equal((await joiner.api.post(`/rooms/${pub.id}/join`)).status, 200);
    await addMembers(owner, priv.id, added);
    const invite = await owner.api.post(`/rooms/${priv.id}/invites`, {});
    assert.equal((await invited.api.post(`/invites/${invite.body.code}/accept`)).status, 201);
    const inPub = await say(owner, pub.id, 'public news');
    const inPriv = await say(owner, priv.id, 'private news');
    const cases: [User, string, string][] = [
      [joiner, pub.id, inPub.id],
      [added, priv.id, inPriv.id],
      [invited, priv.id, inPriv.id],
    ];
    for (const [u, roomId, messageId] of cases) {
      const s = sockets.get(u)!;
      const joined = await event(s, roomId, 'user_joined', (d) => (d.user as { id: string }).id === u.id);
      const message = await event(s, roomId, 'message_created', (d) => (d.message as { id: string }).id === messageId);
      assert.ok(message.seq! > joined.seq!);
      assert.ok(
        durable(s, roomId).every((f) => f.seq! >= joined.seq!),
        'nothing from before the join',
      );
      assertSeqsIncrease(s);
      const typing = await s.request('typing_start', { room_id: roomId });
      assert.equal(typing.expires_in_ms, 5000, 'and may act in it at once');
    }
  });

  it('tells the members of a deleted room, and then nothing more of it', async () => {
    const owner = await signup(t.srv.url);
    const member = await signup(t.srv.url);
    const room = await createRoom(owner);
    const other = await createRoom(owner);
    await addMembers(owner, room.id, member);
    await addMembers(owner, other.id, member);
    const ms = await t.pool.connect(t.srv, member);
    assert.equal((await owner.api.delete(`/rooms/${room.id}`)).status, 204);
    const deleted = await ms.next((f) => f.type === 'room_deleted');
    assert.equal(deleted.room_id, room.id);
    await barrier(ms, owner, other.id);
    assert.equal(ms.frames.filter((f) => f.type === 'room_deleted').length, 1, 'once');
    assert.deepEqual((await ms.request('resume', { rooms: { [room.id]: 0 } })).not_member, [room.id]);
  });
});
