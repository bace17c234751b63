import { useState } from 'react';
import type { User } from '../../state/types.ts';
import { Avatar } from '../common.tsx';

/** Only a web address is ever loaded as an image (never javascript:, data: or another relative path), or an uploaded picture of this server. */
export const isHttpUrl = (url: string | null): url is string => {
  if (!url) return false;
  if (url.startsWith('/attachments/')) return true;
  try {
    const u = new URL(url);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
};

/**
 * A user's picture when they set one, else their initials. An image that fails to load (gone,
 * refused by the page's Content-Security-Policy) falls back to the initials too.
 */
export function ProfileAvatar({ user, size }: { user: Pick<User, 'id' | 'display_name' | 'avatar_url'>; size: number }) {
  const [failed, setFailed] = useState<string | null>(null);
  const url = user.avatar_url;
  if (!isHttpUrl(url) || failed === url) return <Avatar user={user} size={size} />;
  return (
    <img
      className="avatar avatar-img"
      src={url}
      alt=""
      width={size}
      height={size}
      referrerPolicy="no-referrer"
      onError={() => setFailed(url)}
    />
  );
}
