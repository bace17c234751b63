import type { z } from 'zod';
import type { CounsellorMatch, CounsellorRequest, CounsellorRequestPage, CounsellorStatus, RoomView } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { newId } from '../../domain/ids.ts';
import { inTransaction } from '../../events/unit-of-work.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Clock } from '../../ports/clock.ts';
import type { CounsellorRequestRow } from '../../store/core-features-store.ts';
import type { Store } from '../../store/store.ts';
import type { UserRow } from '../../store/types.ts';
import { notify } from '../notifications/notify.ts';
import { addMember } from '../rooms/membership-ops.ts';
import type { RoomCaps } from '../rooms/caps.ts';
import { requireActiveUser } from '../users/active-user.ts';
import { hiddenSummary, toSummary } from '../users/user-presenter.ts';

export interface CounsellorsDeps {
  store: Store;
  bus: EventBus;
  clock: Clock;
  caps: RoomCaps;
  /** The matched user's view of the new room: RoomsService.view. */
  rooms: { view(actor: Actor, roomId: string): Promise<z.infer<typeof RoomView>> };
}

/**
 * Counsellor matching (SPEC 8, the bubble seed): server admins flag counsellors; a counsellor says
 * when they are available; a user asks for a match and gets a private two-person room with the
 * least busy available counsellor. Every request is recorded, matched or missed.
 */
export class CounsellorsService {
  private readonly d: CounsellorsDeps;

  constructor(deps: CounsellorsDeps) {
    this.d = deps;
  }

  /** Server admins (and the CLI, with actor null) set or clear the counsellor flag. */
  async setFlag(actor: Actor | null, userId: string, counsellor: boolean): Promise<z.infer<typeof CounsellorStatus>> {
    if (actor && !actor.isAdmin) throw new DomainError('forbidden', 'Only server admins may make counsellors.');
    await requireActiveUser(this.d.store, userId);
    await this.d.store.counsellors.setFlag(userId, counsellor, this.now());
    return this.status(userId);
  }

  async status(userId: string): Promise<z.infer<typeof CounsellorStatus>> {
    const c = await this.d.store.counsellors.get(userId);
    return { user_id: userId, counsellor: c !== undefined, available: c?.available ?? false };
  }

  /** A counsellor marks themself available (or not). */
  async setAvailability(actor: Actor, available: boolean): Promise<z.infer<typeof CounsellorStatus>> {
    if (!(await this.d.store.counsellors.setAvailable(actor.id, available, this.now()))) throw notCounsellor();
    return this.status(actor.id);
  }

  /**
   * Matches the actor with the available counsellor who has the fewest open matches: a private
   * room for the two of them (the user owns it, the counsellor is its admin), a notification to
   * each, the request recorded. Nobody available: 409 counsellor_unavailable, recorded as missed.
   */
  async match(actor: Actor): Promise<z.infer<typeof CounsellorMatch>> {
    const user = await requireActiveUser(this.d.store, actor.id);
    const counsellorId = await this.d.store.counsellors.leastBusy(actor.id);
    const now = this.d.clock.now();
    if (!counsellorId) {
      const at = now.toISOString();
      await this.d.store.counsellors.insertRequest({
        id: newId(),
        user_id: actor.id,
        counsellor_id: null,
        room_id: null,
        status: 'missed',
        created_at: at,
        updated_at: at,
      });
      throw new DomainError('counsellor_unavailable', 'No counsellors are available. Please try again later.');
    }
    const counsellor = await requireActiveUser(this.d.store, counsellorId);
    const request = await inTransaction(this.d.store, this.d.bus, now, async (work) => {
      const room = await work.tx.rooms.insert({
        id: newId(),
        type: 'private',
        name: `Counselling: ${user.display_name}`.slice(0, 100),
        description: null,
        topic_kind: 'text',
        categories: [],
        member_limit: 2,
        direct_key: null,
        created_by: actor.id,
        created_at: work.now,
      });
      // Both users' row locks in one order, as for direct rooms: two matches at once cannot deadlock.
      for (const id of [actor.id, counsellorId].sort()) await work.tx.users.lock(id);
      const ctx = { caps: this.d.caps, actorId: actor.id, quiet: true };
      await addMember(work, room, actor.id, 'owner', actor.id, ctx);
      await addMember(work, room, counsellorId, 'admin', actor.id, ctx);
      const row: CounsellorRequestRow = {
        id: newId(),
        user_id: actor.id,
        counsellor_id: counsellorId,
        room_id: room.id,
        status: 'matched',
        created_at: work.now,
        updated_at: work.now,
      };
      await work.tx.counsellors.insertRequest(row);
      const payload = { room_name: room.name, counsellor_match: true, request_id: row.id };
      await notify(
        work,
        { user_id: counsellorId, type: 'room_invite', room_id: room.id, message_id: null, actor_id: actor.id, payload },
        user,
      );
      await notify(
        work,
        { user_id: actor.id, type: 'room_invite', room_id: room.id, message_id: null, actor_id: counsellorId, payload },
        counsellor,
      );
      return row;
    });
    return {
      request: this.present(
        request,
        new Map([
          [user.id, user],
          [counsellor.id, counsellor],
        ]),
      ),
      counsellor: toSummary(counsellor),
      room: await this.d.rooms.view(actor, request.room_id!),
    };
  }

  /** A counsellor's matches and every missed request (bubble's list_issues), newest first. */
  async requests(actor: Actor, page: { limit: number; cursor?: string | undefined }): Promise<z.infer<typeof CounsellorRequestPage>> {
    if (!(await this.d.store.counsellors.get(actor.id))) throw notCounsellor();
    const { items, next_cursor } = await this.d.store.counsellors.requestsFor(actor.id, page.limit, page.cursor);
    const ids = items.flatMap((r) => [r.user_id, ...(r.counsellor_id ? [r.counsellor_id] : [])]);
    const users = new Map((await this.d.store.users.findByIds(ids)).map((u) => [u.id, u]));
    return { items: items.map((r) => this.present(r, users)), next_cursor };
  }

  private present(r: CounsellorRequestRow, users: Map<string, UserRow>): z.infer<typeof CounsellorRequest> {
    const summary = (id: string) => {
      const u = users.get(id);
      return u ? toSummary(u) : hiddenSummary(id);
    };
    return {
      id: r.id,
      user: summary(r.user_id),
      counsellor: r.counsellor_id ? summary(r.counsellor_id) : null,
      status: r.status,
      room_id: r.room_id,
      created_at: r.created_at,
      updated_at: r.updated_at,
    };
  }

  private now(): string {
    return this.d.clock.now().toISOString();
  }
}

const notCounsellor = () => new DomainError('not_a_counsellor', 'Only counsellors can do that.');
