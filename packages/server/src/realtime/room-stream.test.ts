import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RoomStream, type RoomStreamOwner, type StoredEvent } from './room-stream.ts';

const ids = {
  room_id: '0190f7a6-0000-7000-8000-000000000001',
  message_id: '0190f7a6-0000-7000-8000-000000000002',
  pinned_by: '0190f7a6-0000-7000-8000-000000000003',
};
const event = (seq: number): StoredEvent => ({
  event: { kind: 'room', room_id: ids.room_id, seq, type: 'message_pinned', data: ids },
  encoded: { json: String(seq) },
});

/** A subscriber whose socket takes `capacity` frames until drain() makes room for more; the room's log holds seqs 1..n. */
function subscriber(n: number, capacity: number) {
  const log = Array.from({ length: n }, (_, i) => event(i + 1));
  const sent: number[] = [];
  let waiting: (() => void)[] = [];
  const owner: RoomStreamOwner = {
    send: (e) => void sent.push(Number(e.json)),
    hasRoom: () => sent.length < capacity,
    waitForRoom: () => (sent.length < capacity ? Promise.resolve() : new Promise<void>((resolve) => waiting.push(resolve))),
    fetchAfter: async (_room, after, limit) => log.filter((e) => e.event.seq > after).slice(0, limit),
    endsStream: () => false,
    streamEnded: () => {},
    streamFailed: (_room, err) => assert.fail(String(err)),
  };
  return {
    owner,
    log,
    sent,
    drain(more: number) {
      capacity += more;
      const w = waiting;
      waiting = [];
      for (const resolve of w) resolve();
    },
  };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

describe('RoomStream: held events and replays go out as the subscriber has room', () => {
  it('a release of more than fits sends what fits, then the rest from the database as it drains: each once, in order', async () => {
    const sub = subscriber(1200, 100);
    const stream = new RoomStream('r', 0, sub.owner, true);
    for (const e of sub.log) stream.offer(e.event.seq, e.encoded);
    assert.deepEqual(sub.sent, [], 'held while paused');
    stream.release();
    await settle();
    assert.equal(sub.sent.length, 100, 'no more than the subscriber had room for');
    for (let i = 0; i < 20 && sub.sent.length < 1200; i++) {
      sub.drain(100);
      await settle();
    }
    assert.deepEqual(
      sub.sent,
      sub.log.map((e) => e.event.seq),
    );
  });

  it('live events that arrive while a replay waits for room are held and follow it in order', async () => {
    const sub = subscriber(600, 50);
    const stream = new RoomStream('r', 0, sub.owner);
    void stream.fill();
    await settle();
    assert.equal(sub.sent.length, 50);
    for (let seq = 601; seq <= 610; seq++) {
      sub.log.push(event(seq));
      stream.offer(seq, event(seq).encoded);
    }
    for (let i = 0; i < 20 && sub.sent.length < 610; i++) {
      sub.drain(100);
      await settle();
    }
    assert.deepEqual(
      sub.sent,
      Array.from({ length: 610 }, (_, i) => i + 1),
    );
  });
});
