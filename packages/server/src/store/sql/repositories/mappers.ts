import type { Selectable } from 'kysely';
import type { MembershipRow, MessageRow, RoomRow } from '../../room-types.ts';
import type { UserRow } from '../../types.ts';
import type { MembershipsTable, MessagesTable, RoomsTable, UsersTable } from '../schema.ts';

/** Row mappers shared by the repositories: 0/1 flags to booleans, JSON text to values. */
export const toUser = (r: Selectable<UsersTable>): UserRow => {
  const { search_name: _search, ...rest } = r;
  return { ...rest, is_admin: r.is_admin === 1 };
};

export const toRoom = (r: Selectable<RoomsTable>): RoomRow => {
  const { name_lower: _n, ...rest } = r;
  return {
    ...rest,
    type: r.type as RoomRow['type'],
    topic_kind: r.topic_kind as RoomRow['topic_kind'],
    categories: JSON.parse(r.categories) as string[],
    featured: r.featured === 1,
    archived: r.archived === 1,
  };
};

export const toMembership = (r: Selectable<MembershipsTable>): MembershipRow => ({
  ...r,
  role: r.role as MembershipRow['role'],
  notification_level: r.notification_level as MembershipRow['notification_level'],
  muted: r.muted === 1,
});

export const toMessage = (r: Selectable<MessagesTable>): MessageRow => ({
  ...r,
  type: r.type as MessageRow['type'],
  mentions: JSON.parse(r.mentions) as string[],
  mentions_room: r.mentions_room === 1,
});

/** Columns of a table selected under a prefix, to read two tables from one joined row. */
export function unprefix<T>(row: Record<string, unknown>, prefix: string): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(row)) if (k.startsWith(prefix)) out[k.slice(prefix.length)] = v;
  return out as T;
}
