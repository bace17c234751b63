import { createElement as h, type ReactElement, type ReactNode } from 'react';
import type { Token, Tokens } from 'marked';
import { decodeEntities } from './html-entities.ts';
import { children, literal, markdownText, type Item } from './markdown-text.ts';
import { revealedHost, safeHref } from './safe-link.ts';

/**
 * Markdown tokens (marked's lexer) → React elements, with no HTML string anywhere: text is given
 * to React as strings, so nothing a user typed can become markup. Only these elements are ever
 * made: p, strong, em, del, code, pre, br, a, span (mentions, a link's host), blockquote, ul, ol,
 * li, hr and tables. Raw HTML in a message is shown as text; headings are
 * bold lines; images are links to the image (nothing is loaded); links keep only http(s) and
 * mailto targets and open in a new tab without an opener or referrer.
 */
interface Ctx {
  /** My username: mentions of me stand out. */
  me: string | null | undefined;
  /** Inside a link: no mentions, no nested links. */
  inLink: boolean;
}

/** A message's tokens as the children of its body. */
export function renderTokens(tokens: Token[], me: string | null | undefined): ReactNode[] {
  const ctx: Ctx = { me, inLink: false };
  return children(blockItems(tokens, ctx), me, false);
}

const inner = (items: Item[], ctx: Ctx) => children(items, ctx.me, ctx.inLink);
const blocks = (tokens: Token[], ctx: Ctx) => inner(blockItems(tokens, ctx), ctx);
const inlines = (tokens: Token[], ctx: Ctx) => inner(inlineItems(tokens, ctx), ctx);

function blockItems(tokens: Token[], ctx: Ctx): Item[] {
  const out: Item[] = [];
  for (const t of tokens) block(t, ctx, out);
  return out;
}

function inlineItems(tokens: Token[], ctx: Ctx): Item[] {
  const out: Item[] = [];
  for (const t of tokens) inline(t, ctx, out);
  return out;
}

function block(t: Token, ctx: Ctx, out: Item[]): void {
  switch (t.type) {
    case 'space':
    case 'def':
      return;
    case 'paragraph':
      out.push(h('p', null, ...inlines(t.tokens ?? [], ctx)));
      return;
    case 'heading':
      // Headings in chat are just bold lines: no page structure inside a message.
      out.push(h('p', null, h('strong', null, ...inlines(t.tokens ?? [], ctx))));
      return;
    case 'code':
      out.push(codeBlock(t as Tokens.Code));
      return;
    case 'blockquote':
      out.push(h('blockquote', null, ...blocks(t.tokens ?? [], ctx)));
      return;
    case 'list':
      out.push(list(t as Tokens.List, ctx));
      return;
    case 'hr':
      out.push(h('hr'));
      return;
    case 'table':
      out.push(table(t as Tokens.Table, ctx));
      return;
    default:
      // Text in a list item, raw HTML (as text), a task's checkbox: as inline content.
      inline(t, ctx, out);
  }
}

function inline(t: Token, ctx: Ctx, out: Item[]): void {
  switch (t.type) {
    case 'text':
      if (t.tokens) out.push(...inlineItems(t.tokens, ctx));
      else out.push(markdownText(t.text as string));
      return;
    case 'strong':
    case 'em':
    case 'del':
      out.push(h(t.type, null, ...inlines(t.tokens ?? [], ctx)));
      return;
    case 'codespan':
      out.push(h('code', null, t.text as string));
      return;
    case 'br':
      out.push(h('br'));
      return;
    case 'link':
      link(t.href as string, t.text as string, (c) => inlineItems(t.tokens ?? [], c), ctx, out);
      return;
    case 'image': {
      // No remote loads: an image is a link to it, reading its description (or its address).
      const text = (t.text as string) || (t.href as string);
      link(t.href as string, (t.text as string) || '', () => [literal(text)], ctx, out);
      return;
    }
    case 'checkbox':
      // A task's box is not shown (nor is an ordered list's first number: lists count from 1),
      // as the page has always shown them: the sanitiser this renderer replaces dropped both.
      return;
    case 'escape':
    case 'html':
      out.push(literal(t.text as string));
      return;
    default:
      out.push(literal(t.raw));
  }
}

/**
 * A link to a safe target, with its host beside it when the text does not show it; else just its
 * content. No link in a link: an image in a link's text reads as its description.
 */
function link(href: string, text: string, content: (ctx: Ctx) => Item[], ctx: Ctx, out: Item[]): void {
  const url = ctx.inLink ? null : safeHref(href);
  if (!url) {
    out.push(...content(ctx));
    return;
  }
  const inLink = { ...ctx, inLink: true };
  out.push(h('a', { href: url, title: url, target: '_blank', rel: 'noopener noreferrer' }, ...inner(content(inLink), inLink)));
  const host = revealedHost(url, href, text);
  if (host) out.push(' ', h('span', { className: 'link-host' }, `(${host})`));
}

function codeBlock(t: Tokens.Code): ReactElement {
  const lang = decodeEntities((t.lang ?? '').match(/^\S*/)![0]);
  const code = t.text ? `${t.text.replace(/\n$/, '')}\n` : '';
  // A code block scrolls sideways when its lines are long: keyboard users reach it with Tab.
  return h('pre', { tabIndex: 0 }, h('code', /^[\w-]+$/.test(lang) ? { className: `language-${lang}` } : null, code));
}

function list(t: Tokens.List, ctx: Ctx): ReactElement {
  const items = t.items.map((item) => h('li', null, ...blocks(item.tokens, ctx)));
  return h(t.ordered ? 'ol' : 'ul', null, ...items);
}

function table(t: Tokens.Table, ctx: Ctx): ReactElement {
  const row = (cells: Tokens.TableCell[], cell: 'th' | 'td') =>
    h('tr', null, ...cells.map((c) => h(cell, null, ...inlines(c.tokens, ctx))));
  return h(
    'table',
    null,
    h('thead', null, row(t.header, 'th')),
    t.rows.length ? h('tbody', null, ...t.rows.map((r) => row(r, 'td'))) : null,
  );
}
