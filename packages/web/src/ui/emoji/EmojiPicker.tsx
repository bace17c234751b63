import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import {
  type EmojiEntry,
  GROUPS,
  bareEmoji,
  loadEmoji,
  recentEmoji,
  rgi,
  searchEmoji,
  setSkinTone,
  skinTone,
  useEmoji,
  withSkin,
} from '../../lib/emoji-data.ts';

const TONES = ['✋', '✋🏻', '✋🏼', '✋🏽', '✋🏾', '✋🏿'];
/** Emoji per row of the grid (styles.css: .emoji-grid). */
const COLS = 8;
/** Rows rendered above and below the ones in view: an arrow key's step always lands on a rendered one. */
const OVERSCAN = 2;

/** Search, categories, skin tones and recently used; Esc closes it, arrow keys move in the grid. */
export default function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [all, setAll] = useState<EmojiEntry[] | null>(null);
  const [q, setQ] = useState('');
  const [group, setGroup] = useState<number | 'recent'>(recentEmoji().length ? 'recent' : 0);
  const [tone, setTone] = useState(skinTone());
  const root = useRef<HTMLDivElement>(null);
  // The grid is virtualised: only the rows in view (and OVERSCAN more each side) are in the DOM,
  // the rest stand as padding, so a category of 388 emoji lays out and draws about 70
  // (drawing every one was most of the first open's cost under a 4× CPU throttle). Row height and
  // view height come from the CSS (grid-auto-rows, max-height) once, when the picker opens.
  const grid = useRef<HTMLDivElement>(null);
  const rows = useRef<HTMLDivElement>(null);
  const [firstRow, setFirstRow] = useState(0);
  const [box, setBox] = useState({ rowPx: 36, rows: 7 });
  const pendingFocus = useRef<number | null>(null);
  const scrolled = useRef(0);

  useLayoutEffect(() => {
    if (!grid.current || !rows.current) return;
    const rowPx = parseFloat(getComputedStyle(rows.current).gridAutoRows) || 36;
    setBox({ rowPx, rows: Math.ceil((parseFloat(getComputedStyle(grid.current).maxHeight) || 220) / rowPx) });
  }, []);

  useEffect(() => {
    void loadEmoji().then(setAll);
  }, []);

  useEffect(() => {
    const away = (e: MouseEvent) => !root.current?.contains(e.target as Node) && onClose();
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [onClose]);

  const list = useMemo(() => {
    if (!all) return [];
    if (q.trim()) return searchEmoji(all, q.trim(), 120);
    if (group === 'recent') {
      // Recents are kept as picked (rgi, a skin tone) or as the composer inserted them.
      const byBare = new Map<string, EmojiEntry>();
      for (const e of all) for (const u of [e.unicode, ...(e.skins ?? [])]) byBare.set(bareEmoji(u), e);
      return recentEmoji().map(
        (u) =>
          byBare.get(bareEmoji(u)) ?? {
            unicode: u,
            label: u,
            group: 0,
            tags: [],
            shortcodes: [],
            skins: null,
          },
      );
    }
    return all.filter((e) => e.group === group);
  }, [all, q, group]);

  // Another category or search: back to its top.
  useLayoutEffect(() => {
    // Written only when it moved: writing scrollTop lays the page out before its time.
    if (grid.current && scrolled.current > 0) grid.current.scrollTop = scrolled.current = 0;
    setFirstRow(0);
  }, [list]);

  const totalRows = Math.ceil(list.length / COLS);
  const fromRow = Math.max(0, firstRow - OVERSCAN);
  const toRow = Math.min(totalRows, firstRow + box.rows + OVERSCAN);
  const shown = list.slice(fromRow * COLS, toRow * COLS);

  useLayoutEffect(() => {
    const i = pendingFocus.current;
    if (i === null) return;
    const b = grid.current?.querySelector<HTMLButtonElement>(`button[data-i="${i}"]`);
    if (b) {
      pendingFocus.current = null;
      b.focus();
    }
  });

  const pick = (e: EmojiEntry) => {
    const u = rgi(withSkin(e, tone));
    useEmoji(u);
    onPick(u);
  };

  const onGridKey = (ev: React.KeyboardEvent) => {
    const el = grid.current;
    const at = (document.activeElement as HTMLElement | null)?.dataset.i;
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLS, ArrowUp: -COLS }[ev.key];
    if (!el || step === undefined || at === undefined) return;
    ev.preventDefault();
    // Handled here: the timeline around a message's picker moves between messages on the same keys.
    ev.stopPropagation();
    const next = Math.min(list.length - 1, Math.max(0, Number(at) + step));
    const b = el.querySelector<HTMLButtonElement>(`button[data-i="${next}"]`);
    if (b) {
      b.focus(); // scrolls it into view; the scroll event moves the rendered rows along
      return;
    }
    // Not rendered (OVERSCAN keeps an arrow's step rendered, so only a jump lands here): scroll to
    // its row, and focus it once rendered.
    const row = Math.floor(next / COLS);
    el.scrollTop = scrolled.current = row * box.rowPx;
    pendingFocus.current = next;
    setFirstRow(row);
  };

  return (
    <div
      ref={root}
      className="emoji-picker"
      role="dialog"
      aria-label="Emoji picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape') {
          e.stopPropagation();
          onClose();
        }
      }}
    >
      <input
        className="emoji-search"
        type="search"
        placeholder="Search emoji"
        aria-label="Search emoji"
        value={q}
        onChange={(e) => setQ(e.target.value)}
        autoFocus
      />
      <div className="emoji-tabs" role="tablist" aria-label="Categories">
        <button
          type="button"
          role="tab"
          aria-selected={group === 'recent' && !q}
          onClick={() => (setGroup('recent'), setQ(''))}
          title="Recent"
        >
          🕘
        </button>
        {GROUPS.map((g, i) =>
          i === 2 ? null : (
            <button
              key={g}
              type="button"
              role="tab"
              aria-selected={group === i && !q}
              title={g}
              aria-label={g}
              onClick={() => (setGroup(i), setQ(''))}
            >
              {['😀', '👋', '', '🐻', '🍔', '✈️', '⚽', '💡', '🔣', '🏳️'][i]}
            </button>
          ),
        )}
      </div>
      <div
        ref={grid}
        className="emoji-grid"
        role="listbox"
        aria-label={q ? 'Search results' : group === 'recent' ? 'Recently used' : GROUPS[group as number]}
        onKeyDown={onGridKey}
        onScroll={(e) => {
          scrolled.current = e.currentTarget.scrollTop;
          const row = Math.floor(scrolled.current / box.rowPx);
          if (row !== firstRow) setFirstRow(row);
        }}
      >
        {!all && <p className="muted">Loading…</p>}
        {all && list.length === 0 && <p className="muted">{q ? 'No emoji found.' : 'Nothing used yet.'}</p>}
        {/* As tall as every row; the rows above the rendered ones stand as its padding. */}
        <div ref={rows} className="emoji-rows" style={{ height: totalRows * box.rowPx, paddingTop: fromRow * box.rowPx }}>
          {shown.map((e, k) => (
            <button
              key={e.unicode}
              type="button"
              role="option"
              aria-selected={false}
              aria-setsize={list.length}
              aria-posinset={fromRow * COLS + k + 1}
              data-i={fromRow * COLS + k}
              title={`${e.label}${e.shortcodes[0] ? ` :${e.shortcodes[0]}:` : ''}`}
              aria-label={e.label}
              onClick={() => pick(e)}
            >
              {withSkin(e, tone)}
            </button>
          ))}
        </div>
      </div>
      <div className="emoji-tones" role="radiogroup" aria-label="Skin tone">
        {TONES.map((t, i) => (
          <button
            key={t}
            type="button"
            role="radio"
            aria-checked={tone === i}
            aria-label={i === 0 ? 'Default skin tone' : `Skin tone ${i}`}
            onClick={() => {
              setTone(i);
              setSkinTone(i);
            }}
          >
            {t}
          </button>
        ))}
      </div>
    </div>
  );
}
