import DOMPurify from 'dompurify';
import { Marked, type Tokens } from 'marked';

/**
 * Message Markdown → safe HTML. Two walls: the renderer never emits raw HTML (HTML in a message is
 * shown as text), links only keep http(s)/mailto targets, images become links (no remote loads);
 * then DOMPurify with a short allow-list removes anything else. Every link opens in a new tab with
 * rel="noopener noreferrer" and shows where it really goes.
 */
const SAFE_URL = /^(https?:|mailto:)/i;

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function safeHref(href: string): string | null {
  const h = href.trim();
  try {
    const u = new URL(h, 'https://invalid.example/');
    if (!SAFE_URL.test(h) || u.origin === 'https://invalid.example') return null;
    return u.href;
  } catch {
    return null;
  }
}

function link(href: string, inner: string, plainText: string): string {
  const url = safeHref(href);
  if (!url) return inner;
  let host = '';
  try {
    host = new URL(url).host;
  } catch {
    /* mailto */
  }
  const shown = plainText.trim();
  // A link whose text is not its own address says where it really goes.
  const reveal =
    host && shown !== url && shown !== href.trim() && !shown.includes(host) ? ` <span class="link-host">(${escape(host)})</span>` : '';
  return `<a href="${escape(url)}" title="${escape(url)}" target="_blank" rel="noopener noreferrer">${inner}</a>${reveal}`;
}

const marked = new Marked({
  gfm: true,
  breaks: true,
  async: false,
  renderer: {
    html: (t: Tokens.HTML | Tokens.Tag) => escape(t.text),
    link(t: Tokens.Link) {
      return link(t.href, this.parser.parseInline(t.tokens), t.text);
    },
    image: (t: Tokens.Image) => link(t.href, escape(t.text || t.href), t.text || ''),
    heading(t: Tokens.Heading) {
      // Headings in chat are just bold lines: no page structure inside a message.
      return `<p><strong>${this.parser.parseInline(t.tokens)}</strong></p>`;
    },
  },
});

const ALLOWED_TAGS = [
  'a',
  'p',
  'br',
  'strong',
  'em',
  'del',
  'code',
  'pre',
  'blockquote',
  'ul',
  'ol',
  'li',
  'hr',
  'span',
  'table',
  'thead',
  'tbody',
  'tr',
  'th',
  'td',
  'input',
];
const ALLOWED_ATTR = ['href', 'title', 'target', 'rel', 'class', 'type', 'checked', 'disabled', 'start'];

let hooked = false;
function purify(html: string): string {
  if (!hooked) {
    hooked = true;
    DOMPurify.addHook('afterSanitizeAttributes', (node) => {
      if (node.tagName === 'A') {
        const href = node.getAttribute('href');
        if (!href || !safeHref(href)) node.removeAttribute('href');
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer');
      }
      if (node.tagName === 'INPUT' && node.getAttribute('type') !== 'checkbox') node.remove();
      // A code block scrolls sideways when its lines are long: keyboard users reach it with Tab.
      // (Set here, after sanitising: a tabindex written in a message is never kept.)
      if (node.tagName === 'PRE') node.setAttribute('tabindex', '0');
      if (node.hasAttribute('class') && !/^(link-host|mention|mention-me|language-[\w-]+)$/.test(node.getAttribute('class') ?? ''))
        node.removeAttribute('class');
    });
  }
  return DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR, ALLOW_DATA_ATTR: false, ALLOWED_URI_REGEXP: /^(?:https?:|mailto:)/i });
}

/**
 * Rendered messages, newest use last: switching back to a room or scrolling over the same
 * messages again re-mounts them, and parsing plus sanitising is most of a message's mount cost.
 */
const cache = new Map<string, string>();
const CACHE_MAX = 3000;

/** Safe HTML for a message's content; `@name` mentions are marked (mine stand out). */
export function renderMarkdown(content: string, myUsername?: string | null): string {
  const key = `${myUsername ?? ''}\u0000${content}`;
  const hit = cache.get(key);
  if (hit !== undefined) {
    cache.delete(key);
    cache.set(key, hit);
    return hit;
  }
  const html = isPlain(content) ? `<p>${escape(content)}</p>` : purify(markMentions(marked.parse(content) as string, myUsername));
  cache.set(key, html);
  if (cache.size > CACHE_MAX) cache.delete(cache.keys().next().value!);
  return html;
}

/**
 * One line of words and ordinary punctuation, which Markdown would only wrap in a paragraph: most
 * chat messages. Anything that could be syntax (emphasis, code, links and autolinks, HTML, entities,
 * mentions, lists, quotes, headings, breaks, indented code) takes the full parse and sanitiser.
 */
export function isPlain(content: string): boolean {
  return (
    /^[^\s\\`*_~[\]<>#|&!=@^$]([^\n\r\t\\`*_~[\]<>#|&!=@^$]*[^\s\\`*_~[\]<>#|&!=@^$])?$/.test(content) &&
    !/:\/\/|www\.|^[-+>]|^\d+[.)]/i.test(content)
  );
}

/** Wraps @mentions outside tags and code in spans (runs on escaped HTML text only). */
function markMentions(html: string, me?: string | null): string {
  let inCode = 0;
  return html.replace(/(<[^>]+>)|([^<]+)/g, (_all, tag: string | undefined, text: string | undefined) => {
    if (tag) {
      if (/^<(code|pre|a)\b/i.test(tag)) inCode++;
      else if (/^<\/(code|pre|a)>/i.test(tag)) inCode = Math.max(0, inCode - 1);
      return tag;
    }
    if (inCode || !text) return text ?? '';
    return text.replace(/(^|[\s(])@([a-z0-9_.-]{1,32}|room)\b/gi, (m, pre: string, name: string) => {
      const mine = me && name.toLowerCase() === me.toLowerCase();
      return `${pre}<span class="${mine || name === 'room' ? 'mention-me' : 'mention'}">@${name}</span>`;
    });
  });
}
