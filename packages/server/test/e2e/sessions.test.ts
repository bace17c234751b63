import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/ports/clock.ts';
import { client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { TestSocket } from '../helpers/ws.ts';

const FIREFOX = 'Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0';
const IPHONE =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1';

for (const backend of backends()) {
  describe(`sessions: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    const clock = new ManualClock(new Date());
    const sockets: TestSocket[] = [];
    before(async () => {
      srv = await startServer(backend, { clock });
    });
    after(async () => {
      for (const s of sockets) s.close();
      await srv.stop();
    });

    const login = async (username: string, password: string, headers: Record<string, string> = {}) => {
      const res = await client(srv.url).post('/auth/login', { username, password }, headers);
      assert.equal(res.status, 200, JSON.stringify(res.body));
      return res.body.token as string;
    };
    const open = async (token: string) => {
      const s = await TestSocket.open(srv.url, { token });
      sockets.push(s);
      return s;
    };

    it('lists my sessions: client, device, IP, created, last used, the current one marked', async () => {
      const u = await signup(srv.url);
      const laptop = await login(u.username, u.password, { 'user-agent': FIREFOX, 'x-forwarded-for': '10.1.1.1' });
      const phone = await login(u.username, u.password, { 'user-agent': IPHONE, 'x-rooms-client': 'Rooms iOS 2.1' });
      const list = await client(srv.url, laptop).get('/auth/sessions');
      assert.equal(list.status, 200);
      assert.equal(list.body.sessions.length, 3, 'sign-up, laptop and phone');
      const mine = list.body.sessions.filter((s: { current: boolean }) => s.current);
      assert.equal(mine.length, 1);
      assert.equal(mine[0].device, 'Firefox on Linux');
      const other = list.body.sessions.find((s: { client: string | null }) => s.client === 'Rooms iOS 2.1');
      assert.equal(other.device, 'Safari on iOS');
      assert.equal(other.current, false);
      assert.equal(typeof other.ip, 'string');
      for (const s of list.body.sessions) {
        assert.match(s.created_at, /^\d{4}-\d\d-\d\dT/);
        assert.match(s.last_used_at, /^\d{4}-\d\d-\d\dT/);
        assert.ok(Date.parse(s.expires_at) > Date.parse(s.created_at));
      }
      assert.equal(
        (await client(srv.url, phone).get('/auth/sessions')).body.sessions.find((s: { current: boolean }) => s.current).id,
        other.id,
      );
      // Another account's sessions are not mine to see.
      const stranger = await signup(srv.url);
      assert.equal((await stranger.api.get('/auth/sessions')).body.sessions.length, 1);
    });

    it("POST /auth/logout ends this token's session on the server: the token stops at once, its socket closes, the other sessions go on", async () => {
      const u = await signup(srv.url);
      const other = await login(u.username, u.password);
      const socket = await open(u.token);
      const otherSocket = await open(other);
      const res = await u.api.post('/auth/logout');
      assert.equal(res.status, 204);
      const me = await u.api.get('/auth/me');
      assert.equal(me.status, 401);
      assert.equal(me.body.error.code, 'token_revoked');
      const closed = await socket.closed();
      assert.equal(closed.code, 4001);
      assert.match(closed.reason, /revoked/);
      assert.equal((await client(srv.url, other).get('/auth/me')).status, 200);
      assert.equal(otherSocket.closeCode, undefined, "the other session's socket stays open");
      assert.equal((await client(srv.url, other).get('/auth/sessions')).body.sessions.length, 1);
      // A ticket the ended session minted is of no use either.
      const u2 = await signup(srv.url);
      const ticket = await u2.api.post('/auth/ws-ticket');
      assert.equal((await u2.api.post('/auth/logout')).status, 204);
      await assert.rejects(TestSocket.open(srv.url, { ticket: ticket.body.ticket }), /401/);
    });

    it('DELETE /auth/sessions/:id signs that session out (token and socket at once); not mine or unknown: 404', async () => {
      const u = await signup(srv.url);
      const phone = await login(u.username, u.password, { 'user-agent': IPHONE });
      const ticket = await client(srv.url, phone).post('/auth/ws-ticket');
      const phoneSocket = await TestSocket.open(srv.url, { ticket: ticket.body.ticket });
      sockets.push(phoneSocket);
      const list = await u.api.get('/auth/sessions');
      const target = list.body.sessions.find((s: { current: boolean }) => !s.current);
      const stranger = await signup(srv.url);
      const notMine = await stranger.api.delete(`/auth/sessions/${target.id}`);
      assert.equal(notMine.status, 404);
      assert.equal(notMine.body.error.code, 'session_not_found');
      assert.equal((await client(srv.url, phone).get('/auth/me')).status, 200, 'a stranger cannot end it');

      assert.equal((await u.api.delete(`/auth/sessions/${target.id}`)).status, 204);
      assert.equal((await client(srv.url, phone).get('/auth/me')).body.error.code, 'token_revoked');
      assert.equal((await phoneSocket.closed()).code, 4001);
      assert.equal((await u.api.get('/auth/me')).status, 200, 'mine goes on');
      assert.equal((await u.api.delete(`/auth/sessions/${target.id}`)).status, 404, 'already ended');
      assert.equal((await u.api.delete('/auth/sessions/not-an-id')).status, 400);
    });

    it('log out everywhere keeps only the caller (with a fresh token for the same session); a password change too', async () => {
      const u = await signup(srv.url);
      await login(u.username, u.password);
      const before = (await u.api.get('/auth/sessions')).body.sessions.find((s: { current: boolean }) => s.current);
      const fresh = await u.api.post('/auth/logout-all');
      assert.equal(fresh.status, 200);
      const after = (await client(srv.url, fresh.body.token).get('/auth/sessions')).body.sessions;
      assert.deepEqual(
        after.map((s: { id: string; current: boolean }) => [s.id, s.current]),
        [[before.id, true]],
      );
      await login(u.username, u.password);
      const changed = await client(srv.url, fresh.body.token).put('/users/me/password', {
        current_password: u.password,
        new_password: 'a brand new secret',
      });
      assert.equal(changed.status, 200);
      assert.deepEqual(
        (await client(srv.url, changed.body.token).get('/auth/sessions')).body.sessions.map((s: { id: string }) => s.id),
        [before.id],
      );
    });

    it('last use is recorded to the minute, written together (not once per request), and survives a restart', async () => {
      const u = await signup(srv.url);
      const first = (await u.api.get('/auth/sessions')).body.sessions[0];
      clock.advance(30_000);
      for (let i = 0; i < 5; i++) await u.api.get('/auth/me');
      await srv.stopApp(); // writes what is due
      await srv.startApp();
      assert.equal(
        (await u.api.get('/auth/sessions')).body.sessions[0].last_used_at,
        first.last_used_at,
        'within the minute: not rewritten',
      );
      clock.advance(60_000);
      for (let i = 0; i < 5; i++) await u.api.get('/auth/me');
      await srv.stopApp();
      await srv.startApp();
      const later = (await u.api.get('/auth/sessions')).body.sessions[0];
      assert.equal(later.last_used_at, clock.now().toISOString());
      assert.equal(later.created_at, first.created_at);
    });

    it('an expired session is gone from the list, and its token is refused', async () => {
      const u = await signup(srv.url);
      clock.advance(24 * 3600_000 + 1000);
      assert.equal((await u.api.get('/auth/me')).status, 401);
      const again = await login(u.username, u.password);
      assert.equal((await client(srv.url, again).get('/auth/sessions')).body.sessions.length, 1);
    });
  });
}
