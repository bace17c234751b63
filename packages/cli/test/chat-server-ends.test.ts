import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatSuite, person } from './chat-helpers.ts';

describe('rooms chat: the idle timeout', () => {
  const suite = chatSuite({ TIME_OUT: 2 });
  const terms = suite.terms;

  it('after TIME_OUT without input the server ends the session, saying why; input keeps it alive', async () => {
    const [idle, busy] = [await person(suite.srv, 'idle'), await person(suite.srv, 'busy')];
    const i = await terms.login(suite.srv, idle);
    const b = await terms.login(suite.srv, busy);
    const started = Date.now();
    for (let n = 0; n < 4; n++) {
      await new Promise((r) => setTimeout(r, 800));
      b.type('who');
      await b.expect('Online now');
    }
    await i.expect('*** Session ended by the server: idle for 2 s without input (TIME_OUT).', 5000);
    assert.equal(await i.exited, 0);
    assert.ok(Date.now() - started >= 1500);
    b.type('who');
    await b.expect('Online now', 2000);
    assert.doesNotMatch(b.screen(), /Session ended/, 'typing keeps a session alive');
  });
});

describe('rooms chat: a server shutdown', () => {
  const suite = chatSuite();
  const terms = suite.terms;

  it('a server shutdown is announced to every client, which reconnects when the server is back', async () => {
    const [one, two] = [await person(suite.srv, 'one'), await person(suite.srv, 'two')];
    const a = await terms.login(suite.srv, one);
    const b = await terms.login(suite.srv, two);
    await suite.srv.stopApp();
    for (const t of [a, b])
      await t.expect('*** The server is shutting down (server shutting down). Reconnecting when it is back; Ctrl+C to quit.');
    await suite.srv.startApp();
    for (const t of [a, b]) await t.expect('*** Reconnected.', 10_000);
    a.type(`send ${two.username} still here`);
    await a.expect(`${two.username}: sent.`);
    await b.expect(`(dm) ${one.username}: still here`);
    assert.equal(await a.interrupt(), 0);
  });
});
