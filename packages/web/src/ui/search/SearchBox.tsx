import { useEffect, useId, useMemo, useRef, useState } from 'react';
import type { SEARCH_QUERY_MAX } from '@rooms/protocol';
import { searchPeople } from '../../state/people-actions.ts';
import { setSearchDraft } from '../../state/search.ts';
import { roomName } from '../../state/selectors.ts';
import { useStore } from '../../state/store.ts';
import type { User } from '../../state/types.ts';
import { useCaretAfterRender } from '../../lib/use-caret.ts';
import { applyCompletion, type Completion, completions, tokenAt } from './operators.ts';

const DEBOUNCE_MS = 200;
/**
 * The protocol's bound on a query, checked against it by the type: importing the value would bundle
 * the search schemas, and with them zod, into this chunk.
 */
const QUERY_MAX: typeof SEARCH_QUERY_MAX = 1000;

/**
 * The search box: a combobox whose list completes the word at the caret — operators as hints,
 * people after from:, rooms after in:, values after has:, is:, mentions: and the dates. Arrows move,
 * Enter or Tab takes a completion, Enter alone searches, Esc closes the list.
 */
export function SearchBox({
  value,
  invalid,
  describedBy,
  onSubmit,
}: {
  value: string;
  invalid: boolean;
  describedBy: string | undefined;
  onSubmit: (q: string) => void;
}) {
  const [caret, setCaret] = useState(value.length);
  const [focused, setFocused] = useState(false);
  const [dismissed, setDismissed] = useState(false);
  const [active, setActive] = useState(-1);
  const input = useRef<HTMLInputElement>(null);
  const id = useId();
  const placeCaret = useCaretAfterRender(input);
  const rooms = useStore((s) => s.rooms);
  const users = useStore((s) => s.users);
  const meId = useStore((s) => s.me?.id);

  const token = tokenAt(value, caret);
  const fromPrefix = /^from:/i.test(token.text) ? token.text.slice(5) : null;
  const found = usePeopleLookup(fromPrefix);

  const options = useMemo<Completion[]>(() => {
    const known = Object.values(users).filter((u) => u.id !== meId);
    const people = [...found, ...known.filter((u) => !found.some((f) => f.id === u.id))];
    const roomList = Object.values(rooms).map((r) => ({ id: r.id, name: roomName({ users }, r), direct: r.type === 'direct' }));
    return completions(token.text, { rooms: roomList, people, today: new Date() });
  }, [token.text, rooms, users, meId, found]);

  // A value being typed after an operator: the first completion is taken by Enter. Anything else
  // (the hints of an empty word, the start of a word that may be an operator): Enter searches.
  const valueTyped = token.text.includes(':');
  useEffect(() => setActive(valueTyped ? 0 : -1), [token.text, valueTyped]);

  // An empty word lists nothing: the panel shows the operators below the box until a search runs.
  const open = focused && !dismissed && token.text !== '' && options.length > 0;
  const current = open && active < options.length ? active : -1;

  function take(c: Completion) {
    const next = applyCompletion(value, token, c);
    setSearchDraft(next.text);
    setCaret(next.caret);
    setActive(-1);
    placeCaret(next.text, next.caret);
  }

  function onKeyDown(e: React.KeyboardEvent<HTMLInputElement>) {
    if (open && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
      e.preventDefault();
      const n = options.length;
      setActive(e.key === 'ArrowDown' ? (current + 1) % n : current <= 0 ? n - 1 : current - 1);
    } else if (open && e.key === 'Escape') {
      // Closes the list only; a second Esc closes the panel.
      e.preventDefault();
      setDismissed(true);
    } else if (open && current >= 0 && (e.key === 'Tab' || e.key === 'Enter') && options[current]!.insert !== token.text) {
      e.preventDefault();
      take(options[current]!);
    } else if (e.key === 'Enter') {
      e.preventDefault();
      setDismissed(true);
      onSubmit(value);
    }
  }

  const optionId = (i: number) => `${id}-opt-${i}`;
  return (
    <div className="search-box">
      <label htmlFor={`${id}-input`} className="sr-only">
        Search messages
      </label>
      <input
        ref={input}
        id={`${id}-input`}
        className="search-input"
        data-autofocus
        type="search"
        role="combobox"
        aria-expanded={open}
        aria-controls={`${id}-list`}
        aria-autocomplete="list"
        aria-activedescendant={current >= 0 ? optionId(current) : undefined}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        placeholder="Search messages, or from: in: has: …"
        autoComplete="off"
        spellCheck={false}
        enterKeyHint="search"
        maxLength={QUERY_MAX}
        value={value}
        onChange={(e) => {
          setSearchDraft(e.target.value);
          setCaret(e.target.selectionStart ?? e.target.value.length);
          setDismissed(false);
        }}
        onSelect={(e) => setCaret(e.currentTarget.selectionStart ?? value.length)}
        onFocus={() => setFocused(true)}
        onBlur={() => setFocused(false)}
        onKeyDown={onKeyDown}
      />
      <ul id={`${id}-list`} className="search-suggestions" role="listbox" aria-label="Suggestions" hidden={!open}>
        {open &&
          options.map((o, i) => (
            <li
              key={o.key}
              id={optionId(i)}
              role="option"
              aria-selected={i === current}
              className={`search-suggestion ${i === current ? 'active' : ''}`}
              // The box keeps the focus (and the caret) when an option is clicked.
              onMouseDown={(e) => e.preventDefault()}
              onMouseMove={() => i !== current && setActive(i)}
              onClick={() => take(o)}
            >
              <span className="search-suggestion-label">{o.label}</span>
              <span className="muted search-suggestion-detail">{o.detail}</span>
            </li>
          ))}
      </ul>
    </div>
  );
}

/** People whose name starts with what follows from:, asked for once typing pauses; late answers are dropped. */
function usePeopleLookup(prefix: string | null): User[] {
  const [result, setResult] = useState<{ q: string; items: User[] }>({ q: '', items: [] });
  const q = prefix?.trim().toLowerCase() ?? '';
  useEffect(() => {
    if (!q || !/^[a-z0-9_]+$/.test(q)) return;
    let stale = false;
    const t = setTimeout(() => {
      searchPeople(q).then(
        (items) => !stale && setResult({ q, items }),
        () => !stale && setResult({ q, items: [] }),
      );
    }, DEBOUNCE_MS);
    return () => {
      stale = true;
      clearTimeout(t);
    };
  }, [q]);
  return q && result.q && q.startsWith(result.q) ? result.items : [];
}
