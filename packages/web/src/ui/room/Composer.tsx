import { limits } from '../../state/limits.ts';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { useCaretAfterRender } from '../../lib/use-caret.ts';
import { type EmojiEntry, loadEmoji, searchEmoji, useEmoji } from '../../lib/emoji-data.ts';
import { editMessage, errorText, loadMembers, sendMessage, sendTyping } from '../../state/actions.ts';
import { store, useStore } from '../../state/store.ts';
import type { PendingMessage } from '../../state/types.ts';
import { toast, ui, useUi } from '../../state/ui.ts';
import { addFiles, takeTray, useTray } from '../../state/uploads.ts';
import { EmojiButton } from '../emoji/EmojiButton.tsx';
import { UploadTray } from './UploadTray.tsx';
import { useMutedNow } from './useMutedNow.ts';

/** The server shows "typing" for 5 s after a start: one start every 3 s keeps it shown while typing. */
const TYPING_EVERY_MS = 3000;
const TYPING_IDLE_MS = 4000;

const drafts = new Map<string, string>();

type Suggestion = { key: string; label: string; detail: string; insert: string };

/**
 * The message box: Enter sends, Shift+Enter starts a new line, ↑ in an empty box edits my last
 * message, `@` completes members (and @room for admins), `:` completes emoji shortcodes.
 */
export function Composer({
  roomId,
  parentId = null,
  label = 'Message',
  placeholder,
  shown = true,
}: {
  roomId: string;
  parentId?: string | null;
  label?: string;
  placeholder: string;
  /** False while its room is kept mounted but hidden (App.tsx). */
  shown?: boolean;
}) {
  const draftKey = parentId ? `thread:${parentId}` : roomId;
  const [text, setText] = useState(() => drafts.get(draftKey) ?? '');
  const [sugs, setSugs] = useState<Suggestion[]>([]);
  const [active, setActive] = useState(0);
  const editing = useUi((u) => (u.editing && u.editing.roomId === roomId && !parentId ? u.editing.messageId : null));
  const room = useStore((s) => s.rooms[roomId]);
  const box = useRef<HTMLTextAreaElement>(null);
  const picker = useRef<HTMLInputElement>(null);
  const placeCaret = useCaretAfterRender(box);
  const tray = useTray(draftKey);
  const uploading = tray.some((u) => u.status !== 'failed');
  const typing = useRef({ last: 0, idle: undefined as ReturnType<typeof setTimeout> | undefined });
  const emoji = useRef<EmojiEntry[] | null>(null);
  const isAdmin = room?.membership?.role === 'owner' || room?.membership?.role === 'admin';
  const readOnly = !!room?.archived;
  const muted = useMutedNow(room?.membership);

  useEffect(() => {
    drafts.set(draftKey, text);
  }, [draftKey, text]);

  // Entering edit mode puts the message in the box before the mode is painted, so nothing typed
  // in between is lost; leaving it restores the draft.
  const beforeEdit = useRef('');
  useLayoutEffect(() => {
    if (!editing) return;
    beforeEdit.current = box.current?.value ?? '';
    setText(store.get().messages[editing]?.content ?? '');
    box.current?.focus();
  }, [editing]);

  const stopTyping = () => {
    clearTimeout(typing.current.idle);
    if (typing.current.last) sendTyping(roomId, false);
    typing.current.last = 0;
  };
  useEffect(() => stopTyping, [roomId]);
  // The room is left (kept mounted, hidden): the others stop seeing me type, as when it unmounted.
  useEffect(() => {
    if (!shown) stopTyping();
  }, [shown]);

  const noteTyping = () => {
    const now = Date.now();
    if (now - typing.current.last > TYPING_EVERY_MS && sendTyping(roomId, true)) typing.current.last = now;
    clearTimeout(typing.current.idle);
    typing.current.idle = setTimeout(stopTyping, TYPING_IDLE_MS);
  };

  const cancelEdit = () => {
    ui.set({ editing: null });
    setText(beforeEdit.current);
  };

  async function submit() {
    const content = text;
    if (!content.trim() && (editing || !uploading)) return;
    if (content.length > limits().message.max) return toast(`A message can be at most ${limits().message.max} characters.`);
    stopTyping();
    if (editing) {
      try {
        await editMessage(editing, content);
        ui.set({ editing: null });
        setText(beforeEdit.current);
      } catch (err) {
        toast(errorText(err));
      }
      return;
    }
    sendMessage(roomId, content.trim() ? content : '', parentId ?? undefined, takeTray(draftKey) ?? undefined);
    setText('');
  }

  /** The word being typed at the caret, when it starts with @ or :. */
  const token = () => {
    const el = box.current!;
    const before = el.value.slice(0, el.selectionStart);
    const m = /(^|\s)([@:][\p{L}\p{N}_.+-]*)$/u.exec(before);
    return m ? { start: before.length - m[2]!.length, word: m[2]! } : null;
  };

  async function suggest() {
    const t = token();
    if (!t) return setSugs([]);
    if (t.word.startsWith('@')) {
      if (!store.get().members[roomId]) void loadMembers(roomId).then(suggest, () => {});
      const q = t.word.slice(1).toLowerCase();
      const members = store.get().members[roomId] ?? [];
      const list: Suggestion[] = members
        .filter(
          (m) => !m.user.deleted && m.user.username && (m.user.username.startsWith(q) || m.user.display_name.toLowerCase().includes(q)),
        )
        .slice(0, 8)
        .map((m) => ({ key: m.user.id, label: m.user.display_name, detail: `@${m.user.username}`, insert: `@${m.user.username} ` }));
      if (isAdmin && 'room'.startsWith(q))
        list.push({ key: '@room', label: '@room', detail: 'notify everyone in this room', insert: '@room ' });
      setSugs(list);
    } else if (t.word.length >= 3) {
      emoji.current ??= await loadEmoji();
      setSugs(
        searchEmoji(emoji.current, t.word.slice(1), 8).map((e) => ({
          key: e.unicode,
          label: e.unicode,
          detail: `:${e.shortcodes[0] ?? e.label}:`,
          insert: e.unicode,
        })),
      );
    } else setSugs([]);
    setActive(0);
  }

  function accept(s: Suggestion) {
    const el = box.current!;
    const t = token();
    if (!t) return;
    const next = el.value.slice(0, t.start) + s.insert + el.value.slice(el.selectionStart);
    if (!s.insert.startsWith('@')) useEmoji(s.insert);
    setText(next);
    setSugs([]);
    const caret = t.start + s.insert.length;
    placeCaret(next, caret);
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLTextAreaElement>) {
    if (sugs.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((a) => (a + (e.key === 'ArrowDown' ? 1 : sugs.length - 1)) % sugs.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        accept(sugs[active]!);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        setSugs([]);
        return;
      }
    }
    if (e.key === 'Escape' && editing) {
      e.preventDefault();
      e.stopPropagation();
      cancelEdit();
      return;
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
      return;
    }
    if (e.key === 'ArrowUp' && !text && !editing && !parentId) {
      const last = lastOwnMessage(roomId);
      if (!last) return;
      e.preventDefault();
      // ↑ right after Enter means "the message I just sent": wait for the server to store it
      // rather than edit the one before.
      if ('sending' in last)
        void whenSent(last.sending).then((id) => id && !ui.get().editing && ui.set({ editing: { roomId, messageId: id } }));
      else ui.set({ editing: { roomId, messageId: last.id } });
    }
  }

  const listId = `sugs-${draftKey}`;
  const disabled = readOnly || muted;
  const hint = useMemo(
    () => (readOnly ? 'This room is archived: it is read-only.' : muted ? 'You are muted in this room.' : null),
    [readOnly, muted],
  );

  return (
    <div className={`composer ${editing ? 'editing' : ''}`}>
      {editing && (
        <div className="composer-mode">
          Editing message ·{' '}
          <button type="button" className="link-button" onClick={cancelEdit}>
            Cancel (Esc)
          </button>
        </div>
      )}
      {sugs.length > 0 && (
        <ul className="suggestions" id={listId} role="listbox" aria-label="Suggestions">
          {sugs.map((s, i) => (
            <li
              key={s.key}
              id={`${listId}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              onMouseDown={(e) => (e.preventDefault(), accept(s))}
            >
              <span className="sug-label">{s.label}</span> <span className="muted">{s.detail}</span>
            </li>
          ))}
        </ul>
      )}
      {!editing && !hint && tray.length > 0 && <UploadTray trayKey={draftKey} uploads={tray} />}
      {hint ? (
        <p className="composer-hint muted">{hint}</p>
      ) : (
        <form
          className="composer-row"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <textarea
            ref={box}
            className="composer-input"
            aria-label={label}
            placeholder={placeholder}
            rows={1}
            value={text}
            maxLength={limits().message.max + 1}
            disabled={disabled}
            aria-autocomplete="list"
            aria-controls={sugs.length ? listId : undefined}
            aria-activedescendant={sugs.length ? `${listId}-${active}` : undefined}
            onChange={(e) => {
              setText(e.target.value);
              if (e.target.value && !editing) noteTyping();
              void suggest();
            }}
            onKeyDown={onKeyDown}
            onPaste={(e) => {
              const files = [...e.clipboardData.files];
              if (files.length === 0 || editing) return;
              e.preventDefault();
              addFiles(draftKey, files);
            }}
            onBlur={() => setTimeout(() => setSugs([]), 150)}
          />
          {!editing && (
            <>
              <button
                type="button"
                className="icon-button attach"
                aria-label="Attach files"
                title="Attach files"
                disabled={disabled}
                onClick={() => picker.current?.click()}
              >
                <span aria-hidden="true">📎</span>
              </button>
              <input
                ref={picker}
                type="file"
                multiple
                hidden
                tabIndex={-1}
                aria-hidden="true"
                onChange={(e) => {
                  addFiles(draftKey, e.target.files ?? []);
                  e.target.value = '';
                }}
              />
            </>
          )}
          <EmojiButton
            label="Insert emoji"
            onPick={(u) => {
              const el = box.current!;
              const at = el.selectionStart ?? text.length;
              setText(text.slice(0, at) + u + text.slice(at));
              el.focus();
            }}
          />
          <button type="submit" className="primary send" disabled={!text.trim() && (!!editing || !uploading)}>
            {editing ? 'Save' : 'Send'}
          </button>
        </form>
      )}
      {text.length > limits().message.max * 0.9 && <p className="muted counter">{limits().message.max - text.length} characters left</p>}
    </div>
  );
}

/**
 * My newest message in the room, if still editable (the edit window): a stored one by id, or one
 * still going out by its client id. One the server refused is not editable, and hides older ones.
 */
function lastOwnMessage(roomId: string): { id: string } | { sending: string } | null {
  const s = store.get();
  const out = Object.values(s.pending).filter((p) => p.room_id === roomId && !p.parent_id);
  const newest = out.reduce<PendingMessage | null>((a, p) => (a && a.queued_at > p.queued_at ? a : p), null);
  if (newest) return newest.failed ? null : { sending: newest.client_id };
  const ids = s.timelines[roomId]?.ids ?? [];
  for (let i = ids.length - 1; i >= 0; i--) {
    const m = s.messages[ids[i]!];
    if (m && m.sender.id === s.me?.id && !m.deleted_at && m.type !== 'system') {
      return Date.now() - Date.parse(m.created_at) < limits().edit_window_seconds * 1000 ? { id: m.id } : null;
    }
  }
  return null;
}

/** The id of the message sent with this client id once the server has stored it; null if refused or not within 10 s. */
function whenSent(clientId: string): Promise<string | null> {
  return new Promise((resolve) => {
    const check = (): boolean => {
      const s = store.get();
      const p = s.pending[clientId];
      if (p && !p.failed) return false;
      const m = p ? undefined : Object.values(s.messages).find((x) => x.client_id === clientId);
      done(m?.id ?? null);
      return true;
    };
    const done = (id: string | null) => {
      unsubscribe();
      clearTimeout(timer);
      resolve(id);
    };
    const unsubscribe = store.subscribe(() => void check());
    const timer = setTimeout(() => done(null), 10_000);
    check();
  });
}
