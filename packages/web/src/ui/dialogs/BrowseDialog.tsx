import { DEFAULT_ROOM_CATEGORIES } from '@rooms/protocol';
import { useEffect, useId, useRef, useState } from 'react';
import { navigate, roomPath } from '../../lib/router.ts';
import { client } from '../../lib/sdk.ts';
import { errorText, joinRoom } from '../../state/actions.ts';
import type { RoomPreview } from '../../state/admin-actions.ts';
import { useStore } from '../../state/store.ts';
import { ui } from '../../state/ui.ts';
import { TOPIC_LABEL } from '../admin/RoomFields.tsx';
import { useAction } from '../admin/useAction.ts';

const PAGE = 20;

interface Filter {
  q: string;
  category: string;
  featuredOnly: boolean;
}

/**
 * Where the next page comes from. Discovery is sorted by name, so "featured first" reads the
 * featured rooms to their end and then the others: two streams, one after the other.
 */
type Cursor = { featured: boolean; cursor: string | undefined } | null;

interface Results {
  items: RoomPreview[];
  next: Cursor;
  loading: boolean;
  error: string | null;
}

async function fetchPage(f: Filter, from: NonNullable<Cursor>, want: number): Promise<{ items: RoomPreview[]; next: Cursor }> {
  const items: RoomPreview[] = [];
  let at: Cursor = from;
  // Fill the page: when the featured stream ends part-way, the rest of the page comes from the others.
  while (at && items.length < want) {
    const page = await client.rooms.discover({
      ...(f.q.trim() ? { q: f.q.trim() } : {}),
      ...(f.category ? { category: f.category } : {}),
      featured: at.featured ? 'true' : 'false',
      limit: want - items.length,
      ...(at.cursor ? { cursor: at.cursor } : {}),
    });
    items.push(...page.items);
    at = page.next_cursor
      ? { featured: at.featured, cursor: page.next_cursor }
      : at.featured && !f.featuredOnly
        ? { featured: false, cursor: undefined }
        : null;
  }
  return { items, next: at };
}

/** Public rooms by name and category, featured first; join one (or open it, when already in). */
export default function BrowseDialog() {
  const id = useId();
  const [filter, setFilter] = useState<Filter>({ q: '', category: '', featuredOnly: false });
  const [debounced, setDebounced] = useState(filter);
  const [results, setResults] = useState<Results>({ items: [], next: null, loading: true, error: null });
  // Answers to an older search must not overwrite a newer one.
  const generation = useRef(0);

  useEffect(() => {
    const t = setTimeout(() => setDebounced(filter), filter.q === debounced.q ? 0 : 250);
    return () => clearTimeout(t);
  }, [filter, debounced.q]);

  useEffect(() => {
    const gen = ++generation.current;
    setResults((r) => ({ ...r, loading: true, error: null }));
    fetchPage(debounced, { featured: true, cursor: undefined }, PAGE).then(
      (page) => gen === generation.current && setResults({ items: page.items, next: page.next, loading: false, error: null }),
      (err) => gen === generation.current && setResults({ items: [], next: null, loading: false, error: errorText(err) }),
    );
  }, [debounced]);

  function loadMore() {
    const from = results.next;
    if (!from || results.loading) return;
    const gen = generation.current;
    setResults((r) => ({ ...r, loading: true, error: null }));
    fetchPage(debounced, from, PAGE).then(
      (page) =>
        gen === generation.current &&
        setResults((r) => ({
          items: [...r.items, ...page.items.filter((x) => !r.items.some((y) => y.id === x.id))],
          next: page.next,
          loading: false,
          error: null,
        })),
      (err) => gen === generation.current && setResults((r) => ({ ...r, loading: false, error: errorText(err) })),
    );
  }

  const searching = debounced.q.trim() !== '' || debounced.category !== '' || debounced.featuredOnly;
  return (
    <div className="browse">
      <form className="browse-filters" role="search" onSubmit={(e) => e.preventDefault()}>
        <label className="grow">
          <span className="sr-only">Search rooms by name</span>
          <input
            type="search"
            placeholder="Search rooms by name"
            value={filter.q}
            onChange={(e) => setFilter({ ...filter, q: e.target.value })}
            autoFocus
          />
        </label>
        <label>
          <span className="sr-only">Category</span>
          <select value={filter.category} onChange={(e) => setFilter({ ...filter, category: e.target.value })}>
            <option value="">All categories</option>
            {DEFAULT_ROOM_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
        <label className="checkbox-row">
          <input type="checkbox" checked={filter.featuredOnly} onChange={(e) => setFilter({ ...filter, featuredOnly: e.target.checked })} />
          Featured only
        </label>
      </form>
      <div aria-live="polite" className="sr-only" id={`${id}-status`}>
        {results.loading ? 'Loading rooms' : `${results.items.length}${results.next ? ' or more' : ''} rooms found`}
      </div>
      {results.error && (
        <p className="error" role="alert">
          {results.error}
        </p>
      )}
      {!results.loading && !results.error && results.items.length === 0 && (
        <div className="browse-empty">
          <p>{searching ? 'No public rooms match your search.' : 'There are no public rooms yet.'}</p>
          <button type="button" className="secondary" onClick={() => ui.set({ dialog: 'create-room' })}>
            Create a room
          </button>
        </div>
      )}
      <ul className="browse-list" aria-label="Public rooms" aria-busy={results.loading}>
        {results.items.map((r) => (
          <RoomCard key={r.id} room={r} />
        ))}
      </ul>
      {results.loading && <p className="muted center">Loading…</p>}
      {results.next && !results.loading && (
        <button type="button" className="secondary browse-more" onClick={loadMore}>
          Load more
        </button>
      )}
    </div>
  );
}

function RoomCard({ room: r }: { room: RoomPreview }) {
  const mine = useStore((s) => s.rooms[r.id] !== undefined);
  const { busy, error, run } = useAction();
  const full = r.member_limit !== null && r.member_count >= r.member_limit;
  const open = () => {
    ui.set({ dialog: null, drawerOpen: false });
    navigate(roomPath(r.id));
  };
  return (
    <li className="browse-card">
      <div className="browse-card-main">
        <div className="browse-card-title">
          <h3 className="ellipsis" title={r.name}>
            {r.name}
          </h3>
          {r.featured && <span className="tag tag-featured">Featured</span>}
          {r.archived && <span className="tag">Archived</span>}
        </div>
        {r.description && <p className="browse-desc">{r.description}</p>}
        <p className="browse-meta muted">
          <span>
            {r.member_count.toLocaleString()} {r.member_count === 1 ? 'member' : 'members'}
            {r.member_limit !== null && ` of ${r.member_limit.toLocaleString()}`}
          </span>
          {r.topic_kind !== 'text' && <span>{TOPIC_LABEL[r.topic_kind]}</span>}
          {r.categories.map((c) => (
            <span key={c} className="tag">
              {c}
            </span>
          ))}
        </p>
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
      </div>
      {mine ? (
        <button type="button" className="secondary" onClick={open} aria-label={`Open: ${r.name}`}>
          Open
        </button>
      ) : r.archived || full ? (
        // Nothing to press: an archived room takes nobody new, a full one has no place.
        <span className="browse-state muted small-text">{r.archived ? 'Read-only' : 'Full'}</span>
      ) : (
        <button
          type="button"
          className="primary"
          disabled={busy}
          aria-label={`${busy ? 'Joining' : 'Join'}: ${r.name}`}
          onClick={() => void run(() => joinRoom(r.id)).then((ok) => ok && open())}
        >
          {busy ? 'Joining…' : 'Join'}
        </button>
      )}
    </li>
  );
}
