import { useEffect, useMemo, useState } from 'react';
import { errorText, loadMembers } from '../../state/actions.ts';
import { useStore } from '../../state/store.ts';
import type { RoomMember, State } from '../../state/types.ts';
import { AddMember } from '../admin/AddMember.tsx';
import { BansSection } from '../admin/BansSection.tsx';
import { MemberRow } from '../admin/MemberRow.tsx';
import { isAdminRole, type Role } from '../admin/roles.ts';

const GROUPS: { role: Role; title: string }[] = [
  { role: 'owner', title: 'Owner' },
  { role: 'admin', title: 'Admins' },
  { role: 'member', title: 'Members' },
];

/** Online people first within a role, then by name. */
function byPresenceThenName(presence: State['presence'], users: State['users']) {
  const online = (m: RoomMember) => ((presence[m.user.id] ?? 'offline') === 'offline' ? 1 : 0);
  const name = (m: RoomMember) => (users[m.user.id] ?? m.user).display_name;
  return (a: RoomMember, b: RoomMember) => online(a) - online(b) || name(a).localeCompare(name(b));
}

/** The room's members by role, live; admins also add people, moderate and see the bans. */
export default function MembersPanel({ roomId }: { roomId: string }) {
  const room = useStore((s) => s.rooms[roomId]);
  const members = useStore((s) => s.members[roomId]);
  const presence = useStore((s) => s.presence);
  const users = useStore((s) => s.users);
  const [error, setError] = useState<string | null>(null);
  const [managing, setManaging] = useState<string | null>(null);
  const viewerRole = room?.membership?.role;
  const admin = isAdminRole(viewerRole);

  useEffect(() => {
    loadMembers(roomId).then(
      () => setError(null),
      (err) => setError(errorText(err)),
    );
  }, [roomId]);

  const groups = useMemo(() => {
    const order = byPresenceThenName(presence, users);
    return GROUPS.map((g) => ({ ...g, items: (members ?? []).filter((m) => m.role === g.role).sort(order) }));
  }, [members, presence, users]);

  if (!room) return <p className="muted pad">You are not in this room.</p>;
  return (
    <div className="admin-panel">
      {admin && !room.archived && room.type !== 'direct' && <AddMember roomId={roomId} />}
      {error && (
        <p className="error pad" role="alert">
          {error}
        </p>
      )}
      {!members && !error && <p className="muted pad">Loading members…</p>}
      {members && (
        <p className="muted pad small-text">
          {members.length} {members.length === 1 ? 'member' : 'members'}
          {room.member_limit !== null && ` of ${room.member_limit} allowed`}
        </p>
      )}
      {groups.map(
        (g) =>
          g.items.length > 0 && (
            <section key={g.role} className="member-group" aria-label={`${g.title}, ${g.items.length}`}>
              <h3 className="group-title">
                {g.title} <span className="muted">· {g.items.length}</span>
              </h3>
              <ul className="member-list">
                {g.items.map((m) => (
                  <MemberRow
                    key={m.user.id}
                    roomId={roomId}
                    member={m}
                    viewerRole={viewerRole}
                    open={managing === m.user.id}
                    onToggle={() => setManaging(managing === m.user.id ? null : m.user.id)}
                  />
                ))}
              </ul>
            </section>
          ),
      )}
      {admin && <BansSection roomId={roomId} memberCount={members?.length ?? 0} />}
    </div>
  );
}
