import { memo, useMemo, useState } from 'react';
import { formatFull, formatTime } from '../../lib/format.ts';
import { renderMarkdown } from '../../lib/markdown.ts';
import { navigate, roomPath } from '../../lib/router.ts';
import { deleteMessage, discardPending, errorText, retryPending, setPinned, toggleReaction } from '../../state/actions.ts';
import { useStore } from '../../state/store.ts';
import type { Message, PendingMessage } from '../../state/types.ts';
import { toast, ui } from '../../state/ui.ts';
import { Attachments, PendingFiles } from '../attachments/Attachments.tsx';
import { Avatar } from '../common.tsx';
import { EmojiButton } from '../emoji/EmojiButton.tsx';
import { Reactions } from './Reactions.tsx';
import { ReadReceipt } from './ReadReceipt.tsx';
import { ReportButton } from './ReportButton.tsx';

/** A message's content: its Markdown as elements, the text always as text (lib/markdown.ts). */
export const MessageBody = memo(function MessageBody({ content }: { content: string }) {
  const me = useStore((s) => s.me?.username);
  const body = useMemo(() => renderMarkdown(content, me), [content, me]);
  return <div className="message-body">{body}</div>;
});

/** One message: sender, time, body, reactions, thread summary, and its actions on hover or focus. */
export const MessageItem = memo(function MessageItem({
  message: m,
  grouped,
  highlighted,
  inThread = false,
  receipt = false,
}: {
  message: Message;
  grouped: boolean;
  highlighted: boolean;
  inThread?: boolean;
  /** Show read receipts (on my newest message in the room). */
  receipt?: boolean;
}) {
  const sender = useStore((s) => s.users[m.sender.id] ?? m.sender);
  const me = useStore((s) => s.me);
  const room = useStore((s) => s.rooms[m.room_id]);
  const mine = m.sender.id === me?.id;
  const role = room?.membership?.role;
  const isAdmin = role === 'owner' || role === 'admin';
  const archived = !!room?.archived;
  const deleted = !!m.deleted_at;
  // The actions toolbar is built the first time the pointer or focus comes to the message, and
  // kept: most messages are never hovered, and its buttons (five components and a dozen elements)
  // were most of what a message cost to render when a room opens or the timeline grows
  // (bench:ui). CSS still shows it only on hover or focus, as before.
  const [wanted, setWanted] = useState(false);
  const want = wanted ? undefined : () => setWanted(true);

  if (m.type === 'system') {
    return (
      <article className="message system" data-mid={m.id} aria-label={`${sender.display_name} ${formatTime(m.created_at)}`} tabIndex={-1}>
        {/* The server's content names nobody: "<sender> joined", with the sender's current name. */}
        <span className="muted">
          {sender.display_name} {m.content}
        </span>
      </article>
    );
  }

  const openProfile = () => ui.set({ panel: { kind: 'profile', userId: sender.id } });
  const act = (p: Promise<unknown>) => p.catch((err) => toast(errorText(err)));

  return (
    <article
      className={`message ${grouped ? 'grouped' : ''} ${highlighted ? 'highlighted' : ''} ${mine ? 'mine' : ''}`}
      data-mid={m.id}
      tabIndex={-1}
      onPointerEnter={want}
      onFocus={want}
      aria-label={`${sender.display_name}, ${formatTime(m.created_at)}${m.edited_at ? ', edited' : ''}`}
    >
      <div className="message-gutter">
        {grouped ? (
          <time className="hover-time" dateTime={m.created_at} title={formatFull(m.created_at)}>
            {formatTime(m.created_at)}
          </time>
        ) : (
          <button
            type="button"
            className="avatar-button"
            onClick={openProfile}
            aria-label={`Profile of ${sender.display_name}`}
            tabIndex={-1}
          >
            <Avatar user={sender} />
          </button>
        )}
      </div>
      <div className="message-main">
        {!grouped && (
          <header className="message-head">
            <button type="button" className="sender" onClick={openProfile}>
              {sender.display_name}
            </button>
            <time dateTime={m.created_at} title={formatFull(m.created_at)} className="muted">
              {formatTime(m.created_at)}
            </time>
            {m.pinned && (
              <span className="pin-mark" title="Pinned">
                📌
              </span>
            )}
          </header>
        )}
        {deleted ? (
          <p className="tombstone">This message was deleted.</p>
        ) : (
          <>
            {m.content && <MessageBody content={m.content} />}
            {m.attachments && m.attachments.length > 0 && <Attachments items={m.attachments} messageId={m.id} />}
            {m.edited_at && (
              <span className="edited muted" title={`Edited ${formatFull(m.edited_at)}`}>
                (edited)
              </span>
            )}
          </>
        )}
        {!deleted && m.reactions.length > 0 && <Reactions message={m} disabled={archived} />}
        {((!inThread && m.reply_count > 0) || (receipt && mine && !deleted && room)) && (
          <div className="message-foot">
            {!inThread && m.reply_count > 0 && (
              <button type="button" className="thread-summary" onClick={() => ui.set({ panel: { kind: 'thread', messageId: m.id } })}>
                {m.reply_count} {m.reply_count === 1 ? 'reply' : 'replies'}
              </button>
            )}
            {receipt && mine && !deleted && room && <ReadReceipt message={m} roomType={room.type} />}
          </div>
        )}
      </div>
      {wanted && !deleted && !archived && (
        <div className="message-actions" role="toolbar" aria-label="Message actions">
          <EmojiButton label="React" onPick={(emoji) => void act(toggleReaction(m.id, emoji))} />
          {!inThread && (
            <ActionButton label="Reply in thread" icon="💬" onClick={() => ui.set({ panel: { kind: 'thread', messageId: m.id } })} />
          )}
          {mine && <ActionButton label="Edit" icon="✏️" onClick={() => ui.set({ editing: { roomId: m.room_id, messageId: m.id } })} />}
          {(mine || isAdmin) && <DeleteButton id={m.id} />}
          {isAdmin && !inThread && (
            <ActionButton label={m.pinned ? 'Unpin' : 'Pin'} icon="📌" onClick={() => void act(setPinned(m.id, !m.pinned))} />
          )}
          {/* Reports go to the room's admins: an admin acts on the message instead (and keeps a toolbar that fits a phone). */}
          {!mine && !isAdmin && <ReportButton messageId={m.id} />}
          <ActionButton
            label="Copy link"
            icon="🔗"
            onClick={() =>
              void navigator.clipboard?.writeText(`${location.origin}${roomPath(m.room_id, m.id)}`).then(
                () => toast('Link copied.'),
                () => navigate(roomPath(m.room_id, m.id)),
              )
            }
          />
        </div>
      )}
    </article>
  );
});

function ActionButton({ label, icon, onClick }: { label: string; icon: string; onClick: () => void }) {
  return (
    <button type="button" className="icon-button small" aria-label={label} title={label} onClick={onClick}>
      <span aria-hidden="true">{icon}</span>
    </button>
  );
}

function DeleteButton({ id }: { id: string }) {
  const [confirm, setConfirm] = useState(false);
  if (!confirm) return <ActionButton label="Delete" icon="🗑️" onClick={() => setConfirm(true)} />;
  return (
    <span className="confirm" role="group" aria-label="Delete this message?">
      <button type="button" className="danger small" onClick={() => void deleteMessage(id).catch((e) => toast(errorText(e)))} autoFocus>
        Delete
      </button>
      <button type="button" className="small" onClick={() => setConfirm(false)}>
        Cancel
      </button>
    </span>
  );
}

/** A message waiting in the outbox (offline), or refused by the server with the reason and a choice. */
export function PendingItem({ pending: p }: { pending: PendingMessage }) {
  const me = useStore((s) => s.me);
  if (!me) return null;
  return (
    <article
      className={`message pending ${p.failed ? 'failed' : ''}`}
      aria-label={`${me.display_name}, ${p.failed ? 'not sent' : 'sending'}`}
    >
      <div className="message-gutter">
        <Avatar user={me} />
      </div>
      <div className="message-main">
        <header className="message-head">
          <span className="sender">{me.display_name}</span>
          <span className="muted">{p.failed ? 'Not sent' : 'Sending…'}</span>
        </header>
        {p.content && <MessageBody content={p.content} />}
        {p.upload && <PendingFiles files={p.upload.files} />}
        {p.failed && (
          <p className="error" role="alert">
            {p.failed.message}{' '}
            <button type="button" className="link-button" onClick={() => retryPending(p.client_id)}>
              Retry
            </button>{' '}
            <button type="button" className="link-button" onClick={() => discardPending(p.client_id)}>
              Discard
            </button>
          </p>
        )}
      </div>
    </article>
  );
}
