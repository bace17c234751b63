import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../domain/ids.ts';
import type { MessageRow, RoomRow } from '../room-types.ts';
import type { Store } from '../store.ts';
import type { UserRow } from '../types.ts';
import { insertUser } from './fixtures.ts';
import { aRoom, at, insertRoom, join, post } from './room-fixtures.ts';

const range = (k: number): number[] => Array.from({ length: k }, (_, i) => i + 1);

export function roomContract(store: () => Store): void {
  describe('rooms', () => {
    it('round-trips every field, and finds a direct room by its pair key', async () => {
      const u = await insertUser(store());
      const input = aRoom({
        type: 'private',
        description: 'about',
        topic_kind: 'image',
        categories: ['general', 'music'],
        member_limit: 50,
        created_by: u.id,
      });
      const r = await store().rooms.insert(input);
      assert.deepEqual(r, {
        ...input,
        cover_attachment_id: null,
        member_count: 0,
        featured: false,
        archived: false,
        last_seq: 0,
        last_message_at: null,
        like_count: 0,
      });
      assert.deepEqual(await store().rooms.findById(r.id), r);
      assert.equal(await store().rooms.findById(newId()), undefined);

      const key = [newId(), newId()].sort().join(':');
      const d = await insertRoom(store(), { type: 'direct', name: 'direct', direct_key: key, member_limit: 2 });
      assert.equal((await store().rooms.findByDirectKey(key))?.id, d.id);
      assert.equal(await store().rooms.findByDirectKey('nobody:nobody'), undefined);
      await assert.rejects(insertRoom(store(), { type: 'direct', name: 'direct', direct_key: key }), 'one direct room per pair');
    });

    it('updates a patch (flags as booleans, categories as a list), and an empty patch returns the row', async () => {
      const r = await insertRoom(store());
      const u = await store().rooms.update(r.id, {
        name: 'Renamed',
        description: 'd',
        categories: ['study'],
        featured: true,
        archived: true,
        member_limit: 10,
      });
      assert.deepEqual(u, {
        ...r,
        name: 'Renamed',
        description: 'd',
        categories: ['study'],
        featured: true,
        archived: true,
        member_limit: 10,
      });
      assert.deepEqual(await store().rooms.update(r.id, {}), u);
      assert.deepEqual(await store().rooms.update(r.id, { featured: false, archived: false, member_limit: null, description: null }), {
        ...u,
        featured: false,
        archived: false,
        member_limit: null,
        description: null,
      });
      assert.equal(await store().rooms.update(newId(), { name: 'x' }), undefined);
    });

    it('nextSeq is +1 per call under 20 concurrent transactions: exactly 1..20, no gaps, no duplicates', async () => {
      const r = await insertRoom(store());
      const seqs = await Promise.all(range(20).map(() => store().transaction((tx) => tx.rooms.nextSeq(r.id))));
      assert.deepEqual(
        [...seqs].sort((a, b) => a - b),
        range(20),
      );
      const after = (await store().rooms.findById(r.id))!;
      assert.equal(after.last_seq, 20);
      assert.equal(after.last_message_at, null, 'only a message moves last_message_at');
    });

    it('a rolled-back transaction gives its seq back (seqs stay gap-free), and a message moves last_message_at', async () => {
      const r = await insertRoom(store());
      assert.equal(await store().rooms.nextSeq(r.id), 1);
      await assert.rejects(
        store().transaction(async (tx) => {
          assert.deepEqual(await tx.rooms.nextMessageSeq(r.id, at(5)), { seq: 2, at: at(5) });
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal((await store().rooms.findById(r.id))!.last_seq, 1);
      assert.deepEqual(await store().rooms.nextMessageSeq(r.id, at(9)), { seq: 2, at: at(9) });
      assert.equal((await store().rooms.findById(r.id))!.last_message_at, at(9));
    });

    it('nextMessageSeq takes the next seq and moves last_message_at; in an archived or unknown room it takes nothing', async () => {
      const r = await insertRoom(store());
      assert.deepEqual(await store().rooms.nextMessageSeq(r.id, at(3)), { seq: 1, at: at(3) });
      assert.equal((await store().rooms.findById(r.id))!.last_message_at, at(3));
      await store().rooms.update(r.id, { archived: true });
      assert.equal(await store().rooms.nextMessageSeq(r.id, at(4)), undefined);
      const after = (await store().rooms.findById(r.id))!;
      assert.equal(after.last_seq, 1);
      assert.equal(after.last_message_at, at(3));
      assert.equal(await store().rooms.nextMessageSeq(newId(), at(4)), undefined);
    });

    it('message times strictly increase with seqs, whatever time the sender brings (same, earlier)', async () => {
      const r = await insertRoom(store());
      const t = at(7);
      const next = (x: string) => new Date(Date.parse(x) + 1).toISOString();
      assert.deepEqual(await store().rooms.nextMessageSeq(r.id, t), { seq: 1, at: t });
      assert.deepEqual(await store().rooms.nextMessageSeq(r.id, t), { seq: 2, at: next(t) });
      assert.deepEqual(await store().rooms.nextMessageSeq(r.id, at(2)), { seq: 3, at: next(next(t)) });
      assert.equal((await store().rooms.findById(r.id))!.last_message_at, next(next(t)));
      assert.deepEqual(await store().rooms.nextMessageSeq(r.id, at(9)), { seq: 4, at: at(9) });
    });

    it('takeSeat never passes member_limit, however many race for the last seats', async () => {
      const r = await insertRoom(store(), { member_limit: 5 });
      const taken = await Promise.all(range(20).map(() => store().transaction((tx) => tx.rooms.takeSeat(r.id))));
      assert.equal(taken.filter(Boolean).length, 5);
      assert.equal((await store().rooms.findById(r.id))!.member_count, 5);
      assert.equal(await store().rooms.releaseSeat(r.id), 4);
      assert.equal(await store().rooms.takeSeat(r.id), true);
      assert.equal(await store().rooms.takeSeat(r.id), false);

      const open = await insertRoom(store());
      const all = await Promise.all(range(20).map(() => store().rooms.takeSeat(open.id)));
      assert.ok(all.every(Boolean), 'no limit: every seat is taken');
      assert.equal((await store().rooms.findById(open.id))!.member_count, 20);
    });

    it("lists a user's rooms by latest activity (messages, else creation), with the membership", async () => {
      const u = await insertUser(store());
      const other = await insertUser(store());
      const quiet = await insertRoom(store(), { created_at: at(50) });
      const busy = await insertRoom(store(), { created_at: at(10) });
      const newest = await insertRoom(store(), { created_at: at(60) });
      const notMine = await insertRoom(store(), { created_at: at(70) });
      await join(store(), quiet.id, u.id, 'owner');
      await join(store(), busy.id, u.id, 'admin');
      await join(store(), newest.id, u.id);
      await join(store(), notMine.id, other.id);
      await post(store(), busy.id, other.id, { created_at: at(55) });
      const { items: rows, next_cursor } = await store().rooms.listForUser(u.id, { limit: 10 });
      assert.equal(next_cursor, null, 'one page holds them all');
      assert.deepEqual(
        rows.map((r) => r.room.id),
        [newest.id, busy.id, quiet.id],
      );
      assert.deepEqual(
        rows.map((r) => r.membership.role),
        ['member', 'admin', 'owner'],
      );
      assert.ok(rows.every((r) => r.membership.user_id === u.id && r.membership.room_id === r.room.id));
      assert.equal(rows[1]!.room.last_seq, 1);
      const seqs = await store().rooms.seqsForUser(u.id);
      assert.deepEqual(
        seqs.sort((a, b) => a.room_id.localeCompare(b.room_id)),
        rows.map((r) => ({ room_id: r.room.id, last_seq: r.room.last_seq })).sort((a, b) => a.room_id.localeCompare(b.room_id)),
        'seqsForUser: the same rooms, with their last seq, and nothing else',
      );
    });

    it('lists public rooms only, by name, filtered by name (case-insensitive, LIKE-safe), category and featured, paged without gaps', async () => {
      const tag = Math.random().toString(36).slice(2, 8);
      const names = ['Alpha', 'beta', 'Gamma', 'delta', '100% real', 'under_score', 'Epsilon', 'zeta'].map((x) => `${tag} ${x}`);
      const rooms: RoomRow[] = [];
      for (const [i, name] of names.entries())
        rooms.push(await insertRoom(store(), { name, categories: i % 2 === 0 ? ['music'] : ['study', 'general'] }));
      await insertRoom(store(), { name: `${tag} hidden`, type: 'private', categories: ['music'] });
      await store().rooms.update(rooms[2]!.id, { featured: true });

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store().rooms.listPublic({ q: tag, limit: 3, cursor });
        assert.ok(page.items.length <= 3);
        seen.push(...page.items.map((r) => r.name));
        cursor = page.next_cursor ?? undefined;
        assert.ok(++pages < 10);
      } while (cursor);
      assert.deepEqual(
        seen,
        [...names].sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : 1)),
      );

      const q = async (f: Partial<Parameters<Store['rooms']['listPublic']>[0]>) =>
        (await store().rooms.listPublic({ limit: 50, ...f })).items.map((r) => r.name);
      assert.deepEqual(await q({ q: `${tag} ALPHA` }), [`${tag} Alpha`]);
      assert.deepEqual(await q({ q: `${tag} 100%` }), [`${tag} 100% real`], '% is a character, not a wildcard');
      assert.deepEqual(await q({ q: `${tag} under_` }), [`${tag} under_score`], '_ is a character, not a wildcard');
      assert.deepEqual(await q({ q: `${tag} u_der` }), []);
      assert.deepEqual((await q({ q: tag, category: 'music' })).length, 4);
      assert.deepEqual((await q({ q: tag, category: 'general' })).length, 4);
      assert.deepEqual(await q({ q: tag, category: 'gaming' }), []);
      assert.deepEqual(await q({ q: tag, featured: true }), [`${tag} Gamma`]);
      assert.equal((await q({ q: tag, featured: false })).length, 7);
    });
  });

  describe('memberships', () => {
    it('adds once, reads, updates, counts and removes', async () => {
      const u = await insertUser(store());
      const r = await insertRoom(store());
      assert.equal(await store().members.add({ room_id: r.id, user_id: u.id, role: 'member', joined_at: at(1), last_read_seq: 7 }), true);
      assert.equal(await store().members.add({ room_id: r.id, user_id: u.id, role: 'owner', joined_at: at(2) }), false, 'already a member');
      const m = await store().members.get(r.id, u.id);
      assert.deepEqual(m, {
        room_id: r.id,
        user_id: u.id,
        role: 'member',
        joined_at: at(1),
        last_read_seq: 7,
        last_read_message_id: null,
        last_read_at: null,
        delivered_seq: 0,
        notification_level: 'all',
        muted: false,
        muted_until: null,
        hidden_at: null,
      });
      const patched = await store().members.update(r.id, u.id, {
        role: 'admin',
        muted: true,
        muted_until: at(99),
        notification_level: 'mentions',
      });
      assert.deepEqual(patched, { ...m, role: 'admin', muted: true, muted_until: at(99), notification_level: 'mentions' });
      assert.equal(await store().members.update(r.id, newId(), { role: 'admin' }), undefined);
      assert.equal(await store().members.count(r.id), 1);
      assert.equal(await store().members.remove(r.id, u.id), true);
      assert.equal(await store().members.remove(r.id, u.id), false);
      assert.equal(await store().members.get(r.id, u.id), undefined);
      assert.equal(await store().members.count(r.id), 0);
    });

    it('lists members by join time (id breaks ties) with their accounts, paged without gaps', async () => {
      const r = await insertRoom(store());
      const users: UserRow[] = [];
      for (let i = 0; i < 7; i++) {
        const u = await insertUser(store());
        await join(store(), r.id, u.id, 'member', at(Math.min(i, 4)));
        users.push(u);
      }
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store().members.list(r.id, 2, cursor);
        assert.ok(page.items.length <= 2);
        for (const item of page.items) assert.equal(item.membership.user_id, item.user.id);
        seen.push(...page.items.map((i) => i.user.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      const tied = users
        .slice(4)
        .map((u) => u.id)
        .sort();
      assert.deepEqual(seen, [...users.slice(0, 4).map((u) => u.id), ...tied]);
    });

    it('oldestOther names the successor: an admin first, else the longest-standing member', async () => {
      const r = await insertRoom(store());
      const [owner, early, admin] = [await insertUser(store()), await insertUser(store()), await insertUser(store())];
      await join(store(), r.id, owner.id, 'owner', at(1));
      assert.equal(await store().members.oldestOther(r.id, owner.id), undefined);
      await join(store(), r.id, early.id, 'member', at(2));
      assert.equal((await store().members.oldestOther(r.id, owner.id))?.user_id, early.id);
      await join(store(), r.id, admin.id, 'admin', at(3));
      assert.equal((await store().members.oldestOther(r.id, owner.id))?.user_id, admin.id);
    });

    it('markRead never moves backwards, and carries delivered_seq along; markDelivered only moves forward', async () => {
      const r = await insertRoom(store());
      const u = await insertUser(store());
      const other = await insertUser(store());
      await join(store(), r.id, u.id);
      const m: MessageRow[] = [];
      for (let i = 0; i < 6; i++) m.push(await post(store(), r.id, other.id));
      let row = await store().members.markRead(r.id, u.id, 5, m[4]!.id, at(10));
      assert.deepEqual([row?.last_read_seq, row?.last_read_message_id, row?.last_read_at, row?.delivered_seq], [5, m[4]!.id, at(10), 5]);
      row = await store().members.markRead(r.id, u.id, 3, m[2]!.id, at(11));
      assert.deepEqual(
        [row?.last_read_seq, row?.last_read_message_id, row?.last_read_at],
        [5, m[4]!.id, at(10)],
        'an older point changes nothing',
      );
      row = await store().members.markRead(r.id, u.id, 5, m[4]!.id, at(12));
      assert.equal(row?.last_read_at, at(10), 'the same point again changes nothing');
      await Promise.all([1, 6, 2, 4].map((s) => store().members.markRead(r.id, u.id, s, m[s - 1]!.id, at(20 + s))));
      row = await store().members.get(r.id, u.id);
      assert.deepEqual([row?.last_read_seq, row?.last_read_message_id], [6, m[5]!.id], 'racing reads keep the furthest');
      assert.equal(await store().members.markRead(r.id, newId(), 1, null, at(1)), undefined);

      assert.equal(await store().members.markDelivered(r.id, u.id, 3), false, 'says it did not move');
      assert.equal((await store().members.get(r.id, u.id))?.delivered_seq, 6);
      assert.equal(await store().members.markDelivered(r.id, u.id, 9), true, 'says it moved');
      assert.equal((await store().members.get(r.id, u.id))?.delivered_seq, 9);
      await store().members.markRead(r.id, u.id, 7, null, at(30));
      assert.equal((await store().members.get(r.id, u.id))?.delivered_seq, 9, 'reading never lowers delivered');
    });

    it('derives readers and read counts from read points, never counting the sender', async () => {
      const r = await insertRoom(store());
      const [a, b, c] = [await insertUser(store()), await insertUser(store()), await insertUser(store())];
      for (const u of [a, b, c]) await join(store(), r.id, u.id);
      const m1 = await post(store(), r.id, a.id);
      const m2 = await post(store(), r.id, b.id);
      const m3 = await post(store(), r.id, a.id);
      await store().members.markRead(r.id, a.id, 3, m3.id, at(1));
      await store().members.markRead(r.id, b.id, 2, m2.id, at(2));
      assert.deepEqual(
        (await store().members.readers(r.id, m1.seq, a.id)).map((x) => x.user.id),
        [b.id],
      );
      assert.deepEqual(
        (await store().members.readers(r.id, m2.seq, b.id)).map((x) => x.user.id),
        [a.id],
      );
      assert.deepEqual(
        (await store().members.readers(r.id, m3.seq, a.id)).map((x) => x.user.id),
        [],
      );
      assert.equal((await store().members.readers(r.id, m1.seq, a.id))[0]!.read_at, at(2));
      const counts = await store().members.readCounts(r.id, [m1, m2, m3]);
      assert.deepEqual([...counts.entries()].sort(), [
        [1, 1],
        [2, 1],
        [3, 0],
      ]);
      assert.equal((await store().members.readCounts(r.id, [])).size, 0);
    });

    it('answers sharesRoom, peers, whichAreMembers and roomIdsOf', async () => {
      const [a, b, c] = [await insertUser(store()), await insertUser(store()), await insertUser(store())];
      const d1 = await insertRoom(store(), { type: 'direct', direct_key: [a.id, b.id].sort().join(':') });
      const d2 = await insertRoom(store(), { type: 'direct', direct_key: [a.id, c.id].sort().join(':') });
      await join(store(), d1.id, a.id);
      await join(store(), d1.id, b.id);
      await join(store(), d2.id, a.id);
      await join(store(), d2.id, c.id);
      assert.equal(await store().members.sharesRoom(a.id, b.id), true);
      assert.equal(await store().members.sharesRoom(b.id, c.id), false);
      const peers = await store().members.peers([d1.id, d2.id], a.id);
      assert.deepEqual([peers.get(d1.id)?.id, peers.get(d2.id)?.id], [b.id, c.id]);
      assert.equal((await store().members.peers([], a.id)).size, 0);
      assert.deepEqual((await store().members.whichAreMembers(d1.id, [a.id, c.id, newId()])).sort(), [a.id]);
      assert.deepEqual(await store().members.whichAreMembers(d1.id, []), []);
      assert.deepEqual((await store().members.roomIdsOf(a.id)).sort(), [d1.id, d2.id].sort());
      assert.deepEqual(await store().members.roomIdsOf(b.id), [d1.id]);
      assert.deepEqual(await store().members.roomIdsOf(newId()), []);
    });
  });

  describe('bans', () => {
    it('bans once (a second ban updates the reason), lists, and unbans', async () => {
      const r = await insertRoom(store());
      const [mod, u] = [await insertUser(store()), await insertUser(store())];
      assert.equal(await store().bans.isBanned(r.id, u.id), false);
      await store().bans.add({ room_id: r.id, user_id: u.id, banned_by: mod.id, reason: 'spam', created_at: at(1) });
      await store().bans.add({ room_id: r.id, user_id: u.id, banned_by: mod.id, reason: 'more spam', created_at: at(2) });
      assert.equal(await store().bans.isBanned(r.id, u.id), true);
      const list = (await store().bans.list(r.id, { limit: 100 })).items;
      assert.equal(list.length, 1);
      assert.deepEqual(list[0]!.ban, { room_id: r.id, user_id: u.id, banned_by: mod.id, reason: 'more spam', created_at: at(1) });
      assert.equal(list[0]!.user.id, u.id);
      assert.equal(await store().bans.remove(r.id, u.id), true);
      assert.equal(await store().bans.remove(r.id, u.id), false);
      assert.equal(await store().bans.isBanned(r.id, u.id), false);
    });
  });

  describe('invites', () => {
    const invite = (roomId: string, over: Partial<Parameters<Store['invites']['insert']>[0]> = {}) => ({
      code: `c${Math.random().toString(36).slice(2, 12)}`,
      room_id: roomId,
      created_by: null,
      created_at: at(0),
      expires_at: at(1000),
      max_uses: 1,
      uses: 0,
      revoked_at: null,
      ...over,
    });

    it('a single-use invite is used exactly once, however many race for it', async () => {
      const r = await insertRoom(store());
      const i = invite(r.id);
      await store().invites.insert(i);
      assert.deepEqual(await store().invites.find(i.code), i);
      const used = await Promise.all(range(20).map(() => store().transaction((tx) => tx.invites.use(i.code, at(10)))));
      assert.equal(used.filter(Boolean).length, 1);
      assert.equal((await store().invites.find(i.code))?.uses, 1);
      assert.equal(await store().invites.find('nope'), undefined);
      assert.equal(await store().invites.use('nope', at(10)), false);
    });

    it('counts uses up to max_uses (or forever when null); refuses expired and revoked codes', async () => {
      const r = await insertRoom(store());
      const three = invite(r.id, { max_uses: 3 });
      const unlimited = invite(r.id, { max_uses: null });
      const expiring = invite(r.id, { expires_at: at(100) });
      const revoked = invite(r.id, { max_uses: null });
      for (const i of [three, unlimited, expiring, revoked]) await store().invites.insert(i);
      const uses = await Promise.all(range(10).map(() => store().invites.use(three.code, at(10))));
      assert.equal(uses.filter(Boolean).length, 3);
      for (let k = 0; k < 10; k++) assert.equal(await store().invites.use(unlimited.code, at(10)), true);
      assert.equal((await store().invites.find(unlimited.code))?.uses, 10);
      assert.equal(await store().invites.use(expiring.code, at(100)), false, 'expired at expires_at');
      assert.equal(await store().invites.use(expiring.code, at(99)), true);
      await store().invites.revoke(revoked.code, at(20));
      await store().invites.revoke(revoked.code, at(30));
      assert.equal((await store().invites.find(revoked.code))?.revoked_at, at(20), 'revoking again keeps the first time');
      assert.equal(await store().invites.use(revoked.code, at(21)), false);
      assert.equal((await store().invites.find(revoked.code))?.uses, 0);
    });
  });

  describe('blocks', () => {
    it('blocks idempotently, answers for either direction, lists newest first, and unblocks', async () => {
      const [a, b, c] = [await insertUser(store()), await insertUser(store()), await insertUser(store())];
      await store().blocks.block(a.id, b.id, at(1));
      await store().blocks.block(a.id, b.id, at(5));
      await store().blocks.block(a.id, c.id, at(2));
      assert.equal(await store().blocks.between(a.id, b.id), true);
      assert.equal(await store().blocks.between(b.id, a.id), true);
      assert.equal(await store().blocks.between(b.id, c.id), false);
      assert.deepEqual(
        (await store().blocks.list(a.id, { limit: 100 })).items.map((x) => [x.user.id, x.blocked_at]),
        [
          [c.id, at(2)],
          [b.id, at(1)],
        ],
      );
      assert.deepEqual((await store().blocks.list(b.id, { limit: 100 })).items, []);
      await assert.rejects(store().blocks.block(a.id, a.id, at(3)), 'nobody blocks themselves');
      assert.deepEqual(await store().blocks.blockersOf(b.id, [a.id, c.id, newId()]), [a.id], 'who among these blocks b');
      assert.deepEqual(await store().blocks.blockersOf(a.id, [b.id, c.id]), [], 'a block is one-way');
      assert.deepEqual(await store().blocks.blockersOf(b.id, []), []);
      await store().blocks.unblock(a.id, b.id);
      await store().blocks.unblock(a.id, b.id);
      assert.equal(await store().blocks.between(a.id, b.id), false);
    });
  });

  describe('deleting a room', () => {
    it('takes everything in it along: members, messages and threads, reactions, pins, events, invites, bans', async () => {
      const [a, b] = [await insertUser(store()), await insertUser(store())];
      const r = await insertRoom(store());
      const keep = await insertRoom(store());
      for (const room of [r, keep]) {
        await join(store(), room.id, a.id, 'owner');
        await join(store(), room.id, b.id);
      }
      const root = await post(store(), r.id, a.id);
      const reply = await post(store(), r.id, b.id, { parent_id: root.id, client_id: 'c-1' });
      await store().messages.incrementReplies(root.id);
      await store().reactions.add(root.id, b.id, '👍', at(1));
      await store().pins.pin({ room_id: r.id, message_id: root.id, pinned_by: a.id, pinned_at: at(1) });
      await store().events.append({ room_id: r.id, seq: 3, type: 'room_updated', payload: { x: 1 }, created_at: at(1) });
      const code = `del${Math.random().toString(36).slice(2, 10)}`;
      await store().invites.insert({
        code,
        room_id: r.id,
        created_by: a.id,
        created_at: at(0),
        expires_at: at(999),
        max_uses: null,
        uses: 0,
        revoked_at: null,
      });
      await store().bans.add({ room_id: r.id, user_id: (await insertUser(store())).id, banned_by: a.id, reason: null, created_at: at(1) });
      const kept = await post(store(), keep.id, a.id);

      await store().transaction((tx) => tx.rooms.delete(r.id));

      assert.equal(await store().rooms.findById(r.id), undefined);
      assert.equal(await store().members.count(r.id), 0);
      assert.equal(await store().members.get(r.id, a.id), undefined);
      assert.equal(await store().messages.findById(root.id), undefined);
      assert.equal(await store().messages.findById(reply.id), undefined);
      assert.equal(await store().messages.findByClientId(b.id, 'c-1'), undefined);
      assert.deepEqual(await store().reactions.groups([root.id], b.id), []);
      assert.deepEqual((await store().pins.list(r.id, { limit: 100 })).items, []);
      assert.deepEqual(await store().events.listAfter(r.id, 0, 100), []);
      assert.deepEqual((await store().bans.list(r.id, { limit: 100 })).items, []);
      assert.equal(await store().invites.find(code), undefined);
      assert.deepEqual(
        (await store().rooms.listForUser(a.id, { limit: 10 })).items.map((x) => x.room.id),
        [keep.id],
      );
      // Nothing outside the room was touched.
      assert.equal(await store().members.count(keep.id), 2);
      assert.deepEqual(await store().messages.findById(kept.id), kept);
    });
  });
}
