import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../store.ts';
import { insertUser } from './fixtures.ts';

export function followContract(store: () => Store): void {
  describe('follows', () => {
    it('follows idempotently, counts, and unfollows', async () => {
      const a = await insertUser(store());
      const b = await insertUser(store());
      await store().follows.follow(a.id, b.id, '2026-01-01T00:00:00.000Z');
      await store().follows.follow(a.id, b.id, '2026-01-02T00:00:00.000Z');
      assert.equal(await store().follows.isFollowing(a.id, b.id), true);
      assert.equal(await store().follows.isFollowing(b.id, a.id), false);
      assert.deepEqual(await store().follows.counts(b.id), { followers: 1, following: 0 });
      assert.deepEqual(await store().follows.counts(a.id), { followers: 0, following: 1 });
      assert.equal(await store().users.isMate(b.id, a.id), true);
      assert.equal(await store().users.isMate(a.id, b.id), false);
      await store().follows.unfollow(a.id, b.id);
      assert.equal(await store().follows.isFollowing(a.id, b.id), false);
    });

    it('pages followers newest first with no duplicates or gaps, hiding deactivated accounts', async () => {
      const star = await insertUser(store());
      const fans = [];
      for (let i = 0; i < 7; i++) {
        const f = await insertUser(store());
        // Two fans share a timestamp: the id breaks the tie.
        await store().follows.follow(f.id, star.id, new Date(Date.UTC(2026, 1, 1, 0, 0, Math.min(i, 5))).toISOString());
        fans.push(f);
      }
      await store().users.update(fans[0]!.id, { deactivated_at: '2026-03-01T00:00:00.000Z' });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store().follows.followers(star.id, 2, cursor);
        assert.ok(page.items.length <= 2);
        seen.push(...page.items.map((e) => e.user.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      assert.equal(seen.length, 6);
      assert.equal(new Set(seen).size, 6);
      assert.ok(!seen.includes(fans[0]!.id));
      assert.equal(seen[0], fans[6]!.id > fans[5]!.id ? fans[6]!.id : fans[5]!.id);
      assert.deepEqual(await store().follows.counts(star.id), { followers: 6, following: 0 });
      const following = await store().follows.following(fans[3]!.id, 10);
      assert.deepEqual(
        following.items.map((e) => e.user.id),
        [star.id],
      );
    });
  });
}
