import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryBus } from '../../bus/memory-bus.ts';
import { profileChanged, type RoomEvent, type RoomEventType } from '../../events/events.ts';
import type { MembershipRow, RoomRow } from '../../store/room-types.ts';
import type { UserRow } from '../../store/types.ts';
import { SendAccessCache } from './send-access-cache.ts';

const room = (id: string) => ({ id, type: 'public', archived: false }) as RoomRow;
const member = (roomId: string, userId: string) => ({ room_id: roomId, user_id: userId, role: 'member' }) as MembershipRow;
const flush = () => new Promise((r) => setImmediate(r));

/** One event of each type the test publishes, to room r1 (only the type matters to the cache). */
const U = 'u1';
const summary = { id: U, username: 'u', display_name: 'U', avatar_url: null, deleted: false };
const message = {
  id: 'm1',
  room_id: 'r1',
  seq: 1,
  sender: summary,
  type: 'text',
  content: 'hi',
  parent_id: null,
  client_id: null,
  mentions: [],
  mentions_room: false,
  reply_count: 0,
  attachments: [],
  created_at: '2026-01-01T00:00:00.000Z',
  edited_at: null,
  deleted_at: null,
} as const;
const samples: { [T in RoomEventType]?: RoomEvent & { type: T } } = {
  message_created: {
    kind: 'room',
    room_id: 'r1',
    seq: 1,
    type: 'message_created',
    data: { message: { ...message, mentions: [], attachments: [] } },
  },
  reaction_added: {
    kind: 'room',
    room_id: 'r1',
    seq: 1,
    type: 'reaction_added',
    data: { room_id: 'r1', message_id: 'm1', user_id: U, emoji: '👍' },
  },
  read_updated: {
    kind: 'room',
    room_id: 'r1',
    type: 'read_updated',
    data: { room_id: 'r1', user_id: U, last_read_seq: 1, last_read_message_id: 'm1', read_at: null },
  },
  user_typing: { kind: 'room', room_id: 'r1', type: 'user_typing', data: { room_id: 'r1', user_id: U, typing: true, expires_in_ms: 5000 } },
  user_left: { kind: 'room', room_id: 'r1', seq: 1, type: 'user_left', data: { room_id: 'r1', user_id: U, reason: 'left', by: null } },
  member_updated: {
    kind: 'room',
    room_id: 'r1',
    seq: 1,
    type: 'member_updated',
    data: { room_id: 'r1', user_id: U, role: 'member', muted: true, muted_until: null },
  },
  room_updated: {
    kind: 'room',
    room_id: 'r1',
    seq: 1,
    type: 'room_updated',
    data: {
      room: {
        id: 'r1',
        type: 'public',
        name: 'r',
        description: null,
        topic_kind: 'text',
        categories: [],
        member_count: 1,
        member_limit: null,
        featured: false,
        archived: false,
        like_count: 0,
        cover: null,
        created_at: '2026-01-01T00:00:00.000Z',
        last_message_at: null,
      },
    },
  },
  user_joined: {
    kind: 'room',
    room_id: 'r1',
    seq: 1,
    type: 'user_joined',
    data: { room_id: 'r1', user: summary, role: 'member', added_by: null },
  },
  room_deleted: { kind: 'room', room_id: 'r1', type: 'room_deleted', data: { room_id: 'r1' } },
};

describe('SendAccessCache: what a send may reuse, and when it must read again', () => {
  it('keeps an entry across message events and drops the whole room on a membership or room event', async () => {
    const bus = new MemoryBus();
    const cache = new SendAccessCache(bus);
    cache.rememberAccess('r1', 'u1', room('r1'), member('r1', 'u1'), 0);
    cache.rememberAccess('r1', 'u2', room('r1'), member('r1', 'u2'), 0);
    cache.rememberAccess('r2', 'u1', room('r2'), member('r2', 'u1'), 0);
    const publish = (type: RoomEventType, roomId: string) => bus.publish({ ...samples[type]!, room_id: roomId });
    for (const type of ['message_created', 'reaction_added', 'read_updated', 'user_typing'] as const) await publish(type, 'r1');
    await flush();
    assert.ok(cache.access('r1', 'u1', 1), "message events change nobody's access");
    for (const type of ['user_left', 'member_updated', 'room_updated', 'user_joined', 'room_deleted'] as const) {
      cache.rememberAccess('r1', 'u1', room('r1'), member('r1', 'u1'), 0);
      await publish(type, 'r1');
      await flush();
      assert.equal(cache.access('r1', 'u1', 1), undefined, `${type} drops the room`);
      assert.equal(cache.access('r1', 'u2', 1), undefined, `${type} drops every member of the room`);
    }
    assert.ok(cache.access('r2', 'u1', 1), 'other rooms are untouched');
  });

  it('an entry serves 30 s and the sender row 60 s; a revoked session or a profile change drops the sender', async () => {
    const bus = new MemoryBus();
    const cache = new SendAccessCache(bus);
    cache.rememberAccess('r1', 'u1', room('r1'), member('r1', 'u1'), 1_000);
    assert.ok(cache.access('r1', 'u1', 30_999));
    assert.equal(cache.access('r1', 'u1', 31_000), undefined);
    cache.rememberSender({ id: 'u1' } as UserRow, 1_000);
    assert.ok(cache.sender('u1', 60_999));
    assert.equal(cache.sender('u1', 61_000), undefined);
    await bus.publish({ kind: 'user', user_id: 'u1', type: 'session_revoked', data: { token_version: 1 } });
    await flush();
    assert.equal(cache.sender('u1', 1_500), undefined);
    cache.rememberSender({ id: 'u1' } as UserRow, 1_000);
    cache.rememberSender({ id: 'u2' } as UserRow, 1_000);
    await bus.publish(profileChanged('u1'));
    await flush();
    assert.equal(cache.sender('u1', 1_500), undefined, 'renamed: read again');
    assert.ok(cache.sender('u2', 1_500), 'the others stay');
  });

  it("the room row is the latest read, shared by the room's entries", () => {
    const cache = new SendAccessCache(new MemoryBus());
    cache.rememberAccess('r1', 'u1', room('r1'), member('r1', 'u1'), 0);
    const newer = { ...room('r1'), name: 'renamed' };
    cache.rememberAccess('r1', 'u2', newer, member('r1', 'u2'), 0);
    assert.equal(cache.access('r1', 'u1', 1)!.room, newer);
    assert.equal(cache.access('r1', 'u1', 1)!.membership!.user_id, 'u1');
  });
});
