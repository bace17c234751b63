import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import { type Answer, type Client, signup, startServer, type TestServer } from '../helpers/server.ts';
import { assertRefused, type User } from '../helpers/assertions.ts';
import { backends } from '../helpers/services.ts';

const ids = (res: Answer): string[] => {
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return (res.body.items as { id: string }[]).map((u) => u.id);
};

/** Walks a follow list page by page; returns the ids in order and the number of pages. */
async function walk(api: Client, path: string, limit: number): Promise<{ seen: string[]; pages: number }> {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const res: Answer = await api.get(`${path}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(res.status, 200, JSON.stringify(res.body));
    assert.ok(res.body.items.length <= limit);
    seen.push(...ids(res));
    cursor = res.body.next_cursor;
    pages++;
    assert.ok(pages < 20, 'the cursor never ends');
  } while (cursor);
  return { seen, pages };
}

const q = (s: string) => `/users/search?q=${encodeURIComponent(s)}`;

for (const backend of backends()) {
  describe(`users e2e, follows and search: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let server: TestServer;
    let alice: User;
    let bob: User;
    before(async () => {
      server = await startServer(backend);
      alice = await signup(server.url, { username: 'alice', display_name: 'Alice Liddell' });
      bob = await signup(server.url, { username: 'bob', display_name: 'Bob' });
    });
    after(() => server.stop());

    const view = async (id: string, reader = alice) => (await reader.api.get(`/users/${id}`)).body;

    describe('follow and unfollow', () => {
      it('following is 204, idempotent, counted once and shown as followed_by_me', async () => {
        assert.equal((await alice.api.post(`/users/${bob.id}/follow`)).status, 204);
        assert.equal((await alice.api.post(`/users/${bob.id}/follow`)).status, 204);
        const b = await view(bob.id);
        assert.equal(b.followers_count, 1);
        assert.equal(b.following_count, 0);
        assert.equal(b.followed_by_me, true);
        assert.equal((await view(alice.id, bob)).following_count, 1);
        assert.equal((await view(bob.id, bob)).followed_by_me, false, 'nobody follows themselves');
        assert.deepEqual(ids(await bob.api.get(`/users/${bob.id}/followers`)), [alice.id]);
        assert.deepEqual(ids(await bob.api.get(`/users/${alice.id}/following`)), [bob.id], 'following is public');
      });

      it('unfollowing is 204 and idempotent, and the counts drop back', async () => {
        assert.equal((await alice.api.delete(`/users/${bob.id}/follow`)).status, 204);
        assert.equal((await alice.api.delete(`/users/${bob.id}/follow`)).status, 204);
        const b = await view(bob.id);
        assert.equal(b.followers_count, 0);
        assert.equal(b.followed_by_me, false);
        assert.deepEqual(ids(await alice.api.get(`/users/${bob.id}/followers`)), []);
        assert.deepEqual(ids(await alice.api.get(`/users/${alice.id}/following`)), []);
      });

      it('cannot follow yourself: 400 cannot_target_self, nothing counted', async () => {
        assertRefused(await alice.api.post(`/users/${alice.id}/follow`), 400, 'cannot_target_self');
        const a = await view(alice.id);
        assert.equal(a.followers_count, 0);
        assert.equal(a.following_count, 0);
      });

      it('an unknown user is 404 user_not_found; a malformed id is 400', async () => {
        const unknown = '01900000-0000-7000-8000-000000000001';
        assertRefused(await alice.api.post(`/users/${unknown}/follow`), 404, 'user_not_found');
        assertRefused(await alice.api.delete(`/users/${unknown}/follow`), 404, 'user_not_found');
        assertRefused(await alice.api.get(`/users/${unknown}/followers`), 404, 'user_not_found');
        assertRefused(await alice.api.get(`/users/${unknown}/following`), 404, 'user_not_found');
        assertRefused(await alice.api.post('/users/bob/follow'), 400, 'validation_failed', 'params.id');
        assert.equal((await view(alice.id)).following_count, 0);
      });
    });

    describe('follow lists, paginated', () => {
      let star: User;
      let fans: User[];
      before(async () => {
        star = await signup(server.url, { username: 'star' });
        fans = [];
        for (let i = 0; i < 5; i++) fans.push(await signup(server.url, { username: `fan${i}` }));
        for (const fan of fans) {
          assert.equal((await fan.api.post(`/users/${star.id}/follow`)).status, 204);
          await sleep(5); // distinct follow times, so "newest first" has one right answer
        }
        for (const fan of fans.slice(0, 3)) {
          assert.equal((await star.api.post(`/users/${fan.id}/follow`)).status, 204);
          await sleep(5);
        }
      });

      const newestFirst = () => fans.map((f) => f.id).reverse();

      it('pages with limit + next_cursor: newest first, no duplicates, no gaps', async () => {
        const { seen, pages } = await walk(alice.api, `/users/${star.id}/followers`, 2);
        assert.deepEqual(seen, newestFirst());
        assert.equal(pages, 3);
        const following = await walk(alice.api, `/users/${star.id}/following`, 1);
        assert.deepEqual(
          following.seen,
          fans
            .slice(0, 3)
            .map((f) => f.id)
            .reverse(),
        );
        assert.equal(following.pages, 3);
      });

      it('a page that ends the list has next_cursor null, even when it is exactly full', async () => {
        const res = await alice.api.get(`/users/${star.id}/followers?limit=5`);
        assert.deepEqual(ids(res), newestFirst());
        assert.equal(res.body.next_cursor, null);
        const four = await alice.api.get(`/users/${star.id}/followers?limit=4`);
        assert.equal(ids(four).length, 4);
        assert.equal(typeof four.body.next_cursor, 'string');
      });

      it('the counts match the lists', async () => {
        const s = await view(star.id);
        assert.equal(s.followers_count, 5);
        assert.equal(s.following_count, 3);
      });

      it('a cursor keeps its place when an earlier row goes away', async () => {
        const first = await alice.api.get(`/users/${star.id}/followers?limit=2`);
        assert.deepEqual(ids(first), newestFirst().slice(0, 2));
        assert.equal((await fans[4]!.api.delete(`/users/${star.id}/follow`)).status, 204);
        try {
          const rest = await alice.api.get(`/users/${star.id}/followers?limit=10&cursor=${encodeURIComponent(first.body.next_cursor)}`);
          assert.deepEqual(ids(rest), newestFirst().slice(2));
        } finally {
          assert.equal((await fans[4]!.api.post(`/users/${star.id}/follow`)).status, 204);
        }
      });

      it('limit must be 1..100; a cursor that is not ours is 400 invalid_cursor', async () => {
        const path = `/users/${star.id}/followers`;
        assert.equal(ids(await alice.api.get(`${path}?limit=1`)).length, 1);
        assert.equal(ids(await alice.api.get(`${path}?limit=100`)).length, 5);
        for (const bad of ['0', '101', '-1', '2.5', 'ten'])
          assertRefused(await alice.api.get(`${path}?limit=${bad}`), 400, 'validation_failed', 'querystring.limit');
        for (const bad of [
          'abc',
          Buffer.from('yesterday|nobody').toString('base64url'),
          Buffer.from(`2026-01-01T00:00:00.000Z|${star.id}|x`).toString('base64url'),
        ]) {
          assertRefused(await alice.api.get(`${path}?cursor=${bad}`), 400, 'invalid_cursor');
        }
        assertRefused(await alice.api.get(`${path}?cursor=${'a'.repeat(301)}`), 400, 'validation_failed', 'querystring.cursor');
        assertRefused(await alice.api.get(`${path}?page=2`), 400, 'validation_failed', 'querystring.page');
      });
    });

    describe('GET /users/search', () => {
      let emile: User;
      let underscore: User;
      let lookalike: User;
      let percent: User;
      before(async () => {
        emile = await signup(server.url, { username: 'ezola', display_name: 'Émile Zola' });
        underscore = await signup(server.url, { username: 'x_y', display_name: 'Underscore' });
        lookalike = await signup(server.url, { username: 'xay', display_name: 'Lookalike' });
        percent = await signup(server.url, { username: 'pct', display_name: '100% Pure' });
        await signup(server.url, { username: 'thousand', display_name: '1000 Days' });
      });

      it('matches a prefix of the username, case-insensitively, shortest usernames first', async () => {
        assert.deepEqual(ids(await bob.api.get(q('ali'))), [alice.id]);
        assert.deepEqual(ids(await bob.api.get(q('ALICE'))), [alice.id]);
        assert.deepEqual(ids(await bob.api.get(q('lice'))), [], 'a prefix, not a substring');
        const fans = await bob.api.get(q('fan'));
        assert.equal(fans.body.items.length, 5);
        assert.deepEqual(
          fans.body.items.map((u: { username: string }) => u.username),
          ['fan0', 'fan1', 'fan2', 'fan3', 'fan4'],
        );
        assert.deepEqual(Object.keys(fans.body.items[0]).sort(), ['avatar_url', 'deleted', 'display_name', 'id', 'username']);
      });

      it('matches a prefix of the display name, case-insensitively, non-ASCII included', async () => {
        for (const s of ['Émile', 'émile', 'ÉMILE', 'ém', 'E\u0301mile', 'émile zola'])
          assert.deepEqual(ids(await bob.api.get(q(s))), [emile.id], s);
        assert.deepEqual(ids(await bob.api.get(q('emile'))), [], 'accents are not folded away');
        assert.deepEqual(ids(await bob.api.get(q('zola'))), [], 'a prefix, not a later word');
        assert.deepEqual(ids(await bob.api.get(q('  alice liddell  '))), [alice.id], 'the query is trimmed');
      });

      it('takes % and _ literally', async () => {
        assert.deepEqual(ids(await bob.api.get(q('x_'))), [underscore.id]);
        assert.deepEqual(ids(await bob.api.get(q('x'))).sort(), [underscore.id, lookalike.id].sort());
        assert.deepEqual(ids(await bob.api.get(q('100%'))), [percent.id]);
        assert.deepEqual(ids(await bob.api.get(q('%'))), []);
        assert.deepEqual(ids(await bob.api.get(q('_'))), []);
        assert.deepEqual(ids(await bob.api.get(q('\\'))), []);
      });

      it('leaves deactivated accounts out', async () => {
        const quitter = await signup(server.url, { username: 'quitter', display_name: 'Quinn' });
        assert.deepEqual(ids(await bob.api.get(q('qui'))), [quitter.id]);
        assert.equal((await quitter.api.delete('/users/me', { password: quitter.password })).status, 204);
        assert.deepEqual(ids(await bob.api.get(q('qui'))), []);
        assert.deepEqual(ids(await bob.api.get(q('quinn'))), []);
      });

      it('q is required, 1..50 characters after trimming', async () => {
        assertRefused(await bob.api.get('/users/search'), 400, 'validation_failed', 'querystring.q');
        assertRefused(await bob.api.get(q('')), 400, 'validation_failed', 'querystring.q');
        assertRefused(await bob.api.get(q('   ')), 400, 'validation_failed', 'querystring.q');
        assertRefused(await bob.api.get(q('a'.repeat(51))), 400, 'validation_failed', 'querystring.q');
        assert.deepEqual(ids(await bob.api.get(q('a'.repeat(50)))), []);
        assert.ok(ids(await bob.api.get(q('a'))).includes(alice.id));
      });

      it('limit must be 1..100 and caps the answer', async () => {
        assert.deepEqual(ids(await bob.api.get(`${q('fan')}&limit=2`)), ids(await bob.api.get(q('fan'))).slice(0, 2));
        assert.equal(ids(await bob.api.get(`${q('fan')}&limit=1`)).length, 1);
        assert.equal(ids(await bob.api.get(`${q('fan')}&limit=100`)).length, 5);
        for (const bad of ['0', '101', 'x'])
          assertRefused(await bob.api.get(`${q('fan')}&limit=${bad}`), 400, 'validation_failed', 'querystring.limit');
        assertRefused(await bob.api.get(`${q('fan')}&sort=name`), 400, 'validation_failed', 'querystring.sort');
      });
    });
  });
}
