import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { BubbleClient, bubbleConfig } from '../helpers/bubble.ts';
import { backends } from '../helpers/services.ts';
import { startServer, type TestServer } from '../helpers/server.ts';

const EVENTS = [
  'create_room',
  'join_room',
  'exit_room',
  'list_rooms',
  'view_room',
  'typing',
  'stop_typing',
  'add_message',
  'add_reaction',
  'set_user_name',
  'report_user',
  'my_rooms',
  'my_id',
  'register_push',
  'counsellor_online',
  'find_counsellor',
  'list_issues',
];
const FIELDS = [
  'roomId',
  'roomName',
  'roomDescription',
  'userLimit',
  'categories',
  'message',
  'reaction',
  'targetUser',
  'targetUserBubbleId',
  'newName',
  'userToReport',
  'reason',
  'pushToken',
  'counsellorId',
  'counsellorName',
];

/** A small deterministic PRNG (mulberry32): a failing case can be replayed from its seed. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function value(r: () => number, roomId: string, depth = 0): unknown {
  const pick = Math.floor(r() * 16);
  switch (pick) {
    case 0:
      return null;
    case 1:
      return undefined;
    case 2:
      return Math.floor(r() * 1e6) - 5e5;
    case 3:
      return r() < 0.5 ? NaN : Infinity;
    case 4:
      return '';
    case 5:
      return 'x'.repeat(Math.floor(r() * 5000));
    case 6:
      return roomId;
    case 7:
      return roomId.toUpperCase();
    case 8:
      return '\u0000\u202e\ud800 bad';
    case 9:
      return true;
    case 10:
      return depth < 3 ? [value(r, roomId, depth + 1), value(r, roomId, depth + 1)] : [];
    case 11:
      return depth < 3 ? { roomId: value(r, roomId, depth + 1), toString: 'x', __proto__: { a: 1 } } : {};
    case 12:
      return ['Funny', 'Rant'];
    case 13:
      return '00000000-0000-4000-8000-000000000000';
    case 14:
      return '12';
    default:
      return 'hello';
  }
}

function payload(r: () => number, roomId: string): unknown {
  const kind = Math.floor(r() * 8);
  if (kind === 0) return value(r, roomId);
  if (kind === 1) return [roomId, 'message'];
  const o: Record<string, unknown> = {};
  for (const f of FIELDS) if (r() < 0.4) o[f] = value(r, roomId);
  if (kind === 2) o.roomId = roomId;
  return o;
}

// Malformed input of every kind to every event: each gets its answer or a bubble_error, never an
// internal error, and the server keeps serving (checked after every batch).
for (const backend of backends()) {
  describe(`bubble gateway fuzz (${backend.name})`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer(backend, { config: bubbleConfig(backend) });
    });
    after(() => srv.stop());

    it('600 random payloads: no internal error, no crash, the socket still answers', async () => {
      const r = rng(Number(process.env.FUZZ_SEED ?? 18));
      const c = await BubbleClient.connect(srv.url, 'v1-websocket');
      const other = await BubbleClient.connect(srv.url, 'v4-websocket');
      try {
        const room = await other.request('create_room', { roomName: 'fuzz', userLimit: 100 });
        await c.request('join_room', { roomId: room.roomId });
        let myIds = 1; // the one sent at connect
        for (let batch = 0; batch < 12; batch++) {
          for (let i = 0; i < 50; i++) {
            const event = EVENTS[Math.floor(r() * EVENTS.length)]!;
            const p = payload(r, room.roomId);
            if (event === 'my_id') myIds++;
            if (p === undefined) c.emit(event);
            else c.socket.emit(event, p);
          }
          // Requests run in order: this answer comes after every one above.
          c.emit('my_id');
          myIds++;
          const until = Date.now() + 10_000;
          while (c.received.filter((x) => x.event === 'my_id').length < myIds && Date.now() < until)
            await new Promise((res) => setTimeout(res, 10));
          assert.equal(c.received.filter((x) => x.event === 'my_id').length, myIds, `batch ${batch}: the socket still answers`);
        }
        const internal = c.received.filter((x) => x.event === 'bubble_error' && x.data.code === 'internal');
        assert.deepEqual(internal, [], 'no request failed inside the server');
        const codes = new Set(c.received.filter((x) => x.event === 'bubble_error').map((x) => x.data.code));
        assert.ok(codes.size >= 8, `many refusals: ${[...codes].join(', ')}`);
        for (const e of c.received.filter((x) => x.event === 'bubble_error'))
          assert.deepEqual(Object.keys(e.data).sort(), ['code', 'message']);
        // Still a working chat (the fuzz may have left the room: back in).
        assert.equal((await c.request('join_room', { roomId: room.roomId })).roomId, room.roomId);
        const got = other.next('add_message', (d) => d.content === 'still here');
        c.emit('add_message', { roomId: room.roomId, message: 'still here' });
        await got;
      } finally {
        c.close();
        other.close();
      }
    });

    it('a huge message is refused (invalid_message); a packet past 1 MB closes that socket only', async () => {
      const c = await BubbleClient.connect(srv.url, 'v4-websocket');
      const room = await c.request('create_room', { roomName: 'huge' });
      const refused = await c.request('add_message', { roomId: room.roomId, message: 'x'.repeat(500_000) }, 'never');
      assert.equal(refused.error.code, 'invalid_message');
      const closed = new Promise((resolve) => c.socket.once('disconnect', resolve));
      c.socket.emit('add_message', { roomId: room.roomId, message: 'x'.repeat(2_000_000) });
      await closed;
      const d = await BubbleClient.connect(srv.url, 'v1-polling');
      assert.equal(typeof (await d.request('my_id')), 'string', 'the server still serves');
      d.close();
    });

    it("the services' limits reach bubble as bubble_error (the message rate limit), and a flood of requests is refused at receipt", async () => {
      const srv2 = await startServer(backend, {
        config: { ...bubbleConfig(backend), MESSAGE_RATE_LIMIT: 3, WS_FRAME_RATE: 1, WS_FRAME_BURST: 10 },
      });
      try {
        const c = await BubbleClient.connect(srv2.url, 'v1-websocket');
        const room = await c.request('create_room', { roomName: 'limits' });
        for (let i = 0; i < 4; i++) c.emit('add_message', { roomId: room.roomId, message: `m${i}` });
        const e = await c.next('bubble_error');
        assert.equal(e.code, 'rate_limited');
        for (let i = 0; i < 30; i++) c.emit('list_rooms');
        const until = Date.now() + 5000;
        const refusals = () => c.received.filter((x) => x.event === 'bubble_error' && x.data.code === 'rate_limited').length;
        while (refusals() < 20 && Date.now() < until) await new Promise((res) => setTimeout(res, 20));
        assert.ok(refusals() >= 20, `the flood past the budget is refused: ${refusals()}`);
        assert.ok(c.received.filter((x) => x.event === 'list_rooms').length <= 6, 'only the budget ran');
        c.close();
      } finally {
        await srv2.stop();
      }
    });
  });
}
