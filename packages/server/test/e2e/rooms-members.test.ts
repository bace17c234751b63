import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/ports/clock.ts';
import { signup, startServer, type Client, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

type User = Awaited<ReturnType<typeof signup>>;
interface MemberRow {
  user: { id: string };
  role: string;
  muted: boolean;
  muted_until: string | null;
}

async function createRoom(api: Client, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post('/rooms', { name: `members ${randomUUID().slice(0, 8)}`, ...body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

async function members(api: Client, roomId: string): Promise<MemberRow[]> {
  const res = await api.get(`/rooms/${roomId}/members?limit=100`);
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.items;
}

/** { userId: role } of every member, read back from the server. */
async function roles(api: Client, roomId: string): Promise<Record<string, string>> {
  return Object.fromEntries((await members(api, roomId)).map((m) => [m.user.id, m.role]));
}

/** The room's member_count counter agrees with a recount of its member rows. */
async function assertCountMatches(api: Client, roomId: string): Promise<number> {
  const room = await api.get(`/rooms/${roomId}`);
  const rows = await members(api, roomId);
  assert.equal(room.body.member_count, rows.length, 'member_count equals the number of member rows');
  return rows.length;
}

for (const backend of backends()) {
  describe(`rooms e2e, members: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    const clock = new ManualClock(new Date());
    let owner: User, adm: User, adm2: User, m1: User, m2: User, outsider: User;
    before(async () => {
      srv = await startServer(backend, { clock });
      await signup(srv.url); // the server admin: kept out of the way so room roles alone decide
      owner = await signup(srv.url);
      adm = await signup(srv.url);
      adm2 = await signup(srv.url);
      m1 = await signup(srv.url);
      m2 = await signup(srv.url);
      outsider = await signup(srv.url);
    });
    after(() => srv.stop());

    /** A room of the given type with owner, two admins (adm, adm2) and members m1, m2. */
    async function staffedRoom(type: 'public' | 'private' = 'public'): Promise<string> {
      const id = await createRoom(owner.api, { type });
      for (const u of [adm, adm2, m1, m2]) assert.equal((await owner.api.post(`/rooms/${id}/members`, { user_id: u.id })).status, 201);
      for (const u of [adm, adm2])
        assert.equal((await owner.api.patch(`/rooms/${id}/members/${u.id}/role`, { role: 'admin' })).status, 200);
      return id;
    }

    it('lists members with their roles; only members may list (outsiders: 403 on public, 404 on private)', async () => {
      const id = await staffedRoom();
      assert.deepEqual(await roles(m1.api, id), {
        [owner.id]: 'owner',
        [adm.id]: 'admin',
        [adm2.id]: 'admin',
        [m1.id]: 'member',
        [m2.id]: 'member',
      });
      const pub = await outsider.api.get(`/rooms/${id}/members`);
      assert.equal(pub.status, 403);
      assert.equal(pub.body.error.code, 'not_a_member');
      const priv = await createRoom(owner.api, { type: 'private' });
      assert.equal((await outsider.api.get(`/rooms/${priv}/members`)).status, 404);
      const page = await m1.api.get(`/rooms/${id}/members?limit=2`);
      assert.equal(page.body.items.length, 2);
      assert.ok(page.body.next_cursor);
      const rest = await m1.api.get(`/rooms/${id}/members?limit=10&cursor=${encodeURIComponent(page.body.next_cursor)}`);
      const ids = [...page.body.items, ...rest.body.items].map((m: MemberRow) => m.user.id);
      assert.equal(new Set(ids).size, 5, 'pages do not overlap');
    });

    it('an admin adds a user (201, then 200); members cannot add; unknown users are 404', async () => {
      const id = await createRoom(owner.api, { type: 'private' });
      await owner.api.post(`/rooms/${id}/members`, { user_id: adm.id });
      await owner.api.patch(`/rooms/${id}/members/${adm.id}/role`, { role: 'admin' });
      const added = await adm.api.post(`/rooms/${id}/members`, { user_id: m1.id });
      assert.equal(added.status, 201);
      assert.equal(added.body.user.id, m1.id);
      assert.equal(added.body.role, 'member');
      const again = await adm.api.post(`/rooms/${id}/members`, { user_id: m1.id });
      assert.equal(again.status, 200);
      const byMember = await m1.api.post(`/rooms/${id}/members`, { user_id: m2.id });
      assert.equal(byMember.status, 403);
      assert.equal(byMember.body.error.code, 'forbidden');
      const byOutsider = await outsider.api.post(`/rooms/${id}/members`, { user_id: outsider.id });
      assert.equal(byOutsider.status, 404);
      const unknown = await adm.api.post(`/rooms/${id}/members`, { user_id: randomUUID() });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, 'user_not_found');
      assert.deepEqual(Object.keys(await roles(owner.api, id)).sort(), [owner.id, adm.id, m1.id].sort());
      assert.equal(await assertCountMatches(owner.api, id), 3);
      assert.equal((await m1.api.get(`/rooms/${id}`)).status, 200, 'the added user now sees the private room');
    });

    it('remove: admins remove members, not the owner nor another admin (403); the owner removes admins', async () => {
      const id = await staffedRoom('private');
      const byMember = await m1.api.delete(`/rooms/${id}/members/${m2.id}`);
      assert.equal(byMember.status, 403);
      for (const target of [owner, adm2]) {
        const r = await adm.api.delete(`/rooms/${id}/members/${target.id}`);
        assert.equal(r.status, 403, `admin removing ${target === owner ? 'the owner' : 'an admin'}`);
        assert.equal(r.body.error.code, 'forbidden');
      }
      assert.equal(Object.keys(await roles(owner.api, id)).length, 5, 'refusals removed nobody');
      assert.equal((await adm.api.delete(`/rooms/${id}/members/${m1.id}`)).status, 204);
      assert.equal((await owner.api.delete(`/rooms/${id}/members/${adm2.id}`)).status, 204);
      assert.equal((await adm.api.delete(`/rooms/${id}/members/${outsider.id}`)).status, 404, 'not a member');
      assert.deepEqual(await roles(owner.api, id), { [owner.id]: 'owner', [adm.id]: 'admin', [m2.id]: 'member' });
      assert.equal(await assertCountMatches(owner.api, id), 3);
      assert.equal((await m1.api.get(`/rooms/${id}`)).status, 404, 'a removed member no longer sees the private room');
    });

    it('change role: the owner only; admins and members get 403; the owner cannot change their own role', async () => {
      const id = await staffedRoom();
      const byAdmin = await adm.api.patch(`/rooms/${id}/members/${m1.id}/role`, { role: 'admin' });
      assert.equal(byAdmin.status, 403);
      assert.equal(byAdmin.body.error.code, 'forbidden');
      assert.equal((await m1.api.patch(`/rooms/${id}/members/${m2.id}/role`, { role: 'admin' })).status, 403);
      assert.equal(
        (await owner.api.patch(`/rooms/${id}/members/${m1.id}/role`, { role: 'owner' })).status,
        400,
        'ownership moves only by transfer',
      );
      assert.equal((await owner.api.patch(`/rooms/${id}/members/${owner.id}/role`, { role: 'member' })).status, 400);
      assert.equal((await roles(owner.api, id))[m1.id], 'member');
      const up = await owner.api.patch(`/rooms/${id}/members/${m1.id}/role`, { role: 'admin' });
      assert.equal(up.status, 200);
      assert.equal(up.body.role, 'admin');
      const down = await owner.api.patch(`/rooms/${id}/members/${adm.id}/role`, { role: 'member' });
      assert.equal(down.body.role, 'member');
      const r = await roles(m2.api, id);
      assert.equal(r[m1.id], 'admin');
      assert.equal(r[adm.id], 'member');
      assert.equal((await adm.api.delete(`/rooms/${id}/members/${m2.id}`)).status, 403, 'the demoted admin lost their powers');
    });

    it('transfer: the new owner takes over, the old one becomes admin; there is always exactly one owner', async () => {
      const id = await staffedRoom();
      assert.equal((await adm.api.post(`/rooms/${id}/transfer`, { user_id: m1.id })).status, 403);
      assert.equal((await owner.api.post(`/rooms/${id}/transfer`, { user_id: outsider.id })).status, 404);
      assert.equal((await owner.api.post(`/rooms/${id}/transfer`, { user_id: owner.id })).status, 400);
      assert.deepEqual(Object.values(await roles(owner.api, id)).filter((r) => r === 'owner').length, 1);
      const res = await owner.api.post(`/rooms/${id}/transfer`, { user_id: m1.id });
      assert.equal(res.status, 200);
      assert.equal(res.body.user.id, m1.id);
      assert.equal(res.body.role, 'owner');
      let r = await roles(owner.api, id);
      assert.equal(r[m1.id], 'owner');
      assert.equal(r[owner.id], 'admin');
      assert.equal(Object.values(r).filter((x) => x === 'owner').length, 1);
      assert.equal(
        (await owner.api.post(`/rooms/${id}/transfer`, { user_id: adm.id })).status,
        403,
        'the former owner cannot transfer any more',
      );
      assert.equal((await owner.api.delete(`/rooms/${id}`)).status, 403, 'nor delete the room');
      assert.equal((await m1.api.post(`/rooms/${id}/transfer`, { user_id: adm.id })).status, 200);
      r = await roles(owner.api, id);
      assert.deepEqual(
        Object.entries(r).filter(([, x]) => x === 'owner'),
        [[adm.id, 'owner']],
      );
      assert.equal(r[m1.id], 'admin');
      assert.equal((await m1.api.post(`/rooms/${id}/leave`)).status, 204, 'the former owner may leave now');
      assert.equal(await (await adm.api.get(`/rooms/${id}`)).body.membership.role, 'owner');
    });

    it('mute: a muted member cannot send or react (403 muted) but can read; unmute restores; a past time is 400', async () => {
      const id = await staffedRoom();
      const msg = await m2.api.post(`/rooms/${id}/messages`, { content: 'react to me' });
      assert.equal(msg.status, 201);
      const byMember = await m2.api.patch(`/rooms/${id}/members/${m1.id}`, { muted: true });
      assert.equal(byMember.status, 403);
      const onOwner = await adm.api.patch(`/rooms/${id}/members/${owner.id}`, { muted: true });
      assert.equal(onOwner.status, 403, 'an admin cannot mute the owner');
      const muted = await adm.api.patch(`/rooms/${id}/members/${m1.id}`, { muted: true });
      assert.equal(muted.status, 200);
      assert.equal(muted.body.muted, true);
      assert.equal(muted.body.muted_until, null);
      const send = await m1.api.post(`/rooms/${id}/messages`, { content: 'let me speak' });
      assert.equal(send.status, 403);
      assert.equal(send.body.error.code, 'muted');
      const react = await m1.api.post(`/messages/${msg.body.id}/reactions`, { emoji: '👍' });
      assert.equal(react.status, 403);
      assert.equal(react.body.error.code, 'muted');
      const read = await m1.api.get(`/rooms/${id}/messages`);
      assert.equal(read.status, 200);
      // Besides the system messages of the room's staffing ("… added …").
      const said = read.body.items.filter((m: { type: string }) => m.type !== 'system');
      assert.deepEqual(
        said.map((m: { content: string }) => m.content),
        ['react to me'],
        'refused sends stored nothing',
      );
      assert.deepEqual(said[0].reactions, []);
      assert.equal((await m1.api.get(`/rooms/${id}`)).body.membership.muted, true);
      const unmuted = await adm.api.patch(`/rooms/${id}/members/${m1.id}`, { muted: false });
      assert.equal(unmuted.body.muted, false);
      assert.equal((await m1.api.post(`/rooms/${id}/messages`, { content: 'thanks' })).status, 201);
      assert.equal((await m1.api.post(`/messages/${msg.body.id}/reactions`, { emoji: '👍' })).status, 201);
      const past = await adm.api.patch(`/rooms/${id}/members/${m2.id}`, {
        muted: true,
        muted_until: new Date(clock.now().getTime() - 1000).toISOString(),
      });
      assert.equal(past.status, 400);
      assert.equal(past.body.error.code, 'validation_failed');
      const m2row = (await members(owner.api, id)).find((m) => m.user.id === m2.id)!;
      assert.equal(m2row.muted, false, 'the refused mute changed nothing');
    });

    it('mute until a time: refused before it, allowed again once it passes', async () => {
      const id = await staffedRoom();
      const until = new Date(clock.now().getTime() + 60_000).toISOString();
      const res = await adm.api.patch(`/rooms/${id}/members/${m2.id}`, { muted: true, muted_until: until });
      assert.equal(res.status, 200);
      assert.equal(res.body.muted_until, until);
      assert.equal((await m2.api.post(`/rooms/${id}/messages`, { content: 'early' })).body.error.code, 'muted');
      clock.advance(30_000);
      assert.equal((await m2.api.post(`/rooms/${id}/messages`, { content: 'still early' })).status, 403);
      clock.advance(31_000);
      const later = await m2.api.post(`/rooms/${id}/messages`, { content: 'free again' });
      assert.equal(later.status, 201);
      assert.deepEqual(
        (await m2.api.get(`/rooms/${id}/messages`)).body.items
          .filter((m: { type: string }) => m.type !== 'system')
          .map((m: { content: string }) => m.content),
        ['free again'],
      );
    });

    it('ban: removed at once; join, invite and being added are refused (403 banned); unban lets them back', async () => {
      const id = await staffedRoom();
      const byMember = await m1.api.post(`/rooms/${id}/bans`, { user_id: m2.id });
      assert.equal(byMember.status, 403);
      assert.equal((await adm.api.post(`/rooms/${id}/bans`, { user_id: adm2.id })).status, 403, 'an admin cannot ban another admin');
      assert.equal((await adm.api.post(`/rooms/${id}/bans`, { user_id: owner.id })).status, 403);
      assert.equal(await assertCountMatches(owner.api, id), 5);
      assert.equal((await adm.api.post(`/rooms/${id}/bans`, { user_id: m2.id, reason: 'spam' })).status, 204);
      assert.ok(!(m2.id in (await roles(owner.api, id))), 'removed at once');
      assert.equal(await assertCountMatches(owner.api, id), 4);
      const join = await m2.api.post(`/rooms/${id}/join`);
      assert.equal(join.status, 403);
      assert.equal(join.body.error.code, 'banned');
      const invite = await adm.api.post(`/rooms/${id}/invites`, { max_uses: 1 });
      assert.equal(invite.status, 201);
      const accept = await m2.api.post(`/invites/${invite.body.code}/accept`);
      assert.equal(accept.status, 403);
      assert.equal(accept.body.error.code, 'banned');
      const add = await owner.api.post(`/rooms/${id}/members`, { user_id: m2.id });
      assert.equal(add.status, 403);
      assert.equal(add.body.error.code, 'banned');
      assert.equal(await assertCountMatches(owner.api, id), 4, 'no refusal let them in');
      assert.equal(
        (await outsider.api.post(`/invites/${invite.body.code}/accept`)).status,
        201,
        'the refused accept used nothing of the single-use invite',
      );
      assert.equal((await adm.api.post(`/rooms/${id}/bans`, { user_id: m1.id })).status, 204);
      assert.equal(await assertCountMatches(owner.api, id), 4);
      const list = await adm.api.get(`/rooms/${id}/bans`);
      assert.equal(list.status, 200);
      const byUser = Object.fromEntries(
        list.body.items.map((b: { user: { id: string }; reason: string | null; banned_by: string }) => [b.user.id, b]),
      );
      assert.deepEqual(Object.keys(byUser).sort(), [m1.id, m2.id].sort());
      assert.equal(byUser[m2.id].reason, 'spam');
      assert.equal(byUser[m2.id].banned_by, adm.id);
      assert.equal((await outsider.api.get(`/rooms/${id}/bans`)).status, 403, 'members cannot list bans');
      assert.equal((await outsider.api.delete(`/rooms/${id}/bans/${m2.id}`)).status, 403, 'nor unban');
      assert.equal((await adm.api.delete(`/rooms/${id}/bans/${m2.id}`)).status, 204);
      assert.deepEqual(
        (await adm.api.get(`/rooms/${id}/bans`)).body.items.map((b: { user: { id: string } }) => b.user.id),
        [m1.id],
      );
      const back = await m2.api.post(`/rooms/${id}/join`);
      assert.equal(back.status, 200);
      assert.equal(back.body.membership.role, 'member');
      assert.equal(await assertCountMatches(owner.api, id), 5);
      // A user who never joined can be banned in advance.
      const other = await createRoom(owner.api);
      assert.equal((await owner.api.post(`/rooms/${other}/bans`, { user_id: outsider.id })).status, 204);
      assert.equal((await outsider.api.post(`/rooms/${other}/join`)).body.error.code, 'banned');
      assert.equal(await assertCountMatches(owner.api, other), 1);
    });

    it('member_count always equals a recount of the members after joins, leaves, removals and bans', async () => {
      const id = await createRoom(owner.api, { member_limit: 4 });
      const steps: [string, () => Promise<unknown>][] = [
        ['join m1', () => m1.api.post(`/rooms/${id}/join`)],
        ['join m1 again', () => m1.api.post(`/rooms/${id}/join`)],
        ['join m2', () => m2.api.post(`/rooms/${id}/join`)],
        ['join outsider', () => outsider.api.post(`/rooms/${id}/join`)],
        ['join adm (full)', () => adm.api.post(`/rooms/${id}/join`)],
        ['m1 leaves', () => m1.api.post(`/rooms/${id}/leave`)],
        ['m1 leaves again', () => m1.api.post(`/rooms/${id}/leave`)],
        ['adm joins', () => adm.api.post(`/rooms/${id}/join`)],
        ['ban m2', () => owner.api.post(`/rooms/${id}/bans`, { user_id: m2.id })],
        ['ban m2 again', () => owner.api.post(`/rooms/${id}/bans`, { user_id: m2.id })],
        ['m2 tries to join', () => m2.api.post(`/rooms/${id}/join`)],
        ['remove outsider', () => owner.api.delete(`/rooms/${id}/members/${outsider.id}`)],
        ['add m1', () => owner.api.post(`/rooms/${id}/members`, { user_id: m1.id })],
        ['concurrent joins', () => Promise.all([adm2, outsider, m2].map((u) => u.api.post(`/rooms/${id}/join`)))],
      ];
      const expected = [2, 2, 3, 4, 4, 3, 3, 4, 3, 3, 3, 2, 3, 4];
      for (const [i, [label, step]] of steps.entries()) {
        await step();
        assert.equal(await assertCountMatches(owner.api, id), expected[i], label);
      }
    });
  });
}
