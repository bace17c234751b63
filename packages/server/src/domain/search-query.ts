/**
 * The message-search query language (issue 17, SPEC §5): one parser, one typed AST, compiled to
 * SQL by each database's dialect adapter. Pure: no I/O, the clock comes in as `opts.now`.
 *
 * Syntax (tokens are separated by whitespace):
 * - `word`                 every word must match (AND).
 * - `"exact phrase"`       the words in this order. `"`, `“` and `”` all work as quotes (phones
 *                          type curly ones). An unbalanced quote makes the rest of the query the
 *                          phrase. Inside quotes nothing is an operator: `"from:bob"` is a phrase.
 * - `-word`, `-"phrase"`   exclusion: a message that contains it is left out.
 * - `from:username`, `from:me`  sender; a leading `@` is allowed. Repeated = any of these senders.
 * - `in:room`, `in:"room name"`  room name or room id, as typed (a leading `#` is dropped);
 *                          repeated = any of these rooms. The adapter resolves names and ids.
 * - `mentions:me`          messages that mention the searcher (by name; `@room` is the adapter's call).
 * - `before:D`, `after:D`, `during:D`  dates in UTC. D is YYYY-MM-DD, `today` or `yesterday`;
 *                          `during:` also takes YYYY-MM. `before:D` = earlier than day D (D
 *                          excluded); `after:D` = later than day D (D excluded); `during:D` = the
 *                          whole day or month. Repeated/combined = intersection.
 * - `has:attachment|image|file|link`  repeated = all must hold. `file` means a non-image attachment.
 * - `is:thread` (a reply in a thread), `is:pinned`.
 *
 * What counts as an operator: a token that starts with 2–20 ASCII letters, a colon and a value
 * that does not start with `/` or `:`. Operator names and keyword values are case-insensitive.
 * So `https://example.com/x`, `a:b`, `10:30`, `std::vector` and `note:` (nothing after the colon)
 * and pasted URIs without `//` (`mailto:`, `tel:`, `urn:`, `magnet:`, `xmpp:`, `sms:`, `geo:`, `data:`)
 * are words, while a known operator with nothing after it (`from:`) is refused as needing a value;
 * `foo:bar` is an unknown operator (→ `invalid_query`; quote it, `"foo:bar"`, to search for it).
 * A negated operator (`-from:bob`) is refused too.
 *
 * Limits: at most {@link MAX_QUERY_LENGTH} characters and `maxTerms` (default 32) terms; every
 * word, phrase, exclusion and operator counts as one. Everything refused is a DomainError with code
 * `invalid_query` whose message names the offending operator or value.
 */
import { LIMITS } from '@rooms/protocol';
import { asciiWords } from './ascii-words.ts';
import { DomainError } from './errors.ts';

export const MAX_QUERY_LENGTH = 1000;
export const DEFAULT_MAX_TERMS = 32;

export type HasFilter = 'attachment' | 'image' | 'file' | 'link';
export const HAS_FILTERS: readonly HasFilter[] = ['attachment', 'image', 'file', 'link'];

/** A sender filter: a username (lower-cased, without `@`) or the searcher themself. */
export type FromFilter = { username: string } | 'me';

export interface SearchQuery {
  /** Normalised ({@link normaliseForSearch}) words, each must match; outer punctuation trimmed, deduplicated. */
  words: string[];
  /** Normalised phrases (inner whitespace collapsed to one space), each must match. */
  phrases: string[];
  /** Normalised words a hit must not contain. */
  excludeWords: string[];
  /** Normalised phrases a hit must not contain. */
  excludePhrases: string[];
  /** Senders, OR-ed; empty = anyone. */
  from: FromFilter[];
  /** Rooms by name or id as typed (leading `#` dropped), OR-ed; empty = every readable room. */
  in: string[];
  /** Only messages that mention the searcher. */
  mentionsMe: boolean;
  /** Inclusive lower bound, an ISO instant at a UTC day start: `created_at >= createdFrom`. */
  createdFrom?: string;
  /** Exclusive upper bound, an ISO instant at a UTC day start: `created_at < createdBefore`. */
  createdBefore?: string;
  /** Attachment/link conditions, AND-ed, deduplicated. */
  has: HasFilter[];
  /** Only replies in a thread. */
  isThread: boolean;
  /** Only pinned messages. */
  isPinned: boolean;
  /**
   * No positive text term (no words, no phrases): the result is every message the filters and
   * exclusions allow, newest first, with no relevance ranking.
   */
  filterOnly: boolean;
}

export interface ParseOptions {
  /** The clock, for `today` / `yesterday` (UTC days). */
  now: Date;
  /** At most this many terms (words, phrases, exclusions, operators); default 32. */
  maxTerms?: number;
}

const OPERATORS = ['from', 'in', 'mentions', 'before', 'after', 'during', 'has', 'is'] as const;
type Operator = (typeof OPERATORS)[number];
const isOperator = (name: string): name is Operator => (OPERATORS as readonly string[]).includes(name);
/** URI schemes without `//` that people paste: `mailto:bob@x.io` is a word, not an unknown operator. */
const URI_SCHEMES = new Set(['mailto', 'tel', 'sms', 'urn', 'magnet', 'xmpp', 'geo', 'data']);

const QUOTES = '"“”';
const isQuote = (c: string | undefined): boolean => c !== undefined && QUOTES.includes(c);
const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/u.test(c);
/** `name:` at a token start; the value must not start with `/` or `:` (URLs, `std::x`). */
const OPERATOR_HEAD = /^([A-Za-z]{2,20}):(?![/:])/;

const invalid = (message: string): DomainError => new DomainError('invalid_query', message);

// ---------------------------------------------------------------------------------------------
// Normalisation and tokens, shared with the indexer.

/** Letters NFD does not decompose but that users type without their stroke/ligature. */
const FOLD: Record<string, string> = { ß: 'ss', æ: 'ae', œ: 'oe', ø: 'o', ł: 'l', đ: 'd', ð: 'd', ı: 'i', þ: 'th' };
const FOLD_RE = new RegExp(`[${Object.keys(FOLD).join('')}]`, 'gu');
/**
 * Diacritics to strip: only the generic combining blocks (Latin, Greek, Cyrillic accents). Marks that
 * are letters of their script stay — the kana voicing marks (が is not か), Indic vowel signs — and
 * so do emoji modifiers (keycap U+20E3, skin tones are not marks).
 */
// eslint-disable-next-line no-misleading-character-class -- a class of lone combining marks, on purpose
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\ufe20-\ufe2f]/gu;
/** Emoji presentation selectors: ❤ and ❤️ are the same heart to a searcher. */
const VARIATION_SELECTORS = /[\ufe0e\ufe0f]/gu;

/**
 * The form text is matched in, by the query parser and the indexer alike: NFKC (full-width and
 * compatibility forms become plain), lower-cased, diacritics stripped (é → e, ß → ss), emoji
 * variation selectors dropped, then NFC so scripts whose marks were kept (kana, Hangul) recompose.
 * CJK and emoji are otherwise kept as they are. The result can differ in length from the input,
 * so match ranges for the original text must be found by mapping, not by offset.
 */
export function normaliseForSearch(text: string): string {
  // ASCII (most messages) needs only the lower-casing: every other step leaves it as it is (no
  // compatibility forms, marks, selectors or FOLD letters). The index computes this per message.
  if (ASCII.test(text)) return text.toLowerCase();
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(DIACRITICS, '')
    .replace(VARIATION_SELECTORS, '')
    .replace(FOLD_RE, (c) => FOLD[c] ?? c)
    .normalize('NFC');
}

const ASCII = /^[\x00-\x7f]*$/;

const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter('und', { granularity: 'word' }) : undefined;
const PICTOGRAPHIC = /\p{Extended_Pictographic}/u;
/** Separators inside identifiers and URLs: snake_case, dot.separated, a/b, a-b, a:b. */
const IDENT_SEPARATORS = /[_./\-:]+/u;
const IDENT_SEPARATOR = /[_./\-:]/u;
/** Fallback word pattern (no Intl.Segmenter): letters, numbers, marks, identifier glue, or emoji runs. */
const FALLBACK_WORD = /[\p{L}\p{N}\p{M}_.\-:/]+|(?:\p{Extended_Pictographic}|\p{Emoji_Modifier}|\u200d|\u20e3)+/gu;

/**
 * Splits text the way the index does: normalise ({@link normaliseForSearch}), cut at word
 * boundaries (Intl.Segmenter, root locale: CJK by dictionary, URLs at `:` `/` `?`), keep emoji as
 * tokens, and split identifiers on `_ . / - :` keeping the whole too (`snake_case` → `snake_case`,
 * `snake`, `case`). Tokens come in text order, duplicates kept (the indexer may count them).
 */
export function searchTokens(text: string): string[] {
  return tokensOfNormalised(normaliseForSearch(text));
}

/** {@link searchTokens} of a text already in search form (the indexer normalises each message once for its body and its tokens). */
export function tokensOfNormalised(normalised: string): string[] {
  const tokens: string[] = [];
  const add = (piece: string): void => {
    // Most pieces hold no separator: the split, the filter and their arrays are for the few that do.
    if (!IDENT_SEPARATOR.test(piece)) {
      tokens.push(piece);
      return;
    }
    const parts = piece.split(IDENT_SEPARATORS).filter((p) => p !== '');
    if (parts.length === 0) return;
    if (parts.length === 1) tokens.push(parts[0]!);
    else tokens.push(piece.replace(/^[_./\-:]+|[_./\-:]+$/gu, ''), ...parts);
  };
  if (ASCII.test(normalised)) {
    asciiWords(normalised, add);
  } else if (segmenter) {
    for (const s of segmenter.segment(normalised)) {
      // A single ASCII character (a space, a comma) is never a pictograph: no regex for those.
      const seg = s.segment;
      if (s.isWordLike || ((seg.length > 1 || seg.charCodeAt(0) > 0x7f) && PICTOGRAPHIC.test(seg))) add(seg);
    }
  } else {
    for (const m of normalised.matchAll(FALLBACK_WORD)) add(m[0]);
  }
  return tokens;
}

// ---------------------------------------------------------------------------------------------
// Dates (UTC).

const DAY_MS = 86_400_000;

interface Span {
  start: number;
  end: number;
}

function parseDateValue(op: 'before' | 'after' | 'during', raw: string, now: Date): Span {
  const value = raw.toLowerCase();
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (value === 'today') return { start: today, end: today + DAY_MS };
  if (value === 'yesterday') return { start: today - DAY_MS, end: today };
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (day) {
    const [y, m, d] = [Number(day[1]), Number(day[2]), Number(day[3])];
    const start = Date.UTC(y, m - 1, d);
    const check = new Date(start);
    if (m < 1 || m > 12 || d < 1 || check.getUTCFullYear() !== y || check.getUTCMonth() !== m - 1 || check.getUTCDate() !== d) {
      throw invalid(`${op}:${raw} is not a valid date (use YYYY-MM-DD)`);
    }
    return { start, end: start + DAY_MS };
  }
  const month = /^(\d{4})-(\d{2})$/.exec(value);
  if (month) {
    const [y, m] = [Number(month[1]), Number(month[2])];
    if (op !== 'during') throw invalid(`${op}:${raw}: ${op}: takes a day, YYYY-MM-DD (only during: takes a month)`);
    if (m < 1 || m > 12) throw invalid(`${op}:${raw} is not a valid month (use YYYY-MM)`);
    return { start: Date.UTC(y, m - 1, 1), end: Date.UTC(y, m, 1) };
  }
  const format = op === 'during' ? 'YYYY-MM-DD or YYYY-MM' : 'YYYY-MM-DD';
  throw invalid(`${op}:${raw} is not a valid date (use ${format}, today or yesterday)`);
}

// ---------------------------------------------------------------------------------------------
// The parser.

/** Outer punctuation is not part of a word (`deploy,` `(east)` `"hi"`); emoji and symbols stay. */
const OUTER_PUNCTUATION = /^[\p{P}]+|[\p{P}]+$/gu;

function normaliseWord(raw: string): string {
  return normaliseForSearch(raw).replace(OUTER_PUNCTUATION, '');
}

function normalisePhrase(raw: string): string {
  return normaliseForSearch(raw).replace(/\s+/gu, ' ').trim();
}

const pushUnique = <T>(list: T[], value: T): void => {
  if (!list.includes(value)) list.push(value);
};

/**
 * Parses a search query into its AST. Throws DomainError `invalid_query` for a query that is too
 * long, has too many terms, is empty, uses an unknown or negated operator, or gives an operator a
 * bad value (the message names it).
 */
export function parseSearchQuery(input: string, opts: ParseOptions): SearchQuery {
  const maxTerms = opts.maxTerms ?? DEFAULT_MAX_TERMS;
  const length = [...input].length;
  if (length > MAX_QUERY_LENGTH) throw invalid(`the query is too long (${length} characters, at most ${MAX_QUERY_LENGTH})`);

  const q: SearchQuery = {
    words: [],
    phrases: [],
    excludeWords: [],
    excludePhrases: [],
    from: [],
    in: [],
    mentionsMe: false,
    has: [],
    isThread: false,
    isPinned: false,
    filterOnly: false,
  };
  let from = -Infinity;
  let before = Infinity;
  const dateOps: string[] = [];
  let terms = 0;
  const count = (): void => {
    terms++;
    if (terms > maxTerms) throw invalid(`too many terms (more than ${maxTerms} words, phrases, exclusions and operators)`);
  };

  /** Reads a quoted string whose opening quote is at `start`; ends at the next quote or the end. */
  const readQuoted = (start: number): { text: string; next: number } => {
    let j = start + 1;
    while (j < input.length && !isQuote(input[j])) j++;
    return { text: input.slice(start + 1, j), next: Math.min(j + 1, input.length) };
  };

  let i = 0;
  while (i < input.length) {
    if (isSpace(input[i])) {
      i++;
      continue;
    }
    let negated = false;
    if (input[i] === '-' && i + 1 < input.length && !isSpace(input[i + 1])) {
      negated = true;
      i++;
    }

    if (isQuote(input[i])) {
      const { text, next } = readQuoted(i);
      i = next;
      const phrase = normalisePhrase(text);
      if (phrase === '') continue;
      count();
      pushUnique(negated ? q.excludePhrases : q.phrases, phrase);
      continue;
    }

    const head = OPERATOR_HEAD.exec(input.slice(i, i + 22));
    // `name:` with nothing after it is an operator still being typed if the name is known, else a word (`re:`).
    const bare = head !== null && (i + head[0].length >= input.length || isSpace(input[i + head[0].length]));
    const scheme = head !== null && URI_SCHEMES.has(head[1]!.toLowerCase());
    if (head && !scheme && (!bare || isOperator(head[1]!.toLowerCase()))) {
      const name = head[1]!.toLowerCase();
      const valueStart = i + head[0].length;
      let value: string;
      if (isQuote(input[valueStart])) {
        const { text, next } = readQuoted(valueStart);
        value = text.trim();
        i = next;
      } else {
        let j = valueStart;
        while (j < input.length && !isSpace(input[j])) j++;
        value = input.slice(valueStart, j);
        i = j;
      }
      const token = `${negated ? '-' : ''}${head[1]}:${value}`;
      if (!isOperator(name)) throw invalid(`unknown operator ${head[1]}: in ${token} (put it in quotes to search for it as text)`);
      if (negated) throw invalid(`operators cannot be negated: ${token}`);
      if (value === '') throw invalid(`${name}: needs a value`);
      count();
      applyOperator(name, value);
      continue;
    }

    let j = i;
    while (j < input.length && !isSpace(input[j])) j++;
    const word = normaliseWord(input.slice(i, j).replace(/["“”]/gu, ''));
    i = j;
    if (word === '') continue;
    count();
    pushUnique(negated ? q.excludeWords : q.words, word);
  }

  function applyOperator(name: Operator, value: string): void {
    const lower = value.toLowerCase();
    switch (name) {
      case 'from': {
        if (lower === 'me') {
          if (!q.from.includes('me')) q.from.push('me');
          return;
        }
        const username = lower.replace(/^@/, '');
        const rule = LIMITS.username;
        if (username.length < rule.min || username.length > rule.max || !rule.pattern.test(username)) {
          throw invalid(`from:${value} is not a username (${rule.min}-${rule.max} of a-z, 0-9, _) or me`);
        }
        if (!q.from.some((f) => f !== 'me' && f.username === username)) q.from.push({ username });
        return;
      }
      case 'in': {
        const room = value.replace(/^#/, '');
        if (room === '') throw invalid(`in:${value} needs a room name or id`);
        pushUnique(q.in, room);
        return;
      }
      case 'mentions':
        if (lower !== 'me') throw invalid(`mentions:${value} is not supported (only mentions:me)`);
        q.mentionsMe = true;
        return;
      case 'has':
        if (!(HAS_FILTERS as readonly string[]).includes(lower)) {
          throw invalid(`has:${value} is not supported (use has:${HAS_FILTERS.join(', has:')})`);
        }
        pushUnique(q.has, lower as HasFilter);
        return;
      case 'is':
        if (lower === 'thread') q.isThread = true;
        else if (lower === 'pinned') q.isPinned = true;
        else throw invalid(`is:${value} is not supported (use is:thread or is:pinned)`);
        return;
      case 'before':
      case 'after':
      case 'during': {
        const span = parseDateValue(name, value, opts.now);
        dateOps.push(`${name}:${value}`);
        if (name === 'before') before = Math.min(before, span.start);
        else if (name === 'after') from = Math.max(from, span.end);
        else {
          from = Math.max(from, span.start);
          before = Math.min(before, span.end);
        }
        return;
      }
    }
  }

  if (from >= before) throw invalid(`${dateOps.join(' ')} leave no time to search`);
  if (from !== -Infinity) q.createdFrom = new Date(from).toISOString();
  if (before !== Infinity) q.createdBefore = new Date(before).toISOString();
  if (terms === 0) throw invalid('the query is empty');
  q.filterOnly = q.words.length === 0 && q.phrases.length === 0;
  return q;
}
