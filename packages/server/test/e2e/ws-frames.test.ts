import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addMembers, barrier, createRoom, type Frame, say, signup, type TestSocket, type User, describeWs } from '../helpers/ws-suite.ts';

/** Sends a raw frame and returns the ack or error that carries its id. */
async function answer(s: TestSocket, frame: Record<string, unknown>): Promise<Frame> {
  s.sendRaw(JSON.stringify(frame));
  return s.next((f) => f.id === frame.id && (f.type === 'ack' || f.type === 'error'));
}

/** The error frame a request got, or a failure if it was acknowledged. */
async function refused(s: TestSocket, type: string, data: unknown): Promise<NonNullable<Frame['error']>> {
  const e = await s.request(type, data).then(
    () => assert.fail(`${type} was acknowledged`),
    (err: { frame?: Frame }) => err.frame,
  );
  assert.ok(e?.error, 'an error frame');
  assert.equal(typeof e.error.message, 'string');
  return e.error;
}

/** The connection is still up and answering. */
async function stillOpen(s: TestSocket): Promise<void> {
  assert.ok((await s.request('ping')).pong);
  assert.equal(s.closeCode, undefined);
}

describeWs('WebSocket frames', {}, (t) => {
  it('answers every client frame with an ack carrying its id', async () => {
    const u = await signup(t.srv.url);
    const room = await createRoom(u);
    const s = await t.pool.connect(t.srv, u);
    const sent = await answer(s, { type: 'send_message', id: 'f-send', data: { room_id: room.id, content: 'hello' } });
    assert.equal(sent.type, 'ack');
    assert.equal(sent.data.message.content, 'hello');
    const acks: Record<string, Frame> = {};
    const frames: [string, unknown][] = [
      ['join_room', { room_id: room.id }],
      ['leave_room', { room_id: room.id }],
      ['join_room', { room_id: room.id, last_seq: 0 }],
      ['typing_start', { room_id: room.id }],
      ['typing_stop', { room_id: room.id }],
      ['read_message', { room_id: room.id, message_id: sent.data.message.id }],
      ['resume', { rooms: { [room.id]: sent.data.message.seq } }],
      ['ping', {}],
      ['set_status', { status: 'busy' }],
    ];
    for (const [i, [type, data]] of frames.entries()) acks[`${type}-${i}`] = await answer(s, { type, id: `f-${type}-${i}`, data });
    for (const [key, f] of Object.entries(acks)) assert.equal(f.type, 'ack', `${key}: ${JSON.stringify(f)}`);
    assert.deepEqual(acks['join_room-0']!.data, { room_id: room.id, last_seq: 2 });
    assert.deepEqual(acks['leave_room-1']!.data, { room_id: room.id });
    assert.deepEqual(acks['join_room-2']!.data, { room_id: room.id, last_seq: 2 }, 'replayed up to the room’s seq');
    assert.equal(acks['typing_start-3']!.data.expires_in_ms, 5000);
    assert.equal(acks['read_message-5']!.data.last_read_seq, 2);
    assert.deepEqual(acks['resume-6']!.data, { rooms: { [room.id]: 2 }, not_member: [] });
    assert.equal(typeof acks['ping-7']!.data.pong, 'string');
    assert.deepEqual(acks['set_status-8']!.data, { status: 'busy' });
    const ping = await answer(s, { type: 'ping', id: 'no-data' });
    assert.equal(ping.type, 'ack', 'ping needs no data');
  });

  it('answers a refused frame with an error carrying its id and a code', async () => {
    const u = await signup(t.srv.url);
    const owner = await signup(t.srv.url);
    const secret = await createRoom(owner, { type: 'private' });
    const s = await t.pool.connect(t.srv, u);
    const e = await answer(s, { type: 'join_room', id: 'secret', data: { room_id: secret.id } });
    assert.equal(e.type, 'error');
    assert.equal(e.error?.code, 'room_not_found');
    const r = await answer(s, { type: 'read_message', id: 'nope', data: { room_id: secret.id, seq: 1 } });
    assert.equal(r.error?.code, 'room_not_found');
    await stillOpen(s);
  });

  it('answers bad frames with an error and keeps the connection open', async () => {
    const u = await signup(t.srv.url);
    const room = await createRoom(u);
    const s = await t.pool.connect(t.srv, u);
    const cases: [string, string | undefined, string][] = [
      [JSON.stringify({ type: 'fly_away', id: 'b1', data: {} }), 'b1', 'validation_failed'],
      [JSON.stringify({ type: 'send_message', id: 'b2', data: { room_id: room.id } }), 'b2', 'validation_failed'],
      [JSON.stringify({ type: 'send_message', id: 'b3', data: { room_id: 42, content: 'x' } }), 'b3', 'validation_failed'],
      [JSON.stringify({ type: 'join_room', id: 'b4', data: { room_id: 'not-a-uuid' } }), 'b4', 'validation_failed'],
      [JSON.stringify({ type: 'join_room', id: 'b5', data: { room_id: room.id, last_seq: -1 } }), 'b5', 'validation_failed'],
      [JSON.stringify({ type: 'ping', id: 'b6', data: { extra: true } }), 'b6', 'validation_failed'],
      [JSON.stringify({ type: 'set_status', id: 'b7', data: { status: 'offline' } }), 'b7', 'validation_failed'],
      [JSON.stringify({ type: 'typing_start', id: 'b8' }), 'b8', 'validation_failed'],
      [JSON.stringify({ id: 'b9', data: {} }), 'b9', 'validation_failed'],
      [JSON.stringify([1, 2, 3]), undefined, 'validation_failed'],
      ['null', undefined, 'validation_failed'],
      ['{"type": "ping", "id": ', undefined, 'invalid_json'],
      ['definitely not json', undefined, 'invalid_json'],
    ];
    for (const [text, id, code] of cases) {
      const before = s.frames.length;
      s.sendRaw(text);
      const e = await s.next((f) => s.frames.indexOf(f) >= before && f.type === 'error');
      assert.equal(e.error?.code, code, text);
      assert.equal(e.id, id, text);
      assert.ok(e.error!.message.length > 0);
    }
    const before = s.frames.length;
    s.sendRaw(Buffer.from([0x7b, 0x7d, 0x00, 0xff]));
    const bin = await s.next((f) => s.frames.indexOf(f) >= before && f.type === 'error');
    assert.equal(bin.error?.code, 'invalid_json', 'binary frames are refused');
    await stillOpen(s);
    const sent = await s.request('send_message', { room_id: room.id, content: 'still works' });
    assert.equal(sent.message.content, 'still works');
  });

  it('closes the connection with 1009 on a frame over 64 KB', async () => {
    const u = await signup(t.srv.url);
    const s = await t.pool.connect(t.srv, u);
    s.sendRaw(JSON.stringify({ type: 'ping', id: 'big', data: { pad: 'x'.repeat(64 * 1024) } }));
    assert.equal((await s.closed()).code, 1009);
  });

  it('send_message obeys the REST limits: 1..10,000 characters, no control characters, parent in the room', async () => {
    const u = await signup(t.srv.url);
    const room = await createRoom(u);
    const otherRoom = await createRoom(u);
    const elsewhere = await say(u, otherRoom.id, 'in another room');
    const s = await t.pool.connect(t.srv, u);
    const ok = await s.request('send_message', { room_id: room.id, content: 'é'.repeat(10_000) });
    assert.equal(ok.message.content.length, 10_000);
    for (const content of ['', '   ', 'x'.repeat(10_001), 'bell\u0007']) {
      const ws = await refused(s, 'send_message', { room_id: room.id, content });
      const rest = await u.api.post(`/rooms/${room.id}/messages`, { content });
      assert.equal(ws.code, 'validation_failed', JSON.stringify(content.slice(0, 20)));
      assert.equal(rest.status, 400);
      assert.equal(rest.body.error.code, ws.code);
    }
    const badParent = await refused(s, 'send_message', { room_id: room.id, content: 'reply', parent_id: elsewhere.id });
    const restParent = await u.api.post(`/rooms/${room.id}/messages`, { content: 'reply', parent_id: elsewhere.id });
    assert.equal(badParent.code, restParent.body.error.code);
    const page = await u.api.get(`/rooms/${room.id}/messages`);
    assert.deepEqual(
      page.body.items.map((m: { seq: number }) => m.seq),
      [ok.message.seq],
      'nothing refused was stored',
    );
    await stillOpen(s);
  });

  it('shares the REST rate limit: the 11th message in 10 s is refused with rate_limited and retry_after', async () => {
    const u = await signup(t.srv.url);
    const room = await createRoom(u);
    const s = await t.pool.connect(t.srv, u);
    for (let i = 0; i < 5; i++) await say(u, room.id, `rest ${i}`);
    for (let i = 0; i < 5; i++) await s.request('send_message', { room_id: room.id, content: `ws ${i}` });
    const e = await refused(s, 'send_message', { room_id: room.id, content: 'one too many' });
    assert.equal(e.code, 'rate_limited');
    assert.ok(e.retry_after! >= 1 && e.retry_after! <= 10, `retry_after ${e.retry_after}`);
    const rest = await u.api.post(`/rooms/${room.id}/messages`, { content: 'and over REST' });
    assert.equal(rest.status, 429);
    const other = await signup(t.srv.url);
    await addMembers(u, room.id, other);
    const os = await t.pool.connect(t.srv, other);
    assert.ok(
      (await os.request('send_message', { room_id: room.id, content: 'others may still talk' })).message.id,
      'the limit is per user',
    );
    assert.equal(
      (await u.api.get(`/rooms/${room.id}/messages?limit=100`)).body.items.filter((m: { sender: { id: string } }) => m.sender.id === u.id)
        .length,
      10,
    );
    await stillOpen(s);
  });

  it('applies the same rules: a muted member gets muted, an outsider room_not_found or not_a_member', async () => {
    const owner = await signup(t.srv.url);
    const member = await signup(t.srv.url);
    const outsider = await signup(t.srv.url);
    const priv = await createRoom(owner, { type: 'private' });
    const pub = await createRoom(owner);
    await addMembers(owner, priv.id, member);
    const muted = await owner.api.patch(`/rooms/${priv.id}/members/${member.id}`, { muted: true });
    assert.equal(muted.status, 200, JSON.stringify(muted.body));
    const ms = await t.pool.connect(t.srv, member);
    assert.equal((await refused(ms, 'send_message', { room_id: priv.id, content: 'let me speak' })).code, 'muted');
    assert.equal((await refused(ms, 'typing_start', { room_id: priv.id })).code, 'muted');
    const os = await t.pool.connect(t.srv, outsider);
    assert.equal((await refused(os, 'send_message', { room_id: priv.id, content: 'hi' })).code, 'room_not_found');
    const pubErr = await refused(os, 'send_message', { room_id: pub.id, content: 'hi' });
    assert.equal(pubErr.code, (await outsider.api.post(`/rooms/${pub.id}/messages`, { content: 'hi' })).body.error.code);
    assert.equal(pubErr.code, 'not_a_member');
    assert.equal(
      (await refused(os, 'send_message', { room_id: '00000000-0000-7000-8000-000000000000', content: 'hi' })).code,
      'room_not_found',
    );
    assert.deepEqual(
      (await owner.api.get(`/rooms/${priv.id}/messages`)).body.items.map((m: { type: string; content: string }) => [m.type, m.content]),
      [['system', 'was added']],
      'nothing but "member was added"',
    );
  });

  it('acknowledges send_message after the commit, with the message id and seq', async () => {
    const u = await signup(t.srv.url);
    const peer = await signup(t.srv.url);
    const room = await createRoom(u);
    await addMembers(u, room.id, peer);
    const s = await t.pool.connect(t.srv, u);
    const ps = await t.pool.connect(t.srv, peer);
    for (let i = 0; i < 5; i++) {
      const ack = await s.request('send_message', { room_id: room.id, content: `m${i}` });
      const stored = await peer.api.get(`/messages/${ack.message.id}`);
      assert.equal(stored.status, 200, 'readable over REST when the ack arrives');
      assert.equal(stored.body.seq, ack.message.seq);
      assert.equal(ack.created, true);
      const live = await ps.next((f) => f.type === 'message_created' && f.data.message.id === ack.message.id);
      assert.equal(live.seq, ack.message.seq);
      assert.equal(live.room_id, room.id);
    }
    const seqs = ps.ofType('message_created').map((f) => f.seq);
    assert.deepEqual(seqs, [4, 5, 6, 7, 8], '3: "peer was added", before the socket opened');
  });

  it('a resend with the same client_id returns the same message (created: false) and stores nothing', async () => {
    const u: User = await signup(t.srv.url);
    const room = await createRoom(u);
    const s = await t.pool.connect(t.srv, u);
    const first = await s.request('send_message', { room_id: room.id, content: 'once', client_id: 'c-1' });
    const again = await s.request('send_message', { room_id: room.id, content: 'once', client_id: 'c-1' });
    assert.equal(first.created, true);
    assert.equal(again.created, false);
    assert.equal(again.message.id, first.message.id);
    assert.equal(again.message.seq, first.message.seq);
    const rest = await u.api.post(`/rooms/${room.id}/messages`, { content: 'once', client_id: 'c-1' });
    assert.equal(rest.status, 200);
    assert.equal(rest.body.id, first.message.id);
    const racing = await Promise.all(
      [1, 2, 3].map(() => s.request('send_message', { room_id: room.id, content: 'raced', client_id: 'c-2' })),
    );
    assert.equal(new Set(racing.map((r) => r.message.id)).size, 1, 'concurrent resends agree');
    assert.equal(racing.filter((r) => r.created).length, 1);
    await barrier(s, u, room.id);
    const created = s.ofType('message_created').map((f) => f.data.message.content);
    assert.deepEqual(created.slice(0, 2), ['once', 'raced']);
    assert.equal(created.length, 3, 'one event per stored message (plus the barrier)');
  });
});
