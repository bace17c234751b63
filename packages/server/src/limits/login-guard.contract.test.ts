import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { redisSandbox } from '../../test/helpers/redis.ts';
import { ManualClock } from '../ports/clock.ts';
import type { LoginGuard, LoginGuardOptions } from '../ports/login-guard.ts';
import { MemoryLoginGuard } from './memory-login-guard.ts';
import { RedisLoginGuard } from './redis-login-guard.ts';

/** One backend of the contract: how to build a guard, and how to let time pass for it. */
interface Harness {
  name: string;
  skip: string | false;
  setUp(): Promise<void>;
  tearDown(): Promise<void>;
  make(opts: LoginGuardOptions): LoginGuard;
  /** Lets ms pass: the memory guard's clock moves, Redis really waits (its TTLs run on its own clock). */
  elapse(ms: number): Promise<void>;
}

function memoryHarness(): Harness {
  const clock = new ManualClock();
  return {
    name: 'memory',
    skip: false,
    setUp: async () => {},
    tearDown: async () => {},
    make: (opts) => new MemoryLoginGuard(opts, clock),
    elapse: async (ms) => clock.advance(ms),
  };
}

function redisHarness(): Harness {
  const sandbox = redisSandbox();
  return {
    name: 'redis',
    skip: sandbox.skip,
    setUp: async () => void (await sandbox.setUp()),
    tearDown: () => sandbox.tearDown(),
    make: (opts) => new RedisLoginGuard(sandbox.redis(), opts, sandbox.prefix),
    elapse: (ms) => sleep(ms),
  };
}

let keySeq = 0;
/** A key no other case uses, shaped like the accounts service's (IP | username). */
const freshKey = (ip = '203.0.113.7', user = `u${++keySeq}`) => `${ip}|u:${user}`;

/** Reserves an attempt that must be allowed, then settles it as a failure. */
async function failOnce(guard: LoginGuard, key: string): Promise<boolean> {
  assert.deepEqual(await guard.begin(key), { allowed: true });
  return guard.fail(key);
}

async function assertBlocked(guard: LoginGuard, key: string, blockSeconds: number): Promise<void> {
  const permit = await guard.begin(key);
  assert.equal(permit.allowed, false, `${key} should be blocked`);
  assert.ok(
    !permit.allowed && permit.retryAfterSeconds >= blockSeconds - 1 && permit.retryAfterSeconds <= blockSeconds,
    `retryAfterSeconds ${JSON.stringify(permit)} ≈ ${blockSeconds}`,
  );
}

for (const h of [memoryHarness(), redisHarness()]) {
  describe(`LoginGuard contract: ${h.name}`, { skip: h.skip }, () => {
    const opts: LoginGuardOptions = { maxFailures: 3, blockSeconds: 60 };
    let guard: LoginGuard;
    before(async () => {
      await h.setUp();
      guard = h.make(opts);
    });
    after(async () => {
      await guard?.close();
      await h.tearDown();
    });

    it('allows maxFailures attempts, then refuses the next with retryAfterSeconds ≈ the block time', async () => {
      const key = freshKey();
      for (let i = 0; i < opts.maxFailures - 1; i++) await failOnce(guard, key);
      assert.deepEqual(await guard.begin(key), { allowed: true });
      assert.equal(await guard.fail(key), true, 'the last allowed failure says it started the block');
      await assertBlocked(guard, key, opts.blockSeconds);
      await assertBlocked(guard, key, opts.blockSeconds);
    });

    it('a success resets the count of consecutive failures', async () => {
      const key = freshKey();
      assert.equal(await failOnce(guard, key), false, 'a failure below the limit starts no block');
      await failOnce(guard, key);
      assert.deepEqual(await guard.begin(key), { allowed: true });
      await guard.succeed(key);
      await failOnce(guard, key);
      await failOnce(guard, key);
      assert.deepEqual(await guard.begin(key), { allowed: true }, 'two failures after a success must not block');
      await guard.fail(key);
      await assertBlocked(guard, key, opts.blockSeconds);
    });

    it('keys are independent: another IP or another username is not blocked', async () => {
      const user = `victim${++keySeq}`;
      const key = freshKey('198.51.100.1', user);
      for (let i = 0; i < opts.maxFailures; i++) await failOnce(guard, key);
      await assertBlocked(guard, key, opts.blockSeconds);
      for (const other of [freshKey('198.51.100.2', user), freshKey('198.51.100.1', `${user}x`)]) {
        assert.deepEqual(await guard.begin(other), { allowed: true }, `${other} must not share the block`);
        await guard.succeed(other);
      }
      await assertBlocked(guard, key, opts.blockSeconds);
    });

    it('failures settled out of order still block once maxFailures attempts have failed', async () => {
      const key = freshKey();
      const permits = await Promise.all([guard.begin(key), guard.begin(key), guard.begin(key)]);
      assert.ok(permits.every((p) => p.allowed));
      await Promise.all([guard.fail(key), guard.fail(key), guard.fail(key)]);
      await assertBlocked(guard, key, opts.blockSeconds);
    });

    it('a success among parallel attempts clears the key, even when a sibling failure already blocked it', async () => {
      const key = freshKey();
      for (let i = 0; i < opts.maxFailures; i++) assert.deepEqual(await guard.begin(key), { allowed: true });
      await guard.fail(key);
      await guard.succeed(key);
      assert.deepEqual(await guard.begin(key), { allowed: true });
      await guard.succeed(key);
    });

    it('a released attempt is given back: it counts neither as a failure nor as a success', async () => {
      const key = freshKey();
      await failOnce(guard, key);
      await failOnce(guard, key);
      for (let i = 0; i < 5; i++) {
        assert.deepEqual(await guard.begin(key), { allowed: true });
        await guard.release(key);
      }
      await failOnce(guard, key);
      await assertBlocked(guard, key, opts.blockSeconds);
    });

    it('PARALLEL: 20 concurrent begin() on one key allow exactly maxFailures; once those fail the key is blocked', async () => {
      const key = freshKey();
      const permits = await Promise.all(Array.from({ length: 20 }, () => guard.begin(key)));
      const allowed = permits.filter((p) => p.allowed).length;
      assert.equal(allowed, opts.maxFailures);
      for (const p of permits) if (!p.allowed) assert.ok(p.retryAfterSeconds > 0 && p.retryAfterSeconds <= opts.blockSeconds);
      await Promise.all(Array.from({ length: allowed }, () => guard.fail(key)));
      await assertBlocked(guard, key, opts.blockSeconds);
      const again = await Promise.all(Array.from({ length: 20 }, () => guard.begin(key)));
      assert.equal(again.filter((p) => p.allowed).length, 0);
    });

    it('the block ends after blockSeconds and the key gets maxFailures fresh attempts', async () => {
      const short = h.make({ maxFailures: 3, blockSeconds: 1 });
      try {
        const key = freshKey();
        for (let i = 0; i < 3; i++) await failOnce(short, key);
        await assertBlocked(short, key, 1);
        await h.elapse(400);
        await assertBlocked(short, key, 1);
        await h.elapse(800);
        for (let i = 0; i < 3; i++) await failOnce(short, key);
        await assertBlocked(short, key, 1);
      } finally {
        await short.close();
      }
    });
  });
}
