/**
 * The inputs that PostgreSQL answered with a 500 (SQLite with a 4xx), and lone surrogates that
 * were acknowledged but stored as U+FFFD: each is a 400 with a clear code on both databases, and
 * changes nothing in the database.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { assertRefused, type User } from '../helpers/assertions.ts';
import { type Answer, client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { changedTables, openStateDigest, type StateDigest } from '../helpers/state-digest.ts';
import { TestSocket } from '../helpers/ws.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

for (const backend of backends()) {
  describe(
    `malformed input is refused and changes nothing: ${backend.name}`,
    { skip: !backend.available && 'TEST_DATABASE_URL not set' },
    () => {
      let srv: TestServer;
      let digest: StateDigest;
      let owner: User;
      let member: User;
      let roomId: string;
      let messageId: string;
      let inviteCode: string;
      before(async () => {
        srv = await startServer(backend);
        digest = await openStateDigest({ databaseUrl: srv.app.config.DATABASE_URL, dataDir: srv.app.config.DATA_DIR });
        owner = await signup(srv.url);
        member = await signup(srv.url);
        await member.api.post(`/users/${owner.id}/follow`);
        roomId = (await owner.api.post('/rooms', { name: 'refusals' })).body.id;
        await member.api.post(`/rooms/${roomId}/join`);
        messageId = (await owner.api.post(`/rooms/${roomId}/messages`, { content: `hello @${member.username}` })).body.id;
        await owner.api.post(`/messages/${messageId}/reactions`, { emoji: '👍' });
        inviteCode = (await owner.api.post(`/rooms/${roomId}/invites`, {})).body.code;
      });
      after(async () => {
        await digest.close();
        await srv.stop();
      });

      /** Sends a request that must be refused with this status and code, and checks no table changed. */
      const refused = async (send: () => Promise<Answer>, code: string, field?: string) => {
        const before = await digest.take();
        assertRefused(await send(), 400, code, field);
        assert.deepEqual(changedTables(before, await digest.take()), []);
      };
      const anon = () => client(srv.url);

      describe('NUL in a string that reaches a query', () => {
        it('log in by username or email', async () => {
          await refused(
            () => anon().post('/auth/login', { username: `${owner.username}\u0000`, password: owner.password }),
            'validation_failed',
            'body.username',
          );
          await refused(
            () => anon().post('/auth/login', { email: '\u0000@example.test', password: owner.password }),
            'validation_failed',
            'body.email',
          );
        });

        it('search users and public rooms', async () => {
          await refused(() => owner.api.get('/users/search?q=a%00'), 'validation_failed', 'querystring.q');
          await refused(() => owner.api.get('/rooms/public?q=a%00b'), 'validation_failed', 'querystring.q');
          await refused(() => owner.api.get('/rooms/public?category=%00'), 'validation_failed', 'querystring.category');
        });

        it('invite codes, to look up, revoke or accept', async () => {
          await refused(() => owner.api.get(`/invites/${inviteCode}%00`), 'validation_failed', 'params.code');
          await refused(() => owner.api.delete(`/invites/%00${inviteCode}`), 'validation_failed', 'params.code');
          await refused(() => member.api.post(`/invites/${inviteCode}%00/accept`), 'validation_failed', 'params.code');
          assert.equal((await owner.api.get(`/invites/${inviteCode}`)).status, 200, 'the invite is still there');
        });

        it('reaction emoji, to add or remove', async () => {
          await refused(
            () => owner.api.delete(`/messages/${messageId}/reactions/${encodeURIComponent('👍')}%00`),
            'validation_failed',
            'params.emoji',
          );
          await refused(() => owner.api.post(`/messages/${messageId}/reactions`, { emoji: '👍\u0000' }), 'validation_failed', 'body.emoji');
          assert.deepEqual((await owner.api.get(`/messages/${messageId}`)).body.reactions, [{ emoji: '👍', count: 1, me: true }]);
        });

        it('any string no schema names: an unknown query parameter, a body key', async () => {
          await refused(() => owner.api.get('/auth/me?x=%00'), 'validation_failed', 'querystring.x');
          await refused(
            () => owner.api.post(`/rooms/${roomId}/messages`, { content: 'hi', '\u0000': 1 }),
            'validation_failed',
            'body."\\u0000"',
          );
        });
      });

      describe('positions past the integer range of the seq column', () => {
        it('before=999999999999999 and after=2147483648 are refused; 2147483647 is the last seq accepted', async () => {
          await refused(() => owner.api.get(`/rooms/${roomId}/messages?before=999999999999999`), 'validation_failed', 'querystring.before');
          await refused(() => owner.api.get(`/rooms/${roomId}/messages?after=2147483648`), 'validation_failed', 'querystring.after');
          await refused(() => owner.api.get(`/rooms/${roomId}/messages?after=${'-'.repeat(36)}`), 'validation_failed', 'querystring.after');
          const last = await owner.api.get(`/rooms/${roomId}/messages?before=2147483647`);
          assert.equal(last.status, 200);
          assert.deepEqual(
            last.body.items.filter((m: { type: string }) => m.type !== 'system').map((m: { id: string }) => m.id),
            [messageId],
            'besides "member joined"',
          );
          assert.equal((await owner.api.get(`/rooms/${roomId}/messages?after=2147483647`)).body.items.length, 0);
        });

        it('a read marker past the range', async () => {
          await refused(() => owner.api.post(`/rooms/${roomId}/read`, { seq: 2147483648 }), 'validation_failed', 'body.seq');
        });
      });

      describe('forged cursors', () => {
        const forged = [
          b64(`1|${messageId}`),
          b64(`0000-01-01T00:00:00.000Z|0190a0a0-0000-7000-8000-000000000000`),
          b64('2024-02-30T00:00:00.000Z|0190a0a0-0000-7000-8000-000000000000'),
          'garbage',
        ];
        it('(time, id) cursors of notifications, members, followers and following', async () => {
          for (const cursor of [b64(`1|${owner.id}`), ...forged]) {
            for (const path of [
              '/notifications',
              `/rooms/${roomId}/members`,
              `/users/${owner.id}/followers`,
              `/users/${member.id}/following`,
            ]) {
              await refused(() => owner.api.get(`${path}?cursor=${encodeURIComponent(cursor)}`), 'invalid_cursor');
            }
          }
        });

        it('(name, id) cursors of public rooms', async () => {
          for (const cursor of [
            b64('["a",2]'),
            b64('["a","b"]'),
            b64('[1,2]'),
            b64(`["a","${roomId}",1]`),
            b64(`["\\u0000","${roomId}"]`),
            'garbage',
          ]) {
            await refused(() => owner.api.get(`/rooms/public?cursor=${encodeURIComponent(cursor)}`), 'invalid_cursor');
          }
        });

        it('a cursor the server wrote still pages', async () => {
          await owner.api.post('/rooms', { name: 'refusals 2' });
          const first = await owner.api.get('/rooms/public?limit=1');
          assert.equal(typeof first.body.next_cursor, 'string');
          const second = await owner.api.get(`/rooms/public?limit=1&cursor=${first.body.next_cursor}`);
          assert.equal(second.status, 200);
          assert.notEqual(second.body.items[0].id, first.body.items[0].id);
        });
      });

      describe('lone surrogates (JSON.parse accepts "\\ud800"; UTF-8 cannot store it)', () => {
        it('message content, names, descriptions, profile text', async () => {
          await refused(() => owner.api.post(`/rooms/${roomId}/messages`, { content: 'hi \ud800' }), 'validation_failed', 'body.content');
          await refused(() => owner.api.put(`/messages/${messageId}`, { content: '\udc00' }), 'validation_failed', 'body.content');
          await refused(() => owner.api.post('/rooms', { name: 'room \ud83d' }), 'validation_failed', 'body.name');
          await refused(() => owner.api.put(`/rooms/${roomId}`, { description: 'x\udfff' }), 'validation_failed', 'body.description');
          await refused(() => owner.api.patch('/users/me', { display_name: '\ud800name' }), 'validation_failed', 'body.display_name');
          await refused(
            () => owner.api.patch('/users/me', { website: 'https://example.test/\ud800' }),
            'validation_failed',
            'body.website',
          );
          await refused(
            () => owner.api.patch('/users/me', { profile: { hobbies: { value: ['chess', '\udc00'] } } }),
            'validation_failed',
            'body.profile.hobbies.value.1',
          );
        });

        it('passwords: two different lone surrogates would hash alike', async () => {
          await refused(
            () => anon().post('/auth/signup', { username: 'surrogate_pw', email: 'surrogate_pw@example.test', password: 'password\ud800' }),
            'validation_failed',
            'body.password',
          );
        });

        it('a WebSocket send_message is answered with an error frame and stores nothing', async () => {
          const s = await TestSocket.open(srv.url, { token: owner.token });
          try {
            const before = await digest.take();
            const err = await s.request('send_message', { room_id: roomId, content: 'hi \ud800' }).then(
              () => assert.fail('acknowledged'),
              (e: { code?: string }) => e.code,
            );
            assert.equal(err, 'validation_failed');
            const frameId = await s.request('ping', {});
            assert.ok(frameId.pong, 'the socket is still open');
            assert.deepEqual(changedTables(before, await digest.take()), []);
          } finally {
            s.close();
          }
        });
      });

      describe('times and URLs', () => {
        it('a mute until a time PostgreSQL would round past year 9999 is refused, and members still list', async () => {
          await refused(
            () => owner.api.patch(`/rooms/${roomId}/members/${member.id}`, { muted: true, muted_until: '9999-12-31T23:59:59.9999999Z' }),
            'validation_failed',
            'body.muted_until',
          );
          assert.equal((await owner.api.get(`/rooms/${roomId}/members`)).status, 200);
        });

        it('a path that is not UTF-8 gets the API error shape', async () => {
          await refused(() => owner.api.get('/users/%ED%A0%80'), 'validation_failed');
        });
      });
    },
  );
}
