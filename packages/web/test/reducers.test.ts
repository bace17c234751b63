import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ServerEvent } from '@rooms/client';
import { reduceEvent } from '../src/state/events.ts';
import { initialState, type Message, type Room, type State } from '../src/state/types.ts';
import { typingText } from '../src/lib/format.ts';

/** The reducers are pure: each event kind's effect on the state, without a browser. */
const me = { id: 'me', username: 'me', display_name: 'Me', avatar_url: null, deleted: false };
const bob = { id: 'bob', username: 'bob', display_name: 'Bob', avatar_url: null, deleted: false };

const room = (over: Partial<Room> = {}): Room => ({
  id: 'r1',
  type: 'public',
  name: 'general',
  description: null,
  topic_kind: 'text',
  categories: [],
  member_count: 2,
  member_limit: null,
  featured: false,
  archived: false,
  like_count: 0,
  cover: null,
  created_at: '2026-01-01T00:00:00.000Z',
  created_by: 'me',
  last_message_at: null,
  last_seq: 1,
  unread_count: 0,
  membership: {
    role: 'owner',
    joined_at: '2026-01-01T00:00:00.000Z',
    last_read_seq: 1,
    last_read_message_id: null,
    notification_level: 'all',
    muted: false,
    muted_until: null,
    hidden: false,
  },
  peer: null,
  ...over,
});

const msg = (id: string, seq: number, over: Partial<Message> = {}): Message => ({
  id,
  room_id: 'r1',
  seq,
  sender: bob,
  type: 'text',
  content: `message ${id}`,
  parent_id: null,
  attachments: [],
  client_id: null,
  mentions: [],
  mentions_room: false,
  reply_count: 0,
  reactions: [],
  read_by_count: 0,
  receipt: null,
  pinned: false,
  created_at: `2026-01-01T00:00:${String(seq).padStart(2, '0')}.000Z`,
  edited_at: null,
  deleted_at: null,
  ...over,
});

function base(): State {
  const m1 = msg('m1', 1);
  return {
    ...initialState,
    auth: 'signed-in',
    me: {
      ...me,
      bio: null,
      website: null,
      status_message: null,
      created_at: '',
      last_seen: null,
      followers_count: 0,
      following_count: 0,
      followed_by_me: false,
      profile: {},
      email: 'me@x',
      is_admin: false,
      profile_visibility: {},
      deactivated_at: null,
    },
    rooms: { r1: room() },
    messages: { m1 },
    timelines: { r1: { ids: ['m1'], hasOlder: false, atLatest: true, loadingOlder: false, loadingNewer: false } },
  };
}

const ev = (type: string, data: unknown, extra: Partial<ServerEvent> = {}) => ({ type, data, room_id: 'r1', ...extra }) as ServerEvent;

describe('reducers: one per event kind', () => {
  it('message_created appends in seq order, counts unread for others, replaces my pending copy, ends typing', () => {
    let s = base();
    s = {
      ...s,
      pending: { c1: { client_id: 'c1', room_id: 'r1', parent_id: null, content: 'hi', queued_at: '', failed: null } },
      typing: { r1: { bob: Date.now() + 5000 } },
    };
    s = reduceEvent(s, ev('message_created', { message: msg('m3', 3) }));
    s = reduceEvent(s, ev('message_created', { message: msg('m2', 2) }));
    assert.deepEqual(s.timelines.r1!.ids, ['m1', 'm2', 'm3']);
    assert.equal(s.rooms.r1!.unread_count, 2);
    assert.equal(s.rooms.r1!.last_seq, 3);
    assert.deepEqual(s.typing.r1, {});
    s = reduceEvent(s, ev('message_created', { message: msg('m4', 4, { sender: me, client_id: 'c1' }) }));
    assert.equal(s.rooms.r1!.unread_count, 2, 'my own message is not unread');
    assert.deepEqual(s.pending, {});
    const again = reduceEvent(s, ev('message_created', { message: msg('m4', 4, { sender: me, client_id: 'c1' }) }));
    assert.deepEqual(again.timelines.r1!.ids, s.timelines.r1!.ids, 'a duplicate is not added twice');
  });

  it('room_hidden and room_unhidden (issue 19) flip my membership of a known room and leave other rooms alone', () => {
    let s = base();
    s = reduceEvent(s, ev('room_hidden', { room_id: 'r1' }));
    assert.equal(s.rooms.r1!.membership!.hidden, true);
    const same = reduceEvent(s, ev('room_hidden', { room_id: 'r1' }));
    assert.equal(same, s, 'hidden twice: no new state');
    assert.equal(reduceEvent(s, ev('room_hidden', { room_id: 'nope' })), s, 'an unknown room is the actions’ to fetch');
    s = reduceEvent(s, ev('room_unhidden', { room_id: 'r1', reason: 'message' }));
    assert.equal(s.rooms.r1!.membership!.hidden, false);
  });

  it('a reply goes to its thread and counts on the parent, not into the timeline', () => {
    let s = base();
    s = { ...s, threads: { m1: { ids: [], hasOlder: false, loading: false } } };
    s = reduceEvent(s, ev('message_created', { message: msg('r', 2, { parent_id: 'm1' }) }));
    assert.deepEqual(s.timelines.r1!.ids, ['m1']);
    assert.deepEqual(s.threads.m1!.ids, ['r']);
    assert.equal(s.messages.m1!.reply_count, 1);
    assert.equal(s.rooms.r1!.unread_count, 0);
  });

  it('a system message ("bob joined") joins the timeline but is not unread and does not move the room up', () => {
    let s = base();
    const before = s.rooms.r1!.last_message_at;
    s = reduceEvent(
      s,
      ev('message_created', { message: msg('j', 2, { type: 'system', content: 'bob joined', created_at: '2027-01-01T00:00:00.000Z' }) }),
    );
    assert.deepEqual(s.timelines.r1!.ids, ['m1', 'j']);
    assert.equal(s.rooms.r1!.unread_count, 0);
    assert.equal(s.rooms.r1!.last_seq, 2);
    assert.equal(s.rooms.r1!.last_message_at, before);
  });

  it('a stretch that is not the latest (after a jump) gets no live messages', () => {
    let s = base();
    s = { ...s, timelines: { r1: { ...s.timelines.r1!, atLatest: false } } };
    s = reduceEvent(s, ev('message_created', { message: msg('m9', 9) }));
    assert.deepEqual(s.timelines.r1!.ids, ['m1']);
  });

  it('message_updated keeps what the event does not carry; message_deleted leaves a tombstone', () => {
    let s = base();
    s = { ...s, messages: { m1: msg('m1', 1, { reactions: [{ emoji: '👍', count: 1, me: true }] }) } };
    // Events carry no per-reader fields (reactions, read counts, receipt, pinned).
    const {
      reactions: _r,
      read_by_count: _c,
      receipt: _t,
      pinned: _p,
      ...event
    } = msg('m1', 1, { content: 'edited', edited_at: '2026-01-02T00:00:00.000Z' });
    s = reduceEvent(s, ev('message_updated', { message: event }));
    assert.equal(s.messages.m1!.content, 'edited');
    assert.deepEqual(s.messages.m1!.reactions, [{ emoji: '👍', count: 1, me: true }]);
    s = reduceEvent(s, ev('message_deleted', { message_id: 'm1', room_id: 'r1', deleted_by: 'bob' }));
    assert.equal(s.messages.m1!.content, '');
    assert.ok(s.messages.m1!.deleted_at);
  });

  it('reactions add up per emoji; my own event does not count twice after my API call', () => {
    let s = reduceEvent(base(), ev('reaction_added', { room_id: 'r1', message_id: 'm1', user_id: 'bob', emoji: '👍' }));
    s = reduceEvent(s, ev('reaction_added', { room_id: 'r1', message_id: 'm1', user_id: 'me', emoji: '👍' }));
    assert.deepEqual(s.messages.m1!.reactions, [{ emoji: '👍', count: 2, me: true }]);
    s = reduceEvent(s, ev('reaction_added', { room_id: 'r1', message_id: 'm1', user_id: 'me', emoji: '👍' }));
    assert.deepEqual(s.messages.m1!.reactions, [{ emoji: '👍', count: 2, me: true }]);
    s = reduceEvent(s, ev('reaction_removed', { room_id: 'r1', message_id: 'm1', user_id: 'bob', emoji: '👍' }));
    s = reduceEvent(s, ev('reaction_removed', { room_id: 'r1', message_id: 'm1', user_id: 'me', emoji: '👍' }));
    assert.deepEqual(s.messages.m1!.reactions, []);
  });

  it('pins, typing, member changes, room changes and presence', () => {
    let s = reduceEvent(base(), ev('message_pinned', { room_id: 'r1', message_id: 'm1' }));
    assert.equal(s.messages.m1!.pinned, true);
    s = reduceEvent(s, ev('message_unpinned', { room_id: 'r1', message_id: 'm1' }));
    assert.equal(s.messages.m1!.pinned, false);
    s = reduceEvent(s, ev('user_typing', { room_id: 'r1', user_id: 'bob', typing: true, expires_in_ms: 5000 }));
    assert.ok(s.typing.r1!.bob! > Date.now());
    s = reduceEvent(s, ev('user_typing', { room_id: 'r1', user_id: 'bob', typing: false, expires_in_ms: 0 }));
    assert.equal(s.typing.r1!.bob, undefined);
    s = reduceEvent(s, ev('member_updated', { room_id: 'r1', user_id: 'me', role: 'admin', muted: true, muted_until: null }));
    assert.equal(s.rooms.r1!.membership!.role, 'admin');
    assert.equal(s.rooms.r1!.membership!.muted, true);
    s = reduceEvent(s, ev('room_updated', { room: { id: 'r1', name: 'renamed', archived: true } }));
    assert.equal(s.rooms.r1!.name, 'renamed');
    assert.equal(s.rooms.r1!.archived, true);
    s = reduceEvent(s, ev('user_online', { user: bob, at: '' }));
    assert.equal(s.presence.bob, 'online');
    s = reduceEvent(s, ev('presence_updated', { user_id: 'bob', status: 'busy', last_active: null }));
    assert.equal(s.presence.bob, 'busy');
    s = reduceEvent(s, ev('user_offline', { user: bob, at: '' }));
    assert.equal(s.presence.bob, 'offline');
  });

  it('joins and leaves change the member count; my own leave, removal or the room deleted drops the room', () => {
    let s = reduceEvent(base(), ev('user_joined', { room_id: 'r1', user: { ...bob, id: 'carol' }, role: 'member', added_by: null }));
    assert.equal(s.rooms.r1!.member_count, 3);
    s = reduceEvent(s, ev('user_left', { room_id: 'r1', user_id: 'carol', reason: 'left', by: null }));
    assert.equal(s.rooms.r1!.member_count, 2);
    s = reduceEvent(s, ev('user_left', { room_id: 'r1', user_id: 'me', reason: 'banned', by: 'bob' }));
    assert.equal(s.rooms.r1, undefined);
    assert.equal(reduceEvent(base(), ev('room_deleted', { room_id: 'r1' })).rooms.r1, undefined);
  });

  it('read_updated: my read point on another device clears the badge; the peer of a direct room marks my messages read', () => {
    let s = base();
    s = { ...s, rooms: { r1: room({ unread_count: 4, last_seq: 5 }) } };
    s = reduceEvent(s, ev('read_updated', { room_id: 'r1', user_id: 'me', last_read_seq: 5, last_read_message_id: null, read_at: '' }));
    assert.equal(s.rooms.r1!.unread_count, 0);
    let d = base();
    d = { ...d, rooms: { r1: room({ type: 'direct' }) }, messages: { m1: msg('m1', 1, { sender: me, receipt: 'delivered' }) } };
    d = reduceEvent(d, ev('read_updated', { room_id: 'r1', user_id: 'bob', last_read_seq: 1, last_read_message_id: 'm1', read_at: '' }));
    assert.equal(d.messages.m1!.receipt, 'read');
  });

  it("delivered_updated: the peer's client received my direct messages up to a seq: 'sent' becomes 'delivered', 'read' stays", () => {
    let d = base();
    d = {
      ...d,
      rooms: { r1: room({ type: 'direct' }) },
      messages: {
        m1: msg('m1', 1, { sender: me, receipt: 'sent' }),
        m2: msg('m2', 2, { sender: me, receipt: 'sent' }),
        m3: msg('m3', 3, { sender: me, receipt: 'sent' }),
      },
    };
    d = { ...d, timelines: { r1: { ...d.timelines.r1!, ids: ['m1', 'm2', 'm3'] } } };
    d = { ...d, messages: { ...d.messages, m1: { ...d.messages.m1!, receipt: 'read' } } };
    d = reduceEvent(d, ev('delivered_updated', { room_id: 'r1', user_id: 'bob', delivered_seq: 2 }));
    assert.deepEqual(
      ['m1', 'm2', 'm3'].map((id) => d.messages[id]!.receipt),
      ['read', 'delivered', 'sent'],
    );
    const mine = reduceEvent(d, ev('delivered_updated', { room_id: 'r1', user_id: 'me', delivered_seq: 3 }));
    assert.equal(mine.messages.m3!.receipt, 'sent', 'my own client receiving is no receipt');
  });

  it('notification: counted once, per room too', () => {
    const n = {
      id: 'n1',
      type: 'mention' as const,
      room_id: 'r1',
      message_id: 'm1',
      actor: bob,
      payload: {},
      created_at: '',
      read_at: null,
    };
    let s = reduceEvent(base(), { type: 'notification', data: n } as ServerEvent);
    s = reduceEvent(s, { type: 'notification', data: n } as ServerEvent);
    assert.equal(s.notifications.unread, 1);
    assert.equal(s.notifications.unreadByRoom.r1, 1);
  });

  it('user_updated: a co-member’s new name reaches their messages, member lists, the direct room named after them, and my own account', () => {
    let s = base();
    s = { ...s, rooms: { ...s.rooms, d1: room({ id: 'd1', type: 'direct', name: 'Bob', peer: bob }) } };
    s = { ...s, members: { r1: [{ user: bob, role: 'member', joined_at: '', muted: false, muted_until: null }] }, users: { bob } };
    s = reduceEvent(s, { type: 'user_updated', data: { user: { ...bob, display_name: 'Robert' } } } as unknown as ServerEvent);
    assert.equal(s.messages.m1!.sender.display_name, 'Robert');
    assert.equal(s.members.r1![0]!.user.display_name, 'Robert');
    assert.equal(s.rooms.d1!.name, 'Robert');
    assert.equal(s.rooms.d1!.peer!.display_name, 'Robert');
    assert.equal(s.users.bob!.display_name, 'Robert');
    assert.equal(s.rooms.r1!.name, 'general', 'other rooms keep their names');
    s = reduceEvent(s, { type: 'user_updated', data: { user: { ...me, display_name: 'New me' } } } as unknown as ServerEvent);
    assert.equal(s.me!.display_name, 'New me');
  });

  it('unknown event kinds change nothing', () => {
    const s = base();
    assert.equal(reduceEvent(s, ev('resync_required', {})), s);
  });
});

describe('typing line', () => {
  it('one, two, several', () => {
    assert.equal(typingText([]), '');
    assert.equal(typingText(['alice']), 'alice is typing…');
    assert.equal(typingText(['alice', 'bob']), 'alice and bob are typing…');
    assert.equal(typingText(['alice', 'bob', 'carol']), 'Several people are typing…');
  });
});
