import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/ports/clock.ts';
import { signup, startServer, type Client, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

type User = Awaited<ReturnType<typeof signup>>;

const PREVIEW_KEYS = [
  'archived',
  'categories',
  'cover',
  'created_at',
  'description',
  'featured',
  'id',
  'last_message_at',
  'like_count',
  'member_count',
  'member_limit',
  'name',
  'topic_kind',
  'type',
];

let n = 0;
/** A name no other test of the file uses, so discovery filters see only this test's rooms. */
const uniq = (prefix = 'room') => `${prefix}-${process.pid}-${++n}-${Math.random().toString(36).slice(2, 6)}`;

async function createRoom(api: Client, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post('/rooms', { name: uniq(), ...body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

async function myRoomIds(api: Client): Promise<string[]> {
  const res = await api.get('/rooms');
  assert.equal(res.status, 200);
  return res.body.items.map((r: { id: string }) => r.id);
}

for (const backend of backends()) {
  describe(`rooms e2e, lifecycle: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    const clock = new ManualClock(new Date());
    let serverAdmin: User, owner: User, alice: User, bob: User, carol: User;
    before(async () => {
      srv = await startServer(backend, { clock });
      serverAdmin = await signup(srv.url); // the first account of a fresh server is its admin
      owner = await signup(srv.url);
      alice = await signup(srv.url, { display_name: 'Alice 🌷' });
      bob = await signup(srv.url, { display_name: 'Bob B.' });
      carol = await signup(srv.url);
    });
    after(() => srv.stop());

    describe('create', () => {
      it('creates public and private rooms: the creator is the owner and the only member', async () => {
        for (const type of ['public', 'private'] as const) {
          const res = await owner.api.post('/rooms', { name: `My ${type} room`, type, description: 'About things', topic_kind: 'image' });
          assert.equal(res.status, 201);
          assert.equal(res.body.type, type);
          assert.equal(res.body.name, `My ${type} room`);
          assert.equal(res.body.topic_kind, 'image');
          assert.equal(res.body.member_count, 1);
          assert.equal(res.body.created_by, owner.id);
          assert.equal(res.body.membership.role, 'owner');
          assert.equal(res.body.featured, false);
          assert.equal(res.body.archived, false);
          const members = await owner.api.get(`/rooms/${res.body.id}/members`);
          assert.deepEqual(
            members.body.items.map((m: { user: { id: string }; role: string }) => [m.user.id, m.role]),
            [[owner.id, 'owner']],
          );
        }
        const dflt = await owner.api.post('/rooms', { name: 'Defaults' });
        assert.equal(dflt.body.type, 'public');
        assert.equal(dflt.body.topic_kind, 'text');
        assert.deepEqual(dflt.body.categories, []);
        assert.equal(dflt.body.member_limit, null);
      });

      it('takes categories from the configured set (lower-cased, deduplicated); an unknown one is 400 invalid_category', async () => {
        const ok = await owner.api.post('/rooms', { name: uniq(), categories: ['general', 'Music', 'music'] });
        assert.equal(ok.status, 201);
        assert.deepEqual([...ok.body.categories].sort(), ['general', 'music']);
        const before = await myRoomIds(owner.api);
        const name = uniq('badcat');
        const bad = await owner.api.post('/rooms', { name, categories: ['general', 'cooking'] });
        assert.equal(bad.status, 400);
        assert.equal(bad.body.error.code, 'invalid_category');
        assert.deepEqual(await myRoomIds(owner.api), before, 'nothing was created');
        const put = await owner.api.put(`/rooms/${ok.body.id}`, { categories: ['cooking'] });
        assert.equal(put.status, 400);
        assert.equal(put.body.error.code, 'invalid_category');
        assert.deepEqual([...(await owner.api.get(`/rooms/${ok.body.id}`)).body.categories].sort(), ['general', 'music']);
      });

      it('checks name 1-100, description <= 1000 and member_limit 2-10000 at both sides of each boundary', async () => {
        const ok = [
          { name: 'x' },
          { name: 'n'.repeat(100) },
          { description: 'd'.repeat(1000) },
          { member_limit: 2 },
          { member_limit: 10_000 },
        ];
        for (const body of ok) {
          const res = await carol.api.post('/rooms', { name: uniq(), ...body });
          assert.equal(res.status, 201, JSON.stringify(body));
          for (const [k, v] of Object.entries(body)) assert.equal(res.body[k], v);
        }
        const before = await myRoomIds(carol.api);
        const bad = [
          { name: '' },
          { name: 'n'.repeat(101) },
          { description: 'd'.repeat(1001) },
          { member_limit: 1 },
          { member_limit: 10_001 },
        ];
        for (const body of bad) {
          const res = await carol.api.post('/rooms', { name: uniq(), ...body });
          assert.equal(res.status, 400, JSON.stringify(body));
          assert.equal(res.body.error.code, 'validation_failed');
        }
        assert.deepEqual(await myRoomIds(carol.api), before, 'no refused room was created');
      });
    });

    describe('read, update, delete', () => {
      it('GET /rooms/:id: members see the full room, outsiders a public room’s discovery fields, a private room is 404', async () => {
        const pub = await createRoom(owner.api, { description: 'hello', categories: ['study'] });
        const priv = await createRoom(owner.api, { type: 'private' });
        const full = await owner.api.get(`/rooms/${pub}`);
        assert.equal(full.status, 200);
        for (const k of ['membership', 'last_seq', 'unread_count', 'created_at', 'created_by', 'last_message_at', 'peer'])
          assert.ok(k in full.body, k);
        const preview = await alice.api.get(`/rooms/${pub}`);
        assert.equal(preview.status, 200);
        assert.deepEqual(Object.keys(preview.body).sort(), PREVIEW_KEYS);
        assert.equal(preview.body.description, 'hello');
        assert.equal(preview.body.member_count, 1);
        const hidden = await alice.api.get(`/rooms/${priv}`);
        const nothing = await alice.api.get(`/rooms/${randomUUID()}`);
        assert.equal(hidden.status, 404);
        assert.equal(hidden.body.error.code, 'room_not_found');
        assert.deepEqual(hidden.body, nothing.body, 'a private room looks exactly like a room that does not exist');
        for (const path of ['/members', '/messages']) {
          const r = await alice.api.get(`/rooms/${priv}${path}`);
          assert.equal(r.status, 404, path);
        }
      });

      it('PUT /rooms/:id: admins and the owner edit, members get 403 and outsiders of a private room 404; refusals change nothing', async () => {
        const id = await createRoom(owner.api, { type: 'private' });
        await owner.api.post(`/rooms/${id}/members`, { user_id: alice.id });
        await owner.api.post(`/rooms/${id}/members`, { user_id: bob.id });
        assert.equal((await owner.api.patch(`/rooms/${id}/members/${alice.id}/role`, { role: 'admin' })).status, 200);
        const byAdmin = await alice.api.put(`/rooms/${id}`, { name: 'Renamed by admin', description: null, categories: ['work'] });
        assert.equal(byAdmin.status, 200);
        assert.equal(byAdmin.body.name, 'Renamed by admin');
        assert.equal(byAdmin.body.description, null);
        assert.equal((await owner.api.put(`/rooms/${id}`, { topic_kind: 'video' })).body.topic_kind, 'video');
        const snapshot = (await owner.api.get(`/rooms/${id}`)).body;
        const byMember = await bob.api.put(`/rooms/${id}`, { name: 'Hijacked' });
        assert.equal(byMember.status, 403);
        assert.equal(byMember.body.error.code, 'forbidden');
        const byOutsider = await carol.api.put(`/rooms/${id}`, { name: 'Hijacked' });
        assert.equal(byOutsider.status, 404);
        const tooSmall = await owner.api.put(`/rooms/${id}`, { member_limit: 2 });
        assert.equal(tooSmall.status, 400, 'three members: the limit cannot go below 3');
        assert.deepEqual((await owner.api.get(`/rooms/${id}`)).body, snapshot);
      });

      it('DELETE /rooms/:id: only the owner; afterwards the room is 404 for everyone and gone from their lists', async () => {
        const id = await createRoom(owner.api);
        await alice.api.post(`/rooms/${id}/join`);
        await bob.api.post(`/rooms/${id}/join`);
        await owner.api.patch(`/rooms/${id}/members/${alice.id}/role`, { role: 'admin' });
        const byAdmin = await alice.api.delete(`/rooms/${id}`);
        assert.equal(byAdmin.status, 403);
        assert.equal(byAdmin.body.error.code, 'forbidden');
        assert.equal((await bob.api.delete(`/rooms/${id}`)).status, 403);
        assert.equal((await carol.api.delete(`/rooms/${id}`)).status, 403, 'an outsider of a public room is refused too');
        assert.equal((await owner.api.get(`/rooms/${id}`)).body.member_count, 3);
        assert.equal((await owner.api.delete(`/rooms/${id}`)).status, 204);
        for (const u of [owner, alice, bob, carol]) {
          const r = await u.api.get(`/rooms/${id}`);
          assert.equal(r.status, 404);
          assert.equal(r.body.error.code, 'room_not_found');
          assert.ok(!(await myRoomIds(u.api)).includes(id));
        }
        assert.equal((await alice.api.post(`/rooms/${id}/join`)).status, 404);
      });
    });

    describe('lists', () => {
      it('GET /rooms: my rooms by last message, with my unread count', async () => {
        const [r1, r2, r3] = [await createRoom(owner.api), await createRoom(owner.api), await createRoom(owner.api)];
        for (const r of [r1, r2, r3]) assert.equal((await bob.api.post(`/rooms/${r}/join`)).status, 200);
        const send = async (room: string) => {
          clock.advance(1000);
          assert.equal((await owner.api.post(`/rooms/${room}/messages`, { content: 'hi' })).status, 201);
        };
        await send(r1);
        await send(r3);
        await send(r2);
        await send(r2);
        const mine = (await bob.api.get('/rooms')).body.items.filter((r: { id: string }) => [r1, r2, r3].includes(r.id));
        assert.deepEqual(
          mine.map((r: { id: string }) => r.id),
          [r2, r3, r1],
        );
        assert.deepEqual(
          mine.map((r: { unread_count: number }) => r.unread_count),
          [2, 1, 1],
        );
        assert.ok(
          mine.every((r: { last_seq: number; membership: { last_read_seq: number } }) => r.membership.last_read_seq < r.last_seq),
          'my last-read point is behind',
        );
        const ownerView = (await owner.api.get('/rooms')).body.items.filter((r: { id: string }) => [r1, r2, r3].includes(r.id));
        assert.deepEqual(
          ownerView.map((r: { unread_count: number }) => r.unread_count),
          [0, 0, 0],
          'my own messages are not unread',
        );
        clock.advance(1000);
        await owner.api.post(`/rooms/${r1}/messages`, { content: 'again' });
        assert.equal((await bob.api.get('/rooms')).body.items[0].id, r1, 'a new message moves the room to the top');
      });

      it('GET /rooms/public: q (substring, any case), category, featured, pagination without duplicates; private rooms never listed', async () => {
        const tag = uniq('Disc').replace(/-/g, '');
        const ids = new Set<string>();
        for (let i = 0; i < 5; i++)
          ids.add(await createRoom(owner.api, { name: `${i % 2 ? 'alpha' : 'Beta'} ${tag}`, categories: i < 2 ? ['gaming'] : ['social'] }));
        const priv = await createRoom(owner.api, { name: `Secret ${tag}`, type: 'private', categories: ['gaming'] });
        const q = tag.toUpperCase().slice(2, -1); // names repeat: pages must break ties by id
        const all: string[] = [];
        let cursor: string | null = null;
        do {
          const page: { status: number; body: { items: { id: string }[]; next_cursor: string | null } } = await carol.api.get(
            `/rooms/public?q=${encodeURIComponent(q)}&limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          );
          assert.equal(page.status, 200);
          assert.ok(page.body.items.length <= 2);
          all.push(...page.body.items.map((r) => r.id));
          cursor = page.body.next_cursor;
        } while (cursor);
        assert.equal(all.length, 5);
        assert.deepEqual(new Set(all), ids, 'every public match exactly once');
        assert.ok(!all.includes(priv));
        const alphaOnly = await carol.api.get(`/rooms/public?q=${encodeURIComponent(`ALPHA ${tag}`)}`);
        assert.equal(alphaOnly.body.items.length, 2);
        const gaming = await carol.api.get(`/rooms/public?q=${tag}&category=gaming`);
        assert.equal(gaming.body.items.length, 2);
        assert.ok(
          gaming.body.items.every((r: { categories: string[]; type: string }) => r.categories.includes('gaming') && r.type === 'public'),
        );
        assert.ok(
          gaming.body.items.every((r: object) => !('membership' in r)),
          'discovery fields only',
        );
        const featuredId = [...ids][3]!;
        assert.equal((await serverAdmin.api.put(`/rooms/${featuredId}/flags`, { featured: true })).status, 200);
        const featured = await carol.api.get(`/rooms/public?q=${tag}&featured=true`);
        assert.deepEqual(
          featured.body.items.map((r: { id: string }) => r.id),
          [featuredId],
        );
        assert.equal((await carol.api.get(`/rooms/public?q=${tag}&featured=false`)).body.items.length, 4);
        assert.equal((await carol.api.get('/rooms/public?cursor=garbage')).status, 400);
        assert.equal((await carol.api.get('/rooms/public?q=no-such-room-name-anywhere')).body.items.length, 0);
        const pct = await createRoom(owner.api, { name: `Sale 100%_off ${tag}` });
        for (const lit of ['%', '_', '0%_O']) {
          const r = await carol.api.get(`/rooms/public?q=${encodeURIComponent(lit)}`);
          assert.deepEqual(
            r.body.items.map((x: { id: string }) => x.id),
            [pct],
            `"${lit}" is matched literally`,
          );
        }
      });
    });

    describe('flags, join, leave', () => {
      it('PUT /rooms/:id/flags: server admins only; an archived room refuses send and join (403 room_archived) but can be read', async () => {
        const id = await createRoom(owner.api);
        await alice.api.post(`/rooms/${id}/join`);
        assert.equal((await alice.api.post(`/rooms/${id}/messages`, { content: 'before' })).status, 201);
        const byOwner = await owner.api.put(`/rooms/${id}/flags`, { archived: true });
        assert.equal(byOwner.status, 403, 'the room owner is not a server admin');
        assert.equal(byOwner.body.error.code, 'forbidden');
        assert.equal((await owner.api.get(`/rooms/${id}`)).body.archived, false);
        const privId = await createRoom(owner.api, { type: 'private' });
        const privFlags = await serverAdmin.api.put(`/rooms/${privId}/flags`, { featured: true });
        assert.equal(privFlags.status, 200, 'a server admin may flag a private room they are not in');
        const res = await serverAdmin.api.put(`/rooms/${id}/flags`, { archived: true, featured: true });
        assert.equal(res.status, 200);
        assert.equal(res.body.archived, true);
        assert.equal(res.body.featured, true);
        const send = await alice.api.post(`/rooms/${id}/messages`, { content: 'after' });
        assert.equal(send.status, 403);
        assert.equal(send.body.error.code, 'room_archived');
        const join = await bob.api.post(`/rooms/${id}/join`);
        assert.equal(join.status, 403);
        assert.equal(join.body.error.code, 'room_archived');
        const read = await alice.api.get(`/rooms/${id}/messages`);
        assert.equal(read.status, 200);
        assert.deepEqual(
          read.body.items.map((m: { content: string; type: string }) => [m.type, m.content]),
          [
            ['text', 'before'],
            ['system', 'joined'],
          ],
          'and "alice joined"',
        );
        assert.equal((await alice.api.get(`/rooms/${id}`)).body.member_count, 2);
        assert.equal((await serverAdmin.api.put(`/rooms/${id}/flags`, { archived: false })).status, 200);
        assert.equal((await alice.api.post(`/rooms/${id}/messages`, { content: 'thawed' })).status, 201);
        assert.equal((await bob.api.post(`/rooms/${id}/join`)).status, 200);
      });

      it('join is idempotent; a private room cannot be joined (404); a full room answers 409 room_full', async () => {
        const id = await createRoom(owner.api, { member_limit: 2 });
        const first = await alice.api.post(`/rooms/${id}/join`);
        assert.equal(first.status, 200);
        assert.equal(first.body.membership.role, 'member');
        const again = await alice.api.post(`/rooms/${id}/join`);
        assert.equal(again.status, 200);
        assert.equal(again.body.member_count, 2);
        const full = await bob.api.post(`/rooms/${id}/join`);
        assert.equal(full.status, 409);
        assert.equal(full.body.error.code, 'room_full');
        assert.equal((await owner.api.get(`/rooms/${id}`)).body.member_count, 2);
        assert.equal((await owner.api.get(`/rooms/${id}/members`)).body.items.length, 2);
        const priv = await createRoom(owner.api, { type: 'private' });
        const privJoin = await bob.api.post(`/rooms/${priv}/join`);
        assert.equal(privJoin.status, 404);
        assert.equal((await owner.api.get(`/rooms/${priv}`)).body.member_count, 1);
      });

      it('leave: members go; the owner must transfer first (409) unless alone, and the last member leaving deletes the room', async () => {
        const id = await createRoom(owner.api);
        await alice.api.post(`/rooms/${id}/join`);
        assert.equal((await alice.api.post(`/rooms/${id}/leave`)).status, 204);
        assert.ok(!('membership' in (await alice.api.get(`/rooms/${id}`)).body), 'alice is an outsider again');
        assert.equal((await alice.api.post(`/rooms/${id}/leave`)).status, 403, 'leaving a room one is not in');
        await bob.api.post(`/rooms/${id}/join`);
        const ownerLeaves = await owner.api.post(`/rooms/${id}/leave`);
        assert.equal(ownerLeaves.status, 409);
        assert.equal(ownerLeaves.body.error.code, 'owner_must_transfer');
        const members = (await owner.api.get(`/rooms/${id}/members`)).body.items;
        assert.deepEqual(members.map((m: { role: string }) => m.role).sort(), ['member', 'owner']);
        assert.equal((await bob.api.post(`/rooms/${id}/leave`)).status, 204);
        assert.equal((await owner.api.get(`/rooms/${id}`)).body.member_count, 1);
        assert.equal((await owner.api.post(`/rooms/${id}/leave`)).status, 204, 'the last member may leave');
        assert.equal((await owner.api.get(`/rooms/${id}`)).status, 404, 'and the room is gone');
        assert.equal((await bob.api.get(`/rooms/${id}`)).status, 404);
      });
    });

    describe('direct rooms', () => {
      it('POST /direct/:userId opens (201) then returns (200) the one room of the pair, from either side, named after the other person', async () => {
        const opened = await alice.api.post(`/direct/${bob.id}`);
        assert.equal(opened.status, 201);
        assert.equal(opened.body.type, 'direct');
        assert.equal(opened.body.name, 'Bob B.');
        assert.equal(opened.body.peer.id, bob.id);
        assert.equal(opened.body.member_count, 2);
        const again = await alice.api.post(`/direct/${bob.id}`);
        assert.equal(again.status, 200);
        assert.equal(again.body.id, opened.body.id);
        const otherSide = await bob.api.post(`/direct/${alice.id}`);
        assert.equal(otherSide.status, 200);
        assert.equal(otherSide.body.id, opened.body.id);
        assert.equal(otherSide.body.name, 'Alice 🌷');
        assert.equal((await bob.api.get(`/rooms/${opened.body.id}`)).body.name, 'Alice 🌷');
        const listed = (await bob.api.get('/rooms')).body.items.find((r: { id: string }) => r.id === opened.body.id);
        assert.equal(listed.name, 'Alice 🌷');
        assert.equal((await alice.api.post(`/direct/${alice.id}`)).status, 400);
        assert.equal((await alice.api.post(`/direct/${randomUUID()}`)).status, 404);
      });

      it('never more than two members: join, add and invites are refused, and neither side can leave', async () => {
        const id = (await carol.api.post(`/direct/${owner.id}`)).body.id as string;
        const join = await alice.api.post(`/rooms/${id}/join`);
        assert.equal(join.status, 404, 'outsiders do not see a direct room');
        const add = await carol.api.post(`/rooms/${id}/members`, { user_id: alice.id });
        assert.equal(add.status, 403);
        assert.equal(add.body.error.code, 'not_allowed_here');
        const invite = await carol.api.post(`/rooms/${id}/invites`, {});
        assert.equal(invite.status, 403);
        assert.equal(invite.body.error.code, 'not_allowed_here');
        const leave = await owner.api.post(`/rooms/${id}/leave`);
        assert.equal(leave.status, 403);
        assert.equal(leave.body.error.code, 'not_allowed_here');
        assert.equal((await carol.api.delete(`/rooms/${id}`)).status, 403);
        const members = (await carol.api.get(`/rooms/${id}/members`)).body.items;
        assert.deepEqual(members.map((m: { user: { id: string } }) => m.user.id).sort(), [carol.id, owner.id].sort());
        assert.equal((await owner.api.get(`/rooms/${id}`)).body.member_count, 2);
        assert.equal((await carol.api.post(`/rooms/${id}/messages`, { content: 'just us' })).status, 201);
      });
    });
  });
}
