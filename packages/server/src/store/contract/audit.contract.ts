import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../domain/ids.ts';
import type { AuditRow } from '../audit-types.ts';
import type { Store } from '../store.ts';

const T0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();

const anEntry = (over: Partial<AuditRow> = {}): AuditRow => ({
  id: newId(),
  actor_id: newId(),
  action: 'member_muted',
  target_user_id: newId(),
  target_message_id: null,
  room_id: newId(),
  reason: null,
  details: null,
  created_at: at(0),
  ...over,
});

/** The moderation audit log (issue 19): stored as given, listed newest first, filtered, paged. */
export function auditContract(store: () => Store): void {
  describe('audit log', () => {
    it('stores an entry as given (details as an object, nulls kept) and lists the newest first', async () => {
      const actor = newId();
      const room = newId();
      const first = anEntry({
        actor_id: actor,
        room_id: room,
        action: 'member_banned',
        reason: 'spam, «again» 🙄',
        details: { until: null, n: 2 },
      });
      const second = anEntry({ actor_id: actor, room_id: room, action: 'message_deleted', target_message_id: newId(), created_at: at(1) });
      for (const e of [first, second]) await store().audit.add(e);
      const page = await store().audit.list({ actorId: actor }, { limit: 10 });
      assert.deepEqual(page.items, [second, first]);
      assert.equal(page.next_cursor, null);
    });

    it('filters by room, actor and action (together too)', async () => {
      const [actor, other, room, elsewhere] = [newId(), newId(), newId(), newId()];
      const a = anEntry({ actor_id: actor, room_id: room, action: 'member_removed' });
      const b = anEntry({ actor_id: other, room_id: room, action: 'member_removed' });
      const c = anEntry({ actor_id: actor, room_id: elsewhere, action: 'member_muted' });
      const d = anEntry({ actor_id: actor, room_id: null, target_user_id: newId(), action: 'account_deactivated' });
      for (const e of [a, b, c, d]) await store().audit.add(e);
      const ids = async (f: Parameters<Store['audit']['list']>[0]) => (await store().audit.list(f, { limit: 50 })).items.map((e) => e.id);
      assert.deepEqual(await ids({ roomId: room }), [b.id, a.id]);
      assert.deepEqual(await ids({ actorId: actor }), [d.id, c.id, a.id]);
      assert.deepEqual(await ids({ actorId: actor, action: 'member_removed' }), [a.id]);
      assert.deepEqual(await ids({ roomId: room, actorId: other }), [b.id]);
      assert.deepEqual(await ids({ roomId: newId() }), []);
    });

    it('pages by cursor without gaps or repeats, and refuses a forged cursor', async () => {
      const room = newId();
      const entries = Array.from({ length: 5 }, (_, i) => anEntry({ room_id: room, created_at: at(i) }));
      for (const e of entries) await store().audit.add(e);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 5; i++) {
        const page = await store().audit.list({ roomId: room }, { limit: 2, cursor });
        seen.push(...page.items.map((e) => e.id));
        if (page.next_cursor === null) break;
        cursor = page.next_cursor;
      }
      assert.deepEqual(seen, entries.map((e) => e.id).reverse());
      await assert.rejects(store().audit.list({}, { limit: 2, cursor: Buffer.from('["x"]').toString('base64url') }), {
        code: 'invalid_cursor',
      });
    });

    it('an entry written in a transaction that rolls back is gone with it', async () => {
      const room = newId();
      await assert.rejects(
        store().transaction(async (tx) => {
          await tx.audit.add(anEntry({ room_id: room }));
          throw new Error('the action failed');
        }),
        /the action failed/,
      );
      assert.deepEqual((await store().audit.list({ roomId: room }, { limit: 10 })).items, []);
    });
  });
}
