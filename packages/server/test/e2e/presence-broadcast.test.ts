import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { assertRefused } from '../helpers/assertions.ts';
import { client } from '../helpers/server.ts';
import { type Frame, signup, sleep, socketPool, TestSocket, type TestServer, type User, wsSetups } from '../helpers/ws-suite.ts';

const names = (body: { items: { user: { username: string } }[] }) => body.items.map((e) => e.user.username);
const sessionOf = (type: string, userId: string) => (f: Frame) => f.type === type && f.data.user.id === userId;

for (const setup of wsSetups()) {
  describe(`presence listings, logins and broadcasts: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    let admin: User;
    const pool = socketPool();
    before(async () => {
      srv = await setup.start({ config: { MESSAGE_RATE_LIMIT: 3, MESSAGE_RATE_WINDOW: 60 } });
      admin = await signup(srv.url); // the first account of a fresh server is its admin
    });
    afterEach(() => pool.closeAll());
    after(() => srv.stop());

    it('GET /presence needs a token and valid parameters: minutes (1-60) with connected/active only', async () => {
      assertRefused(await client(srv.url).get('/presence'), 401, 'unauthenticated');
      for (const q of [
        'state=connected',
        'state=active',
        'state=online&minutes=5',
        'state=connected&minutes=0',
        'state=active&minutes=61',
        'state=later',
        'limit=0',
      ]) {
        assertRefused(await admin.api.get(`/presence?${q}`), 400, 'validation_failed');
      }
    });

    it('who is online: users with a live socket, sorted by username, with when they connected and were last active', async () => {
      const [zed, amy, off] = [
        await signup(srv.url, { username: `zz${Date.now() % 1e6}` }),
        await signup(srv.url, { username: `aa${Date.now() % 1e6}` }),
        await signup(srv.url),
      ];
      await pool.connect(srv, zed);
      await pool.connect(srv, amy);
      const res = await off.api.get('/presence');
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const listed = names(res.body);
      assert.ok(listed.includes(zed.username) && listed.includes(amy.username));
      assert.ok(!listed.includes(off.username), 'no socket, not online');
      assert.ok(listed.indexOf(amy.username) < listed.indexOf(zed.username), 'sorted by username');
      assert.equal(res.body.total, res.body.items.length);
      const entry = res.body.items.find((e: { user: { id: string } }) => e.user.id === amy.id);
      assert.equal(entry.status, 'online');
      assert.ok(Math.abs(Date.parse(entry.connected_at) - Date.now()) < 10_000);
      assert.ok(Date.parse(entry.last_active) >= Date.parse(entry.connected_at));
      assert.equal((await off.api.get('/presence?limit=1')).body.items.length, 1);
    });

    it('last N and active N: users who connected or were active within N minutes stay listed after they leave; others never are', async () => {
      const [was, never] = [await signup(srv.url), await signup(srv.url)];
      const s = await pool.connect(srv, was);
      s.close();
      await s.closed();
      for (const state of ['connected', 'active']) {
        const res = await never.api.get(`/presence?state=${state}&minutes=1`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(names(res.body).includes(was.username), `${state}: listed`);
        assert.ok(!names(res.body).includes(never.username), `${state}: never connected`);
      }
    });

    it('deactivated accounts never appear', async () => {
      const gone = await signup(srv.url);
      await pool.connect(srv, gone);
      assert.equal((await gone.api.delete('/users/me', { password: gone.password })).status, 204);
      for (const q of ['', '?state=connected&minutes=5', '?state=active&minutes=5'])
        assert.ok(!names((await admin.api.get(`/presence${q}`)).body).includes(gone.username), q);
    });

    it('logging in and out is announced to every terminal session online, strangers included, never to the user', async () => {
      const watcher = await signup(srv.url);
      const webUser = await signup(srv.url);
      const comer = await signup(srv.url);
      const ws = pool.track(
        await TestSocket.open(srv.url, { token: watcher.token, query: { client: 'terminal' }, first: { type: 'ping', id: 'p' } }),
      );
      // A web client (no ?client=terminal) hears about co-members' presence only.
      const web = await pool.connect(srv, webUser);
      const first = await pool.connect(srv, comer);
      const online = await ws.next(sessionOf('user_online', comer.id));
      assert.equal(online.data.user.username, comer.username);
      assert.equal(typeof online.data.at, 'string');
      const second = await pool.connect(srv, comer);
      first.close();
      second.close();
      const closedAt = Date.now();
      await ws.next(sessionOf('user_offline', comer.id), 10_000);
      assert.ok(Date.now() - closedAt >= 4000, 'after the reconnect grace');
      assert.equal(ws.frames.filter(sessionOf('user_online', comer.id)).length, 1, 'a second socket is not a second login');
      assert.deepEqual([...first.frames, ...second.frames].filter(sessionOf('user_online', comer.id)), []);
      assert.deepEqual(
        web.frames.filter((f) => f.type === 'user_online' || f.type === 'user_offline'),
        [],
        'only terminal sessions ask for login notices',
      );
    });

    it('broadcast: server admins reach every online user (themselves included) once; others get 403; nothing is stored', async () => {
      const [a, b, offline] = [await signup(srv.url), await signup(srv.url), await signup(srv.url)];
      const sockets = [await pool.connect(srv, admin), await pool.connect(srv, a), await pool.connect(srv, b)];
      assertRefused(await a.api.post('/broadcasts', { content: 'not an admin' }), 403, 'forbidden');
      assertRefused(await admin.api.post('/broadcasts', { content: '   ' }), 400, 'validation_failed', 'body.content');
      const res = await admin.api.post('/broadcasts', { content: 'Maintenance at 18:00 🔧' });
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const online = (await admin.api.get('/presence')).body.total;
      assert.equal(res.body.delivered_to, online);
      for (const s of sockets) {
        const f = await s.next((x) => x.type === 'broadcast');
        assert.equal(f.data.content, 'Maintenance at 18:00 🔧');
        assert.equal(f.data.from.id, admin.id);
        assert.equal(f.room_id, undefined);
      }
      await sleep(100);
      for (const s of sockets) assert.equal(s.ofType('broadcast').length, 1);
      const later = await pool.connect(srv, offline);
      await sleep(100);
      assert.deepEqual(later.ofType('broadcast'), [], 'not replayed to those who come later');
    });

    it("broadcasts count against the sender's message rate limit", async () => {
      let last;
      for (let i = 0; i < 4; i++) last = await admin.api.post('/broadcasts', { content: `tick ${i}` });
      assertRefused(last!, 429, 'rate_limited');
      assert.ok(Number(last!.headers.get('retry-after')) > 0);
    });
  });

  describe(`terminal sessions and TIME_OUT: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    let user: User;
    const pool = socketPool();
    before(async () => {
      srv = await setup.start({ config: { TIME_OUT: 1 } });
      user = await signup(srv.url);
    });
    afterEach(() => pool.closeAll());
    after(() => srv.stop());

    const terminal = async () => pool.track(await TestSocket.open(srv.url, { token: user.token, query: { client: 'terminal' } }));

    it('a terminal session that sends nothing for TIME_OUT is closed with 4010 and a reason', async () => {
      const s = await terminal();
      const opened = Date.now();
      const { code, reason } = await s.closed(5000);
      assert.equal(code, 4010);
      assert.match(reason, /^idle for 1 s without input \(TIME_OUT\)$/);
      const after = Date.now() - opened;
      assert.ok(after >= 900 && after < 3000, `closed after ${after} ms`);
    });

    it('every client frame restarts the clock; other clients are never timed out', async () => {
      const term = await terminal();
      const web = await pool.connect(srv, user);
      for (let i = 0; i < 5; i++) {
        await sleep(400);
        await term.request('ping');
      }
      assert.equal(term.closeCode, undefined, 'alive after 2 s of input every 0.4 s');
      await sleep(1500);
      assert.equal(term.closeCode, 4010);
      assert.equal(web.closeCode, undefined, 'a socket without ?client=terminal has no idle timeout');
    });
  });
}
