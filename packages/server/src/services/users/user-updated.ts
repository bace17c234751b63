import type { UsersEvent } from '../../events/events.ts';
import type { EventBus } from '../../ports/bus.ts';
import type { Store } from '../../store/store.ts';
import type { UserRow } from '../../store/types.ts';
import { toSummary } from './user-presenter.ts';

/**
 * Tells a user's co-members (and the user's other devices) that their name, username or avatar
 * changed (issue 18, bubble's set_user_name), once the change is committed; nothing when the
 * summary others see is the same.
 */
export async function publishUserUpdated(store: Store, bus: EventBus, before: UserRow, after: UserRow): Promise<void> {
  const summary = toSummary(after);
  const old = toSummary(before);
  if (summary.display_name === old.display_name && summary.username === old.username && summary.avatar_url === old.avatar_url) return;
  const event: UsersEvent = {
    kind: 'users',
    user_ids: [after.id],
    room_ids: await store.members.roomIdsOf(after.id),
    type: 'user_updated',
    data: { user: summary },
  };
  await bus.publish(event);
}
