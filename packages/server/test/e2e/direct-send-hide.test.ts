/* eslint-disable @typescript-eslint/no-explicit-any -- REST answers are untyped JSON on purpose: tests assert on their shape. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { validCorpus } from '../helpers/corpus/valid.ts';
import { upload } from '../helpers/uploads.ts';
import { createRoom, describeWs, say, signup, sleep, type User } from '../helpers/ws-suite.ts';

/**
 * Issue 19: messaging a person opens (or reuses) the direct room in one call; a direct room can be
 * hidden from one's own list and comes back with the next message. On SQLite (embedded) and on
 * PostgreSQL + Redis.
 */

const directRooms = async (u: User): Promise<any[]> =>
  (await u.api.get('/rooms?limit=100')).body.items.filter((r: any) => r.type === 'direct');
const listedIds = async (u: User): Promise<string[]> => (await u.api.get('/rooms?limit=100')).body.items.map((r: any) => r.id);

async function sendTo(from: User, to: User, content: string, extra: Record<string, unknown> = {}): Promise<any> {
  const res = await from.api.post(`/users/${to.id}/messages`, { content, ...extra });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body;
}

describeWs('messaging a user, and hiding direct rooms', {}, (t) => {
  it('the first message opens the direct room; the next reuses it, by id or by username; a resend answers 200 with the original', async () => {
    const alice = await signup(t.srv.url);
    const bob = await signup(t.srv.url);
    const first = await sendTo(alice, bob, 'hello bob');
    assert.equal(first.room_created, true);
    assert.equal(first.message.room_id, first.room_id);
    assert.equal(first.message.content, 'hello bob');
    assert.equal(first.message.sender.id, alice.id);
    assert.equal(first.message.seq >= 1, true);

    const second = await alice.api.post(`/users/by-name/${bob.username.toUpperCase()}/messages`, { content: 'by name', client_id: 'dm-1' });
    assert.equal(second.status, 201, JSON.stringify(second.body));
    assert.deepEqual([second.body.room_id, second.body.room_created], [first.room_id, false]);
    const reply = await sendTo(bob, alice, 'hi alice');
    assert.deepEqual([reply.room_id, reply.room_created], [first.room_id, false], 'the other side reaches the same room');

    const resend = await alice.api.post(`/users/${bob.id}/messages`, { content: 'by name', client_id: 'dm-1' });
    assert.equal(resend.status, 200);
    assert.equal(resend.body.message.id, second.body.message.id);

    for (const u of [alice, bob]) {
      const rooms = await directRooms(u);
      assert.deepEqual(
        rooms.map((r) => r.id),
        [first.room_id],
        'one direct room each',
      );
      assert.equal(rooms[0].member_count, 2);
      assert.equal(rooms[0].membership.hidden, false);
    }
    const log = (await bob.api.get(`/rooms/${first.room_id}/messages`)).body.items.map((m: any) => m.content);
    assert.deepEqual(log, ['hi alice', 'by name', 'hello bob']);
    // POST /direct finds the room the one-call send opened.
    const opened = await alice.api.post('/direct', { user_id: bob.id });
    assert.deepEqual([opened.status, opened.body.id], [200, first.room_id]);
  });

  it('the first message may carry uploads (posted in the room it opens); someone else’s upload refuses the send and opens nothing', async () => {
    const alice = await signup(t.srv.url);
    const bob = await signup(t.srv.url);
    const f = (await validCorpus()).png;
    const up = await upload(t.srv.url, alice.token, f.name, f.data);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const bobs = await upload(t.srv.url, bob.token, f.name, f.data);
    assert.equal(bobs.status, 201, JSON.stringify(bobs.body));
    const carol = await signup(t.srv.url);
    const refused = await alice.api.post(`/users/${carol.id}/messages`, { content: '', attachments: [bobs.body.attachment.id] });
    assert.deepEqual([refused.status, refused.body.error.code], [404, 'attachment_not_found'], JSON.stringify(refused.body));
    assert.deepEqual(await directRooms(carol), []);

    const sent = await sendTo(alice, bob, '', { attachments: [up.body.attachment.id] });
    assert.equal(sent.room_created, true);
    assert.equal(sent.message.type, 'image');
    assert.deepEqual(
      sent.message.attachments.map((a: any) => a.id),
      [up.body.attachment.id],
    );
    const seen = await bob.api.get(`/attachments/${up.body.attachment.id}/info`);
    assert.equal(seen.status, 200, 'the other person may see it: it is posted in their room');
  });

  it('both sides messaging each other for the first time at once end with one room holding both messages', async () => {
    for (let round = 0; round < 4; round++) {
      const a = await signup(t.srv.url);
      const b = await signup(t.srv.url);
      const [x, y] = await Promise.all([
        a.api.post(`/users/${b.id}/messages`, { content: 'a first' }),
        b.api.post(`/users/${a.id}/messages`, { content: 'b first' }),
      ]);
      assert.deepEqual([x.status, y.status], [201, 201], JSON.stringify([x.body, y.body]));
      assert.equal(x.body.room_id, y.body.room_id, 'the same room');
      assert.equal([x.body.room_created, y.body.room_created].filter(Boolean).length, 1, 'opened once');
      assert.deepEqual(
        (await directRooms(a)).map((r) => r.id),
        [x.body.room_id],
      );
      assert.deepEqual(
        (await directRooms(b)).map((r) => r.id),
        [x.body.room_id],
      );
      const contents = (await a.api.get(`/rooms/${x.body.room_id}/messages`)).body.items.map((m: any) => m.content).sort();
      assert.deepEqual(contents, ['a first', 'b first']);
    }
  });

  it('refused as a send in the room would be — blocked, yourself, unknown, deactivated, rate limited, blank — and a refusal opens nothing', async () => {
    const alice = await signup(t.srv.url);
    const bob = await signup(t.srv.url);
    assert.equal((await bob.api.post(`/users/${alice.id}/block`)).status, 204);
    for (const [from, to] of [
      [alice, bob],
      [bob, alice],
    ] as const) {
      const res = await from.api.post(`/users/${to.id}/messages`, { content: 'let me in' });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'blocked');
    }
    assert.deepEqual(await directRooms(alice), []);
    assert.deepEqual(await directRooms(bob), []);
    assert.equal((await bob.api.delete(`/users/${alice.id}/block`)).status, 204);
    assert.equal((await alice.api.post('/direct', { user_id: bob.id })).status, 201, 'no room was left behind by the refusals');

    // A block after the room exists refuses the send there too.
    assert.equal((await alice.api.post(`/users/${bob.id}/block`)).status, 204);
    const blocked = await bob.api.post(`/users/by-name/${alice.username}/messages`, { content: 'still there?' });
    assert.deepEqual([blocked.status, blocked.body.error.code], [403, 'blocked']);

    const self = await alice.api.post(`/users/${alice.id}/messages`, { content: 'me' });
    assert.deepEqual([self.status, self.body.error.code], [400, 'cannot_target_self']);
    const nobody = await alice.api.post('/users/by-name/nobody_here_at_all/messages', { content: 'anyone?' });
    assert.deepEqual([nobody.status, nobody.body.error.code], [404, 'user_not_found']);
    const blank = await alice.api.post(`/users/${bob.id}/messages`, { content: '   ' });
    assert.equal(blank.status, 400);

    const gone = await signup(t.srv.url);
    assert.equal((await gone.api.delete('/users/me', { password: gone.password })).status, 204);
    const toGone = await alice.api.post(`/users/${gone.id}/messages`, { content: 'hello?' });
    assert.deepEqual([toGone.status, toGone.body.error.code], [404, 'user_not_found']);

    // The rate limit counts these sends with every other: the 11th in 10 s is refused and opens no room.
    const fast = await signup(t.srv.url);
    const room = await createRoom(fast);
    for (let i = 0; i < 10; i++) await say(fast, room.id, `m${i}`);
    const carol = await signup(t.srv.url);
    const limited = await fast.api.post(`/users/${carol.id}/messages`, { content: 'one too many' });
    assert.deepEqual([limited.status, limited.body.error.code], [429, 'rate_limited']);
    assert.deepEqual(await directRooms(carol), [], 'nothing opened');
    assert.equal((await fast.api.post('/direct', { user_id: carol.id })).status, 201);
  });

  it('hiding takes a direct room out of my list only; showing, opening or a new message brings it back; my other clients hear of each', async () => {
    const alice = await signup(t.srv.url);
    const bob = await signup(t.srv.url);
    const { room_id: dm } = await sendTo(alice, bob, 'first');
    const group = await createRoom(alice);
    const phone = await t.pool.connect(t.srv, alice);
    const bobSocket = await t.pool.connect(t.srv, bob);

    assert.equal((await alice.api.post(`/rooms/${dm}/hide`)).status, 204);
    const hidden = await phone.next((f) => f.type === 'room_hidden');
    assert.deepEqual(hidden.data, { room_id: dm });
    assert.deepEqual(await listedIds(alice), [group.id]);
    assert.ok((await listedIds(bob)).includes(dm), 'the other person still lists it');
    const view = await alice.api.get(`/rooms/${dm}`);
    assert.equal(view.status, 200, 'a hidden room can still be opened by id');
    assert.equal(view.body.membership.hidden, true);
    assert.equal((await bob.api.get(`/rooms/${dm}`)).body.membership.hidden, false);
    assert.equal((await alice.api.post(`/rooms/${dm}/hide`)).status, 204, 'hiding again is harmless');
    await sleep(200);
    assert.equal(phone.frames.filter((f) => f.type === 'room_hidden').length, 1, 'and tells no one again');
    assert.ok(!bobSocket.frames.some((f) => f.type === 'room_hidden' || f.type === 'room_unhidden'), 'bob hears nothing of it');

    // DELETE shows it again.
    assert.equal((await alice.api.delete(`/rooms/${dm}/hide`)).status, 204);
    assert.deepEqual((await phone.next((f) => f.type === 'room_unhidden')).data, { room_id: dm, reason: 'shown' });
    assert.ok((await listedIds(alice)).includes(dm));

    // A message from the other side brings it back, in the message's own transaction.
    await alice.api.post(`/rooms/${dm}/hide`);
    const back = say(bob, dm, 'are you there?');
    const told = await phone.next((f) => f.type === 'room_unhidden' && f.data.reason === 'message');
    assert.equal(told.data.room_id, dm);
    await back;
    const mine = (await directRooms(alice)).find((r) => r.id === dm);
    assert.ok(mine, 'listed again');
    assert.equal(mine.membership.hidden, false);
    assert.equal(mine.unread_count >= 1, true);

    // So does my own message, sent in the room or to the person.
    await alice.api.post(`/rooms/${dm}/hide`);
    await sendTo(alice, bob, 'me again');
    assert.ok((await listedIds(alice)).includes(dm));
    await alice.api.post(`/rooms/${dm}/hide`);
    await say(alice, dm, 'and again');
    assert.ok((await listedIds(alice)).includes(dm));

    // Opening the conversation again (POST /direct) lists it for me, and only for me.
    await alice.api.post(`/rooms/${dm}/hide`);
    await bob.api.post(`/rooms/${dm}/hide`);
    const opened = await alice.api.post('/direct', { username: bob.username });
    assert.deepEqual([opened.status, opened.body.id, opened.body.membership.hidden], [200, dm, false]);
    assert.deepEqual((await phone.next((f) => f.type === 'room_unhidden' && f.data.reason === 'opened')).data.room_id, dm);
    assert.ok(!(await listedIds(bob)).includes(dm), 'bob hid it too, and still does');
    // Both come back with the next message, each told on their own connections.
    await sendTo(alice, bob, 'for both');
    await bobSocket.next((f) => f.type === 'room_unhidden' && f.data.room_id === dm && f.data.reason === 'message');
    assert.ok((await listedIds(bob)).includes(dm));
  });

  it('only direct rooms hide, and only for their members: an outsider gets 404, a group room 403 not_allowed_here', async () => {
    const alice = await signup(t.srv.url);
    const bob = await signup(t.srv.url);
    const mallory = await signup(t.srv.url);
    const { room_id: dm } = await sendTo(alice, bob, 'private');
    for (const method of ['post', 'delete'] as const) {
      const res = await mallory.api[method](`/rooms/${dm}/hide`);
      assert.deepEqual([res.status, res.body.error.code], [404, 'room_not_found'], method);
    }
    assert.deepEqual(await listedIds(alice), [dm], 'nothing changed for alice');
    assert.equal((await mallory.api.post('/rooms/01900000-0000-7000-8000-000000000001/hide')).status, 404);
    const group = await createRoom(alice);
    const refused = await alice.api.post(`/rooms/${group.id}/hide`);
    assert.deepEqual([refused.status, refused.body.error.code], [403, 'not_allowed_here']);
    assert.ok((await listedIds(alice)).includes(group.id));
  });
});
