import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addMembers, barrier, createRoom, type Frame, signup, sleep, waitCount, describeWs } from '../helpers/ws-suite.ts';

const typingOf = (roomId: string, userId: string, typing: boolean) => (f: Frame) =>
  f.type === 'user_typing' && f.room_id === roomId && f.data.user_id === userId && f.data.typing === typing;
const presenceOf = (userId: string, status?: string) => (f: Frame) =>
  f.type === 'presence_updated' && f.data.user_id === userId && (status === undefined || f.data.status === status);

describeWs('WebSocket typing and presence', {}, (t) => {
  /** A private room of three: a typist, a watcher and the owner. */
  async function trio() {
    const owner = await signup(t.srv.url);
    const typist = await signup(t.srv.url);
    const watcher = await signup(t.srv.url);
    const room = await createRoom(owner, { type: 'private' });
    await addMembers(owner, room.id, typist, watcher);
    return { owner, typist, watcher, room };
  }

  it('typing_start reaches the other members (not the typist, no seq); typing_stop ends it at once', async () => {
    const { owner, typist, watcher, room } = await trio();
    const ts = await t.pool.connect(t.srv, typist);
    const ws = await t.pool.connect(t.srv, watcher);
    const os = await t.pool.connect(t.srv, owner);
    await ts.request('typing_start', { room_id: room.id });
    for (const s of [ws, os]) {
      const f = await s.next(typingOf(room.id, typist.id, true));
      assert.equal(f.seq, undefined, 'typing is not a durable event');
      assert.equal(f.data.expires_in_ms, 5000);
    }
    const started = Date.now();
    await ts.request('typing_stop', { room_id: room.id });
    await ws.next(typingOf(room.id, typist.id, false), 1000);
    assert.ok(Date.now() - started < 1000, 'at once, not at the expiry');
    await barrier(ts, owner, room.id);
    assert.deepEqual(ts.ofType('user_typing'), [], 'the typist never hears its own typing');
    assert.equal(ws.ofType('user_typing').length, 2);
  });

  it('sending a message ends typing; a repeated typing_start is not announced again', async () => {
    const { typist, watcher, room } = await trio();
    const ts = await t.pool.connect(t.srv, typist);
    const ws = await t.pool.connect(t.srv, watcher);
    await ts.request('typing_start', { room_id: room.id });
    await ts.request('typing_start', { room_id: room.id });
    await ws.next(typingOf(room.id, typist.id, true));
    await ts.request('send_message', { room_id: room.id, content: 'done typing' });
    await ws.next(typingOf(room.id, typist.id, false));
    await ws.next((f) => f.type === 'message_created' && f.room_id === room.id);
    assert.deepEqual(
      ws.ofType('user_typing').map((f) => f.data.typing),
      [true, false],
    );
  });

  it('typing expires 5 s after the last typing_start', async () => {
    const { typist, watcher, room } = await trio();
    const ts = await t.pool.connect(t.srv, typist);
    const ws = await t.pool.connect(t.srv, watcher);
    await ts.request('typing_start', { room_id: room.id });
    await ws.next(typingOf(room.id, typist.id, true));
    const started = Date.now();
    const expired = await ws.next(typingOf(room.id, typist.id, false), 8000);
    const after = Date.now() - started;
    assert.ok(after >= 4500 && after <= 7000, `expired after ${after} ms`);
    assert.equal(expired.data.expires_in_ms, 0);
  });

  it('non-members cannot type in a private room, and its members hear nothing', async () => {
    const { owner, watcher, room } = await trio();
    const outsider = await signup(t.srv.url);
    const xs = await t.pool.connect(t.srv, outsider);
    const ws = await t.pool.connect(t.srv, watcher);
    await assert.rejects(xs.request('typing_start', { room_id: room.id }), { code: 'room_not_found' });
    await xs.request('typing_stop', { room_id: room.id }); // stopping what never started changes nothing
    await barrier(ws, owner, room.id);
    assert.deepEqual(ws.ofType('user_typing'), []);
  });

  it('presence: connecting announces online to co-members, set_status busy is announced to them and to me', async () => {
    const { owner, typist: user } = await trio();
    const stranger = await signup(t.srv.url);
    const strangerRoom = await createRoom(stranger);
    const os = await t.pool.connect(t.srv, owner);
    const xs = await t.pool.connect(t.srv, stranger);
    const us = await t.pool.connect(t.srv, user);
    const online = await os.next(presenceOf(user.id, 'online'));
    assert.equal(typeof online.data.last_active, 'string');
    await us.request('set_status', { status: 'busy' });
    await os.next(presenceOf(user.id, 'busy'));
    await us.next(presenceOf(user.id, 'busy'));
    await us.request('set_status', { status: 'online' });
    const seen = await waitCount(os, presenceOf(user.id), 3);
    assert.deepEqual(
      seen.map((f) => f.data.status),
      ['online', 'busy', 'online'],
    );
    // Someone who shares no room with them hears none of it.
    await barrier(xs, stranger, strangerRoom.id);
    assert.deepEqual(xs.frames.filter(presenceOf(user.id)), []);
    assert.deepEqual(xs.frames.filter(presenceOf(owner.id)), []);
  });

  it('presence: offline only after the grace once the last socket closed; a quick reconnect does not flap', async () => {
    const { owner, typist: user } = await trio();
    const os = await t.pool.connect(t.srv, owner);
    const first = await t.pool.connect(t.srv, user);
    await os.next(presenceOf(user.id, 'online'));
    first.close();
    await first.closed();
    await sleep(300);
    const second = await t.pool.connect(t.srv, user);
    const third = await t.pool.connect(t.srv, user);
    await sleep(500);
    third.close();
    second.close();
    await Promise.all([second.closed(), third.closed()]);
    const lastClosed = Date.now();
    const offline = await os.next(presenceOf(user.id, 'offline'), 10_000);
    const after = Date.now() - lastClosed;
    assert.ok(after >= 4500, `offline ${after} ms after the last socket closed: the first socket's grace must not end it`);
    assert.ok(after < 8000, `offline after ${after} ms`);
    assert.equal(typeof offline.data.last_active, 'string');
    assert.deepEqual(
      os.frames.filter(presenceOf(user.id)).map((f) => f.data.status),
      ['online', 'offline'],
      'no offline/online flap for the reconnect',
    );
    await t.pool.connect(t.srv, user);
    const gone = os.frames.indexOf(offline);
    await os.next((f) => presenceOf(user.id, 'online')(f) && os.frames.indexOf(f) > gone);
  });
});
