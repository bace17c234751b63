import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { client, signup, startServer, TEST_SETUP_TOKEN, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { requestFrom } from '../helpers/source-ip.ts';
import { blockThreadPool, within } from '../helpers/thread-pool.ts';

const pw = 'correct horse battery';
const name = (prefix: string) => `${prefix}_${randomBytes(4).toString('hex')}`;

/** The defaults a real server runs with, which the test servers raise (RELAXED_LIMITS). */
const REAL_LIMITS = { LOGIN_IP_LIMIT: 30, SIGNUP_IP_LIMIT: 10, PASSWORD_HASH_QUEUE: 16, REFUSAL_DELAY_MS: 1000 };

/** Signs up from a source address of its own (sign-ups are limited per IP). */
async function signupFrom(srv: TestServer, ip: string, over: Record<string, unknown> = {}) {
  const username = (over.username as string | undefined) ?? name('u');
  const res = await requestFrom(ip, srv.url, 'POST', '/auth/signup', {
    username,
    email: `${username}@example.test`,
    password: pw,
    ...over,
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return { id: res.body.user.id as string, username, token: res.body.token as string };
}

for (const backend of backends()) {
  const skip = !backend.available && 'TEST_DATABASE_URL not set';

  describe(`sign-up rules: ${backend.name}`, { skip }, () => {
    let invite: TestServer;
    let closed: TestServer;
    before(async () => {
      invite = await startServer(backend, { config: { SIGNUP: 'invite' } });
      closed = await startServer(backend, { config: { SIGNUP: 'closed' } });
    });
    after(async () => {
      await invite?.stop();
      await closed?.stop();
    });

    it('SIGNUP=invite: the first account needs only the setup token; then sign-up needs a live invite, uses it and joins its room', async () => {
      const owner = await signup(invite.url);
      assert.equal(owner.me.is_admin, true);
      const room = (await owner.api.post('/rooms', { name: 'invite-only club', type: 'private' })).body;
      const code = (await owner.api.post(`/rooms/${room.id}/invites`, { max_uses: 1 })).body.code as string;
      const body = (username: string, extra: Record<string, unknown> = {}) => ({
        username,
        email: `${username}@example.test`,
        password: pw,
        ...extra,
      });
      const anon = client(invite.url);

      const bare = await anon.post('/auth/signup', body('newcomer'));
      assert.equal(bare.status, 403);
      assert.equal(bare.body.error.code, 'invite_required');
      const unknown = await anon.post('/auth/signup', body('newcomer', { invite_code: 'nosuchcode' }));
      assert.equal(unknown.status, 404);
      assert.equal(unknown.body.error.code, 'invite_not_found');

      const joined = await anon.post('/auth/signup', body('newcomer', { invite_code: code.toUpperCase() }));
      assert.equal(joined.status, 201);
      const rooms = (await client(invite.url, joined.body.token).get('/rooms')).body.items as { id: string }[];
      assert.deepEqual(
        rooms.map((r) => r.id),
        [room.id],
        "the new account is a member of the invite's room",
      );

      const usedUp = await anon.post('/auth/signup', body('latecomer', { invite_code: code }));
      assert.equal(usedUp.status, 410);
      assert.equal(usedUp.body.error.code, 'invite_used_up');
      assert.equal(
        (await anon.post('/auth/login', { username: 'latecomer', password: pw })).status,
        401,
        'a refused sign-up creates nothing',
      );
    });

    it('SIGNUP=closed: after the first account nobody signs up; an admin makes accounts', async () => {
      const owner = await signup(closed.url);
      assert.equal(owner.me.is_admin, true);
      const res = await client(closed.url).post('/auth/signup', {
        username: 'walkin',
        email: 'walkin@example.test',
        password: pw,
        setup_token: TEST_SETUP_TOKEN,
      });
      assert.equal(res.status, 403);
      assert.equal(res.body.error.code, 'signup_closed');
      assert.equal((await client(closed.url).post('/auth/login', { username: 'walkin', password: pw })).status, 401);
      const made = await closed.app.services.accounts.createAccount({ username: 'walkin', email: 'walkin@example.test', password: pw });
      assert.equal(made.user.username, 'walkin');
    });
  });

  describe(`login and sign-up floods: ${backend.name}`, { skip }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer(backend, { config: { ...REAL_LIMITS, LOGIN_IP_LIMIT: 5, SIGNUP_IP_LIMIT: 3, LOGIN_EMAIL_MAX_ACCOUNTS: 3 } });
      await signupFrom(srv, '127.0.1.1', { setup_token: TEST_SETUP_TOKEN });
    });
    after(() => srv?.stop());

    it('one address gets LOGIN_IP_LIMIT login attempts, whatever names it types; another address is not affected', async () => {
      const u = await signupFrom(srv, '127.0.2.9');
      for (let i = 0; i < 5; i++) {
        assert.equal(
          (await requestFrom('127.0.2.1', srv.url, 'POST', '/auth/login', { username: name('nobody'), password: pw })).status,
          401,
        );
      }
      const refusedAt = performance.now();
      const sixth = await requestFrom('127.0.2.1', srv.url, 'POST', '/auth/login', { username: u.username, password: pw });
      assert.equal(sixth.status, 429);
      // Held a second (REFUSAL_DELAY_MS): a client retrying at once cannot turn refusals into a flood.
      assert.ok(performance.now() - refusedAt >= 950, `the refusal was held: ${Math.round(performance.now() - refusedAt)} ms`);
      assert.equal(sixth.body.error.code, 'rate_limited');
      assert.ok(Number(sixth.headers.get('retry-after')) >= 1);
      assert.equal((await requestFrom('127.0.2.2', srv.url, 'POST', '/auth/login', { username: u.username, password: pw })).status, 200);
    });

    it('one address gets SIGNUP_IP_LIMIT sign-ups; the next is 429 and creates nothing', async () => {
      for (let i = 0; i < 3; i++) await signupFrom(srv, '127.0.3.1');
      const fourth = await requestFrom('127.0.3.1', srv.url, 'POST', '/auth/signup', {
        username: 'fourth_one',
        email: 'f@example.test',
        password: pw,
      });
      assert.equal(fourth.status, 429);
      assert.equal(fourth.body.error.code, 'rate_limited');
      assert.equal((await requestFrom('127.0.3.2', srv.url, 'POST', '/auth/login', { username: 'fourth_one', password: pw })).status, 401);
      await signupFrom(srv, '127.0.3.2', { username: 'fourth_one' });
    });

    it('the lockout counts failures per account, whether the username or the email was typed', async () => {
      const u = await signupFrom(srv, '127.0.4.9');
      const email = `${u.username}@example.test`;
      const attempt = (body: Record<string, string>) => requestFrom('127.0.4.1', srv.url, 'POST', '/auth/login', body);
      assert.equal((await attempt({ username: u.username, password: 'wrong guess 1' })).status, 401);
      assert.equal((await attempt({ email, password: 'wrong guess 2' })).status, 401);
      assert.equal((await attempt({ username: u.username, password: 'wrong guess 3' })).status, 401);
      const blocked = await attempt({ email, password: pw });
      assert.equal(blocked.status, 429, 'three failures, by either identifier, block the account from that address');
      assert.equal(blocked.body.error.code, 'login_blocked');
      assert.equal(
        (await requestFrom('127.0.4.2', srv.url, 'POST', '/auth/login', { email, password: pw })).status,
        200,
        'not from another address',
      );
    });

    it('a login by email checks at most LOGIN_EMAIL_MAX_ACCOUNTS accounts, the most recently seen first', async () => {
      const email = `shared-${randomBytes(3).toString('hex')}@example.test`;
      const accounts = [];
      for (let i = 0; i < 5; i++) accounts.push(await signupFrom(srv, `127.0.5.${i + 1}`, { email }));
      for (const seen of [accounts[0]!, accounts[3]!]) {
        assert.equal(
          (await requestFrom('127.0.5.9', srv.url, 'POST', '/auth/login', { username: seen.username, password: pw })).status,
          200,
        );
      }
      const res = await requestFrom('127.0.5.10', srv.url, 'POST', '/auth/login', { email, password: pw });
      assert.equal(res.status, 300);
      const offered = (res.body.accounts as { id: string }[]).map((a) => a.id);
      assert.equal(offered.length, 3);
      assert.deepEqual(offered.slice(0, 2).toSorted(), [accounts[0]!.id, accounts[3]!.id].toSorted());
    });
  });

  describe(`password hashing has a bounded line: ${backend.name}`, { skip }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer(backend, {
        config: { ...REAL_LIMITS, BCRYPT_COST: 12, PASSWORD_HASH_CONCURRENCY: 1, PASSWORD_HASH_QUEUE: 2 },
      });
    });
    after(() => srv?.stop());

    it('logins past the line are refused at once with 503 server_busy and a Retry-After; the others succeed', async () => {
      const u = await signup(srv.url);
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          requestFrom(`127.0.6.${i + 1}`, srv.url, 'POST', '/auth/login', { username: u.username, password: pw }),
        ),
      );
      const statuses = answers.map((a) => a.status);
      const shed = answers.filter((a) => a.status === 503);
      assert.ok(shed.length >= 1, `some were shed: ${statuses.join(',')}`);
      assert.ok(statuses.filter((s) => s === 200).length >= 3, `one running and two waiting got through: ${statuses.join(',')}`);
      assert.ok(
        statuses.every((s) => s === 200 || s === 503),
        statuses.join(','),
      );
      for (const a of shed) {
        assert.equal(a.body.error.code, 'server_busy');
        assert.ok(Number(a.headers.get('retry-after')) >= 1);
      }
      // A shed attempt was never checked: it does not count towards the account's lockout.
      assert.equal((await requestFrom('127.0.6.1', srv.url, 'POST', '/auth/login', { username: u.username, password: pw })).status, 200);
    });
  });

  describe(`token checks never wait for the thread pool: ${backend.name}`, { skip }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer(backend);
    });
    after(() => srv?.stop());

    it('GET /auth/me answers while every libuv thread is busy (as bcrypt keeps them under a login flood)', async () => {
      const u = await signup(srv.url);
      const pool = blockThreadPool();
      try {
        const me = await within(5000, 'GET /auth/me', u.api.get('/auth/me'));
        assert.equal(me.status, 200);
        assert.equal(pool.done(), 0, 'the token was checked while every pool thread was busy');
      } finally {
        await pool.release();
      }
    });
  });
}
