import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { signup, startServer, type Client, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

type Page = { items: { id: string; last_message_at: string | null; created_at: string }[]; next_cursor: string | null };

async function createRooms(api: Client, n: number): Promise<string[]> {
  const ids: string[] = [];
  // A few at a time: the order they are created in does not matter here.
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(10, n - i) }, () => api.post('/rooms', { name: `page ${randomUUID().slice(0, 8)}` })),
    );
    for (const res of batch) {
      assert.equal(res.status, 201, JSON.stringify(res.body));
      ids.push(res.body.id);
    }
  }
  return ids;
}

const b64 = (s: string) => Buffer.from(s).toString('base64url');

for (const backend of backends()) {
  describe(`GET /rooms, a page at a time: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    before(async () => {
      srv = await startServer(backend);
    });
    after(() => srv.stop());

    it('pages through 250 rooms (100 by default, next_cursor until null) with no repeat and no gap while rooms are created and written to between pages', async () => {
      const u = await signup(srv.url);
      const ids = await createRooms(u.api, 250);
      const seen: string[] = [];
      const sizes: number[] = [];
      let cursor: string | null = null;
      do {
        const res: { status: number; body: Page } = await u.api.get(`/rooms${cursor ? `?cursor=${cursor}` : ''}`);
        assert.equal(res.status, 200, JSON.stringify(res.body));
        sizes.push(res.body.items.length);
        seen.push(...res.body.items.map((r) => r.id));
        cursor = res.body.next_cursor;
        // Between pages: new rooms, and a message in a room already listed (it moves to the front).
        await createRooms(u.api, 3);
        assert.equal((await u.api.post(`/rooms/${seen[0]}/messages`, { content: 'still here' })).status, 201);
        assert.ok(sizes.length < 10);
      } while (cursor);
      assert.deepEqual(sizes, [100, 100, 50]);
      assert.equal(new Set(seen).size, seen.length, 'no room twice');
      assert.deepEqual([...seen].sort(), [...ids].sort(), 'every room that was there from the start');

      const all: Page = (await u.api.get('/rooms?limit=200')).body;
      assert.equal(all.items.length, 200, 'limit up to 200');
      const activity = all.items.map((r) => r.last_message_at ?? r.created_at);
      assert.deepEqual([...activity].sort().reverse(), activity, 'most recent activity first');
      assert.equal(all.items[0]!.id, seen[0], 'the room written to last comes first');
    });

    it('refuses a limit outside 1..200 and a cursor it did not hand out (400, nothing else)', async () => {
      const u = await signup(srv.url);
      for (const q of ['limit=0', 'limit=201', 'limit=abc']) {
        const res = await u.api.get(`/rooms?${q}`);
        assert.equal(res.status, 400, q);
        assert.equal(res.body.error.code, 'validation_failed', q);
      }
      for (const cursor of [
        'nope',
        b64(`1|${randomUUID()}`),
        b64(`99999-01-01T00:00:00.000Z|${randomUUID()}`),
        b64('["a",2]'),
        b64(`2026-01-01T00:00:00.000Z|not-an-id`),
      ]) {
        const res = await u.api.get(`/rooms?cursor=${cursor}`);
        assert.equal(res.status, 400, cursor);
        assert.equal(res.body.error.code, 'invalid_cursor', cursor);
      }
      assert.deepEqual((await u.api.get('/rooms')).body, { items: [], next_cursor: null });
    });
  });
}
