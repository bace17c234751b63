import { useRef, useState } from 'react';
import { client } from '../../lib/sdk.ts';
import { errorText, toggleReaction } from '../../state/actions.ts';
import { useStore } from '../../state/store.ts';
import type { Message } from '../../state/types.ts';
import { toast } from '../../state/ui.ts';

type Reactors = Awaited<ReturnType<typeof client.messages.reactors>>['items'];

const LONG_PRESS_MS = 450;

/** Grouped reactions: click toggles mine; hover (or a long press on touch) says who reacted. */
export function Reactions({ message: m, disabled }: { message: Message; disabled: boolean }) {
  const [who, setWho] = useState<{ emoji: string; list: Reactors } | null>(null);
  const meId = useStore((s) => s.me?.id);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const pressed = useRef(false);

  const show = (emoji: string) => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      client.messages.reactors(m.id).then(
        (r) => setWho({ emoji, list: r.items }),
        () => {},
      );
    }, 250);
  };
  const hide = () => {
    clearTimeout(timer.current);
    setWho(null);
  };

  const names = (emoji: string) => {
    const g = who?.list.find((x) => x.emoji === emoji);
    if (!g) return '';
    const shown = g.users.map((u) => (u.id === meId ? 'You' : u.display_name));
    const more = g.count - shown.length;
    return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''} reacted with ${emoji}`;
  };

  return (
    <div className="reactions" role="group" aria-label="Reactions">
      {m.reactions.map((r) => (
        <span key={r.emoji} className="reaction-wrap">
          <button
            type="button"
            className={`reaction ${r.me ? 'me' : ''}`}
            aria-pressed={r.me}
            aria-label={`${r.emoji} ${r.count}${r.me ? ', including you' : ''}`}
            aria-describedby={who?.emoji === r.emoji ? `who-${m.id}` : undefined}
            disabled={disabled}
            onPointerEnter={(e) => e.pointerType === 'mouse' && show(r.emoji)}
            onPointerLeave={hide}
            onFocus={() => show(r.emoji)}
            onBlur={hide}
            onTouchStart={() => {
              pressed.current = false;
              timer.current = setTimeout(() => {
                pressed.current = true;
                show(r.emoji);
              }, LONG_PRESS_MS);
            }}
            onTouchEnd={() => clearTimeout(timer.current)}
            onContextMenu={(e) => pressed.current && e.preventDefault()}
            onClick={() => {
              if (pressed.current) return void (pressed.current = false);
              toggleReaction(m.id, r.emoji).catch((err) => toast(errorText(err)));
            }}
          >
            <span className="reaction-emoji">{r.emoji}</span> {r.count}
          </button>
          {who?.emoji === r.emoji && (
            <span role="tooltip" id={`who-${m.id}`} className="tooltip">
              {names(r.emoji)}
            </span>
          )}
        </span>
      ))}
    </div>
  );
}
