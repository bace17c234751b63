import { Fragment, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { dayKey, formatDay } from '../../lib/format.ts';
import { loadAround, loadLatest, loadNewer, loadOlder, markRead } from '../../state/actions.ts';
import { store, useStore } from '../../state/store.ts';
import type { Message, PendingMessage } from '../../state/types.ts';
import { MessageItem, PendingItem } from './MessageItem.tsx';
import { recallScroll, rememberScroll } from './scroll-memory.ts';
import { around, down, initial, initialNodes, LATEST, PREFETCH, slice, up, type Win } from './window.ts';

/** How close (px) to an edge of the loaded content the next stretch is rendered or fetched. */
const EDGE = 900;
/** Within this of the bottom, the view follows new messages. */
const STICK = 48;
/** Messages of one sender within this are grouped under one name. */
const GROUP_MS = 5 * 60_000;

interface Anchor {
  id: string;
  offset: number;
}

/**
 * A room's history: only a window of at most MAX_NODES messages is in the DOM however long the
 * history, older pages are fetched as the top comes near, and the message at the top of the view
 * stays exactly where it was whenever content is added or removed above it (measured before the
 * change, restored in a layout effect before the browser paints).
 */
export function Timeline({
  roomId,
  label,
  focusId,
  lastReadSeq,
  visible = true,
}: {
  roomId: string;
  label: string;
  focusId: string | null;
  lastReadSeq: number;
  /** False while the room is kept mounted but hidden (App.tsx): nothing reads or moves its boxes then. */
  visible?: boolean;
}) {
  const tl = useStore((s) => s.timelines[roomId]);
  const messages = useStore((s) => s.messages);
  const pendingAll = useStore((s) => s.pending);
  const meId = useStore((s) => s.me?.id);
  const scroller = useRef<HTMLDivElement>(null);
  const remembered = useRef(recallScroll(roomId));
  const [win, setWin] = useState<Win>(() =>
    initial(store.get().timelines[roomId]?.ids ?? [], remembered.current, initialNodes(innerHeight)),
  );
  const stuck = useRef(remembered.current ? remembered.current.stuck : true);
  const anchor = useRef<Anchor | null>(
    remembered.current?.anchorId ? { id: remembered.current.anchorId, offset: remembered.current.offset } : null,
  );
  const [highlight, setHighlight] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = useRef(false);

  const ids = useMemo(() => tl?.ids ?? [], [tl?.ids]);
  const { start, end } = slice(ids, win);
  const shown = ids.slice(start, end + 1);
  const pending = useMemo(() => Object.values(pendingAll).filter((p) => p.room_id === roomId && !p.parent_id), [pendingAll, roomId]);
  const showPending = !!tl?.atLatest && win.endId === null;

  // First load of the room, or a jump to a message.
  useEffect(() => {
    let cancelled = false;
    setError(null);
    const ready = (fn: () => void) => !cancelled && fn();
    if (focusId) {
      const have = store.get().timelines[roomId]?.ids.includes(focusId);
      (have ? Promise.resolve() : loadAround(roomId, focusId)).then(
        () =>
          ready(() => {
            stuck.current = false;
            anchor.current = null;
            setWin(around(store.get().timelines[roomId]?.ids ?? [], focusId));
            setHighlight(focusId);
          }),
        (err: Error) => ready(() => setError(`That message could not be shown: ${err.message}`)),
      );
    } else if (!store.get().timelines[roomId]) {
      loadLatest(roomId).catch((err: Error) => ready(() => setError(err.message)));
    }
    return () => {
      cancelled = true;
    };
  }, [roomId, focusId]);

  // The message nodes in DOM order, looked up again only after a commit of the log (which is what
  // adds or removes them), not on every scroll event: querySelectorAll over the log was a tenth of
  // the main thread's script time during bench:ui's scroll-back.
  const nodeList = useRef<NodeListOf<HTMLElement> | null>(null);
  useLayoutEffect(() => {
    nodeList.current = null;
  });

  /** The first message whose bottom is below the top of the view, and its distance from that top. */
  const measure = useCallback((): Anchor | null => {
    const el = scroller.current;
    if (!el) return null;
    const top = el.getBoundingClientRect().top;
    // Messages are stacked in DOM order: a binary search reads a handful of boxes, not every one
    // above the view (this runs on every scroll event).
    const nodes = (nodeList.current ??= el.querySelectorAll<HTMLElement>('[data-mid]'));
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (nodes[mid]!.getBoundingClientRect().bottom > top) hi = mid;
      else lo = mid + 1;
    }
    const node = nodes[lo];
    return node ? { id: node.dataset.mid!, offset: node.getBoundingClientRect().top - top } : null;
  }, []);

  // What the log is about to show changed: read the anchor now, in the render just before React
  // changes the DOM (a class component's getSnapshotBeforeUpdate). The one taken at the last scroll
  // event is up to a frame old, and restoring it undid that frame of the user's scrolling
  // (bench:ui drift: 58-72 px in one frame at a prepend during a fast flick).
  const shownKey = `${ids[start] ?? ''}|${ids[end] ?? ''}|${tl?.loadingOlder ?? ''}|${tl?.loadingNewer ?? ''}`;
  const committedKey = useRef<string | null>(null);
  if (visible && committedKey.current !== null && committedKey.current !== shownKey && !stuck.current && !highlight) {
    const fresh = measure();
    if (fresh) anchor.current = fresh;
  }

  // Before the browser paints: keep the anchor where it was, or stay at the bottom.
  useLayoutEffect(() => {
    committedKey.current = shownKey;
    const el = scroller.current;
    // Hidden: its layout is skipped (content-visibility), and reading a box would force it. Shown
    // again, this runs (visible changed) and puts the anchor back, or the bottom.
    if (!el || !visible) return;
    if (highlight && focusId === highlight) {
      const node = el.querySelector<HTMLElement>(`[data-mid="${CSS.escape(highlight)}"]`);
      if (node) {
        node.scrollIntoView({ block: 'center' });
        anchor.current = null;
        return;
      }
    }
    if (stuck.current) {
      el.scrollTop = el.scrollHeight;
      return;
    }
    const a = anchor.current;
    if (!a) return;
    const node = el.querySelector<HTMLElement>(`[data-mid="${CSS.escape(a.id)}"]`);
    if (node) el.scrollTop += node.getBoundingClientRect().top - el.getBoundingClientRect().top - a.offset;
    // Only when what the log shows changed: reading positions forces a layout of the whole page,
    // and the room list, presence and notifications re-render this component many times at sign-in.
  }, [tl, messages, start, end, highlight, focusId, showPending, pending, visible]);

  // Left, kept hidden: a while later (not in the switch's frame) the window shrinks to what a
  // fresh mount would show around the same place (scroll-memory.ts), so a hidden room holds a
  // screenful of messages, not up to MAX_NODES; the layout effect above restores the anchor once
  // it is shown again.
  useEffect(() => {
    if (visible) return;
    const t = setTimeout(
      () => setWin(initial(store.get().timelines[roomId]?.ids ?? [], recallScroll(roomId), initialNodes(innerHeight))),
      3000,
    );
    return () => clearTimeout(t);
  }, [visible, roomId]);

  useEffect(() => {
    if (!highlight) return;
    const t = setTimeout(() => setHighlight(null), 2500);
    return () => clearTimeout(t);
  }, [highlight]);

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (!el || !visible) return;
    const fromBottom = el.scrollHeight - el.scrollTop - el.clientHeight;
    const tlNow = store.get().timelines[roomId];
    const idsNow = tlNow?.ids ?? [];
    const cur = slice(idsNow, win);
    stuck.current = fromBottom < STICK && win.endId === null && !!tlNow?.atLatest;
    // Measured on every scroll, a fetch in flight or not: the user keeps scrolling while older
    // messages load, and the anchor must be where they are when the page arrives, not where they
    // were when it was asked for (that undid up to a screen of their scrolling: bench:ui drift).
    anchor.current = measure();
    rememberScroll(roomId, {
      anchorId: anchor.current?.id ?? null,
      offset: anchor.current?.offset ?? 0,
      startId: idsNow[cur.start] ?? null,
      endId: win.endId,
      stuck: stuck.current,
    });
    if (!tlNow) return;
    if (el.scrollTop < EDGE) {
      if (cur.start > 0) setWin(up(idsNow, win));
      // Fetch before the window reaches the oldest loaded message, so scrolling never waits.
      if (cur.start < PREFETCH && tlNow.hasOlder && !tlNow.loadingOlder && !busy.current) {
        busy.current = true;
        loadOlder(roomId)
          .then(() => {
            // Grow now if the user is still at the top and nothing was left to show (no scroll event may come).
            if (cur.start === 0 && (scroller.current?.scrollTop ?? EDGE) < EDGE)
              setWin((w) => up(store.get().timelines[roomId]?.ids ?? [], w));
          })
          .catch((err: Error) => setError(err.message))
          .finally(() => (busy.current = false));
      }
    } else if (fromBottom < EDGE) {
      if (cur.end < idsNow.length - 1) setWin(down(idsNow, win));
      else if (!tlNow.atLatest && !tlNow.loadingNewer && !busy.current) {
        busy.current = true;
        loadNewer(roomId)
          .then(() => setWin((w) => down(store.get().timelines[roomId]?.ids ?? [], w)))
          .catch((err: Error) => setError(err.message))
          .finally(() => (busy.current = false));
      }
    }
  }, [roomId, win, measure, visible]);

  // Content that does not fill the view cannot be scrolled, so no scroll would ever ask for more:
  // a page of a busy thread's replies holds few timeline messages, or none. Ask now, until it fills.
  useEffect(() => {
    const el = scroller.current;
    if (visible && el && tl && !tl.loadingOlder && !busy.current && el.scrollHeight <= el.clientHeight && (start > 0 || tl.hasOlder))
      onScroll();
  }, [tl, start, onScroll, visible]);

  // The newest message is on screen, the window has focus: the room is read.
  const room = useStore((s) => s.rooms[roomId]);
  useEffect(() => {
    if (!visible || !room || !stuck.current || !tl?.atLatest) return;
    const read = () => {
      if (document.visibilityState === 'visible' && document.hasFocus() && stuck.current) void markRead(roomId).catch(() => {});
    };
    const t = setTimeout(read, 400);
    addEventListener('focus', read);
    return () => {
      clearTimeout(t);
      removeEventListener('focus', read);
    };
  }, [room, roomId, tl?.atLatest, ids.length, visible]);

  const jumpToLatest = useCallback(async () => {
    if (!store.get().timelines[roomId]?.atLatest) await loadLatest(roomId);
    stuck.current = true;
    anchor.current = null;
    setWin(LATEST);
  }, [roomId]);

  const firstUnread = useMemo(
    () =>
      ids.find((id) => {
        const m = messages[id];
        return m && m.seq > lastReadSeq && m.sender.id !== meId;
      }),
    [ids, messages, lastReadSeq, meId],
  );

  // Receipts are shown on my newest message only (as Element and WhatsApp do), not on every one.
  const lastMine = useMemo(() => {
    for (let i = ids.length - 1; i >= 0; i--) {
      const m = messages[ids[i]!];
      if (m && m.sender.id === meId && !m.deleted_at) return m.id;
    }
    return null;
  }, [ids, messages, meId]);

  const onKeyDown = (e: React.KeyboardEvent) => {
    if (e.key !== 'ArrowUp' && e.key !== 'ArrowDown') return;
    const nodes = [...(scroller.current?.querySelectorAll<HTMLElement>('article[data-mid]') ?? [])];
    const i = nodes.indexOf(document.activeElement as HTMLElement);
    const next = nodes[i < 0 ? nodes.length - 1 : e.key === 'ArrowUp' ? i - 1 : i + 1];
    if (next) {
      e.preventDefault();
      next.focus();
    }
  };

  const notAtLatest = !!tl && (!tl.atLatest || win.endId !== null);

  return (
    <div className="timeline-wrap">
      <div ref={scroller} className="timeline" role="log" aria-label={label} tabIndex={0} onScroll={onScroll} onKeyDown={onKeyDown}>
        <div className="timeline-top">
          {tl?.loadingOlder && start === 0 ? (
            <p className="muted">Loading older messages…</p>
          ) : tl && !tl.hasOlder && start === 0 ? (
            <p className="muted">This is the beginning of {label}.</p>
          ) : null}
        </div>
        {!tl && !error && <p className="muted center">Loading messages…</p>}
        {error && (
          <p className="error center" role="alert">
            {error}
          </p>
        )}
        {shown.map((id, i) => {
          const m = messages[id];
          if (!m) return null;
          const prev = i + start > 0 ? messages[ids[i + start - 1]!] : undefined;
          const newDay = !prev || dayKey(prev.created_at) !== dayKey(m.created_at);
          const grouped =
            !newDay &&
            !!prev &&
            prev.sender.id === m.sender.id &&
            !prev.deleted_at &&
            m.type !== 'system' &&
            prev.type !== 'system' &&
            Date.parse(m.created_at) - Date.parse(prev.created_at) < GROUP_MS &&
            id !== firstUnread;
          return (
            <Fragment key={id}>
              {newDay && <DaySeparator iso={m.created_at} />}
              {id === firstUnread && (
                <div className="new-line" role="separator" aria-label="New messages">
                  <span>New messages</span>
                </div>
              )}
              <MessageItem message={m} grouped={grouped} highlighted={highlight === id} receipt={id === lastMine} />
            </Fragment>
          );
        })}
        {showPending && pending.map((p: PendingMessage) => <PendingItem key={p.client_id} pending={p} />)}
        {tl?.loadingNewer && <p className="muted center">Loading newer messages…</p>}
      </div>
      {notAtLatest && (
        <button type="button" className="jump-latest" onClick={() => void jumpToLatest()}>
          Jump to latest ↓
        </button>
      )}
    </div>
  );
}

function DaySeparator({ iso }: { iso: string }) {
  return (
    <div className="day-separator" role="separator" aria-label={formatDay(iso)}>
      <span>{formatDay(iso)}</span>
    </div>
  );
}

export type { Message };
