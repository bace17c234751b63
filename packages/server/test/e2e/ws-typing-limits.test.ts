import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addMembers, createRoom, describeWs, type Frame, signup, sleep } from '../helpers/ws-suite.ts';

const typingOf = (roomId: string, userId: string) => (f: Frame) =>
  f.type === 'user_typing' && f.room_id === roomId && f.data.user_id === userId;

describeWs('WebSocket typing: throttled, and kept from blocks', {}, (t) => {
  it('a flood of typing_start/stop pairs reaches another member as a few frames, the last one the final state', async () => {
    const [typist, watcher] = [await signup(t.srv.url), await signup(t.srv.url)];
    const room = await createRoom(typist);
    await addMembers(typist, room.id, watcher);
    const [ts, ws] = [await t.pool.connect(t.srv, typist), await t.pool.connect(t.srv, watcher)];
    const start = JSON.stringify({ type: 'typing_start', data: { room_id: room.id } });
    const stop = JSON.stringify({ type: 'typing_stop', data: { room_id: room.id } });
    const began = Date.now();
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 50; i++) {
        ts.sendRaw(start);
        ts.sendRaw(stop);
      }
      await sleep(100);
    }
    ts.sendRaw(JSON.stringify({ type: 'typing_stop', id: 'last', data: { room_id: room.id } }));
    await ts.next((f) => f.id === 'last', 20_000);
    const seconds = (Date.now() - began) / 1000;
    // A connection's frames are handled concurrently: a start whose room check finished after the
    // last stop's leaves the typist typing, until the expiry (5 s) ends it.
    const deadline = Date.now() + 7000;
    while (ws.frames.filter(typingOf(room.id, typist.id)).at(-1)?.data.typing !== false && Date.now() < deadline) await sleep(50);
    const frames = ws.frames.filter(typingOf(room.id, typist.id));
    // One start and one stop a second at most (the old code sent one frame per pair: 1,000).
    assert.ok(
      frames.length <= 2 * Math.ceil(seconds) + 4,
      `${frames.length} user_typing frames for 1,000 pairs in ${seconds.toFixed(1)} s`,
    );
    assert.equal(frames.at(-1)!.data.typing, false, 'the watcher is not left seeing "typing"');
    assert.equal(ts.closeCode, undefined);
  });

  it('in a direct room, the typing of a user who blocks or is blocked by the other never reaches them', async () => {
    const [alice, bob] = [await signup(t.srv.url), await signup(t.srv.url)];
    const direct = await alice.api.post(`/direct/${bob.id}`, {});
    assert.ok(direct.status === 201 || direct.status === 200, JSON.stringify(direct.body));
    const group = await createRoom(alice);
    await addMembers(alice, group.id, bob);
    assert.equal((await bob.api.post(`/users/${alice.id}/block`, {})).status, 204);
    const [as, bs] = [await t.pool.connect(t.srv, alice), await t.pool.connect(t.srv, bob)];
    await as.request('typing_start', { room_id: direct.body.id });
    await bs.request('typing_start', { room_id: direct.body.id });
    await as.request('typing_stop', { room_id: direct.body.id });
    await bs.request('typing_stop', { room_id: direct.body.id });
    // A block concerns direct rooms only: in a shared group room typing still goes both ways.
    await as.request('typing_start', { room_id: group.id });
    await bs.request('typing_start', { room_id: group.id });
    await bs.next(typingOf(group.id, alice.id));
    await as.next(typingOf(group.id, bob.id));
    await sleep(200);
    assert.deepEqual(bs.frames.filter(typingOf(direct.body.id, alice.id)), [], 'the blocked user is not heard typing');
    assert.deepEqual(as.frames.filter(typingOf(direct.body.id, bob.id)), [], 'nor is the blocker');
  });
});
