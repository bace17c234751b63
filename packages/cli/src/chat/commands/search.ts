import { isRoomsApiError, type SearchPage } from '@rooms/client';
import { hitLines, marksFor, oneLine, resultCount } from '../search-format.ts';
import type { ChatSession } from '../session.ts';
import { type Command, UsageError } from './types.ts';

/** Hits per page on a terminal: a screenful with their context lines. */
export const SEARCH_PAGE_SIZE = 10;

interface LastSearch {
  query: string;
  sort: 'relevance' | 'recent';
  cursor: string | null;
  shown: number;
}

/** Each session's last search, so `search` alone can show its next page. */
const last = new WeakMap<ChatSession, LastSearch>();

/** "[general]" or "(dm bob)" for a hit's room, named as the session names it. */
async function roomLabel(s: ChatSession, room: SearchPage['items'][number]['room']): Promise<string> {
  const ref = await s.roomRef(room.id);
  if (room.type === 'direct') return `(dm ${oneLine(ref?.name ?? room.name)})`;
  return `[${oneLine(ref?.name ?? room.name)}]`;
}

async function showPage(s: ChatSession, search: LastSearch): Promise<void> {
  let page: SearchPage;
  try {
    page = await s.client.search(search.query, {
      limit: SEARCH_PAGE_SIZE,
      sort: search.sort,
      ...(search.cursor ? { cursor: search.cursor } : {}),
    });
  } catch (err) {
    // The server names what it could not read (an unknown operator, a bad date) or why it gave up
    // (a query too broad for its time budget): said as it is.
    if (isRoomsApiError(err) && (err.code === 'invalid_query' || err.code === 'query_too_broad'))
      return s.print(`Cannot search for that: ${err.message}`);
    throw err;
  }
  const marks = marksFor(s.term.tty);
  const first = search.shown + 1;
  search.shown += page.items.length;
  search.cursor = page.next_cursor;
  last.set(s, search);
  const quoted = `"${oneLine(search.query)}"`;
  if (page.items.length === 0) return s.print(first === 1 ? `No results for ${quoted}.` : `No more results for ${quoted}.`);
  const heading =
    first === 1
      ? `${resultCount(page.total, page.total_exact)} for ${quoted}${search.sort === 'recent' ? ', newest first' : ''}:`
      : `Results ${first}–${search.shown} for ${quoted}:`;
  const lines = [heading];
  for (const [i, hit] of page.items.entries()) {
    // A blank line between hits: each is read with the context around it.
    if (i > 0) lines.push('');
    lines.push(...hitLines(hit, await roomLabel(s, hit.room), marks));
  }
  if (page.next_cursor)
    lines.push(
      `Showing ${search.shown} of ${page.total_exact ? '' : 'about '}${Math.max(page.total, search.shown)}: type search for the next ${SEARCH_PAGE_SIZE}.`,
    );
  else if (first > 1) lines.push('That is all.');
  s.print(lines.join('\n'));
}

export const search: Command = {
  name: 'search',
  usage:
    'search [--recent] QUERY   (words, "a phrase", -word, from:USER, in:ROOM, before:/after:/during:DATE, has:link|image|file; search alone: the next page)',
  summary: 'find messages in your rooms, the matches marked',
  async run(s, args) {
    const typed = args.trim();
    if (typed === '') {
      const previous = last.get(s);
      if (!previous) throw new UsageError(args);
      if (!previous.cursor) return s.print(`No more results for "${oneLine(previous.query)}".`);
      return showPage(s, previous);
    }
    const recent = /^--recent(\s+|$)/.exec(typed);
    const query = recent ? typed.slice(recent[0].length) : typed;
    if (query === '') throw new UsageError(args);
    await showPage(s, { query, sort: recent ? 'recent' : 'relevance', cursor: null, shown: 0 });
  },
};
