import type { EventMessage, ServerEvent } from '@rooms/client';
import type { Message, Notification, Presence, Room, State, User } from './types.ts';

/**
 * One reducer per event kind the server sends (SPEC §6). Each takes the state and the event's data
 * and returns the next state; none does I/O. Data of the kinds the SDK does not type yet is typed here.
 */
interface Data {
  reaction_added: { room_id: string; message_id: string; user_id: string; emoji: string };
  reaction_removed: { room_id: string; message_id: string; user_id: string; emoji: string };
  message_pinned: { room_id: string; message_id: string };
  message_unpinned: { room_id: string; message_id: string };
  user_typing: { room_id: string; user_id: string; typing: boolean; expires_in_ms: number };
  member_updated: { room_id: string; user_id: string; role: 'owner' | 'admin' | 'member'; muted: boolean; muted_until: string | null };
  room_updated: { room: Partial<Room> & { id: string } };
  read_updated: { room_id: string; user_id: string; last_read_seq: number; last_read_message_id: string | null; read_at: string | null };
  delivered_updated: { room_id: string; user_id: string; delivered_seq: number };
  notification: Notification;
  user_updated: { user: User };
  room_hidden: { room_id: string };
  room_unhidden: { room_id: string; reason: 'message' | 'opened' | 'shown' };
}

type Reducer<D> = (s: State, data: D, ev: ServerEvent) => State;

const withMessage = (s: State, id: string, fn: (m: Message) => Message): State => {
  const m = s.messages[id];
  return m ? { ...s, messages: { ...s.messages, [id]: fn(m) } } : s;
};

const withRoom = (s: State, id: string, fn: (r: Room) => Room): State => {
  const r = s.rooms[id];
  return r ? { ...s, rooms: { ...s.rooms, [id]: fn(r) } } : s;
};

const remember = (s: State, u: User | null | undefined): State =>
  u && s.users[u.id] !== u ? { ...s, users: { ...s.users, [u.id]: u } } : s;

/** A message from an event: the reader-specific fields keep what we knew, or start empty. */
function fromEvent(prev: Message | undefined, m: EventMessage): Message {
  return { reactions: [], read_by_count: 0, receipt: null, pinned: false, ...prev, ...m };
}

/** Adds a new message to its room's timeline (when the loaded stretch is the latest) or its thread. */
function place(s: State, m: Message): State {
  if (m.parent_id) {
    const t = s.threads[m.parent_id];
    const parent = s.messages[m.parent_id];
    let next = s;
    if (t && !t.ids.includes(m.id)) next = { ...next, threads: { ...next.threads, [m.parent_id]: { ...t, ids: [...t.ids, m.id] } } };
    if (parent && !t?.ids.includes(m.id))
      next = { ...next, messages: { ...next.messages, [parent.id]: { ...parent, reply_count: parent.reply_count + 1 } } };
    return next;
  }
  const tl = s.timelines[m.room_id];
  if (!tl || !tl.atLatest || tl.ids.includes(m.id)) return s;
  const ids = tl.ids.slice();
  // Live events arrive in seq order; a resumed gap may not: keep ids sorted by seq.
  let i = ids.length;
  while (i > 0 && (s.messages[ids[i - 1]!]?.seq ?? 0) > m.seq) i--;
  ids.splice(i, 0, m.id);
  return { ...s, timelines: { ...s.timelines, [m.room_id]: { ...tl, ids } } };
}

const messageCreated: Reducer<{ message: EventMessage }> = (s, { message }) => {
  const m = fromEvent(s.messages[message.id], message);
  let next: State = remember({ ...s, messages: { ...s.messages, [m.id]: m } }, m.sender);
  next = place(next, m);
  // The outbox's copy is replaced by the stored one (same client_id).
  if (m.client_id && next.pending[m.client_id]) {
    const { [m.client_id]: _gone, ...pending } = next.pending;
    next = { ...next, pending };
  }
  const mine = m.sender.id === s.me?.id;
  // A system message ("alice joined") is neither unread nor news that moves the room up (as on the server).
  const quiet = !!m.parent_id || m.type === 'system';
  next = withRoom(next, m.room_id, (r) => ({
    ...r,
    last_seq: Math.max(r.last_seq, m.seq),
    last_message_at: quiet ? r.last_message_at : m.created_at,
    unread_count: mine || quiet ? r.unread_count : r.unread_count + 1,
  }));
  // Someone who sends is no longer typing.
  const typing = next.typing[m.room_id];
  if (typing?.[m.sender.id]) {
    const { [m.sender.id]: _t, ...rest } = typing;
    next = { ...next, typing: { ...next.typing, [m.room_id]: rest } };
  }
  return next;
};

const messageUpdated: Reducer<{ message: EventMessage }> = (s, { message }) => {
  const prev = s.messages[message.id];
  return prev ? { ...s, messages: { ...s.messages, [message.id]: fromEvent(prev, message) } } : s;
};

const messageDeleted: Reducer<{ message_id: string; room_id: string }> = (s, { message_id }) =>
  withMessage(s, message_id, (m) => ({
    ...m,
    content: '',
    deleted_at: m.deleted_at ?? new Date().toISOString(),
    reactions: [],
    pinned: false,
  }));

const reaction =
  (added: boolean): Reducer<Data['reaction_added']> =>
  (s, d) =>
    withMessage(s, d.message_id, (m) => {
      const mine = d.user_id === s.me?.id;
      const groups = m.reactions.slice();
      const i = groups.findIndex((g) => g.emoji === d.emoji);
      const g = i >= 0 ? groups[i]! : { emoji: d.emoji, count: 0, me: false };
      // My own toggle is applied when the API answers; the event must not count it twice.
      if (mine && g.me === added) return m;
      const next = { ...g, count: g.count + (added ? 1 : -1), me: mine ? added : g.me };
      if (i >= 0) {
        if (next.count <= 0) groups.splice(i, 1);
        else groups[i] = next;
      } else if (next.count > 0) groups.push(next);
      return { ...m, reactions: groups };
    });

const pinned =
  (on: boolean): Reducer<Data['message_pinned']> =>
  (s, d) =>
    withMessage(s, d.message_id, (m) => ({ ...m, pinned: on }));

const userTyping: Reducer<Data['user_typing']> = (s, d) => {
  const room = { ...s.typing[d.room_id] };
  if (d.typing) room[d.user_id] = Date.now() + d.expires_in_ms;
  else delete room[d.user_id];
  return { ...s, typing: { ...s.typing, [d.room_id]: room } };
};

const userJoined: Reducer<{ room_id: string; user: User | null; role: string }> = (s, d) => {
  let next = remember(s, d.user);
  const list = next.members[d.room_id];
  if (list && d.user && !list.some((m) => m.user.id === d.user!.id)) {
    const member = { user: d.user, role: d.role as 'member', joined_at: new Date().toISOString(), muted: false, muted_until: null };
    next = { ...next, members: { ...next.members, [d.room_id]: [...list, member] } };
  }
  if (d.user?.id !== s.me?.id) next = withRoom(next, d.room_id, (r) => ({ ...r, member_count: r.member_count + 1 }));
  return next;
};

const userLeft: Reducer<{ room_id: string; user_id: string }> = (s, d) => {
  if (d.user_id === s.me?.id) return roomGone(s, d.room_id);
  let next = withRoom(s, d.room_id, (r) => ({ ...r, member_count: Math.max(0, r.member_count - 1) }));
  const list = next.members[d.room_id];
  if (list) next = { ...next, members: { ...next.members, [d.room_id]: list.filter((m) => m.user.id !== d.user_id) } };
  return next;
};

function roomGone(s: State, roomId: string): State {
  const { [roomId]: _r, ...rooms } = s.rooms;
  const { [roomId]: _t, ...timelines } = s.timelines;
  return { ...s, rooms, timelines };
}

const memberUpdated: Reducer<Data['member_updated']> = (s, d) => {
  let next = s;
  const list = s.members[d.room_id];
  if (list) {
    const members = list.map((m) => (m.user.id === d.user_id ? { ...m, role: d.role, muted: d.muted, muted_until: d.muted_until } : m));
    next = { ...next, members: { ...next.members, [d.room_id]: members } };
  }
  if (d.user_id === s.me?.id) {
    next = withRoom(next, d.room_id, (r) =>
      r.membership ? { ...r, membership: { ...r.membership, role: d.role, muted: d.muted, muted_until: d.muted_until } } : r,
    );
  }
  return next;
};

const roomUpdated: Reducer<Data['room_updated']> = (s, d) => withRoom(s, d.room.id, (r) => ({ ...r, ...d.room }));

const readUpdated: Reducer<Data['read_updated']> = (s, d) => {
  if (d.user_id === s.me?.id) {
    // My read point moved (maybe on another device): the badge follows.
    return withRoom(s, d.room_id, (r) => {
      if (!r.membership || r.membership.last_read_seq >= d.last_read_seq) return r;
      const unread = d.last_read_seq >= r.last_seq ? 0 : r.unread_count;
      return {
        ...r,
        unread_count: unread,
        membership: { ...r.membership, last_read_seq: d.last_read_seq, last_read_message_id: d.last_read_message_id },
      };
    });
  }
  // Direct rooms: my messages up to the peer's read point are read.
  const room = s.rooms[d.room_id];
  if (room?.type !== 'direct') return s;
  const tl = s.timelines[d.room_id];
  if (!tl) return s;
  const messages = { ...s.messages };
  for (const id of tl.ids) {
    const m = messages[id];
    if (m && m.sender.id === s.me?.id && m.seq <= d.last_read_seq && m.receipt !== 'read') messages[id] = { ...m, receipt: 'read' };
  }
  return { ...s, messages };
};

/** Direct rooms: the peer's client received my messages up to delivered_seq; those still 'sent' are 'delivered'. */
const deliveredUpdated: Reducer<Data['delivered_updated']> = (s, d) => {
  if (d.user_id === s.me?.id || s.rooms[d.room_id]?.type !== 'direct') return s;
  const tl = s.timelines[d.room_id];
  if (!tl) return s;
  const messages = { ...s.messages };
  for (const id of tl.ids) {
    const m = messages[id];
    if (m && m.sender.id === s.me?.id && m.seq <= d.delivered_seq && m.receipt === 'sent') messages[id] = { ...m, receipt: 'delivered' };
  }
  return { ...s, messages };
};

const presenceUpdated: Reducer<{ user_id: string; status: Presence }> = (s, d) => ({
  ...s,
  presence: { ...s.presence, [d.user_id]: d.status },
});
// user_online / user_offline carry the user (SessionEvent); presence_updated carries user_id.
const online: Reducer<{ user: User }> = (s, d) => {
  const next = remember(s, d.user);
  return next.presence[d.user.id] && next.presence[d.user.id] !== 'offline'
    ? next
    : { ...next, presence: { ...next.presence, [d.user.id]: 'online' } };
};
const offline: Reducer<{ user: User }> = (s, d) => ({ ...remember(s, d.user), presence: { ...s.presence, [d.user.id]: 'offline' } });

const notification: Reducer<Notification> = (s, n) => {
  if (s.notifications.items.some((x) => x.id === n.id)) return s;
  const byRoom = { ...s.notifications.unreadByRoom };
  if (n.room_id && !n.read_at) byRoom[n.room_id] = (byRoom[n.room_id] ?? 0) + 1;
  return {
    ...s,
    notifications: {
      ...s.notifications,
      items: [n, ...s.notifications.items],
      unread: s.notifications.unread + (n.read_at ? 0 : 1),
      unreadByRoom: byRoom,
    },
  };
};

/**
 * A co-member changed their name or avatar (issue 18): every place that shows them follows — the
 * people we know, member lists, their messages, a direct room named after them, and my own account.
 */
const userUpdated: Reducer<Data['user_updated']> = (s, { user }) => {
  const same = (u: User) => ({
    ...u,
    username: user.username,
    display_name: user.display_name,
    avatar_url: user.avatar_url,
    deleted: user.deleted,
  });
  const messages: State['messages'] = {};
  for (const [id, m] of Object.entries(s.messages)) messages[id] = m.sender.id === user.id ? { ...m, sender: same(m.sender) } : m;
  const members: State['members'] = {};
  for (const [roomId, list] of Object.entries(s.members))
    members[roomId] = list.map((m) => (m.user.id === user.id ? { ...m, user: same(m.user) } : m));
  const rooms: State['rooms'] = {};
  for (const [id, r] of Object.entries(s.rooms))
    rooms[id] = r.peer?.id === user.id ? { ...r, peer: same(r.peer), name: user.display_name } : r;
  const me =
    s.me?.id === user.id ? { ...s.me, username: user.username, display_name: user.display_name, avatar_url: user.avatar_url } : s.me;
  return { ...s, users: { ...s.users, [user.id]: user }, messages, members, rooms, me };
};

/** A direct room I hid (here or on another device) leaves the sidebar; shown again, it returns (an unknown one is fetched: see actions). */
const setHidden =
  (hidden: boolean): Reducer<Data['room_hidden']> =>
  (s, d) => {
    const m = s.rooms[d.room_id]?.membership;
    return m && m.hidden !== hidden ? withRoom(s, d.room_id, (r) => ({ ...r, membership: { ...m, hidden } })) : s;
  };

const REDUCERS: Record<string, Reducer<never>> = {
  message_created: messageCreated,
  message_updated: messageUpdated,
  message_deleted: messageDeleted,
  reaction_added: reaction(true),
  reaction_removed: reaction(false),
  message_pinned: pinned(true),
  message_unpinned: pinned(false),
  user_typing: userTyping,
  user_joined: userJoined,
  user_left: userLeft,
  member_updated: memberUpdated,
  room_updated: roomUpdated,
  room_deleted: (s: State, d: { room_id: string }) => roomGone(s, d.room_id),
  read_updated: readUpdated,
  delivered_updated: deliveredUpdated,
  presence_updated: presenceUpdated,
  user_online: online,
  user_offline: offline,
  notification,
  user_updated: userUpdated,
  room_hidden: setHidden(true),
  room_unhidden: setHidden(false),
};

/** The next state after a live event (unknown kinds change nothing). */
export function reduceEvent(s: State, ev: ServerEvent): State {
  const reducer = REDUCERS[ev.type] as Reducer<unknown> | undefined;
  return reducer ? reducer(s, ev.data, ev) : s;
}
