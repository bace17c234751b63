import { CLOSE_CODES, LIMITS } from '@rooms/protocol';
import { everyItem, isRoomsApiError, type LoginResult, type OutboxItem, type RoomsApiError } from '@rooms/client';
import { IdbOutbox } from '../lib/idb-outbox.ts';
import { currentPath, parse } from '../lib/router.ts';
import { client, getLive, saveToken, setLive } from '../lib/sdk.ts';
import { showDesktop } from '../ui/desktop-notifications.ts';
import { reduceEvent } from './events.ts';
import { store } from './store.ts';
import type { Message, Notification, PendingMessage, Room, State } from './types.ts';
import { uploadErrorText } from './uploads.ts';

/** Messages per page of history (the server's page maximum is 100). */
export const PAGE = 50;

const set = (fn: (s: State) => State) => store.update(fn);

// ── Session ─────────────────────────────────────────────────────────────────────────────────────

/** On load: a saved token that still works signs in; anything else shows the login screen. */
export async function restoreSession(): Promise<void> {
  if (!client.token) return set((s) => ({ ...s, auth: 'signed-out' }));
  try {
    await startSession();
  } catch (err) {
    signedOut(isRoomsApiError(err) && err.status === 401 ? 'Your session has expired. Please log in again.' : null);
  }
}

export async function login(identity: string, password: string): Promise<LoginResult> {
  const byEmail = identity.includes('@');
  const result = await client.auth.login(byEmail ? { email: identity, password } : { username: identity, password });
  if (result.kind === 'session') await begin(result.session.token);
  return result;
}

export async function signup(body: {
  username: string;
  email: string;
  password: string;
  display_name?: string;
  invite_code?: string;
  setup_token?: string;
}): Promise<void> {
  const session = await client.auth.signup(body);
  await begin(session.token);
}

async function begin(token: string): Promise<void> {
  saveToken(token);
  await startSession();
}

async function startSession(): Promise<void> {
  const route = parse(currentPath());
  // A link to a room: its data is asked for beside /auth/me (same token), one round trip sooner.
  const landing =
    route.name === 'room' && !route.messageId
      ? Promise.all([client.rooms.get(route.roomId), client.messages.list(route.roomId, { limit: PAGE })]).catch(() => null)
      : null;
  const me = await client.auth.me();
  store.reset({ auth: 'signed-in', me, users: { [me.id]: me } });
  connectLive(me.id);
  const shown =
    landing && route.name === 'room'
      ? landing.then((got) => {
          if (!got) return;
          const [room, page] = got;
          if (!store.get().timelines[route.roomId]) showLatest(route.roomId, page);
          if ('membership' in room && room.membership) putRoom(room);
        })
      : null;
  await Promise.all([loadRooms(), loadNotifications(), loadPresence().catch(() => {}), shown]);
}

export function logout(): void {
  // The server ends this session (its token stops working wherever it was copied); the tab signs out at once either way.
  if (client.token) void client.auth.logout().catch(() => undefined);
  signedOut(null);
}

export async function logoutEverywhere(): Promise<void> {
  await client.auth.logoutAll();
  signedOut('You logged out everywhere.');
}

/** Set while this tab's own call revokes every session (password change): the close of its old socket is expected. */
let renewing = false;

/**
 * Runs a call that signs out every session of the account and answers with a fresh one (a password
 * change): this tab keeps the new token and reconnects with it instead of being signed out.
 */
export async function renewSession<T extends { token: string }>(call: () => Promise<T>): Promise<T> {
  renewing = true;
  try {
    const session = await call();
    saveToken(session.token);
    const me = store.get().me;
    if (me) connectLive(me.id);
    return session;
  } finally {
    renewing = false;
  }
}

function signedOut(reason: string | null): void {
  setLive(null);
  saveToken(undefined);
  store.reset({ auth: 'signed-out', signedOutReason: reason });
}

const CLOSE_REASONS: Record<number, string> = {
  [CLOSE_CODES.sessionRevoked]:
    'You were signed out: this session was ended from another device, your password was changed, or you logged out everywhere.',
  [CLOSE_CODES.accountDeactivated]: 'This account was deactivated.',
};

function connectLive(userId: string): void {
  const outbox = new IdbOutbox(userId);
  const live = client.live({ auth: 'ticket', outbox });
  setLive(live);
  live.on('event', (ev) => {
    set((s) => reduceEvent(s, ev));
    if (ev.type === 'read_updated') refreshReceiptsSoon(ev.data as { room_id: string; user_id: string });
    // A direct room hidden before this page loaded is not in the store: fetch it to list it again. A
    // message in a room we do not know (its room_unhidden missed while reconnecting, replayed by the resume) does the same.
    if (ev.type === 'room_unhidden') fetchUnknownRoom(ev.data.room_id);
    if (ev.type === 'message_created') fetchUnknownRoom(ev.data.message.room_id);
    if (ev.type === 'ready') {
      for (const r of ev.data.rooms) {
        readySeqs.set(r.room_id, r.last_seq);
        void catchUp(r.room_id).catch(() => {});
      }
    }
    if (ev.type === 'notification') {
      const route = parse(currentPath());
      const n = ev.data as Notification;
      showDesktop(n, route.name === 'room' ? route.roomId : null);
      // A room I was just put in (someone opened a direct room with me, added me) is not listed yet.
      if (n.room_id && !store.get().rooms[n.room_id]) void loadRooms().catch(() => {});
    }
  });
  live.on('status', (status) =>
    set((s) => ({ ...s, connection: { status, nextRetryAt: status === 'disconnected' ? s.connection.nextRetryAt : null } })),
  );
  live.on('closed', (info) => {
    // A connection replaced by a renewed session, or revoked by this tab's own renewal, ends quietly.
    if (getLive() !== live || (renewing && info.code === CLOSE_CODES.sessionRevoked)) return;
    if (!info.willReconnect && info.code !== 1000) {
      signedOut(
        CLOSE_REASONS[info.code] ??
          (info.httpStatus === 401 ? 'Your session ended. Please log in again.' : 'The connection to the server ended.'),
      );
      return;
    }
    set((s) => ({
      ...s,
      connection: { status: 'disconnected', nextRetryAt: info.retryInMs === undefined ? null : Date.now() + info.retryInMs },
    }));
  });
  live.on('sent', (item, message) => set((s) => placeSent(s, item, message)));
  live.on('failed', (item, err) => set((s) => markFailed(s, item, err)));
  // Messages queued before a reload are shown as pending until they go out: read before the
  // connection starts, or a send finishing first would leave its stale copy shown as pending.
  void outbox
    .list()
    .catch(() => [])
    .then((items) => {
      set((s) => ({ ...s, pending: { ...Object.fromEntries(items.map((i) => [i.client_id, toPending(i)])), ...s.pending } }));
      if (getLive() === live) live.start();
    });
}

const toPending = (i: OutboxItem): PendingMessage => ({
  client_id: i.client_id,
  room_id: i.room_id,
  parent_id: i.parent_id ?? null,
  content: i.content,
  queued_at: i.queued_at,
  failed: null,
  ...(i.attachments?.length
    ? { upload: { files: i.attachments.map(() => ({ name: 'attachment', size: 0 })), ids: Promise.resolve(i.attachments) } }
    : {}),
});

function placeSent(s: State, item: OutboxItem, message: Message): State {
  const { [item.client_id]: _p, ...pending } = s.pending;
  const known = s.messages[message.id];
  let next: State = { ...s, pending, messages: { ...s.messages, [message.id]: known ? { ...message, ...known } : message } };
  if (!known) next = reduceEvent(next, { type: 'message_created', room_id: message.room_id, seq: message.seq, data: { message } });
  return next;
}

function markFailed(s: State, item: OutboxItem, err: RoomsApiError): State {
  const p = s.pending[item.client_id] ?? toPending(item);
  return { ...s, pending: { ...s.pending, [item.client_id]: { ...p, failed: { code: err.code, message: uploadErrorText(err) } } } };
}

// ── Rooms ───────────────────────────────────────────────────────────────────────────────────────

/**
 * My rooms: the first page (the most recent) is shown at once; with more rooms than a page, the
 * whole list follows in the background (the SDK pages through it, twice if it changed meanwhile).
 */
export async function loadRooms(): Promise<void> {
  const first = await client.rooms.page({ limit: LIMITS.roomPage.max });
  const show = (rooms: Room[], replace: boolean) =>
    set((s) => ({
      ...s,
      roomsLoaded: true,
      rooms: { ...(replace ? {} : s.rooms), ...Object.fromEntries(rooms.map((r) => [r.id, r])) },
      users: withPeers(s.users, rooms),
    }));
  show(first.items, false);
  if (first.next_cursor) show((await client.rooms.list()).items, true);
}

const withPeers = (users: State['users'], rooms: Room[]) => {
  const next = { ...users };
  for (const r of rooms) if (r.peer) next[r.peer.id] = r.peer;
  return next;
};

export function putRoom(room: Room): void {
  set((s) => ({ ...s, rooms: { ...s.rooms, [room.id]: room }, users: withPeers(s.users, [room]) }));
}

export async function createRoom(body: Parameters<typeof client.rooms.create>[0]): Promise<Room> {
  const room = await client.rooms.create(body);
  putRoom(room);
  return room;
}

export async function joinRoom(id: string): Promise<Room> {
  const room = await client.rooms.join(id);
  putRoom(room);
  return room;
}

export async function leaveRoom(id: string): Promise<void> {
  await client.rooms.leave(id);
  set((s) => {
    const { [id]: _r, ...rooms } = s.rooms;
    return { ...s, rooms };
  });
}

/** Rooms being fetched because an event named them first (a burst of messages fetches once). */
const fetching = new Set<string>();

function fetchUnknownRoom(id: string): void {
  if (store.get().rooms[id] || fetching.has(id)) return;
  fetching.add(id);
  void refreshRoom(id)
    .catch(() => {})
    .finally(() => fetching.delete(id));
}

/** Reads a room of mine again and puts it in the store (a direct room shown again). */
export async function refreshRoom(id: string): Promise<void> {
  const room = await client.rooms.get(id);
  if ('membership' in room && room.membership) putRoom(room);
}

/** Hides a direct room from my list (the sidebar); it returns with the next message in it. */
export async function hideRoom(id: string): Promise<void> {
  await client.rooms.hide(id);
  set((s) => {
    const r = s.rooms[id];
    return r?.membership ? { ...s, rooms: { ...s.rooms, [id]: { ...r, membership: { ...r.membership, hidden: true } } } } : s;
  });
}

export async function openDirect(userId: string): Promise<Room> {
  const { room } = await client.rooms.openDirect(userId);
  putRoom(room);
  return room;
}

// ── Messages ────────────────────────────────────────────────────────────────────────────────────

const indexed = (s: State, items: Message[]): State['messages'] => {
  const messages = { ...s.messages };
  for (const m of items) messages[m.id] = m;
  return messages;
};

const usersOf = (s: State, items: Message[]): State['users'] => {
  const users = { ...s.users };
  for (const m of items) users[m.sender.id] = m.sender;
  return users;
};

/** Thread replies are shown in their thread, not in the room's timeline. */
const roots = (items: Message[]) => items.filter((m) => !m.parent_id).map((m) => m.id);

/**
 * Each room's last seq when the live connection started (its `ready`). The connection delivers
 * what comes after it; a page read before then may end earlier (a message sent between the page
 * and the connection: a reload's landing room reads its page beside /auth/me), and that stretch
 * would be in neither: it is fetched here.
 */
const readySeqs = new Map<string, number>();

async function catchUp(roomId: string): Promise<void> {
  const s = store.get();
  const tl = s.timelines[roomId];
  const since = readySeqs.get(roomId);
  if (!tl || !tl.atLatest || since === undefined) return;
  const newest = tl.ids.length > 0 ? s.messages[tl.ids[tl.ids.length - 1]!] : undefined;
  if (newest && newest.seq >= since) return;
  const page = await client.messages.list(roomId, { ...(newest ? { after: newest.id } : {}), limit: PAGE });
  set((st) => {
    const cur = st.timelines[roomId];
    if (!cur) return st;
    const messages = indexed(st, page.items);
    const seen = new Set(cur.ids);
    // Live messages may have arrived meanwhile: the stretch stays in the room's order.
    const ids = [...cur.ids, ...roots(page.items).filter((id) => !seen.has(id))].sort((a, b) => messages[a]!.seq - messages[b]!.seq);
    return { ...st, messages, users: usersOf(st, page.items), timelines: { ...st.timelines, [roomId]: { ...cur, ids } } };
  });
}

/** The latest page of a room: the timeline becomes that stretch (live messages append to it). */
export async function loadLatest(roomId: string): Promise<void> {
  showLatest(roomId, await client.messages.list(roomId, { limit: PAGE }));
}

/** A room's newest page as its timeline (replacing what was loaded: the view is at the newest). */
function showLatest(roomId: string, page: { items: Message[]; next: string | null }): void {
  const items = page.items.slice().reverse();
  set((s) => ({
    ...s,
    messages: indexed(s, items),
    users: usersOf(s, items),
    timelines: {
      ...s.timelines,
      [roomId]: {
        ids: roots(items),
        hasOlder: page.next !== null,
        atLatest: true,
        loadingOlder: false,
        loadingNewer: false,
        olderCursor: page.next,
      },
    },
  }));
  void catchUp(roomId).catch(() => {});
}

/** A stretch around one message (a deep link, a notification, a pin). */
export async function loadAround(roomId: string, messageId: string): Promise<void> {
  const [target, before, after] = await Promise.all([
    client.messages.get(messageId),
    client.messages.list(roomId, { before: messageId, limit: PAGE / 2 }),
    client.messages.list(roomId, { after: messageId, limit: PAGE / 2 }),
  ]);
  if (target.room_id !== roomId) throw new Error('That message is not in this room.');
  const items = [...before.items.slice().reverse(), target, ...after.items];
  set((s) => ({
    ...s,
    messages: indexed(s, items),
    users: usersOf(s, items),
    timelines: {
      ...s.timelines,
      [roomId]: {
        ids: roots(items),
        hasOlder: before.next !== null,
        atLatest: after.next === null,
        loadingOlder: false,
        loadingNewer: false,
        olderCursor: before.next,
        newerCursor: after.next,
      },
    },
  }));
}

export async function loadOlder(roomId: string): Promise<number> {
  const tl = store.get().timelines[roomId];
  if (!tl || !tl.hasOlder || tl.loadingOlder) return 0;
  set((s) => ({ ...s, timelines: { ...s.timelines, [roomId]: { ...tl, loadingOlder: true } } }));
  try {
    const before = tl.olderCursor ?? tl.ids[0];
    const page = await client.messages.list(roomId, { ...(before ? { before } : {}), limit: PAGE });
    const items = page.items.slice().reverse();
    set((s) => {
      const cur = s.timelines[roomId]!;
      const seen = new Set(cur.ids);
      const add = roots(items.filter((m) => !seen.has(m.id)));
      return {
        ...s,
        messages: indexed(s, items),
        users: usersOf(s, items),
        timelines: {
          ...s.timelines,
          [roomId]: { ...cur, ids: [...add, ...cur.ids], hasOlder: page.next !== null, loadingOlder: false, olderCursor: page.next },
        },
      };
    });
    return items.length;
  } catch (err) {
    set((s) => ({ ...s, timelines: { ...s.timelines, [roomId]: { ...s.timelines[roomId]!, loadingOlder: false } } }));
    throw err;
  }
}

export async function loadNewer(roomId: string): Promise<number> {
  const tl = store.get().timelines[roomId];
  if (!tl || tl.atLatest || tl.loadingNewer) return 0;
  set((s) => ({ ...s, timelines: { ...s.timelines, [roomId]: { ...tl, loadingNewer: true } } }));
  try {
    const after = tl.newerCursor ?? tl.ids[tl.ids.length - 1];
    const page = await client.messages.list(roomId, { ...(after ? { after } : {}), limit: PAGE });
    set((s) => {
      const cur = s.timelines[roomId]!;
      const seen = new Set(cur.ids);
      const add = roots(page.items.filter((m) => !seen.has(m.id)));
      return {
        ...s,
        messages: indexed(s, page.items),
        users: usersOf(s, page.items),
        timelines: {
          ...s.timelines,
          [roomId]: { ...cur, ids: [...cur.ids, ...add], atLatest: page.next === null, loadingNewer: false, newerCursor: page.next },
        },
      };
    });
    return page.items.length;
  } catch (err) {
    set((s) => ({ ...s, timelines: { ...s.timelines, [roomId]: { ...s.timelines[roomId]!, loadingNewer: false } } }));
    throw err;
  }
}

const receiptTimers = new Map<string, ReturnType<typeof setTimeout>>();

/** Someone else read a room I have open: its "Read by N" counts are re-read once things settle. */
function refreshReceiptsSoon(d: { room_id: string; user_id: string }): void {
  const s = store.get();
  if (d.user_id === s.me?.id || !s.timelines[d.room_id]?.atLatest || receiptTimers.has(d.room_id)) return;
  receiptTimers.set(
    d.room_id,
    setTimeout(() => {
      receiptTimers.delete(d.room_id);
      void refreshLatest(d.room_id).catch(() => {});
    }, 700),
  );
}

/** Re-reads the newest page to refresh per-reader fields (read counts, receipts) after read events. */
export async function refreshLatest(roomId: string): Promise<void> {
  const page = await client.messages.list(roomId, { limit: PAGE });
  set((s) => {
    const messages = { ...s.messages };
    for (const m of page.items) {
      const known = messages[m.id];
      if (known)
        messages[m.id] = { ...known, read_by_count: m.read_by_count, receipt: m.receipt, reactions: m.reactions, pinned: m.pinned };
    }
    return { ...s, messages };
  });
}

/** Queues a message; with files from the composer's tray, it goes once their uploads are done (and fails if one fails). */
export function sendMessage(roomId: string, content: string, parentId?: string, upload?: PendingMessage['upload']): void {
  const live = getLive();
  if (!live) return;
  const clientId = crypto.randomUUID();
  const p: PendingMessage = {
    client_id: clientId,
    room_id: roomId,
    parent_id: parentId ?? null,
    content,
    queued_at: new Date().toISOString(),
    failed: null,
    upload,
  };
  set((s) => ({ ...s, pending: { ...s.pending, [clientId]: p } }));
  live
    .send(roomId, content, { clientId, ...(parentId ? { parentId } : {}), ...(upload ? { attachments: upload.ids } : {}) })
    .catch(() => {});
}

export function retryPending(clientId: string): void {
  const p = store.get().pending[clientId];
  if (!p) return;
  discardPending(clientId);
  sendMessage(p.room_id, p.content, p.parent_id ?? undefined, p.upload);
}

export function discardPending(clientId: string): void {
  set((s) => {
    const { [clientId]: _p, ...pending } = s.pending;
    return { ...s, pending };
  });
}

/** Reads a message again (its attachments' signed URLs expired). */
export async function refreshMessage(id: string): Promise<void> {
  const m = await client.messages.get(id);
  set((s) => (s.messages[id] ? { ...s, messages: { ...s.messages, [id]: { ...s.messages[id], attachments: m.attachments } } } : s));
}

export async function editMessage(id: string, content: string): Promise<void> {
  const m = await client.messages.edit(id, content);
  set((s) => ({ ...s, messages: { ...s.messages, [id]: { ...s.messages[id], ...m } } }));
}

export async function deleteMessage(id: string): Promise<void> {
  await client.messages.remove(id);
  set((s) =>
    reduceEvent(s, {
      type: 'message_deleted',
      data: { message_id: id, room_id: s.messages[id]?.room_id ?? '', deleted_by: s.me?.id ?? '' },
    }),
  );
}

export async function toggleReaction(id: string, emoji: string): Promise<void> {
  const m = store.get().messages[id];
  const mine = m?.reactions.find((r) => r.emoji === emoji)?.me ?? false;
  const res = mine ? (await client.messages.unreact(id, emoji), null) : await client.messages.react(id, emoji);
  set((s) => {
    const cur = s.messages[id];
    if (!cur) return s;
    if (res) return { ...s, messages: { ...s.messages, [id]: { ...cur, reactions: res.reactions } } };
    const reactions = cur.reactions
      .map((r) => (r.emoji === emoji && r.me ? { ...r, me: false, count: r.count - 1 } : r))
      .filter((r) => r.count > 0);
    return { ...s, messages: { ...s.messages, [id]: { ...cur, reactions } } };
  });
}

export async function setPinned(id: string, on: boolean): Promise<void> {
  if (on) await client.messages.pin(id);
  else await client.messages.unpin(id);
  set((s) => ({ ...s, messages: { ...s.messages, [id]: { ...s.messages[id]!, pinned: on } } }));
}

/** Marks a room read up to its newest message; the badge clears at once, the server confirms. */
export async function markRead(roomId: string): Promise<void> {
  const s = store.get();
  const room = s.rooms[roomId];
  if (!room?.membership) return;
  const hadMentions = (s.notifications.unreadByRoom[roomId] ?? 0) > 0;
  if (room.unread_count === 0 && room.membership.last_read_seq >= room.last_seq && !hadMentions) return;
  set((st) => ({
    ...st,
    rooms: {
      ...st.rooms,
      [roomId]: {
        ...room,
        unread_count: 0,
        membership: { ...room.membership!, last_read_seq: Math.max(room.membership!.last_read_seq, room.last_seq) },
      },
    },
  }));
  await client.messages.markRead(roomId, { seq: room.last_seq });
  if (hadMentions) await readRoomNotifications(roomId);
}

// ── Threads ─────────────────────────────────────────────────────────────────────────────────────

export async function loadThread(parentId: string): Promise<void> {
  set((s) => ({ ...s, threads: { ...s.threads, [parentId]: { ids: s.threads[parentId]?.ids ?? [], hasOlder: false, loading: true } } }));
  const parent = store.get().messages[parentId] ?? (await client.messages.get(parentId));
  const page = await client.messages.list(parent.room_id, { parent_id: parentId, limit: 100 });
  const items = page.items.slice().reverse();
  set((s) => ({
    ...s,
    messages: indexed(s, [parent, ...items]),
    users: usersOf(s, items),
    threads: { ...s.threads, [parentId]: { ids: items.map((m) => m.id), hasOlder: page.next !== null, loading: false } },
  }));
}

// ── Notifications ───────────────────────────────────────────────────────────────────────────────

export async function loadNotifications(): Promise<void> {
  const page = await client.notifications.list({ limit: 50 });
  set((s) => ({ ...s, notifications: { items: page.items, unread: page.unread_count, unreadByRoom: page.unread_by_room, loaded: true } }));
}

export async function readNotification(id: string): Promise<void> {
  const n = store.get().notifications.items.find((x) => x.id === id);
  if (!n || n.read_at) return;
  set((s) => {
    const byRoom = { ...s.notifications.unreadByRoom };
    if (n.room_id && byRoom[n.room_id]) byRoom[n.room_id]! -= 1;
    const items = s.notifications.items.map((x) => (x.id === id ? { ...x, read_at: new Date().toISOString() } : x));
    return { ...s, notifications: { ...s.notifications, items, unread: Math.max(0, s.notifications.unread - 1), unreadByRoom: byRoom } };
  });
  await client.notifications.markRead(id);
}

export async function readAllNotifications(): Promise<void> {
  const now = new Date().toISOString();
  set((s) => ({
    ...s,
    notifications: {
      ...s.notifications,
      items: s.notifications.items.map((x) => ({ ...x, read_at: x.read_at ?? now })),
      unread: 0,
      unreadByRoom: {},
    },
  }));
  await client.notifications.markAllRead();
}

/** Reading a room reads its notifications too, so no mention badge stays behind. */
async function readRoomNotifications(roomId: string): Promise<void> {
  const unread = store.get().notifications.items.filter((n) => n.room_id === roomId && !n.read_at);
  set((s) => ({ ...s, notifications: { ...s.notifications, unreadByRoom: { ...s.notifications.unreadByRoom, [roomId]: 0 } } }));
  await Promise.all(unread.map((n) => readNotification(n.id)));
  // Unread ones older than the loaded page: the server's count is the truth.
  if ((store.get().notifications.unreadByRoom[roomId] ?? 0) > 0 || unread.length === 0) await loadNotifications();
}

// ── Members and presence ────────────────────────────────────────────────────────────────────────

export async function loadMembers(roomId: string): Promise<void> {
  const items: State['members'][string] = [];
  let cursor: string | undefined;
  do {
    const page = await client.members.list(roomId, { limit: 100, ...(cursor ? { cursor } : {}) });
    items.push(...page.items);
    cursor = page.next_cursor ?? undefined;
  } while (cursor && items.length < 1000);
  set((s) => {
    const users = { ...s.users };
    for (const m of items) users[m.user.id] = m.user;
    return { ...s, users, members: { ...s.members, [roomId]: items } };
  });
}

/** Who is online now (everyone else is offline); live events keep it current afterwards. */
export async function loadPresence(): Promise<void> {
  const list = { items: await everyItem((cursor) => client.presence.list({ limit: 1000, cursor })) };
  set((s) => ({ ...s, presence: { ...s.presence, ...Object.fromEntries(list.items.map((p) => [p.user.id, p.status])) } }));
}

const fetchingUsers = new Set<string>();

/** Someone shown by id only (typing, presence) whom no message or member list has named yet. */
export function ensureUser(id: string): void {
  if (store.get().users[id] || fetchingUsers.has(id)) return;
  fetchingUsers.add(id);
  client.users.get(id).then(
    (u) =>
      set((s) => ({
        ...s,
        users: {
          ...s.users,
          [u.id]: { id: u.id, username: u.username, display_name: u.display_name, avatar_url: u.avatar_url, deleted: u.deleted },
        },
      })),
    () => fetchingUsers.delete(id),
  );
}

/** False when nothing could be sent (not connected yet): the caller tries again on the next key. */
export function sendTyping(roomId: string, typing: boolean): boolean {
  const live = getLive();
  if (live?.status !== 'connected') return false;
  live.request(typing ? 'typing_start' : 'typing_stop', { room_id: roomId }).catch(() => {});
  return true;
}

export function errorText(err: unknown): string {
  if (isRoomsApiError(err)) return err.message;
  return err instanceof Error ? err.message : String(err);
}
