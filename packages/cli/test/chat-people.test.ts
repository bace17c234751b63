import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { chatSuite, person, type User } from './chat-helpers.ts';

describe('rooms chat: people', () => {
  const suite = chatSuite();
  const terms = suite.terms;
  let admin: User;
  before(async () => {
    admin = await person(suite.srv, 'admin'); // the first account of a fresh server is its admin
  });

  it('who, last N and active N list people by name; mistyped, they print their usage', async () => {
    const [ann, ben] = [await person(suite.srv, 'ann'), await person(suite.srv, 'ben')];
    const a = await terms.login(suite.srv, ann);
    await terms.login(suite.srv, ben);
    a.type('who');
    const { 0: who } = await a.expect(/Online now \(\d+\): .*\n/);
    assert.ok(who.includes(`${ann.username} (you)`) && who.includes(ben.username), who);
    a.type('last 5');
    const { 0: last } = await a.expect(/Connected in the last 5 min: .*\n/);
    assert.ok(last.includes(ben.username), last);
    a.type('active 60');
    const { 0: active } = await a.expect(/Active in the last 60 min: .*\n/);
    assert.ok(active.includes(ben.username), active);
    for (const [typed, usage] of [
      ['last 0', 'Usage: last N   (users who connected in the last N minutes, 0 < N ≤ 60)'],
      ['last 61', 'Usage: last N'],
      ['last', 'Usage: last N'],
      ['active x', 'Usage: active N   (users active in the last N minutes, 0 < N ≤ 60)'],
      ['who is there', 'Usage: who'],
    ] as const) {
      a.type(typed);
      await a.expect(usage);
    }
  });

  it('send (U1 U2 ...) MSG: one direct message each, with a result per person', async () => {
    const [sam, on, off, blocker] = [
      await person(suite.srv, 'sam'),
      await person(suite.srv, 'on'),
      await person(suite.srv, 'off'),
      await person(suite.srv, 'blocker'),
    ];
    assert.equal((await blocker.api.post(`/users/${sam.id}/block`)).status, 204);
    const s = await terms.login(suite.srv, sam);
    const o = await terms.login(suite.srv, on);
    s.type(`send (${on.username} ${off.username} nobody_here ${sam.username} ${blocker.username}) hello all`);
    await s.expect(`${on.username}: sent.`);
    await s.expect(`${off.username}: stored for when they come back.`);
    await s.expect('nobody_here: unknown user.');
    await s.expect(`${sam.username}: that is you.`);
    await s.expect(`${blocker.username}: blocked — one of you blocks the other.`);
    await o.expect(`(dm) ${sam.username}: hello all`);
    s.type(`send ${on.username}`);
    await s.expect('Usage: send USER MSG   or   send (USER1 USER2 ...) MSG');
    s.type('send () hi');
    await s.expect('Usage: send USER MSG');
  });

  it('blacklist and whitelist: a blacklisted user cannot message you until whitelisted', async () => {
    const [me, pest, other] = [await person(suite.srv, 'me'), await person(suite.srv, 'pest'), await person(suite.srv, 'other')];
    const m = await terms.login(suite.srv, me);
    const p = await terms.login(suite.srv, pest);
    m.type('blacklist');
    await m.expect('Your blacklist is empty.');
    m.type(`blacklist (${pest.username} ${other.username} ghost_user)`);
    await m.expect(`${pest.username}: blacklisted — they can no longer message you.`);
    await m.expect(`${other.username}: blacklisted — they can no longer message you.`);
    await m.expect('ghost_user: unknown user.');
    m.type('blacklist');
    await m.expect(/Your blacklist: .*\n/);
    p.type(`send ${me.username} let me in`);
    await p.expect(`${me.username}: blocked — one of you blocks the other.`);
    m.type(`whitelist ${pest.username}`);
    await m.expect(`${pest.username}: removed from your blacklist.`);
    m.type(`whitelist ${pest.username}`);
    await m.expect(`${pest.username}: was not on your blacklist.`);
    p.type(`send ${me.username} thanks`);
    await p.expect(`${me.username}: sent.`);
    await m.expect(`(dm) ${pest.username}: thanks`);
    m.type('whitelist');
    await m.expect('Usage: whitelist USER   or   whitelist (USER1 USER2 ...)');
    m.type(`blacklist ${pest.username} extra words`);
    await m.expect('Usage: blacklist USER');
  });

  it('check shows my profile, what I may see of another, and who does not exist', async () => {
    const [me, her] = [await person(suite.srv, 'me'), await person(suite.srv, 'her')];
    await her.api.patch('/users/me', {
      bio: 'Hello from her',
      profile: { country: { value: 'France', visibility: 'public' }, gender: { value: 'hidden', visibility: 'private' } },
    });
    const m = await terms.login(suite.srv, me);
    m.type('check');
    await m.expect(new RegExp(`${me.username} \\(you\\)\\n\\s+status: online`));
    await m.expect('no personal details set');
    m.type(`check ${her.username}`);
    const { 0: shown } = await m.expect(new RegExp(`${her.username}\\n(  .*\\n)+`));
    assert.match(shown, /status: offline/);
    assert.match(shown, /bio: Hello from her/);
    assert.match(shown, /country: France/);
    assert.doesNotMatch(shown, /hidden|gender/, 'a private field never shows');
    m.type('check nobody_at_all');
    await m.expect('nobody_at_all: unknown user.');
    m.type('check two words');
    await m.expect('Usage: check [USER]');
  });

  it('broadcast reaches everyone online from a server admin; others are told they may not', async () => {
    const [u1, u2] = [await person(suite.srv, 'u1'), await person(suite.srv, 'u2')];
    const ad = await terms.login(suite.srv, admin);
    const t1 = await terms.login(suite.srv, u1);
    const t2 = await terms.login(suite.srv, u2);
    ad.type('broadcast The server restarts at noon.');
    await ad.expect(/Broadcast sent to \d+ online users\./);
    for (const t of [t1, t2]) await t.expect(`*** Broadcast from ${admin.username}: The server restarts at noon.`);
    t1.type('broadcast me too');
    await t1.expect('Only server admins may broadcast.');
    await t2.never(/me too/, 300);
    ad.type('broadcast');
    await ad.expect('Usage: broadcast MSG');
  });
});
