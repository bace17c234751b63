import type { z } from 'zod';
import type { BanList, Member, MemberPage } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { recordSystemMessage } from '../messages/system-messages.ts';
import { DomainError } from '../../domain/errors.ts';
import { inTransaction, type Work } from '../../events/unit-of-work.ts';
import { outranks, type RoomAction } from '../../policies/room.policy.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { MembershipRow } from '../../store/room-types.ts';
import type { Store } from '../../store/store.ts';
import type { PageRequest } from '../../store/types.ts';
import { requireActiveUser } from '../users/active-user.ts';
import { toSummary } from '../users/user-presenter.ts';
import { notify } from '../notifications/notify.ts';
import { checkOwnedRoomsCap, type RoomCaps } from './caps.ts';
import { addMember, removeMember } from './membership-ops.ts';
import { authorize, type RoomAccess } from './room-access.ts';
import { toMember } from './room-presenter.ts';
import { writeAudit } from '../audit/audit.service.ts';

/** Members of a room and their moderation: invite, remove, roles, ownership, mute, ban. */
export class MembersService {
  private readonly d: { store: Store; bus: EventBus; clock: Clock; caps: RoomCaps };

  constructor(deps: { store: Store; bus: EventBus; clock: Clock; caps: RoomCaps }) {
    this.d = deps;
  }

  async list(actor: Actor, roomId: string, limit: number, cursor?: string): Promise<z.infer<typeof MemberPage>> {
    await authorize(this.d.store, actor, roomId, 'read', this.d.clock.now());
    const page = await this.d.store.members.list(roomId, limit, cursor);
    return { items: page.items.map((m) => toMember(m.membership, m.user)), next_cursor: page.next_cursor };
  }

  /** An admin adds a user directly. Returns created=false when they were already a member. */
  async add(actor: Actor, roomId: string, userId: string): Promise<{ member: z.infer<typeof Member>; created: boolean }> {
    return this.tx(async (work) => {
      const { room } = await authorize(work.tx, actor, roomId, 'invite', this.now());
      const user = await requireActiveUser(work.tx, userId);
      if (await work.tx.blocks.between(actor.id, userId)) throw new DomainError('blocked', 'You cannot add this user.');
      const created = await addMember(work, room, userId, 'member', actor.id, { caps: this.d.caps, actorId: actor.id });
      if (created) {
        const by = await work.tx.users.findById(actor.id);
        await notify(
          work,
          {
            user_id: userId,
            type: 'room_invite',
            room_id: roomId,
            message_id: null,
            actor_id: actor.id,
            payload: { room_name: room.name },
          },
          by,
        );
      }
      return { member: toMember((await work.tx.members.get(roomId, userId))!, user), created };
    });
  }

  /** Removes a member; the actor must outrank them (owner > admin > member). */
  async remove(actor: Actor, roomId: string, userId: string): Promise<void> {
    await this.tx(async (work) => {
      await this.target(work, actor, roomId, userId, 'remove_member');
      await removeMember(work, roomId, userId, 'removed', actor.id);
      await writeAudit(work.tx, work.now, { actorId: actor.id, action: 'member_removed', targetUserId: userId, roomId });
    });
  }

  /** The owner makes a member an admin, or an admin a member. */
  async changeRole(actor: Actor, roomId: string, userId: string, role: 'admin' | 'member'): Promise<z.infer<typeof Member>> {
    return this.tx(async (work) => {
      const { target } = await this.target(work, actor, roomId, userId, 'change_role');
      const updated = target.role === role ? target : (await work.tx.members.update(roomId, userId, { role }))!;
      if (updated !== target) {
        await this.recordMember(work, updated);
        await writeAudit(work.tx, work.now, {
          actorId: actor.id,
          action: 'member_role_changed',
          targetUserId: userId,
          roomId,
          details: { from: target.role, to: role },
        });
      }
      return this.present(work, updated);
    });
  }

  /**
   * The owner hands the room to another member and becomes an admin. A room always has exactly one
   * owner. Refused when the new owner already owns MAX_OWNED_ROOMS rooms.
   */
  async transfer(actor: Actor, roomId: string, userId: string): Promise<z.infer<typeof Member>> {
    return this.tx(async (work) => {
      await this.target(work, actor, roomId, userId, 'transfer');
      await requireActiveUser(work.tx, userId);
      await checkOwnedRoomsCap(work.tx, this.d.caps, userId);
      const newOwner = (await work.tx.members.update(roomId, userId, { role: 'owner' }))!;
      const oldOwner = (await work.tx.members.update(roomId, actor.id, { role: 'admin' }))!;
      await this.recordMember(work, newOwner);
      await this.recordMember(work, oldOwner);
      await writeAudit(work.tx, work.now, {
        actorId: actor.id,
        action: 'member_role_changed',
        targetUserId: userId,
        roomId,
        details: { to: 'owner', transfer: true },
      });
      await recordSystemMessage(work, roomId, userId, 'became the owner');
      return this.present(work, newOwner);
    });
  }

  /** Mutes (optionally until a time) or unmutes a member: they can still read, not send or react. */
  async mute(
    actor: Actor,
    roomId: string,
    userId: string,
    muted: boolean,
    until: string | null | undefined,
  ): Promise<z.infer<typeof Member>> {
    if (muted && until && Date.parse(until) <= this.now().getTime()) {
      throw new DomainError('validation_failed', 'muted_until must be in the future.', {
        details: [{ field: 'body.muted_until', message: 'must be in the future' }],
      });
    }
    return this.tx(async (work) => {
      await this.target(work, actor, roomId, userId, 'mute');
      const updated = (await work.tx.members.update(roomId, userId, { muted, muted_until: muted ? (until ?? null) : null }))!;
      await this.recordMember(work, updated);
      await writeAudit(work.tx, work.now, {
        actorId: actor.id,
        action: muted ? 'member_muted' : 'member_unmuted',
        targetUserId: userId,
        roomId,
        details: muted ? { muted_until: updated.muted_until } : null,
      });
      return this.present(work, updated);
    });
  }

  /** Bans a user (member or not): removed now, and cannot come back by join or invite until unbanned. */
  async ban(actor: Actor, roomId: string, userId: string, reason: string | undefined): Promise<void> {
    await this.tx(async (work) => {
      const access = await authorize(work.tx, actor, roomId, 'ban', this.now());
      if (userId === actor.id) throw new DomainError('cannot_target_self', 'You cannot ban yourself.');
      await requireActiveUser(work.tx, userId);
      const target = await work.tx.members.get(roomId, userId);
      if (target) this.assertOutranks(actor, access, target);
      await work.tx.bans.add({ room_id: roomId, user_id: userId, banned_by: actor.id, reason: reason ?? null, created_at: work.now });
      if (target) await removeMember(work, roomId, userId, 'banned', actor.id);
      await writeAudit(work.tx, work.now, {
        actorId: actor.id,
        action: 'member_banned',
        targetUserId: userId,
        roomId,
        reason: reason ?? null,
      });
    });
  }

  async unban(actor: Actor, roomId: string, userId: string): Promise<void> {
    await this.tx(async (work) => {
      await authorize(work.tx, actor, roomId, 'ban', this.now());
      // Only a ban that was there is audited: unbanning twice records one action.
      if (await work.tx.bans.remove(roomId, userId))
        await writeAudit(work.tx, work.now, { actorId: actor.id, action: 'member_unbanned', targetUserId: userId, roomId });
    });
  }

  async listBans(actor: Actor, roomId: string, page: PageRequest): Promise<z.infer<typeof BanList>> {
    await authorize(this.d.store, actor, roomId, 'ban', this.now());
    const bans = await this.d.store.bans.list(roomId, page);
    return {
      items: bans.items.map((b) => ({
        user: toSummary(b.user),
        banned_by: b.ban.banned_by,
        reason: b.ban.reason,
        created_at: b.ban.created_at,
      })),
      next_cursor: bans.next_cursor,
    };
  }

  /** Authorises a moderation action on another member; the actor must outrank the target. */
  private async target(
    work: Work,
    actor: Actor,
    roomId: string,
    userId: string,
    action: RoomAction,
  ): Promise<{ access: RoomAccess; target: MembershipRow }> {
    const access = await authorize(work.tx, actor, roomId, action, this.now());
    if (userId === actor.id) throw new DomainError('cannot_target_self', 'You cannot do that to yourself.');
    const target = await work.tx.members.get(roomId, userId);
    if (!target) throw new DomainError('user_not_found', 'That user is not a member of this room.');
    if (action !== 'transfer') this.assertOutranks(actor, access, target);
    return { access, target };
  }

  /**
   * Room moderation needs a strictly higher room role. A server admin (global moderation) acts on
   * anyone but the owner, member of the room or not: a room always keeps its one owner, who only
   * leaves it by transferring ownership.
   */
  private assertOutranks(actor: Actor, access: RoomAccess, target: MembershipRow): void {
    if (access.membership && outranks(access.membership.role, target.role)) return;
    if (actor.isAdmin && target.role !== 'owner') return;
    throw new DomainError(
      'forbidden',
      actor.isAdmin ? "Not even a server admin may moderate a room's owner." : 'You can only moderate members below your own role.',
    );
  }

  private async recordMember(work: Work, m: MembershipRow): Promise<void> {
    await work.record(m.room_id, () => ({
      type: 'member_updated',
      data: { room_id: m.room_id, user_id: m.user_id, role: m.role, muted: m.muted, muted_until: m.muted_until },
    }));
  }

  private async present(work: Work, m: MembershipRow): Promise<z.infer<typeof Member>> {
    return toMember(m, (await work.tx.users.findById(m.user_id))!);
  }

  private tx<T>(fn: (work: Work) => Promise<T>): Promise<T> {
    return inTransaction(this.d.store, this.d.bus, this.now(), fn);
  }

  private now(): Date {
    return this.d.clock.now();
  }
}
