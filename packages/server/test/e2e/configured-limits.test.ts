import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_SERVER_LIMITS } from '@rooms/protocol';
import { client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { assertRefused, type User } from '../helpers/assertions.ts';
import { backends } from '../helpers/services.ts';
import { TestSocket } from '../helpers/ws.ts';

/** SPEC §12: "all configurable, these are defaults" — each limit set away from its default, both ways. */
const CONFIGURED = {
  USERNAME_MIN: 2,
  USERNAME_MAX: 30,
  PASSWORD_MIN: 12,
  PASSWORD_MAX: 40,
  DISPLAY_NAME_MAX: 10,
  STATUS_MESSAGE_MAX: 5,
  ROOM_NAME_MAX: 12,
  MESSAGE_MAX_LENGTH: 20_000,
  INVITE_EXPIRY: 3600,
  TYPING_TIMEOUT: 2,
  AWAY_AFTER: 60,
};

for (const backend of backends()) {
  describe(`configured limits: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let server: TestServer;
    let alice: User;
    let room: { id: string };
    before(async () => {
      server = await startServer(backend, { config: CONFIGURED });
      alice = await signup(server.url, { password: 'twelve chars' });
      room = (await alice.api.post('/rooms', { name: 'limits', type: 'public' })).body;
    });
    after(() => server.stop());

    it('GET /limits tells anyone (no token) the configured values; the defaults are what a plain server answers', async () => {
      const res = await client(server.url).get('/limits');
      assert.equal(res.status, 200);
      assert.deepEqual(res.body.username, { min: 2, max: 30 });
      assert.deepEqual(res.body.password, { min: 12, max: 40 });
      assert.equal(res.body.display_name.max, 10);
      assert.equal(res.body.status_message.max, 5);
      assert.equal(res.body.room_name.max, 12);
      assert.equal(res.body.message.max, 20_000);
      assert.equal(res.body.invite_default_seconds, 3600);
      assert.equal(res.body.typing_seconds, 2);
      assert.equal(res.body.away_after_seconds, 60);
      assert.deepEqual(Object.keys(res.body).sort(), Object.keys(DEFAULT_SERVER_LIMITS).sort());
    });

    it('usernames and passwords: the configured bounds, on signup and on change', async () => {
      const ok = await signup(server.url, { username: 'x'.repeat(30), password: 'p'.repeat(40) });
      assert.equal(ok.me.username, 'x'.repeat(30), 'past the default 20');
      assert.equal((await signup(server.url, { username: 'ab', password: 'p'.repeat(12) })).me.username, 'ab', 'below the default 3');
      const anon = client(server.url);
      const body = (over: Record<string, unknown>) => ({
        username: 'newbie',
        email: 'newbie@example.test',
        password: 'long enough!',
        ...over,
      });
      assertRefused(await anon.post('/auth/signup', body({ username: 'y'.repeat(31) })), 400, 'validation_failed', 'body.username');
      assertRefused(await anon.post('/auth/signup', body({ password: 'p'.repeat(11) })), 400, 'validation_failed', 'body.password');
      assertRefused(await anon.post('/auth/signup', body({ password: 'p'.repeat(41) })), 400, 'validation_failed', 'body.password');
      assert.equal(
        (await anon.post('/auth/login', { username: 'newbie', password: 'long enough!' })).status,
        401,
        'no account came of the refusals',
      );
      assertRefused(await alice.api.put('/users/me/username', { username: 'z'.repeat(31) }), 400, 'validation_failed', 'body.username');
      assertRefused(
        await alice.api.put('/users/me/password', { current_password: alice.password, new_password: 'elevenchars' }),
        400,
        'validation_failed',
        'body.new_password',
      );
      assert.equal(
        (await client(server.url).post('/auth/login', { username: alice.username, password: alice.password })).status,
        200,
        'the password is unchanged',
      );
    });

    it('display name and status message: the configured maximum on every profile update', async () => {
      assertRefused(await alice.api.patch('/users/me', { display_name: 'n'.repeat(11) }), 400, 'validation_failed', 'body.display_name');
      assertRefused(await alice.api.patch('/users/me', { status_message: 'busy!!' }), 400, 'validation_failed', 'body.status_message');
      assert.equal((await alice.api.patch('/users/me', { display_name: 'n'.repeat(10), status_message: 'busy!' })).status, 200);
      assertRefused(
        await client(server.url).post('/auth/signup', {
          username: 'longname',
          email: 'ln@example.test',
          password: 'long enough!',
          display_name: 'd'.repeat(11),
        }),
        400,
        'validation_failed',
        'body.display_name',
      );
    });

    it('room names: the configured maximum on create and rename', async () => {
      assertRefused(await alice.api.post('/rooms', { name: 'r'.repeat(13), type: 'public' }), 400, 'validation_failed', 'body.name');
      assertRefused(await alice.api.put(`/rooms/${room.id}`, { name: 'r'.repeat(13) }), 400, 'validation_failed', 'body.name');
      assert.equal((await alice.api.get(`/rooms/${room.id}`)).body.name, 'limits');
    });

    it('messages: past the default 10,000 up to the configured 20,000, over REST and the WebSocket; one more is refused on both', async () => {
      const long = (await alice.api.post(`/rooms/${room.id}/messages`, { content: 'm'.repeat(20_000) })).body;
      assert.equal(long.content.length, 20_000);
      assertRefused(
        await alice.api.post(`/rooms/${room.id}/messages`, { content: 'm'.repeat(20_001) }),
        400,
        'validation_failed',
        'body.content',
      );
      assertRefused(await alice.api.put(`/messages/${long.id}`, { content: 'm'.repeat(20_001) }), 400, 'validation_failed', 'body.content');
      const s = await TestSocket.open(server.url, { token: alice.token });
      try {
        assert.ok((await s.request('send_message', { room_id: room.id, content: 'w'.repeat(15_000) })).message.id);
        await assert.rejects(s.request('send_message', { room_id: room.id, content: 'w'.repeat(20_001) }), /validation_failed/);
      } finally {
        s.ws.close();
      }
    });

    it('invites last INVITE_EXPIRY when their creator does not say; typing lasts TYPING_TIMEOUT', async () => {
      const before = Date.now();
      const invite = (await alice.api.post(`/rooms/${room.id}/invites`, {})).body;
      const lasts = Date.parse(invite.expires_at) - before;
      assert.ok(lasts > 3590_000 && lasts < 3610_000, `an hour, not a week: ${lasts} ms`);
      const s = await TestSocket.open(server.url, { token: alice.token });
      try {
        assert.equal((await s.request('typing_start', { room_id: room.id })).expires_in_ms, 2000);
      } finally {
        s.ws.close();
      }
    });
  });
}
