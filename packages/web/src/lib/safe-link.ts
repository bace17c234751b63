/**
 * Links in messages: only http(s) and mailto targets are kept (no javascript:, data:, vbscript:,
 * relative or protocol-relative URLs), and a link whose text is not its own address says where it
 * really goes.
 */
const SAFE_URL = /^(https?:|mailto:)/i;
const BASE = 'https://invalid.example';

/** The absolute URL a link may point to, or null when its target is not a safe scheme. */
export function safeHref(href: string): string | null {
  const h = href.trim();
  try {
    const u = new URL(h, `${BASE}/`);
    if (!SAFE_URL.test(h) || u.origin === BASE) return null;
    return u.href;
  } catch {
    return null;
  }
}

/**
 * The host to show beside a link to url (written as href, reading `text`), or '' when the text
 * already shows it: the link's own address, or any text naming its host. mailto: shows nothing.
 */
export function revealedHost(url: string, href: string, text: string): string {
  let host = '';
  try {
    host = new URL(url).host;
  } catch {
    /* mailto */
  }
  const shown = text.trim();
  return host && shown !== url && shown !== href.trim() && !shown.includes(host) ? host : '';
}
