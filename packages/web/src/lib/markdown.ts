import { createElement as h, Fragment, type ReactElement } from 'react';
import { Marked } from 'marked';
import { renderTokens } from './markdown-render.ts';

/**
 * A message's Markdown as React elements: marked's lexer reads it (GFM, a line break is a break)
 * and markdown-render.ts turns the tokens into elements. No HTML is built from a message, so
 * there is nothing to sanitise: what a user typed reaches the page as text (see markdown-render.ts
 * for the few elements Markdown may make).
 */
const marked = new Marked({ gfm: true, breaks: true, async: false });

/**
 * Rendered messages, newest use last: switching back to a room or scrolling over the same
 * messages again re-mounts them, and parsing is most of a message's mount cost. The same element
 * also lets React skip the body of a row that re-renders.
 */
const cache = new Map<string, ReactElement>();
const CACHE_MAX = 3000;

/** A message's content as elements; `@name` mentions are marked (mine stand out). */
export function renderMarkdown(content: string, myUsername?: string | null): ReactElement {
  const key = `${myUsername ?? ''}\u0000${content}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const body = isPlain(content) ? h('p', null, content) : h(Fragment, null, ...parsed(content, myUsername));
  cache.set(key, body);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  return body;
}

function parsed(content: string, me: string | null | undefined) {
  try {
    return renderTokens(marked.lexer(content), me);
  } catch {
    // The lexer gave up (it throws rather than loop): the message as it was written.
    return [h('p', null, content)];
  }
}

/**
 * One line of words and ordinary punctuation, which Markdown would only wrap in a paragraph: most
 * chat messages. Anything that could be syntax (emphasis, code, links and autolinks, HTML, entities,
 * mentions, lists, quotes, headings, breaks, indented code) takes the full parse.
 */
export function isPlain(content: string): boolean {
  return (
    /^[^\s\\`*_~[\]<>#|&!=@^$]([^\n\r\t\\`*_~[\]<>#|&!=@^$]*[^\s\\`*_~[\]<>#|&!=@^$])?$/.test(content) &&
    !/:\/\/|www\.|^[-+>]|^\d+[.)]/i.test(content)
  );
}
