import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../domain/ids.ts';
import type { MessageRow } from '../room-types.ts';
import type { Store } from '../store.ts';
import { insertUser } from './fixtures.ts';
import { at, insertRoom, join, post } from './room-fixtures.ts';

const seqs = (rows: MessageRow[]): number[] => rows.map((m) => m.seq);

export function messageContract(store: () => Store): void {
  /** A room with two members, a and b. */
  const room = async () => {
    const [a, b] = [await insertUser(store()), await insertUser(store())];
    const r = await insertRoom(store());
    await join(store(), r.id, a.id, 'owner');
    await join(store(), r.id, b.id);
    return { r, a, b };
  };

  describe('messages', () => {
    it('round-trips every field and finds a message by id, by seq and by (sender, client_id)', async () => {
      const { r, a, b } = await room();
      const m = await post(store(), r.id, a.id, {
        content: 'héllo **you** 👋🏽',
        client_id: 'k-1',
        mentions: [b.id],
        mentions_room: true,
        created_at: at(5),
      });
      assert.deepEqual(m, {
        id: m.id,
        room_id: r.id,
        seq: 1,
        sender_id: a.id,
        type: 'text',
        content: 'héllo **you** 👋🏽',
        parent_id: null,
        client_id: 'k-1',
        mentions: [b.id],
        mentions_room: true,
        reply_count: 0,
        created_at: at(5),
        edited_at: null,
        deleted_at: null,
      });
      assert.deepEqual(await store().messages.findById(m.id), m);
      assert.deepEqual(await store().messages.findBySeq(r.id, 1), m);
      assert.deepEqual(await store().messages.findByClientId(a.id, 'k-1'), m);
      assert.equal(await store().messages.findByClientId(b.id, 'k-1'), undefined);
      assert.equal(await store().messages.findBySeq(r.id, 2), undefined);
      assert.equal(await store().messages.findById(newId()), undefined);
      const room1 = (await store().rooms.findById(r.id))!;
      assert.deepEqual([room1.last_seq, room1.last_message_at], [1, at(5)]);
    });

    it('(sender, client_id) is unique; other senders and messages without a client_id are not limited', async () => {
      const { r, a, b } = await room();
      await post(store(), r.id, a.id, { client_id: 'same' });
      await assert.rejects(post(store(), r.id, a.id, { client_id: 'same' }));
      const other = await insertRoom(store());
      await join(store(), other.id, a.id);
      await assert.rejects(post(store(), other.id, a.id, { client_id: 'same' }), 'unique across rooms too');
      await post(store(), r.id, b.id, { client_id: 'same' });
      await post(store(), r.id, a.id);
      await post(store(), r.id, a.id);
      assert.equal((await store().rooms.findById(r.id))!.last_seq, 4, 'the refused inserts gave their seqs back');
      assert.deepEqual(seqs(await store().messages.list(r.id, { limit: 10 })), [4, 3, 2, 1]);
    });

    it('insert answers the row exactly as it is read back (defaults included)', async () => {
      const { r, a, b } = await room();
      const m = await post(store(), r.id, a.id, { client_id: 'c-1', mentions: [b.id], mentions_room: true, content: 'hi @b' });
      assert.deepEqual(await store().messages.findById(m.id), m);
      assert.equal(m.reply_count, 0);
      assert.equal(m.edited_at, null);
    });

    it('(room, seq) is unique: a seq is never given twice', async () => {
      const { r, a } = await room();
      const m = await post(store(), r.id, a.id);
      await assert.rejects(store().messages.insert({ ...m, id: newId(), client_id: null }));
    });

    it('lists newest first before a seq, oldest first after one, and by thread', async () => {
      const { r, a, b } = await room();
      const root = await post(store(), r.id, a.id);
      for (let i = 0; i < 3; i++) await post(store(), r.id, b.id);
      const r1 = await post(store(), r.id, b.id, { parent_id: root.id });
      await post(store(), r.id, a.id);
      const r2 = await post(store(), r.id, a.id, { parent_id: root.id });
      assert.deepEqual(seqs(await store().messages.list(r.id, { limit: 3 })), [7, 6, 5]);
      assert.deepEqual(seqs(await store().messages.list(r.id, { limit: 3, beforeSeq: 5 })), [4, 3, 2]);
      assert.deepEqual(seqs(await store().messages.list(r.id, { limit: 3, beforeSeq: 2 })), [1]);
      assert.deepEqual(seqs(await store().messages.list(r.id, { limit: 3, afterSeq: 2 })), [3, 4, 5]);
      assert.deepEqual(seqs(await store().messages.list(r.id, { limit: 3, afterSeq: 7 })), []);
      assert.deepEqual(seqs(await store().messages.list(r.id, { limit: 10, parentId: root.id })), [r2.seq, r1.seq]);
      assert.deepEqual(seqs(await store().messages.list(r.id, { limit: 10, parentId: root.id, afterSeq: r1.seq })), [r2.seq]);
      const other = await insertRoom(store());
      await join(store(), other.id, a.id);
      await post(store(), other.id, a.id);
      assert.deepEqual(seqs(await store().messages.list(r.id, { limit: 100 })), [7, 6, 5, 4, 3, 2, 1], 'only this room');
    });

    it('keyset pages never skip or repeat, while new messages keep arriving', async () => {
      const { r, a, b } = await room();
      for (let i = 0; i < 25; i++) await post(store(), r.id, i % 2 ? a.id : b.id);
      // Walk backwards from the newest, inserting between pages: the walk still sees exactly 1..25.
      const back: number[] = [];
      let page = await store().messages.list(r.id, { limit: 4 });
      while (page.length > 0) {
        back.push(...seqs(page));
        await Promise.all([post(store(), r.id, a.id), post(store(), r.id, b.id)]);
        page = await store().messages.list(r.id, { limit: 4, beforeSeq: page.at(-1)!.seq });
      }
      assert.deepEqual(
        back,
        Array.from({ length: 25 }, (_, i) => 25 - i),
      );
      // Walk forwards from the start: ends at the newest, in order, with no gap.
      const fwd: number[] = [];
      let after = 0;
      for (;;) {
        const p = await store().messages.list(r.id, { limit: 7, afterSeq: after });
        if (p.length === 0) break;
        fwd.push(...seqs(p));
        after = p.at(-1)!.seq;
      }
      const last = (await store().rooms.findById(r.id))!.last_seq;
      assert.deepEqual(
        fwd,
        Array.from({ length: last }, (_, i) => i + 1),
      );
    });

    it('edits and deletes by patch, and counts thread replies', async () => {
      const { r, a } = await room();
      const m = await post(store(), r.id, a.id);
      const edited = await store().messages.update(m.id, { content: 'new', edited_at: at(7) });
      assert.deepEqual(edited, { ...m, content: 'new', edited_at: at(7) });
      const deleted = await store().messages.update(m.id, { deleted_at: at(8) });
      assert.deepEqual(deleted, { ...edited, deleted_at: at(8) });
      assert.equal(await store().messages.update(newId(), { content: 'x' }), undefined);
      await Promise.all([1, 2, 3].map(() => store().messages.incrementReplies(m.id)));
      assert.equal((await store().messages.findById(m.id))!.reply_count, 3);
    });

    it("countUnread counts others' live messages after a seq: never my own, never deleted ones", async () => {
      const { r, a, b } = await room();
      const mine = await post(store(), r.id, a.id);
      const theirs: MessageRow[] = [];
      for (let i = 0; i < 4; i++) theirs.push(await post(store(), r.id, b.id));
      await post(store(), r.id, a.id);
      await store().messages.update(theirs[1]!.id, { deleted_at: at(9) });
      assert.equal(await store().messages.countUnread(r.id, a.id, 0), 3);
      assert.equal(await store().messages.countUnread(r.id, a.id, theirs[0]!.seq), 2);
      assert.equal(await store().messages.countUnread(r.id, a.id, 100), 0);
      assert.equal(await store().messages.countUnread(r.id, b.id, 0), 2, 'b sees a’s two');
      assert.equal(await store().messages.countUnread(r.id, b.id, mine.seq), 1);
    });

    it('latestMessageAtOrBefore finds the message a read point lands on', async () => {
      const { r, a } = await room();
      const m1 = await post(store(), r.id, a.id);
      await store().rooms.nextSeq(r.id);
      const m3 = await post(store(), r.id, a.id);
      assert.equal((await store().messages.latestMessageAtOrBefore(r.id, 2))?.id, m1.id, 'seq 2 is an event, not a message');
      assert.equal((await store().messages.latestMessageAtOrBefore(r.id, 99))?.id, m3.id);
      assert.equal(await store().messages.latestMessageAtOrBefore(r.id, 0), undefined);
    });
  });

  describe('reactions', () => {
    it('(message, user, emoji) is unique, even under racing adds; groups count, say "me", and keep first-reaction order', async () => {
      const { r, a, b } = await room();
      const m = await post(store(), r.id, a.id);
      const family = '👨‍👩‍👧‍👦';
      const added = await Promise.all([1, 2, 3, 4, 5].map(() => store().reactions.add(m.id, a.id, '👍🏽', at(1))));
      assert.equal(added.filter(Boolean).length, 1);
      assert.equal(await store().reactions.add(m.id, b.id, '👍🏽', at(2)), true);
      assert.equal(await store().reactions.add(m.id, b.id, family, at(3)), true);
      assert.deepEqual(await store().reactions.groups([m.id], a.id), [
        { message_id: m.id, emoji: '👍🏽', count: 2, me: true },
        { message_id: m.id, emoji: family, count: 1, me: false },
      ]);
      assert.equal(await store().reactions.remove(m.id, a.id, '👍🏽'), true);
      assert.equal(await store().reactions.remove(m.id, a.id, '👍🏽'), false);
      assert.deepEqual(await store().reactions.groups([m.id], a.id), [
        { message_id: m.id, emoji: '👍🏽', count: 1, me: false },
        { message_id: m.id, emoji: family, count: 1, me: false },
      ]);
      assert.deepEqual(await store().reactions.groups([], a.id), []);
      assert.deepEqual(
        (await store().reactions.reactors(m.id, 10)).map((r) => [r.emoji, r.user.id]),
        [
          ['👍🏽', b.id],
          [family, b.id],
        ],
      );
      assert.equal((await store().reactions.reactors(m.id, 1)).length, 1);
    });

    it('groups reactions of several messages at once, each under its own message', async () => {
      const { r, a, b } = await room();
      const [m1, m2, m3] = [await post(store(), r.id, a.id), await post(store(), r.id, a.id), await post(store(), r.id, a.id)];
      await store().reactions.add(m1.id, a.id, '🎉', at(1));
      await store().reactions.add(m2.id, b.id, '🎉', at(2));
      await store().reactions.add(m2.id, a.id, '🎉', at(3));
      const g = await store().reactions.groups([m1.id, m2.id, m3.id], b.id);
      assert.deepEqual(
        g.map((x) => [x.message_id, x.count, x.me]),
        [
          [m1.id, 1, false],
          [m2.id, 2, true],
        ],
      );
    });
  });

  describe('pins', () => {
    it('pins once, lists newest first, answers pinnedAmong, and unpins', async () => {
      const { r, a } = await room();
      const [m1, m2, m3] = [await post(store(), r.id, a.id), await post(store(), r.id, a.id), await post(store(), r.id, a.id)];
      assert.equal(await store().pins.pin({ room_id: r.id, message_id: m1.id, pinned_by: a.id, pinned_at: at(1) }), true);
      assert.equal(await store().pins.pin({ room_id: r.id, message_id: m1.id, pinned_by: a.id, pinned_at: at(5) }), false);
      assert.equal(await store().pins.pin({ room_id: r.id, message_id: m2.id, pinned_by: null, pinned_at: at(2) }), true);
      assert.deepEqual((await store().pins.list(r.id, { limit: 100 })).items, [
        { room_id: r.id, message_id: m2.id, pinned_by: null, pinned_at: at(2) },
        { room_id: r.id, message_id: m1.id, pinned_by: a.id, pinned_at: at(1) },
      ]);
      assert.deepEqual([...(await store().pins.pinnedAmong(r.id, [m1.id, m3.id]))], [m1.id]);
      assert.equal((await store().pins.pinnedAmong(r.id, [])).size, 0);
      assert.equal(await store().pins.unpin(r.id, m1.id), true);
      assert.equal(await store().pins.unpin(r.id, m1.id), false);
      assert.deepEqual(
        (await store().pins.list(r.id, { limit: 100 })).items.map((p) => p.message_id),
        [m2.id],
      );
    });
  });

  describe('room events', () => {
    it('appends under the seq, lists after a seq in order up to a limit, and never stores two events under one seq', async () => {
      const { r } = await room();
      const seqList = await Promise.all(
        [1, 2, 3, 4, 5].map(() =>
          store().transaction(async (tx) => {
            const seq = await tx.rooms.nextSeq(r.id);
            await tx.events.append({
              room_id: r.id,
              seq,
              type: 'room_updated',
              payload: { n: seq, nested: { ok: true }, list: [1, 'two'] },
              created_at: at(seq),
            });
            return seq;
          }),
        ),
      );
      assert.deepEqual([...seqList].sort(), [1, 2, 3, 4, 5]);
      const all = await store().events.listAfter(r.id, 0, 100);
      assert.deepEqual(
        all.map((e) => e.seq),
        [1, 2, 3, 4, 5],
      );
      assert.deepEqual(all[2], {
        room_id: r.id,
        seq: 3,
        type: 'room_updated',
        payload: { n: 3, nested: { ok: true }, list: [1, 'two'] },
        created_at: at(3),
      });
      assert.deepEqual(
        (await store().events.listAfter(r.id, 2, 2)).map((e) => e.seq),
        [3, 4],
      );
      assert.deepEqual(await store().events.listAfter(r.id, 5, 10), []);
      await assert.rejects(store().events.append({ room_id: r.id, seq: 3, type: 'room_updated', payload: {}, created_at: at(9) }));
    });
  });
}
