import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Answer, client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { assertRefused, type User } from '../helpers/assertions.ts';
import { backends } from '../helpers/services.ts';

const EMOJI = '😀'; // one code point, two UTF-16 units
const E_ACUTE_NFD = 'e\u0301'; // two code points, one after NFC

for (const backend of backends()) {
  describe(`users e2e, limits: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let server: TestServer;
    let subject: User;
    let other: User;
    before(async () => {
      server = await startServer(backend);
      subject = await signup(server.url, { username: 'subject' });
      other = await signup(server.url, { username: 'taken_name' });
    });
    after(() => server.stop());

    const me = async () => {
      const res = await subject.api.get('/auth/me');
      assert.equal(res.status, 200);
      return res.body;
    };
    /** Sends each refused request and checks the account is exactly as before. */
    const refusedAndUnchanged = async (send: () => Promise<Answer>, status: number, code: string, field?: string) => {
      const snapshot = await me();
      assertRefused(await send(), status, code, field);
      assert.deepEqual(await me(), snapshot);
    };
    const anon = () => client(server.url);
    const signupBody = (over: Record<string, unknown>) => ({
      username: 'newcomer',
      email: 'newcomer@example.test',
      password: 'long enough',
      ...over,
    });
    /** No account came out of a refused signup: its name is not found. */
    const noAccount = async (username: string) => {
      const res = await subject.api.get(`/users/search?q=${encodeURIComponent(username.toLowerCase().slice(0, 50))}`);
      assert.ok(!res.body.items?.some((u: { username: string }) => u.username === username.toLowerCase()), `${username} exists`);
    };

    describe('username: 3..20 of [a-z0-9_], lower-cased', () => {
      it('signup accepts 3 and 20 characters (with passwords of 8 and 128) and both can log in', async () => {
        const short = await signup(server.url, { username: 'abc', password: 'p'.repeat(8) });
        const long = await signup(server.url, { username: 'a'.repeat(19) + '9', password: 'P'.repeat(127) + '!' });
        assert.equal(short.me.username, 'abc');
        assert.equal(long.me.username, `${'a'.repeat(19)}9`);
        assert.equal((await anon().post('/auth/login', { username: 'abc', password: 'p'.repeat(8) })).status, 200);
        assert.equal((await anon().post('/auth/login', { username: long.username, password: 'P'.repeat(127) + '!' })).status, 200);
        // Every one of the 128 characters counts: a different last one is a wrong password.
        assertRefused(
          await anon().post('/auth/login', { username: long.username, password: 'P'.repeat(127) + '?' }),
          401,
          'invalid_credentials',
        );
      });

      it('signup refuses 2 and 21 characters and anything outside [a-z0-9_]', async () => {
        for (const username of ['ab', 'a'.repeat(21), 'bad-name', 'bad name', 'émile', 'dot.ted', 'at@sign', 'tab\tbed', '']) {
          assertRefused(await anon().post('/auth/signup', signupBody({ username })), 400, 'validation_failed', 'body.username');
          if (username) await noAccount(username);
        }
      });

      it('signup lower-cases the username, and it is unique case-insensitively', async () => {
        const mixed = await signup(server.url, { username: 'MiXeD_Case1' });
        assert.equal(mixed.me.username, 'mixed_case1');
        assertRefused(await anon().post('/auth/signup', signupBody({ username: 'MIXED_CASE1' })), 409, 'username_taken');
      });

      it('PUT /users/me/username accepts 3 and 20 characters and lower-cases', async () => {
        for (const [sent, stored] of [
          ['xyz', 'xyz'],
          ['z'.repeat(20), 'z'.repeat(20)],
          ['  New_Name_2  ', 'new_name_2'],
        ]) {
          const res = await subject.api.put('/users/me/username', { username: sent });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assert.equal(res.body.username, stored);
          assert.equal((await me()).username, stored);
        }
      });

      it('PUT /users/me/username refuses 2 and 21 characters and other characters, changing nothing', async () => {
        for (const username of ['ab', 'a'.repeat(21), 'no-dash', 'ünï', 'sp ace', 'x\u0000y']) {
          await refusedAndUnchanged(() => subject.api.put('/users/me/username', { username }), 400, 'validation_failed', 'body.username');
        }
      });

      it('PUT /users/me/username: the same name is 409 same_value, a taken one 409 username_taken', async () => {
        const current = (await me()).username as string;
        await refusedAndUnchanged(() => subject.api.put('/users/me/username', { username: current.toUpperCase() }), 409, 'same_value');
        await refusedAndUnchanged(() => subject.api.put('/users/me/username', { username: 'TAKEN_NAME' }), 409, 'username_taken');
        assert.equal((await other.api.get('/auth/me')).body.username, 'taken_name');
      });
    });

    describe('password: 8..128', () => {
      it('signup refuses 7 and 129 characters', async () => {
        for (const [username, password] of [
          ['pw_short', 'x'.repeat(7)],
          ['pw_long', 'x'.repeat(129)],
        ]) {
          assertRefused(await anon().post('/auth/signup', signupBody({ username, password })), 400, 'validation_failed', 'body.password');
          await noAccount(username!);
        }
      });

      it('PUT /users/me/password takes 8 then 128 characters, each time a fresh token and the old one revoked', async () => {
        const u = await signup(server.url);
        let current = u.password;
        let token = u.token;
        for (const next of ['8chars!!', `${'w'.repeat(127)}Z`]) {
          const res = await client(server.url, token).put('/users/me/password', { current_password: current, new_password: next });
          assert.equal(res.status, 200, JSON.stringify(res.body));
          assert.equal(typeof res.body.token, 'string');
          assert.notEqual(res.body.token, token);
          assertRefused(await client(server.url, token).get('/auth/me'), 401, 'token_revoked');
          assert.equal((await client(server.url, res.body.token).get('/auth/me')).status, 200);
          current = next;
          token = res.body.token;
        }
        assertRefused(await anon().post('/auth/login', { username: u.username, password: u.password }), 401, 'invalid_credentials');
        assert.equal((await anon().post('/auth/login', { username: u.username, password: current })).status, 200);
      });

      it('PUT /users/me/password refuses 7 and 129 characters, a wrong current one and the same one', async () => {
        const send = (body: unknown) => () => subject.api.put('/users/me/password', body);
        const current = subject.password;
        await refusedAndUnchanged(
          send({ current_password: current, new_password: 'x'.repeat(7) }),
          400,
          'validation_failed',
          'body.new_password',
        );
        await refusedAndUnchanged(
          send({ current_password: current, new_password: 'x'.repeat(129) }),
          400,
          'validation_failed',
          'body.new_password',
        );
        await refusedAndUnchanged(send({ current_password: 'wrong password', new_password: 'x'.repeat(10) }), 403, 'wrong_password');
        await refusedAndUnchanged(send({ current_password: current, new_password: current }), 409, 'same_value');
        await refusedAndUnchanged(send({ new_password: 'x'.repeat(10) }), 400, 'validation_failed', 'body.current_password');
        // The subject's token still works: nothing was changed or revoked.
        assert.equal((await subject.api.get('/auth/me')).status, 200);
      });
    });

    describe('email', () => {
      it('PUT /users/me/email needs the right password, a valid and different address', async () => {
        const send = (body: unknown) => () => subject.api.put('/users/me/email', body);
        await refusedAndUnchanged(send({ email: 'new@example.test', password: 'not it at all' }), 403, 'wrong_password');
        await refusedAndUnchanged(send({ email: 'not an email', password: subject.password }), 400, 'validation_failed', 'body.email');
        await refusedAndUnchanged(send({ email: 'new@example.test' }), 400, 'validation_failed', 'body.password');
        const res = await subject.api.put('/users/me/email', { email: ' New@Example.TEST ', password: subject.password });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.equal((await me()).email, 'new@example.test');
        await refusedAndUnchanged(send({ email: 'new@example.test', password: subject.password }), 409, 'same_value');
      });
    });

    describe('display_name, status_message, bio', () => {
      it('signup accepts a 50-emoji display name, a 100-char status and a 500-char bio with newlines', async () => {
        const bio = `${'b'.repeat(249)}\n${'c'.repeat(250)}`;
        const u = await signup(server.url, { display_name: EMOJI.repeat(50), status_message: 's'.repeat(100), bio });
        assert.equal(u.me.display_name, EMOJI.repeat(50));
        assert.equal(u.me.status_message, 's'.repeat(100));
        assert.equal(u.me.bio, bio);
      });

      it('signup refuses a display name of 0, only spaces or 51, a 101-char status and a 501-char bio', async () => {
        const cases: [Record<string, unknown>, string][] = [
          [{ display_name: '' }, 'body.display_name'],
          [{ display_name: '   ' }, 'body.display_name'],
          [{ display_name: 'd'.repeat(51) }, 'body.display_name'],
          [{ display_name: EMOJI.repeat(51) }, 'body.display_name'],
          [{ status_message: 's'.repeat(101) }, 'body.status_message'],
          [{ bio: 'b'.repeat(501) }, 'body.bio'],
          [{ bio: 'bell\u0007' }, 'body.bio'],
          [{ nickname: 'extra' }, 'body.nickname'],
          [{ display_name: 42 }, 'body.display_name'],
        ];
        for (const [over, field] of cases) {
          assertRefused(
            await anon().post('/auth/signup', signupBody({ username: 'refused_one', ...over })),
            400,
            'validation_failed',
            field,
          );
        }
        await noAccount('refused_one');
      });

      it('PATCH /users/me accepts the bounds: display name 1 and 50 code points, status 100, bio 500', async () => {
        const ok: [Record<string, unknown>, string, unknown][] = [
          [{ display_name: 'D' }, 'display_name', 'D'],
          [{ display_name: 'd'.repeat(50) }, 'display_name', 'd'.repeat(50)],
          [{ display_name: EMOJI.repeat(50) }, 'display_name', EMOJI.repeat(50)],
          // 100 code points as sent, 50 once normalised to NFC: the limit counts what is stored.
          [{ display_name: E_ACUTE_NFD.repeat(50) }, 'display_name', 'é'.repeat(50)],
          [{ display_name: '  Trimmed  ' }, 'display_name', 'Trimmed'],
          [{ status_message: 's'.repeat(100) }, 'status_message', 's'.repeat(100)],
          [{ bio: 'b'.repeat(500) }, 'bio', 'b'.repeat(500)],
          [{ bio: 'line one\nline two\n\ttabbed' }, 'bio', 'line one\nline two\n\ttabbed'],
        ];
        for (const [patch, field, stored] of ok) {
          const res = await subject.api.patch('/users/me', patch);
          assert.equal(res.status, 200, `${JSON.stringify(patch)}: ${JSON.stringify(res.body)}`);
          assert.equal((await me())[field], stored, field);
        }
      });

      it('PATCH /users/me refuses display name 0, spaces, 51; status 101; bio 501; control characters', async () => {
        const cases: [Record<string, unknown>, string][] = [
          [{ display_name: '' }, 'body.display_name'],
          [{ display_name: ' \t ' }, 'body.display_name'],
          [{ display_name: 'd'.repeat(51) }, 'body.display_name'],
          [{ display_name: EMOJI.repeat(51) }, 'body.display_name'],
          [{ display_name: 'two\nlines' }, 'body.display_name'],
          [{ display_name: 'esc\u001b[31m' }, 'body.display_name'],
          [{ status_message: 's'.repeat(101) }, 'body.status_message'],
          [{ status_message: 'new\nline' }, 'body.status_message'],
          [{ bio: 'b'.repeat(501) }, 'body.bio'],
          [{ bio: 'nul\u0000' }, 'body.bio'],
          [{ bio: 'del\u007f' }, 'body.bio'],
          [{ bio: 'c1\u0085' }, 'body.bio'],
          [{ bio: 'ok', status_message: 's'.repeat(101) }, 'body.status_message'],
        ];
        for (const [patch, field] of cases)
          await refusedAndUnchanged(() => subject.api.patch('/users/me', patch), 400, 'validation_failed', field);
      });
    });

    describe('request shape', () => {
      it('unknown fields are refused, each named in the details', async () => {
        await refusedAndUnchanged(
          () => subject.api.patch('/users/me', { display_name: 'Ok', is_admin: true }),
          400,
          'validation_failed',
          'body.is_admin',
        );
        await refusedAndUnchanged(
          () => subject.api.patch('/users/me', { email: 'x@example.test' }),
          400,
          'validation_failed',
          'body.email',
        );
        await refusedAndUnchanged(
          () => subject.api.patch('/users/me', { profile: { shoe_size: { value: 44 } } }),
          400,
          'validation_failed',
          'body.profile.shoe_size',
        );
        await refusedAndUnchanged(
          () => subject.api.patch('/users/me', { profile: { phone: { value: '123', shown: true } } }),
          400,
          'validation_failed',
          'body.profile.phone.shown',
        );
        await refusedAndUnchanged(
          () => subject.api.put('/users/me/username', { username: 'fine_name', force: true }),
          400,
          'validation_failed',
          'body.force',
        );
      });

      it('wrong types are 400 on the field', async () => {
        const cases: [unknown, string][] = [
          [{ display_name: 5 }, 'body.display_name'],
          [{ bio: ['a'] }, 'body.bio'],
          [{ website: true }, 'body.website'],
          [{ profile: { height_cm: { value: '180' } } }, 'body.profile.height_cm.value'],
          [{ profile: { hobbies: { value: 'chess' } } }, 'body.profile.hobbies.value'],
          [{ profile: 'public' }, 'body.profile'],
          [[], 'body'],
          ['"just a string"', 'body'],
        ];
        for (const [body, field] of cases)
          await refusedAndUnchanged(() => subject.api.patch('/users/me', body), 400, 'validation_failed', field);
        await refusedAndUnchanged(
          () => subject.api.put('/users/me/username', { username: 123 }),
          400,
          'validation_failed',
          'body.username',
        );
      });

      it('malformed JSON is 400 invalid_json', async () => {
        for (const raw of ['{"bio":', "{'bio': 'x'}", '{"bio":"x"}}', 'nope'])
          await refusedAndUnchanged(() => subject.api.patch('/users/me', raw), 400, 'invalid_json');
        assertRefused(await anon().post('/auth/signup', '{"username":"x",'), 400, 'invalid_json');
      });

      it('a body over BODY_LIMIT (1 MiB) is 413 payload_too_large; just under it is an ordinary 400', async () => {
        const envelope = JSON.stringify({ bio: '' }).length;
        const under = { bio: 'x'.repeat(1024 * 1024 - envelope) };
        assert.equal(JSON.stringify(under).length, 1024 * 1024);
        await refusedAndUnchanged(() => subject.api.patch('/users/me', under), 400, 'validation_failed', 'body.bio');
        await refusedAndUnchanged(
          () => subject.api.patch('/users/me', { bio: 'x'.repeat(1024 * 1024 - envelope + 1) }),
          413,
          'payload_too_large',
        );
        assertRefused(await anon().post('/auth/signup', signupBody({ bio: 'x'.repeat(2 * 1024 * 1024) })), 413, 'payload_too_large');
      });

      it('a body that is not application/json is 415 unsupported_media_type', async () => {
        for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'multipart/form-data; boundary=x']) {
          await refusedAndUnchanged(
            () => subject.api.patch('/users/me', '{"bio":"typed"}', { 'content-type': type }),
            415,
            'unsupported_media_type',
          );
        }
        assertRefused(
          await anon().post('/auth/signup', JSON.stringify(signupBody({ username: 'plain_text' })), { 'content-type': 'text/plain' }),
          415,
          'unsupported_media_type',
        );
        await noAccount('plain_text');
        const charset = await subject.api.patch('/users/me', '{"bio":"typed"}', { 'content-type': 'application/json; charset=utf-8' });
        assert.equal(charset.status, 200, JSON.stringify(charset.body));
        assert.equal((await me()).bio, 'typed');
      });
    });
  });
}
