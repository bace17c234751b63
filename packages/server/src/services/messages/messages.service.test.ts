import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { RecordingBus } from '../../../test/helpers/recording-bus.ts';
import { backends, openTestStore } from '../../../test/helpers/services.ts';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { MemoryRateLimiter } from '../../limits/memory-rate-limiter.ts';
import { systemClock } from '../../ports/clock.ts';
import { insertUser } from '../../store/contract/fixtures.ts';
import { insertRoom, join } from '../../store/contract/room-fixtures.ts';
import type { Store } from '../../store/store.ts';
import { MessagesService } from './messages.service.ts';
import { noFiles } from '../../../test/helpers/attachments.ts';

/**
 * A bus that delivers nothing: the changes below are made straight in the database, as another
 * node would make them, and the invalidation that node publishes is late or lost. Whatever the
 * service remembers from earlier sends, the send's transaction must decide on the database.
 */
const DeafBus = RecordingBus;

const refusedWith = (code: string) => (err: unknown) => err instanceof DomainError && err.code === code;

for (const backend of backends()) {
  describe(
    `MessagesService.send decides on the database, not on what it remembers: ${backend.name}`,
    { skip: !backend.available && 'TEST_DATABASE_URL not set' },
    () => {
      let store: Store;
      let cleanup: () => Promise<void>;
      let svc: MessagesService;
      let actor: Actor;
      let roomId: string;
      before(async () => {
        ({ store, cleanup } = await openTestStore(backend));
      });
      after(() => cleanup());

      /** A fresh room with the actor as member (role given) and one earlier send, so the service has it cached. */
      beforeEach(async () => {
        svc = new MessagesService({
          store,
          bus: new DeafBus(),
          clock: systemClock,
          rateLimiter: new MemoryRateLimiter({ limit: 1000, windowMs: 10_000 }, systemClock),
          attachments: noFiles,
        });
        const user = await insertUser(store);
        actor = { id: user.id, isAdmin: false, tokenVersion: 0, ip: '127.0.0.1' } as Actor;
        roomId = (await insertRoom(store, { type: 'private' })).id;
        await join(store, roomId, user.id, 'admin');
        await svc.send(actor, roomId, { content: 'first' });
      });

      const lastSeq = async () => (await store.rooms.findById(roomId))!.last_seq;

      it('a removed member is refused (404 room_not_found for a private room) and nothing is stored', async () => {
        const seq = await lastSeq();
        await store.members.remove(roomId, actor.id);
        await assert.rejects(svc.send(actor, roomId, { content: 'after removal' }), refusedWith('room_not_found'));
        assert.equal(await lastSeq(), seq, 'no seq taken');
        assert.equal((await store.messages.list(roomId, { limit: 10 })).length, 1);
      });

      it('a member muted meanwhile is refused with muted', async () => {
        await store.members.update(roomId, actor.id, { muted: true, muted_until: null });
        await assert.rejects(svc.send(actor, roomId, { content: 'while muted' }), refusedWith('muted'));
      });

      it('a room archived meanwhile refuses the message (room_archived) and takes no seq', async () => {
        const seq = await lastSeq();
        await store.rooms.update(roomId, { archived: true });
        await assert.rejects(svc.send(actor, roomId, { content: 'archived' }), refusedWith('room_archived'));
        assert.equal(await lastSeq(), seq);
      });

      it('@room is decided on the role at the moment of sending: a demoted admin mentions nobody', async () => {
        const other = await insertUser(store);
        await join(store, roomId, other.id);
        await store.members.update(roomId, actor.id, { role: 'member' });
        const { message } = await svc.send(actor, roomId, { content: 'hello @room' });
        const stored = await store.messages.findById(message.id);
        assert.equal(stored!.mentions_room, false);
        assert.equal((await store.notifications.list(other.id, { limit: 10 })).items.length, 0, 'nobody notified');
      });

      it('an unchanged member keeps sending, each message under the next seq', async () => {
        const seq = await lastSeq();
        for (let i = 0; i < 3; i++) await svc.send(actor, roomId, { content: `again ${i}` });
        assert.equal(await lastSeq(), seq + 3);
      });
    },
  );
}

for (const backend of backends()) {
  describe(
    `MessagesService.send: a resend is told by the unique index: ${backend.name}`,
    { skip: !backend.available && 'TEST_DATABASE_URL not set' },
    () => {
      let store: Store;
      let cleanup: () => Promise<void>;
      before(async () => {
        ({ store, cleanup } = await openTestStore(backend));
      });
      after(() => cleanup());

      /** A service allowing `limit` messages a minute, and a member of a fresh public room. */
      const aSender = async (limit: number) => {
        const svc = new MessagesService({
          store,
          bus: new DeafBus(),
          clock: systemClock,
          rateLimiter: new MemoryRateLimiter({ limit, windowMs: 60_000 }, systemClock),
          attachments: noFiles,
        });
        const user = await insertUser(store);
        const roomId = (await insertRoom(store, { type: 'public' })).id;
        await join(store, roomId, user.id);
        return { svc, roomId, actor: { id: user.id, isAdmin: false, tokenVersion: 0, ip: '127.0.0.1' } as Actor };
      };

      it('answers with the original and stores nothing, even past the rate limit; a new client_id is refused', async () => {
        // One message per window: the resend comes after the limit is reached.
        const { svc, roomId, actor } = await aSender(1);
        const first = await svc.send(actor, roomId, { content: 'once', client_id: 'k-1' });
        assert.equal(first.created, true);
        const seq = (await store.rooms.findById(roomId))!.last_seq;
        const again = await svc.send(actor, roomId, { content: 'once, resent', client_id: 'k-1' });
        assert.deepEqual([again.created, again.message.id, again.message.content], [false, first.message.id, 'once']);
        await assert.rejects(svc.send(actor, roomId, { content: 'new', client_id: 'k-2' }), refusedWith('rate_limited'));
        assert.equal((await store.rooms.findById(roomId))!.last_seq, seq, 'no seq taken');
        assert.equal((await store.messages.list(roomId, { limit: 10 })).length, 1);
      });

      it('answers a resend with the original when the limit allows it too, and its seq goes back', async () => {
        const { svc, roomId, actor } = await aSender(100);
        const first = await svc.send(actor, roomId, { content: 'once', client_id: 'k-1' });
        const seq = (await store.rooms.findById(roomId))!.last_seq;
        const again = await svc.send(actor, roomId, { content: 'once', client_id: 'k-1' });
        assert.deepEqual([again.created, again.message.id], [false, first.message.id]);
        assert.equal((await store.rooms.findById(roomId))!.last_seq, seq, 'the seq the resend took was rolled back');
        const next = await svc.send(actor, roomId, { content: 'next', client_id: 'k-2' });
        assert.equal(next.message.seq, seq + 1, 'gap-free');
      });
    },
  );
}
