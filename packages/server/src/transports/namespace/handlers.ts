import {
  ChangeUsernameBody,
  codePoints,
  CreateRoomBody,
  Id,
  LIMITS,
  Password,
  ProfileUpdate,
  PublicRoomsQuery,
  SignupBody,
  type MeView,
  type UserView,
} from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { answer, translating, type Context, type Reply } from './context.ts';
import { toAccount, toAuthor, toRoom } from './presenters.ts';
import { invalid, R, required, resultOfIssues } from './results.ts';
import { toSignupBody } from './signup-input.ts';

/** One namespace: the request in, its one reply out (or an Early reply thrown). */
export type Handler = (ctx: Context) => Promise<Reply>;

/** Rooms a search or a list answers with, at most (one page of Rooms' own lists). */
const LIST_MAX = LIMITS.page.max;
/** Pages of my rooms read to find the ones I own (MAX_JOINED_ROOMS' default fits in 5). */
const OWN_ROOM_PAGES = 10;

/** A string field of the packet: missing → "<name> is required", not a string → invalid. */
function field(ctx: Context, name: string): string {
  const v = ctx.request.packet[name];
  if (v === undefined) return answer(required(name));
  if (typeof v !== 'string') return answer(invalid(name));
  return v;
}

/** An id the client sends: one that is not a Rooms id names nothing (answered with `missing`). */
const idOr = (v: string, missing: string): string => (Id.safeParse(v).success ? v : answer(missing));

/** The rooms the caller owns (the original's "own rooms"), most recently active first. */
async function ownRooms(ctx: Context, actor: Actor): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let cursor: string | undefined;
  for (let i = 0; i < OWN_ROOM_PAGES; i++) {
    const page = await ctx.services.rooms.listMine(actor, { limit: LIMITS.roomPage.max, cursor });
    for (const r of page.items) if (r.type !== 'direct' && r.membership?.role === 'owner') out.push(toRoom(r));
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return out;
}

/** An account in a reply, with the ids it follows and is followed by (a first page each); one's own with one's rooms. */
async function accountOf(ctx: Context, actor: Actor, view: UserView | MeView): Promise<Record<string, unknown>> {
  const [following, follower, rooms] = await Promise.all([
    ctx.services.users.following(actor, view.id, LIST_MAX),
    ctx.services.users.followers(actor, view.id, LIST_MAX),
    view.id === actor.id ? ownRooms(ctx, actor) : undefined,
  ]);
  const ids = (page: { items: { id: string }[] }) => page.items.map((u) => u.id);
  return toAccount(view, { following: ids(following), follower: ids(follower), ...(rooms ? { rooms } : {}) });
}

async function signup(ctx: Context): Promise<Reply> {
  const a = ctx.request.account;
  if (!a.email) return answer(R.emailEmpty);
  if (codePoints(a.password) < ctx.limits.password.min) return answer(R.tooShort('password', ctx.limits.password.min));
  if (a.displayName === undefined) return answer(R.displayNameRequired);
  const mapped = toSignupBody(a);
  if ('refused' in mapped) return answer(mapped.refused);
  const parsed = SignupBody.safeParse(mapped.body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.path[0] === 'username' && issue.code === 'too_small') return answer(R.tooShort('username', ctx.limits.username.min));
    if (issue.path[0] === 'username' && issue.code === 'too_big')
      return answer(`username is length greater than ${ctx.limits.username.max}`);
    return answer(resultOfIssues(parsed.error.issues));
  }
  // The request schema holds a username only to the ceiling a server may configure: these are this server's.
  const username = codePoints(parsed.data.username);
  if (username < ctx.limits.username.min) return answer(R.tooShort('username', ctx.limits.username.min));
  if (username > ctx.limits.username.max) return answer(`username is length greater than ${ctx.limits.username.max}`);
  const taken = { username_taken: R.accountExistsTrue, username_reserved: R.accountExistsTrue };
  await translating(ctx.services.accounts.signup(parsed.data, ctx.ip, { ip: ctx.ip, client: 'namespace gateway' }), taken);
  return { result: R.accountGenerated };
}

async function login(ctx: Context): Promise<Reply> {
  const actor = await ctx.authenticate({ reactivate: true });
  return { result: R.accessGranted, account: await accountOf(ctx, actor, await ctx.services.accounts.me(actor)) };
}

async function updateDisplayName(ctx: Context): Promise<Reply> {
  const name = field(ctx, 'updateDisplayName');
  if (!name.trim()) return answer(R.updateDisplayNameEmpty);
  const parsed = ProfileUpdate.safeParse({ display_name: name });
  if (!parsed.success) return answer(invalid('updateDisplayName', parsed.error.issues[0]!.message));
  const actor = await ctx.authenticate();
  return { result: R.displayNameUpdated, account: await accountOf(ctx, actor, await ctx.services.users.updateMe(actor, parsed.data)) };
}

async function updateUsername(ctx: Context): Promise<Reply> {
  const name = field(ctx, 'updateUsername').toLowerCase();
  if (name.length < ctx.limits.username.min) return answer(R.tooShort('updateUsername', ctx.limits.username.min));
  if (!LIMITS.username.pattern.test(name)) return answer(R.unwantedCharacter);
  const parsed = ChangeUsernameBody.safeParse({ username: name });
  if (!parsed.success) return answer(invalid('updateUsername', parsed.error.issues[0]!.message));
  const actor = await ctx.authenticate();
  const exists = { username_taken: R.updateUsernameExists, username_reserved: R.updateUsernameExists, same_value: R.updateUsernameExists };
  const me = await translating(ctx.services.accounts.changeUsername(actor, parsed.data.username), exists);
  return { result: R.usernameUpdated, account: await accountOf(ctx, actor, me) };
}

async function updatePassword(ctx: Context): Promise<Reply> {
  const next = field(ctx, 'updatePassword');
  if (codePoints(next) < ctx.limits.password.min) return answer(R.tooShort('updatePassword', ctx.limits.password.min));
  const parsed = Password.safeParse(next);
  if (!parsed.success) return answer(invalid('updatePassword', parsed.error.issues[0]!.message));
  const actor = await ctx.authenticate();
  const session = await translating(ctx.services.accounts.changePassword(actor, ctx.request.account.password, parsed.data), {
    same_value: R.passwordSameAsOld,
  });
  return { result: R.passwordUpdated, account: await accountOf(ctx, actor, session.user) };
}

async function deactivate(ctx: Context): Promise<Reply> {
  const actor = await ctx.authenticate();
  await ctx.services.accounts.deactivate(actor, ctx.request.account.password);
  return { result: R.deactivated };
}

async function newRoom(ctx: Context): Promise<Reply> {
  const room = ctx.request.packet.room;
  if (room === undefined) return answer(R.roomRequired);
  if (typeof room !== 'object' || room === null || Array.isArray(room)) return answer(invalid('room', 'must be an object'));
  const r = room as Record<string, unknown>;
  if (r.title === undefined) return answer(R.roomTitleRequired);
  const body = {
    name: r.title,
    description: r.description,
    type: r.type,
    topic_kind: r.topicKind,
    categories: r.categories,
    member_limit: r.memberLimit,
  };
  const parsed = CreateRoomBody.safeParse(Object.fromEntries(Object.entries(body).filter(([, v]) => v !== undefined)));
  if (!parsed.success) return answer(resultOfIssues(parsed.error.issues));
  const actor = await ctx.authenticate();
  await ctx.services.rooms.create(actor, parsed.data);
  return { result: R.roomGenerated, rooms: await ownRooms(ctx, actor) };
}

async function deleteRoom(ctx: Context): Promise<Reply> {
  const roomId = field(ctx, 'roomId');
  const actor = await ctx.authenticate();
  const id = idOr(roomId, R.roomExistsFalse);
  const gone = { room_not_found: R.roomExistsFalse, not_a_member: R.roomExistsFalse, forbidden: R.roomExistsFalse };
  // Only one's own rooms, as the original (a server admin's wider power is REST's, not this protocol's).
  const room = await translating(ctx.services.rooms.get(actor, id), gone);
  if (!('membership' in room) || room.membership?.role !== 'owner') return answer(R.roomExistsFalse);
  await translating(ctx.services.rooms.delete(actor, id), gone);
  return { result: R.roomDeleted, rooms: await ownRooms(ctx, actor) };
}

async function likeRoom(ctx: Context): Promise<Reply> {
  const roomId = field(ctx, 'roomId');
  const actor = await ctx.authenticate();
  const id = idOr(roomId, R.roomExistsFalse);
  const liked = await translating(ctx.services.roomLikes.toggle(actor, id), {
    room_not_found: R.roomExistsFalse,
    cannot_like_own_room: R.likeOwnRoom,
  });
  return { result: liked.liked ? R.liked : R.unliked };
}

async function searchRoomByTitle(ctx: Context): Promise<Reply> {
  const title = field(ctx, 'roomTitle');
  const actor = await ctx.authenticate();
  const query = PublicRoomsQuery.safeParse({ q: title, limit: LIST_MAX });
  if (!query.success || !query.data.q) return answer(R.roomExistsFalse);
  const page = await ctx.services.rooms.listPublic(actor, query.data);
  if (page.items.length === 0) return answer(R.roomExistsFalse);
  return { result: R.roomMatchFound, rooms: page.items.map((r) => toRoom(r)) };
}

async function searchRoomById(ctx: Context): Promise<Reply> {
  const roomId = field(ctx, 'roomId');
  const actor = await ctx.authenticate();
  const found = await translating(ctx.services.roomLikes.withAuthor(actor, idOr(roomId, R.roomExistsFalse)), {
    room_not_found: R.roomExistsFalse,
  });
  const myEmail = found.author?.id === actor.id ? (await ctx.services.accounts.me(actor)).email : null;
  const author = found.author ? toAuthor(found.author, actor.id, myEmail) : null;
  return { result: R.roomMatchFound, room: toRoom(found.room, { author, createdAt: found.created_at }) };
}

async function searchUserById(ctx: Context): Promise<Reply> {
  const userId = field(ctx, 'userId');
  const actor = await ctx.authenticate();
  const id = idOr(userId, R.userMatchNotFound);
  const view =
    id === actor.id
      ? await ctx.services.accounts.me(actor)
      : await translating(ctx.services.users.get(actor, id), { user_not_found: R.userMatchNotFound });
  return { result: R.userMatchFound, account: await accountOf(ctx, actor, view) };
}

async function friendRooms(ctx: Context): Promise<Reply> {
  const actor = await ctx.authenticate();
  const following = await ctx.services.users.following(actor, actor.id, 1);
  if (following.items.length === 0) return answer(R.notFollowing);
  const page = await ctx.services.roomLikes.followingRooms(actor, { limit: LIST_MAX });
  if (page.items.length === 0) return answer(R.followedUsersHaveNoRooms);
  return {
    result: R.roomsFound,
    rooms: page.items.map((i) => toRoom(i.room, { author: toAuthor(i.author, actor.id, null), createdAt: i.created_at })),
  };
}

async function followUser(ctx: Context): Promise<Reply> {
  const userId = field(ctx, 'userId');
  const actor = await ctx.authenticate();
  if (userId === actor.id) return answer(R.followSelf);
  const missing = { user_not_found: R.followingAccountMissing, cannot_target_self: R.followSelf };
  const target = await translating(ctx.services.users.get(actor, idOr(userId, R.followingAccountMissing)), missing);
  if (target.followed_by_me) {
    await translating(ctx.services.users.unfollow(actor, target.id), missing);
    return { result: R.unfollowed };
  }
  await translating(ctx.services.users.follow(actor, target.id), missing);
  return { result: R.followed };
}

/** Every namespace of the protocol (GATEWAYS.md §2) and the use case it is. */
export const HANDLERS: Readonly<Record<string, Handler>> = {
  '/signup': signup,
  '/login': login,
  '/update/displayname': updateDisplayName,
  '/update/username': updateUsername,
  '/update/password': updatePassword,
  '/deactivate': deactivate,
  '/room/new': newRoom,
  '/room/delete': deleteRoom,
  '/room/like': likeRoom,
  '/search/room/title': searchRoomByTitle,
  '/search/room/id': searchRoomById,
  '/search/user/id': searchUserById,
  '/search/friend/rooms': friendRooms,
  '/follow/user': followUser,
};

export const isNamespace = (ns: string): boolean => Object.hasOwn(HANDLERS, ns);
