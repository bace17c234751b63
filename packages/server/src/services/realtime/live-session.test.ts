import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBus } from '../../bus/memory-bus.ts';
import type { LoggedRoomEvent, RoomEvent } from '../../events/events.ts';
import type { EncodedEvent } from '../../realtime/encoded-event.ts';
import { Hub } from '../../realtime/hub.ts';
import { LiveSessions, type LiveSink } from './live-session.ts';

const ROOM = '0190f7a6-0000-7000-8000-00000000000a';
const ME = '0190f7a6-0000-7000-8000-00000000000b';
const actor = { id: ME, isAdmin: false, tokenVersion: 0, ip: '127.0.0.1' };

/** A pin of message m<n> under seq n: a durable event whose data says which it is. */
const pinned = (seq: number): LoggedRoomEvent => ({
  kind: 'room',
  room_id: ROOM,
  seq,
  type: 'message_pinned',
  data: { room_id: ROOM, message_id: `m${seq}`, pinned_by: ME },
});
const left = (seq: number): RoomEvent => ({
  kind: 'room',
  room_id: ROOM,
  seq,
  type: 'user_left',
  data: { room_id: ROOM, user_id: ME, reason: 'left', by: null },
});

/** A transport that is not a WebSocket: it keeps the JSON it is handed. */
class RecordingSink implements LiveSink {
  readonly sent: { type: string; seq?: number; data: Record<string, unknown> }[] = [];
  closed: number | undefined;
  send(e: EncodedEvent): void {
    this.sent.push(JSON.parse(e.json));
  }
  hasRoom(): boolean {
    return this.closed === undefined;
  }
  close(code: number): void {
    this.closed = code;
  }
  pins(): unknown[] {
    return this.sent.filter((f) => f.type === 'message_pinned').map((f) => f.data.message_id);
  }
}

/** A node: bus, hub and live sessions over a room whose log holds seqs 1..logged. */
function node(logged: number) {
  const bus = new MemoryBus();
  const hub = new Hub(bus);
  const log = Array.from({ length: logged }, (_, i) => pinned(i + 1));
  const presence: string[] = [];
  const live = new LiveSessions({
    hub,
    live: {
      roomsOf: async () => [{ room_id: ROOM, last_seq: log.length }],
      followFrom: async (_actor, _room, lastSeq) => Math.min(lastSeq ?? log.length, log.length),
      eventsAfter: async (_room, after, limit) => log.filter((e) => e.seq > after).slice(0, limit),
    },
    presence: {
      connected: async (userId) => void presence.push(`on ${userId}`),
      disconnected: (userId) => void presence.push(`off ${userId}`),
    },
    logger: { error: (obj: unknown) => assert.fail(String(obj)) },
  });
  const publish = async (e: LoggedRoomEvent | RoomEvent) => {
    if (e.seq !== undefined && e.type === 'message_pinned') log.push({ ...e, seq: e.seq });
    await bus.publish(e);
  };
  return { bus, hub, live, log, presence, publish };
}

const settle = () => new Promise((r) => setTimeout(r, 5));

describe('LiveSession: one realtime core any transport can use', () => {
  it("follows the user's rooms at start, holds their live events until release, and counts the user connected", async () => {
    const n = node(3);
    const sink = new RecordingSink();
    const session = n.live.open(actor, sink);
    let ready: unknown;
    await session.start((data) => void (ready = data));
    await session.connected();
    assert.deepEqual(ready, { user_id: ME, rooms: [{ room_id: ROOM, last_seq: 3 }] });
    await n.publish(pinned(4));
    await settle();
    assert.deepEqual(sink.pins(), [], 'held until release');
    session.release();
    await settle();
    assert.deepEqual(sink.pins(), ['m4']);
    assert.deepEqual(n.presence, [`on ${ME}`]);
    session.end();
    assert.deepEqual(n.presence, [`on ${ME}`, `off ${ME}`]);
    assert.equal(n.live.sessions.size, 0);
    n.hub.close();
  });

  it("resumes from the client's seq: the log replayed, then live events, each once and in order", async () => {
    const n = node(5);
    const sink = new RecordingSink();
    const session = n.live.open(actor, sink);
    await session.start(() => {});
    session.release();
    const resumed = await session.resume({ [ROOM]: 2 });
    assert.deepEqual(resumed, { rooms: { [ROOM]: 5 }, not_member: [] });
    await n.publish(pinned(5)); // already replayed: dropped
    await n.publish(pinned(6));
    await settle();
    assert.deepEqual(sink.pins(), ['m3', 'm4', 'm5', 'm6']);
    n.hub.close();
  });

  it('the user leaving the room is the last event of it the session sends', async () => {
    const n = node(1);
    const sink = new RecordingSink();
    const session = n.live.open(actor, sink);
    await session.start(() => {});
    session.release();
    await n.publish(left(2));
    await n.publish(pinned(3));
    await settle();
    assert.deepEqual(
      sink.sent.map((f) => f.type),
      ['user_left'],
    );
    assert.equal(session.streams.size, 0);
    n.hub.close();
  });

  it('a revoked session closes the transport and ends the session', async () => {
    const n = node(0);
    const sink = new RecordingSink();
    const session = n.live.open(actor, sink);
    await session.start(() => {});
    await n.bus.publish({ kind: 'user', user_id: ME, type: 'session_revoked', data: { token_version: 1 } });
    await settle();
    assert.equal(sink.closed, 4001);
    assert.equal(n.live.sessions.size, 0);
    assert.deepEqual(n.presence, [`off ${ME}`]);
    assert.equal(session.streams.size, 0);
    n.hub.close();
  });
});
