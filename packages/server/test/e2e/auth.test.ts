import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/ports/clock.ts';
import { client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { requestFrom } from '../helpers/source-ip.ts';

const pw = 'correct horse battery';

for (const backend of backends()) {
  describe(`auth over HTTP: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    const clock = new ManualClock(new Date());
    before(async () => {
      srv = await startServer(backend, { clock, config: { BLOCK_TIME: 60 } });
    });
    after(() => srv.stop());

    it('signs up: 201 with a token, the first account is a server admin, the next is not', async () => {
      const first = await signup(srv.url);
      const second = await signup(srv.url, { display_name: '  Zoë 🎉  ' });
      assert.equal(first.me.is_admin, true);
      assert.equal(second.me.is_admin, false);
      assert.equal(second.me.display_name, 'Zoë 🎉');
      assert.equal(first.me.display_name, first.username, 'display name defaults to the username');
      const me = await second.api.get('/auth/me');
      assert.equal(me.status, 200);
      assert.equal(me.body.id, second.id);
      assert.equal(me.body.password_hash, undefined);
      assert.match(me.body.created_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(me.body.id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/, 'UUIDv7');
    });

    it('refuses a duplicate username (any case) with 409 and creates nothing', async () => {
      const a = await signup(srv.url);
      const res = await client(srv.url).post('/auth/signup', { username: a.username.toUpperCase(), email: 'x@example.test', password: pw });
      assert.equal(res.status, 409);
      assert.equal(res.body.error.code, 'username_taken');
      const login = await client(srv.url).post('/auth/login', { username: a.username, password: pw });
      assert.equal(login.body.user.email, `${a.username}@example.test`);
    });

    it('logs in by username (any case) or by email; wrong password and unknown user give the same 401', async () => {
      const u = await signup(srv.url);
      const byName = await client(srv.url).post('/auth/login', { username: u.username.toUpperCase(), password: pw });
      assert.equal(byName.status, 200);
      assert.equal(byName.body.user.id, u.id);
      const byEmail = await client(srv.url).post('/auth/login', { email: `${u.username}@EXAMPLE.test`, password: pw });
      assert.equal(byEmail.status, 200);
      assert.equal(byEmail.body.user.id, u.id);
      const wrong = await client(srv.url).post(
        '/auth/login',
        { username: u.username, password: 'wrong password' },
        { 'x-forwarded-for': '10.0.0.1' },
      );
      const unknown = await client(srv.url).post('/auth/login', { username: 'nobody_here', password: 'wrong password' });
      assert.equal(wrong.status, 401);
      assert.deepEqual(wrong.body, unknown.body);
      assert.equal(unknown.body.error.code, 'invalid_credentials');
    });

    it('an email typed into the username field logs in as the email would (one field forms, the terminal prompt)', async () => {
      const u = await signup(srv.url);
      const res = await client(srv.url).post('/auth/login', { username: ` ${u.username}@Example.TEST `, password: pw });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      assert.equal(res.body.user.id, u.id);
      const wrong = await client(srv.url).post(
        '/auth/login',
        { username: `${u.username}@example.test`, password: 'wrong password' },
        { 'x-forwarded-for': '10.0.0.2' },
      );
      assert.equal(wrong.status, 401);
      assert.equal(wrong.body.error.code, 'invalid_credentials');
      const email = `shared-field-${Date.now()}@example.test`;
      await signup(srv.url, { email });
      await signup(srv.url, { email });
      assert.equal((await client(srv.url).post('/auth/login', { username: email, password: pw })).status, 300);
    });

    it('several accounts on one email: one match logs in, several answer 300 with only the matching accounts', async () => {
      const email = `shared-${Date.now()}@example.test`;
      const a = await signup(srv.url, { email });
      const b = await signup(srv.url, { email });
      const c = await signup(srv.url, { email, password: 'another password' });
      const two = await client(srv.url).post('/auth/login', { email, password: pw });
      assert.equal(two.status, 300);
      assert.deepEqual(two.body.accounts.map((x: { id: string }) => x.id).sort(), [a.id, b.id].sort());
      assert.deepEqual(Object.keys(two.body.accounts[0]).sort(), ['display_name', 'id', 'username']);
      assert.equal(two.body.token, undefined);
      const one = await client(srv.url).post('/auth/login', { email, password: 'another password' });
      assert.equal(one.status, 200);
      assert.equal(one.body.user.id, c.id);
      const none = await client(srv.url).post('/auth/login', { email, password: 'nothing matches' });
      assert.equal(none.status, 401);
    });

    it('locks a username+IP out after 3 failures (429 + Retry-After), for BLOCK_TIME, other IPs unaffected', async () => {
      const u = await signup(srv.url);
      for (let i = 0; i < 3; i++) {
        const r = await client(srv.url).post('/auth/login', { username: u.username, password: 'bad guess' });
        assert.equal(r.status, 401);
      }
      const blocked = await client(srv.url).post('/auth/login', { username: u.username, password: pw });
      assert.equal(blocked.status, 429);
      assert.equal(blocked.body.error.code, 'login_blocked');
      assert.ok(Number(blocked.headers.get('retry-after')) > 0 && Number(blocked.headers.get('retry-after')) <= 60);
      assert.equal(
        (await requestFrom('127.0.0.2', srv.url, 'POST', '/auth/login', { username: u.username, password: pw })).status,
        200,
        'another IP is not blocked',
      );
      clock.advance(59_000);
      assert.equal((await client(srv.url).post('/auth/login', { username: u.username, password: pw })).status, 429);
      clock.advance(1_001);
      assert.equal((await client(srv.url).post('/auth/login', { username: u.username, password: pw })).status, 200);
    });

    it('blocks unknown usernames the same way (the lockout reveals nothing)', async () => {
      const statuses = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await client(srv.url).post('/auth/login', { username: 'ghost_user', password: 'bad guess' })).status);
      assert.deepEqual(statuses, [401, 401, 401, 429]);
    });

    it('resets the failure count on success', async () => {
      const u = await signup(srv.url);
      const attempt = (password: string) => client(srv.url).post('/auth/login', { username: u.username, password });
      assert.deepEqual(
        [
          (await attempt('bad 1')).status,
          (await attempt('bad 2')).status,
          (await attempt(pw)).status,
          (await attempt('bad 3')).status,
          (await attempt('bad 4')).status,
          (await attempt(pw)).status,
        ],
        [401, 401, 200, 401, 401, 200],
      );
    });

    it('holds under parallel guesses: of 12 concurrent wrong logins exactly 3 are checked, the rest get 429', async () => {
      const u = await signup(srv.url);
      const results = await Promise.all(
        Array.from({ length: 12 }, (_, i) => client(srv.url).post('/auth/login', { username: u.username, password: `guess ${i}` })),
      );
      const statuses = results.map((r) => r.status).sort();
      assert.deepEqual(statuses, [...Array(3).fill(401), ...Array(9).fill(429)]);
      assert.equal((await client(srv.url).post('/auth/login', { username: u.username, password: pw })).status, 429);
    });

    it('refuses missing, malformed, forged and alg=none tokens with 401', async () => {
      const u = await signup(srv.url);
      assert.equal((await client(srv.url).get('/auth/me')).body.error.code, 'unauthenticated');
      assert.equal((await client(srv.url, 'not-a-jwt').get('/auth/me')).status, 401);
      const [h, p] = u.token.split('.');
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
      assert.equal((await client(srv.url, none).get('/auth/me')).status, 401);
      const claims = JSON.parse(Buffer.from(p!, 'base64url').toString());
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, sub: '00000000-0000-7000-8000-000000000000' })).toString('base64url')}.${u.token.split('.')[2]}`;
      assert.equal((await client(srv.url, forged).get('/auth/me')).status, 401);
    });

    it('expires tokens after 24 h', async () => {
      const u = await signup(srv.url);
      clock.advance(24 * 3600_000 - 5_000);
      assert.equal((await u.api.get('/auth/me')).status, 200);
      clock.advance(10_000);
      const res = await u.api.get('/auth/me');
      assert.equal(res.status, 401);
      assert.equal(res.body.error.code, 'token_expired');
    });

    it('logout-all revokes every other token at once and hands the caller a fresh one', async () => {
      const u = await signup(srv.url);
      const other = await client(srv.url).post('/auth/login', { username: u.username, password: pw });
      const res = await u.api.post('/auth/logout-all');
      assert.equal(res.status, 200);
      assert.notEqual(res.body.token, u.token);
      const revoked = await client(srv.url, other.body.token).get('/auth/me');
      assert.equal(revoked.status, 401);
      assert.equal(revoked.body.error.code, 'token_revoked');
      assert.equal((await u.api.get('/auth/me')).status, 401);
      assert.equal((await client(srv.url, res.body.token).get('/auth/me')).status, 200);
    });

    it('a password change revokes the other tokens; the old password stops working', async () => {
      const u = await signup(srv.url);
      const res = await u.api.put('/users/me/password', { current_password: pw, new_password: 'a brand new secret' });
      assert.equal(res.status, 200);
      assert.equal((await u.api.get('/auth/me')).body.error.code, 'token_revoked');
      assert.equal((await client(srv.url).post('/auth/login', { username: u.username, password: pw })).status, 401);
      assert.equal((await client(srv.url).post('/auth/login', { username: u.username, password: 'a brand new secret' })).status, 200);
      const same = await client(srv.url, res.body.token).put('/users/me/password', {
        current_password: 'a brand new secret',
        new_password: 'a brand new secret',
      });
      assert.equal(same.status, 409);
      const wrong = await client(srv.url, res.body.token).put('/users/me/password', {
        current_password: 'not it at all',
        new_password: 'whatever else 1',
      });
      assert.equal(wrong.status, 403);
      assert.equal(wrong.body.error.code, 'wrong_password');
    });

    it('issues one-time WebSocket tickets that expire after 30 s', async () => {
      const u = await signup(srv.url);
      const t = await u.api.post('/auth/ws-ticket');
      assert.equal(t.status, 201);
      assert.ok(t.body.ticket.length >= 32);
      assert.equal(Date.parse(t.body.expires_at) - clock.now().getTime(), 30_000);
      const accounts = srv.app.services.accounts;
      assert.equal((await accounts.redeemWsTicket(t.body.ticket, '127.0.0.1')).id, u.id);
      await assert.rejects(accounts.redeemWsTicket(t.body.ticket, '127.0.0.1'), { code: 'ticket_invalid' });
      const late = await u.api.post('/auth/ws-ticket');
      clock.advance(30_001);
      await assert.rejects(accounts.redeemWsTicket(late.body.ticket, '127.0.0.1'), { code: 'ticket_invalid' });
    });

    it('deactivation is purged by the periodic job after 30 days: username freed, shown as Deleted user', async () => {
      const u = await signup(srv.url, { bio: 'personal' });
      const fan = await signup(srv.url);
      assert.equal((await fan.api.post(`/users/${u.id}/follow`)).status, 204);
      assert.equal((await u.api.delete('/users/me', { password: 'wrong one!' })).status, 403);
      assert.equal((await u.api.delete('/users/me', { password: pw })).status, 204);
      assert.equal((await u.api.get('/auth/me')).status, 401, 'signed out everywhere');
      assert.equal((await fan.api.get(`/users/${u.id}`)).status, 404, 'hidden at once');
      clock.advance(30 * 24 * 3600_000 - 60_000);
      await srv.app.jobs.tick();
      assert.equal((await srv.app.store.users.findById(u.id))?.username, u.username, 'not purged before 30 days');
      clock.advance(120_000);
      assert.equal(await srv.app.jobs.tick(), true);
      const purged = await srv.app.store.users.findById(u.id);
      assert.equal(purged?.username, null);
      assert.equal(purged?.bio, null);
      assert.equal(purged?.email, null);
      assert.equal(purged?.display_name, 'Deleted user');
      assert.equal((await client(srv.url).post('/auth/login', { username: u.username, password: pw })).status, 401);
      const again = await client(srv.url).post('/auth/signup', { username: u.username, email: 'new@example.test', password: pw });
      assert.equal(again.status, 201, 'the username is free again');
    });

    it('logging in within 30 days cancels the deactivation', async () => {
      const u = await signup(srv.url);
      await u.api.delete('/users/me', { password: pw });
      clock.advance(29 * 24 * 3600_000);
      const back = await client(srv.url).post('/auth/login', { username: u.username, password: pw });
      assert.equal(back.status, 200);
      assert.equal(back.body.user.deactivated_at, null);
      clock.advance(2 * 24 * 3600_000);
      await srv.app.jobs.tick();
      assert.equal((await srv.app.store.users.findById(u.id))?.username, u.username);
    });
  });
}
