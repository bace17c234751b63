import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBus } from '../bus/memory-bus.ts';
import { profileChanged, type DomainEvent, type RoomEvent } from '../events/events.ts';
import { FANOUT_CHUNK, Hub, type Subscriber } from './hub.ts';
import type { EncodedEvent } from './encoded-event.ts';

/** A connection that records what it was sent. */
type Got = { type: string; data: Record<string, unknown> };
function subscriber(userId: string): Subscriber & { got: Got[] } {
  const got: Got[] = [];
  const record = (e: EncodedEvent) => {
    const parsed: Got = JSON.parse(e.json);
    got.push(parsed);
  };
  return {
    userId,
    tokenVersion: 0,
    sessionNotices: false,
    got,
    deliverRoom: (_room, _seq, e) => record(e),
    deliver: record,
    follow: () => {},
    unfollow: () => {},
    close: () => {},
  };
}

const presence = (userId: string, status: 'online' | 'away' | 'offline', to: string[]): DomainEvent => ({
  kind: 'users',
  user_ids: to,
  type: 'presence_updated',
  data: { user_id: userId, status, last_active: null },
});
const notification = (userId: string): DomainEvent => ({
  kind: 'user',
  user_id: userId,
  type: 'notification',
  data: {
    id: 'n1',
    type: 'mention',
    room_id: null,
    message_id: null,
    actor: null,
    payload: null,
    created_at: '2026-01-01T00:00:00.000Z',
    read_at: null,
  },
});
/** A durable room event (a pin: any would do) whose message id says which it is. */
const pinned = (n: number, seq?: number): RoomEvent => ({
  kind: 'room',
  room_id: 'r',
  type: 'message_pinned',
  data: { room_id: 'r', message_id: `m${n}`, pinned_by: 'u' },
  ...(seq === undefined ? {} : { seq }),
});

describe('Hub: presence changes are coalesced per recipient', () => {
  it("holds them for the flush interval, then sends each user's latest state once, in the order of the latest changes", async () => {
    const bus = new MemoryBus();
    const hub = new Hub(bus, { presenceFlushMs: 30 });
    const x = subscriber('x');
    hub.register(x);
    await bus.publish(presence('a', 'online', ['x']));
    await bus.publish(presence('a', 'away', ['x']));
    await bus.publish(presence('b', 'online', ['x']));
    await bus.publish(presence('a', 'online', ['x']));
    await bus.publish(notification('x'));
    await sleep(5);
    assert.deepEqual(
      x.got.map((f) => f.type),
      ['notification'],
      'other events are not held',
    );
    await sleep(60);
    assert.deepEqual(
      x.got.slice(1).map((f) => [f.data.user_id, f.data.status]),
      [
        ['b', 'online'],
        ['a', 'online'],
      ],
    );
    await bus.publish(presence('b', 'offline', ['x']));
    await sleep(60);
    assert.deepEqual(
      x.got.slice(3).map((f) => [f.data.user_id, f.data.status]),
      [['b', 'offline']],
      'a later change is sent in a later flush',
    );
    hub.close();
  });

  it('sends nothing to a connection that went away before the flush', async () => {
    const bus = new MemoryBus();
    const hub = new Hub(bus, { presenceFlushMs: 20 });
    const x = subscriber('x');
    const y = subscriber('y');
    hub.register(x);
    hub.register(y);
    await bus.publish(presence('a', 'online', ['x', 'y']));
    await sleep(1);
    hub.unregister(x, []);
    await sleep(50);
    assert.equal(x.got.length, 0);
    assert.equal(y.got.length, 1);
    hub.close();
  });

  it('an event addressed to rooms reaches the local followers of those rooms and the named users, each once', async () => {
    const bus = new MemoryBus();
    const hub = new Hub(bus, { presenceFlushMs: 10 });
    const [a, b, c, outsider] = ['a', 'b', 'c', 'o'].map(subscriber);
    for (const s of [a!, b!, c!, outsider!]) hub.register(s);
    hub.addToRoom('r1', a!);
    hub.addToRoom('r1', b!);
    hub.addToRoom('r2', b!);
    hub.addToRoom('r2', c!);
    await bus.publish({
      kind: 'users',
      user_ids: ['a'],
      room_ids: ['r1', 'r2'],
      type: 'presence_updated',
      data: { user_id: 'a', status: 'online', last_active: null },
    });
    await sleep(40);
    assert.deepEqual(
      [a!, b!, c!, outsider!].map((s) => s.got.length),
      [1, 1, 1, 0],
    );
    hub.close();
  });
});

describe('Hub: the last seq it saw of each room', () => {
  it('follows the highest seq published, ignores ephemeral events, forgets a deleted room', async () => {
    const bus = new MemoryBus();
    const hub = new Hub(bus);
    assert.equal(hub.lastSeqSeen('r'), undefined);
    await bus.publish(pinned(1, 7));
    await bus.publish(pinned(2, 5)); // late, out of order
    await bus.publish({
      kind: 'room',
      room_id: 'r',
      type: 'user_typing',
      data: { room_id: 'r', user_id: 'u', typing: true, expires_in_ms: 5000 },
    });
    await sleep(1);
    assert.equal(hub.lastSeqSeen('r'), 7);
    await bus.publish({ kind: 'room', room_id: 'r', type: 'room_deleted', data: { room_id: 'r' } });
    await sleep(1);
    assert.equal(hub.lastSeqSeen('r'), undefined);
    hub.close();
  });
});

describe('Hub: internal user events', () => {
  it("never sends an event meant for the server's caches (profile_changed) to the user's connections", async () => {
    const bus = new MemoryBus();
    const hub = new Hub(bus, { presenceFlushMs: 30 });
    const u = subscriber('u');
    hub.register(u);
    await bus.publish(profileChanged('u'));
    await bus.publish(notification('u'));
    await sleep(5);
    assert.deepEqual(
      u.got.map((f) => f.type),
      ['notification'],
    );
    hub.close();
  });
});

describe('Hub: a large fan-out yields to other work', () => {
  it('writes FANOUT_CHUNK frames per macrotask, each socket still getting every event once and in order', async () => {
    const bus = new MemoryBus();
    const hub = new Hub(bus);
    const subs = Array.from({ length: 2500 }, (_, i) => subscriber(`u${i}`));
    for (const s of subs) {
      hub.register(s);
      hub.addToRoom('r', s);
    }
    await bus.publish(pinned(1));
    await bus.publish(pinned(2));
    await Promise.resolve();
    const delivered = () => subs.reduce((n, s) => n + s.got.length, 0);
    assert.equal(delivered(), FANOUT_CHUNK, 'one chunk in this macrotask');
    let ticks = 0;
    const other = setInterval(() => ticks++, 0);
    while (delivered() < 5000) await new Promise((r) => setImmediate(r));
    clearInterval(other);
    assert.ok(ticks > 0, 'a timer ran while the fan-out went on');
    for (const s of subs)
      assert.deepEqual(
        s.got.map((f) => f.data.message_id),
        ['m1', 'm2'],
      );
    hub.close();
  });
});
