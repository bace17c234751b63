import { useEffect, useMemo, useRef, useState } from 'react';
import {
  type EmojiEntry,
  GROUPS,
  loadEmoji,
  recentEmoji,
  searchEmoji,
  setSkinTone,
  skinTone,
  useEmoji,
  withSkin,
} from '../../lib/emoji-data.ts';

const TONES = ['✋', '✋🏻', '✋🏼', '✋🏽', '✋🏾', '✋🏿'];

/** Search, categories, skin tones and recently used; Esc closes it, arrow keys move in the grid. */
export default function EmojiPicker({ onPick, onClose }: { onPick: (emoji: string) => void; onClose: () => void }) {
  const [all, setAll] = useState<EmojiEntry[] | null>(null);
  const [q, setQ] = useState('');
  const [group, setGroup] = useState<number | 'recent'>(recentEmoji().length ? 'recent' : 0);
  const [tone, setTone] = useState(skinTone());
  const root = useRef<HTMLDivElement>(null);

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
    if (group === 'recent')
      return recentEmoji().map(
        (u) =>
          all.find((e) => e.unicode === u || e.skins?.includes(u)) ?? {
            unicode: u,
            label: u,
            group: 0,
            tags: [],
            shortcodes: [],
            skins: null,
          },
      );
    return all.filter((e) => e.group === group);
  }, [all, q, group]);

  const pick = (e: EmojiEntry) => {
    const u = withSkin(e, tone);
    useEmoji(u);
    onPick(u);
  };

  const onGridKey = (ev: React.KeyboardEvent) => {
    const buttons = [...(root.current?.querySelectorAll<HTMLButtonElement>('.emoji-grid button') ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const step = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: 8, ArrowUp: -8 }[ev.key];
    if (step === undefined || i < 0) return;
    ev.preventDefault();
    buttons[Math.min(buttons.length - 1, Math.max(0, i + step))]?.focus();
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
        className="emoji-grid"
        role="listbox"
        aria-label={q ? 'Search results' : group === 'recent' ? 'Recently used' : GROUPS[group as number]}
        onKeyDown={onGridKey}
      >
        {!all && <p className="muted">Loading…</p>}
        {all && list.length === 0 && <p className="muted">{q ? 'No emoji found.' : 'Nothing used yet.'}</p>}
        {list.map((e) => (
          <button
            key={e.unicode}
            type="button"
            role="option"
            aria-selected={false}
            title={`${e.label}${e.shortcodes[0] ? ` :${e.shortcodes[0]}:` : ''}`}
            aria-label={e.label}
            onClick={() => pick(e)}
          >
            {withSkin(e, tone)}
          </button>
        ))}
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
