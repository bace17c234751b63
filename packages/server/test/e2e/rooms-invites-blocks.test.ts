import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/ports/clock.ts';
import { signup, startServer, type Client, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

type User = Awaited<ReturnType<typeof signup>>;

async function createRoom(api: Client, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post('/rooms', { name: `invites ${randomUUID().slice(0, 8)}`, type: 'private', ...body });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.id as string;
}

async function invite(api: Client, roomId: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await api.post(`/rooms/${roomId}/invites`, body);
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.code as string;
}

async function memberIds(api: Client, roomId: string): Promise<string[]> {
  const res = await api.get(`/rooms/${roomId}/members?limit=100`);
  assert.equal(res.status, 200);
  return res.body.items.map((m: { user: { id: string } }) => m.user.id).sort();
}

const directRooms = async (api: Client): Promise<string[]> =>
  (await api.get('/rooms')).body.items.filter((r: { type: string }) => r.type === 'direct').map((r: { id: string }) => r.id);

for (const backend of backends()) {
  describe(`rooms e2e, invites and blocks: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    const clock = new ManualClock(new Date());
    let serverAdmin: User, owner: User, a: User, b: User, c: User, d: User, e: User;
    before(async () => {
      srv = await startServer(backend, { clock });
      serverAdmin = await signup(srv.url); // the first account of a fresh server is its admin
      owner = await signup(srv.url);
      a = await signup(srv.url);
      b = await signup(srv.url);
      c = await signup(srv.url);
      d = await signup(srv.url);
      e = await signup(srv.url);
    });
    after(() => srv.stop());

    describe('invites', () => {
      it('admins create invites (default: single use, 7 days); members get 403, outsiders of a private room 404', async () => {
        const id = await createRoom(owner.api);
        const res = await owner.api.post(`/rooms/${id}/invites`, {});
        assert.equal(res.status, 201);
        assert.equal(res.body.room_id, id);
        assert.equal(res.body.created_by, owner.id);
        assert.equal(res.body.max_uses, 1);
        assert.equal(res.body.uses, 0);
        assert.equal(res.body.revoked, false);
        assert.equal(Date.parse(res.body.expires_at) - clock.now().getTime(), 7 * 24 * 3600 * 1000);
        await owner.api.post(`/rooms/${id}/members`, { user_id: a.id });
        const byMember = await a.api.post(`/rooms/${id}/invites`, {});
        assert.equal(byMember.status, 403);
        assert.equal(byMember.body.error.code, 'forbidden');
        assert.equal((await b.api.post(`/rooms/${id}/invites`, {})).status, 404);
        await owner.api.patch(`/rooms/${id}/members/${a.id}/role`, { role: 'admin' });
        assert.equal((await a.api.post(`/rooms/${id}/invites`, { max_uses: null, expires_in: 3600 })).status, 201, 'room admins may');
        for (const body of [{ expires_in: 59 }, { max_uses: 0 }, { max_uses: 'many' }]) {
          assert.equal((await owner.api.post(`/rooms/${id}/invites`, body)).status, 400, JSON.stringify(body));
        }
      });

      it('codes are 8+ characters of an unambiguous alphabet (no 0 O 1 l I) and all different', async () => {
        const id = await createRoom(owner.api);
        const codes = await Promise.all(Array.from({ length: 30 }, () => invite(owner.api, id)));
        assert.equal(new Set(codes).size, codes.length);
        for (const code of codes) {
          assert.ok(code.length >= 8, code);
          assert.match(code, /^[a-zA-Z2-9]+$/, code);
          assert.doesNotMatch(code, /[0O1lI]/, code);
        }
      });

      it('preview by code: room name and member count for a non-member of a private room; accept joins', async () => {
        const id = await createRoom(owner.api, { name: 'Secret garden', description: 'shh' });
        const code = await invite(owner.api, id, { max_uses: 2 });
        assert.equal((await b.api.get(`/rooms/${id}`)).status, 404, 'the room itself stays hidden');
        const preview = await b.api.get(`/invites/${code}`);
        assert.equal(preview.status, 200);
        assert.equal(preview.body.code, code);
        assert.equal(preview.body.room.id, id);
        assert.equal(preview.body.room.name, 'Secret garden');
        assert.equal(preview.body.room.type, 'private');
        assert.equal(preview.body.room.member_count, 1);
        assert.equal(preview.body.room.membership, undefined);
        assert.equal((await b.api.get(`/invites/${code.toUpperCase()}`)).status, 200, 'codes read aloud may come back in capitals');
        // An invite link opened before signing up shows where it leads: no session needed.
        const anonymous = await fetch(`${srv.url}/invites/${code}`);
        assert.equal(anonymous.status, 200);
        assert.deepEqual(await anonymous.json(), preview.body);
        assert.equal((await fetch(`${srv.url}/invites/zzzzzzzzzz`)).status, 404, 'a wrong code is still 404 without a session');
        const accepted = await b.api.post(`/invites/${code}/accept`);
        assert.equal(accepted.status, 201);
        assert.equal(accepted.body.id, id);
        assert.equal(accepted.body.membership.role, 'member');
        assert.equal(accepted.body.member_count, 2);
        const again = await b.api.post(`/invites/${code}/accept`);
        assert.equal(again.status, 200, 'a member accepting again changes nothing');
        assert.equal((await c.api.post(`/invites/${code}/accept`)).status, 201, 'and used nothing: the second use is still there');
        assert.deepEqual(await memberIds(owner.api, id), [owner.id, b.id, c.id].sort());
        assert.equal((await b.api.get(`/invites/${code}`)).body.error.code, 'invite_used_up');
      });

      it('single use: the second user gets 410 invite_used_up; N uses allow N; unlimited (max_uses null) never runs out', async () => {
        const single = await createRoom(owner.api);
        const code1 = await invite(owner.api, single, { max_uses: 1 });
        assert.equal((await a.api.post(`/invites/${code1}/accept`)).status, 201);
        const second = await b.api.post(`/invites/${code1}/accept`);
        assert.equal(second.status, 410);
        assert.equal(second.body.error.code, 'invite_used_up');
        assert.equal((await b.api.get(`/rooms/${single}`)).status, 404);
        assert.deepEqual(await memberIds(owner.api, single), [owner.id, a.id].sort());

        const three = await createRoom(owner.api);
        const code3 = await invite(owner.api, three, { max_uses: 3 });
        for (const u of [a, b, c]) assert.equal((await u.api.post(`/invites/${code3}/accept`)).status, 201);
        assert.equal((await d.api.post(`/invites/${code3}/accept`)).body.error.code, 'invite_used_up');
        assert.equal((await owner.api.get(`/rooms/${three}`)).body.member_count, 4);

        const open = await createRoom(owner.api);
        const codeN = await invite(owner.api, open, { max_uses: null });
        for (const u of [a, b, c, d, e]) assert.equal((await u.api.post(`/invites/${codeN}/accept`)).status, 201);
        assert.equal((await owner.api.get(`/invites/${codeN}`)).status, 200, 'still live');
        assert.equal((await owner.api.get(`/rooms/${open}`)).body.member_count, 6);
      });

      it('expired: 410 invite_expired once expires_in has passed, for preview and accept', async () => {
        const id = await createRoom(owner.api);
        const code = await invite(owner.api, id, { expires_in: 60, max_uses: null });
        clock.advance(59_000);
        assert.equal((await a.api.post(`/invites/${code}/accept`)).status, 201);
        clock.advance(1_000);
        for (const res of [await b.api.get(`/invites/${code}`), await b.api.post(`/invites/${code}/accept`)]) {
          assert.equal(res.status, 410);
          assert.equal(res.body.error.code, 'invite_expired');
        }
        assert.deepEqual(await memberIds(owner.api, id), [owner.id, a.id].sort());
      });

      it('revoked: admins revoke (members 403), then 410 invite_revoked; unknown codes are 404 invite_not_found', async () => {
        const id = await createRoom(owner.api);
        const code = await invite(owner.api, id, { max_uses: null });
        assert.equal((await a.api.post(`/invites/${code}/accept`)).status, 201);
        const byMember = await a.api.delete(`/invites/${code}`);
        assert.equal(byMember.status, 403);
        assert.equal((await b.api.delete(`/invites/${code}`)).status, 404, 'an outsider of the private room');
        assert.equal((await b.api.get(`/invites/${code}`)).status, 200, 'refused revocations changed nothing');
        assert.equal((await owner.api.delete(`/invites/${code}`)).status, 204);
        for (const res of [await b.api.get(`/invites/${code}`), await b.api.post(`/invites/${code}/accept`)]) {
          assert.equal(res.status, 410);
          assert.equal(res.body.error.code, 'invite_revoked');
        }
        assert.deepEqual(await memberIds(owner.api, id), [owner.id, a.id].sort());
        for (const res of [
          await b.api.get('/invites/nosuchcode'),
          await b.api.post('/invites/nosuchcode/accept'),
          await owner.api.delete('/invites/nosuchcode'),
        ]) {
          assert.equal(res.status, 404);
          assert.equal(res.body.error.code, 'invite_not_found');
        }
      });

      it('admins list the usable invites, newest first; used-up, expired and revoked ones drop out; members 403, outsiders 404', async () => {
        const id = await createRoom(owner.api);
        const list = async (api: Client = owner.api) => {
          const res = await api.get(`/rooms/${id}/invites`);
          assert.equal(res.status, 200, JSON.stringify(res.body));
          return res.body.items as {
            code: string;
            room_id: string;
            max_uses: number | null;
            uses: number;
            revoked: boolean;
            created_by: string;
          }[];
        };
        assert.deepEqual(await list(), []);
        const single = await invite(owner.api, id, { max_uses: 1 });
        clock.advance(1_000);
        const short = await invite(owner.api, id, { max_uses: null, expires_in: 60 });
        clock.advance(1_000);
        const revoked = await invite(owner.api, id, { max_uses: 5 });
        clock.advance(1_000);
        const open = await invite(owner.api, id, { max_uses: null, expires_in: 3600 });
        const all = await list();
        assert.deepEqual(
          all.map((i) => i.code),
          [open, revoked, short, single],
        );
        assert.deepEqual(all[0], { ...all[0], room_id: id, created_by: owner.id, max_uses: null, uses: 0, revoked: false });

        assert.equal((await a.api.post(`/invites/${single}/accept`)).status, 201);
        assert.equal((await owner.api.delete(`/invites/${revoked}`)).status, 204);
        clock.advance(60_000);
        assert.equal((await b.api.post(`/invites/${open}/accept`)).status, 201);
        const left = await list();
        assert.deepEqual(
          left.map((i) => i.code),
          [open],
          'used up, revoked and expired codes are gone',
        );
        assert.equal(left[0]!.uses, 1);

        const byMember = await a.api.get(`/rooms/${id}/invites`);
        assert.equal(byMember.status, 403);
        assert.equal(byMember.body.error.code, 'forbidden');
        assert.equal((await c.api.get(`/rooms/${id}/invites`)).status, 404, 'an outsider of the private room');
        await owner.api.patch(`/rooms/${id}/members/${a.id}/role`, { role: 'admin' });
        assert.deepEqual(
          (await list(a.api)).map((i) => i.code),
          [open],
          'room admins may',
        );
        // Archiving makes the room read-only, not its invites secret: admins still see them.
        assert.equal((await serverAdmin.api.put(`/rooms/${id}/flags`, { archived: true })).status, 200);
        assert.deepEqual(
          (await list()).map((i) => i.code),
          [open],
        );
        assert.equal((await serverAdmin.api.put(`/rooms/${id}/flags`, { archived: false })).status, 200);
      });

      it('an archived room refuses invite acceptance (403 room_archived) and nothing is used', async () => {
        const id = await createRoom(owner.api);
        const code = await invite(owner.api, id, { max_uses: 1 });
        assert.equal((await serverAdmin.api.put(`/rooms/${id}/flags`, { archived: true })).status, 200);
        const res = await a.api.post(`/invites/${code}/accept`);
        assert.equal(res.status, 403);
        assert.equal(res.body.error.code, 'room_archived');
        assert.equal((await serverAdmin.api.put(`/rooms/${id}/flags`, { archived: false })).status, 200);
        assert.equal((await a.api.post(`/invites/${code}/accept`)).status, 201);
      });

      it('five users accept one single-use invite at once: exactly one joins', async () => {
        const id = await createRoom(owner.api);
        const code = await invite(owner.api, id, { max_uses: 1 });
        const answers = await Promise.all([a, b, c, d, e].map((u) => u.api.post(`/invites/${code}/accept`)));
        const statuses = answers.map((r) => r.status).sort();
        assert.deepEqual(statuses, [201, 410, 410, 410, 410], JSON.stringify(answers.map((r) => r.body)));
        assert.ok(answers.filter((r) => r.status === 410).every((r) => r.body.error.code === 'invite_used_up'));
        const winner = [a, b, c, d, e][answers.findIndex((r) => r.status === 201)]!;
        assert.deepEqual(await memberIds(owner.api, id), [owner.id, winner.id].sort());
        assert.equal((await owner.api.get(`/rooms/${id}`)).body.member_count, 2);
      });
    });

    describe('blocks', () => {
      it('block, list and unblock: idempotent; self and unknown users are refused', async () => {
        assert.equal((await a.api.post(`/users/${b.id}/block`)).status, 204);
        assert.equal((await a.api.post(`/users/${b.id}/block`)).status, 204, 'blocking twice is harmless');
        assert.equal((await a.api.post(`/users/${c.id}/block`)).status, 204);
        const list = await a.api.get('/users/me/blocks');
        assert.equal(list.status, 200);
        assert.deepEqual(list.body.items.map((u: { id: string }) => u.id).sort(), [b.id, c.id].sort());
        assert.ok(list.body.items.every((u: { blocked_at: string; username: string }) => u.blocked_at && u.username));
        assert.deepEqual((await b.api.get('/users/me/blocks')).body.items, [], 'blocks are one-sided lists');
        const self = await a.api.post(`/users/${a.id}/block`);
        assert.equal(self.status, 400);
        assert.equal(self.body.error.code, 'cannot_target_self');
        assert.equal((await a.api.post(`/users/${randomUUID()}/block`)).status, 404);
        assert.equal((await a.api.delete(`/users/${c.id}/block`)).status, 204);
        assert.equal((await a.api.delete(`/users/${c.id}/block`)).status, 204, 'unblocking twice is harmless');
        assert.deepEqual(
          (await a.api.get('/users/me/blocks')).body.items.map((u: { id: string }) => u.id),
          [b.id],
        );
        assert.equal((await a.api.delete(`/users/${b.id}/block`)).status, 204);
        assert.deepEqual((await a.api.get('/users/me/blocks')).body.items, []);
      });

      it('blocked either way: POST /direct/:userId is 403 blocked from both sides and creates nothing; unblocking allows it', async () => {
        const before = { c: await directRooms(c.api), d: await directRooms(d.api) };
        assert.equal((await c.api.post(`/users/${d.id}/block`)).status, 204);
        for (const [from, to] of [
          [c, d],
          [d, c],
        ] as const) {
          const res = await from.api.post(`/direct/${to.id}`);
          assert.equal(res.status, 403);
          assert.equal(res.body.error.code, 'blocked');
        }
        assert.deepEqual({ c: await directRooms(c.api), d: await directRooms(d.api) }, before);
        assert.equal((await c.api.delete(`/users/${d.id}/block`)).status, 204);
        assert.equal((await d.api.post(`/direct/${c.id}`)).status, 201);
      });

      it('a block in an existing direct room stops messages both ways (403 blocked); reading still works; unblock restores', async () => {
        const room = (await a.api.post(`/direct/${e.id}`)).body.id as string;
        assert.equal((await e.api.post(`/rooms/${room}/messages`, { content: 'hello' })).status, 201);
        assert.equal((await a.api.post(`/users/${e.id}/block`)).status, 204);
        for (const u of [a, e]) {
          const res = await u.api.post(`/rooms/${room}/messages`, { content: 'are you there?' });
          assert.equal(res.status, 403);
          assert.equal(res.body.error.code, 'blocked');
          const read = await u.api.get(`/rooms/${room}/messages`);
          assert.equal(read.status, 200);
          assert.deepEqual(
            read.body.items.map((m: { content: string }) => m.content),
            ['hello'],
            'nothing was stored',
          );
        }
        const reopen = await e.api.post(`/direct/${a.id}`);
        assert.equal(reopen.status, 403);
        assert.equal(reopen.body.error.code, 'blocked');
        assert.equal((await a.api.delete(`/users/${e.id}/block`)).status, 204);
        assert.equal((await e.api.post(`/rooms/${room}/messages`, { content: 'back' })).status, 201);
        assert.equal((await a.api.post(`/direct/${e.id}`)).body.id, room, 'the same room as before');
      });

      it('a block does not stop messages in shared group rooms', async () => {
        const id = await createRoom(owner.api, { type: 'public' });
        for (const u of [b, c]) await u.api.post(`/rooms/${id}/join`);
        await b.api.post(`/users/${c.id}/block`);
        assert.equal((await c.api.post(`/rooms/${id}/messages`, { content: 'hi all' })).status, 201);
        assert.equal((await b.api.post(`/rooms/${id}/messages`, { content: 'hi' })).status, 201);
        await b.api.delete(`/users/${c.id}/block`);
      });
    });
  });
}
