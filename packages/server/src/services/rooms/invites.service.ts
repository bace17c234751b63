import type { z } from 'zod';
import { ROOM_LIMITS, type Invite, type InviteList, type InvitePreview, type RoomView } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { newInviteCode } from '../../domain/invite-code.ts';
import { inTransaction, type Work } from '../../events/unit-of-work.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { InviteRow } from '../../store/room-types.ts';
import type { Store } from '../../store/store.ts';
import type { PageRequest } from '../../store/types.ts';
import { checkInvitesCap, type RoomCaps } from './caps.ts';
import { addMember } from './membership-ops.ts';
import { authorize } from './room-access.ts';
import type { RoomsService } from './rooms.service.ts';

const toInvite = (i: InviteRow): z.infer<typeof Invite> => ({
  code: i.code,
  room_id: i.room_id,
  created_by: i.created_by,
  created_at: i.created_at,
  expires_at: i.expires_at,
  max_uses: i.max_uses,
  uses: i.uses,
  revoked: i.revoked_at !== null,
});

/** Codes are read aloud and typed by hand: capitals mean the same code. */
const normalise = (code: string): string => code.toLowerCase();

export interface InvitesDeps {
  store: Store;
  bus: EventBus;
  clock: Clock;
  rooms: RoomsService;
  caps: RoomCaps;
  /** INVITE_EXPIRY: seconds an invite lasts when its creator does not say (7 days by default). */
  defaultExpirySeconds?: number;
}

/** Invite codes: admins create and revoke them; anyone with a live code sees the room's name and may join. */
export class InvitesService {
  private readonly d: InvitesDeps;

  constructor(deps: InvitesDeps) {
    this.d = deps;
  }

  /** An admin's new code; refused past MAX_ROOM_INVITES usable codes of the room. */
  async create(
    actor: Actor,
    roomId: string,
    opts: { expires_in?: number | undefined; max_uses: number | null },
  ): Promise<z.infer<typeof Invite>> {
    const now = this.d.clock.now();
    await authorize(this.d.store, actor, roomId, 'invite', now);
    const invite: InviteRow = {
      code: newInviteCode(),
      room_id: roomId,
      created_by: actor.id,
      created_at: now.toISOString(),
      expires_at: new Date(
        now.getTime() + (opts.expires_in ?? this.d.defaultExpirySeconds ?? ROOM_LIMITS.inviteDefaultSeconds) * 1000,
      ).toISOString(),
      max_uses: opts.max_uses,
      uses: 0,
      revoked_at: null,
    };
    await this.d.store.transaction(async (tx) => {
      await checkInvitesCap(tx, this.d.caps, roomId, invite.created_at);
      await tx.invites.insert(invite);
    });
    return toInvite(invite);
  }

  /** The room's usable invites, newest first, for its admins to share or revoke. */
  async list(actor: Actor, roomId: string, page: PageRequest): Promise<z.infer<typeof InviteList>> {
    const now = this.d.clock.now();
    await authorize(this.d.store, actor, roomId, 'list_invites', now);
    const invites = await this.d.store.invites.listUsable(roomId, now.toISOString(), page);
    return { items: invites.items.map(toInvite), next_cursor: invites.next_cursor };
  }

  /** What the code leads to: the room's name and size. Dead codes say why. */
  async preview(code: string): Promise<z.infer<typeof InvitePreview>> {
    const invite = await this.live(code);
    const room = (await this.d.store.rooms.findById(invite.room_id))!;
    return {
      code: invite.code,
      expires_at: invite.expires_at,
      room: {
        id: room.id,
        name: room.name,
        type: room.type,
        description: room.description,
        member_count: room.member_count,
        topic_kind: room.topic_kind,
      },
    };
  }

  /** Joins the room with the code; a member accepting again changes nothing and uses nothing. */
  async accept(actor: Actor, typed: string): Promise<{ room: z.infer<typeof RoomView>; joined: boolean }> {
    const { roomId, joined } = await inTransaction(this.d.store, this.d.bus, this.d.clock.now(), (work) =>
      this.useIn(work, actor.id, typed),
    );
    return { room: await this.d.rooms.view(actor, roomId), joined };
  }

  /** Throws the reason a code cannot be used now (unknown, revoked, expired, used up). */
  async check(typed: string): Promise<void> {
    await this.live(typed);
  }

  /**
   * Uses the code for userId inside a unit of work (accepting it, or signing up with it): joins the
   * room, using one of the code's uses. A member the code already let in uses nothing.
   */
  async useIn(work: Work, userId: string, typed: string): Promise<{ roomId: string; joined: boolean }> {
    const code = normalise(typed);
    const found = await work.tx.invites.find(code);
    if (!found) throw new DomainError('invite_not_found', 'No such invite.');
    // A retry by someone the code already let in (even its last use) answers with the room.
    if (await work.tx.members.get(found.room_id, userId)) return { roomId: found.room_id, joined: false };
    const invite = await this.live(code, work.tx);
    const room = (await work.tx.rooms.findById(invite.room_id))!;
    if (room.archived) throw new DomainError('room_archived', 'This room is archived: it is read-only.');
    if (!(await work.tx.invites.use(code, work.now))) throw this.deadReason((await work.tx.invites.find(code))!);
    return {
      roomId: room.id,
      joined: await addMember(work, room, userId, 'member', invite.created_by, { caps: this.d.caps, actorId: userId }),
    };
  }

  async revoke(actor: Actor, typed: string): Promise<void> {
    const code = normalise(typed);
    const invite = await this.d.store.invites.find(code);
    if (!invite) throw new DomainError('invite_not_found', 'No such invite.');
    await authorize(this.d.store, actor, invite.room_id, 'invite', this.d.clock.now());
    await this.d.store.invites.revoke(code, this.d.clock.now().toISOString());
  }

  private async live(code: string, store: Store = this.d.store): Promise<InviteRow> {
    const invite = await store.invites.find(normalise(code));
    if (!invite) throw new DomainError('invite_not_found', 'No such invite.');
    const dead = this.deadReason(invite);
    if (dead) throw dead;
    return invite;
  }

  private deadReason(invite: InviteRow): DomainError | undefined {
    if (invite.revoked_at !== null) return new DomainError('invite_revoked', 'This invite was revoked.');
    if (Date.parse(invite.expires_at) <= this.d.clock.now().getTime()) return new DomainError('invite_expired', 'This invite has expired.');
    if (invite.max_uses !== null && invite.uses >= invite.max_uses)
      return new DomainError('invite_used_up', 'This invite has been used up.');
    return undefined;
  }
}
