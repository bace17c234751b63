/* eslint-disable @typescript-eslint/no-explicit-any -- the test client returns untyped JSON on purpose: tests assert on its shape. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeRoom, refused, send } from '../helpers/message-fixtures.ts';
import { client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { TestSocket } from '../helpers/ws.ts';

type User = Awaited<ReturnType<typeof signup>>;

/** Every audit entry the admin can read with this query, walking the cursors (limit 2: several pages). */
async function auditAll(admin: User, query = ''): Promise<any[]> {
  const out: any[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 50; i++) {
    const r: any = await admin.api.get(`/admin/audit?limit=2${query}${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    out.push(...r.body.items);
    cursor = r.body.next_cursor;
    if (!cursor) return out;
  }
  throw new Error('the cursor never ended');
}

for (const backend of backends()) {
  describe(`server admins moderate any room, audited: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    let root: User, owner: User, alice: User, bob: User, carol: User, dave: User, mallory: User;
    let roomId: string;
    const sockets: TestSocket[] = [];
    before(async () => {
      srv = await startServer(backend);
      root = await signup(srv.url); // the first account: a server admin, and never a member of the room below
      [owner, alice, bob, carol, dave, mallory] = [
        await signup(srv.url),
        await signup(srv.url),
        await signup(srv.url),
        await signup(srv.url),
        await signup(srv.url),
        await signup(srv.url),
      ];
      roomId = await makeRoom(owner, [alice, bob, carol, dave], { type: 'private' });
    });
    after(async () => {
      for (const s of sockets) s.close();
      await srv.stop();
    });

    it('refuses everyone else, and writes nothing: outsiders get 404 for a private room, members 403, the admin routes 403', async () => {
      const msg = await send(alice.api, roomId, 'hello');
      refused(await mallory.api.delete(`/messages/${msg.id}`), 404, 'message_not_found');
      refused(await mallory.api.patch(`/rooms/${roomId}/members/${bob.id}`, { muted: true }), 404, 'room_not_found');
      refused(await mallory.api.delete(`/rooms/${roomId}/members/${carol.id}`), 404, 'room_not_found');
      refused(await mallory.api.post(`/rooms/${roomId}/bans`, { user_id: dave.id }), 404, 'room_not_found');
      refused(await bob.api.delete(`/messages/${msg.id}`), 403, 'forbidden');
      refused(await bob.api.patch(`/rooms/${roomId}/members/${carol.id}`, { muted: true }), 403, 'forbidden');
      refused(await bob.api.post(`/rooms/${roomId}/bans`, { user_id: dave.id }), 403, 'forbidden');
      refused(await mallory.api.post(`/admin/users/${alice.id}/deactivate`), 403, 'forbidden');
      refused(
        await owner.api.post(`/admin/users/${alice.id}/deactivate`, { reason: 'room owners are not server admins' }),
        403,
        'forbidden',
      );
      refused(await mallory.api.get('/admin/audit'), 403, 'forbidden');
      refused(await client(srv.url).get('/admin/audit'), 401, 'unauthenticated');
      assert.equal((await alice.api.get('/auth/me')).status, 200, 'still active');
      assert.deepEqual(await auditAll(root), [], 'nothing refused was audited');
    });

    it('a server admin who is not a member deletes a message, mutes, removes and bans in a private room (reading stays members-only), and deactivates an account; each is audited once', async () => {
      // Reading rules stay: the room's log and members are still not the admin's to read.
      refused(await root.api.get(`/rooms/${roomId}/messages`), 404, 'room_not_found');
      const msg = await send(alice.api, roomId, 'spam spam spam');
      const aliceSocket = await TestSocket.open(srv.url, { token: alice.token });
      sockets.push(aliceSocket);

      assert.equal((await root.api.delete(`/messages/${msg.id}`)).status, 204);
      const seen = await owner.api.get(`/rooms/${roomId}/messages?limit=10`);
      assert.equal(seen.body.items.find((m: any) => m.id === msg.id).content, '[deleted]');

      const muted = await root.api.patch(`/rooms/${roomId}/members/${bob.id}`, { muted: true });
      assert.equal(muted.status, 200, JSON.stringify(muted.body));
      refused(await bob.api.post(`/rooms/${roomId}/messages`, { content: 'let me speak' }), 403, 'muted');

      assert.equal((await root.api.delete(`/rooms/${roomId}/members/${carol.id}`)).status, 204);
      refused(await carol.api.get(`/rooms/${roomId}/messages`), 404, 'room_not_found');

      assert.equal((await root.api.post(`/rooms/${roomId}/bans`, { user_id: dave.id, reason: 'harassment' })).status, 204);
      const bans = await root.api.get(`/rooms/${roomId}/bans`);
      assert.deepEqual(
        bans.body.items.map((b: any) => [b.user.id, b.reason]),
        [[dave.id, 'harassment']],
      );
      refused(await owner.api.post(`/rooms/${roomId}/members`, { user_id: dave.id }), 403);

      // The owner stays out of reach: the room keeps its one owner.
      refused(await root.api.delete(`/rooms/${roomId}/members/${owner.id}`), 403, 'forbidden');
      refused(await root.api.post(`/rooms/${roomId}/bans`, { user_id: owner.id }), 403, 'forbidden');

      assert.equal((await root.api.post(`/admin/users/${alice.id}/deactivate`, { reason: 'spam account' })).status, 204);
      assert.equal((await alice.api.get('/auth/me')).status, 401, 'the token stopped at once');
      assert.equal((await aliceSocket.closed()).code, 4003, 'the socket closed: account deactivated');
      // Again: nothing to do, nothing more audited.
      assert.equal((await root.api.post(`/admin/users/${alice.id}/deactivate`)).status, 204);
      refused(await root.api.post(`/admin/users/${root.id}/deactivate`), 400, 'cannot_target_self');
      refused(await root.api.post('/admin/users/01900000-0000-7000-8000-000000000001/deactivate'), 404, 'user_not_found');

      const log = await auditAll(root);
      assert.deepEqual(
        log.map((e) => e.action),
        ['account_deactivated', 'member_banned', 'member_removed', 'member_muted', 'message_deleted'],
        'once each, newest first',
      );
      const [deactivated, banned, removed, mutedEntry, deleted] = log;
      for (const e of log) {
        assert.equal(e.actor_id, root.id);
        assert.ok(Math.abs(Date.parse(e.created_at) - Date.now()) < 60_000);
      }
      assert.deepEqual([deleted.room_id, deleted.target_user_id, deleted.target_message_id], [roomId, alice.id, msg.id]);
      assert.deepEqual([mutedEntry.room_id, mutedEntry.target_user_id, mutedEntry.details], [roomId, bob.id, { muted_until: null }]);
      assert.deepEqual([removed.room_id, removed.target_user_id, removed.reason], [roomId, carol.id, null]);
      assert.deepEqual([banned.room_id, banned.target_user_id, banned.reason], [roomId, dave.id, 'harassment']);
      assert.deepEqual(
        [deactivated.room_id, deactivated.target_user_id, deactivated.reason, deactivated.target_message_id],
        [null, alice.id, 'spam account', null],
      );

      // Filters.
      assert.equal((await auditAll(root, `&room_id=${roomId}`)).length, 4);
      assert.deepEqual(
        (await auditAll(root, '&action=member_banned')).map((e) => e.id),
        [banned.id],
      );
      assert.equal((await auditAll(root, `&actor_id=${owner.id}`)).length, 0);
    });

    it("room admins' moderation is audited too: the owner unbans, unmutes and promotes; one's own deletion and deactivation are not moderation", async () => {
      assert.equal((await owner.api.delete(`/rooms/${roomId}/bans/${dave.id}`)).status, 204);
      assert.equal((await owner.api.delete(`/rooms/${roomId}/bans/${dave.id}`)).status, 204, 'again: nothing to undo');
      assert.equal((await owner.api.patch(`/rooms/${roomId}/members/${bob.id}`, { muted: false })).status, 200);
      assert.equal((await owner.api.patch(`/rooms/${roomId}/members/${bob.id}/role`, { role: 'admin' })).status, 200);
      const own = await send(owner.api, roomId, 'my own words');
      assert.equal((await owner.api.delete(`/messages/${own.id}`)).status, 204);
      assert.equal((await mallory.api.delete('/users/me', { password: mallory.password })).status, 204);
      const byOwner = await auditAll(root, `&actor_id=${owner.id}`);
      assert.deepEqual(
        byOwner.map((e) => [e.action, e.target_user_id, e.room_id]),
        [
          ['member_role_changed', bob.id, roomId],
          ['member_unmuted', bob.id, roomId],
          ['member_unbanned', dave.id, roomId],
        ],
      );
      assert.deepEqual(byOwner[0].details, { from: 'member', to: 'admin' });
      assert.equal((await auditAll(root, `&actor_id=${mallory.id}`)).length, 0);
    });

    it('bad audit queries are 400: an unknown action, a forged cursor, a limit out of range', async () => {
      refused(await root.api.get('/admin/audit?action=nuked'), 400, 'validation_failed');
      refused(await root.api.get('/admin/audit?limit=0'), 400, 'validation_failed');
      refused(await root.api.get('/admin/audit?room_id=nope'), 400, 'validation_failed');
      refused(await root.api.get(`/admin/audit?cursor=${Buffer.from('["x"]').toString('base64url')}`), 400, 'invalid_cursor');
    });
  });
}
