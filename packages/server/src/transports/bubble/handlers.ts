import { CreateRoomBody, ProfileUpdate, SendMessageBody } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { isDomainError } from '../../domain/errors.ts';
import type { Services } from '../../services/index.ts';
import type { BubbleConnection } from './connection.ts';
import { rememberRoomName } from './connection.ts';
import { BubbleError, bubbleError } from './errors.ts';
import { messageClientId, reactionClientId, TARGET } from './origin.ts';
import { BUBBLE_CATEGORIES } from './present.ts';
import { findRoom, fullRoom, messagesOf, presentRoom, requireMember, roomIdOf, type Payload } from './rooms.ts';
import type { BubbleSockets } from './sockets.ts';

export interface HandlerDeps {
  services: Services;
  sockets: BubbleSockets<BubbleConnection>;
  now(): Date;
}

/** bubble's longest message. */
const MAX_MESSAGE = 3000;
const STALE_MS = 3 * 24 * 3600 * 1000;

type Handler = (conn: BubbleConnection, data: Payload) => Promise<void>;

/**
 * Leaves a room the bubble way: bubble has no owners, so an owner hands the room to another
 * member first (Rooms' rule: an owner must transfer before leaving). An owner who is the last
 * member keeps the room (Rooms would delete it with them; bubble kept empty rooms listed).
 */
export async function leaveRoom(services: Services, actor: Actor, roomId: string): Promise<boolean> {
  try {
    await services.rooms.leave(actor, roomId);
    return true;
  } catch (err) {
    if (!isDomainError(err) || err.code !== 'owner_must_transfer') throw err;
  }
  // The owner hands the room to another member first. That member may be leaving at the same
  // moment (both clients of a room closing at once): then the next one is asked, a few times.
  for (let attempt = 0; attempt < HEIR_ATTEMPTS; attempt++) {
    const members = await services.members.list(actor, roomId, 2);
    const heir = members.items.find((m) => m.user.id !== actor.id);
    if (!heir) return false;
    try {
      await services.members.transfer(actor, roomId, heir.user.id);
    } catch (err) {
      if (isDomainError(err) && err.code === 'user_not_found') continue;
      throw err;
    }
    await services.rooms.leave(actor, roomId);
    return true;
  }
  return false;
}

/** How many members an owner leaving at disconnect tries in turn, should each be leaving too. */
const HEIR_ATTEMPTS = 3;

/** One handler per bubble event (GATEWAYS.md §1): each checks bubble's input, then calls the services. */
export function bubbleHandlers(d: HandlerDeps): Record<string, Handler> {
  const { services, sockets } = d;
  const emitRoom = (conn: BubbleConnection, event: string, payload: unknown) => conn.socket.emit(event, payload);

  return {
    async create_room(conn, data) {
      const { roomName, roomDescription = '', userLimit = 21, categories = [] } = data;
      if (!roomName) throw bubbleError('no_room_name');
      const limit =
        typeof userLimit === 'number'
          ? userLimit
          : typeof userLimit === 'string' && /^\s*\d+\s*$/.test(userLimit)
            ? Number(userLimit)
            : NaN;
      if (!Number.isInteger(limit) || limit < 2 || limit > 100)
        throw bubbleError('invalid_user_limit', typeof userLimit === 'object' ? JSON.stringify(userLimit)?.slice(0, 100) : userLimit);
      if (!Array.isArray(categories) || !categories.every((c) => typeof c === 'string' && BUBBLE_CATEGORIES.includes(c)))
        throw bubbleError('invalid_categories');
      const input = CreateRoomBody.safeParse({
        name: roomName,
        type: 'public',
        description: roomDescription === '' ? null : roomDescription,
        categories: categories.map((c: string) => c.toLowerCase()),
        member_limit: limit,
      });
      if (!input.success) {
        // A rule only Rooms has (a name's length, control characters): Rooms' code, its message.
        if (typeof roomName !== 'string') throw bubbleError('no_room_name');
        throw new BubbleError(
          'validation_failed',
          `Invalid room: ${input.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        );
      }
      const room = await services.rooms.create(conn.actor, input.data);
      rememberRoomName(room.id, room.name);
      emitRoom(conn, 'create_room', presentRoom(room, sockets));
    },

    async join_room(conn, data) {
      let f = await findRoom(services, conn, data);
      if (f.room.archived) throw bubbleError('room_closed', f.room.id);
      if (!f.member) {
        try {
          await services.rooms.join(conn.actor, f.room.id);
        } catch (err) {
          if (isDomainError(err) && err.code === 'room_full') throw bubbleError('room_full', f.room.id, f.room.member_limit ?? '?');
          throw err;
        }
        f = await findRoom(services, conn, data);
      }
      // Joined or already in: the joiner always gets the participants (the original sometimes left them out).
      emitRoom(conn, 'join_room', { ...(await fullRoom(services, conn, f, sockets)), userId: conn.id, bubbleId: conn.userId });
    },

    async exit_room(conn, data) {
      const f = await findRoom(services, conn, data);
      requireMember(conn, f);
      // i_exit (to every socket of the identity) and exit_room (to the others) come from user_left.
      if (!(await leaveRoom(services, conn.actor, f.room.id))) {
        for (const c of sockets.ofUser(conn.userId)) c.socket.emit('i_exit', { roomId: f.room.id, userId: c.id, bubbleId: conn.userId });
      }
    },

    async list_rooms(conn) {
      const since = d.now().getTime() - STALE_MS;
      const rooms = [];
      let cursor: string | undefined;
      for (let page = 0; page < 10; page++) {
        const p = await services.rooms.listPublic(conn.actor, { limit: 100, cursor });
        rooms.push(...p.items.filter((r) => !r.archived && (r.featured || Date.parse(r.last_message_at ?? r.created_at) > since)));
        if (!p.next_cursor) break;
        cursor = p.next_cursor;
      }
      // The rooms I am in, as a member sees them (with their creator).
      const mine = new Map((await services.rooms.listMine(conn.actor, { limit: 100 })).items.map((r) => [r.id, r]));
      const out = await Promise.all(
        rooms.map(async (preview) => {
          const room = mine.get(preview.id) ?? preview;
          return {
            ...presentRoom(room, sockets),
            messages: await messagesOf(services, conn, { room, member: mine.has(room.id) }, sockets),
          };
        }),
      );
      out.sort(
        (a, b) => Number(b.roomType === 'HOT') - Number(a.roomType === 'HOT') || Date.parse(a.lastActive) - Date.parse(b.lastActive),
      );
      emitRoom(conn, 'list_rooms', out);
    },

    async view_room(conn, data) {
      const f = await findRoom(services, conn, data);
      emitRoom(conn, 'view_room', await fullRoom(services, conn, f, sockets));
    },

    async typing(conn, data) {
      const f = await findRoom(services, conn, data);
      requireMember(conn, f);
      await services.typing.start(conn.actor, f.room.id);
    },

    async stop_typing(conn, data) {
      const f = await findRoom(services, conn, data);
      requireMember(conn, f);
      // bubble's server relayed every stop_typing to the room, typing before it or not.
      await services.typing.stop(conn.actor, f.room.id, { evenIfNotTyping: true });
    },

    async add_message(conn, data) {
      const { message } = data;
      const body =
        typeof message === 'string' && message.length <= MAX_MESSAGE
          ? SendMessageBody.safeParse({ content: message, client_id: messageClientId(conn.id, ++conn.sends) })
          : undefined;
      if (!body?.success) {
        // bubble's order: the room first, then the message.
        await findRoom(services, conn, data);
        if (!message) throw bubbleError('no_message');
        throw bubbleError('invalid_message');
      }
      // The send path itself finds the room and checks membership (as /ws's send does): no lookup
      // before each message. Its refusals become bubble's (room_id_not_found, user_not_in_room).
      const roomId = roomIdOf(data);
      // Everyone in the room, the sender included (sentByMe), hears of it as message_created.
      await services.messages.send(conn.actor, roomId, body.data);
    },

    async add_reaction(conn, data) {
      const f = await findRoom(services, conn, data);
      requireMember(conn, f);
      const { reaction, targetUser } = data;
      if (!reaction || typeof reaction !== 'string' || reaction.length > MAX_MESSAGE) throw bubbleError('no_reaction');
      if (!targetUser || typeof targetUser !== 'string' || !TARGET.test(targetUser)) throw bubbleError('no_target_user');
      const body = SendMessageBody.safeParse({ content: reaction, client_id: reactionClientId(conn.id, ++conn.sends, targetUser) });
      if (!body.success) throw bubbleError('no_reaction');
      await services.messages.send(conn.actor, f.room.id, body.data);
    },

    async set_user_name(conn, data) {
      const { newName } = data;
      if (!newName) throw bubbleError('no_name');
      const update = typeof newName === 'string' ? ProfileUpdate.safeParse({ display_name: newName }) : undefined;
      if (!update?.success) throw bubbleError('invalid_new_name');
      // Co-members hear of it as user_updated, on every node.
      await services.users.updateMe(conn.actor, update.data);
    },

    async report_user(conn, data) {
      const f = await findRoom(services, conn, data);
      const { userToReport, reason } = data;
      if (!userToReport || typeof userToReport !== 'string') throw bubbleError('no_user_to_report');
      const userId = sockets.userOf(userToReport);
      if (!userId || userId === conn.userId) throw bubbleError('no_user_to_report');
      const text = typeof reason === 'string' && reason.trim() ? reason.slice(0, 1000) : 'Reported from the bubble app.';
      try {
        await services.reports.file(conn.actor, { user_id: userId, room_id: f.room.id, reason: text });
      } catch (err) {
        if (isDomainError(err) && (err.code === 'user_not_found' || err.code === 'not_found')) throw bubbleError('no_user_to_report');
        throw err;
      }
      // bubble told the room's other sockets; Rooms' review queue is where the report goes.
      for (const c of sockets.all()) {
        if (c !== conn && c.session.streams.has(f.room.id))
          c.socket.emit('report_user', {
            roomId: f.room.id,
            reportedUserId: userToReport,
            reason: typeof reason === 'string' ? reason : null,
          });
      }
    },

    async my_rooms(conn) {
      const mine = await services.rooms.listMine(conn.actor, { limit: 100 });
      emitRoom(
        conn,
        'my_rooms',
        mine.items.map((r) => r.id),
      );
    },

    async my_id(conn) {
      emitRoom(conn, 'my_id', conn.userId);
    },

    async register_push(conn, data) {
      // Rooms sends no push notifications: the token is accepted and not kept.
      if (!data.pushToken || typeof data.pushToken !== 'string') throw bubbleError('invalid_push_token');
      emitRoom(conn, 'register_push', {});
    },

    async counsellor_online(conn) {
      // Only accounts an admin made counsellors may (Rooms' rule): others get not_a_counsellor.
      await services.counsellors.setAvailability(conn.actor, true);
      emitRoom(conn, 'counsellor_online', {});
    },

    async find_counsellor(conn) {
      const match = await services.counsellors.match(conn.actor);
      rememberRoomName(match.room.id, match.room.name);
      emitRoom(conn, 'find_counsellor', {
        counsellorId: match.counsellor.id,
        counsellorName: match.counsellor.display_name,
        ...presentRoom(match.room, sockets),
      });
    },

    async list_issues(conn) {
      const page = await services.counsellors.requests(conn.actor, { limit: 100 });
      emitRoom(
        conn,
        'list_issues',
        page.items.map((r) => ({
          id: r.id,
          userId: r.user.id,
          counsellorId: r.counsellor?.id ?? null,
          issueType: r.status === 'missed' ? 'USER_MISSED' : 'USER_REQUESTED',
          createdAt: r.created_at,
          updatedAt: r.updated_at,
        })),
      );
    },
  };
}
