/* eslint-disable @typescript-eslint/no-explicit-any -- REST answers are untyped JSON on purpose: tests assert on their shape. */
/**
 * One pagination shape on every list: `{ items, next_cursor }`, `?limit=&cursor=`. Each list is read
 * two at a time and compared with the same list read whole: every item once, in the same order,
 * next_cursor non-null on every page but the last.
 */
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import type { Client } from '../helpers/server.ts';
import { signup, socketPool, type TestServer, type User, wsSetups } from '../helpers/ws-suite.ts';

const N = 5;

/** Every page of a list at `limit` per page, checking the shape of each; the items' keys in order. */
async function walk(api: Client, path: string, key: (item: any) => string, limit = 2): Promise<string[]> {
  const seen: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const res: { status: number; body: any } = await api.get(
      `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    assert.equal(res.status, 200, `${path}: ${JSON.stringify(res.body)}`);
    assert.ok(Array.isArray(res.body.items), `${path}: items`);
    assert.ok('next_cursor' in res.body, `${path}: next_cursor`);
    cursor = res.body.next_cursor;
    if (cursor !== null) assert.equal(res.body.items.length, limit, `${path}: a page with a next one is full`);
    seen.push(...res.body.items.map(key));
    assert.ok(++pages < 50, `${path}: ends`);
  } while (cursor);
  return seen;
}

/** The list read in pages equals the list read whole: no duplicate, no gap, the same order. */
async function assertPages(api: Client, path: string, key: (item: any) => string, atLeast = N): Promise<string[]> {
  const whole = await api.get(`${path}${path.includes('?') ? '&' : '?'}limit=100`);
  assert.equal(whole.status, 200, `${path}: ${JSON.stringify(whole.body)}`);
  assert.equal(whole.body.next_cursor, null, `${path}: one page holds it all`);
  const all = whole.body.items.map(key);
  assert.ok(all.length >= atLeast, `${path}: ${all.length} items, expected at least ${atLeast}`);
  const paged = await walk(api, path, key);
  assert.equal(new Set(paged).size, paged.length, `${path}: no item twice`);
  assert.deepEqual(paged, all, `${path}: every item, in order`);
  const bad = await api.get(`${path}${path.includes('?') ? '&' : '?'}cursor=bm90LWEtY3Vyc29y`);
  assert.equal(bad.status, 400, `${path}: a cursor the server did not write`);
  assert.equal(bad.body.error.code, 'invalid_cursor', path);
  return paged;
}

const userId = (i: any) => (i.user ? i.user.id : i.id);

for (const setup of wsSetups()) {
  describe(`every list pages the same way: ${setup.name}`, { skip: setup.skip }, () => {
    let srv: TestServer;
    let owner: User;
    let others: User[];
    let roomId: string;
    const pool = socketPool();
    before(async () => {
      srv = await setup.start();
      owner = await signup(srv.url, { username: `pgowner${Date.now() % 1e6}` });
      others = [];
      for (let i = 0; i < 2 * N; i++) others.push(await signup(srv.url, { username: `pg${i}x${Date.now() % 1e6}` }));
      const room = await owner.api.post('/rooms', { name: 'pages' });
      roomId = room.body.id;
      for (const u of others.slice(0, N)) assert.equal((await u.api.post(`/rooms/${roomId}/join`)).status, 200);
      for (const u of others.slice(N)) assert.equal((await owner.api.post(`/rooms/${roomId}/bans`, { user_id: u.id })).status, 204);
      for (let i = 0; i < N; i++) assert.equal((await owner.api.post(`/rooms/${roomId}/invites`, {})).status, 201);
      for (const u of others) assert.equal((await u.api.post(`/users/${owner.id}/follow`)).status, 204);
      for (const u of others) assert.equal((await owner.api.post(`/users/${u.id}/follow`)).status, 204);
      // others[0] mentions the owner below: not blocked, or the mentions would not notify.
      for (const u of others.slice(1)) assert.equal((await owner.api.post(`/users/${u.id}/block`)).status, 204);
      for (let i = 0; i < N; i++) {
        await owner.api.post(`/rooms/${roomId}/messages`, { content: `message ${i}` });
        await others[0]!.api.post(`/rooms/${roomId}/messages`, { content: `@${owner.username} look ${i}` });
      }
      for (let i = 0; i < N; i++) await owner.api.post('/rooms', { name: `public pages ${i}` });
    });
    afterEach(() => pool.closeAll());
    after(() => srv.stop());

    it('rooms, discovery, members, bans and invites', async () => {
      await assertPages(owner.api, '/rooms', (r) => r.id);
      await assertPages(owner.api, '/rooms/public?q=public%20pages', (r) => r.id);
      await assertPages(owner.api, `/rooms/${roomId}/members`, userId, N + 1);
      await assertPages(owner.api, `/rooms/${roomId}/bans`, userId);
      await assertPages(owner.api, `/rooms/${roomId}/invites`, (i) => i.code);
    });

    it('user search, followers, following and blocks', async () => {
      const found = await assertPages(owner.api, '/users/search?q=pg', (u) => u.id, 2 * N + 1);
      assert.ok(found.includes(owner.id));
      await assertPages(owner.api, `/users/${owner.id}/followers`, userId, 2 * N);
      await assertPages(owner.api, `/users/${owner.id}/following`, userId, 2 * N);
      await assertPages(owner.api, '/users/me/blocks', userId, 2 * N - 1);
    });

    it('notifications, message readers, pins, messages by cursor', async () => {
      await assertPages(owner.api, '/notifications', (n) => n.id);
      const { body } = await owner.api.get(`/rooms/${roomId}/messages?limit=1`);
      const latest = body.items[0];
      for (const u of others.slice(0, N)) assert.equal((await u.api.post(`/rooms/${roomId}/read`, { message_id: latest.id })).status, 200);
      await assertPages(owner.api, `/messages/${latest.id}/readers`, userId, N - 1);
      const { body: msgs } = await owner.api.get(`/rooms/${roomId}/messages?limit=${N}`);
      for (const m of msgs.items) assert.equal((await owner.api.post(`/messages/${m.id}/pin`)).status, 204);
      await assertPages(owner.api, `/rooms/${roomId}/pins`, (p) => p.id);
      const older = await assertPages(owner.api, `/rooms/${roomId}/messages`, (m) => m.id, 2 * N);
      // Oldest first with after=: the cursor keeps that direction.
      const first = await owner.api.get(`/rooms/${roomId}/messages?after=0&limit=2`);
      const second = await owner.api.get(`/rooms/${roomId}/messages?cursor=${encodeURIComponent(first.body.next_cursor)}&limit=2`);
      assert.deepEqual(
        [...first.body.items, ...second.body.items].map((m: any) => m.id),
        older.slice(-4).reverse(),
      );
      assert.equal(
        (await owner.api.get(`/rooms/${roomId}/messages?before=5&cursor=${encodeURIComponent(first.body.next_cursor)}`)).status,
        400,
        'one of before, after, cursor',
      );
    });

    it('presence', async () => {
      for (const u of others.slice(0, N)) await pool.connect(srv, u);
      const paged = await assertPages(owner.api, '/presence', (e) => e.user.id);
      const total = (await owner.api.get('/presence?limit=1')).body.total;
      assert.equal(total, paged.length, 'total counts every match');
    });
  });
}
