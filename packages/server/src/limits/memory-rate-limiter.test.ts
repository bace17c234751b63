import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../ports/clock.ts';
import { MemoryRateLimiter } from './memory-rate-limiter.ts';

describe('MemoryRateLimiter: a sliding window per key', () => {
  it('allows limit hits per window, refuses the next with the wait until the oldest expires', async () => {
    const clock = new ManualClock();
    const rl = new MemoryRateLimiter({ limit: 3, windowMs: 10_000 }, clock);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(await rl.hit('a'), { allowed: true });
      clock.advance(1000);
    }
    assert.deepEqual(await rl.hit('a'), { allowed: false, retryAfterSeconds: 7 });
    assert.deepEqual(await rl.hit('b'), { allowed: true }, 'keys are independent');
  });

  it('slides: each hit frees its place exactly one window later, refusals take no place', async () => {
    const clock = new ManualClock();
    const rl = new MemoryRateLimiter({ limit: 2, windowMs: 1000 }, clock);
    await rl.hit('a');
    clock.advance(400);
    await rl.hit('a');
    assert.equal((await rl.hit('a')).allowed, false);
    clock.advance(600); // the first hit is now exactly one window old
    assert.equal((await rl.hit('a')).allowed, true);
    assert.equal((await rl.hit('a')).allowed, false);
    clock.advance(400);
    assert.equal((await rl.hit('a')).allowed, true);
  });

  it('stays exact with a large window full of hits', async () => {
    const clock = new ManualClock();
    const rl = new MemoryRateLimiter({ limit: 50_000, windowMs: 10_000 }, clock);
    // 5 hits per ms from t = 0 to t = 9999.
    for (let i = 0; i < 50_000; i++) {
      if (i > 0 && i % 5 === 0) clock.advance(1);
      assert.equal((await rl.hit('a')).allowed, true);
    }
    assert.equal((await rl.hit('a')).allowed, false);
    clock.advance(1); // t = 10 000: the 5 hits of t = 0 leave the window
    for (let i = 0; i < 5; i++) assert.equal((await rl.hit('a')).allowed, true);
    assert.equal((await rl.hit('a')).allowed, false);
  });
});
