import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/ports/clock.ts';
import { roomLogAfter } from '../../src/services/messages/room-log.ts';
import { getRoom, listAll, makeRoom, promote, refused, send, signupMany, type User } from '../helpers/message-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

const MINUTE = 60_000;

for (const backend of backends()) {
  describe(`messages: send, edit, delete over HTTP: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    const clock = new ManualClock(new Date());
    let owner: User, admin: User, alice: User, bob: User, outsider: User;
    let roomId: string;
    before(async () => {
      srv = await startServer(backend, { clock, config: { MESSAGE_RATE_LIMIT: 1000 } });
      [owner, admin, alice, bob, outsider] = (await signupMany(srv.url, 5)) as [User, User, User, User, User];
      roomId = await makeRoom(owner, [admin, alice, bob]);
      await promote(owner, roomId, admin);
    });
    after(() => srv.stop());

    /** Sends that must be refused: checks status and code, then that nothing was stored (u must be a member). */
    async function refusedSend(u: User, body: unknown, status: number, code: string, room = roomId) {
      const countBefore = (await listAll(u.api, room)).length;
      const seqBefore = (await getRoom(u.api, room)).last_seq;
      refused(await u.api.post(`/rooms/${room}/messages`, body), status, code);
      assert.equal((await listAll(u.api, room)).length, countBefore, 'nothing stored');
      assert.equal((await getRoom(u.api, room)).last_seq, seqBefore, 'no seq taken');
    }

    it('accepts 1 and 10,000 characters (counted in code points: 10,000 emoji), refuses empty, blank and 10,001 with 400', async () => {
      const one = await send(alice.api, roomId, 'a');
      assert.equal(one.content, 'a');
      assert.equal(one.sender.id, alice.id);
      assert.equal(one.type, 'text');
      assert.match(one.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/, 'UUIDv7');
      assert.equal((await send(alice.api, roomId, 'x'.repeat(10_000))).content.length, 10_000);
      const emoji = '😀'.repeat(10_000);
      assert.equal((await send(alice.api, roomId, emoji)).content, emoji, '10,000 emoji are 10,000 characters (20,000 UTF-16 units)');
      await refusedSend(alice, { content: '' }, 400, 'validation_failed');
      await refusedSend(alice, { content: ' \n\t  ' }, 400, 'validation_failed');
      await refusedSend(alice, { content: 'x'.repeat(10_001) }, 400, 'validation_failed');
      await refusedSend(alice, { content: '😀'.repeat(10_001) }, 400, 'validation_failed');
      await refusedSend(alice, {}, 400, 'validation_failed');
      await refusedSend(alice, { content: 'hi', extra: 1 }, 400, 'validation_failed');
    });

    it('refuses control characters, keeps newlines and tabs, stores the text as typed but NFC-normalised', async () => {
      for (const c of ['\u0000', '\u0007', '\u001b[31m', '\r', '\u007f', '\u0085'])
        await refusedSend(alice, { content: `bad${c}text` }, 400, 'validation_failed');
      const multi = await send(alice.api, roomId, '  line one\n\tline two  \n');
      assert.equal(multi.content, '  line one\n\tline two  \n', 'surrounding whitespace kept');
      const decomposed = 'Cafe\u0301 Zo\u0308e';
      const stored = await send(alice.api, roomId, decomposed);
      assert.equal(stored.content, 'Caf\u00e9 Z\u00f6e');
      assert.equal((await alice.api.get(`/messages/${stored.id}`)).body.content, 'Caf\u00e9 Z\u00f6e');
    });

    it('stores Markdown and HTML verbatim: they come back as text', async () => {
      const raw = '<script>alert("x")</script> **bold** [link](javascript:alert(1)) <img src=x onerror=alert(1)> &amp; `code`';
      const m = await send(alice.api, roomId, raw);
      assert.equal(m.content, raw);
      const read = await bob.api.get(`/messages/${m.id}`);
      assert.equal(read.body.content, raw);
      assert.match(read.headers.get('content-type') ?? '', /^application\/json/);
    });

    it('parses mentions: members by @username (any case), not outsiders, unknown names or myself; @room only for admins and the owner', async () => {
      const m = await send(
        alice.api,
        roomId,
        `hi @${bob.username.toUpperCase()} and @${outsider.username}, @nobody_here, @${alice.username}, mail@${bob.username}.dev`,
      );
      assert.deepEqual(m.mentions, [bob.id]);
      assert.equal(m.mentions_room, false);
      assert.equal((await send(alice.api, roomId, 'hey @room')).mentions_room, false, 'a plain member cannot mention the room');
      assert.equal((await send(admin.api, roomId, 'hey @room')).mentions_room, true);
      const byOwner = await send(owner.api, roomId, `@room and @${admin.username} @${bob.username}`);
      assert.equal(byOwner.mentions_room, true);
      assert.deepEqual([...byOwner.mentions].sort(), [admin.id, bob.id].sort());
    });

    it('threads: reply_count grows, a reply to a reply joins the root, a parent elsewhere is 404 and stores nothing', async () => {
      const root = await send(alice.api, roomId, 'root');
      const r1 = await send(bob.api, roomId, 'reply 1', { parent_id: root.id });
      assert.equal(r1.parent_id, root.id);
      assert.equal((await alice.api.get(`/messages/${root.id}`)).body.reply_count, 1);
      const r2 = await send(alice.api, roomId, 'reply to the reply', { parent_id: r1.id });
      assert.equal(r2.parent_id, root.id, 'threads are one level deep');
      assert.equal((await alice.api.get(`/messages/${root.id}`)).body.reply_count, 2);
      assert.equal((await alice.api.get(`/messages/${r1.id}`)).body.reply_count, 0);

      const otherRoom = await makeRoom(alice, [bob]);
      const elsewhere = await send(alice.api, otherRoom, 'in another room');
      await refusedSend(alice, { content: 'x', parent_id: elsewhere.id }, 404, 'message_not_found');
      await refusedSend(alice, { content: 'x', parent_id: '01900000-0000-7000-8000-000000000000' }, 404, 'message_not_found');
      await refusedSend(alice, { content: 'x', parent_id: 'not-a-uuid' }, 400, 'validation_failed');
      assert.equal((await alice.api.get(`/messages/${elsewhere.id}`)).body.reply_count, 0);
      assert.equal((await alice.api.get(`/messages/${root.id}`)).body.reply_count, 2);
    });

    it('client_id: a resend by the same sender answers 200 with the original and stores nothing; another sender is independent', async () => {
      const first = await alice.api.post(`/rooms/${roomId}/messages`, { content: 'once', client_id: 'c-1' });
      assert.equal(first.status, 201);
      assert.equal(first.body.client_id, 'c-1');
      const count = (await listAll(owner.api, roomId)).length;
      const lastSeq = (await getRoom(owner.api, roomId)).last_seq;
      const again = await alice.api.post(`/rooms/${roomId}/messages`, { content: 'different text this time', client_id: 'c-1' });
      assert.equal(again.status, 200);
      assert.equal(again.body.id, first.body.id);
      assert.equal(again.body.content, 'once');
      assert.equal(again.body.seq, first.body.seq);
      assert.equal((await listAll(owner.api, roomId)).length, count);
      assert.equal((await getRoom(owner.api, roomId)).last_seq, lastSeq);

      const bobs = await bob.api.post(`/rooms/${roomId}/messages`, { content: 'mine', client_id: 'c-1' });
      assert.equal(bobs.status, 201);
      assert.notEqual(bobs.body.id, first.body.id);
      assert.equal((await listAll(owner.api, roomId)).length, count + 1);
      const otherRoom = await makeRoom(alice, [bob]);
      await refusedSend(alice, { content: 'once', client_id: 'c-1' }, 409, 'client_id_reused', otherRoom);
      await refusedSend(alice, { content: 'x', client_id: 'has space' }, 400, 'validation_failed');
      await refusedSend(alice, { content: 'x', client_id: 'k'.repeat(65) }, 400, 'validation_failed');
    });

    it('client_id under 20 concurrent sends: exactly one is stored, every answer carries it', async () => {
      const count = (await listAll(owner.api, roomId)).length;
      const lastSeq = (await getRoom(owner.api, roomId)).last_seq;
      const answers = await Promise.all(
        Array.from({ length: 20 }, (_, i) => bob.api.post(`/rooms/${roomId}/messages`, { content: `race ${i}`, client_id: 'race-key' })),
      );
      assert.deepEqual(
        answers.map((a) => a.status).sort(),
        [...Array<number>(19).fill(200), 201],
        JSON.stringify(answers.filter((a) => a.status >= 300).map((a) => a.body)),
      );
      const ids = new Set(answers.map((a) => a.body.id as string));
      assert.equal(ids.size, 1);
      const all = await listAll(owner.api, roomId);
      assert.equal(all.length, count + 1);
      assert.equal(all.filter((m) => m.client_id === 'race-key' && m.sender.id === bob.id).length, 1);
      assert.equal((await getRoom(owner.api, roomId)).last_seq, lastSeq + 1);
    });

    it('30 concurrent sends from several users: seqs strictly increasing and the room event log 1..N without gaps', async () => {
      const room = await makeRoom(owner, [admin, alice, bob]);
      const senders = [owner, admin, alice, bob];
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => senders[i % senders.length]!.api.post(`/rooms/${room}/messages`, { content: `burst ${i}` })),
      );
      assert.deepEqual(
        answers.map((a) => a.status),
        Array<number>(30).fill(201),
      );
      const seqs = answers.map((a) => a.body.seq as number).sort((a, b) => a - b);
      assert.equal(new Set(seqs).size, 30, 'no two messages share a seq');
      // The joins of makeRoom are system messages in the same log (issue 19); the 30 sent are the rest.
      const listed = (await listAll(owner.api, room)).filter((m) => m.type !== 'system');
      assert.equal(listed.length, 30);
      for (let i = 1; i < listed.length; i++) assert.ok(listed[i - 1].seq > listed[i].seq, 'newest first, strictly');

      const events = await roomLogAfter(srv.app.store, room, 0, 1000);
      assert.deepEqual(
        events.map((e) => e.seq),
        Array.from({ length: events.length }, (_, i) => i + 1),
        'gap-free log',
      );
      const roomView = await getRoom(owner.api, room);
      assert.equal(roomView.last_seq, events.length);
      const created = events.flatMap((e) => (e.type === 'message_created' && e.data.message.type !== 'system' ? [e] : []));
      assert.deepEqual(
        created.map((e) => e.seq),
        seqs,
        "a message's seq is its message_created event's",
      );
      for (const e of created) assert.equal(e.data.message.seq, e.seq);
    });

    it('concurrent edits, deletes, replies and reactions on one thread all succeed, and the log stays gap-free', async () => {
      const room = await makeRoom(alice, [bob]);
      const root = await send(alice.api, room, 'root');
      const doomed = await send(alice.api, room, 'doomed');
      const emoji = ['👍', '🎉', '😀', '🔥', '👀', '✅', '🙏', '💯'];
      const calls: Promise<[string, number]>[] = [alice.api.delete(`/messages/${doomed.id}`).then((r) => ['delete', r.status])];
      for (let i = 0; i < 8; i++) {
        calls.push(alice.api.put(`/messages/${root.id}`, { content: `edit ${i}` }).then((r) => ['edit', r.status]));
        calls.push(bob.api.post(`/rooms/${room}/messages`, { content: `reply ${i}`, parent_id: root.id }).then((r) => ['reply', r.status]));
        calls.push(bob.api.post(`/messages/${root.id}/reactions`, { emoji: emoji[i] }).then((r) => ['react', r.status]));
        if (i < 3)
          calls.push(
            bob.api.post(`/rooms/${room}/messages`, { content: `late reply ${i}`, parent_id: doomed.id }).then((r) => ['reply', r.status]),
          );
      }
      const results = await Promise.all(calls);
      assert.deepEqual(
        results.filter(([, s]) => s >= 300),
        [],
        'no call failed (PostgreSQL detects no deadlock)',
      );
      const now = (await bob.api.get(`/messages/${root.id}`)).body;
      assert.equal(now.reply_count, 8);
      assert.equal(now.reactions.length, 8);
      assert.match(now.content, /^edit \d$/);
      assert.equal((await bob.api.get(`/messages/${doomed.id}`)).body.content, '[deleted]');
      const events = await roomLogAfter(srv.app.store, room, 0, 1000);
      assert.deepEqual(
        events.map((e) => e.seq),
        Array.from({ length: events.length }, (_, i) => i + 1),
      );
      assert.equal(events.filter((e) => e.type === 'message_updated').length, 8);
    });

    it('edit: the sender within 15 minutes (edited_at set); another user 403; after the window 403 edit_window_passed', async () => {
      const m = await send(alice.api, roomId, 'first draft');
      assert.equal(m.edited_at, null);
      // The window runs from the message's time: past a frozen clock when the room's earlier messages
      // took its millisecond (a room's message times strictly increase).
      clock.advance(Date.parse(m.created_at) - clock.now().getTime());
      clock.advance(15 * MINUTE);
      const edited = await alice.api.put(`/messages/${m.id}`, { content: 'second draft' });
      assert.equal(edited.status, 200, JSON.stringify(edited.body));
      assert.equal(edited.body.content, 'second draft');
      assert.equal(edited.body.edited_at, clock.now().toISOString());
      assert.equal(edited.body.seq, m.seq, 'an edit keeps the seq');

      for (const u of [bob, admin, owner]) refused(await u.api.put(`/messages/${m.id}`, { content: 'not yours' }), 403, 'forbidden');
      refused(await outsider.api.put(`/messages/${m.id}`, { content: 'not yours' }), 404, 'message_not_found');
      refused(await alice.api.put(`/messages/${m.id}`, { content: 'bad\u0000' }), 400, 'validation_failed');
      refused(await alice.api.put(`/messages/${m.id}`, { content: '' }), 400, 'validation_failed');
      clock.advance(1);
      refused(await alice.api.put(`/messages/${m.id}`, { content: 'too late' }), 403, 'edit_window_passed');
      const now = (await bob.api.get(`/messages/${m.id}`)).body;
      assert.equal(now.content, 'second draft');
      assert.equal(now.edited_at, edited.body.edited_at);
    });

    it('delete: the sender and a room admin may, a plain member may not (403); the tombstone reads "[deleted]" and cannot be edited or reacted to', async () => {
      const own = await send(alice.api, roomId, 'mine to delete');
      const byAdmin = await send(bob.api, roomId, 'an admin deletes this');
      const kept = await send(bob.api, roomId, 'alice cannot delete this');

      refused(await alice.api.delete(`/messages/${kept.id}`), 403, 'forbidden');
      refused(await outsider.api.delete(`/messages/${kept.id}`), 404, 'message_not_found');
      const keptNow = (await bob.api.get(`/messages/${kept.id}`)).body;
      assert.equal(keptNow.content, 'alice cannot delete this');
      assert.equal(keptNow.deleted_at, null);

      assert.equal((await alice.api.delete(`/messages/${own.id}`)).status, 204);
      assert.equal((await admin.api.delete(`/messages/${byAdmin.id}`)).status, 204);
      for (const id of [own.id, byAdmin.id]) {
        const t = (await bob.api.get(`/messages/${id}`)).body;
        assert.equal(t.content, '[deleted]');
        assert.equal(t.deleted_at, clock.now().toISOString());
        assert.deepEqual(t.mentions, []);
      }
      const listed = (await listAll(bob.api, roomId)).find((x) => x.id === own.id);
      assert.equal(listed.content, '[deleted]');

      refused(await alice.api.put(`/messages/${own.id}`, { content: 'resurrect' }), 404, 'message_not_found');
      refused(await alice.api.post(`/messages/${own.id}/reactions`, { emoji: '👍' }), 404, 'message_not_found');
      assert.deepEqual((await alice.api.get(`/messages/${own.id}`)).body.reactions, []);
      assert.equal((await alice.api.delete(`/messages/${own.id}`)).status, 204, 'deleting twice is harmless');
    });

    it("a sender's new display name and username are on their very next message (the send path's cached sender row is dropped)", async () => {
      const before = await send(bob.api, roomId, 'before the rename');
      assert.notEqual(before.sender.display_name, 'Robert Renamed');
      assert.equal((await bob.api.patch('/users/me', { display_name: 'Robert Renamed' })).status, 200);
      assert.equal((await send(bob.api, roomId, 'after the rename')).sender.display_name, 'Robert Renamed');
      const username = `robert_${Date.now() % 1_000_000}`;
      assert.equal((await bob.api.put('/users/me/username', { username })).status, 200);
      const after = await send(bob.api, roomId, 'after the new username');
      assert.equal(after.sender.username, username);
      assert.equal(after.sender.display_name, 'Robert Renamed');
    });
  });

  describe(`messages: rate limit over HTTP: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    const clock = new ManualClock(new Date());
    let alice: User, bob: User;
    let roomA: string, roomB: string;
    before(async () => {
      srv = await startServer(backend, { clock });
      [alice, bob] = (await signupMany(srv.url, 2)) as [User, User];
      roomA = await makeRoom(alice, [bob]);
      roomB = await makeRoom(bob, [alice]);
    });
    after(() => srv.stop());

    it('the 11th message in 10 s (across rooms) gets 429 rate_limited with Retry-After and stores nothing; idempotent resends do not count', async () => {
      const first = await send(alice.api, roomA, 'm0', { client_id: 'k0' });
      for (let i = 1; i < 10; i++) await send(alice.api, i % 2 ? roomB : roomA, `m${i}`);
      const resend = await alice.api.post(`/rooms/${roomA}/messages`, { content: 'm0', client_id: 'k0' });
      assert.equal(resend.status, 200, 'a resend is answered even at the limit');
      assert.equal(resend.body.id, first.id);

      const lastA = (await getRoom(alice.api, roomA)).last_seq;
      const lastB = (await getRoom(alice.api, roomB)).last_seq;
      const eleventh = await alice.api.post(`/rooms/${roomB}/messages`, { content: 'one too many' });
      refused(eleventh, 429, 'rate_limited');
      const retry = Number(eleventh.headers.get('retry-after'));
      assert.ok(retry >= 1 && retry <= 10, `Retry-After ${retry}`);
      refused(await alice.api.post(`/rooms/${roomA}/messages`, { content: 'still too many' }), 429, 'rate_limited');
      assert.equal((await getRoom(alice.api, roomA)).last_seq, lastA);
      assert.equal((await getRoom(alice.api, roomB)).last_seq, lastB);
      const sent = async (room: string) => (await listAll(alice.api, room)).filter((m) => m.type !== 'system').length;
      assert.equal((await sent(roomA)) + (await sent(roomB)), 10);

      assert.equal((await bob.api.post(`/rooms/${roomA}/messages`, { content: 'bob is not limited' })).status, 201, 'per user');
      clock.advance(9_999);
      refused(await alice.api.post(`/rooms/${roomA}/messages`, { content: 'not yet' }), 429, 'rate_limited');
      clock.advance(1);
      assert.equal((await alice.api.post(`/rooms/${roomA}/messages`, { content: 'window passed' })).status, 201);
    });
  });
}
