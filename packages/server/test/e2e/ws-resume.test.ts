import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import {
  addMembers,
  assertSeqsIncrease,
  connect,
  createRoom,
  durable,
  say,
  signup,
  sleep,
  TestSocket,
  type User,
  waitCount,
  describeWs,
} from '../helpers/ws-suite.ts';

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Waits until the socket has seen the room's events up to a seq. */
const reach = (s: TestSocket, roomId: string, seq: number, timeoutMs = 10_000) =>
  s.next((f) => f.room_id === roomId && f.seq === seq, timeoutMs);

describeWs('WebSocket resume', { config: { MESSAGE_RATE_LIMIT: 100_000 } }, (t) => {
  /** An owner, a reader with a socket that saw the room up to now, and the room. */
  async function scene(): Promise<{ owner: User; reader: User; room: { id: string }; first: TestSocket; lastSeq: number }> {
    const owner = await signup(t.srv.url);
    const reader = await signup(t.srv.url);
    const room = await createRoom(owner, { type: 'private' });
    await addMembers(owner, room.id, reader);
    const first = await t.pool.connect(t.srv, reader);
    for (let i = 0; i < 3; i++) await say(owner, room.id, `before ${i}`);
    // 1, 2: user_joined; 3: "owner added reader"; 4-6: the three messages.
    const seen = await reach(first, room.id, 6);
    first.close();
    await first.closed();
    return { owner, reader, room, first, lastSeq: seen.seq! };
  }

  it('replays exactly the missed events in order, then continues live', async () => {
    const { owner, reader, room, lastSeq } = await scene();
    const missed = [];
    for (let i = 0; i < 4; i++) missed.push(await say(owner, room.id, `missed ${i}`));
    assert.equal((await owner.api.put(`/messages/${missed[0].id}`, { content: 'edited' })).status, 200);
    assert.equal((await owner.api.post(`/messages/${missed[1].id}/reactions`, { emoji: '👍' })).status, 201);
    assert.equal((await owner.api.delete(`/messages/${missed[2].id}`)).status, 204);
    const s = await t.pool.reconnect(t.srv, reader);
    const ready = s.ofType('ready')[0]!.data.rooms.find((r: { room_id: string }) => r.room_id === room.id);
    assert.equal(ready.last_seq, lastSeq + 7);
    const ack = await s.request('resume', { rooms: { [room.id]: lastSeq } });
    assert.deepEqual(ack, { rooms: { [room.id]: lastSeq + 7 }, not_member: [] });
    const replayed = durable(s, room.id);
    assert.deepEqual(
      replayed.map((f) => f.seq),
      range(lastSeq + 1, lastSeq + 7),
    );
    assert.deepEqual(
      replayed.map((f) => f.type),
      [...Array(4).fill('message_created'), 'message_updated', 'reaction_added', 'message_deleted'],
    );
    assert.deepEqual(
      replayed.slice(0, 4).map((f) => f.data.message.id),
      missed.map((m) => m.id),
    );
    assert.equal(replayed[4]!.data.message.content, 'edited');
    const live = await say(owner, room.id, 'live');
    const next = await reach(s, room.id, lastSeq + 8);
    assert.equal(next.data.message.id, live.id);
    assert.deepEqual(
      durable(s, room.id).map((f) => f.seq),
      range(lastSeq + 1, lastSeq + 8),
      'no duplicate at the seam',
    );
  });

  it('sends nothing when nothing was missed, and replays over several rooms at once', async () => {
    const { owner, reader, room, lastSeq } = await scene();
    const other = await createRoom(owner);
    assert.equal((await reader.api.post(`/rooms/${other.id}/join`)).status, 200);
    const s = await t.pool.reconnect(t.srv, reader);
    const ack = await s.request('resume', { rooms: { [room.id]: lastSeq, [other.id]: 0 } });
    assert.deepEqual(ack.rooms, { [room.id]: lastSeq, [other.id]: 3 });
    assert.deepEqual(durable(s, room.id), []);
    assert.deepEqual(
      durable(s, other.id).map((f) => [f.seq, f.type]),
      [
        [1, 'user_joined'],
        [2, 'user_joined'],
        [3, 'message_created'],
      ],
      'the reader joined, and "reader joined"',
    );
  });

  it('keeps the seam exact while messages keep arriving during the resume', async () => {
    const { owner, reader, room, lastSeq } = await scene();
    const helper = await signup(t.srv.url);
    await addMembers(owner, room.id, helper);
    const base = lastSeq + 2; // helper's user_joined and "owner added helper"
    for (let i = 0; i < 20; i++) await say(owner, room.id, `offline ${i}`);
    const total = 80;
    let sent = 0;
    const burst = (async () => {
      const senders = [owner, helper];
      await Promise.all(
        senders.map(async (u, k) => {
          for (let i = 0; i < total / 2; i++) {
            await say(u, room.id, `burst ${k}.${i}`);
            sent++;
          }
        }),
      );
    })();
    while (sent < 10) await sleep(2);
    const s = await t.pool.reconnect(t.srv, reader);
    const ack = await s.request('resume', { rooms: { [room.id]: lastSeq } });
    assert.ok(ack.rooms[room.id] >= base + 20, 'the ack covers at least what was sent before it');
    await burst;
    const last = base + 20 + total;
    await reach(s, room.id, last);
    await sleep(100);
    assert.deepEqual(
      durable(s, room.id).map((f) => f.seq),
      range(lastSeq + 1, last),
      'every seq once, in order',
    );
    const ids = durable(s, room.id)
      .filter((f) => f.type === 'message_created')
      .map((f) => f.data.message.id);
    assert.equal(new Set(ids).size, ids.length);
  });

  it('answers a resume sent the moment the socket opens, before ready, with every seq once while messages keep coming', async () => {
    const { owner, reader, room, lastSeq } = await scene();
    for (let i = 0; i < 5; i++) await say(owner, room.id, `offline ${i}`);
    // The server's own setup of the socket made slow, as under load (a reconnect storm): its read
    // of the user's rooms comes back late (and stale), later than the resume window. The resume
    // must wait for the setup rather than be undone by it, and the window must not close on it.
    const rooms = t.srv.app.store.rooms;
    const seqsForUser = rooms.seqsForUser.bind(rooms);
    rooms.seqsForUser = async (userId) => {
      const read = await seqsForUser(userId);
      await sleep(1200);
      return read;
    };
    after(() => void (rooms.seqsForUser = seqsForUser));
    let stop = false;
    let said = 0;
    const burst = (async () => {
      while (!stop) {
        await Promise.all([say(owner, room.id, `burst ${said}`), say(owner, room.id, `burst ${said + 1}`)]);
        said += 2;
      }
    })();
    while (said < 6) await sleep(2);
    const s = t.pool.track(
      await TestSocket.open(t.srv.url, {
        token: reader.token,
        first: { type: 'resume', id: 'first', data: { rooms: { [room.id]: lastSeq } } },
      }),
    );
    rooms.seqsForUser = seqsForUser;
    const ack = await s.next((f) => f.id === 'first', 5000);
    assert.equal(ack.type, 'ack');
    while (said < 30) await sleep(2);
    stop = true;
    await burst;
    const last = lastSeq + 5 + said;
    await reach(s, room.id, last);
    await sleep(100);
    assert.deepEqual(
      durable(s, room.id).map((f) => f.seq),
      range(lastSeq + 1, last),
      'every seq once, in order',
    );
  });

  it('holds live events of the rooms followed from connect until the first frame (or a second), then sends them in order', async () => {
    const { owner, reader, room, lastSeq } = await scene();
    const passive = await t.pool.reconnect(t.srv, reader);
    const opened = Date.now();
    for (let i = 0; i < 3; i++) await say(owner, room.id, `early ${i}`);
    await reach(passive, room.id, lastSeq + 3, 3000);
    assert.ok(Date.now() - opened >= 500, 'held for the resume window');
    assert.deepEqual(
      durable(passive, room.id).map((f) => f.seq),
      range(lastSeq + 1, lastSeq + 3),
    );
    const active = await t.pool.reconnect(t.srv, reader);
    await say(owner, room.id, 'while waiting');
    await sleep(100);
    assert.deepEqual(durable(active, room.id), [], 'not yet: a resume may come');
    await active.request('ping');
    await reach(active, room.id, lastSeq + 4, 500);
    assert.deepEqual(
      durable(active, room.id).map((f) => f.seq),
      [lastSeq + 4],
    );
  });

  it('lists rooms I no longer belong to as not_member and replays nothing of them', async () => {
    const { owner, reader, room, lastSeq } = await scene();
    assert.equal((await owner.api.delete(`/rooms/${room.id}/members/${reader.id}`)).status, 204);
    await say(owner, room.id, 'after the removal');
    const stranger = await createRoom(owner, { type: 'private' });
    const missing = '00000000-0000-7000-8000-000000000000';
    const s = await t.pool.connect(t.srv, reader);
    const ack = await s.request('resume', { rooms: { [room.id]: lastSeq, [stranger.id]: 0, [missing]: 3 } });
    assert.deepEqual(ack.rooms, {});
    assert.deepEqual(ack.not_member.toSorted(), [room.id, stranger.id, missing].toSorted());
    await say(owner, room.id, 'still talking');
    await sleep(150);
    assert.deepEqual(
      s.frames.filter((f) => f.room_id === room.id || f.room_id === stranger.id),
      [],
    );
  });

  it('join_room with last_seq replays from there; join_room without it follows from now', async () => {
    const { owner, reader, room, lastSeq } = await scene();
    await say(owner, room.id, 'missed');
    const s = await t.pool.connect(t.srv, reader);
    assert.equal((await s.request('leave_room', { room_id: room.id })).room_id, room.id);
    await say(owner, room.id, 'while unsubscribed');
    assert.deepEqual(durable(s, room.id), [], 'leave_room stops the events');
    const ack = await s.request('join_room', { room_id: room.id, last_seq: lastSeq });
    assert.equal(ack.last_seq, lastSeq + 2);
    assert.deepEqual(
      durable(s, room.id).map((f) => f.data.message.content),
      ['missed', 'while unsubscribed'],
    );
    const future = await s.request('join_room', { room_id: room.id, last_seq: lastSeq + 100 });
    assert.equal(future.last_seq, lastSeq + 2, 'a seq from the future is capped at the room’s');
    await say(owner, room.id, 'live');
    await reach(s, room.id, lastSeq + 3);
    assertSeqsIncrease(s);
    const fresh = await t.pool.connect(t.srv, reader);
    await fresh.request('leave_room', { room_id: room.id });
    assert.equal((await fresh.request('join_room', { room_id: room.id })).last_seq, lastSeq + 3);
    await say(owner, room.id, 'next');
    await reach(fresh, room.id, lastSeq + 4);
    assert.deepEqual(
      durable(fresh, room.id).map((f) => f.seq),
      [lastSeq + 4],
    );
  });

  it('closes a client that stops reading with 4008 while the others keep receiving', async () => {
    const slowSrv = await t.setup.start({ config: { WS_MAX_BUFFER: 65_536, MESSAGE_RATE_LIMIT: 100_000 } });
    try {
      const owner = await signup(slowSrv.url);
      const slow = await signup(slowSrv.url);
      const fast = await signup(slowSrv.url);
      const room = await createRoom(owner);
      await addMembers(owner, room.id, slow, fast);
      const ss = t.pool.track(await connect(slowSrv, slow));
      const fs = t.pool.track(await connect(slowSrv, fast));
      const socket = (ss.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
      socket.pause();
      const big = '😀'.repeat(9_990); // ~40 KB a frame
      let last = 5; // two user_joined and their system messages after the owner's
      // Bursts until the server gives up on the reader that stopped (kernel buffers take a few MB first).
      while (slowSrv.app.hub.connectionsOf(slow.id).size > 0) {
        assert.ok(last < 1000, 'the slow consumer was never closed');
        const batch = await Promise.all(range(1, 10).map((k) => say(owner, room.id, `${last + k} ${big}`)));
        last = Math.max(...batch.map((m) => m.seq));
        await reach(fs, room.id, last, 2000); // the other member is never held up
      }
      for (let k = 0; k < 5; k++) last = (await say(owner, room.id, `after ${k}`)).seq;
      await reach(fs, room.id, last, 2000);
      assert.deepEqual(
        durable(fs, room.id)
          .filter((f) => f.type === 'message_created')
          .map((f) => f.seq),
        range(6, last),
      );
      socket.resume();
      const closed = await ss.closed(10_000);
      assert.equal(closed.code, 4008);
      assert.match(closed.reason, /slow/);
      const again = t.pool.track(await TestSocket.open(slowSrv.url, { token: slow.token }));
      const seen = Math.max(0, ...durable(ss, room.id).map((f) => f.seq!));
      await again.request('resume', { rooms: { [room.id]: seen } });
      await waitCount(again, (f) => f.room_id === room.id && f.seq !== undefined, last - seen, 10_000);
      assert.deepEqual(
        durable(again, room.id).map((f) => f.seq),
        range(seen + 1, last),
        'it resumes where it stopped',
      );
    } finally {
      t.pool.closeAll();
      await slowSrv.stop();
    }
  });
});
