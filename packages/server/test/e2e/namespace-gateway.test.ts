import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { account, NamespaceClient } from '../helpers/namespace-client.ts';
import { client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

/** The sign-up frame of the seed document (000), byte for byte but for the address. */
const WILSON_SIGNUP = `{
"namespace":"/signup",
"account":{
"email":"wilson@example.test",
"username":"wilson",
"password":"12345678",
"phone":"483 598 234",
"website": "wilsonwebsite.com",
"displayName":"WilsonWick",
"bio":"Hi! I am Wilson Wick and i wear formal all time",
"personalInfo":{
"health":["flu","insomnia"],
"hobbies":["coding","movies","eating"]},
"basicInfo":{
"sex":"male",
"race":"white",
"height":"48.0",
"weight":"12.9",
"birthDate":"2001/05/12",
"interestedInMen":"false",
"interestedInWomen":"true",
"maritalStatus": "single"}
}
}`;

/** Any key that could carry a password or its hash, anywhere in a reply. */
const leaksPassword = (v: unknown): boolean =>
  typeof v === 'object' && v !== null && Object.entries(v).some(([k, x]) => /pass|hash/i.test(k) || leaksPassword(x));

/** The namespace gateway (GATEWAYS.md §2) against the real server: frames as the original app sends them. */
for (const backend of backends()) {
  describe(`namespace gateway e2e: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let server: TestServer;
    let ns: NamespaceClient;
    const as = (username: string, password: string, extra: Record<string, unknown> = {}) => ({
      account: account(username, password),
      ...extra,
    });
    const req = (namespace: string, username: string, password: string, extra: Record<string, unknown> = {}) =>
      ns.send({ namespace, ...as(username, password, extra) });
    const gwSignup = (username: string, password = 'password-1', extra: Record<string, unknown> = {}) =>
      ns.send({ namespace: '/signup', account: { ...account(username, password), displayName: username.toUpperCase(), ...extra } });

    before(async () => {
      server = await startServer(backend, { config: { NAMESPACE_GATEWAY: 'true' } });
      await signup(server.url, { username: 'root' });
      ns = await NamespaceClient.open(server.url);
    });
    after(async () => {
      ns.close();
      await server.stop();
    });

    describe('accounts', () => {
      it("signs up with the seed's own frame: a Rooms account that logs in over REST, with the profile mapped", async () => {
        assert.deepEqual(await ns.send(WILSON_SIGNUP), { result: 'account generated: true' });
        const login = await client(server.url).post('/auth/login', { username: 'wilson', password: '12345678' });
        assert.equal(login.status, 200, JSON.stringify(login.body));
        const me = login.body.user;
        assert.equal(me.display_name, 'WilsonWick');
        assert.equal(me.email, 'wilson@example.test');
        assert.equal(me.website, 'http://wilsonwebsite.com');
        assert.equal(me.bio, 'Hi! I am Wilson Wick and i wear formal all time');
        assert.deepEqual(me.profile.hobbies, ['coding', 'movies', 'eating']);
        assert.deepEqual(me.profile.health, ['flu', 'insomnia']);
        assert.equal(me.profile.birth_date, '2001-05-12');
        assert.equal(me.profile.height_cm, 48);
        assert.equal(me.profile.weight_kg, 12.9);
        assert.equal(me.profile.gender, 'male');
        assert.equal(me.profile.relationship_status, 'single');
        assert.equal(me.profile.interested_in, 'women');
        assert.equal(me.profile.phone, '483 598 234');
        // Rooms' default: personal fields are private until their owner shares them.
        assert.equal(me.profile_visibility.hobbies, 'private');
      });

      it('refuses sign-ups with the original strings, and Rooms rules in their words', async () => {
        assert.equal((await ns.send(WILSON_SIGNUP)).result, 'account exists: true');
        assert.equal((await gwSignup('emptymail', 'password-1', { email: '' })).result, 'email is empty');
        assert.equal((await gwSignup('shortpass', '1234567')).result, 'password is length less than 8');
        assert.equal(
          (await ns.send({ namespace: '/signup', account: account('nodisplay', 'password-1') })).result,
          'displayName is required',
        );
        assert.equal((await gwSignup('ab')).result, 'username is length less than 3');
        assert.equal((await gwSignup('a'.repeat(21))).result, 'username is length greater than 20');
        assert.equal(
          (await gwSignup('bademail', 'password-1', { email: 'not an address' })).result,
          'email is invalid: must be a valid email address',
        );
        assert.equal(
          (await gwSignup('longname', 'password-1', { displayName: 'x'.repeat(51) })).result,
          'displayName is invalid: must be at most 50 characters',
        );
        assert.equal(
          (await gwSignup('badheight', 'password-1', { basicInfo: { height: 'tall' } })).result.startsWith('basicInfo.height is invalid: '),
          true,
        );
        // None of them made an account.
        for (const u of ['emptymail', 'shortpass', 'nodisplay', 'bademail', 'longname', 'badheight']) {
          assert.equal((await client(server.url).post('/auth/login', { username: u, password: 'password-1' })).status, 401, u);
        }
      });

      it('logs in by username: the account without any password, and an unknown username is a wrong password, not a crash', async () => {
        const granted = await req('/login', 'wilson', '12345678');
        assert.equal(granted.result, 'access granted');
        assert.equal(granted.account.username, 'wilson');
        assert.equal(granted.account.email, 'wilson@example.test');
        assert.equal(granted.account.displayName, 'WilsonWick');
        assert.deepEqual(granted.account.personalInfo.hobbies, ['coding', 'movies', 'eating']);
        assert.equal(granted.account.basicInfo.birthDate, '2001-05-12');
        assert.equal(typeof granted.account._id, 'string');
        assert.deepEqual([granted.account.rooms, granted.account.following, granted.account.follower], [[], [], []]);
        assert.equal(leaksPassword(granted), false);
        assert.deepEqual(await req('/login', 'wilson', 'wrong-password'), { result: 'access denied: incorrect password' });
        assert.deepEqual(await req('/login', 'nobody_here', 'whatever-1'), { result: 'access denied: incorrect password' });
        assert.deepEqual(await ns.send({ namespace: '/login', account: { email: '', username: '', password: 'x' } }), {
          result: 'account exists: false',
        });
        // The socket lived through all of it.
        assert.equal((await req('/login', 'wilson', '12345678')).result, 'access granted');
      });

      it('logs in by email: one account at once; several sharing it and the password → only those the password opens', async () => {
        await gwSignup('solo_mail', 'password-1', { email: 'solo@example.test' });
        const one = await ns.send({ namespace: '/login', account: { email: 'solo@example.test', username: '', password: 'password-1' } });
        assert.equal(one.result, 'access granted');
        assert.equal(one.account.username, 'solo_mail');

        await gwSignup('shared_a', 'same-password', { email: 'shared@example.test' });
        await gwSignup('shared_b', 'same-password', { email: 'shared@example.test' });
        await gwSignup('shared_c', 'other-password', { email: 'shared@example.test' });
        const many = await ns.send({
          namespace: '/login',
          account: { email: 'shared@example.test', username: '', password: 'same-password' },
        });
        assert.equal(many.result, 'multiple accounts with this email');
        assert.deepEqual(many.account.map((a: { username: string }) => a.username).sort(), ['shared_a', 'shared_b']);
        for (const a of many.account) {
          assert.deepEqual(Object.keys(a).sort(), ['_id', 'displayName', 'email', 'username']);
          assert.equal(a.email, 'shared@example.test');
        }
        const third = await ns.send({
          namespace: '/login',
          account: { email: 'shared@example.test', username: '', password: 'other-password' },
        });
        assert.equal(third.result, 'access granted');
        assert.equal(third.account.username, 'shared_c');
      });

      it('applies the login lockout: three wrong passwords block the account from this address, on the gateway and over REST', async () => {
        await gwSignup('locked_out', 'right-password');
        for (let i = 0; i < 3; i++)
          assert.equal((await req('/login', 'locked_out', 'wrong-password')).result, 'access denied: incorrect password');
        const blocked = await req('/room/new', 'locked_out', 'right-password', { room: { title: 'nope' } });
        assert.match(blocked.result, /^access denied: too many failed logins, try again in \d+ seconds$/);
        assert.equal((await client(server.url).post('/auth/login', { username: 'locked_out', password: 'right-password' })).status, 429);
      });

      it('updates the display name (the seed frame), refusing an empty one', async () => {
        const updated = await ns.send({
          namespace: '/update/displayname',
          updateDisplayName: 'Wilson Python Dev 🐍',
          account: { email: 'wilson@example.test', username: 'wilson', password: '12345678', displayName: 'Wilson Wick' },
        });
        assert.equal(updated.result, 'displayName updated: true');
        assert.equal(updated.account.displayName, 'Wilson Python Dev 🐍');
        assert.equal(
          (await req('/update/displayname', 'wilson', '12345678', { updateDisplayName: '   ' })).result,
          'updateDisplayName is empty',
        );
        assert.equal((await req('/update/displayname', 'wilson', '12345678')).result, 'updateDisplayName is required');
        const rest = await client(server.url).post('/auth/login', { username: 'wilson', password: '12345678' });
        assert.equal(rest.body.user.display_name, 'Wilson Python Dev 🐍');
      });

      it('updates the username, and never renames after reporting an error (the original did)', async () => {
        await gwSignup('rename_me', 'password-1');
        assert.equal(
          (await req('/update/username', 'rename_me', 'password-1', { updateUsername: 'wilson' })).result,
          'account updateUsername exists: true',
        );
        assert.equal(
          (await req('/update/username', 'rename_me', 'password-1', { updateUsername: 'rename_me' })).result,
          'account updateUsername exists: true',
        );
        assert.equal(
          (await req('/update/username', 'rename_me', 'password-1', { updateUsername: 'ab' })).result,
          'updateUsername is length less than 3',
        );
        assert.equal(
          (await req('/update/username', 'rename_me', 'password-1', { updateUsername: 'bad name!' })).result,
          'unwanted character in username',
        );
        assert.equal((await req('/update/username', 'rename_me', 'password-1')).result, 'updateUsername is required');
        assert.equal(
          (await req('/update/username', 'rename_me', 'wrong-pass', { updateUsername: 'renamed_ok' })).result,
          'access denied: incorrect password',
        );
        // Still named rename_me after every refusal.
        assert.equal((await req('/login', 'rename_me', 'password-1')).result, 'access granted');
        const done = await req('/update/username', 'rename_me', 'password-1', { updateUsername: 'Renamed_OK' });
        assert.equal(done.result, 'username updated: true');
        assert.equal(done.account.username, 'renamed_ok');
        assert.equal((await client(server.url).post('/auth/login', { username: 'renamed_ok', password: 'password-1' })).status, 200);
        assert.equal((await req('/login', 'rename_me', 'password-1')).result, 'access denied: incorrect password');
      });

      it('updates the password: refuses the same one and a short one; the new one works over REST', async () => {
        await gwSignup('pw_changer', 'password-1');
        // The seed document's own frame names the field updateUsername: the original then crashed; here it is a missing field.
        const seedFrame = {
          namespace: '/update/password',
          updateUsername: '12345678wilson',
          account: { email: 'pw_changer@example.test', username: 'pw_changer', password: 'password-1' },
        };
        assert.deepEqual(await ns.send(seedFrame), { result: 'updatePassword is required' });
        assert.equal(
          (await req('/update/password', 'pw_changer', 'password-1', { updatePassword: 'password-1' })).result,
          'password update: updatePassword match oldPassword',
        );
        assert.equal(
          (await req('/update/password', 'pw_changer', 'password-1', { updatePassword: 'short' })).result,
          'updatePassword is length less than 8',
        );
        const done = await req('/update/password', 'pw_changer', 'password-1', { updatePassword: 'password-2' });
        assert.equal(done.result, 'password updated: true');
        assert.equal(done.account.username, 'pw_changer');
        assert.equal((await client(server.url).post('/auth/login', { username: 'pw_changer', password: 'password-1' })).status, 401);
        assert.equal((await client(server.url).post('/auth/login', { username: 'pw_changer', password: 'password-2' })).status, 200);
      });

      it('deactivates on the 30-day schedule, not at once: hidden, refused elsewhere, and back on the next /login', async () => {
        const u = await signup(server.url, { username: 'leaving', password: 'password-1' });
        const other = await signup(server.url);
        assert.deepEqual(await req('/deactivate', 'leaving', 'password-1'), { result: 'account deactivate: true' });
        assert.equal((await other.api.get(`/users/${u.id}`)).status, 404, 'hidden at once');
        assert.equal((await u.api.get('/auth/me')).status, 401, 'signed out everywhere');
        assert.deepEqual(await req('/room/new', 'leaving', 'password-1', { room: { title: 'ghost room' } }), {
          result: 'account exists: false',
        });
        const purge = await server.app.store.users.findById(u.id);
        assert.ok(purge?.purge_after, 'scheduled for deletion');
        const days = (Date.parse(purge.purge_after) - Date.parse(purge.deactivated_at!)) / 86_400_000;
        assert.equal(Math.round(days), 30);
        // Logging in during the grace period cancels it, as over REST.
        assert.equal((await req('/login', 'leaving', 'password-1')).result, 'access granted');
        assert.equal((await other.api.get(`/users/${u.id}`)).status, 200);
      });
    });

    describe('rooms, likes, search, follows', () => {
      it('creates real Rooms rooms (visible over REST), lists own rooms, deletes only own rooms', async () => {
        await gwSignup('roomer', 'password-1');
        assert.equal((await req('/room/new', 'roomer', 'password-1')).result, 'room is required');
        assert.equal(
          (await req('/room/new', 'roomer', 'password-1', { room: { description: 'no title' } })).result,
          'room title is required',
        );
        assert.equal(
          (await req('/room/new', 'roomer', 'password-1', { room: { title: 'x'.repeat(101) } })).result,
          'room.title is invalid: must be at most 100 characters',
        );
        const made = await req('/room/new', 'roomer', 'password-1', {
          room: { title: 'Python Devs', description: 'talk code', categories: ['study'] },
        });
        assert.deepEqual(
          (await req('/login', 'roomer', 'password-1')).account.rooms.map((r: { title: string }) => r.title),
          ['Python Devs'],
        );
        assert.equal(made.result, 'room generated: true');
        assert.equal(made.rooms.length, 1);
        const room = made.rooms[0];
        assert.equal(room.title, 'Python Devs');
        const second = await req('/room/new', 'roomer', 'password-1', { room: { title: 'Second' } });
        assert.deepEqual(second.rooms.map((r: { title: string }) => r.title).sort(), ['Python Devs', 'Second']);

        const viewer = await signup(server.url);
        const rest = await viewer.api.get(`/rooms/${room._id}`);
        assert.equal(rest.status, 200);
        assert.equal(rest.body.name, 'Python Devs');
        assert.deepEqual(rest.body.categories, ['study']);
        const login = await client(server.url).post('/auth/login', { username: 'roomer', password: 'password-1' });
        const mine = await client(server.url, login.body.token).get('/rooms');
        assert.ok(
          mine.body.items.some((r: { id: string; membership: { role: string } }) => r.id === room._id && r.membership.role === 'owner'),
        );

        // Another's room, a made-up id, no id: "room exists: false" / required; the room is untouched.
        const other = await viewer.api.post('/rooms', { name: 'Not yours' });
        assert.equal((await req('/room/delete', 'roomer', 'password-1', { roomId: other.body.id })).result, 'room exists: false');
        assert.equal((await req('/room/delete', 'roomer', 'password-1', { roomId: 'room-123' })).result, 'room exists: false');
        assert.equal((await req('/room/delete', 'roomer', 'password-1')).result, 'roomId is required');
        assert.equal((await viewer.api.get(`/rooms/${other.body.id}`)).status, 200);
        const deleted = await req('/room/delete', 'roomer', 'password-1', { roomId: room._id });
        assert.equal(deleted.result, 'room deleted: true');
        assert.deepEqual(
          deleted.rooms.map((r: { title: string }) => r.title),
          ['Second'],
        );
        assert.equal((await viewer.api.get(`/rooms/${room._id}`)).status, 404);
      });

      it('toggles likes (not on your own room), seen in the like count over REST', async () => {
        await gwSignup('liker', 'password-1');
        const owner = await signup(server.url);
        const room = (await owner.api.post('/rooms', { name: 'Likeable' })).body;
        assert.deepEqual(await req('/room/like', 'liker', 'password-1', { roomId: room.id }), { result: 'liked room' });
        assert.equal((await owner.api.get(`/rooms/${room.id}`)).body.like_count, 1);
        assert.deepEqual(await req('/room/like', 'liker', 'password-1', { roomId: room.id }), { result: 'unliked room' });
        assert.equal((await owner.api.get(`/rooms/${room.id}`)).body.like_count, 0);
        const own = (await req('/room/new', 'liker', 'password-1', { room: { title: 'My own' } })).rooms[0];
        assert.deepEqual(await req('/room/like', 'liker', 'password-1', { roomId: own._id }), { result: 'you can not like your own room' });
        assert.deepEqual(await req('/room/like', 'liker', 'password-1', { roomId: '00000000-0000-7000-8000-000000000000' }), {
          result: 'room exists: false',
        });
        const secret = (await owner.api.post('/rooms', { name: 'Secret', type: 'private' })).body;
        assert.deepEqual(
          await req('/room/like', 'liker', 'password-1', { roomId: secret.id }),
          { result: 'room exists: false' },
          'a private room is not there for outsiders',
        );
      });

      it('searches rooms by title and by id (with the author, whose email stays private)', async () => {
        await gwSignup('searcher', 'password-1');
        const author = await signup(server.url, { display_name: 'The Author' });
        const room = (await author.api.post('/rooms', { name: 'Zebra Crossing' })).body;
        const byTitle = await req('/search/room/title', 'searcher', 'password-1', { roomTitle: 'zebra' });
        assert.equal(byTitle.result, 'room match found: true');
        assert.deepEqual(
          byTitle.rooms.map((r: { _id: string }) => r._id),
          [room.id],
        );
        assert.deepEqual(await req('/search/room/title', 'searcher', 'password-1', { roomTitle: 'no such title anywhere' }), {
          result: 'room exists: false',
        });
        assert.equal((await req('/search/room/title', 'searcher', 'password-1')).result, 'roomTitle is required');

        const byId = await req('/search/room/id', 'searcher', 'password-1', { roomId: room.id });
        assert.equal(byId.result, 'room match found: true');
        assert.equal(byId.room.title, 'Zebra Crossing');
        assert.deepEqual(byId.room.author, { _id: author.id, username: author.username, email: null, displayName: 'The Author' });
        assert.deepEqual(await req('/search/room/id', 'searcher', 'password-1', { roomId: 'nope' }), { result: 'room exists: false' });
        const own = (await req('/room/new', 'searcher', 'password-1', { room: { title: 'Mine' } })).rooms[0];
        assert.equal(
          (await req('/search/room/id', 'searcher', 'password-1', { roomId: own._id })).room.author.email,
          'searcher@example.test',
        );
      });

      it('searches users by id with Rooms visibility rules', async () => {
        await gwSignup('looker', 'password-1');
        const target = await signup(server.url, {
          profile: { hobbies: { value: ['chess'], visibility: 'private' }, country: { value: 'Kenya', visibility: 'public' } },
        });
        const found = await req('/search/user/id', 'looker', 'password-1', { userId: target.id });
        assert.equal(found.result, 'user match found: true');
        assert.equal(found.account.username, target.username);
        assert.equal(found.account.email, null);
        assert.equal(found.account.basicInfo.country, 'Kenya');
        assert.equal(found.account.personalInfo.hobbies, undefined, 'a private field is not shown');
        assert.equal(leaksPassword(found), false);
        assert.deepEqual(await req('/search/user/id', 'looker', 'password-1', { userId: '00000000-0000-7000-8000-000000000000' }), {
          result: 'user match found: false',
        });
        assert.deepEqual(await req('/search/user/id', 'looker', 'password-1', { userId: 'user-abc' }), {
          result: 'user match found: false',
        });
        await target.api.delete('/users/me', { password: target.password });
        assert.deepEqual(await req('/search/user/id', 'looker', 'password-1', { userId: target.id }), {
          result: 'user match found: false',
        });
      });

      it('follows and unfollows (a toggle), and lists the rooms of the people I follow', async () => {
        await gwSignup('follower', 'password-1');
        const me = (await req('/login', 'follower', 'password-1')).account;
        const star = await signup(server.url);
        assert.deepEqual(await req('/search/friend/rooms', 'follower', 'password-1'), { result: 'you are not following any user' });
        assert.deepEqual(await req('/follow/user', 'follower', 'password-1', { userId: star.id }), { result: 'followed user' });
        assert.equal((await star.api.get(`/users/${star.id}/followers`)).body.items[0].id, me._id);
        assert.deepEqual((await req('/login', 'follower', 'password-1')).account.following, [star.id]);
        const seen = (await req('/search/user/id', 'follower', 'password-1', { userId: star.id })).account;
        assert.deepEqual([seen.follower, seen.followersCount, seen.rooms], [[me._id], 1, undefined]);
        assert.deepEqual(await req('/search/friend/rooms', 'follower', 'password-1'), { result: 'you follow users with 0 rooms' });
        const room = (await star.api.post('/rooms', { name: 'Star room' })).body;
        const rooms = await req('/search/friend/rooms', 'follower', 'password-1');
        assert.equal(rooms.result, 'rooms found: true');
        assert.deepEqual(
          rooms.rooms.map((r: { _id: string }) => r._id),
          [room.id],
        );
        assert.equal(rooms.rooms[0].author._id, star.id);
        assert.deepEqual(await req('/follow/user', 'follower', 'password-1', { userId: me._id }), {
          result: 'userId matches current user id',
        });
        assert.deepEqual(await req('/follow/user', 'follower', 'password-1', { userId: '00000000-0000-7000-8000-000000000000' }), {
          result: 'following account exists: false',
        });
        assert.deepEqual(await req('/follow/user', 'follower', 'password-1', { userId: star.id }), { result: 'unfollowed user' });
        assert.equal((await star.api.get(`/users/${star.id}/followers`)).body.items.length, 0);
      });
    });

    describe('pre-checks', () => {
      const refusedAndClosed = async (frame: unknown, result: string | RegExp) => {
        const c = await NamespaceClient.open(server.url);
        const reply = await c.send(frame);
        if (typeof result === 'string') assert.deepEqual(reply, { result });
        else assert.match(reply.result, result);
        assert.equal((await c.closed).code, 1000);
      };

      it('closes after bad JSON, a missing namespace or account, an empty account value, an unwanted character, an empty namespace', async () => {
        await refusedAndClosed('{"namespace": "/login", ', /^json error: /);
        await refusedAndClosed({ account: account('wilson', '12345678') }, "json error: 'namespace'");
        await refusedAndClosed({ namespace: '/login' }, "json error: 'account'");
        await refusedAndClosed({ namespace: '/login', account: { username: 'wilson', password: '12345678' } }, 'empty account value');
        await refusedAndClosed({ namespace: '/login', account: account('wil son', '12345678') }, 'unwanted character in username');
        await refusedAndClosed({ namespace: '', account: account('wilson', '12345678') }, 'unknown namespace');
        await refusedAndClosed('[1, 2]', "json error: 'namespace'");
      });

      it('answers an unknown namespace and keeps the socket; the namespace and username are case-insensitive', async () => {
        const c = await NamespaceClient.open(server.url);
        assert.deepEqual(await c.send({ namespace: '/nope', account: account('wilson', '12345678') }), { result: 'unknown namespace' });
        assert.deepEqual(await c.send({ namespace: '/toString', account: account('wilson', '12345678') }), { result: 'unknown namespace' });
        assert.equal((await c.send({ namespace: '/LOGIN', account: account('WILSON', '12345678') })).result, 'access granted');
        c.close();
      });

      it('closes a frame larger than the WebSocket limit with 1009', async () => {
        const c = await NamespaceClient.open(server.url);
        c.ws.send(JSON.stringify({ namespace: '/login', account: account('wilson', 'x'.repeat(70 * 1024)) }));
        assert.equal((await c.closed).code, 1009);
      });
    });
  });
}

describe('namespace gateway switched off (the default)', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer(backends()[0]!);
  });
  after(() => server.stop());

  it('refuses the upgrade with 404', async () => {
    await assert.rejects(NamespaceClient.open(server.url), (err: { status?: number }) => err.status === 404);
  });
});
