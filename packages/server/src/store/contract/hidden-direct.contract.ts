import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../domain/ids.ts';
import type { Store } from '../store.ts';
import { insertUser } from './fixtures.ts';
import { at, insertRoom, join, post } from './room-fixtures.ts';

/** Direct rooms a member hid from their list (issue 19): the membership's hidden_at, and what lists it. */
export function hiddenDirectContract(store: () => Store): void {
  describe('hidden direct rooms', () => {
    async function pair() {
      const [a, b] = [await insertUser(store()), await insertUser(store())];
      const room = await insertRoom(store(), {
        type: 'direct',
        name: 'direct',
        member_limit: 2,
        direct_key: [a.id, b.id].sort().join(':'),
      });
      await join(store(), room.id, a.id);
      await join(store(), room.id, b.id);
      return { a, b, room };
    }
    const listed = async (userId: string) => (await store().rooms.listForUser(userId, { limit: 50 })).items.map((x) => x.room.id);

    it('a new membership is not hidden; hiding keeps the first time, and only a change counts', async () => {
      const { a, room } = await pair();
      assert.equal((await store().members.get(room.id, a.id))!.hidden_at, null);
      assert.equal(await store().members.setHidden(room.id, a.id, at(10)), true);
      assert.equal((await store().members.get(room.id, a.id))!.hidden_at, at(10));
      assert.equal(await store().members.setHidden(room.id, a.id, at(20)), false, 'already hidden');
      assert.equal((await store().members.get(room.id, a.id))!.hidden_at, at(10));
      assert.equal(await store().members.setHidden(room.id, a.id, null), true);
      assert.equal(await store().members.setHidden(room.id, a.id, null), false, 'already listed');
      assert.equal(await store().members.setHidden(room.id, newId(), at(30)), false, 'not a member');
    });

    it('a hidden room leaves only its hider’s list; the member list and the socket’s rooms keep it', async () => {
      const { a, b, room } = await pair();
      const group = await insertRoom(store());
      await join(store(), group.id, a.id);
      await store().members.setHidden(room.id, a.id, at(10));
      assert.deepEqual(await listed(a.id), [group.id]);
      assert.deepEqual(await listed(b.id), [room.id], 'the other person is unaffected');
      assert.ok(
        (await store().rooms.seqsForUser(a.id)).some((r) => r.room_id === room.id),
        'a live connection still follows it',
      );
      const members = (await store().members.list(room.id, 10)).items;
      assert.deepEqual(
        members.map((m) => [m.user.id, m.membership.hidden_at]).sort(),
        [
          [a.id, at(10)],
          [b.id, null],
        ].sort(),
      );
    });

    it('unhideAll lists the room again for everyone who hid it, names them, and is a no-op after', async () => {
      const { a, b, room } = await pair();
      await store().members.setHidden(room.id, a.id, at(10));
      await store().members.setHidden(room.id, b.id, at(11));
      await post(store(), room.id, b.id);
      const shown = await store().transaction((tx) => tx.members.unhideAll(room.id));
      assert.deepEqual(shown.sort(), [a.id, b.id].sort());
      assert.deepEqual(await store().transaction((tx) => tx.members.unhideAll(room.id)), []);
      assert.deepEqual(await listed(a.id), [room.id]);
      assert.deepEqual(await listed(b.id), [room.id]);
    });

    it('a rolled-back unhide leaves the room hidden', async () => {
      const { a, room } = await pair();
      await store().members.setHidden(room.id, a.id, at(10));
      await assert.rejects(
        store().transaction(async (tx) => {
          assert.deepEqual(await tx.members.unhideAll(room.id), [a.id]);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal((await store().members.get(room.id, a.id))!.hidden_at, at(10));
      assert.deepEqual(await listed(a.id), []);
    });
  });
}
