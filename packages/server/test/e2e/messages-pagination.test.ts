/* eslint-disable @typescript-eslint/no-explicit-any -- the test client returns untyped JSON on purpose: tests assert on its shape. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { roomLogAfter } from '../../src/services/messages/room-log.ts';
import { makeRoom, refused, send, signupMany, type User } from '../helpers/message-fixtures.ts';
import { startServer, type Answer, type TestServer } from '../helpers/server.ts';
import { backends } from '../helpers/services.ts';

const TOTAL = 130;

for (const backend of backends()) {
  describe(`messages: pagination over HTTP: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let srv: TestServer;
    let alice: User, bob: User, carol: User;
    let roomId: string, otherRoom: string;
    let otherMessage: any;
    /** The room's messages as their senders were answered, oldest first: the truth pages are checked against. */
    let truth: { id: string; seq: number }[];

    const page = async (u: User, query: string) => {
      const r = await u.api.get(`/rooms/${roomId}/messages${query}`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      return r.body as { items: any[]; next: string | null };
    };
    /** The room's messages as its log replays them, oldest first. */
    const storedMessages = async (room: string) =>
      (await roomLogAfter(srv.app.store, room, 0, 10_000)).flatMap((e) =>
        e.type === 'message_created' ? [{ id: e.data.message.id, seq: e.data.message.seq }] : [],
      );

    before(async () => {
      srv = await startServer(backend, { config: { MESSAGE_RATE_LIMIT: 10_000 } });
      [alice, bob, carol] = (await signupMany(srv.url, 3)) as [User, User, User];
      roomId = await makeRoom(alice, [bob]);
      otherRoom = await makeRoom(carol, [alice]);
      otherMessage = await send(carol.api, otherRoom, 'elsewhere');
      const answered: { id: string; seq: number }[] = [];
      for (let i = 0; i < TOTAL; i += 10) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, (_, j) => send((i + j) % 3 ? alice.api : bob.api, roomId, `message ${i + j}`)),
        );
        answered.push(...batch.map((m: { id: string; seq: number }) => ({ id: m.id, seq: m.seq })));
      }
      // Besides them the room holds one system message, "alice added bob", before them all.
      const stored = await storedMessages(roomId);
      const added = stored.filter((m) => !answered.some((a) => a.id === m.id));
      assert.equal(added.length, 1);
      truth = [...added, ...answered].sort((a, b) => a.seq - b.seq);
      // The room's log (what a resume replays) holds the same messages under the same seqs.
      assert.deepEqual(stored, truth);
      assert.equal(truth.length, TOTAL + 1);
    });
    after(() => srv.stop());

    it('limit: 1 and 100 accepted, 0, 101 and non-numbers refused 400; the default page is the newest 50, newest first', async () => {
      const dflt = await page(alice, '');
      assert.equal(dflt.items.length, 50);
      assert.deepEqual(
        dflt.items.map((m) => m.id),
        truth
          .slice(-50)
          .reverse()
          .map((m) => m.id),
      );
      assert.equal(dflt.next, String(dflt.items.at(-1).seq));
      assert.equal((await page(alice, '?limit=1')).items.length, 1);
      const hundred = await page(alice, '?limit=100');
      assert.equal(hundred.items.length, 100);
      assert.equal(hundred.items[0].id, truth.at(-1)!.id);
      for (const bad of ['0', '101', '-1', 'ten', '1.5'])
        refused(await alice.api.get(`/rooms/${roomId}/messages?limit=${bad}`), 400, 'validation_failed');
    });

    it('before and after take a seq or a message id: older ones newest first, newer ones oldest first', async () => {
      const pivot = truth[60]!;
      const older = truth
        .filter((m) => m.seq < pivot.seq)
        .reverse()
        .slice(0, 10)
        .map((m) => m.id);
      const newer = truth
        .filter((m) => m.seq > pivot.seq)
        .slice(0, 10)
        .map((m) => m.id);
      for (const ref of [String(pivot.seq), pivot.id]) {
        const b = await page(bob, `?limit=10&before=${ref}`);
        assert.deepEqual(
          b.items.map((m) => m.id),
          older,
          `before=${ref}`,
        );
        const a = await page(bob, `?limit=10&after=${ref}`);
        assert.deepEqual(
          a.items.map((m) => m.id),
          newer,
          `after=${ref}`,
        );
      }
      assert.deepEqual((await page(bob, `?before=${truth[0]!.id}`)).items, [], 'nothing before the first');
      assert.deepEqual((await page(bob, `?after=${truth.at(-1)!.seq}`)).items, [], 'nothing after the last');
      assert.equal((await page(bob, `?after=0&limit=100`)).items[0].id, truth[0]!.id);
    });

    it('the next cursor walks the whole history, both ways, with no duplicates and no gaps', async () => {
      for (const limit of [7, 13, 100]) {
        const seen: string[] = [];
        let cursor: string | null = null;
        let pages = 0;
        do {
          const p = await page(alice, `?limit=${limit}${cursor ? `&before=${cursor}` : ''}`);
          assert.ok(p.items.length <= limit);
          seen.push(...p.items.map((m) => m.id));
          cursor = p.next;
          assert.ok(++pages <= TOTAL, 'the walk ends');
        } while (cursor);
        assert.deepEqual(seen, truth.map((m) => m.id).reverse(), `newest first, limit ${limit}`);

        const forward: string[] = [];
        cursor = '0';
        do {
          const p = await page(alice, `?limit=${limit}&after=${cursor}`);
          forward.push(...p.items.map((m) => m.id));
          cursor = p.next;
        } while (cursor);
        assert.deepEqual(
          forward,
          truth.map((m) => m.id),
          `oldest first, limit ${limit}`,
        );
      }
    });

    it('a walk from a fixed start returns every earlier message exactly once while another client keeps inserting', async () => {
      const room = await makeRoom(alice, [bob]);
      for (let i = 0; i < 60; i += 10) await Promise.all(Array.from({ length: 10 }, (_, j) => send(alice.api, room, `old ${i + j}`)));
      const existing = await storedMessages(room);
      assert.equal(existing.length, 61, 'the 60 and "alice added bob"');

      let stop = false;
      let inserted = 0;
      const writer = (async () => {
        while (!stop) {
          await send(bob.api, room, `new ${inserted}`);
          inserted++;
        }
      })();
      const seen: any[] = [];
      try {
        let cursor: string | null = null;
        do {
          const r: Answer = await alice.api.get(`/rooms/${room}/messages?limit=5${cursor ? `&before=${cursor}` : ''}`);
          assert.equal(r.status, 200);
          seen.push(...r.body.items);
          cursor = r.body.next;
          // Let the writer get ahead between pages.
          await new Promise((res) => setTimeout(res, 5));
        } while (cursor);
      } finally {
        stop = true;
        await writer;
      }
      assert.ok(inserted > 0, 'messages arrived during the walk');
      const ids = seen.map((m) => m.id as string);
      assert.equal(new Set(ids).size, ids.length, 'no duplicates');
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i - 1].seq > seen[i].seq, 'strictly newest first');
      assert.deepEqual(
        seen.filter((m) => m.content.startsWith('old ') || m.type === 'system').map((m) => m.id),
        existing.map((m) => m.id).reverse(),
        'every earlier message exactly once, in order',
      );
      const after = await storedMessages(room);
      assert.equal(after.length, 61 + inserted);
      const startSeq = seen[0].seq as number;
      assert.deepEqual(
        ids,
        after
          .filter((m) => m.seq <= startSeq)
          .map((m) => m.id)
          .reverse(),
        'no gaps below the start',
      );
    });

    it('lists a thread by parent_id: only its replies, each with parent_id; a parent elsewhere is 404', async () => {
      const room = await makeRoom(alice, [bob]);
      const root = await send(alice.api, room, 'root');
      const other = await send(alice.api, room, 'another root');
      const replies: any[] = [];
      for (let i = 0; i < 5; i++)
        replies.push(await send(i % 2 ? alice.api : bob.api, room, `reply ${i}`, { parent_id: i === 4 ? replies[0].id : root.id }));
      await send(bob.api, room, 'other thread', { parent_id: other.id });
      const thread = await alice.api.get(`/rooms/${room}/messages?parent_id=${root.id}`);
      assert.equal(thread.status, 200);
      assert.deepEqual(
        thread.body.items.map((m: any) => m.id),
        replies.map((m) => m.id).reverse(),
      );
      for (const m of thread.body.items) assert.equal(m.parent_id, root.id);
      const two = await alice.api.get(`/rooms/${room}/messages?parent_id=${root.id}&limit=2&before=${replies[3].id}`);
      assert.deepEqual(
        two.body.items.map((m: any) => m.id),
        [replies[2].id, replies[1].id],
      );
      const all = await alice.api.get(`/rooms/${room}/messages`);
      assert.equal(all.body.items.length, 9, 'the room list includes replies (and "alice added bob")');
      assert.equal(all.body.items.find((m: any) => m.id === replies[1].id).parent_id, root.id);
      assert.equal(all.body.items.find((m: any) => m.id === root.id).reply_count, 5);
      refused(await alice.api.get(`/rooms/${room}/messages?parent_id=${otherMessage.id}`), 404, 'message_not_found');
      refused(await alice.api.get(`/rooms/${room}/messages?parent_id=nope`), 400, 'validation_failed');
    });

    it('refuses before and after together, and positions that are not of this room, with 400', async () => {
      const mid = truth[50]!;
      refused(await alice.api.get(`/rooms/${roomId}/messages?before=${mid.seq}&after=${mid.seq - 5}`), 400, 'validation_failed');
      refused(await alice.api.get(`/rooms/${roomId}/messages?before=${mid.id}&after=${truth[10]!.id}`), 400, 'validation_failed');
      for (const q of [
        `before=${otherMessage.id}`,
        `after=${otherMessage.id}`,
        'before=01900000-0000-7000-8000-000000000000',
        'before=abc',
        'after=-3',
        'before=1e3',
      ]) {
        refused(await alice.api.get(`/rooms/${roomId}/messages?${q}`), 400, 'validation_failed');
      }
      // cursor= is a next_cursor (every list takes one): anything else is invalid_cursor.
      refused(await alice.api.get(`/rooms/${roomId}/messages?cursor=x`), 400, 'invalid_cursor');
    });
  });
}
