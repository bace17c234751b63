import {
  DEFAULT_SERVER_LIMITS,
  type MeView,
  type ProfileUpdate,
  type ServerLimits,
  type UserRef,
  type UserSummary,
  type UserView,
} from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import type { Audience } from '../../domain/profile.ts';
import { profileChanged } from '../../events/events.ts';
import type { EventBus } from '../../ports/bus.ts';
import { needsMateCheck } from '../../policies/profile.policy.ts';
import { checkProfileText } from '../../policies/limits.policy.ts';
import type { Clock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import type { Page, PageRequest } from '../../store/types.ts';
import { isActive, requireActiveUser } from './active-user.ts';
import { applyProfileUpdate } from './profile-update.ts';
import { publishUserUpdated } from './user-updated.ts';
import { toMe, toSummary, toView } from './user-presenter.ts';

/** Profiles as others see them, the account's own edits, follows and user search. */
export class UsersService {
  private readonly store: Store;
  private readonly clock: Clock;
  private readonly bus: EventBus;
  private readonly limits: ServerLimits;

  constructor(deps: { store: Store; clock: Clock; bus: EventBus; limits?: ServerLimits }) {
    this.store = deps.store;
    this.clock = deps.clock;
    this.bus = deps.bus;
    this.limits = deps.limits ?? DEFAULT_SERVER_LIMITS;
  }

  /** A user's profile with only the fields this reader may see; hidden accounts are 404. */
  async get(actor: Actor, id: string): Promise<UserView> {
    const user = await requireActiveUser(this.store, id);
    const [profile, counts, followedByMe] = await Promise.all([
      this.store.users.getProfile(id),
      this.store.follows.counts(id),
      actor.id === id ? false : this.store.follows.isFollowing(actor.id, id),
    ]);
    let audience: Audience = 'other';
    if (actor.id === id) audience = 'self';
    else if (needsMateCheck(profile.map((f) => f.visibility)) && (await this.store.users.isMate(id, actor.id))) audience = 'mate';
    const view = toView(user, { profile, audience, counts, followedByMe, today: this.clock.now() });
    // Guests are listed as such to server admins (issue 18).
    return actor.isAdmin || actor.id === id ? { ...view, guest: await this.store.guests.isGuest(id) } : view;
  }

  async updateMe(actor: Actor, update: ProfileUpdate): Promise<MeView> {
    checkProfileText(this.limits, update);
    const before = await requireActiveUser(this.store, actor.id);
    await this.store.transaction((tx) => applyProfileUpdate(tx, actor.id, update));
    // Live message events carry the sender's name and avatar from a per-node cache: it must forget them.
    await this.bus.publish(profileChanged(actor.id));
    const user = await requireActiveUser(this.store, actor.id);
    await publishUserUpdated(this.store, this.bus, before, user);
    const [profile, counts] = await Promise.all([this.store.users.getProfile(actor.id), this.store.follows.counts(actor.id)]);
    return toMe(user, { profile, counts, today: this.clock.now() });
  }

  async follow(actor: Actor, id: string): Promise<void> {
    if (actor.id === id) throw new DomainError('cannot_target_self', 'You cannot follow yourself.');
    await requireActiveUser(this.store, id);
    await this.store.follows.follow(actor.id, id, this.clock.now().toISOString());
  }

  async unfollow(actor: Actor, id: string): Promise<void> {
    await requireActiveUser(this.store, id);
    await this.store.follows.unfollow(actor.id, id);
  }

  followers(_actor: Actor, id: string, limit: number, cursor?: string): Promise<Page<UserSummary>> {
    return this.followList('followers', id, limit, cursor);
  }

  following(_actor: Actor, id: string, limit: number, cursor?: string): Promise<Page<UserSummary>> {
    return this.followList('following', id, limit, cursor);
  }

  /** The profile of the active account with this username, as get() shows it; user_not_found otherwise. */
  async getByName(actor: Actor, username: string): Promise<UserView> {
    const user = await this.store.users.findByUsername(username.toLowerCase());
    if (!user || !isActive(user)) throw new DomainError('user_not_found', `No user is named ${username}.`);
    return this.get(actor, user.id);
  }

  /** The id of the active account a request names, by id or by username; user_not_found otherwise. */
  async resolve(ref: UserRef): Promise<string> {
    if (ref.user_id !== undefined) return ref.user_id;
    const user = await this.store.users.findByUsername((ref.username ?? '').toLowerCase());
    if (!user || !isActive(user)) throw new DomainError('user_not_found', `No user is named ${ref.username ?? ''}.`);
    return user.id;
  }

  /** Active users whose username or display name starts with q, shortest usernames first. */
  async search(_actor: Actor, q: string, page: PageRequest): Promise<Page<UserSummary>> {
    const found = await this.store.users.search(q, page);
    return { items: found.items.map(toSummary), next_cursor: found.next_cursor };
  }

  private async followList(which: 'followers' | 'following', id: string, limit: number, cursor?: string): Promise<Page<UserSummary>> {
    await requireActiveUser(this.store, id);
    const page = await this.store.follows[which](id, limit, cursor);
    return { items: page.items.map((e) => toSummary(e.user)), next_cursor: page.next_cursor };
  }
}
