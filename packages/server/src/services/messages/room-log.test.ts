import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RecordingBus } from '../../../test/helpers/recording-bus.ts';
import { backends, openTestStore } from '../../../test/helpers/services.ts';
import type { Actor } from '../../domain/actor.ts';
import type { DomainEvent } from '../../events/events.ts';
import { MemoryRateLimiter } from '../../limits/memory-rate-limiter.ts';
import { systemClock } from '../../ports/clock.ts';
import { insertUser } from '../../store/contract/fixtures.ts';
import { insertRoom, join } from '../../store/contract/room-fixtures.ts';
import type { Store } from '../../store/store.ts';
import { MessagesService } from './messages.service.ts';
import { roomLogAfter } from './room-log.ts';
import { noFiles } from '../../../test/helpers/attachments.ts';

for (const backend of backends()) {
  describe(
    `the room log replays what was published live: ${backend.name}`,
    { skip: !backend.available && 'TEST_DATABASE_URL not set' },
    () => {
      let store: Store;
      let cleanup: () => Promise<void>;
      let bus: RecordingBus;
      let roomId: string;
      const ids: string[] = [];
      before(async () => {
        ({ store, cleanup } = await openTestStore(backend));
        bus = new RecordingBus();
        const svc = new MessagesService({
          store,
          bus,
          clock: systemClock,
          rateLimiter: new MemoryRateLimiter({ limit: 1000, windowMs: 10_000 }, systemClock),
          attachments: noFiles,
        });
        const user = await insertUser(store);
        const actor = { id: user.id, isAdmin: false, tokenVersion: 0, ip: '127.0.0.1' } as Actor;
        roomId = (await insertRoom(store, { type: 'public' })).id;
        await join(store, roomId, user.id, 'owner');
        // Messages and other durable events interleaved: seqs 1–3 messages, 4 an edit, 5 a message, 6 a deletion, 7 a reply.
        for (let i = 1; i <= 3; i++) ids.push((await svc.send(actor, roomId, { content: `message ${i}` })).message.id);
        await svc.edit(actor, ids[0]!, 'message 1, edited');
        ids.push((await svc.send(actor, roomId, { content: 'message 5' })).message.id);
        await svc.delete(actor, ids[1]!);
        ids.push((await svc.send(actor, roomId, { content: 'a reply', parent_id: ids[2]! })).message.id);
      });
      after(() => cleanup());

      const live = () =>
        bus.published.filter(
          (e): e is Extract<DomainEvent, { kind: 'room' }> => e.kind === 'room' && e.room_id === roomId && e.seq !== undefined,
        );

      it('gives every durable event once, in seq order, with the type it was published with', async () => {
        const log = await roomLogAfter(store, roomId, 0, 100);
        assert.deepEqual(
          log.map((e) => [e.seq, e.type]),
          live().map((e) => [e.seq, e.type]),
        );
        assert.deepEqual(
          log.map((e) => e.seq),
          [1, 2, 3, 4, 5, 6, 7],
        );
      });

      it('keeps no copy of a message in the event log: the message row is the entry', async () => {
        const events = await store.events.listAfter(roomId, 0, 100);
        assert.deepEqual(
          events.map((e) => e.type),
          ['message_updated', 'message_deleted'],
        );
      });

      it('replays an untouched message exactly as it was published', async () => {
        const log = await roomLogAfter(store, roomId, 0, 100);
        for (const seq of [5, 7]) assert.deepEqual(log.find((e) => e.seq === seq)!.data, live().find((e) => e.seq === seq)!.data);
      });

      it('replays an edited message with its text now, a deleted one as the tombstone, a thread parent with its replies counted', async () => {
        const log = await roomLogAfter(store, roomId, 0, 100);
        const message = (seq: number) => {
          const e = log.find((e) => e.seq === seq);
          assert.ok(e?.type === 'message_created', `seq ${seq} is a message`);
          return e.data.message;
        };
        assert.equal(message(1).content, 'message 1, edited');
        assert.equal(message(2).content, '[deleted]');
        assert.ok(message(2).deleted_at);
        assert.equal(message(3).reply_count, 1);
      });

      it('pages from any seq: the limit counts events of both kinds', async () => {
        assert.deepEqual(
          (await roomLogAfter(store, roomId, 2, 3)).map((e) => e.seq),
          [3, 4, 5],
        );
        assert.deepEqual(
          (await roomLogAfter(store, roomId, 3, 2)).map((e) => e.seq),
          [4, 5],
        );
        assert.deepEqual(
          (await roomLogAfter(store, roomId, 5, 10)).map((e) => e.seq),
          [6, 7],
        );
        assert.deepEqual(await roomLogAfter(store, roomId, 7, 10), []);
      });
    },
  );
}
