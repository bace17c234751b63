import { useSyncExternalStore } from 'react';
import { everyItem, isRoomsApiError } from '@rooms/client';
import type { UserView } from '@rooms/protocol';
import type { z } from 'zod';
import { client, getLive } from '../lib/sdk.ts';
import { logout, renewSession } from './actions.ts';
import { store } from './store.ts';
import type { Me, Notification, Presence, State, User } from './types.ts';

/**
 * People, the account and the notification centre: the REST calls behind the profile, account and
 * notifications panels and the quick switcher. Everything the rest of the app shows (me, names,
 * presence, notifications) goes to the app's `store`; what only these panels need (full profiles,
 * the block list, the notifications cursor) lives in the small `people` store below, so the shared
 * State type stays as it is.
 */

export type Profile = z.infer<typeof UserView>;

export interface PeopleState {
  /** Profiles as I may see them, by user id; 'gone' for a hidden (deactivated or deleted) account. */
  profiles: Record<string, Profile | 'gone'>;
  /** The users I block (null until loaded). */
  blocked: Record<string, true> | null;
  /** Where the next page of notifications starts: undefined before the first page, null at the end. */
  notificationsCursor: string | null | undefined;
}

const empty: PeopleState = { profiles: {}, blocked: null, notificationsCursor: undefined };
let state = empty;
const listeners = new Set<() => void>();

function setPeople(fn: (s: PeopleState) => PeopleState): void {
  const next = fn(state);
  if (next === state) return;
  state = next;
  for (const l of listeners) l();
}

// Another account (or none) signs in: nothing of the last one's view of people may remain.
let owner: string | undefined;
store.subscribe(() => {
  const id = store.get().me?.id;
  if (id !== owner) {
    owner = id;
    setPeople(() => empty);
  }
});

export const people = { get: () => state };

export function usePeople<T>(select: (s: PeopleState) => T): T {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => select(state),
  );
}

const summaryOf = (u: User): User => ({
  id: u.id,
  username: u.username,
  display_name: u.display_name,
  avatar_url: u.avatar_url,
  deleted: u.deleted,
});
const sameSummary = (a: User | undefined, b: User) =>
  !!a && a.username === b.username && a.display_name === b.display_name && a.avatar_url === b.avatar_url && a.deleted === b.deleted;

/** A fresher view of a user: names shown everywhere else (timeline, room list) follow it. */
function rememberUser(s: State, u: User): State {
  return sameSummary(s.users[u.id], u) ? s : { ...s, users: { ...s.users, [u.id]: summaryOf(u) } };
}

// ── Profiles, follows, blocks ───────────────────────────────────────────────────────────────────

/** Fetches a profile (the fields I may see); a hidden account is remembered as 'gone'. */
export async function loadProfile(userId: string): Promise<void> {
  try {
    const profile = await client.users.get(userId);
    setPeople((s) => ({ ...s, profiles: { ...s.profiles, [userId]: profile } }));
    store.update((s) => rememberUser(s, profile));
  } catch (err) {
    if (isRoomsApiError(err) && err.status === 404) setPeople((s) => ({ ...s, profiles: { ...s.profiles, [userId]: 'gone' } }));
    else throw err;
  }
}

export async function setFollowing(userId: string, on: boolean): Promise<void> {
  if (on) await client.users.follow(userId);
  else await client.users.unfollow(userId);
  // The counts are the server's: read them back rather than guess.
  await loadProfile(userId);
}

export async function loadBlocks(): Promise<void> {
  const list = { items: await everyItem((cursor) => client.users.blocks({ limit: 100, cursor })) };
  setPeople((s) => ({ ...s, blocked: Object.fromEntries(list.items.map((u) => [u.id, true as const])) }));
}

export async function setBlocked(userId: string, on: boolean): Promise<void> {
  if (on) await client.users.block(userId);
  else await client.users.unblock(userId);
  setPeople((s) => {
    const blocked = { ...s.blocked };
    if (on) blocked[userId] = true;
    else delete blocked[userId];
    return { ...s, blocked };
  });
}

/** Active users whose username or display name starts with q (never myself: I cannot message me). */
export async function searchPeople(q: string): Promise<User[]> {
  const me = store.get().me?.id;
  const { items } = await client.users.search({ q, limit: 8 });
  return items.filter((u) => u.id !== me);
}

// ── My account ──────────────────────────────────────────────────────────────────────────────────

/** My account as the server now has it: the sidebar, my messages and my profile follow. */
function setMe(me: Me): void {
  store.update((s) => ({ ...rememberUser(s, me), me }));
  setPeople((s) => ({ ...s, profiles: { ...s.profiles, [me.id]: me } }));
}

/** A PATCH of my profile: top-level fields, and per personal field a value and/or a visibility. */
export type ProfileChanges = Parameters<typeof client.users.updateMe>[0];

export async function updateProfile(patch: ProfileChanges): Promise<void> {
  setMe(await client.users.updateMe(patch));
}

export async function changeUsername(username: string): Promise<void> {
  setMe(await client.users.changeUsername(username));
}

export async function changeEmail(email: string, password: string): Promise<void> {
  setMe(await client.users.changeEmail(email, password));
}

/** Every other session of the account ends; this tab goes on with the fresh token the server answers with. */
export async function changePassword(current: string, next: string): Promise<void> {
  const session = await renewSession(() => client.users.changePassword(current, next));
  setMe(session.user);
}

/** Hides the account and signs out here (the server closes every other session). */
export async function deactivateAccount(password: string): Promise<void> {
  await client.users.deactivate(password);
  logout();
  store.update((s) => ({ ...s, signedOutReason: 'Your account was deactivated. Logging in again within 30 days cancels the deletion.' }));
}

/** Online, away or busy, for everyone who shares a room with me; through the live connection. */
export async function setPresence(status: Exclude<Presence, 'offline'>): Promise<void> {
  const live = getLive();
  const me = store.get().me;
  if (!live || !me) throw new Error('Not connected to the server. Try again when the connection is back.');
  await live.request('set_status', { status });
  store.update((s) => ({ ...s, presence: { ...s.presence, [me.id]: status } }));
}

// ── Notifications ───────────────────────────────────────────────────────────────────────────────

// As many as the list loaded at sign-in, so opening the centre never shortens it.
const NOTIFICATIONS_PAGE = 50;

/** The newest page of notifications, and where the next page starts. */
export async function refreshNotifications(): Promise<void> {
  const page = await client.notifications.list({ limit: NOTIFICATIONS_PAGE });
  store.update((s) => ({
    ...s,
    notifications: { items: page.items, unread: page.unread_count, unreadByRoom: page.unread_by_room, loaded: true },
  }));
  setPeople((s) => ({ ...s, notificationsCursor: page.next_cursor }));
}

/** The next (older) page; live notifications that arrived meanwhile stay on top, none twice. */
export async function loadMoreNotifications(): Promise<void> {
  const cursor = state.notificationsCursor;
  if (!cursor) return;
  const page = await client.notifications.list({ limit: NOTIFICATIONS_PAGE, cursor });
  store.update((s) => {
    const seen = new Set(s.notifications.items.map((n) => n.id));
    const items: Notification[] = [...s.notifications.items, ...page.items.filter((n) => !seen.has(n.id))];
    return { ...s, notifications: { ...s.notifications, items, unread: page.unread_count, unreadByRoom: page.unread_by_room } };
  });
  setPeople((s) => ({ ...s, notificationsCursor: page.next_cursor }));
}
