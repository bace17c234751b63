import { normaliseForSearch, searchTokens, tokensOfNormalised } from './search-query.ts';

/**
 * What the search index holds for one message, derived from its content in JavaScript (the
 * databases cannot do NFKC or word segmentation the same way), written in the same transaction as
 * the message itself:
 * - `body`: the content in search form ({@link normaliseForSearch}), whitespace runs as one space.
 *   Substrings, phrases and the 1–2-character scan match here (trigram indexes on both databases).
 * - `words`: the tokens ({@link searchTokens}: words, CJK segments, identifier parts) joined by one
 *   space with a space at each end, so ` word ` finds a whole token and ` wor` a token's start
 *   (ranking); the word indexes (FTS5 porter / tsvector english) stem it.
 */
export interface SearchDocument {
  body: string;
  words: string;
}

export function searchDocument(content: string): SearchDocument {
  // Normalised once for both: the form is most of a message's index cost after the segmenter.
  const normalised = normaliseForSearch(content);
  return { body: bodyOf(normalised), words: ` ${tokensOfNormalised(normalised).join(' ')} ` };
}

const bodyOf = (normalised: string): string => normalised.replace(/\s+/gu, ' ').trim();

/** A text (content, phrase, word) in the form `body` holds. */
export const searchBody = (text: string): string => bodyOf(normaliseForSearch(text));

/**
 * A query word in the form of `words`: its tokens joined by one space, without the parts an
 * identifier was also split into (`snake_case` stays `snake_case`, `東京タワー` is `東京 タワー`);
 * the word itself when it has no tokens (punctuation only).
 */
export function searchWordTokens(word: string): string {
  const kept: string[] = [];
  for (const t of searchTokens(word)) {
    const last = kept.at(-1);
    if (last !== undefined && IDENTIFIER_GLUE.test(last) && last.includes(t)) continue;
    kept.push(t);
  }
  return kept.length === 0 ? word : kept.join(' ');
}

const IDENTIFIER_GLUE = /[_./\-:]/u;
