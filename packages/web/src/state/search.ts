import { useSyncExternalStore } from 'react';
import { type EventMessage, isRoomsApiError, type SearchHit } from '@rooms/client';
import { client } from '../lib/sdk.ts';
import { store } from './store.ts';

/**
 * Message search: what the search panel shows. Its own small store (like people-actions), so the
 * shared State stays as it is; kept while the panel is closed (a phone closes it to show a hit), and
 * emptied when another account signs in.
 */

export type SearchSort = 'relevance' | 'recent';

export interface SearchState {
  /** The text in the search box (kept when the panel closes and opens again). */
  draft: string;
  /** Only this room ("search in this room"), or every room I can read. */
  roomId: string | null;
  sort: SearchSort;
  /** The search the results are for (null before the first). */
  ran: { q: string; roomId: string | null; sort: SearchSort } | null;
  loading: boolean;
  loadingMore: boolean;
  items: SearchHit[];
  nextCursor: string | null;
  total: number;
  totalExact: boolean;
  /** The server's refusal: `invalid_query` names the operator or date it could not read. */
  error: { code: string; message: string } | null;
}

const empty: SearchState = {
  draft: '',
  roomId: null,
  sort: 'relevance',
  ran: null,
  loading: false,
  loadingMore: false,
  items: [],
  nextCursor: null,
  total: 0,
  totalExact: true,
  error: null,
};
let state = empty;
const listeners = new Set<() => void>();

function set(fn: (s: SearchState) => SearchState): void {
  const next = fn(state);
  if (next === state) return;
  state = next;
  for (const l of listeners) l();
}

/** Bumped by each new search: answers to an older one arrive late and are dropped. */
let generation = 0;

// Another account (or none) signs in: nothing of the last one's searches may remain. This module
// loads with the panel, long after sign-in: the account signed in then is the owner.
let owner: string | undefined = store.get().me?.id;
store.subscribe(() => {
  const id = store.get().me?.id;
  if (id !== owner) {
    owner = id;
    generation++;
    set(() => empty);
  }
});

export const search = { get: () => state };

export function useSearch<T>(select: (s: SearchState) => T): T {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => select(state),
  );
}

const HITS_PER_PAGE = 20;

const errorOf = (err: unknown) =>
  isRoomsApiError(err)
    ? { code: err.code, message: err.message }
    : { code: 'unexpected', message: err instanceof Error ? err.message : String(err) };

export function setSearchDraft(draft: string): void {
  set((s) => (s.draft === draft ? s : { ...s, draft }));
}

/** Runs a search from its first page (the box's text, in the scope and order chosen). */
export async function runSearch(q: string, opts: { roomId?: string | null; sort?: SearchSort } = {}): Promise<void> {
  const query = q.trim();
  const roomId = opts.roomId === undefined ? state.roomId : opts.roomId;
  const sort = opts.sort ?? state.sort;
  const mine = ++generation;
  if (!query)
    return set((s) => ({
      ...s,
      draft: q,
      roomId,
      sort,
      ran: null,
      loading: false,
      loadingMore: false,
      items: [],
      nextCursor: null,
      total: 0,
      error: null,
    }));
  set((s) => ({ ...s, draft: q, roomId, sort, loading: true, loadingMore: false, error: null }));
  try {
    const page = await client.search(query, { roomId: roomId ?? undefined, sort, limit: HITS_PER_PAGE });
    if (mine !== generation) return;
    set((s) => ({
      ...s,
      loading: false,
      ran: { q: query, roomId, sort },
      items: page.items,
      nextCursor: page.next_cursor,
      total: page.total,
      totalExact: page.total_exact,
    }));
  } catch (err) {
    if (mine !== generation) return;
    set((s) => ({ ...s, loading: false, ran: { q: query, roomId, sort }, items: [], nextCursor: null, total: 0, error: errorOf(err) }));
  }
}

/** The next page of the current results (a hit already shown is not shown twice). */
export async function loadMoreResults(): Promise<void> {
  const { ran, nextCursor, loadingMore } = state;
  if (!ran || !nextCursor || loadingMore) return;
  const mine = generation;
  set((s) => ({ ...s, loadingMore: true }));
  try {
    const page = await client.search(ran.q, { roomId: ran.roomId ?? undefined, sort: ran.sort, limit: HITS_PER_PAGE, cursor: nextCursor });
    if (mine !== generation) return;
    set((s) => {
      const seen = new Set(s.items.map((h) => h.message.id));
      return {
        ...s,
        loadingMore: false,
        items: [...s.items, ...page.items.filter((h) => !seen.has(h.message.id))],
        nextCursor: page.next_cursor,
        total: page.total,
        totalExact: page.total_exact,
      };
    });
  } catch (err) {
    if (mine !== generation) return;
    set((s) => ({ ...s, loadingMore: false, error: errorOf(err) }));
  }
}

/** Empties the box and the results (the scope and order stay as chosen). */
export function clearSearch(): void {
  generation++;
  set((s) => ({ ...empty, roomId: s.roomId, sort: s.sort }));
}

type Shown = SearchHit['message'];

/** A message as an edit left it: its text and edit time (the rest of the hit's copy stays). */
const edited = (m: Shown, e: EventMessage): Shown => ({ ...m, content: e.content, edited_at: e.edited_at });
const deleted = (m: Shown): Shown => ({ ...m, content: '', deleted_at: m.deleted_at ?? new Date().toISOString() });

/**
 * Results follow what happens to their messages while they are shown: a hit deleted since leaves
 * the list, a hit edited since shows its new text without marks (the server's ranges were for the
 * old one), and a neighbour shown as context follows too.
 */
export function searchMessageChanged(change: { kind: 'updated'; message: EventMessage } | { kind: 'deleted'; id: string }): void {
  const id = change.kind === 'updated' ? change.message.id : change.id;
  set((s) => {
    if (!s.items.some((h) => h.message.id === id || h.context.before?.id === id || h.context.after?.id === id)) return s;
    const fix = (m: Shown | null): Shown | null => (m?.id !== id ? m : change.kind === 'updated' ? edited(m, change.message) : deleted(m));
    const items = s.items
      .filter((h) => !(change.kind === 'deleted' && h.message.id === id))
      .map((h) =>
        h.message.id === id && change.kind === 'updated'
          ? { ...h, message: edited(h.message, change.message), matches: [] }
          : { ...h, context: { before: fix(h.context.before), after: fix(h.context.after) } },
      );
    const gone = s.items.length - items.length;
    return { ...s, items, total: Math.max(0, s.total - gone) };
  });
}
