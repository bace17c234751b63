import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../domain/errors.ts';
import type { Store } from '../store.ts';
import { aUser, insertUser } from './fixtures.ts';

/** The user repository's contract; every backend must pass it unchanged. */
export function userContract(store: () => Store): void {
  describe('users', () => {
    it('makes the first account a server admin and no other', async () => {
      const first = await insertUser(store());
      const second = await insertUser(store());
      assert.equal(first.is_admin, true);
      assert.equal(second.is_admin, false);
    });

    it('round-trips every field, with ISO timestamps', async () => {
      const input = aUser({
        bio: 'line one\nline two 🎉',
        website: 'https://example.test',
        status_message: 'busy',
        avatar_url: 'https://a.test/x.png',
      });
      const saved = await store().users.insert(input);
      const found = await store().users.findById(input.id);
      assert.deepEqual(found, saved);
      assert.equal(found?.created_at, input.created_at);
      assert.equal(found?.token_version, 0);
      assert.equal(found?.bio, 'line one\nline two 🎉');
    });

    it('refuses a duplicate username with username_taken, on insert and on rename', async () => {
      const a = await insertUser(store());
      await assert.rejects(
        store().users.insert(aUser({ username: a.username })),
        (e: unknown) => e instanceof DomainError && e.code === 'username_taken',
      );
      const b = await insertUser(store());
      await assert.rejects(
        store().users.update(b.id, { username: a.username }),
        (e: unknown) => e instanceof DomainError && e.code === 'username_taken',
      );
      assert.equal((await store().users.findById(b.id))?.username, b.username);
    });

    it('finds every live account sharing an email', async () => {
      const email = `shared-${Date.now()}@example.test`;
      const a = await insertUser(store(), { email });
      const b = await insertUser(store(), { email });
      await insertUser(store());
      const found = await store().users.findByEmail(email, 10);
      assert.deepEqual(found.map((u) => u.id).sort(), [a.id, b.id].sort());
    });

    it('finds at most limit accounts by email, the most recently seen first, never-seen last', async () => {
      const email = `many-${Date.now()}@example.test`;
      const users = [];
      for (let i = 0; i < 5; i++) users.push(await insertUser(store(), { email }));
      await store().users.update(users[1]!.id, { last_seen: '2026-01-02T00:00:00.000Z' });
      await store().users.update(users[3]!.id, { last_seen: '2026-01-03T00:00:00.000Z' });
      const found = await store().users.findByEmail(email, 3);
      assert.equal(found.length, 3);
      assert.deepEqual(
        found.slice(0, 2).map((u) => u.id),
        [users[3]!.id, users[1]!.id],
      );
      assert.equal(await store().users.hasAny(), true);
    });

    it('bumps the token version by one each time', async () => {
      const u = await insertUser(store());
      assert.equal(await store().users.bumpTokenVersion(u.id), 1);
      assert.equal(await store().users.bumpTokenVersion(u.id), 2);
      assert.equal((await store().users.findById(u.id))?.token_version, 2);
    });

    it('searches active users by username or display-name prefix, case-insensitively, wildcards literal', async () => {
      const tag = Math.random().toString(36).slice(2, 7);
      const zed = await insertUser(store(), { username: `zq${tag}a`, display_name: 'Somebody' });
      const named = await insertUser(store(), { username: `other${tag}`, display_name: `ZQ${tag} Émile` });
      const hidden = await insertUser(store(), { username: `zq${tag}b` });
      await store().users.update(hidden.id, { deactivated_at: new Date().toISOString() });
      const found = (await store().users.search(`zq${tag}`, { limit: 10 })).items;
      assert.deepEqual(found.map((u) => u.id).sort(), [zed.id, named.id].sort());
      assert.deepEqual((await store().users.search('%', { limit: 10 })).items, []);
      assert.deepEqual((await store().users.search('_', { limit: 10 })).items, []);
      assert.equal((await store().users.search(`zq${tag} é`, { limit: 10 })).items[0]?.id, named.id);
    });

    it('stores profile fields as JSON with a visibility, upserting', async () => {
      const u = await insertUser(store());
      await store().users.setProfile(u.id, [
        { field: 'hobbies', value: ['chess', 'go'], visibility: 'mates' },
        { field: 'height_cm', value: 180, visibility: 'public' },
      ]);
      await store().users.setProfile(u.id, [{ field: 'height_cm', value: null, visibility: 'private' }]);
      assert.deepEqual(await store().users.getProfile(u.id), [
        { field: 'height_cm', value: null, visibility: 'private' },
        { field: 'hobbies', value: ['chess', 'go'], visibility: 'mates' },
      ]);
    });

    it('lists purgeable accounts and purges them: personal data gone, username free, id kept', async () => {
      const u = await insertUser(store(), { bio: 'secret', email: 'gone@example.test' });
      const other = await insertUser(store());
      await store().users.setProfile(u.id, [{ field: 'gender', value: 'x', visibility: 'public' }]);
      await store().follows.follow(other.id, u.id, new Date().toISOString());
      await store().users.update(u.id, { deactivated_at: '2026-01-01T00:00:00.000Z', purge_after: '2026-01-31T00:00:00.000Z' });
      assert.ok(!(await store().users.listPurgeable('2026-01-30T23:59:59.999Z', 100)).includes(u.id));
      assert.ok((await store().users.listPurgeable('2026-01-31T00:00:00.000Z', 100)).includes(u.id));
      await store().transaction((tx) => tx.users.purge(u.id, '2026-01-31T00:00:01.000Z'));
      const purged = await store().users.findById(u.id);
      assert.equal(purged?.username, null);
      assert.equal(purged?.email, null);
      assert.equal(purged?.password_hash, null);
      assert.equal(purged?.bio, null);
      assert.equal(purged?.display_name, 'Deleted user');
      assert.equal(purged?.deleted_at, '2026-01-31T00:00:01.000Z');
      assert.deepEqual(await store().users.getProfile(u.id), []);
      assert.equal(await store().follows.isFollowing(other.id, u.id), false);
      assert.ok(!(await store().users.listPurgeable('2027-01-01T00:00:00.000Z', 100)).includes(u.id));
      await insertUser(store(), { username: u.username });
    });

    it('rolls a transaction back when it throws', async () => {
      const input = aUser();
      await assert.rejects(
        store().transaction(async (tx) => {
          await tx.users.insert(input);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store().users.findById(input.id), undefined);
    });
  });
}
