import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import WebSocket from 'ws';
import { ManualClock } from '../../src/ports/clock.ts';
import { addMembers, createRoom, say, signup, socketPool, TestSocket, type TestServer, wsSetups } from '../helpers/ws-suite.ts';
import { client } from '../helpers/server.ts';

/** The HTTP status an upgrade was refused with (or 101 if it was accepted). */
async function upgradeStatus(base: string, auth: Parameters<typeof TestSocket.open>[1]): Promise<number> {
  try {
    (await TestSocket.open(base, auth)).close();
    return 101;
  } catch (err) {
    const status = (err as { status?: number }).status;
    if (status === undefined) throw err;
    return status;
  }
}

for (const setup of wsSetups()) {
  describe(`WebSocket handshake and sessions: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    const clock = new ManualClock(new Date());
    const pool = socketPool();
    before(async () => {
      srv = await setup.start({ clock, config: { WS_ALLOWED_ORIGINS: 'https://app.example.com' } });
    });
    afterEach(() => pool.closeAll());
    after(() => srv.stop());

    it('accepts a token in the Authorization header or in ?token=, and says ready with the user id', async () => {
      const u = await signup(srv.url);
      const byHeader = pool.track(await TestSocket.open(srv.url, { token: u.token, header: true }));
      const byQuery = pool.track(await TestSocket.open(srv.url, { token: u.token }));
      for (const s of [byHeader, byQuery]) {
        const ready = s.ofType('ready');
        assert.equal(ready.length, 1);
        assert.equal(ready[0]!.data.user_id, u.id);
        assert.deepEqual(ready[0]!.data.rooms, []);
        assert.equal((await s.request('ping')).pong !== undefined, true);
      }
    });

    it('ready lists exactly my rooms with their last seq', async () => {
      const me = await signup(srv.url);
      const other = await signup(srv.url);
      const mine = await createRoom(me);
      await say(me, mine.id, 'one');
      await say(me, mine.id, 'two');
      const joined = await createRoom(other);
      assert.equal((await me.api.post(`/rooms/${joined.id}/join`)).status, 200);
      const added = await createRoom(other, { type: 'private' });
      await addMembers(other, added.id, me);
      await createRoom(other, { type: 'private' }); // not mine: never listed
      const listed = (await me.api.get('/rooms')).body.items as { id: string; last_seq: number }[];
      const s = pool.track(await TestSocket.open(srv.url, { token: me.token }));
      const rooms = (s.ofType('ready')[0]!.data.rooms as { room_id: string; last_seq: number }[]).toSorted((a, b) =>
        a.room_id.localeCompare(b.room_id),
      );
      assert.deepEqual(
        rooms,
        listed.map((r) => ({ room_id: r.id, last_seq: r.last_seq })).toSorted((a, b) => a.room_id.localeCompare(b.room_id)),
      );
      assert.equal(rooms.length, 3);
      assert.equal(rooms.find((r) => r.room_id === mine.id)?.last_seq, 3, 'user_joined + two messages');
      assert.equal(rooms.find((r) => r.room_id === joined.id)?.last_seq, 3, 'user_joined of the owner and of me, and "me joined"');
    });

    it('redeems a one-time ticket once; a second use and an expired ticket are refused with 401', async () => {
      const u = await signup(srv.url);
      const issued = await u.api.post('/auth/ws-ticket');
      assert.equal(issued.status, 201);
      const s = pool.track(await TestSocket.open(srv.url, { ticket: issued.body.ticket }));
      assert.equal(s.ofType('ready')[0]!.data.user_id, u.id);
      assert.equal(await upgradeStatus(srv.url, { ticket: issued.body.ticket }), 401, 'second use');

      const late = await u.api.post('/auth/ws-ticket');
      const inTime = await u.api.post('/auth/ws-ticket');
      clock.advance(29_000);
      assert.equal(await upgradeStatus(srv.url, { ticket: inTime.body.ticket }), 101, 'still valid at 29 s');
      clock.advance(2_000);
      assert.equal(await upgradeStatus(srv.url, { ticket: late.body.ticket }), 401, 'expired at 31 s');
      assert.equal(await upgradeStatus(srv.url, { ticket: 'made-up-ticket' }), 401);
    });

    it('a ticket dies with the session that minted it, and its socket closes at the next revocation', async () => {
      const u = await signup(srv.url);
      const minted = await u.api.post('/auth/ws-ticket');
      const changed = await u.api.put('/users/me/password', { current_password: u.password, new_password: 'a brand new secret' });
      assert.equal(changed.status, 200);
      assert.equal(await upgradeStatus(srv.url, { ticket: minted.body.ticket }), 401, 'minted before the password change');

      const fresh = await client(srv.url, changed.body.token).post('/auth/ws-ticket');
      const s = pool.track(await TestSocket.open(srv.url, { ticket: fresh.body.ticket }));
      assert.equal(s.ofType('ready')[0]!.data.user_id, u.id);
      const again = await client(srv.url, changed.body.token).put('/users/me/password', {
        current_password: 'a brand new secret',
        new_password: 'yet another secret',
      });
      assert.equal(again.status, 200);
      assert.equal((await s.closed()).code, 4001, 'the ticket-opened socket is closed with its session');
    });

    it('refuses the upgrade with 401 without a token, with a bad, a revoked or an expired one', async () => {
      const u = await signup(srv.url);
      assert.equal(await upgradeStatus(srv.url, {}), 401);
      assert.equal(await upgradeStatus(srv.url, { token: 'not-a-jwt' }), 401);
      assert.equal(await upgradeStatus(srv.url, { token: `${u.token.slice(0, -2)}xx`, header: true }), 401, 'bad signature');
      const fresh = await u.api.post('/auth/logout-all');
      assert.equal(await upgradeStatus(srv.url, { token: u.token }), 401, 'revoked by logout-all');
      assert.equal(await upgradeStatus(srv.url, { token: fresh.body.token }), 101);
      clock.advance(24 * 3600 * 1000 + 1000);
      assert.equal(await upgradeStatus(srv.url, { token: fresh.body.token, header: true }), 401, 'expired');
    });

    it('refuses an Origin from another site with 403; same origin and configured origins are accepted', async () => {
      const u = await signup(srv.url);
      assert.equal(await upgradeStatus(srv.url, { token: u.token, origin: 'https://evil.example' }), 403);
      assert.equal(await upgradeStatus(srv.url, { token: u.token, origin: 'https://app.example.com.evil.example' }), 403);
      assert.equal(await upgradeStatus(srv.url, { token: u.token, origin: 'null' }), 403);
      assert.equal(await upgradeStatus(srv.url, { token: u.token, origin: srv.url }), 101, 'same origin');
      assert.equal(await upgradeStatus(srv.url, { token: u.token, origin: 'https://app.example.com' }), 101, 'allowed origin');
      assert.equal(await upgradeStatus(srv.url, { token: u.token }), 101, 'no Origin: not a browser');
    });

    it('answers other paths with 404, before authenticating', async () => {
      const ws = new WebSocket(`${srv.url.replace(/^http/, 'ws')}/wsx`);
      const status = await new Promise<number>((resolve, reject) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => reject(new Error('upgraded')));
        ws.once('error', reject);
      });
      assert.equal(status, 404);
    });

    it('a password change closes every socket of the account with 4001; other accounts stay connected', async () => {
      const u = await signup(srv.url);
      const bystander = await signup(srv.url);
      const a = pool.track(await TestSocket.open(srv.url, { token: u.token }));
      const b = pool.track(await TestSocket.open(srv.url, { token: u.token, header: true }));
      const other = pool.track(await TestSocket.open(srv.url, { token: bystander.token }));
      const res = await u.api.put('/users/me/password', { current_password: u.password, new_password: 'a brand new password' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      for (const s of [a, b]) assert.equal((await s.closed()).code, 4001);
      assert.match(a.closeReason, /revoked/);
      assert.ok((await other.request('ping')).pong);
      const again = pool.track(await TestSocket.open(srv.url, { token: res.body.token }));
      assert.ok((await again.request('ping')).pong, 'the new token connects');
    });

    it('POST /auth/logout-all closes the account’s sockets with 4001, including the caller’s', async () => {
      const u = await signup(srv.url);
      const s = pool.track(await TestSocket.open(srv.url, { token: u.token }));
      const fresh = await u.api.post('/auth/logout-all');
      assert.equal(fresh.status, 200);
      assert.deepEqual(await s.closed(), { code: 4001, reason: s.closeReason });
      const next = pool.track(await TestSocket.open(srv.url, { token: fresh.body.token }));
      assert.ok((await next.request('ping')).pong, 'a socket opened with the new token is not closed');
    });

    it('deactivation closes the account’s sockets with 4003 and its token no longer connects', async () => {
      const u = await signup(srv.url);
      const s = pool.track(await TestSocket.open(srv.url, { token: u.token }));
      const res = await u.api.delete('/users/me', { password: u.password });
      assert.equal(res.status, 204, JSON.stringify(res.body));
      assert.equal((await s.closed()).code, 4003);
      assert.equal(await upgradeStatus(srv.url, { token: u.token }), 401);
    });
  });
}
