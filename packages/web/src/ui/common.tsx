import { useStore } from '../state/store.ts';
import type { Presence, User } from '../state/types.ts';
import { initials } from '../lib/format.ts';

/** A colour from the user id, so one person keeps one colour everywhere. */
function hue(id: string): number {
  let h = 0;
  for (let i = 0; i < id.length; i++) h = (h * 31 + id.charCodeAt(i)) % 360;
  return h;
}

export function Avatar({ user, size = 36 }: { user: Pick<User, 'id' | 'display_name' | 'avatar_url'>; size?: number }) {
  const style = { width: size, height: size, '--avatar-hue': hue(user.id), fontSize: size * 0.4 } as React.CSSProperties;
  return (
    <span className="avatar" style={style} aria-hidden="true">
      {initials(user.display_name)}
    </span>
  );
}

const PRESENCE_LABEL: Record<Presence, string> = { online: 'online', away: 'away', busy: 'busy', offline: 'offline' };

export function PresenceDot({ userId }: { userId: string }) {
  const p = useStore((s) => s.presence[userId] ?? 'offline');
  return <span className={`presence presence-${p}`} role="img" aria-label={PRESENCE_LABEL[p]} title={PRESENCE_LABEL[p]} />;
}

/** A button with only an icon: the name is for screen readers and the tooltip. */
export function IconButton({
  label,
  icon,
  onClick,
  pressed,
  className,
}: {
  label: string;
  icon: string;
  onClick: () => void;
  pressed?: boolean;
  className?: string;
}) {
  return (
    <button
      type="button"
      className={`icon-button ${className ?? ''}`}
      aria-label={label}
      title={label}
      onClick={onClick}
      {...(pressed === undefined ? {} : { 'aria-pressed': pressed })}
    >
      <span aria-hidden="true">{icon}</span>
    </button>
  );
}

export function Badge({ count, kind, label }: { count: number; kind: 'unread' | 'mention'; label: string }) {
  if (count <= 0) return null;
  return (
    <span className={`badge badge-${kind}`} aria-label={label}>
      {kind === 'mention' ? '@' : ''}
      {count > 99 ? '99+' : count}
    </span>
  );
}
