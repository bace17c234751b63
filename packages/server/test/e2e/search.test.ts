/* eslint-disable @typescript-eslint/no-explicit-any -- the test client returns untyped JSON on purpose: tests assert on its shape. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { makeRoom, refused, send, signupMany, type User } from '../helpers/message-fixtures.ts';
import { startServer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';
import { validCorpus } from '../helpers/corpus/valid.ts';
import { SEARCH_TOTAL_EXACT_MAX } from '../../src/store/search-types.ts';
import { at, post } from '../../src/store/contract/room-fixtures.ts';
import { download, upload } from '../helpers/uploads.ts';

for (const backend of backends()) {
  describe(`search over HTTP: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    let alice: User, bob: User, carol: User;
    let roomId: string;

    const search = async (u: User, query: Record<string, string>) => {
      const r = await u.api.get(`/search?${new URLSearchParams(query)}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as { items: any[]; next_cursor: string | null; total: number; total_exact: boolean };
    };
    const contents = async (u: User, q: string, extra: Record<string, string> = {}) =>
      (await search(u, { q, ...extra })).items.map((h) => h.message.content);
    /** The pieces of a hit's content its match ranges mark. */
    const marked = (hit: any): string[] =>
      hit.matches.map((r: { start: number; end: number }) => hit.message.content.slice(r.start, r.end));

    before(async () => {
      srv = await startServer(backend, { config: { MESSAGE_RATE_LIMIT: 10_000, SEARCH_RATE_LIMIT: 10_000, UPLOAD_RATE_LIMIT: 10_000 } });
      [alice, bob, carol] = (await signupMany(srv.url, 3)) as [User, User, User];
      roomId = await makeRoom(alice, [bob], { name: 'Release Crew' });
    });
    after(() => srv.stop());

    it('finds a message the moment its send is answered, with sender, room, match ranges and context', async () => {
      const first = await send(alice.api, roomId, 'good morning');
      const hit = await send(bob.api, roomId, 'The <b>Redeployment</b> of Café 東京タワー is done');
      const next = await send(alice.api, roomId, 'thanks!');
      const page = await search(alice, { q: 'deploy cafe 東京' });
      assert.equal(page.total, 1);
      assert.equal(page.total_exact, true);
      assert.equal(page.next_cursor, null);
      const [h] = page.items;
      assert.equal(h.message.id, hit.id);
      assert.equal(
        h.message.content,
        'The <b>Redeployment</b> of Café 東京タワー is done',
        'text as typed: the server sends no HTML of its own',
      );
      assert.equal(h.message.sender.id, bob.id);
      assert.deepEqual(h.room, { id: roomId, name: 'Release Crew', type: 'public' });
      assert.deepEqual(marked(h), ['deploy', 'Café', '東京']);
      assert.equal(h.context.before.id, first.id);
      assert.equal(h.context.after.id, next.id);
      assert.equal(h.context.after.content, 'thanks!');
    });

    it('reflects an edit and a delete at once', async () => {
      const m = await send(bob.api, roomId, 'typo in zebrafish');
      assert.deepEqual(await contents(alice, 'zebrafish'), ['typo in zebrafish']);
      assert.equal((await bob.api.put(`/messages/${m.id}`, { content: 'fixed: swordfish' })).status, 200);
      assert.deepEqual(await contents(alice, 'zebrafish'), []);
      assert.deepEqual(await contents(alice, 'swordfish'), ['fixed: swordfish']);
      assert.equal((await bob.api.delete(`/messages/${m.id}`)).status, 204);
      assert.deepEqual(await contents(alice, 'swordfish'), []);
    });

    it('searches only rooms the user is a member of now; a room_id they cannot read is refused', async () => {
      const secret = await makeRoom(carol, [], { name: 'Carol private', type: 'private' });
      await send(carol.api, secret, 'kumquat plans');
      const shared = await makeRoom(carol, [alice], { name: 'Carol shared' });
      await send(carol.api, shared, 'kumquat shared');
      assert.deepEqual(await contents(alice, 'kumquat'), ['kumquat shared']);
      assert.deepEqual(await contents(carol, 'kumquat'), ['kumquat shared', 'kumquat plans']);
      assert.equal((await carol.api.delete(`/rooms/${shared}/members/${alice.id}`)).status, 204);
      assert.deepEqual(await contents(alice, 'kumquat'), [], 'removed: never again');
      refused(await alice.api.get(`/search?q=kumquat&room_id=${secret}`), 404, 'room_not_found');
      assert.deepEqual(await contents(alice, `kumquat in:${secret}`), []);
      assert.deepEqual(await contents(carol, 'kumquat', { room_id: secret }), ['kumquat plans']);
    });

    it('combines operators, and lists a query of filters only newest first', async () => {
      const room = await makeRoom(alice, [bob], { name: 'ops-room' });
      const root = await send(alice.api, room, 'incident report: disk full');
      await send(bob.api, room, `@${alice.username} incident follow-up`, { parent_id: root.id });
      await send(bob.api, room, 'see https://status.example.com/incident');
      assert.deepEqual(await contents(alice, `incident from:${bob.username} in:ops-room`), [
        'see https://status.example.com/incident',
        `@${alice.username} incident follow-up`,
      ]);
      assert.deepEqual(await contents(alice, 'incident is:thread mentions:me'), [`@${alice.username} incident follow-up`]);
      assert.deepEqual(await contents(alice, 'incident has:link -"follow-up"'), ['see https://status.example.com/incident']);
      assert.deepEqual(await contents(alice, `from:${bob.username} in:ops-room`), [
        'see https://status.example.com/incident',
        `@${alice.username} incident follow-up`,
      ]);
      assert.deepEqual(await contents(alice, `incident during:2000-01`), []);
    });

    it('pages with next_cursor, never repeating a hit while messages arrive', async () => {
      const room = await makeRoom(alice, [bob]);
      for (let i = 0; i < 9; i++) await send(bob.api, room, `walrus ${i}`);
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page = await search(alice, { q: 'walrus', room_id: room, limit: '4', ...(cursor ? { cursor } : {}) });
        seen.push(...page.items.map((h) => h.message.content));
        cursor = page.next_cursor;
        await send(bob.api, room, 'walrus late');
      } while (cursor);
      assert.deepEqual(
        seen,
        Array.from({ length: 9 }, (_, i) => `walrus ${8 - i}`),
      );
      refused(await alice.api.get('/search?q=walrus&cursor=garbage'), 400, 'invalid_cursor');
    });

    it(`answers an estimated total past ${SEARCH_TOTAL_EXACT_MAX} matches with total_exact false, in the documented shape`, async () => {
      const room = await makeRoom(alice, [bob]);
      // Stored directly (a thousand sends would hit nothing new), then searched over HTTP.
      await srv.app.store.transaction(async (tx) => {
        for (let i = 0; i <= SEARCH_TOTAL_EXACT_MAX + 5; i++) await post(tx, room, bob.id, { content: `narwhal ${i}`, created_at: at(i) });
      });
      const page = await search(alice, { q: 'narwhal', room_id: room, limit: '5' });
      assert.equal(page.total_exact, false);
      assert.ok(page.total > SEARCH_TOTAL_EXACT_MAX, String(page.total));
      assert.equal(page.items.length, 5);
      const narrow = await search(alice, { q: 'narwhal 100', room_id: room, limit: '5' });
      assert.deepEqual([narrow.total, narrow.total_exact], [7, true], 'narwhal 100, and 1000 to 1005');
    });

    it('carries attachments as the messages routes do, with URLs signed for the searcher; has:image / has:file', async () => {
      const room = await makeRoom(bob, [alice], { type: 'private' });
      const files = await validCorpus();
      const image = await upload(srv.url, bob.token, files.jpeg.name, files.jpeg.data);
      const pdf = await upload(srv.url, bob.token, files.pdf.name, files.pdf.data);
      assert.deepEqual([image.status, pdf.status], [201, 201]);
      await send(bob.api, room, 'platypus photo', { attachments: [image.body.attachment.id] });
      await send(bob.api, room, 'platypus paper', { attachments: [pdf.body.attachment.id] });
      const [hit] = (await search(alice, { q: 'platypus has:image' })).items;
      assert.equal(hit.message.content, 'platypus photo');
      assert.equal(hit.message.attachments.length, 1);
      const got = await download(srv.url, hit.message.attachments[0].url);
      assert.equal(got.status, 200, 'the signed URL works for the searcher');
      assert.ok(got.bytes.equals(files.jpeg.data));
      assert.deepEqual(await contents(alice, 'platypus has:file'), ['platypus paper']);
      assert.deepEqual(await contents(carol, 'platypus'), [], 'not a member: nothing');
    });

    it('refuses a bad query with a 400 that names the problem', async () => {
      const unknown = await alice.api.get(`/search?${new URLSearchParams({ q: 'deploy foo:bar' })}`);
      refused(unknown, 400, 'invalid_query');
      assert.match(unknown.body.error.message, /foo:/);
      const date = await alice.api.get(`/search?${new URLSearchParams({ q: 'before:2026-02-30' })}`);
      refused(date, 400, 'invalid_query');
      assert.match(date.body.error.message, /before:2026-02-30/);
      refused(await alice.api.get('/search?q='), 400, 'validation_failed');
      refused(await alice.api.get('/search?q=x&limit=51'), 400, 'validation_failed');
      refused(await alice.api.get('/search?q=x&sort=best'), 400, 'validation_failed');
      refused(await alice.api.get('/search?q=x&room_id=not-an-id'), 400, 'validation_failed');
    });

    it('needs a signed-in user, and is in the OpenAPI document', async () => {
      const anonymous = await fetch(`${srv.url}/search?q=x`);
      assert.equal(anonymous.status, 401);
      const doc = (await (await fetch(`${srv.url}/openapi.json`)).json()) as any;
      assert.ok(doc.paths['/search']?.get, 'GET /search documented');
      assert.deepEqual(doc.paths['/search'].get.tags, ['search']);
    });
  });
}

describe('search over HTTP: rate limit', () => {
  let srv: TestServer;
  before(async () => {
    srv = await startServer(backends()[0]!, { config: { SEARCH_RATE_LIMIT: 3, SEARCH_RATE_WINDOW: 60 } });
  });
  after(() => srv.stop());

  it('answers 429 with Retry-After past SEARCH_RATE_LIMIT searches', async () => {
    const [u] = (await signupMany(srv.url, 1)) as [User];
    for (let i = 0; i < 3; i++) assert.equal((await u.api.get('/search?q=hello')).status, 200);
    const limited = await u.api.get('/search?q=hello');
    refused(limited, 429, 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
  });
});
