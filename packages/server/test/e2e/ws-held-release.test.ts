import assert from 'node:assert/strict';
import { it } from 'node:test';
import { addMembers, assertSeqsIncrease, createRoom, describeWs, say, signup, sleep, TestSocket, waitCount } from '../helpers/ws-suite.ts';

/** A small outgoing buffer, so that what a resume window holds is more than it allows at once. */
const CONFIG = { WS_MAX_BUFFER: 64 * 1024, MESSAGE_RATE_LIMIT: 100_000 };

describeWs('WebSocket: events held for the resume window', { config: CONFIG }, (t) => {
  it('a client that sends nothing while many events are published to its rooms gets them all, once and in order, and is not closed as slow', async () => {
    const [reader, writer] = [await signup(t.srv.url), await signup(t.srv.url)];
    const rooms = [await createRoom(writer), await createRoom(writer)];
    for (const r of rooms) await addMembers(writer, r.id, reader);
    // The reader opens and says nothing: live events wait for its first frame, or a second. It reads
    // nothing either until the end of that second (nothing is due to it meanwhile): the kernel's
    // buffers then hold little of what is released, as on a real network.
    const rs = t.pool.track(await TestSocket.open(t.srv.url, { token: reader.token }));
    const socket = (rs.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    const content = 'x'.repeat(8000);
    const post = (i: number) => Promise.all(rooms.map((r) => say(writer, r.id, `${i} ${content}`)));
    // 2.4 MB held (far more than the socket's 64 KB bound), then more events once it was released.
    const held = 150;
    for (let i = 0; i < held; i += 10) await Promise.all(Array.from({ length: 10 }, (_, k) => post(i + k)));
    await sleep(1200);
    const per = held + 20;
    for (let i = held; i < per; i++) {
      await post(i);
      if (i === held) socket.resume();
    }
    for (const r of rooms) {
      const got = await waitCount(rs, (f) => f.type === 'message_created' && f.room_id === r.id, per, 20_000);
      assert.deepEqual(
        got.map((f) => Number(f.data.message.content.split(' ')[0])).sort((a, b) => a - b),
        Array.from({ length: per }, (_, i) => i),
        'every message once',
      );
    }
    assertSeqsIncrease(rs);
    assert.equal(rs.closeCode, undefined, `closed: ${rs.closeCode} ${rs.closeReason}`);
  });
});
