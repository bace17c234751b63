import type { SearchRange } from '@rooms/protocol';

/** A piece of a message's text: matched (to mark) or not. Plain text, never markup. */
export interface Segment {
  text: string;
  match: boolean;
}

const isHigh = (c: number) => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number) => c >= 0xdc00 && c <= 0xdfff;

/** True when index i cuts a surrogate pair (an emoji, a rare CJK character) in two. */
const splitsPair = (s: string, i: number) => i > 0 && i < s.length && isHigh(s.charCodeAt(i - 1)) && isLow(s.charCodeAt(i));

const segmenter = typeof Intl !== 'undefined' && 'Segmenter' in Intl ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null;

/**
 * The edges between user-perceived characters (an emoji with its modifiers, a letter with its
 * combining accents), or null when every code point is one (plain text, the common case: no cost).
 */
function graphemeEdges(s: string): Set<number> | null {
  // eslint-disable-next-line no-misleading-character-class -- looking for joiners and marks on purpose
  if (!segmenter || !/[\p{M}\u200d\ufe0f\u{1f3fb}-\u{1f3ff}\u{1f1e6}-\u{1f1ff}\u{e0020}-\u{e007f}]/u.test(s)) return null;
  const edges = new Set<number>([s.length]);
  for (const { index } of segmenter.segment(s)) edges.add(index);
  return edges;
}

/** The nearest edge at or before (down) or at or after (up) i. */
function snap(s: string, i: number, edges: Set<number> | null, down: boolean): number {
  if (edges) {
    while (!edges.has(i)) i += down ? -1 : 1;
    return i;
  }
  return splitsPair(s, i) ? i + (down ? -1 : 1) : i;
}

/**
 * Ranges as the server sent them, made safe to cut text with: whole numbers inside the content,
 * empty and reversed ones dropped, widened so no character (surrogate pair, emoji sequence, letter
 * with its accents) is cut in two, then sorted with overlapping and touching ones merged.
 */
export function normalizeRanges(content: string, matches: readonly SearchRange[]): SearchRange[] {
  const n = content.length;
  const clamp = (x: number) => (Number.isFinite(x) ? Math.min(n, Math.max(0, Math.trunc(x))) : NaN);
  let edges: Set<number> | null | undefined;
  const ranges: SearchRange[] = [];
  for (const r of matches ?? []) {
    let start = clamp(r?.start);
    let end = clamp(r?.end);
    if (!(start < end)) continue;
    edges ??= graphemeEdges(content);
    start = snap(content, start, edges, true);
    end = snap(content, end, edges, false);
    ranges.push({ start, end });
  }
  ranges.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: SearchRange[] = [];
  for (const r of ranges) {
    const last = merged.at(-1);
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}

/**
 * A message's content cut into plain-text segments at the match ranges of a search hit, for a
 * client to mark up itself (a <mark> around text nodes, bold on a terminal): no HTML ever comes
 * from the server or from here. Bad ranges are clamped, merged or dropped, never thrown on.
 *
 *   highlightRanges('deploy it', [{ start: 0, end: 6 }]) → [{ text: 'deploy', match: true }, { text: ' it', match: false }]
 */
export function highlightRanges(content: string, matches: readonly SearchRange[]): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  for (const { start, end } of normalizeRanges(content, matches)) {
    if (start > at) segments.push({ text: content.slice(at, start), match: false });
    segments.push({ text: content.slice(start, end), match: true });
    at = end;
  }
  if (at < content.length) segments.push({ text: content.slice(at), match: false });
  return segments;
}

/** The ellipsis that stands for text left out of an excerpt. */
export const ELLIPSIS = '…';

/**
 * At most about `max` characters of a long message around its first match, as segments: text left
 * out at either end becomes an ELLIPSIS segment, cuts fall on spaces where one is near and never
 * inside a character. Short content comes back whole.
 */
export function highlightExcerpt(content: string, matches: readonly SearchRange[], max = 200): Segment[] {
  if (content.length <= max) return highlightRanges(content, matches);
  const ranges = normalizeRanges(content, matches);
  const first = ranges[0] ?? { start: 0, end: 0 };
  // Some words of lead-in before the first match, the rest of the room after it.
  let from = Math.max(0, Math.min(first.start - Math.floor(max / 4), content.length - max));
  let to = Math.min(content.length, from + max);
  const edges = graphemeEdges(content);
  if (from > 0) {
    const space = content.indexOf(' ', from);
    if (space !== -1 && space < first.start && space - from < 20) from = space + 1;
    from = snap(content, from, edges, false);
  }
  if (to < content.length) {
    const space = content.lastIndexOf(' ', to);
    if (space > first.end && to - space < 20) to = space;
    to = snap(content, to, edges, true);
  }
  const inside = ranges
    .filter((r) => r.end > from && r.start < to)
    .map((r) => ({ start: Math.max(r.start, from) - from, end: Math.min(r.end, to) - from }));
  const segments = highlightRanges(content.slice(from, to), inside);
  if (from > 0) segments.unshift({ text: ELLIPSIS, match: false });
  if (to < content.length) segments.push({ text: ELLIPSIS, match: false });
  return segments;
}
