import { useEffect } from 'react';
import { loadThread } from '../../state/actions.ts';
import { useStore } from '../../state/store.ts';
import { Composer } from '../room/Composer.tsx';
import { MessageItem, PendingItem } from '../timeline/MessageItem.tsx';

/** A thread: its parent, the replies (live), and a composer that replies in it. */
export function ThreadPanel({ messageId }: { messageId: string }) {
  const parent = useStore((s) => s.messages[messageId]);
  const thread = useStore((s) => s.threads[messageId]);
  const messages = useStore((s) => s.messages);
  const pendingAll = useStore((s) => s.pending);
  const pending = Object.values(pendingAll).filter((p) => p.parent_id === messageId);

  useEffect(() => {
    void loadThread(messageId).catch(() => {});
  }, [messageId]);

  if (!parent) return <p className="muted">Loading the thread…</p>;
  return (
    <div className="thread">
      <MessageItem message={parent} grouped={false} highlighted={false} inThread />
      <p className="thread-count muted">
        {parent.reply_count} {parent.reply_count === 1 ? 'reply' : 'replies'}
      </p>
      <div className="thread-replies" role="log" aria-label="Thread replies">
        {thread?.loading && !thread.ids.length && <p className="muted">Loading replies…</p>}
        {thread?.ids.map((id) => {
          const m = messages[id];
          return m ? <MessageItem key={id} message={m} grouped={false} highlighted={false} inThread /> : null;
        })}
        {pending.map((p) => (
          <PendingItem key={p.client_id} pending={p} />
        ))}
      </div>
      {!parent.deleted_at && <Composer roomId={parent.room_id} parentId={messageId} label="Reply" placeholder="Reply in thread…" />}
    </div>
  );
}
