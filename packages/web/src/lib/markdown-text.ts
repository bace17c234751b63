import { createElement as h, type ReactElement, type ReactNode } from 'react';
import { decodeEntities } from './html-entities.ts';

/**
 * The text between a message's elements. A piece of text is kept in "reference form": as Markdown
 * hands it over, character references (`&amp;`, `&copy;`) still to decode; text to show exactly as
 * written goes through `literal` first. Adjacent pieces form one run, in which `@name` mentions are
 * found (outside links), then each part is decoded into a plain string: React puts strings in the
 * page as text, never as markup.
 */
export type Item = string | ReactElement;

/** Text shown exactly as written (raw HTML, escaped characters): its `&` can start no reference. */
export const literal = (text: string): string => text.replaceAll('&', '&amp;');

/** An `&` that starts no character reference within its own piece. */
const LONE_AMP = /&(?!(?:#\d{1,7}|#[xX][0-9a-fA-F]{1,6}|\w+);)/g;

/**
 * Markdown's text in reference form: its references stay to decode, but an `&` that starts none
 * is written as `&amp;`, so that no reference spans two pieces (`&` then an escaped `\#65;`).
 */
export const markdownText = (text: string): string => (text.includes('&') ? text.replace(LONE_AMP, '&amp;') : text);

/** `@name` after the start of a run, a space or "(" (a name with dots and dashes, or `@room`). */
const MENTION = /(^|[\s(])@([a-z0-9_.-]{1,32}|room)\b/gi;

/** Plain strings and mention spans for one run of text; `me` (my username) makes mine stand out. */
function runNodes(text: string, me: string | null | undefined, inLink: boolean): ReactNode[] {
  if (inLink || !text.includes('@')) return [decodeEntities(text)];
  const out: ReactNode[] = [];
  let from = 0;
  for (const m of text.matchAll(MENTION)) {
    const at = m.index + m[1]!.length;
    const name = m[2]!;
    if (at > from) out.push(decodeEntities(text.slice(from, at)));
    const mine = (me && name.toLowerCase() === me.toLowerCase()) || name === 'room';
    out.push(h('span', { className: mine ? 'mention-me' : 'mention' }, `@${name}`));
    from = at + 1 + name.length;
  }
  if (from < text.length) out.push(decodeEntities(text.slice(from)));
  return out;
}

/** An element's children from its items: each run of text joined, its mentions marked, decoded. */
export function children(items: Item[], me: string | null | undefined, inLink: boolean): ReactNode[] {
  const out: ReactNode[] = [];
  let run = '';
  for (const item of items) {
    if (typeof item === 'string') {
      run += item;
      continue;
    }
    if (run) out.push(...runNodes(run, me, inLink));
    run = '';
    out.push(item);
  }
  if (run) out.push(...runNodes(run, me, inLink));
  return out;
}
