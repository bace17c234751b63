import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../src/ports/clock.ts';
import { client, signup, startServer, TEST_SETUP_TOKEN, type Answer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

type User = Awaited<ReturnType<typeof signup>>;
const DAY_MS = 24 * 3600 * 1000;

const hidden = (id: string, displayName: string) => ({ id, username: null, display_name: displayName, avatar_url: null, deleted: true });

/** The answer is 200 and names nothing of the hidden account but, at most, its id. */
function ok(res: Answer, hiddenUser: User): Answer {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  const text = JSON.stringify(res.body);
  assert.ok(!text.includes(hiddenUser.username), `the username leaks: ${text.slice(0, 300)}`);
  assert.ok(!text.includes('Bob Builder'), `the display name leaks: ${text.slice(0, 300)}`);
  return res;
}

// A deactivated account is hidden everywhere at once (SPEC 1): lists of people leave it out, what it
// did shows as "Deactivated user" without its name, its username stays reserved (and says so), and
// logging in again brings everything back. After the purge it is "Deleted user" and the name is free.
for (const backend of backends()) {
  describe(
    `deactivated accounts are hidden consistently: ${backend.name}`,
    { skip: !backend.available && 'TEST_DATABASE_URL not set' },
    () => {
      let srv: TestServer;
      const clock = new ManualClock(new Date());
      let alice: User, bob: User, carol: User;
      let room: string, direct: string, aliceMsg: string, bobMsg: string;
      before(async () => {
        srv = await startServer(backend, { clock });
        alice = await signup(srv.url);
        bob = await signup(srv.url, { display_name: 'Bob Builder' });
        carol = await signup(srv.url);
        room = (await alice.api.post('/rooms', { name: 'hidden accounts' })).body.id;
        for (const u of [bob, carol]) assert.equal((await u.api.post(`/rooms/${room}/join`)).status, 200);
        aliceMsg = (await alice.api.post(`/rooms/${room}/messages`, { content: 'hello all' })).body.id;
        bobMsg = (await bob.api.post(`/rooms/${room}/messages`, { content: `hi @${alice.username}` })).body.id;
        assert.equal((await bob.api.post(`/messages/${aliceMsg}/reactions`, { emoji: '👍' })).status, 201);
        assert.equal((await bob.api.post(`/rooms/${room}/read`, { message_id: bobMsg })).status, 200);
        assert.equal((await bob.api.post(`/users/${alice.id}/follow`)).status, 204);
        assert.equal((await alice.api.post(`/users/${bob.id}/follow`)).status, 204);
        assert.equal((await carol.api.post(`/users/${bob.id}/block`)).status, 204);
        direct = (await bob.api.post(`/direct/${alice.id}`)).body.id;
        assert.equal((await bob.api.post(`/rooms/${direct}/messages`, { content: 'just us' })).status, 201);
      });
      after(() => srv.stop());

      const deactivate = async () => assert.equal((await bob.api.delete('/users/me', { password: bob.password })).status, 204);
      const memberIds = async () =>
        (await alice.api.get(`/rooms/${room}/members`)).body.items.map((m: { user: { id: string } }) => m.user.id);
      const relogin = async (u: User): Promise<User> => {
        const login = await client(srv.url).post('/auth/login', { username: u.username, password: u.password });
        assert.equal(login.status, 200, JSON.stringify(login.body));
        return { ...u, api: client(srv.url, login.body.token), token: login.body.token };
      };

      it('while deactivated: out of member, follower, reader, block and search lists; its messages, reactions, notifications and direct room show no name', async () => {
        await deactivate();
        ok(await alice.api.get(`/rooms/${room}/members`), bob);
        assert.deepEqual((await memberIds()).sort(), [alice.id, carol.id].sort());
        assert.deepEqual(ok(await alice.api.get(`/users/${alice.id}/followers`), bob).body.items, []);
        assert.deepEqual(ok(await alice.api.get(`/users/${alice.id}/following`), bob).body.items, []);
        assert.deepEqual(ok(await alice.api.get(`/messages/${aliceMsg}/readers`), bob).body.items, []);
        assert.deepEqual(ok(await carol.api.get('/users/me/blocks'), bob).body.items, []);
        assert.deepEqual(ok(await alice.api.get(`/users/search?q=${bob.username}`), bob).body.items, []);

        const page = ok(await alice.api.get(`/rooms/${room}/messages`), bob).body.items;
        const mine = page.find((m: { id: string }) => m.id === aliceMsg);
        assert.deepEqual(mine.reactions, [], "a hidden account's reaction is not counted");
        assert.equal(mine.read_by_count, 0, 'nor its read');
        assert.deepEqual(page.find((m: { id: string }) => m.id === bobMsg).sender, hidden(bob.id, 'Deactivated user'));
        assert.deepEqual(ok(await alice.api.get(`/messages/${bobMsg}`), bob).body.sender, hidden(bob.id, 'Deactivated user'));

        const mention = ok(await alice.api.get('/notifications'), bob).body.items.find((n: { type: string }) => n.type === 'mention');
        assert.deepEqual(mention.actor, hidden(bob.id, 'Deactivated user'));

        const dm = ok(await alice.api.get('/rooms'), bob).body.items.find((r: { id: string }) => r.id === direct);
        assert.equal(dm.name, 'Deactivated user');
        assert.deepEqual(dm.peer, hidden(bob.id, 'Deactivated user'));
        const refused = await alice.api.post(`/rooms/${direct}/messages`, { content: 'are you there?' });
        assert.equal(refused.status, 404);
        assert.equal(refused.body.error.code, 'user_not_found');
        assert.equal((await alice.api.get(`/users/${bob.id}`)).status, 404);
      });

      it('while deactivated: its username is 409 username_reserved (saying until when) on sign-up and rename; a live one stays username_taken', async () => {
        const taken = await client(srv.url).post('/auth/signup', {
          username: bob.username,
          email: 'x@example.test',
          password: 'correct horse battery',
          setup_token: TEST_SETUP_TOKEN,
        });
        assert.equal(taken.status, 409);
        assert.equal(taken.body.error.code, 'username_reserved');
        assert.match(taken.body.error.message, /reserved until the account is deleted, at most 30 days after its deactivation/);
        const rename = await carol.api.put('/users/me/username', { username: bob.username });
        assert.equal(rename.status, 409);
        assert.equal(rename.body.error.code, 'username_reserved');
        assert.equal((await carol.api.put('/users/me/username', { username: alice.username })).body.error.code, 'username_taken');
        assert.equal((await carol.api.get('/auth/me')).body.username, carol.username, 'nothing changed');
      });

      it('logging in again brings it back everywhere, name and all', async () => {
        bob = await relogin(bob);
        assert.deepEqual((await memberIds()).sort(), [alice.id, bob.id, carol.id].sort());
        const sender = (await alice.api.get(`/messages/${bobMsg}`)).body.sender;
        assert.deepEqual(sender, { id: bob.id, username: bob.username, display_name: 'Bob Builder', avatar_url: null, deleted: false });
        const again = (await alice.api.get(`/messages/${aliceMsg}`)).body;
        assert.deepEqual([again.reactions[0]?.count, again.read_by_count], [1, 1]);
        assert.equal((await alice.api.get(`/messages/${aliceMsg}/readers`)).body.items.length, 1);
        assert.equal((await alice.api.get('/rooms')).body.items.find((r: { id: string }) => r.id === direct).name, 'Bob Builder');
        assert.equal((await alice.api.post(`/rooms/${direct}/messages`, { content: 'welcome back' })).status, 201);
        assert.equal((await carol.api.put('/users/me/username', { username: bob.username })).body.error.code, 'username_taken');
      });

      it('once purged: "Deleted user", and the username is free', async () => {
        await deactivate();
        clock.advance(31 * DAY_MS);
        assert.ok((await srv.app.services.accounts.purgeDeactivated()) >= 1);
        // A month later the day's tokens have expired.
        [alice, carol] = [await relogin(alice), await relogin(carol)];
        assert.deepEqual((await alice.api.get(`/messages/${bobMsg}`)).body.sender, hidden(bob.id, 'Deleted user'));
        assert.equal((await carol.api.put('/users/me/username', { username: bob.username })).status, 200);
      });
    },
  );
}
