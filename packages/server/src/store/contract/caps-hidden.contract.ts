import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { newId } from '../../domain/ids.ts';
import type { Store } from '../store.ts';
import { insertUser } from './fixtures.ts';
import { at, insertRoom, join, post } from './room-fixtures.ts';

const range = (k: number): number[] => Array.from({ length: k }, (_, i) => i + 1);

/** What the per-user caps count and lock, a user's rooms a page at a time, and hidden accounts in lists of people. */
export function capsAndHiddenContract(store: () => Store): void {
  describe('caps: counts and locks', () => {
    it('countsOf counts every membership (direct included) and the rooms owned', async () => {
      const u = await insertUser(store());
      assert.deepEqual(await store().members.countsOf(u.id), { joined: 0, owned: 0 });
      for (const role of ['owner', 'owner', 'admin', 'member'] as const) await join(store(), (await insertRoom(store())).id, u.id, role);
      await join(store(), (await insertRoom(store(), { type: 'direct', direct_key: `${u.id}:${newId()}` })).id, u.id);
      assert.deepEqual(await store().members.countsOf(u.id), { joined: 5, owned: 2 });
    });

    it('countUsable counts the invites still usable: not revoked, expired or used up', async () => {
      const r = await insertRoom(store());
      const base = { room_id: r.id, created_by: null, created_at: at(0), expires_at: at(100), uses: 0, revoked_at: null };
      const code = () => `c${Math.random().toString(36).slice(2, 12)}`;
      await store().invites.insert({ ...base, code: code(), max_uses: 1 });
      await store().invites.insert({ ...base, code: code(), max_uses: null, uses: 40 });
      await store().invites.insert({ ...base, code: code(), max_uses: 2, uses: 2 });
      await store().invites.insert({ ...base, code: code(), max_uses: 1, expires_at: at(10) });
      await store().invites.insert({ ...base, code: code(), max_uses: 1, revoked_at: at(5) });
      assert.equal(await store().invites.countUsable(r.id, at(20)), 2);
      assert.equal(await store().invites.countUsable(r.id, at(5)), 3, 'before the expiry');
      assert.equal(await store().invites.countUsable(newId(), at(5)), 0);
    });

    it('listUsable lists those same invites of the room, newest first', async () => {
      const r = await insertRoom(store());
      const other = await insertRoom(store());
      const base = { room_id: r.id, created_by: null, expires_at: at(100), uses: 0, revoked_at: null, max_uses: 1 };
      await store().invites.insert({ ...base, code: 'listold1', created_at: at(1) });
      await store().invites.insert({ ...base, code: 'listnew1', created_at: at(3), max_uses: null, uses: 7 });
      await store().invites.insert({ ...base, code: 'listmid1', created_at: at(2), expires_at: at(10) });
      await store().invites.insert({ ...base, code: 'listused', created_at: at(2), max_uses: 2, uses: 2 });
      await store().invites.insert({ ...base, code: 'listrevk', created_at: at(2), revoked_at: at(4) });
      await store().invites.insert({ ...base, code: 'listothr', created_at: at(2), room_id: other.id });
      assert.deepEqual(
        (await store().invites.listUsable(r.id, at(5), { limit: 100 })).items.map((i) => i.code),
        ['listnew1', 'listmid1', 'listold1'],
      );
      assert.deepEqual(
        (await store().invites.listUsable(r.id, at(20), { limit: 100 })).items.map((i) => i.code),
        ['listnew1', 'listold1'],
        'after one expired',
      );
      const [row] = (await store().invites.listUsable(r.id, at(20), { limit: 100 })).items;
      assert.deepEqual(row, { ...base, code: 'listnew1', created_at: at(3), max_uses: null, uses: 7 }, 'every column, as stored');
      assert.deepEqual(await store().invites.listUsable(newId(), at(5), { limit: 100 }), { items: [], next_cursor: null });
    });

    it('a user row lock makes count-then-insert transactions take turns: 12 racing for 3 places fill exactly 3', async () => {
      const u = await insertUser(store());
      const rooms = await Promise.all(range(12).map(() => insertRoom(store())));
      const added = await Promise.all(
        rooms.map((r) =>
          store().transaction(async (tx) => {
            await tx.users.lock(u.id);
            if ((await tx.members.countsOf(u.id)).joined >= 3) return false;
            // Widen the window between the count and the insert: without the lock, PostgreSQL overshoots.
            await sleep(5);
            return tx.members.add({ room_id: r.id, user_id: u.id, role: 'member', joined_at: at(1) });
          }),
        ),
      );
      assert.equal(added.filter(Boolean).length, 3);
      assert.equal((await store().members.countsOf(u.id)).joined, 3);
    });

    it('a room row lock does the same for a room: 10 racing for 4 invite places fill exactly 4', async () => {
      const r = await insertRoom(store());
      const made = await Promise.all(
        range(10).map(() =>
          store().transaction(async (tx) => {
            await tx.rooms.lock(r.id);
            if ((await tx.invites.countUsable(r.id, at(1))) >= 4) return false;
            await sleep(5);
            await tx.invites.insert({
              code: `c${Math.random().toString(36).slice(2, 12)}`,
              room_id: r.id,
              created_by: null,
              created_at: at(0),
              expires_at: at(100),
              max_uses: 1,
              uses: 0,
              revoked_at: null,
            });
            return true;
          }),
        ),
      );
      assert.equal(made.filter(Boolean).length, 4);
      assert.equal(await store().invites.countUsable(r.id, at(1)), 4);
    });
  });

  describe("a user's rooms, a page at a time", () => {
    it('pages by activity without repeats or gaps while rooms are created and written to between pages', async () => {
      const u = await insertUser(store());
      const other = await insertUser(store());
      const ids: string[] = [];
      // Some share a creation time: the id breaks the tie.
      for (const i of range(23)) {
        const r = await insertRoom(store(), { created_at: at(Math.ceil(i / 2)) });
        await join(store(), r.id, u.id);
        ids.push(r.id);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store().rooms.listForUser(u.id, { limit: 5, cursor });
        assert.ok(page.items.length <= 5);
        seen.push(...page.items.map((x) => x.room.id));
        cursor = page.next_cursor ?? undefined;
        // Between pages: a new room, and a message in a room already seen; both move to the front.
        const fresh = await insertRoom(store(), { created_at: at(500 + pages) });
        await join(store(), fresh.id, u.id);
        await post(store(), seen[0]!, other.id, { created_at: at(600 + pages) });
        assert.ok(++pages < 20);
      } while (cursor);
      assert.equal(new Set(seen).size, seen.length, 'no room twice');
      assert.deepEqual([...seen].sort(), [...ids].sort(), 'every room that was there from the start');
      const first = await store().rooms.listForUser(u.id, { limit: 1 });
      assert.equal(first.items.length, 1);
      assert.ok(first.next_cursor);
    });
  });

  describe('hidden accounts in lists of people', () => {
    it('members, readers, read counts, reaction counts and block lists leave deactivated and purged accounts out', async () => {
      const r = await insertRoom(store());
      const [a, gone, purged] = [await insertUser(store()), await insertUser(store()), await insertUser(store())];
      for (const u of [a, gone, purged]) await join(store(), r.id, u.id);
      const m = await post(store(), r.id, a.id);
      for (const u of [gone, purged]) {
        await store().members.markRead(r.id, u.id, m.seq, m.id, at(2));
        await store().reactions.add(m.id, u.id, '👍', at(3));
        await store().blocks.block(a.id, u.id, at(4));
      }
      await store().reactions.add(m.id, a.id, '👍', at(3));
      const before = {
        members: (await store().members.list(r.id, 10)).items.length,
        readers: (await store().members.readers(r.id, m.seq, a.id)).length,
        reads: (await store().members.readCounts(r.id, [m])).get(m.seq),
        reactions: (await store().reactions.groups([m.id], a.id))[0]?.count,
        blocks: (await store().blocks.list(a.id, { limit: 100 })).items.length,
      };
      assert.deepEqual(before, { members: 3, readers: 2, reads: 2, reactions: 3, blocks: 2 });

      await store().users.update(gone.id, { deactivated_at: at(5), purge_after: at(99) });
      await store().users.purge(purged.id, at(6));
      assert.deepEqual(
        (await store().members.list(r.id, 10)).items.map((x) => x.user.id),
        [a.id],
      );
      assert.deepEqual(await store().members.readers(r.id, m.seq, a.id), []);
      assert.equal((await store().members.readCounts(r.id, [m])).get(m.seq), 0);
      assert.deepEqual(await store().reactions.groups([m.id], a.id), [{ message_id: m.id, emoji: '👍', count: 1, me: true }]);
      assert.deepEqual((await store().blocks.list(a.id, { limit: 100 })).items, []);
      assert.equal(await store().blocks.between(a.id, gone.id), true, 'the block itself stays');

      // Reactivated: back everywhere.
      await store().users.update(gone.id, { deactivated_at: null, purge_after: null });
      assert.equal((await store().members.list(r.id, 10)).items.length, 2);
      assert.equal((await store().reactions.groups([m.id], a.id))[0]?.count, 2);
    });
  });
}
