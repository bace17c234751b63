import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chatSuite, person } from './chat-helpers.ts';

describe('rooms chat: talking', () => {
  const suite = chatSuite();
  const terms = suite.terms;

  it('two users chat in a room: join, say, history; a message arriving never breaks the line being typed', async () => {
    const alice = await person(suite.srv, 'alice');
    const bob = await person(suite.srv, 'bob');
    const room = await alice.api.post('/rooms', { name: `lounge ${alice.username.slice(-6)}` });
    assert.equal(room.status, 201);
    const name = room.body.name as string;
    const a = await terms.login(suite.srv, alice);
    const b = await terms.login(suite.srv, bob);
    a.type('say nowhere yet');
    await a.expect('You are in no room: join one first (rooms lists them).');
    b.type('rooms');
    await b.expect(new RegExp(`Public rooms to join:\\n(.*\\n)*\\s+${name} — 1 member`));
    b.type(`join ${name}`);
    await b.expect(`Joined ${name} (2 members). Now in ${name}.`);
    a.type(`join ${name}`);
    await a.expect(`Now in ${name}.`);
    a.type('rooms');
    await a.expect(new RegExp(`Your rooms:\\n\\s+\\* ${name} — public, 2 members`));
    a.type('say hello bob 👋');
    await b.expect(`[${name}] ${alice.username}: hello bob 👋`);
    b.keys('say half a li');
    await b.expect('say half a li');
    a.type('say are you typing?');
    await b.expect(`[${name}] ${alice.username}: are you typing?`);
    await b.expect(`${name}> say half a li`, 2000);
    b.type('ne');
    await a.expect(`[${name}] ${bob.username}: half a line`);
    b.type('history 2');
    await b.expect(
      new RegExp(
        `Last 2 in ${name}:\\n\\s+\\[\\d\\d:\\d\\d\\] ${alice.username}: are you typing\\?\\n\\s+\\[\\d\\d:\\d\\d\\] ${bob.username}: half a line`,
      ),
    );
    b.type('history 0');
    await b.expect('Usage: history [N]');
    b.type('join no such room here');
    await b.expect('No public room named "no such room here": rooms lists them.');
    b.type('say');
    await b.expect('Usage: say MSG');
    b.type('join');
    await b.expect('Usage: join ROOM');
    b.type('rooms please');
    await b.expect('Usage: rooms');
  });

  it('everyone online is told when someone logs in and out', async () => {
    const [watcher, comer] = [await person(suite.srv, 'watch'), await person(suite.srv, 'comer')];
    const w = await terms.login(suite.srv, watcher);
    const c = await terms.login(suite.srv, comer);
    await w.expect(`*** ${comer.username} has logged in.`);
    c.type('logout');
    await c.expect('Logged out.');
    await w.expect(`*** ${comer.username} has logged out.`, 10_000);
    await c.never(new RegExp(`${comer.username} has logged`), 10);
  });

  it('a direct message to someone offline waits for them: shown once, at their next login', async () => {
    const [alice, carol] = [await person(suite.srv, 'alice'), await person(suite.srv, 'carol')];
    const a = await terms.login(suite.srv, alice);
    a.type(`send ${carol.username} are you there?`);
    await a.expect(`${carol.username}: stored for when they come back.`);
    a.type(`send ${carol.username} call me maybe`);
    await a.expect(`${carol.username}: stored for when they come back.`);
    const c = await terms.login(suite.srv, carol);
    assert.match(
      c.screen(),
      new RegExp(
        `While you were away:\\n\\s+\\[\\d\\d:\\d\\d\\] ${alice.username}: are you there\\?\\n\\s+\\[\\d\\d:\\d\\d\\] ${alice.username}: call me maybe`,
      ),
    );
    a.type(`send ${carol.username} now you are here`);
    await a.expect(`${carol.username}: sent.`);
    await c.expect(`(dm) ${alice.username}: now you are here`);
    c.type('logout');
    await c.expect('Logged out.');
    const again = await terms.login(suite.srv, carol);
    assert.doesNotMatch(again.screen(), /While you were away/, 'seen messages are not shown again');
  });

  it('help lists every command; an unknown command says how to find them', async () => {
    const u = await person(suite.srv, 'helpme');
    const t = await terms.login(suite.srv, u);
    t.type('help');
    const { 0: list } = await t.expect(/Commands:\n(.*\n){17}/);
    for (const c of [
      'who',
      'last N',
      'active N',
      'send USER MSG',
      'hide USER',
      'broadcast MSG',
      'blacklist USER',
      'whitelist USER',
      'check [USER]',
      'rooms',
      'join ROOM',
      'upload PATH',
      'say MSG',
      'history [N]',
      'search [--recent] QUERY',
      'logout',
      'help',
    ])
      assert.ok(list.includes(`  ${c}`), c);
    t.type('dance');
    await t.expect('Unknown command "dance": type help for the commands.');
  });
});
