import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { spawnServer, type LogLine, type ServerProcess } from '../helpers/processes.ts';
import { client, signup, TEST_SETUP_TOKEN } from '../helpers/server.ts';
import { tempDir } from '../helpers/services.ts';
import { openStore } from '../../src/store/sql/open.ts';

// `npm start` as an operator runs it: the real entry point in its own process, embedded mode.
const BASE_ENV = { PORT: '0', HOST: '127.0.0.1', BCRYPT_COST: '10', SETUP_TOKEN: TEST_SETUP_TOKEN };

const reqUrl = (l: LogLine): string | undefined => (l.req as { url?: string } | undefined)?.url;
const isIncoming = (url: string) => (l: LogLine) => l.msg === 'incoming request' && reqUrl(l) === url;

describe('the server as a process (embedded mode)', () => {
  const procs: ServerProcess[] = [];
  const dirs: ReturnType<typeof tempDir>[] = [];
  const boot = (dataDir: string, env: Record<string, string> = {}) => {
    const p = spawnServer({ ...BASE_ENV, DATA_DIR: dataDir, ...env });
    procs.push(p);
    return p;
  };
  const freshDir = () => {
    const d = tempDir('rooms-process-');
    dirs.push(d);
    return d.path;
  };
  after(async () => {
    for (const p of procs) await p.stop('SIGKILL');
    for (const d of dirs) d.remove();
  });

  it('boots with the embedded defaults: SQLite file (0600) in DATA_DIR, healthz and readyz 200', async () => {
    const dir = freshDir();
    const srv = boot(dir);
    const url = await srv.listening();
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const listening = srv.logs().find((l) => l.address === url)!;
    assert.equal(listening.database, 'sqlite');
    assert.equal(listening.redis, false);

    assert.ok(existsSync(join(dir, 'rooms.sqlite')), 'the SQLite file is created in DATA_DIR');
    assert.equal(statSync(join(dir, 'rooms.sqlite')).mode & 0o777, 0o600);
    const health = await client(url).get('/healthz');
    assert.equal(health.status, 200);
    const ready = await client(url).get('/readyz');
    assert.equal(ready.status, 200);
    assert.deepEqual(ready.body, { status: 'ready' });

    assert.equal((await srv.stop()).code, 0);
  });

  it('SIGTERM lets in-flight requests finish (every signup gets its 201), then exits 0 with "shutdown complete"', async () => {
    // Eight sign-ups at once from one address: more than the password line lets one client queue
    // by default (a quarter of PASSWORD_HASH_QUEUE); this test is about shutdown, not that bound.
    const srv = boot(freshDir(), { PASSWORD_HASH_QUEUE: '64' });
    const url = await srv.listening();
    const n = 8;
    const requests = Array.from({ length: n }, (_, i) =>
      client(url).post('/auth/signup', {
        username: `graceful_${i}`,
        email: `g${i}@example.test`,
        password: 'correct horse battery',
        setup_token: TEST_SETUP_TOKEN,
      }),
    );
    await srv.waitForLog(isIncoming('/auth/signup'), { count: n });
    srv.child.kill('SIGTERM');

    const answers = await Promise.all(requests);
    assert.deepEqual(
      answers.map((a) => a.status),
      Array(n).fill(201),
    );
    for (const a of answers) assert.equal(typeof a.body.token, 'string');
    const exit = await srv.exited;
    assert.equal(exit.code, 0, srv.stderr());

    const msgs = srv.logs().map((l) => l.msg);
    const shuttingDown = msgs.indexOf('shutting down: finishing in-flight requests');
    const complete = msgs.indexOf('shutdown complete');
    assert.ok(shuttingDown >= 0 && complete > shuttingDown, `shutdown logged in order: ${JSON.stringify(msgs)}`);
    const completedAt = srv.logs().flatMap((l, i) => (l.msg === 'request completed' && l.res ? [i] : []));
    assert.equal(completedAt.length, n);
    assert.ok(
      completedAt.some((i) => i > shuttingDown),
      'at least one signup was still in flight when SIGTERM arrived',
    );
    assert.ok(
      completedAt.every((i) => i < complete),
      'every request completed before the process said it was done',
    );
  });

  for (const [name, value] of [
    ['PORT', 'abc'],
    ['BCRYPT_COST', '5'],
  ] as const) {
    it(`a bad configuration value (${name}=${value}) exits 2 with a message naming the variable`, async () => {
      const srv = boot(freshDir(), { [name]: value });
      const exit = await srv.exited;
      assert.equal(exit.code, 2);
      assert.match(srv.stderr(), new RegExp(`Invalid configuration:\\n\\s+${name}: `));
      assert.ok(!srv.logs().some((l) => l.address), 'it never listened');
    });
  }

  it('tokens survive a restart: the signing key is kept in the database', async () => {
    const dir = freshDir();
    const first = boot(dir);
    const user = await signup(await first.listening());
    assert.equal((await first.stop()).code, 0);

    const second = boot(dir);
    const me = await client(await second.listening(), user.token).get('/auth/me');
    assert.equal(me.status, 200);
    assert.equal(me.body.username, user.username);
    assert.equal((await second.stop()).code, 0);
  });

  it('never logs a password, a token, a ticket or the JWT secret, not even from a URL', async () => {
    const dir = freshDir();
    const srv = boot(dir);
    const url = await srv.listening();
    const password = 'Pa55word-that-must-not-leak';
    const wrongPassword = 'Wr0ng-guess-that-must-not-leak';
    const user = await signup(url, { password });
    const login = await client(url).post('/auth/login', { username: user.username, password });
    assert.equal(login.status, 200);
    assert.equal((await client(url).post('/auth/login', { username: user.username, password: wrongPassword })).status, 401);
    assert.equal((await client(url, login.body.token).get('/auth/me')).status, 200);
    assert.equal((await client(url).get(`/auth/me?token=${user.token}`)).status, 401);
    assert.equal((await client(url).get(`/auth/me?x=1&access_token=${login.body.token}`)).status, 401);
    const ticket = await user.api.post('/auth/ws-ticket');
    assert.equal(ticket.status, 201);
    await client(url).get(`/ws?ticket=${ticket.body.ticket}`);
    assert.equal((await srv.stop()).code, 0);

    const output = srv.stdout() + srv.stderr();
    assert.ok(
      srv.logs().some((l) => reqUrl(l) === '/auth/me?token=[redacted]'),
      'the URL is logged, its token redacted',
    );
    const store = await openStore({ dataDir: dir });
    const jwtSecret = (await store.signingKeys.list())[0]!.secret;
    await store.close();
    const secrets = {
      password,
      wrongPassword,
      signupToken: user.token,
      loginToken: login.body.token as string,
      ticket: ticket.body.ticket as string,
      jwtSecret,
      setupToken: TEST_SETUP_TOKEN,
    };
    for (const [what, secret] of Object.entries(secrets)) {
      assert.ok(secret.length >= 16, `${what} is a real value`);
      assert.ok(!output.includes(secret), `the logs contain the ${what}`);
    }
  });

  it('a fresh server is not owned by whoever reaches it first: the first sign-up needs the setup token it logged', async () => {
    const dir = freshDir();
    const { SETUP_TOKEN: _configured, ...env } = BASE_ENV;
    const srv = spawnServer({ ...env, DATA_DIR: dir });
    procs.push(srv);
    const url = await srv.listening();
    const notice = srv.logs().find((l) => typeof l.setup_token === 'string');
    assert.ok(notice, 'the start-up log gives the setup token');
    const token = notice.setup_token as string;
    assert.match(String(notice.msg), /rooms admin create/);
    const body = (username: string, extra: Record<string, unknown> = {}) => ({
      username,
      email: `${username}@example.test`,
      password: 'correct horse battery',
      ...extra,
    });

    const squatter = await client(url).post('/auth/signup', body('squatter'));
    assert.equal(squatter.status, 403);
    assert.equal(squatter.body.error.code, 'setup_required');
    const forged = await client(url).post('/auth/signup', body('squatter', { setup_token: 'x'.repeat(token.length) }));
    assert.equal(forged.status, 403);

    const admin = await client(url).post('/auth/signup', body('owner', { setup_token: token }));
    assert.equal(admin.status, 201);
    assert.equal(admin.body.user.is_admin, true);
    const next = await client(url).post('/auth/signup', body('second'));
    assert.equal(next.status, 201, 'after the first account, sign-up follows SIGNUP (open by default)');
    assert.equal(next.body.user.is_admin, false);
    assert.equal(
      (await client(url).post('/auth/signup', body('late', { setup_token: token }))).body.user.is_admin,
      false,
      'the token is spent',
    );

    // A restart on the same database: no notice, the token is of no more use.
    assert.equal((await srv.stop()).code, 0);
    const again = spawnServer({ ...env, DATA_DIR: dir });
    procs.push(again);
    await again.listening();
    assert.equal(
      again.logs().some((l) => l.setup_token !== undefined || /No account yet/.test(String(l.msg))),
      false,
    );
  });

  it('SIGTERM still stops the server when whatever read its log has gone (a broken stdout pipe)', async () => {
    const srv = boot(freshDir());
    await srv.listening();
    // The supervisor or the shell pipe that read stdout dies: the server's next log line meets EPIPE.
    srv.child.stdout!.destroy();
    srv.child.kill('SIGTERM');
    const exit = await Promise.race([srv.exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
    assert.notEqual(exit, 'hung', 'the server did not exit within 10 s of SIGTERM');
    assert.equal((exit as { code: number | null }).code, 0, JSON.stringify(exit) + srv.stderr());
  });
});
