import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { home, Pty } from './pty.ts';
import { client } from '../../server/test/helpers/server.ts';
import { chatSuite, person, type User } from './chat-helpers.ts';

describe('rooms chat: logging in and out', () => {
  const suite = chatSuite();
  const terms = suite.terms;
  let alice: User;
  before(async () => {
    alice = await person(suite.srv, 'alice');
  });

  it('asks the username, then the password without echoing it, and saves the session (0600) for next time', async () => {
    const h = home();
    try {
      const first = new Pty(['chat', suite.srv.url], h.env);
      await first.expect('Username or email:');
      first.type(alice.username);
      await first.expect('Password:');
      first.type(alice.password);
      await first.expect(`Welcome, ${alice.username}!`);
      assert.ok(!first.screen().includes(alice.password), 'the password never shows');
      assert.equal(statSync(h.file).mode & 0o777, 0o600);
      assert.equal(await first.interrupt(), 0);
      assert.match(first.screen(), /Logged out\./);

      const again = new Pty(['chat', suite.srv.url], h.env);
      await again.expect(`Logged in as ${alice.username} (saved session).`);
      await again.expect('Type help for the commands.');
      const saved = Object.values(JSON.parse(readFileSync(h.file, 'utf8')) as Record<string, { token: string }>)[0]!.token;
      const sessions = await client(suite.srv.url, saved).get('/auth/sessions');
      assert.equal(
        sessions.body.sessions.find((x: { current: boolean }) => x.current).client,
        'rooms chat',
        'the terminal client names itself',
      );
      again.type('logout');
      await again.expect('Logged out.');
      assert.equal(await again.exited, 0);
      const after = await client(suite.srv.url, saved).get('/auth/me');
      assert.equal(after.status, 401, 'logout ended the session on the server: the token no longer works');
      assert.equal(after.body.error.code, 'token_revoked');

      const forgotten = new Pty(['chat', suite.srv.url, '--user', alice.username], h.env);
      await forgotten.expect('Password:');
      assert.ok(!forgotten.screen().includes('saved session'), 'logout forgot the saved session');
      forgotten.kill();
      await forgotten.exited;
    } finally {
      h.remove();
    }
  });

  it('a wrong password asks again; three in a row block the username from this address, even with the right one next', async () => {
    const bob = await person(suite.srv, 'bob');
    const pty = terms.spawn(suite.srv, ['--user', bob.username]);
    for (let i = 0; i < 3; i++) {
      await pty.expect('Password:');
      pty.type(`wrong guess ${i}`);
      await pty.expect('Wrong username or password.');
      await pty.expect(`Username or email [${bob.username}]:`);
      pty.type(''); // Enter keeps the username
    }
    await pty.expect('Password:');
    pty.type(bob.password);
    await pty.expect(/Too many failed logins: \w+ is blocked from this address for \d+ s\. Try again later\./);
    assert.equal(await pty.exited, 1);
  });

  it('after a failed login asks the username again, not only the password; an email typed there logs in', async () => {
    const carol = await person(suite.srv, 'carol');
    const pty = terms.spawn(suite.srv);
    await pty.expect('Username or email:');
    pty.type('carrol');
    await pty.expect('Password:');
    pty.type(carol.password);
    await pty.expect('Wrong username or password.');
    await pty.expect('Username or email [carrol]:');
    pty.type(`${carol.username}@example.test`);
    await pty.expect('Password:');
    pty.type(carol.password);
    await pty.expect(`Welcome, ${carol.username}!`);
    assert.equal(await pty.interrupt(), 0);
  });

  it('Ctrl+C while logging in quits; Ctrl+C in a session logs out cleanly', async () => {
    const quitting = terms.spawn(suite.srv);
    await quitting.expect('Username or email:');
    assert.equal(await quitting.interrupt(), 1);
    const pty = await terms.login(suite.srv, alice);
    assert.equal(await pty.interrupt(), 0);
    assert.match(pty.screen(), /Logged out\.\n/);
  });

  it('says so when the server cannot be reached, or the URL is not one', async () => {
    const h = home();
    try {
      const down = new Pty(['chat', 'http://127.0.0.1:1', '--user', 'alice'], h.env);
      await down.expect('Password:');
      down.type('whatever');
      await down.expect('Cannot reach http://127.0.0.1:1: is the server running?');
      assert.equal(await down.exited, 1);
      const bad = new Pty(['chat', 'ftp://example.com'], h.env);
      await bad.expect('"ftp://example.com" is not an http(s) URL.');
      assert.equal(await bad.exited, 1);
      const help = new Pty(['chat', '--help'], h.env);
      await help.expect(/Usage: rooms chat \[URL\][\s\S]*send \(U1 U2 \.\.\.\) MSG[\s\S]*Examples:/);
      assert.equal(await help.exited, 0);
    } finally {
      h.remove();
    }
  });
});

describe('rooms chat: logging in to a busy or wary server', () => {
  // One password check at a time and none waiting: a second login at the same moment is refused (503).
  const suite = chatSuite({ LOGIN_IP_LIMIT: 4, PASSWORD_HASH_CONCURRENCY: 1, PASSWORD_HASH_QUEUE: 0, BCRYPT_COST: 12 });
  const terms = suite.terms;

  it('a login the server was too busy to check is tried again by itself after Retry-After', async () => {
    const carol = await person(suite.srv, 'carol');
    const pty = terms.spawn(suite.srv, ['--user', carol.username]);
    await pty.expect('Password:');
    // Someone else's logins hold the only password thread, one after the other, until carol's
    // arrives (one login alone could end first on a loaded machine: then she was never refused).
    let refused = false;
    const statuses: number[] = [];
    const others = (async () => {
      while (!refused)
        statuses.push((await client(suite.srv.url).post('/auth/login', { username: carol.username, password: carol.password })).status);
    })();
    pty.type(carol.password);
    try {
      await pty.expect(/The server is busy; trying again in \d+ s…/);
    } finally {
      refused = true;
      await others;
    }
    await pty.expect(`Welcome, ${carol.username}!`, 30_000);
    assert.ok(statuses.length > 0 && statuses.every((s) => s === 200), `the other logins: ${statuses.join(', ')}`);
  });

  it('too many attempts from one address end the login with when to try again', async () => {
    const dave = await person(suite.srv, 'dave');
    const pty = terms.spawn(suite.srv, ['--user', dave.username]);
    // Wrong guesses until the address has used up its LOGIN_IP_LIMIT (some went to carol above).
    for (let i = 0; ; i++) {
      assert.ok(i < 6, 'the address was never limited');
      await pty.expect('Password:');
      pty.type(`wrong guess ${i}`);
      const said = await pty.expect(/Wrong username or password\.|Too many login attempts from this address: try again in \d+ s\./);
      if (said[0].startsWith('Too many')) break;
      await pty.expect(`Username or email [${dave.username}]:`);
      pty.type('');
    }
    assert.equal(await pty.exited, 1);
  });
});
