import { normaliseForSearch } from '../../domain/search-query.ts';

export interface Range {
  start: number;
  end: number;
}

/**
 * The content in search form (as the index holds it: normalised, whitespace runs as one space),
 * with, for each UTF-16 unit of it, where the code point it came from starts and ends in the
 * original. Normalising changes lengths (ß → ss, ｆ → f, é as e + accent → e), so positions found
 * in the normalised text are mapped back through this, never used as they are.
 */
function searchFormWithMap(content: string): { text: string; starts: number[]; ends: number[] } {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  let offset = 0;
  for (const cp of content) {
    const from = offset;
    offset += cp.length;
    let n = normaliseForSearch(cp);
    if (/^\s+$/u.test(n)) {
      // A whitespace run is one space: the later ones widen the first's range.
      if (text.endsWith(' ')) {
        ends[ends.length - 1] = offset;
        continue;
      }
      n = ' ';
    }
    // A combining mark folded away (é as e + U+0301) belongs to the letter before it.
    if (n === '' && ends.length > 0) ends[ends.length - 1] = offset;
    for (let i = 0; i < n.length; i++) {
      starts.push(from);
      ends.push(offset);
    }
    text += n;
  }
  return { text, starts, ends };
}

/**
 * Where the given terms (words and phrases of a query, in search form) occur in the content, as
 * UTF-16 ranges of the original text: sorted, overlapping or touching ranges merged. Plain numbers
 * for the client to mark up; nothing here is HTML.
 */
export function matchRanges(content: string, terms: string[]): Range[] {
  const wanted = terms.filter((t) => t !== '');
  if (wanted.length === 0 || content === '') return [];
  const { text, starts, ends } = searchFormWithMap(content);
  const found: Range[] = [];
  for (const term of wanted) {
    for (let i = text.indexOf(term); i !== -1; i = text.indexOf(term, i + 1)) {
      found.push({ start: starts[i]!, end: ends[i + term.length - 1]! });
    }
  }
  found.sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Range[] = [];
  for (const r of found) {
    const last = merged.at(-1);
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}
