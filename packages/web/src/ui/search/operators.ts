/**
 * The search box's hints and completions: which operator the word at the caret is, and what may
 * follow it (people for from:, rooms for in:, the values of has:, is:, mentions: and the date
 * operators). Pure, so it is tested without a browser; the box supplies rooms and people.
 */

export interface OperatorHint {
  /** What is put in the box: an operator ends in ':' so its value follows. */
  insert: string;
  label: string;
  hint: string;
}

export const OPERATORS: OperatorHint[] = [
  { insert: 'from:', label: 'from:person', hint: 'sent by someone (from:me for yours)' },
  { insert: 'in:', label: 'in:room', hint: 'in one room' },
  { insert: 'mentions:me', label: 'mentions:me', hint: 'messages that mention you' },
  { insert: 'has:', label: 'has:link', hint: 'with a link, image, file or attachment' },
  { insert: 'is:', label: 'is:pinned', hint: 'pinned, or a reply in a thread (is:thread)' },
  { insert: 'before:', label: 'before:YYYY-MM-DD', hint: 'sent before a day' },
  { insert: 'after:', label: 'after:YYYY-MM-DD', hint: 'sent after a day' },
  { insert: 'during:', label: 'during:YYYY-MM', hint: 'sent on a day or in a month' },
];

/** Not completions but worth knowing: shown with the operators when the box is empty. */
export const SYNTAX_HINTS: { label: string; hint: string }[] = [
  { label: '"exact phrase"', hint: 'these words in this order' },
  { label: '-word', hint: 'leave out messages with a word' },
];

const VALUES: Record<string, { value: string; hint: string }[]> = {
  'has:': [
    { value: 'link', hint: 'a link' },
    { value: 'image', hint: 'an image' },
    { value: 'file', hint: 'a file that is not an image' },
    { value: 'attachment', hint: 'any file' },
  ],
  'is:': [
    { value: 'pinned', hint: 'pinned in its room' },
    { value: 'thread', hint: 'a reply in a thread' },
  ],
  'mentions:': [{ value: 'me', hint: 'messages that mention you' }],
};

export interface Token {
  start: number;
  end: number;
  text: string;
}

/** The word the caret is in (or just after): from the last space before it to the next space. */
export function tokenAt(text: string, caret: number): Token {
  const at = Math.max(0, Math.min(caret, text.length));
  let start = at;
  while (start > 0 && !/\s/.test(text[start - 1]!)) start--;
  let end = at;
  while (end < text.length && !/\s/.test(text[end]!)) end++;
  return { start, end, text: text.slice(start, end) };
}

export interface Completion {
  key: string;
  kind: 'operator' | 'person' | 'room' | 'value';
  /** The token's new text. */
  insert: string;
  label: string;
  detail: string;
  /** A value is complete: a space follows it. An operator waits for its value. */
  done: boolean;
}

export interface CompletionSources {
  rooms: { id: string; name: string; direct: boolean }[];
  people: { id: string; username: string | null; display_name: string }[];
  today: Date;
}

const MAX = 8;
const pad = (n: number) => String(n).padStart(2, '0');
const day = (d: Date) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;

/** A room as in: takes it: its name when that is one word, else its id (a name with spaces would split the query). */
export const roomOperand = (room: { id: string; name: string }) => (/^[^\s"]+$/.test(room.name) ? room.name : room.id);

/**
 * What the word at the caret may become. An empty word: the operators (hints). A word that starts
 * an operator's name: those operators. An operator with part of its value: the values that fit.
 */
export function completions(token: string, src: CompletionSources): Completion[] {
  const lower = token.toLowerCase();
  if (lower === '')
    return OPERATORS.map((o) => ({
      key: `op-${o.insert}`,
      kind: 'operator',
      insert: o.insert,
      label: o.label,
      detail: o.hint,
      done: o.insert.endsWith('me'),
    }));
  const colon = lower.indexOf(':');
  if (colon === -1) {
    if (!/^[a-z]+$/.test(lower)) return [];
    return OPERATORS.filter((o) => o.insert.startsWith(lower) && o.insert !== lower).map((o) => ({
      key: `op-${o.insert}`,
      kind: 'operator',
      insert: o.insert,
      label: o.label,
      detail: o.hint,
      done: o.insert.endsWith('me'),
    }));
  }
  const op = lower.slice(0, colon + 1);
  const typed = token.slice(colon + 1);
  const want = typed.toLowerCase();
  if (op === 'from:') {
    const people: Completion[] = [];
    if ('me'.startsWith(want))
      people.push({ key: 'from-me', kind: 'person', insert: 'from:me', label: 'me', detail: 'your own messages', done: true });
    const seen = new Set<string>();
    for (const p of src.people) {
      if (!p.username || seen.has(p.id)) continue;
      if (!(p.username.startsWith(want) || p.display_name.toLowerCase().includes(want))) continue;
      seen.add(p.id);
      people.push({
        key: `from-${p.id}`,
        kind: 'person',
        insert: `from:${p.username}`,
        label: p.display_name,
        detail: `@${p.username}`,
        done: true,
      });
    }
    return people.slice(0, MAX);
  }
  if (op === 'in:') {
    return src.rooms
      .filter((r) => !r.direct && r.name.toLowerCase().includes(want))
      .slice(0, MAX)
      .map((r) => ({ key: `in-${r.id}`, kind: 'room', insert: `in:${roomOperand(r)}`, label: r.name, detail: 'room', done: true }));
  }
  if (op === 'before:' || op === 'after:' || op === 'during:') {
    const today = day(src.today);
    const options =
      op === 'during:'
        ? [
            { value: today.slice(0, 7), hint: 'this month' },
            { value: today, hint: 'today' },
          ]
        : [{ value: today, hint: 'today (YYYY-MM-DD)' }];
    return options.filter((o) => o.value.startsWith(want) && o.value !== want).map((o) => valueSuggestion(op, o));
  }
  return (VALUES[op] ?? []).filter((v) => v.value.startsWith(want)).map((v) => valueSuggestion(op, v));
}

/** A complete value for an operator (`has:image`, `during:2026-05`). */
const valueSuggestion = (op: string, v: { value: string; hint: string }) => ({
  key: `${op}${v.value}`,
  kind: 'value' as const,
  insert: `${op}${v.value}`,
  label: `${op}${v.value}`,
  detail: v.hint,
  done: true,
});

/** The box's text with the token replaced by a completion, and where the caret goes. */
export function applyCompletion(text: string, token: Token, c: Completion): { text: string; caret: number } {
  const after = text.slice(token.end);
  const space = c.done && !after.startsWith(' ') ? ' ' : '';
  const next = text.slice(0, token.start) + c.insert + space + after;
  return { text: next, caret: token.start + c.insert.length + (c.done ? 1 : 0) };
}

const FILTER = /(?<=^|\s)(?:from|in|mentions|has|is|before|after|during):(?:"[^"]*"|\S+)/gi;

/** The filters of a query, for its chips: operator words (from:bob, has:image; not a URL), each with where it is. */
export function filtersOf(query: string): Token[] {
  const out: Token[] = [];
  for (const m of query.matchAll(FILTER)) out.push({ start: m.index, end: m.index + m[0].length, text: m[0] });
  return out;
}

/** The query without one of its filters (a chip's ✕). */
export function withoutFilter(query: string, f: Token): string {
  return (query.slice(0, f.start) + query.slice(f.end)).replace(/\s{2,}/g, ' ').trim();
}
