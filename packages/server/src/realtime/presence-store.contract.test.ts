import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { redisSandbox } from '../../test/helpers/redis.ts';
import { ManualClock } from '../ports/clock.ts';
import type { PresenceStore } from '../ports/presence-store.ts';
import { MemoryPresenceStore } from './memory-presence.ts';
import { RedisPresenceStore } from './redis-presence.ts';

/** One backend: the store, and "now" as it sees it (the memory store's clock, Redis's real time). */
interface Harness {
  name: string;
  skip: string | false;
  setUp(): Promise<PresenceStore>;
  tearDown(): Promise<void>;
  now(): number;
}

function memoryHarness(): Harness {
  const clock = new ManualClock(new Date());
  return {
    name: 'memory',
    skip: false,
    setUp: async () => new MemoryPresenceStore(clock),
    tearDown: async () => {},
    now: () => clock.now().getTime(),
  };
}

function redisHarness(): Harness {
  const sandbox = redisSandbox();
  return {
    name: 'redis',
    skip: sandbox.skip,
    setUp: async () => new RedisPresenceStore(await sandbox.setUp(), sandbox.prefix),
    tearDown: () => sandbox.tearDown(),
    now: () => Date.now(),
  };
}

const ids = (entries: { userId: string }[]) => entries.map((e) => e.userId).sort();

// The listings behind `who`, `last N` and `active N`, on every presence backend.
for (const h of [memoryHarness(), redisHarness()]) {
  describe(`presence store listings: ${h.name}`, { skip: h.skip }, () => {
    let store: PresenceStore;
    before(async () => {
      store = await h.setUp();
    });
    after(() => h.tearDown());

    it('online() lists users with a live connection until their last one closes', async () => {
      const [a, b] = [randomUUID(), randomUUID()];
      const before = await store.online();
      await store.connect(a, 'a1');
      await store.connect(a, 'a2');
      await store.connect(b, 'b1');
      const mine = (await store.online()).filter((e) => e.userId === a || e.userId === b);
      assert.deepEqual(ids(mine), [a, b].sort());
      for (const e of mine) {
        assert.equal(e.status, 'online');
        assert.ok(e.connectedAt !== null && Math.abs(e.connectedAt - h.now()) < 5000, `connectedAt ${e.connectedAt}`);
        assert.ok(e.lastActive !== null && e.lastActive >= e.connectedAt);
      }
      await store.disconnect(a, 'a1');
      assert.ok(ids(await store.online()).includes(a), 'a still has a connection');
      await store.setStatus(b, 'away');
      assert.equal((await store.online()).find((e) => e.userId === b)?.status, 'away');
      await store.disconnect(a, 'a2');
      await store.disconnect(b, 'b1');
      assert.deepEqual(ids(await store.online()), ids(before));
    });

    it('connect says when a user comes online and disconnect when their last connection went; repeats count once', async () => {
      const u = randomUUID();
      assert.equal(await store.connect(u, 'c1'), true, 'first connection: online now');
      assert.equal(await store.connect(u, 'c2'), false);
      assert.equal(await store.connect(u, 'c2'), false, 'the same connection again');
      assert.equal(await store.disconnect(u, 'c2'), false, 'c1 is still open');
      assert.equal(await store.disconnect(u, 'c2'), false, 'c2 again: nothing changes');
      assert.equal(await store.disconnect(u, 'unknown'), false);
      assert.equal(await store.disconnect(u, 'c1'), true, 'the last one: offline now');
      assert.equal(await store.disconnect(u, 'c1'), false, 'already offline: no second "offline now"');
      assert.equal(await store.disconnect(randomUUID(), 'c9'), false, 'a user never seen');
    });

    it('recent("connected") lists users whose latest connection opened since then, online or not', async () => {
      const [on, off] = [randomUUID(), randomUUID()];
      const since = h.now() - 1000;
      await store.connect(on, 'x');
      await store.connect(off, 'y');
      await store.disconnect(off, 'y');
      const recent = await store.recent('connected', since);
      assert.deepEqual(ids(recent.filter((e) => e.userId === on || e.userId === off)), [on, off].sort());
      assert.equal(recent.find((e) => e.userId === off)?.status, 'offline');
      assert.equal(recent.find((e) => e.userId === on)?.status, 'online');
      const later = await store.recent('connected', h.now() + 60_000);
      assert.ok(!ids(later).includes(on) && !ids(later).includes(off), 'nobody connected after the future');
      await store.disconnect(on, 'x');
    });

    it('recent("active") follows the last activity: refresh moves it, a disconnect keeps it', async () => {
      const u = randomUUID();
      await store.connect(u, 'c');
      const ahead = h.now() + 30_000;
      assert.ok(!ids(await store.recent('active', ahead)).includes(u));
      await store.refresh([{ userId: u, connId: 'c', lastActive: ahead + 1 }]);
      const active = await store.recent('active', ahead);
      assert.deepEqual(ids(active.filter((e) => e.userId === u)), [u]);
      assert.equal(active.find((e) => e.userId === u)?.lastActive, ahead + 1);
      await store.refresh([{ userId: u, connId: 'c', lastActive: ahead - 5000 }]);
      assert.equal((await store.recent('active', ahead)).find((e) => e.userId === u)?.lastActive, ahead + 1, 'activity never moves back');
      await store.disconnect(u, 'c');
      const afterwards = (await store.recent('active', ahead)).find((e) => e.userId === u);
      assert.equal(afterwards?.status, 'offline');
      assert.ok(afterwards!.lastActive! >= ahead + 1);
    });
  });
}
