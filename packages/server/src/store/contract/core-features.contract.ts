import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { newId } from '../../domain/ids.ts';
import type { NewReport } from '../core-features-store.ts';
import type { Store } from '../store.ts';
import { aUser, insertUser } from './fixtures.ts';
import { at, insertRoom, join, post } from './room-fixtures.ts';

/** Room likes, guests, counsellors and reports (issue 18), the same on every backend. */
export function coreFeaturesContract(store: () => Store): void {
  describe('room likes and rooms of people I follow', () => {
    it('toggles a like, keeping the room count in step', async () => {
      const owner = await insertUser(store());
      const a = await insertUser(store());
      const b = await insertUser(store());
      const room = await insertRoom(store(), { created_by: owner.id });
      const toggle = (u: string) => store().transaction((tx) => tx.roomLikes.toggle(room.id, u, at(5)));
      assert.deepEqual(await toggle(a.id), { liked: true, like_count: 1 });
      assert.deepEqual(await toggle(b.id), { liked: true, like_count: 2 });
      assert.equal(await store().roomLikes.isLiked(room.id, a.id), true);
      assert.deepEqual(await toggle(a.id), { liked: false, like_count: 1 });
      assert.equal(await store().roomLikes.isLiked(room.id, a.id), false);
      assert.equal((await store().rooms.findById(room.id))!.like_count, 1);
    });

    it('lists the rooms of followed users that the follower may see, newest first, page by page', async () => {
      const me = await insertUser(store());
      const star = await insertUser(store());
      const other = await insertUser(store());
      const hidden = await insertUser(store());
      await store().follows.follow(me.id, star.id, at(1));
      await store().follows.follow(me.id, hidden.id, at(1));
      const rooms = [];
      for (let i = 0; i < 5; i++) rooms.push(await insertRoom(store(), { created_by: star.id, created_at: at(100 + i) }));
      const privateMine = await insertRoom(store(), { created_by: star.id, type: 'private', created_at: at(200) });
      await join(store(), privateMine.id, me.id);
      await insertRoom(store(), { created_by: star.id, type: 'private', created_at: at(201) });
      await insertRoom(store(), { created_by: other.id, created_at: at(202) });
      await insertRoom(store(), { created_by: hidden.id, created_at: at(203) });
      await store().users.update(hidden.id, { deactivated_at: at(300) });
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store().roomLikes.roomsOfFollowed(me.id, 2, cursor);
        assert.ok(page.items.length <= 2);
        for (const item of page.items) assert.equal(item.author.id, star.id);
        seen.push(...page.items.map((i) => i.room.id));
        cursor = page.next_cursor ?? undefined;
      } while (cursor);
      assert.deepEqual(seen, [privateMine.id, ...rooms.map((r) => r.id).reverse()]);
      assert.deepEqual((await store().roomLikes.roomsOfFollowed(other.id, 10)).items, []);
    });
  });

  describe('guests', () => {
    it('creates a guest once per identity, never an admin and without a password', async () => {
      const identity = `bubble:${newId()}`;
      const user = await store().transaction((tx) => tx.guests.create(aUser(), identity, at(1)));
      assert.ok(user);
      assert.equal(user.is_admin, false);
      assert.equal(user.password_hash, null);
      assert.equal((await store().guests.findByIdentity(identity))!.user_id, user.id);
      assert.equal(await store().guests.isGuest(user.id), true);
      const again = await store().transaction((tx) => tx.guests.create(aUser(), identity, at(2)).then((u) => u ?? null));
      assert.equal(again, null, 'a second account for the same identity is refused');
      const other = await insertUser(store());
      assert.deepEqual([...(await store().guests.guestsAmong([user.id, other.id]))], [user.id]);
    });

    it('lists idle guests by last activity and forgets them', async () => {
      const a = (await store().transaction((tx) => tx.guests.create(aUser(), `t:${newId()}`, '2020-01-01T00:00:00.000Z')))!;
      const b = (await store().transaction((tx) => tx.guests.create(aUser(), `t:${newId()}`, '2020-01-02T00:00:00.000Z')))!;
      await store().guests.touch(b.id, '2030-01-01T00:00:00.000Z');
      const idle = await store().guests.listIdle('2021-01-01T00:00:00.000Z', 100);
      assert.ok(idle.includes(a.id));
      assert.ok(!idle.includes(b.id), 'a touched guest is not idle');
      await store().guests.remove(a.id);
      assert.equal(await store().guests.isGuest(a.id), false);
    });
  });

  describe('counsellors', () => {
    it('keeps the flag and availability, and picks the least busy available counsellor', async () => {
      const c1 = await insertUser(store());
      const c2 = await insertUser(store());
      const asker = await insertUser(store());
      assert.equal(await store().counsellors.setAvailable(asker.id, true, at(1)), false, 'not a counsellor');
      await store().counsellors.setFlag(c1.id, true, at(1));
      await store().counsellors.setFlag(c2.id, true, at(1));
      assert.deepEqual(await store().counsellors.get(c1.id), { available: false });
      assert.equal(await store().counsellors.setAvailable(c1.id, true, at(2)), true);
      assert.equal(await store().counsellors.setAvailable(c2.id, true, at(3)), true);
      // Whoever else the shared database holds is made unavailable by being out-ranked: c1 and c2 have no matches.
      const room = await insertRoom(store(), { type: 'private' });
      await store().counsellors.insertRequest({
        id: newId(),
        user_id: asker.id,
        counsellor_id: c1.id,
        room_id: room.id,
        status: 'matched',
        created_at: at(4),
        updated_at: at(4),
      });
      const pick = await store().counsellors.leastBusy(asker.id);
      assert.notEqual(pick, c1.id, 'c1 has an open match');
      assert.equal((await store().counsellors.leastBusy(c2.id)) === c2.id, false, 'never matched with themself');
      await store().counsellors.setFlag(c2.id, false, at(5));
      assert.equal(await store().counsellors.get(c2.id), undefined);
    });

    it('lists a counsellor’s requests and the missed ones, newest first', async () => {
      const c = await insertUser(store());
      const u = await insertUser(store());
      await store().counsellors.setFlag(c.id, true, at(1));
      const mine = {
        id: newId(),
        user_id: u.id,
        counsellor_id: c.id,
        room_id: null,
        status: 'matched' as const,
        created_at: at(10),
        updated_at: at(10),
      };
      const missed = {
        id: newId(),
        user_id: u.id,
        counsellor_id: null,
        room_id: null,
        status: 'missed' as const,
        created_at: at(11),
        updated_at: at(11),
      };
      await store().counsellors.insertRequest(mine);
      await store().counsellors.insertRequest(missed);
      const page = await store().counsellors.requestsFor(c.id, 100);
      const ids = page.items.map((r) => r.id);
      assert.ok(ids.includes(mine.id) && ids.includes(missed.id));
      assert.ok(ids.indexOf(missed.id) < ids.indexOf(mine.id));
      const first = await store().counsellors.requestsFor(c.id, 1);
      assert.equal(first.items.length, 1);
      assert.ok(first.next_cursor);
    });
  });

  describe('reports', () => {
    async function setup() {
      const sender = await insertUser(store());
      const room = await insertRoom(store());
      await join(store(), room.id, sender.id, 'owner');
      const m = await post(store(), room.id, sender.id, { content: 'original words' });
      const report = (): NewReport => ({
        id: newId(),
        kind: 'message',
        room_id: room.id,
        reported_user_id: sender.id,
        message_id: m.id,
        snapshot: {
          id: m.id,
          room_id: room.id,
          sender_id: sender.id,
          content: m.content,
          attachment_ids: [],
          created_at: m.created_at,
          edited_at: null,
        },
      });
      return { sender, room, m, report };
    }

    it('merges reports of one message while open, counting each reporter once, and keeps the first snapshot', async () => {
      const { m, report } = await setup();
      const [r1, r2] = [await insertUser(store()), await insertUser(store())];
      const file = (u: string, reason: string) => store().transaction((tx) => tx.reports.file(report(), u, reason, at(20)));
      const a = await file(r1.id, 'spam');
      assert.equal(a.added, true);
      assert.equal(a.report.report_count, 1);
      assert.equal(a.report.status, 'open');
      assert.equal(a.report.snapshot!.content, 'original words');
      await store().messages.update(m.id, { content: 'edited', edited_at: at(21) });
      const b = await file(r2.id, 'abuse');
      assert.equal(b.report.id, a.report.id);
      assert.equal(b.report.report_count, 2);
      assert.equal(b.report.snapshot!.content, 'original words');
      const again = await file(r1.id, 'spam again');
      assert.equal(again.added, false);
      assert.equal(again.report.report_count, 2);
      const filings = await store().reports.filings([a.report.id]);
      assert.deepEqual(
        filings.map((f) => f.reason),
        ['spam', 'abuse'],
      );
      assert.deepEqual(
        (await store().reports.filings([a.report.id], r2.id)).map((f) => f.reason),
        ['abuse'],
      );
    });

    it('merges concurrent first reports of one message into one report', async () => {
      const { report } = await setup();
      const reporters = await Promise.all(Array.from({ length: 5 }, () => insertUser(store())));
      const filed = await Promise.all(reporters.map((u) => store().transaction((tx) => tx.reports.file(report(), u.id, 'spam', at(25)))));
      assert.equal(new Set(filed.map((f) => f.report.id)).size, 1);
      assert.equal((await store().reports.findById(filed[0]!.report.id))!.report_count, 5);
    });

    it('closes a report once; a later report of the same message opens a new one', async () => {
      const { report } = await setup();
      const r1 = await insertUser(store());
      const admin = await insertUser(store());
      const first = await store().transaction((tx) => tx.reports.file(report(), r1.id, 'spam', at(30)));
      const closed = await store().reports.review(first.report.id, 'resolved', 'message deleted', admin.id, at(31));
      assert.equal(closed!.status, 'resolved');
      assert.equal(closed!.action, 'message deleted');
      assert.equal(closed!.reviewed_by, admin.id);
      assert.equal(await store().reports.review(first.report.id, 'dismissed', null, admin.id, at(32)), undefined, 'not open any more');
      const second = await store().transaction((tx) => tx.reports.file(report(), r1.id, 'still spam', at(33)));
      assert.notEqual(second.report.id, first.report.id);
      assert.equal(second.report.report_count, 1);
    });

    it('lists by scope and status, newest first, page by page', async () => {
      const { room, report } = await setup();
      const admin = await insertUser(store());
      await join(store(), room.id, admin.id, 'admin');
      const reporter = await insertUser(store());
      const outsider = await insertUser(store());
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const target = await insertUser(store());
        const r = await store().transaction((tx) =>
          tx.reports.file(
            { ...report(), kind: 'user', message_id: null, snapshot: null, reported_user_id: target.id },
            reporter.id,
            'x',
            at(40 + i),
          ),
        );
        ids.push(r.report.id);
      }
      await store().reports.review(ids[0]!, 'dismissed', null, admin.id, at(50));
      const walk = async (scope: Parameters<Store['reports']['list']>[0], status?: 'open' | 'resolved' | 'dismissed') => {
        const seen: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await store().reports.list(scope, { status, limit: 2, cursor });
          seen.push(...page.items.map((r) => r.id));
          cursor = page.next_cursor ?? undefined;
        } while (cursor);
        return seen;
      };
      assert.deepEqual(await walk({ reporterId: reporter.id }), [...ids].reverse());
      assert.deepEqual(await walk({ adminOf: admin.id }), [...ids].reverse());
      assert.deepEqual(await walk({ adminOf: admin.id }, 'open'), [ids[2], ids[1]]);
      assert.deepEqual(await walk({ adminOf: admin.id }, 'dismissed'), [ids[0]]);
      assert.deepEqual(await walk({ adminOf: outsider.id }), []);
      assert.deepEqual(await walk({ reporterId: outsider.id }), []);
      const all = await walk({ all: true });
      for (const id of ids) assert.ok(all.includes(id));
    });
  });
}
