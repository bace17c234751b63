import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EventBus } from '../../ports/bus.ts';
import type { Store } from '../../store/store.ts';
import { Deliveries } from './deliveries.ts';

/** A store that knows two rooms and counts the writes; delivered points move forward only. */
function fakes() {
  const writes: [string, string, number][] = [];
  const points = new Map<string, number>();
  const published: unknown[] = [];
  const store = {
    rooms: { findById: async (id: string) => (id === 'dm' ? { id, type: 'direct' } : id === 'group' ? { id, type: 'public' } : undefined) },
    members: {
      markDelivered: async (room: string, user: string, seq: number) => {
        writes.push([room, user, seq]);
        if ((points.get(`${room}/${user}`) ?? 0) >= seq) return false;
        points.set(`${room}/${user}`, seq);
        return true;
      },
    },
  } as unknown as Store;
  const bus = { publish: async (e: unknown) => void published.push(e) } as unknown as EventBus;
  return { writes, published, deliveries: new Deliveries({ store, bus, flushMs: 60_000 }) };
}

describe('Deliveries', () => {
  it('coalesces: one write per (room, reader) per flush, at the highest seq, and one event per point that moved', async () => {
    const { writes, published, deliveries } = fakes();
    for (let seq = 1; seq <= 500; seq++) deliveries.received('dm', 'bob', seq);
    deliveries.received('dm', 'bob', 7); // out of order: never lowers
    deliveries.received('dm', 'carol', 3);
    await deliveries.flush();
    assert.deepEqual(writes, [
      ['dm', 'bob', 500],
      ['dm', 'carol', 3],
    ]);
    assert.deepEqual(published, [
      { kind: 'room', room_id: 'dm', type: 'delivered_updated', data: { room_id: 'dm', user_id: 'bob', delivered_seq: 500 } },
      { kind: 'room', room_id: 'dm', type: 'delivered_updated', data: { room_id: 'dm', user_id: 'carol', delivered_seq: 3 } },
    ]);
    deliveries.received('dm', 'bob', 400);
    await deliveries.flush();
    assert.equal(published.length, 2, 'a point that did not move is not announced');
  });

  it('group rooms are looked up once, then cost nothing', async () => {
    const { writes, deliveries } = fakes();
    deliveries.received('group', 'bob', 1);
    await deliveries.flush();
    for (let seq = 2; seq < 100; seq++) deliveries.received('group', 'bob', seq);
    await deliveries.flush();
    assert.deepEqual(writes, []);
  });
});
