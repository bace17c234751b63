import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { GuestsService } from '../../src/services/guests/guests.service.ts';
import { assertRefused, type User } from '../helpers/assertions.ts';
import { type Answer, client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

/** Issue 18's core features through HTTP against the real server: reports, likes, rooms of people I follow, counsellors, guests. */
for (const backend of backends()) {
  describe(`core features e2e: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let server: TestServer;
    let admin: User;
    let carol: User;
    let alice: User;
    let bob: User;
    let dave: User;
    let publicRoom: string;
    let privateRoom: string;
    before(async () => {
      server = await startServer(backend, { config: { REPORT_RATE_LIMIT: 12 } });
      admin = await signup(server.url, { username: 'root' });
      carol = await signup(server.url, { username: 'carol' });
      alice = await signup(server.url, { username: 'alice' });
      bob = await signup(server.url, { username: 'bob' });
      dave = await signup(server.url, { username: 'dave' });
      publicRoom = (await carol.api.post('/rooms', { name: 'Lobby' })).body.id;
      privateRoom = (await carol.api.post('/rooms', { name: 'Inner', type: 'private' })).body.id;
      for (const u of [alice, bob, dave]) assert.equal((await u.api.post(`/rooms/${publicRoom}/join`)).status, 200);
    });
    after(() => server.stop());

    const say = async (u: User, roomId: string, content: string): Promise<string> => {
      const res = await u.api.post(`/rooms/${roomId}/messages`, { content });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      return res.body.id;
    };

    describe('reports', () => {
      it('snapshots the message, merges duplicates with a count, and keeps the evidence through edits and deletes', async () => {
        const msg = await say(bob, publicRoom, 'buy cheap pills');
        const first = await alice.api.post('/reports', { message_id: msg, reason: 'spam' });
        assert.equal(first.status, 201, JSON.stringify(first.body));
        assert.equal(first.body.kind, 'message');
        assert.equal(first.body.status, 'open');
        assert.equal(first.body.report_count, 1);
        assert.equal(first.body.message.content, 'buy cheap pills');
        assert.equal(first.body.message.sender.id, bob.id);
        assert.equal(first.body.reported_user.id, bob.id);
        assert.deepEqual(
          first.body.filings.map((f: { reason: string }) => f.reason),
          ['spam'],
        );

        assert.equal((await bob.api.put(`/messages/${msg}`, { content: 'hello everyone' })).status, 200);
        const second = await dave.api.post('/reports', { message_id: msg, reason: 'scam' });
        assert.equal(second.body.id, first.body.id, 'merged into the open report');
        assert.equal(second.body.report_count, 2);
        assert.equal(
          (await alice.api.post('/reports', { message_id: msg, reason: 'again' })).body.report_count,
          2,
          'one reporter counts once',
        );
        assert.equal((await bob.api.delete(`/messages/${msg}`)).status, 204);

        const queue = await carol.api.get('/reports?status=open');
        assert.equal(queue.status, 200);
        const seen = queue.body.items.find((r: { id: string }) => r.id === first.body.id);
        assert.ok(seen, 'the room owner sees it in the queue');
        assert.equal(seen.message.content, 'buy cheap pills', 'the evidence survives the edit and the delete');
        assert.equal(seen.report_count, 2);
        assert.deepEqual(seen.filings.map((f: { reporter: { id: string } }) => f.reporter.id).sort(), [alice.id, dave.id].sort());
        assert.ok(
          (await admin.api.get('/reports')).body.items.some((r: { id: string }) => r.id === first.body.id),
          'server admins see every report',
        );
      });

      it('refuses what the reporter cannot read (404), their own message, and overlong reasons, storing nothing', async () => {
        const secret = await say(carol, privateRoom, 'private words');
        assertRefused(await alice.api.post('/reports', { message_id: secret, reason: 'x' }), 404, 'message_not_found');
        assertRefused(await alice.api.post('/reports', { message_id: randomUUID(), reason: 'x' }), 404, 'message_not_found');
        const own = await say(alice, publicRoom, 'mine');
        assertRefused(await alice.api.post('/reports', { message_id: own, reason: 'x' }), 400, 'cannot_target_self');
        const other = await say(bob, publicRoom, 'fine words');
        assertRefused(
          await alice.api.post('/reports', { message_id: other, reason: 'y'.repeat(1001) }),
          400,
          'validation_failed',
          'body.reason',
        );
        assertRefused(await alice.api.post('/reports', { message_id: other, reason: '' }), 400, 'validation_failed');
        assertRefused(await alice.api.post('/reports', { user_id: alice.id, reason: 'me' }), 400, 'cannot_target_self');
        assertRefused(await alice.api.post('/reports', { user_id: bob.id, room_id: privateRoom, reason: 'x' }), 404, 'room_not_found');
        const mine = await alice.api.get('/reports?scope=mine');
        assert.ok(
          !mine.body.items.some((r: { message: { id: string } | null }) => r.message?.id === other || r.message?.id === secret),
          'nothing stored',
        );
      });

      it('lets the room’s admins resolve or dismiss with the action taken, and shows the reporter the outcome', async () => {
        const msg = await say(bob, publicRoom, 'rude words');
        const filed = (await alice.api.post('/reports', { message_id: msg, reason: 'rude' })).body;
        const path = `/reports/${filed.id}`;
        assertRefused(await alice.api.patch(path, { status: 'resolved', action: 'x' }), 403, 'forbidden');
        assertRefused(await bob.api.patch(path, { status: 'dismissed' }), 404, 'report_not_found');
        assertRefused(await bob.api.get(path), 404, 'report_not_found');
        assertRefused(await carol.api.patch(path, { status: 'resolved' }), 400, 'validation_failed');
        assertRefused(await carol.api.patch(path, { status: 'open' }), 400, 'validation_failed');
        const done = await carol.api.patch(path, { status: 'resolved', action: 'message deleted, bob warned' });
        assert.equal(done.status, 200, JSON.stringify(done.body));
        assert.equal(done.body.status, 'resolved');
        assert.equal(done.body.reviewed_by.id, carol.id);
        assertRefused(await carol.api.patch(path, { status: 'dismissed' }), 409, 'report_closed');

        const mine = await alice.api.get('/reports?scope=mine&status=resolved');
        const outcome = mine.body.items.find((r: { id: string }) => r.id === filed.id);
        assert.equal(outcome.action, 'message deleted, bob warned');
        assert.equal(outcome.filings.length, 1);
        assert.deepEqual((await alice.api.get('/reports')).body.items, [], 'alice reviews nothing');
        assert.equal(
          (await carol.api.get('/reports?status=open')).body.items.some((r: { id: string }) => r.id === filed.id),
          false,
          'status filter',
        );
      });

      it('queues a report of a user for server admins, and for the room’s admins when it names the room', async () => {
        const loose = (await dave.api.post('/reports', { user_id: bob.id, reason: 'harassment in DMs' })).body;
        const inRoom = (await dave.api.post('/reports', { user_id: alice.id, room_id: publicRoom, reason: 'trolling' })).body;
        const carolSees = (await carol.api.get('/reports?limit=100')).body.items.map((r: { id: string }) => r.id);
        assert.ok(!carolSees.includes(loose.id));
        assert.ok(carolSees.includes(inRoom.id));
        const adminSees = (await admin.api.get('/reports?limit=100')).body.items.map((r: { id: string }) => r.id);
        assert.ok(adminSees.includes(loose.id) && adminSees.includes(inRoom.id));
        assert.equal((await admin.api.patch(`/reports/${loose.id}`, { status: 'dismissed' })).body.status, 'dismissed');
      });

      it('pages the queue with a cursor', async () => {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const res: Answer = await admin.api.get(`/reports?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
          assert.equal(res.status, 200);
          assert.ok(res.body.items.length <= 2);
          seen.push(...res.body.items.map((r: { id: string }) => r.id));
          cursor = res.body.next_cursor;
        } while (cursor);
        assert.equal(new Set(seen).size, seen.length);
        assert.ok(seen.length >= 4);
        assertRefused(await admin.api.get('/reports?cursor=nonsense'), 400, 'invalid_cursor');
      });

      it('rate-limits reporters (429 with Retry-After)', async () => {
        const eve = await signup(server.url);
        const statuses: number[] = [];
        for (let i = 0; i < 13; i++) statuses.push((await eve.api.post('/reports', { user_id: bob.id, reason: `r${i}` })).status);
        assert.deepEqual(statuses, [...Array(12).fill(201), 429]);
        const refused = await eve.api.post('/reports', { user_id: dave.id, reason: 'one more' });
        assertRefused(refused, 429, 'rate_limited');
        assert.ok(Number(refused.headers.get('retry-after')) > 0);
      });
    });

    describe('room likes and rooms of people I follow', () => {
      it('toggles a like with the count on the room view; never on your own room', async () => {
        const liked = await alice.api.post(`/rooms/${publicRoom}/like`);
        assert.equal(liked.status, 200);
        assert.deepEqual(liked.body, { liked: true, like_count: 1 });
        assert.equal((await bob.api.post(`/rooms/${publicRoom}/like`)).body.like_count, 2);
        assert.equal((await carol.api.get(`/rooms/${publicRoom}`)).body.like_count, 2);
        assert.deepEqual((await alice.api.post(`/rooms/${publicRoom}/like`)).body, { liked: false, like_count: 1 });
        assertRefused(await carol.api.post(`/rooms/${publicRoom}/like`), 400, 'cannot_like_own_room');
        assertRefused(await alice.api.post(`/rooms/${privateRoom}/like`), 404, 'room_not_found');
        assertRefused(await alice.api.post(`/rooms/${randomUUID()}/like`), 404, 'room_not_found');
        const stranger = await signup(server.url);
        assert.equal((await stranger.api.get(`/rooms/${publicRoom}`)).body.like_count, 1, 'discovery shows the count too');
      });

      it('lists the rooms of the people I follow that I can see', async () => {
        const fan = await signup(server.url);
        assert.deepEqual((await fan.api.get('/rooms/following')).body, { items: [], next_cursor: null });
        assert.equal((await fan.api.post(`/users/${carol.id}/follow`)).status, 204);
        const res = await fan.api.get('/rooms/following');
        assert.equal(res.status, 200);
        assert.deepEqual(
          res.body.items.map((i: { room: { id: string } }) => i.room.id),
          [publicRoom],
          'the private room stays hidden',
        );
        assert.equal(res.body.items[0].author.id, carol.id);
        const page = await fan.api.get('/rooms/following?limit=1');
        assert.equal(page.body.items.length, 1);
      });
    });

    describe('counsellors', () => {
      let c1: User;
      let c2: User;
      before(async () => {
        c1 = await signup(server.url, { username: 'counsellor_one' });
        c2 = await signup(server.url, { username: 'counsellor_two' });
      });

      it('only server admins set the flag; only counsellors set availability', async () => {
        assertRefused(await carol.api.put(`/counsellors/${c1.id}`, { counsellor: true }), 403, 'forbidden');
        assertRefused(await c1.api.post('/counsellors/availability', { available: true }), 403, 'not_a_counsellor');
        assertRefused(await admin.api.put(`/counsellors/${randomUUID()}`, { counsellor: true }), 404, 'user_not_found');
        for (const c of [c1, c2])
          assert.deepEqual((await admin.api.put(`/counsellors/${c.id}`, { counsellor: true })).body, {
            user_id: c.id,
            counsellor: true,
            available: false,
          });
        assert.equal((await c1.api.get('/counsellors/requests')).status, 200);
        assertRefused(await carol.api.get('/counsellors/requests'), 403, 'not_a_counsellor');
      });

      it('records a missed request when nobody is available (409 counsellor_unavailable)', async () => {
        const asker = await signup(server.url);
        assertRefused(await asker.api.post('/counsellors/match'), 409, 'counsellor_unavailable');
        const requests = (await c1.api.get('/counsellors/requests')).body.items;
        const missed = requests.find((r: { user: { id: string } }) => r.user.id === asker.id);
        assert.equal(missed.status, 'missed');
        assert.equal(missed.counsellor, null);
      });

      it('matches each asker with the least busy available counsellor in a private room for two, and notifies both', async () => {
        for (const c of [c1, c2]) assert.equal((await c.api.post('/counsellors/availability', { available: true })).body.available, true);
        const u1 = await signup(server.url);
        const u2 = await signup(server.url);
        const m1 = await u1.api.post('/counsellors/match');
        assert.equal(m1.status, 201, JSON.stringify(m1.body));
        const m2 = await u2.api.post('/counsellors/match');
        assert.equal(m2.status, 201, JSON.stringify(m2.body));
        assert.notEqual(m1.body.counsellor.id, m2.body.counsellor.id, 'the second goes to the counsellor with fewer open matches');
        assert.deepEqual([m1.body.counsellor.id, m2.body.counsellor.id].sort(), [c1.id, c2.id].sort());
        const room = m1.body.room;
        assert.equal(room.type, 'private');
        assert.equal(room.member_count, 2);
        assert.equal(room.member_limit, 2);
        assert.equal(m1.body.request.status, 'matched');
        assert.equal(m1.body.request.room_id, room.id);
        const counsellor = m1.body.counsellor.id === c1.id ? c1 : c2;
        assert.equal((await counsellor.api.get(`/rooms/${room.id}`)).body.membership.role, 'admin');
        assertRefused(await u2.api.get(`/rooms/${room.id}`), 404, 'room_not_found');
        for (const [u, other] of [
          [u1, counsellor.id],
          [counsellor, u1.id],
        ] as const) {
          const notes = (await u.api.get('/notifications')).body.items;
          assert.ok(
            notes.some((n: { room_id: string; actor: { id: string } }) => n.room_id === room.id && n.actor.id === other),
            'both are notified',
          );
        }
        const listed = (await counsellor.api.get('/counsellors/requests')).body.items;
        assert.ok(listed.some((r: { id: string; status: string }) => r.id === m1.body.request.id && r.status === 'matched'));
        // Unavailable counsellors are never picked.
        for (const c of [c1, c2]) await c.api.post('/counsellors/availability', { available: false });
        assertRefused(await u1.api.post('/counsellors/match'), 409, 'counsellor_unavailable');
      });
    });

    describe('guests', () => {
      it('a guest made on an empty server does not take the first account’s place as server admin', async () => {
        const fresh = await startServer(backend);
        try {
          await fresh.app.services.guests.getOrCreate(`bubble:${randomUUID()}`, { ip: '127.0.0.1' });
          assert.equal(await fresh.app.services.accounts.needsSetup(), true, 'the server still waits for its first admin');
          const first = await signup(fresh.url);
          assert.equal(first.me.is_admin, true);
          assert.equal((await signup(fresh.url)).me.is_admin, false);
        } finally {
          await fresh.stop();
        }
      });

      it('gives one account per anonymous identity, with no password login, flagged as a guest to admins', async () => {
        const identity = `bubble:${randomUUID()}`;
        const first = await server.app.services.guests.getOrCreate(identity, { ip: '127.0.0.1' });
        assert.equal(first.created, true);
        const again = await server.app.services.guests.getOrCreate(identity, { ip: '127.0.0.1' });
        assert.equal(again.created, false);
        assert.equal(again.actor.id, first.actor.id, 'same account on reconnect');
        assert.equal(first.actor.isAdmin, false);
        assert.equal(first.user.guest, true);
        await assert.rejects(server.app.services.guests.getOrCreate('no gateway named', { ip: '127.0.0.1' }), {
          code: 'validation_failed',
        });
        const username = first.user.username!;
        for (const password of ['', 'correct horse battery', 'x'.repeat(8)]) {
          const res = await client(server.url).post('/auth/login', { username, password });
          assert.ok(res.status === 401 || res.status === 400, `login as a guest: ${res.status}`);
        }
        assert.equal((await admin.api.get(`/users/${first.actor.id}`)).body.guest, true);
        assert.equal((await admin.api.get(`/users/${alice.id}`)).body.guest, false);
        assert.equal('guest' in (await alice.api.get(`/users/${first.actor.id}`)).body, false, 'others are not told');
        assertRefused(await alice.api.post('/auth/guest', {}), 404, 'not_found');
      });

      it('makes one account when the same identity arrives on several connections at once', async () => {
        const identity = `bubble:${randomUUID()}`;
        const all = await Promise.all(
          Array.from({ length: 5 }, () => server.app.services.guests.getOrCreate(identity, { ip: '127.0.0.1' })),
        );
        assert.equal(new Set(all.map((g) => g.actor.id)).size, 1);
        assert.equal(all.filter((g) => g.created).length, 1);
      });

      it('meets the same blocks and rate limits as anyone', async () => {
        const { actor } = await server.app.services.guests.getOrCreate(`bubble:${randomUUID()}`, { ip: '127.0.0.1' });
        assert.equal((await bob.api.post(`/users/${actor.id}/block`)).status, 204);
        await assert.rejects(server.app.services.rooms.openDirect(actor, bob.id), { code: 'blocked' });
        await server.app.services.rooms.join(actor, publicRoom);
        const codes: string[] = [];
        for (let i = 0; i < 11; i++) {
          try {
            await server.app.services.messages.send(actor, publicRoom, { content: `guest ${i}` });
            codes.push('ok');
          } catch (err) {
            codes.push((err as { code: string }).code);
          }
        }
        assert.deepEqual(codes, [...Array(10).fill('ok'), 'rate_limited']);
      });

      it('purges guests idle past GUEST_IDLE_DAYS; the identity then gets a new account', async () => {
        const identity = `bubble:${randomUUID()}`;
        const { actor } = await server.app.services.guests.getOrCreate(identity, { ip: '127.0.0.1' });
        const later = new GuestsService({
          store: server.app.store,
          clock: { now: () => new Date(Date.now() + 31 * 24 * 3600 * 1000) },
          idleDays: 30,
        });
        assert.ok((await later.purgeIdle()) >= 1);
        assertRefused(await admin.api.get(`/users/${actor.id}`), 404, 'user_not_found');
        const fresh = await server.app.services.guests.getOrCreate(identity, { ip: '127.0.0.1' });
        assert.notEqual(fresh.actor.id, actor.id);
        const soon = new GuestsService({
          store: server.app.store,
          clock: { now: () => new Date(Date.now() + 29 * 24 * 3600 * 1000) },
          idleDays: 30,
        });
        await soon.purgeIdle();
        assert.equal((await admin.api.get(`/users/${fresh.actor.id}`)).status, 200, 'not idle long enough');
      });
    });
  });
}
