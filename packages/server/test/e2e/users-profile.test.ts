import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Answer, client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { assertRefused, type User } from '../helpers/assertions.ts';
import { backends } from '../helpers/services.ts';

/** Born on 1 January: the age is the difference of years whatever today is. */
const BIRTH_DATE = '1990-01-01';
const expectedAge = () => new Date().getUTCFullYear() - 1990;

const OWNER_PROFILE = {
  birth_date: { value: BIRTH_DATE, visibility: 'public' },
  country: { value: 'France', visibility: 'public' },
  hobbies: { value: ['chess', 'climbing'], visibility: 'mates' },
  height_cm: { value: 180, visibility: 'mates' },
  phone: { value: '+44 20 7946 0958', visibility: 'private' },
  weight_kg: { value: 72.5, visibility: 'private' },
  languages: { value: ['fr', 'en'] }, // no visibility given: private by default
};

for (const backend of backends()) {
  describe(`users e2e, profiles: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let server: TestServer;
    let owner: User;
    let mate: User;
    let stranger: User;
    before(async () => {
      server = await startServer(backend);
      owner = await signup(server.url, { display_name: 'Olive Owner', profile: OWNER_PROFILE });
      mate = await signup(server.url);
      stranger = await signup(server.url);
      assert.equal((await mate.api.post(`/users/${owner.id}/follow`)).status, 204);
    });
    after(() => server.stop());

    const publicFields = () => ({ birth_date: BIRTH_DATE, age: expectedAge(), country: 'France' });
    const mateFields = () => ({ ...publicFields(), hobbies: ['chess', 'climbing'], height_cm: 180 });

    describe('field visibility', () => {
      it('the owner sees every field, its visibility and the derived age via GET /auth/me', async () => {
        const me = await owner.api.get('/auth/me');
        assert.equal(me.status, 200);
        assert.deepEqual(me.body.profile, { ...mateFields(), phone: '+44 20 7946 0958', weight_kg: 72.5, languages: ['fr', 'en'] });
        assert.deepEqual(me.body.profile_visibility, {
          birth_date: 'public',
          country: 'public',
          hobbies: 'mates',
          height_cm: 'mates',
          phone: 'private',
          weight_kg: 'private',
          languages: 'private',
        });
        assert.equal(me.body.email, `${owner.username}@example.test`);
        assert.equal(me.body.deactivated_at, null);
      });

      it('a stranger sees only public fields; hidden ones are absent, not null, and nothing else leaks', async () => {
        const res = await stranger.api.get(`/users/${owner.id}`);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.profile, publicFields());
        for (const hidden of ['hobbies', 'height_cm', 'phone', 'weight_kg', 'languages'])
          assert.ok(!(hidden in res.body.profile), `${hidden} must be absent`);
        for (const own of ['email', 'profile_visibility', 'is_admin', 'deactivated_at'])
          assert.ok(!(own in res.body), `${own} is the owner's only`);
        const raw = JSON.stringify(res.body);
        assert.ok(!raw.includes('7946') && !raw.includes('chess') && !raw.includes('private'), raw);
        assert.equal(res.body.display_name, 'Olive Owner');
        assert.equal(res.body.username, owner.username);
        assert.equal(res.body.followed_by_me, false);
      });

      it('a follower of the owner is a mate: sees public and mates fields, never private ones', async () => {
        const res = await mate.api.get(`/users/${owner.id}`);
        assert.equal(res.status, 200);
        assert.deepEqual(res.body.profile, mateFields());
        assert.equal(res.body.followed_by_me, true);
      });

      it('being followed BY the owner does not make a reader a mate', async () => {
        assert.equal((await owner.api.post(`/users/${stranger.id}/follow`)).status, 204);
        try {
          const res = await stranger.api.get(`/users/${owner.id}`);
          assert.deepEqual(res.body.profile, publicFields());
        } finally {
          assert.equal((await owner.api.delete(`/users/${stranger.id}/follow`)).status, 204);
        }
      });

      it('unfollowing takes the mates fields away again', async () => {
        const other = await signup(server.url);
        assert.equal((await other.api.post(`/users/${owner.id}/follow`)).status, 204);
        assert.deepEqual((await other.api.get(`/users/${owner.id}`)).body.profile, mateFields());
        assert.equal((await other.api.delete(`/users/${owner.id}/follow`)).status, 204);
        assert.deepEqual((await other.api.get(`/users/${owner.id}`)).body.profile, publicFields());
      });

      it('the owner reading GET /users/:id of themselves sees every field', async () => {
        const res = await owner.api.get(`/users/${owner.id}`);
        assert.equal(res.status, 200);
        assert.deepEqual(Object.keys(res.body.profile).sort(), [
          'age',
          'birth_date',
          'country',
          'height_cm',
          'hobbies',
          'languages',
          'phone',
          'weight_kg',
        ]);
      });

      it('hiding birth_date hides the derived age too; making it public shows both again', async () => {
        const u = await signup(server.url, { profile: { birth_date: { value: BIRTH_DATE, visibility: 'public' } } });
        assert.deepEqual((await stranger.api.get(`/users/${u.id}`)).body.profile, { birth_date: BIRTH_DATE, age: expectedAge() });
        assert.equal((await u.api.patch('/users/me', { profile: { birth_date: { visibility: 'private' } } })).status, 200);
        assert.deepEqual((await stranger.api.get(`/users/${u.id}`)).body.profile, {});
        assert.equal((await u.api.patch('/users/me', { profile: { birth_date: { visibility: 'public' } } })).status, 200);
        assert.deepEqual((await stranger.api.get(`/users/${u.id}`)).body.profile, { birth_date: BIRTH_DATE, age: expectedAge() });
      });
    });

    describe('PATCH /users/me', () => {
      it('changes display_name, bio, website, status_message and avatar_url, visible to others', async () => {
        const patch = {
          display_name: '  Olive O.  ',
          bio: 'Climber.\nChess player.',
          website: 'https://olive.example/',
          status_message: 'on the wall',
          avatar_url: 'https://cdn.example/olive.png',
        };
        const res = await owner.api.patch('/users/me', patch);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        const expected = { ...patch, display_name: 'Olive O.' };
        for (const view of [res.body, (await owner.api.get('/auth/me')).body, (await stranger.api.get(`/users/${owner.id}`)).body]) {
          for (const [k, v] of Object.entries(expected)) assert.equal(view[k], v, k);
        }
      });

      it('null clears an optional field; display_name cannot be cleared', async () => {
        const res = await owner.api.patch('/users/me', { website: null, status_message: null, avatar_url: null });
        assert.equal(res.status, 200);
        const me = (await owner.api.get('/auth/me')).body;
        assert.equal(me.website, null);
        assert.equal(me.status_message, null);
        assert.equal(me.avatar_url, null);
        assert.equal(me.bio, 'Climber.\nChess player.', 'fields not in the patch keep their value');
        assertRefused(await owner.api.patch('/users/me', { display_name: null }), 400, 'validation_failed', 'body.display_name');
        assert.equal((await owner.api.get('/auth/me')).body.display_name, 'Olive O.');
      });

      it('a visibility-only patch keeps the value; a value-only patch keeps the visibility', async () => {
        const u = await signup(server.url, { profile: { phone: { value: '+33 1 23 45 67 89', visibility: 'private' } } });
        let me = (await u.api.patch('/users/me', { profile: { phone: { visibility: 'public' } } })).body;
        assert.equal(me.profile.phone, '+33 1 23 45 67 89');
        assert.equal(me.profile_visibility.phone, 'public');
        assert.equal((await stranger.api.get(`/users/${u.id}`)).body.profile.phone, '+33 1 23 45 67 89');

        me = (await u.api.patch('/users/me', { profile: { phone: { value: '+33 9 99 99 99 99' } } })).body;
        assert.equal(me.profile_visibility.phone, 'public');
        assert.equal((await stranger.api.get(`/users/${u.id}`)).body.profile.phone, '+33 9 99 99 99 99');

        // Clearing the value hides the field from everyone, the owner included.
        me = (await u.api.patch('/users/me', { profile: { phone: { value: null } } })).body;
        assert.ok(!('phone' in me.profile));
        assert.ok(!('phone' in (await stranger.api.get(`/users/${u.id}`)).body.profile));
      });

      it('a refused patch changes nothing, even its valid parts', async () => {
        const snapshot = (await owner.api.get('/auth/me')).body;
        const bad = [
          { display_name: 'Fine name', bio: 'x'.repeat(501) },
          { status_message: 'ok', website: 'javascript:alert(1)' },
          { profile: { country: { value: 'Spain' }, height_cm: { value: 'tall' } } },
          { profile: { hobbies: { visibility: 'friends' } } },
          { profile: { shoe_size: { value: 44 } } },
          { profile: { birth_date: { value: '2999-01-01' } } },
        ];
        for (const body of bad) {
          const res = await owner.api.patch('/users/me', body);
          assertRefused(res, 400, 'validation_failed');
          assert.ok(Array.isArray(res.body.error.details) && res.body.error.details.length > 0, JSON.stringify(res.body));
        }
        assert.deepEqual((await owner.api.get('/auth/me')).body, snapshot);
      });
    });

    describe('reading users', () => {
      it('an id that is not a uuid is 400 validation_failed on params.id', async () => {
        assertRefused(await stranger.api.get('/users/not-a-uuid'), 400, 'validation_failed', 'params.id');
        assertRefused(await stranger.api.post('/users/12345/follow'), 400, 'validation_failed', 'params.id');
      });

      it('an unknown id is 404 user_not_found', async () => {
        assertRefused(await stranger.api.get('/users/01900000-0000-7000-8000-000000000000'), 404, 'user_not_found');
      });

      it('needs a valid token: 401 without one or with a forged one', async () => {
        assertRefused(await client(server.url).get(`/users/${owner.id}`), 401, 'unauthenticated');
        assertRefused(await client(server.url, `${owner.token}x`).get(`/users/${owner.id}`), 401, 'unauthenticated');
      });
    });

    describe('deactivation (DELETE /users/me)', () => {
      let gone: User;
      before(async () => {
        gone = await signup(server.url, { display_name: 'Gone Soon' });
        assert.equal((await gone.api.post(`/users/${owner.id}/follow`)).status, 204);
        assert.equal((await owner.api.post(`/users/${gone.id}/follow`)).status, 204);
      });

      const ids = (res: Answer) => (res.body.items as { id: string }[]).map((u) => u.id);

      it('needs the right password: otherwise 403 wrong_password (or 400) and the account stays', async () => {
        assertRefused(await gone.api.delete('/users/me', { password: 'not the password' }), 403, 'wrong_password');
        assertRefused(await gone.api.delete('/users/me'), 400, 'validation_failed');
        assertRefused(await gone.api.delete('/users/me', { password: gone.password, now: true }), 400, 'validation_failed', 'body.now');
        const me = await gone.api.get('/auth/me');
        assert.equal(me.status, 200);
        assert.equal(me.body.deactivated_at, null);
        assert.equal((await stranger.api.get(`/users/${gone.id}`)).status, 200);
      });

      it('hides the account at once: 404, not in search, not in follow lists or counts, old token 401', async () => {
        const countsBefore = (await stranger.api.get(`/users/${owner.id}`)).body;
        assert.ok(ids(await stranger.api.get(`/users/${owner.id}/followers?limit=100`)).includes(gone.id));
        assert.ok(ids(await stranger.api.get(`/users/search?q=${gone.username}`)).includes(gone.id));

        assert.equal((await gone.api.delete('/users/me', { password: gone.password })).status, 204);

        assertRefused(await stranger.api.get(`/users/${gone.id}`), 404, 'user_not_found');
        assert.deepEqual(ids(await stranger.api.get(`/users/search?q=${gone.username}`)), []);
        assert.deepEqual(ids(await stranger.api.get('/users/search?q=gone%20soon')), []);
        assert.ok(!ids(await stranger.api.get(`/users/${owner.id}/followers?limit=100`)).includes(gone.id));
        assert.ok(!ids(await stranger.api.get(`/users/${owner.id}/following?limit=100`)).includes(gone.id));
        const countsAfter = (await stranger.api.get(`/users/${owner.id}`)).body;
        assert.equal(countsAfter.followers_count, countsBefore.followers_count - 1);
        assert.equal(countsAfter.following_count, countsBefore.following_count - 1);
        assertRefused(await stranger.api.get(`/users/${gone.id}/followers`), 404, 'user_not_found');
        assertRefused(await stranger.api.post(`/users/${gone.id}/follow`), 404, 'user_not_found');

        const old = await gone.api.get('/auth/me');
        assert.equal(old.status, 401);
        assert.equal((await gone.api.patch('/users/me', { bio: 'still here?' })).status, 401);
      });

      it('logging in again within the grace period reactivates it; the old token stays revoked', async () => {
        const login = await client(server.url).post('/auth/login', { username: gone.username, password: gone.password });
        assert.equal(login.status, 200, JSON.stringify(login.body));
        assert.equal(login.body.user.deactivated_at, null);
        const fresh = client(server.url, login.body.token);
        assert.equal((await fresh.get('/auth/me')).status, 200);

        const seen = await stranger.api.get(`/users/${gone.id}`);
        assert.equal(seen.status, 200);
        assert.equal(seen.body.display_name, 'Gone Soon');
        assert.ok(ids(await stranger.api.get(`/users/search?q=${gone.username}`)).includes(gone.id));
        assert.ok(ids(await stranger.api.get(`/users/${owner.id}/followers?limit=100`)).includes(gone.id));
        assertRefused(await gone.api.get('/auth/me'), 401, 'token_revoked');
      });
    });
  });
}
