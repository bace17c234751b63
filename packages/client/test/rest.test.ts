import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RoomsApiError, RoomsClient } from '../src/node.ts';
import { member, type Member, type TestServer, wsSetups } from './helpers.ts';

// Every resource of the REST API through the SDK, against a real server: typed answers, and
// failures as RoomsApiError with the server's status and code.
for (const setup of wsSetups()) {
  describe(`client REST calls: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    let admin: Member, alice: Member, bob: Member;
    before(async () => {
      srv = await setup.start({ config: { LOGIN_MAX_FAILURES: 2 } });
      admin = await member(srv.url);
      alice = await member(srv.url);
      bob = await member(srv.url);
    });
    after(() => srv.stop());

    it('auth: login (token kept), 300 to choose an account, me, ws ticket, logout everywhere; errors carry status, code and Retry-After', async () => {
      const c = new RoomsClient({ baseUrl: srv.url });
      assert.deepEqual(await c.health(), { status: 'ok' });
      assert.equal((await c.limits()).message.max, 10_000, 'the server tells its limits before sign-in');
      const res = await c.auth.login({ username: alice.username, password: alice.password });
      assert.equal(res.kind, 'session');
      assert.equal(c.token, res.kind === 'session' ? res.session.token : '');
      assert.equal((await c.auth.me()).username, alice.username);
      assert.equal(typeof (await c.auth.wsTicket()).ticket, 'string');
      const twin = new RoomsClient({ baseUrl: srv.url });
      await twin.auth.signup({ username: `${alice.username}x`, email: `${alice.username}@example.test`, password: alice.password });
      const choose = await new RoomsClient({ baseUrl: srv.url }).auth.login({
        email: `${alice.username}@example.test`,
        password: alice.password,
      });
      assert.equal(choose.kind, 'choose');
      assert.equal(choose.kind === 'choose' && choose.accounts.length, 2);
      const old = c.token;
      await c.auth.logoutAll();
      assert.notEqual(c.token, old);
      alice.client.token = c.token; // every other session of alice's is over
      await assert.rejects(new RoomsClient({ baseUrl: srv.url, token: old }).auth.me(), { status: 401, code: 'token_revoked' });
      const guess = new RoomsClient({ baseUrl: srv.url });
      await assert.rejects(guess.auth.login({ username: bob.username, password: 'wrong one' }), {
        status: 401,
        code: 'invalid_credentials',
      });
      await assert.rejects(guess.auth.login({ username: bob.username, password: 'wrong one' }), { status: 401 });
      const blocked = await guess.auth.login({ username: bob.username, password: bob.password }).catch((e: unknown) => e);
      assert.ok(blocked instanceof RoomsApiError);
      assert.equal(blocked.code, 'login_blocked');
      assert.ok(blocked.retryAfter! > 0);
      await assert.rejects(alice.client.auth.signup({ username: alice.username, email: 'a@b.test', password: 'long enough' }), {
        status: 409,
        code: 'username_taken',
      });
      await assert.rejects(new RoomsClient({ baseUrl: 'http://127.0.0.1:1' }).health(), { status: 0, code: 'network_error' });
    });

    it('sessions: the client names itself, lists my sessions, signs one out, and logout ends its own on the server', async () => {
      const laptop = new RoomsClient({ baseUrl: srv.url, clientName: 'SDK test laptop' });
      const phone = new RoomsClient({ baseUrl: srv.url, clientName: 'SDK test phone' });
      for (const c of [laptop, phone]) await c.auth.login({ username: admin.username, password: admin.password });
      const listed = await laptop.auth.sessions();
      const mine = listed.find((s) => s.current)!;
      assert.equal(mine.client, 'SDK test laptop');
      const other = listed.find((s) => s.client === 'SDK test phone')!;
      assert.equal(other.current, false);
      await laptop.auth.revokeSession(other.id);
      await assert.rejects(phone.auth.me(), { status: 401, code: 'token_revoked' });
      await assert.rejects(laptop.auth.revokeSession(other.id), { status: 404, code: 'session_not_found' });
      const token = laptop.token;
      await laptop.auth.logout();
      assert.equal(laptop.token, undefined);
      await assert.rejects(new RoomsClient({ baseUrl: srv.url, token }).auth.me(), { status: 401, code: 'token_revoked' });
    });

    it('users: profile, search, updates, follows and the block list', async () => {
      assert.equal((await alice.client.users.updateMe({ display_name: 'Alice ✨' })).display_name, 'Alice ✨');
      assert.equal((await bob.client.users.get(alice.id)).display_name, 'Alice ✨');
      assert.ok((await bob.client.users.search({ q: alice.username })).items.some((u) => u.id === alice.id));
      await bob.client.users.follow(alice.id);
      assert.deepEqual(
        (await alice.client.users.followers(alice.id)).items.map((u) => u.id),
        [bob.id],
      );
      assert.deepEqual(
        (await bob.client.users.following(bob.id, { limit: 5 })).items.map((u) => u.id),
        [alice.id],
      );
      await bob.client.users.unfollow(alice.id);
      await alice.client.users.block(bob.id);
      assert.deepEqual(
        (await alice.client.users.blocks()).items.map((u) => u.id),
        [bob.id],
      );
      await assert.rejects(bob.client.rooms.openDirect(alice.id), { status: 403, code: 'blocked' });
      await alice.client.users.unblock(bob.id);
      await assert.rejects(alice.client.users.block(alice.id), { status: 400, code: 'cannot_target_self' });
    });

    it('rooms, members, invites: create, discover, join, roles, invite codes, direct rooms', async () => {
      const room = await alice.client.rooms.create({ name: 'SDK lounge', categories: ['social'] });
      assert.equal(room.membership?.role, 'owner');
      assert.ok((await bob.client.rooms.discover({ q: 'SDK lounge' })).items.some((r) => r.id === room.id));
      assert.equal((await bob.client.rooms.join(room.id)).membership?.role, 'member');
      assert.equal((await alice.client.members.setRole(room.id, bob.id, 'admin')).role, 'admin');
      assert.equal((await alice.client.members.list(room.id)).items.length, 2);
      assert.equal((await alice.client.rooms.update(room.id, { description: 'for tests' })).description, 'for tests');
      await alice.client.rooms.setNotificationLevel(room.id, 'mentions');
      assert.equal((await alice.client.members.mute(room.id, bob.id, { muted: true })).muted, true);
      assert.equal((await admin.client.rooms.setFlags(room.id, { featured: true })).featured, true);
      await assert.rejects(alice.client.rooms.setFlags(room.id, { archived: true }), { status: 403 });
      const priv = await alice.client.rooms.create({ name: 'SDK private', type: 'private' });
      const invite = await alice.client.invites.create(priv.id, { max_uses: null });
      assert.equal((await bob.client.invites.preview(invite.code)).room.name, 'SDK private');
      assert.deepEqual(Object.keys(await bob.client.invites.accept(invite.code)).sort(), ['joined', 'room']);
      await alice.client.members.remove(priv.id, bob.id);
      await alice.client.members.ban(priv.id, bob.id, 'testing bans');
      assert.equal((await alice.client.members.bans(priv.id)).items[0]?.user.id, bob.id);
      await alice.client.members.unban(priv.id, bob.id);
      await alice.client.invites.revoke(invite.code);
      await assert.rejects(bob.client.invites.accept(invite.code), { status: 410, code: 'invite_revoked' });
      const direct = await alice.client.rooms.openDirect(bob.id);
      assert.equal(direct.created, true);
      assert.equal((await bob.client.rooms.openDirect(alice.id)).room.id, direct.room.id);
      assert.ok((await bob.client.rooms.list()).items.some((r) => r.id === direct.room.id && r.peer?.id === alice.id));
      await assert.rejects(bob.client.rooms.get(priv.id), { status: 404, code: 'room_not_found' });
      await bob.client.rooms.leave(room.id);
      await alice.client.rooms.remove(priv.id);
    });

    it('messages: send (idempotent by client_id), list, edit, react, read, pins, notifications', async () => {
      const room = await alice.client.rooms.create({ name: 'SDK talk' });
      await bob.client.rooms.join(room.id);
      const first = await alice.client.messages.send(room.id, { content: `hi @${bob.username}`, client_id: 'sdk-1' });
      assert.equal(first.created, true);
      const again = await alice.client.messages.send(room.id, { content: 'ignored', client_id: 'sdk-1' });
      assert.deepEqual([again.created, again.message.id], [false, first.message.id]);
      assert.equal((await alice.client.messages.edit(first.message.id, `hello @${bob.username}`)).edited_at !== null, true);
      assert.equal((await bob.client.messages.react(first.message.id, '👍')).reactions[0]?.count, 1);
      await bob.client.messages.unreact(first.message.id, '👍');
      assert.equal((await bob.client.messages.markRead(room.id, { message_id: first.message.id })).unread_count, 0);
      assert.deepEqual(
        (await alice.client.messages.readers(first.message.id)).items.map((r) => r.user.id),
        [bob.id],
      );
      await alice.client.messages.pin(first.message.id);
      assert.equal((await bob.client.messages.pins(room.id)).items.length, 1);
      await alice.client.messages.unpin(first.message.id);
      const page = await bob.client.messages.list(room.id, { limit: 10 });
      // Bob's join is in the room's log as a system message (issue 19), older than Alice's message.
      assert.deepEqual(
        page.items.map((m) => (m.type === 'system' ? m.content : m.id)),
        [first.message.id, 'joined'],
      );
      assert.equal((await bob.client.messages.get(first.message.id)).content, `hello @${bob.username}`);
      const notes = await bob.client.notifications.list({ unread: 'true' });
      assert.ok(notes.items.some((n) => n.type === 'mention' && n.message_id === first.message.id));
      await bob.client.notifications.markRead(notes.items[0]!.id);
      assert.equal(typeof (await bob.client.notifications.markAllRead()).marked, 'number');
      await alice.client.messages.remove(first.message.id);
      assert.equal((await bob.client.messages.get(first.message.id)).content, '[deleted]');
      await assert.rejects(alice.client.messages.send(room.id, { content: '' }), { status: 400, code: 'validation_failed' });
    });

    it('presence and broadcasts: who is online, and only server admins broadcast', async () => {
      const list = await alice.client.presence.list();
      assert.equal(list.total, list.items.length);
      assert.ok(Array.isArray((await alice.client.presence.list({ state: 'active', minutes: 5 })).items));
      await assert.rejects(alice.client.presence.list({ state: 'connected' }), { status: 400, code: 'validation_failed' });
      await assert.rejects(alice.client.presence.broadcast('hello all'), { status: 403, code: 'forbidden' });
      assert.equal(typeof (await admin.client.presence.broadcast('hello all')).delivered_to, 'number');
    });

    it('account settings: username, email, password (a fresh token), deactivation', async () => {
      const carol = await member(srv.url);
      const renamed = `${carol.username}r`;
      assert.equal((await carol.client.users.changeUsername(renamed)).username, renamed);
      assert.equal((await carol.client.users.changeEmail('carol@example.test', carol.password)).email, 'carol@example.test');
      const before = carol.client.token;
      await carol.client.users.changePassword(carol.password, 'another long password');
      assert.notEqual(carol.client.token, before);
      await assert.rejects(carol.client.users.deactivate('not it'), { status: 403, code: 'wrong_password' });
      await carol.client.users.deactivate('another long password');
      await assert.rejects(carol.client.auth.me(), { status: 401 });
    });
  });
}
