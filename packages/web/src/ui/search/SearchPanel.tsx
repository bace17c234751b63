import { useEffect, useId } from 'react';
import { highlightExcerpt, type SearchHit } from '@rooms/client';
import { formatFull } from '../../lib/format.ts';
import { navigate, parse, roomPath, usePath } from '../../lib/router.ts';
import { getLive } from '../../lib/sdk.ts';
import { clearSearch, loadMoreResults, runSearch, searchMessageChanged, type SearchSort, useSearch } from '../../state/search.ts';
import { roomName } from '../../state/selectors.ts';
import { useStore } from '../../state/store.ts';
import type { Message } from '../../state/types.ts';
import { ui } from '../../state/ui.ts';
import { formatShort } from '../admin/time.ts';
import { SearchBox } from './SearchBox.tsx';
import { filtersOf, OPERATORS, SYNTAX_HINTS, withoutFilter } from './operators.ts';

/** How much of a long message a hit shows, around its first match. */
const HIT_CHARS = 280;
const CONTEXT_CHARS = 120;

/**
 * Message search (Ctrl/Cmd+F, or 🔍 in a room's header): the box with its completions, this room
 * or every room, best match or newest first, then the hits with the matches marked and a message
 * of context each side. A hit opens its message in its room (the deep link scrolls to it and
 * highlights it).
 */
export default function SearchPanel() {
  const s = useSearch((x) => x);
  const route = parse(usePath());
  const currentRoom = route.name === 'room' ? route.roomId : null;
  const scopeRoomId = s.roomId ?? currentRoom;
  const scopeName = useStore((st) => {
    const r = scopeRoomId ? st.rooms[scopeRoomId] : undefined;
    return r ? roomName(st, r) : null;
  });
  const errorId = useId();

  useEffect(() => {
    // The first time, this code loads after the panel focused its heading: typing goes to the box.
    document.querySelector<HTMLInputElement>('.search-input')?.focus();
    return getLive()?.on('event', (e) => {
      if (e.type === 'message_updated') searchMessageChanged({ kind: 'updated', message: e.data.message });
      else if (e.type === 'message_deleted') searchMessageChanged({ kind: 'deleted', id: e.data.message_id });
    });
  }, []);

  const again = (opts: { roomId?: string | null; sort?: SearchSort }) => void runSearch(s.draft, opts);
  const invalid = s.error?.code === 'invalid_query';

  return (
    <div className="search-panel">
      <form
        role="search"
        aria-label="Search messages"
        className="search-form"
        onSubmit={(e) => {
          e.preventDefault();
          void runSearch(s.draft);
        }}
      >
        <div className="search-field">
          <SearchBox value={s.draft} invalid={invalid} describedBy={s.error ? errorId : undefined} onSubmit={(q) => void runSearch(q)} />
          <button type="submit" className="primary search-submit">
            Search
          </button>
        </div>
        <div className="search-options">
          {scopeRoomId && scopeName && (
            <label className={`chip ${s.roomId ? 'on' : ''}`}>
              <input
                type="checkbox"
                checked={s.roomId !== null}
                onChange={(e) => again({ roomId: e.target.checked ? scopeRoomId : null })}
              />
              <span className="ellipsis">Only in {scopeName}</span>
            </label>
          )}
          <div className="search-sort" role="group" aria-label="Order of results">
            {(['relevance', 'recent'] as const).map((sort) => (
              <button
                key={sort}
                type="button"
                className={`small ${s.sort === sort ? 'on' : ''}`}
                aria-pressed={s.sort === sort}
                onClick={() => s.sort !== sort && again({ sort })}
              >
                {sort === 'relevance' ? 'Best match' : 'Newest'}
              </button>
            ))}
          </div>
        </div>
        <FilterChips query={s.ran?.q ?? ''} />
      </form>
      {s.error && (
        <p id={errorId} className="error pad search-error" role="alert">
          {invalid ? `That search could not be read: ${s.error.message}` : s.error.message}
        </p>
      )}
      <p className="muted pad search-count" role="status">
        {s.loading ? 'Searching…' : s.ran && !s.error ? countText(s.total, s.totalExact) : ''}
      </p>
      {s.items.length > 0 && (
        <ul className="search-results" role="list" aria-label="Search results" aria-busy={s.loading}>
          {s.items.map((hit) => (
            <li key={hit.message.id}>
              <Hit hit={hit} />
            </li>
          ))}
        </ul>
      )}
      {s.nextCursor && !s.loading && (
        <button type="button" className="secondary search-more" disabled={s.loadingMore} onClick={() => void loadMoreResults()}>
          {s.loadingMore ? 'Loading…' : 'Load more results'}
        </button>
      )}
      {!s.ran && !s.loading && <Hints />}
      {s.ran && (
        <button type="button" className="link-button search-clear" onClick={() => clearSearch()}>
          Clear the search
        </button>
      )}
    </div>
  );
}

/** "1 result", "23 results", "about 10,000 results", "No messages match". */
function countText(total: number, exact: boolean): string {
  if (total === 0) return 'No messages match.';
  return `${exact ? '' : 'About '}${total.toLocaleString()} ${total === 1 && exact ? 'result' : 'results'}`;
}

/** The filters of the search that ran, each a chip whose ✕ searches again without it. */
function FilterChips({ query }: { query: string }) {
  const filters = filtersOf(query);
  if (filters.length === 0) return null;
  return (
    <ul className="search-filters" aria-label="Filters">
      {filters.map((f) => (
        <li key={`${f.start}-${f.text}`} className="chip on">
          <span className="ellipsis">{f.text}</span>
          <button
            type="button"
            className="chip-remove"
            aria-label={`Remove the filter ${f.text}`}
            onClick={() => void runSearch(withoutFilter(query, f))}
          >
            <span aria-hidden="true">✕</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

function Hints() {
  return (
    <div className="pad search-hints">
      <p className="small-text muted">Words find messages with all of them, parts of words too. Narrow it down with:</p>
      <dl className="search-hint-list">
        {[...OPERATORS.map((o) => ({ label: o.label, hint: o.hint })), ...SYNTAX_HINTS].map((h) => (
          <div key={h.label}>
            <dt>
              <code>{h.label}</code>
            </dt>
            <dd className="muted">{h.hint}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

/** Segments as text nodes, the matches in <mark>: no HTML is ever built from a message. */
function Highlighted({ content, matches, max }: { content: string; matches: SearchHit['matches']; max: number }) {
  return <>{highlightExcerpt(content, matches, max).map((seg, i) => (seg.match ? <mark key={i}>{seg.text}</mark> : seg.text))}</>;
}

function Hit({ hit }: { hit: SearchHit }) {
  const m = hit.message;
  const sender = useStore((s) => s.users[m.sender.id]) ?? m.sender;
  const room = useStore((s) => s.rooms[hit.room.id]);
  const where = useStore((s) => (room ? roomName(s, room) : hit.room.name));
  // A reply lives in its thread, not in the room's timeline: its link is the thread's first
  // message, and a click opens the thread beside it.
  const href = roomPath(hit.room.id, m.parent_id ?? m.id);
  const open = (e: React.MouseEvent) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    // On a phone the panel covers the room: close it to show the message (the results stay).
    if (m.parent_id) ui.set({ panel: { kind: 'thread', messageId: m.parent_id } });
    else if (matchMedia('(max-width: 720px)').matches) ui.set({ panel: null });
    navigate(href);
  };
  return (
    <article className="search-hit" aria-label={`${sender.display_name} in ${where}, ${formatShort(m.created_at)}`}>
      <div className="search-hit-head muted">
        <span className="search-hit-room ellipsis">
          {hit.room.type === 'direct' ? '' : hit.room.type === 'private' ? '🔒 ' : '# '}
          {where}
        </span>
        {m.parent_id && <span className="tag">reply</span>}
        <time dateTime={m.created_at} title={formatFull(m.created_at)}>
          {formatShort(m.created_at)}
        </time>
      </div>
      {hit.context.before && <Context m={hit.context.before} which="before" />}
      <a className="search-hit-main" href={href} onClick={open}>
        <span className="search-hit-sender">{sender.display_name}</span>
        <span className="search-hit-text">
          {m.content ? (
            <Highlighted content={m.content} matches={hit.matches} max={HIT_CHARS} />
          ) : (
            <span className="muted">{fileCount(m)}</span>
          )}
        </span>
      </a>
      {hit.context.after && <Context m={hit.context.after} which="after" />}
    </article>
  );
}

const fileCount = (m: Message) => `${m.attachments.length} ${m.attachments.length === 1 ? 'file' : 'files'}`;

/** A message next to a hit, quieter than the hit. */
function Context({ m, which }: { m: Message; which: 'before' | 'after' }) {
  const sender = useStore((s) => s.users[m.sender.id]) ?? m.sender;
  return (
    <p className={`search-context search-context-${which}`}>
      <span className="sr-only">{which === 'before' ? 'Before: ' : 'After: '}</span>
      <span className="search-context-sender">{sender.display_name}</span>{' '}
      {m.deleted_at ? <i>deleted</i> : m.content ? <Highlighted content={m.content} matches={[]} max={CONTEXT_CHARS} /> : fileCount(m)}
    </p>
  );
}
