import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../store.ts';
import { insertUser } from './fixtures.ts';

const SESSION = '00000000-0000-7000-8000-00000000abcd';

export function ticketAndLockContract(store: () => Store): void {
  describe('ws tickets', () => {
    it('consumes a ticket once, with the session version it was minted for, and never after it expires', async () => {
      const u = await insertUser(store());
      await store().tickets.create('hash-live', u.id, 7, '2026-01-01T00:00:30.000Z', SESSION);
      await store().tickets.create('hash-old', u.id, 7, '2026-01-01T00:00:30.000Z', SESSION);
      const [first, second] = await Promise.all([
        store().tickets.consume('hash-live', '2026-01-01T00:00:10.000Z'),
        store().tickets.consume('hash-live', '2026-01-01T00:00:10.000Z'),
      ]);
      assert.deepEqual([first, second].filter(Boolean), [{ userId: u.id, tokenVersion: 7, sessionId: SESSION }]);
      assert.equal(await store().tickets.consume('hash-old', '2026-01-01T00:00:30.000Z'), undefined);
      assert.equal(await store().tickets.consume('nope', '2026-01-01T00:00:00.000Z'), undefined);
    });
  });

  describe('job locks', () => {
    it('gives a lock to one holder until it expires or is released', async () => {
      const name = `job-${Math.random()}`;
      const t0 = '2026-01-01T00:00:00.000Z';
      const results = await Promise.all(['a', 'b', 'c'].map((h) => store().jobLocks.tryAcquire(name, h, t0, 60_000)));
      assert.equal(results.filter(Boolean).length, 1);
      const winner = ['a', 'b', 'c'][results.indexOf(true)]!;
      const loser = winner === 'a' ? 'b' : 'a';
      assert.equal(await store().jobLocks.tryAcquire(name, winner, '2026-01-01T00:00:30.000Z', 60_000), true, 'renewal');
      assert.equal(await store().jobLocks.tryAcquire(name, loser, '2026-01-01T00:01:00.000Z', 60_000), false, 'renewed lock still live');
      assert.equal(await store().jobLocks.tryAcquire(name, loser, '2026-01-01T00:01:30.000Z', 60_000), true, 'expired lock taken over');
      await store().jobLocks.release(name, loser);
      assert.equal(await store().jobLocks.tryAcquire(name, winner, '2026-01-01T00:01:31.000Z', 60_000), true);
    });
  });
}
