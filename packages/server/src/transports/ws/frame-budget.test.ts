import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type Bucket, spend } from './frame-budget.ts';

describe('frame budget (token bucket)', () => {
  const budget = { rate: 20, burst: 100 };

  it('allows a burst, then the sustained rate, and refuses what overdraws without taking it', () => {
    const b: Bucket = { tokens: budget.burst, refilledAt: 0 };
    for (let i = 0; i < 100; i++) assert.ok(spend(b, 1, budget, 0), `frame ${i} of the burst`);
    assert.equal(spend(b, 1, budget, 0), false);
    assert.equal(spend(b, 1, budget, 40), false, '40 ms refill 0.8 of a token');
    assert.ok(spend(b, 1, budget, 50), '50 ms refill one token at 20/s');
    assert.equal(spend(b, 1, budget, 50), false);
  });

  it('never holds more than the burst, and weighs costly frames by their weight', () => {
    const b: Bucket = { tokens: budget.burst, refilledAt: 0 };
    assert.ok(spend(b, 51, budget, 60_000), 'a resume of 1,000 rooms fits in a full bucket');
    assert.equal(b.tokens, 49, 'a minute of silence did not fill it past the burst');
    assert.equal(spend(b, 51, budget, 60_000), false, 'a second one right after does not');
    assert.equal(b.tokens, 49, 'a refused frame takes nothing');
  });
});
