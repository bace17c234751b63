import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/ports.ts';
import { signup, type TestServer, wsSetups } from '../helpers/ws-suite.ts';

// The seed's own client, unchanged: Client.py of cyrexin/simplechatroom under Python 2.7. Not part
// of this repository: set SIMPLECHATROOM_DIR to a checkout of it (and PYTHON2 to the interpreter,
// default `python2`) to run this suite; without them it is skipped.
const dir = process.env.SIMPLECHATROOM_DIR;
const python2 = process.env.PYTHON2 ?? 'python2';
const hasPython2 = spawnSync(python2, ['-c', 'import sys; sys.exit(0 if sys.version_info[0] == 2 else 1)']).status === 0;
const skip =
  !dir || !existsSync(join(dir, 'Client.py'))
    ? 'SIMPLECHATROOM_DIR (a checkout of cyrexin/simplechatroom) is not set'
    : !hasPython2
      ? `${python2} is not Python 2`
      : false;

/** Client.py as a user runs it, its screen captured: unbuffered (-u), in a session of its own (no terminal, so getpass reads stdin). */
class OriginalClient {
  readonly proc: ChildProcess;
  screen = '';

  constructor(port: number) {
    this.proc = spawn(python2, ['-u', 'Client.py', '127.0.0.1', String(port)], {
      cwd: dir,
      detached: true,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.proc.stdout!.on('data', (d: Buffer) => (this.screen += d.toString('utf8')));
    this.proc.stderr!.on('data', (d: Buffer) => (this.screen += d.toString('utf8')));
  }

  type(line: string): void {
    this.proc.stdin!.write(`${line}\n`);
  }

  async sees(text: string, timeoutMs = 10_000): Promise<void> {
    for (const end = Date.now() + timeoutMs; Date.now() < end;) {
      if (this.screen.includes(text)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    assert.fail(`the client never showed ${JSON.stringify(text)}; its screen:\n${this.screen}`);
  }

  exited(): Promise<number | null> {
    if (this.proc.exitCode !== null) return Promise.resolve(this.proc.exitCode);
    return new Promise((r) => this.proc.once('exit', (code) => r(code)));
  }

  kill(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGKILL');
  }
}

for (const setup of wsSetups()) {
  describe(`the seed's Client.py against the TCP gateway: ${setup.name}`, { skip: skip || setup.skip }, () => {
    let srv: TestServer;
    let port: number;
    const running: OriginalClient[] = [];
    before(async () => {
      port = await freePort();
      srv = await setup.start({ config: { TCP_GATEWAY_PORT: port } });
    });
    after(async () => {
      for (const c of running) c.kill();
      await srv.stop();
    });

    it('logs in, messages another Client.py and a web user both ways, lists, blacklists, and logs out', async () => {
      const [alice, bob, web] = [await signup(srv.url), await signup(srv.url), await signup(srv.url)];
      const a = new OriginalClient(port);
      const b = new OriginalClient(port);
      running.push(a, b);
      a.type(alice.username);
      a.type('not the password');
      await a.sees('WRONG_PASSWORD - The input password is not correct.');
      a.type(alice.username);
      a.type(alice.password);
      await a.sees('You have been connected to the chat server!');
      b.type(bob.username);
      b.type(bob.password);
      await b.sees('You have been connected to the chat server!');
      await a.sees(`${bob.username} has logged in.`);

      a.type(`send ${bob.username} Hello Bob from the original client`);
      await a.sees(`To ${bob.username}: You message has been sent!`);
      await b.sees(`${alice.username} said: Hello Bob from the original client`);
      b.type(`send (${alice.username} ${web.username}) Hi both`);
      await a.sees(`${bob.username} said: Hi both`);
      await b.sees(`To ${web.username}: ${web.username} is not online. You message has been stored as an offline message.`);

      const room = (await web.api.post(`/direct/${alice.id}`)).body.id as string;
      assert.equal((await web.api.post(`/rooms/${room}/messages`, { content: 'from the web UI' })).status, 201);
      await a.sees(`${web.username} said: from the web UI`);
      const fromBob = (await web.api.get('/rooms')).body.items.find((r: { peer: { id: string } | null }) => r.peer?.id === bob.id);
      assert.equal((await web.api.get(`/rooms/${fromBob.id}/messages`)).body.items[0].content, 'Hi both');

      a.type('who');
      await a.sees(`${alice.username} ${bob.username} `);
      b.type(`blacklist ${alice.username}`);
      await b.sees(`User ${alice.username} has been added in your blacklist.`);
      a.type(`send ${bob.username} still there?`);
      await a.sees(`To ${bob.username}: Sorry! You are in user ${bob.username}'s blacklist. You message cannot be sent.`);

      b.type('logout');
      await b.sees('Thanks for using the chat room. See you next time!');
      assert.equal(await b.exited(), 0);
      await a.sees(`${bob.username} has logged out.`, 15_000);
      a.type('logout');
      assert.equal(await a.exited(), 0);
    });
  });
}
