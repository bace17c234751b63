import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../domain/ids.ts';
import type { Store } from '../store.ts';
import type { SessionRow } from '../types.ts';
import { insertUser } from './fixtures.ts';

const T0 = '2026-01-01T00:00:00.000Z';
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

const aSession = (userId: string, over: Partial<SessionRow> = {}): SessionRow => ({
  id: newId(),
  user_id: userId,
  client: 'Rooms web',
  user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0',
  ip: '10.0.0.1',
  created_at: T0,
  last_used_at: T0,
  expires_at: at(24 * 60),
  ...over,
});

export function sessionAndKeyContract(store: () => Store): void {
  describe('sessions', () => {
    it("finds a live session, lists a user's sessions by last use, and never an expired one", async () => {
      const u = await insertUser(store());
      const other = await insertUser(store());
      const a = aSession(u.id);
      const b = aSession(u.id, { last_used_at: at(5), client: null, user_agent: null, ip: null });
      const expired = aSession(u.id, { expires_at: at(1) });
      for (const s of [a, b, expired, aSession(other.id)]) await store().sessions.create(s);
      assert.deepEqual(await store().sessions.find(a.id, at(2)), a);
      assert.equal(await store().sessions.find(expired.id, at(2)), undefined);
      assert.equal(await store().sessions.find(newId(), at(2)), undefined);
      assert.deepEqual(
        (await store().sessions.listForUser(u.id, at(2))).map((s) => s.id),
        [b.id, a.id],
      );
    });

    it("deletes one of a user's sessions (not another user's), all but one, or the expired", async () => {
      const u = await insertUser(store());
      const other = await insertUser(store());
      const [a, b, c] = [aSession(u.id), aSession(u.id), aSession(u.id, { expires_at: at(1) })];
      const theirs = aSession(other.id);
      for (const s of [a, b, c, theirs]) await store().sessions.create(s);
      assert.equal(await store().sessions.delete(u.id, theirs.id), false);
      assert.ok(await store().sessions.find(theirs.id, T0));
      assert.equal(await store().sessions.delete(u.id, a.id), true);
      assert.equal(await store().sessions.delete(u.id, a.id), false);
      assert.ok((await store().sessions.deleteExpired(at(2))) >= 1);
      assert.deepEqual(
        (await store().sessions.listForUser(u.id, T0)).map((s) => s.id),
        [b.id],
      );
      await store().sessions.create(a);
      assert.equal(await store().sessions.deleteAllBut(u.id, b.id), 1);
      assert.deepEqual(
        (await store().sessions.listForUser(u.id, T0)).map((s) => s.id),
        [b.id],
      );
      assert.equal(await store().sessions.deleteAllBut(u.id), 1);
      assert.deepEqual(await store().sessions.listForUser(u.id, T0), []);
    });

    it('records last uses together, only ever forward, and extends an expiry', async () => {
      const u = await insertUser(store());
      const [a, b] = [aSession(u.id), aSession(u.id)];
      for (const s of [a, b]) await store().sessions.create(s);
      await store().sessions.touch([
        { id: a.id, lastUsedAt: at(3) },
        { id: b.id, lastUsedAt: at(4) },
      ]);
      await store().sessions.touch([{ id: a.id, lastUsedAt: at(2) }]);
      assert.equal((await store().sessions.find(a.id, T0))!.last_used_at, at(3));
      assert.equal((await store().sessions.find(b.id, T0))!.last_used_at, at(4));
      await store().sessions.extend(a.id, at(48 * 60));
      assert.equal((await store().sessions.find(a.id, at(30 * 60)))!.expires_at, at(48 * 60));
    });
  });

  describe('signing keys', () => {
    it('keeps keys oldest first, adds idempotently, retires all but the new one, deletes the long retired', async () => {
      const before = await store().signingKeys.list();
      const k1 = { id: `k1-${newId()}`, secret: 's'.repeat(48), created_at: at(-3), retired_at: null };
      const k2 = { id: `k2-${newId()}`, secret: 't'.repeat(48), created_at: at(-2), retired_at: null };
      await store().signingKeys.add(k1);
      await store().signingKeys.add({ ...k1, secret: 'other' });
      await store().signingKeys.add(k2);
      const listed = await store().signingKeys.list();
      assert.deepEqual(listed.slice(before.length), [k1, k2]);
      assert.equal(await store().signingKeys.retireAllBut(k2.id, at(0)), before.filter((k) => k.retired_at === null).length + 1);
      const now = await store().signingKeys.list();
      assert.equal(now.find((k) => k.id === k1.id)!.retired_at, at(0));
      assert.equal(now.find((k) => k.id === k2.id)!.retired_at, null);
      assert.equal(await store().signingKeys.retireAllBut(k2.id, at(1)), 0, 'a retired key keeps its retirement time');
      assert.ok((await store().signingKeys.deleteRetiredBefore(at(1))) >= 1);
      assert.deepEqual(
        (await store().signingKeys.list()).map((k) => k.id).filter((id) => id === k1.id || id === k2.id),
        [k2.id],
      );
    });
  });
}
