/* eslint-disable @typescript-eslint/no-explicit-any -- the test client returns untyped JSON on purpose: tests assert on its shape. */
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addMembers, barrier, createRoom, durable, say, signup, type User, describeWs } from '../helpers/ws-suite.ts';

/** The room's system messages over REST, oldest first, as [sender id, content]. */
async function systemLog(user: User, roomId: string): Promise<{ seq: number; sender: string; content: string; id: string }[]> {
  const res = await user.api.get(`/rooms/${roomId}/messages?limit=100`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.items as any[])
    .filter((m) => m.type === 'system')
    .map((m) => ({ seq: m.seq, sender: m.sender.id, content: m.content, id: m.id }))
    .sort((a, b) => a.seq - b.seq);
}

describeWs('System messages', {}, (t) => {
  it('join, add, leave, remove, ban, rename, description and transfer each write one system message, live and over REST, in the log order', async () => {
    const alice = await signup(t.srv.url, { display_name: 'Alice' });
    const bob = await signup(t.srv.url, { display_name: 'Bob' });
    const carol = await signup(t.srv.url, { display_name: 'Carol' });
    const dave = await signup(t.srv.url, { display_name: 'Dave' });
    const erin = await signup(t.srv.url, { display_name: 'Erin' });
    const room = await createRoom(alice);
    const as = await t.pool.connect(t.srv, alice);

    assert.deepEqual(await systemLog(alice, room.id), [], 'creating a room writes none');
    assert.equal((await bob.api.post(`/rooms/${room.id}/join`)).status, 200);
    await addMembers(alice, room.id, carol, dave, erin);
    assert.equal((await bob.api.post(`/rooms/${room.id}/leave`)).status, 204);
    assert.equal((await alice.api.delete(`/rooms/${room.id}/members/${dave.id}`)).status, 204);
    assert.equal((await alice.api.post(`/rooms/${room.id}/bans`, { user_id: erin.id })).status < 300, true);
    assert.equal((await alice.api.put(`/rooms/${room.id}`, { name: 'Renamed', description: 'about' })).status, 200);
    assert.equal((await alice.api.put(`/rooms/${room.id}`, { name: 'Renamed' })).status, 200, 'no change, no message');
    assert.equal((await alice.api.post(`/rooms/${room.id}/transfer`, { user_id: carol.id })).status < 300, true);

    // The sender is who it is about; the content names nobody (clients show "<sender> <content>").
    const expected: [string, string][] = [
      [bob.id, 'joined'],
      [carol.id, 'was added'],
      [dave.id, 'was added'],
      [erin.id, 'was added'],
      [bob.id, 'left'],
      [dave.id, 'was removed'],
      [erin.id, 'was banned'],
      [alice.id, 'renamed the room to “Renamed”'],
      [alice.id, 'changed the description'],
      [carol.id, 'became the owner'],
    ];
    const rest = await systemLog(alice, room.id);
    assert.deepEqual(
      rest.map((m) => [m.sender, m.content]),
      expected,
    );

    // Live: the same messages as message_created, each right after the room event it describes.
    await barrier(as, alice, room.id);
    const frames = durable(as, room.id);
    const live = frames.filter((f) => f.type === 'message_created' && f.data.message.type === 'system');
    assert.deepEqual(
      live.map((f) => [f.data.message.sender.id, f.data.message.content]),
      expected,
    );
    assert.deepEqual(
      live.map((f) => f.seq),
      rest.map((m) => m.seq),
    );
    const before = (f: (typeof frames)[number]) => frames[frames.indexOf(f) - 1]!.type;
    assert.deepEqual(live.map(before).slice(0, 7), [
      'user_joined',
      'user_joined',
      'user_joined',
      'user_joined',
      'user_left',
      'user_left',
      'user_left',
    ]);

    // Nobody is notified or has them unread; nobody may edit, delete, react to, pin or reply to them.
    const carolRoom = await carol.api.get(`/rooms/${room.id}`);
    assert.equal(carolRoom.body.unread_count, 1, "only the barrier's message is unread: system messages never are");
    const notes = await carol.api.get('/notifications');
    assert.equal(notes.status, 200);
    assert.equal(notes.body.items.filter((n: any) => n.room_id === room.id && n.type !== 'room_invite').length, 0);
    const own = rest[1]!; // carol's "was added"
    const mine = rest[7]!; // alice's rename
    for (const [res, what] of [
      [await alice.api.put(`/messages/${mine.id}`, { content: 'changed' }), 'edit'],
      [await alice.api.delete(`/messages/${mine.id}`), 'delete'],
      [await carol.api.delete(`/messages/${own.id}`), 'delete (its sender)'],
      [await carol.api.delete(`/messages/${mine.id}`), 'delete (as owner)'],
      [await carol.api.post(`/messages/${mine.id}/reactions`, { emoji: '🎉' }), 'react'],
      [await carol.api.post(`/messages/${mine.id}/pin`), 'pin'],
      [await carol.api.post(`/rooms/${room.id}/messages`, { content: 'reply', parent_id: mine.id }), 'reply'],
    ] as const) {
      assert.equal(res.status, 403, `${what}: ${JSON.stringify(res.body)}`);
      assert.equal(res.body.error.code, 'not_allowed_here', what);
      assert.match(res.body.error.message, /System messages cannot be/);
    }
    assert.deepEqual(
      (await systemLog(alice, room.id)).map((m) => [m.sender, m.content]),
      expected,
      'nothing changed',
    );
  });

  it('a direct room has none: not at its creation, and messages there are counted as before', async () => {
    const a = await signup(t.srv.url);
    const b = await signup(t.srv.url);
    const res = await a.api.post('/direct', { user_id: b.id });
    assert.ok(res.status === 201 || res.status === 200, JSON.stringify(res.body));
    await say(a, res.body.id, 'hi');
    assert.deepEqual(await systemLog(a, res.body.id), []);
    assert.equal((await b.api.get(`/rooms/${res.body.id}`)).body.unread_count, 1);
  });
});
