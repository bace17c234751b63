import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addMembers, barrier, createRoom, type Frame, say, signup, type TestSocket, type User, describeWs } from '../helpers/ws-suite.ts';

const notificationOf = (type: string, messageId?: string) => (f: Frame) =>
  f.type === 'notification' && f.data.type === type && (messageId === undefined || f.data.message_id === messageId);

describeWs('WebSocket notifications', {}, (t) => {
  /** Two members of a public room, the reader connected; the reader's own room serves as a barrier. */
  async function pair(): Promise<{ author: User; reader: User; room: { id: string }; rs: TestSocket; settle: () => Promise<void> }> {
    const author = await signup(t.srv.url);
    const reader = await signup(t.srv.url);
    const room = await createRoom(author);
    assert.equal((await reader.api.post(`/rooms/${room.id}/join`)).status, 200);
    const home = await createRoom(reader);
    const rs = await t.pool.connect(t.srv, reader);
    return { author, reader, room, rs, settle: () => barrier(rs, reader, home.id) };
  }

  const list = async (u: User, query = '') => {
    const res = await u.api.get(`/notifications${query}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    return res.body;
  };

  it('a mention arrives live and is listed with unread counts; the sender is not notified', async () => {
    const { author, reader, room, rs } = await pair();
    const as = await t.pool.connect(t.srv, author);
    const m = await say(author, room.id, `hey @${reader.username}, look`);
    const live = await rs.next(notificationOf('mention', m.id));
    assert.equal(live.data.room_id, room.id);
    assert.equal(live.data.actor.id, author.id);
    assert.equal(live.data.read_at, null);
    assert.match(live.data.payload.excerpt, /look/);
    assert.equal(live.data.payload.seq, m.seq);
    const listed = await list(reader);
    assert.deepEqual(
      listed.items.map((n: { id: string }) => n.id),
      [live.data.id],
    );
    assert.equal(listed.unread_count, 1);
    assert.deepEqual(listed.unread_by_room, { [room.id]: 1 });
    await barrier(as, author, room.id);
    assert.deepEqual(as.ofType('notification'), []);
    assert.equal((await list(author)).unread_count, 0);
  });

  it('a reply notifies the parent’s author once (a mention in it does not double it); non-members are never notified', async () => {
    const { author, reader, room, rs, settle } = await pair();
    const outsider = await signup(t.srv.url);
    const xs = await t.pool.connect(t.srv, outsider);
    const parent = await say(reader, room.id, 'a question');
    const reply = await say(author, room.id, 'an answer', { parent_id: parent.id });
    const both = await say(author, room.id, `@${reader.username} and again @${outsider.username}`, { parent_id: parent.id });
    await rs.next(notificationOf('reply', reply.id));
    await rs.next(notificationOf('mention', both.id));
    await settle();
    assert.deepEqual(
      rs.ofType('notification').map((f) => [f.data.type, f.data.message_id]),
      [
        ['reply', reply.id],
        ['mention', both.id],
      ],
    );
    assert.deepEqual(
      (await list(reader)).items.map((n: { type: string }) => n.type),
      ['mention', 'reply'],
      'newest first',
    );
    const home = await createRoom(outsider);
    await barrier(xs, outsider, home.id);
    assert.deepEqual(xs.ofType('notification'), []);
  });

  it('direct messages and room invites arrive live and are listed', async () => {
    const alice = await signup(t.srv.url);
    const bob = await signup(t.srv.url);
    const bs = await t.pool.connect(t.srv, bob);
    const direct = await alice.api.post(`/direct/${bob.id}`);
    assert.equal(direct.status, 201);
    const dm = await say(alice, direct.body.id, 'psst');
    const live = await bs.next(notificationOf('direct_message', dm.id));
    assert.equal(live.data.room_id, direct.body.id);
    assert.equal(live.data.payload.room_name, null);
    const priv = await createRoom(alice, { type: 'private', name: 'the club' });
    await addMembers(alice, priv.id, bob);
    const invite = await bs.next(notificationOf('room_invite'));
    assert.deepEqual([invite.data.room_id, invite.data.payload.room_name, invite.data.actor.id], [priv.id, 'the club', alice.id]);
    const listed = await list(bob);
    assert.deepEqual(
      listed.items.map((n: { type: string }) => n.type),
      ['room_invite', 'direct_message'],
    );
    assert.equal(listed.unread_count, 2);
    assert.deepEqual(listed.unread_by_room, { [direct.body.id]: 1, [priv.id]: 1 });
  });

  it('marks one read, then all; another user’s notification is 404', async () => {
    const { author, reader, room, rs } = await pair();
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const m = await say(author, room.id, `@${reader.username} number ${i}`);
      ids.push((await rs.next(notificationOf('mention', m.id))).data.id);
    }
    assert.equal((await reader.api.patch(`/notifications/${ids[0]}/read`)).status, 204);
    const one = await list(reader);
    assert.equal(one.unread_count, 2);
    assert.ok(one.items.find((n: { id: string }) => n.id === ids[0]).read_at);
    assert.deepEqual((await list(reader, '?unread=true')).items.map((n: { id: string }) => n.id).toSorted(), [ids[1], ids[2]].toSorted());
    assert.equal((await reader.api.patch(`/notifications/${ids[0]}/read`)).status, 204, 'marking again is harmless');
    const stranger = await signup(t.srv.url);
    const foreign = await stranger.api.patch(`/notifications/${ids[1]}/read`);
    assert.equal(foreign.status, 404);
    assert.equal(foreign.body.error.code, 'not_found');
    assert.equal((await stranger.api.patch('/notifications/00000000-0000-7000-8000-000000000000/read')).status, 404);
    assert.equal((await list(reader)).unread_count, 2, 'untouched by the stranger');
    const all = await reader.api.patch('/notifications/read-all');
    assert.deepEqual(all.body, { marked: 2 });
    const none = await list(reader);
    assert.equal(none.unread_count, 0);
    assert.deepEqual(none.unread_by_room, {});
    assert.ok(none.items.every((n: { read_at: string | null }) => n.read_at !== null));
  });

  it('per-room level: muted notifies nothing, mentions notifies mentions and replies, all again everything', async () => {
    const { author, reader, room, rs, settle } = await pair();
    const mine = await say(reader, room.id, 'my message');
    const put = (level: string) => reader.api.put(`/rooms/${room.id}/notifications`, { level });
    assert.equal((await put('muted')).status, 204);
    await say(author, room.id, `@${reader.username} are you there?`);
    await say(author, room.id, 'a reply', { parent_id: mine.id });
    await settle();
    assert.deepEqual(rs.ofType('notification'), [], 'muted: nothing live');
    assert.equal((await list(reader)).items.length, 0, 'muted: nothing stored');
    assert.equal((await put('mentions')).status, 204);
    const mention = await say(author, room.id, `@${reader.username} now?`);
    const reply = await say(author, room.id, 'another reply', { parent_id: mine.id });
    await say(author, room.id, 'just chatting');
    await settle();
    assert.deepEqual(
      rs.ofType('notification').map((f) => [f.data.type, f.data.message_id]),
      [
        ['mention', mention.id],
        ['reply', reply.id],
      ],
    );
    assert.equal((await put('all')).status, 204);
    const again = await say(author, room.id, `@${reader.username} back`);
    await rs.next(notificationOf('mention', again.id));
    assert.equal((await list(reader)).unread_count, 3);
    assert.equal((await put('loud')).status, 400);
    const outsider = await signup(t.srv.url);
    const priv = await createRoom(author, { type: 'private' });
    assert.equal((await outsider.api.put(`/rooms/${priv.id}/notifications`, { level: 'all' })).status, 404);
  });

  it('direct rooms follow the level too: mentions only drops plain direct messages', async () => {
    const alice = await signup(t.srv.url);
    const bob = await signup(t.srv.url);
    const home = await createRoom(bob);
    const bs = await t.pool.connect(t.srv, bob);
    const direct = (await alice.api.post(`/direct/${bob.id}`)).body;
    assert.equal((await bob.api.put(`/rooms/${direct.id}/notifications`, { level: 'mentions' })).status, 204);
    await say(alice, direct.id, 'plain');
    const mention = await say(alice, direct.id, `@${bob.username} look`);
    await bs.next(notificationOf('mention', mention.id));
    await barrier(bs, bob, home.id);
    assert.deepEqual(
      bs.ofType('notification').map((f) => f.data.type),
      ['mention'],
    );
    assert.equal((await bob.api.put(`/rooms/${direct.id}/notifications`, { level: 'muted' })).status, 204);
    await say(alice, direct.id, `@${bob.username} hello?`);
    await barrier(bs, bob, home.id);
    assert.equal(bs.ofType('notification').length, 1);
  });

  it('@room from an admin notifies every member; from a plain member nobody', async () => {
    const owner = await signup(t.srv.url);
    const [a, b] = [await signup(t.srv.url), await signup(t.srv.url)];
    const room = await createRoom(owner);
    await addMembers(owner, room.id, a, b);
    const [as, bs] = [await t.pool.connect(t.srv, a), await t.pool.connect(t.srv, b)];
    const plain = await say(a, room.id, '@room listen to me');
    const loud = await say(owner, room.id, '@room meeting now');
    for (const s of [as, bs]) await s.next(notificationOf('mention', loud.id));
    await barrier(bs, owner, room.id);
    assert.deepEqual(
      bs.ofType('notification').map((f) => f.data.message_id),
      [loud.id],
    );
    assert.ok(!as.ofType('notification').some((f) => f.data.message_id === plain.id));
  });
});
