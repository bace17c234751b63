import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, describe, it } from 'node:test';
import { childEnv, ROOT, SERVER_MAIN, spawnServer, type ServerProcess } from '../helpers/processes.ts';
import { client, signup, TEST_SETUP_TOKEN } from '../helpers/server.ts';
import { tempDir } from '../helpers/services.ts';

const BASE_ENV = { PORT: '0', HOST: '127.0.0.1', BCRYPT_COST: '10', SETUP_TOKEN: TEST_SETUP_TOKEN };
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const strip = (s: string) => s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\r/g, '');

/** The server on a terminal (util-linux `script` gives it one), as an operator running `npm start` by hand sees it. */
function onTerminal(env: Record<string, string>) {
  const child = spawn('script', ['-qfec', `exec ${quote(process.execPath)} ${SERVER_MAIN}`, '/dev/null'], {
    cwd: ROOT,
    env: childEnv({ TERM: 'xterm', ...env }),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return {
    screen: () => strip(out),
    async listening(): Promise<string> {
      const deadline = Date.now() + 30_000;
      for (;;) {
        const m = /Rooms is listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(strip(out));
        if (m) return m[1]!;
        assert.ok(Date.now() < deadline, `never listened:\n${out}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      child.stdin.write('\x03'); // Ctrl+C, as its operator would
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      child.kill('SIGKILL');
    },
  };
}

describe('what the server logs', () => {
  const dirs: ReturnType<typeof tempDir>[] = [];
  const procs: ServerProcess[] = [];
  const dir = () => {
    const d = tempDir('rooms-logging-');
    dirs.push(d);
    return d.path;
  };
  after(async () => {
    for (const p of procs) await p.stop('SIGKILL');
    for (const d of dirs) d.remove();
  });

  for (const level of ['warn', 'error', 'silent']) {
    it(`says where it listens even with LOG_LEVEL=${level} (and nothing below the level)`, async () => {
      const srv = spawnServer({ ...BASE_ENV, DATA_DIR: dir(), LOG_LEVEL: level });
      procs.push(srv);
      const url = await srv.listening();
      assert.equal((await client(url).get('/healthz')).status, 200);
      assert.equal((await srv.stop()).code, 0);
      assert.ok(!srv.logs().some((l) => l.msg === 'incoming request' || l.msg === 'shutdown complete'), 'info lines stay hidden');
    });
  }

  it('on a terminal: human-readable lines, with no password, token or ticket in them; LOG_FORMAT=json keeps JSON there', async () => {
    const term = onTerminal({ ...BASE_ENV, DATA_DIR: dir() });
    let url: string;
    try {
      url = await term.listening();
      const password = 'Pa55word-that-must-not-leak';
      const user = await signup(url, { password });
      const login = await client(url).post('/auth/login', { username: user.username, password });
      assert.equal(login.status, 200);
      assert.equal((await client(url).get(`/auth/me?token=${login.body.token}`)).status, 401);
      const ticket = await user.api.post('/auth/ws-ticket');
      await client(url).get(`/ws?ticket=${ticket.body.ticket}`);
      await new Promise((r) => setTimeout(r, 300));
      const screen = term.screen();
      const listening = screen.split('\n').find((l) => l.includes('Rooms is listening on'))!;
      assert.doesNotMatch(listening, /^\s*\{/, 'not a JSON line');
      assert.match(listening, /INFO/);
      assert.match(screen, /\/auth\/me\?token=\[redacted\]/);
      for (const secret of [password, user.token, login.body.token as string, ticket.body.ticket as string])
        assert.ok(!screen.includes(secret), 'a secret reached the terminal');
    } finally {
      await term.stop();
    }

    const json = onTerminal({ ...BASE_ENV, DATA_DIR: dir(), LOG_FORMAT: 'json' });
    try {
      await json.listening();
      const line = json
        .screen()
        .split('\n')
        .find((l) => l.includes('Rooms is listening on'))!;
      assert.equal((JSON.parse(line) as { msg: string }).msg.startsWith('Rooms is listening on'), true);
    } finally {
      await json.stop();
    }
  });

  it('not on a terminal: JSON lines (LOG_FORMAT=pretty asks for readable ones anyway)', async () => {
    const srv = spawnServer({ ...BASE_ENV, DATA_DIR: dir() });
    procs.push(srv);
    await srv.listening();
    assert.equal((await srv.stop()).code, 0);
    for (const line of srv.stdout().trim().split('\n')) assert.doesNotThrow(() => JSON.parse(line), line);

    const readable = spawnServer({ ...BASE_ENV, DATA_DIR: dir(), LOG_FORMAT: 'pretty' });
    procs.push(readable);
    const deadline = Date.now() + 30_000;
    while (!readable.stdout().includes('Rooms is listening on')) {
      assert.ok(Date.now() < deadline, readable.stdout() + readable.stderr());
      await new Promise((r) => setTimeout(r, 100));
    }
    const line = readable
      .stdout()
      .split('\n')
      .find((l) => l.includes('Rooms is listening on'))!;
    assert.throws(() => JSON.parse(line));
    assert.equal((await readable.stop()).code, 0);
  });
});
