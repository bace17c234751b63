import type { Browser, Locator, Page, Request } from 'playwright-core';
import type { TestServer } from '../../../server/test/helpers/server.ts';
import { openTab, type ContextOptions, type Tab } from '../helpers/browser.ts';

/**
 * A browser context with the Content-Security-Policy switched off, watched for every way an XSS
 * payload could show that it ran or leaked:
 *
 * - `__xss(n)`, the trap every payload calls, defined before any page script (and not
 *   overwritable, so an element with id="__xss" cannot shadow it);
 * - any alert/confirm/prompt dialog;
 * - any request to a host other than the test server (aborted, so nothing leaves the machine),
 *   and any navigation of the app's own tab away from the server;
 * - popups (a link with target=_blank) whose address is not a web address (javascript:, data:);
 * - dangerous markup that reached the DOM even if it never fired (an on* attribute, a
 *   javascript: address, a <script>, <iframe> or <svg>, a foreign image): the sanitiser's output
 *   is checked, not only its effects.
 */

export interface Finding {
  kind: 'trap' | 'dialog' | 'foreign request' | 'navigation' | 'popup' | 'dom';
  detail: string;
  /** What the test was looking at in the tab concerned (set with `at`). */
  screen: string;
}

export interface Watched extends Tab {
  findings: Finding[];
  /** Names the screen a tab shows: findings from it are attributed to that screen. */
  at(page: Page, screen: string): void;
  /** Another tab of the app in the same context (the same session once signed in), watched alike. */
  newTab(): Promise<Page>;
  /** Addresses of the popups opened (links clicked), each as first navigated. */
  popups: string[];
  /** Closes the popups (every page of the context that is not one of the app's tabs). */
  closePopups(): Promise<void>;
}

/** Runs in every frame before the page's scripts: the trap and the DOM check. */
const INIT = `(() => {
  const report = (kind, detail) => { try { window.__xssReport(kind, String(detail).slice(0, 300)); } catch {} };
  try {
    Object.defineProperty(window, '__xss', { value: (n) => report('trap', '__xss(' + n + ') in ' + location.href), writable: false, configurable: false });
  } catch {}
  const origin = location.origin;
  const WEB = new Set(['http:', 'https:', 'mailto:']);
  const URL_ATTRS = ['href', 'src', 'xlink:href', 'poster', 'background', 'data', 'cite', 'lowsrc', 'dynsrc', 'codebase'];
  const LOADS = new Set(['src', 'poster', 'background', 'data', 'lowsrc', 'dynsrc', 'codebase']);
  const NEVER = new Set(['SCRIPT', 'IFRAME', 'FRAME', 'FRAMESET', 'OBJECT', 'EMBED', 'APPLET', 'BASE', 'META', 'LINK', 'STYLE', 'PORTAL', 'NOSCRIPT', 'TEMPLATE', 'XMP', 'PLAINTEXT']);
  const BODY_TAGS = new Set(['A', 'P', 'BR', 'STRONG', 'EM', 'DEL', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'HR', 'SPAN', 'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'INPUT']);
  const where = (el) => {
    const area = el.closest('[aria-label]');
    return area ? ' in "' + area.getAttribute('aria-label').slice(0, 60) + '"' : '';
  };
  const bad = (el, why) => report('dom', '<' + el.tagName.toLowerCase() + '> ' + why + where(el));
  const check = (el) => {
    if (!(el instanceof Element) || !document.body || !document.body.contains(el)) return;
    const tag = el.tagName.toUpperCase();
    if (el.namespaceURI !== 'http://www.w3.org/1999/xhtml') return bad(el, 'in the ' + el.namespaceURI + ' namespace');
    if (tag === 'SCRIPT' && el.src && new URL(el.src).origin === origin && !el.text) {
      // The app's own entry script.
    } else if (NEVER.has(tag)) return bad(el, 'element');
    if (el.parentElement && el.parentElement.closest('.message-body') && !BODY_TAGS.has(tag)) bad(el, 'outside the message allow-list');
    for (const { name, value } of [...el.attributes]) {
      const n = name.toLowerCase();
      if (n.startsWith('on')) bad(el, n + '="' + value + '"');
      else if (['srcdoc', 'srcset', 'formaction', 'action', 'ping'].includes(n)) bad(el, n + '="' + value + '"');
      else if (n === 'style' && /url\\(|expression|@import|javascript|behavior|binding/i.test(value)) bad(el, 'style="' + value + '"');
      else if (URL_ATTRS.includes(n)) {
        let u;
        try { u = new URL(value, document.baseURI); } catch { continue; }
        if (!WEB.has(u.protocol)) bad(el, n + '="' + value + '"');
        else if (LOADS.has(n) && u.origin !== origin) bad(el, n + '="' + value + '" loads from another origin');
      }
    }
  };
  const checkTree = (node) => {
    if (!(node instanceof Element)) return;
    check(node);
    for (const el of node.querySelectorAll('*')) check(el);
  };
  new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') check(r.target);
      else for (const n of r.addedNodes) checkTree(n);
    }
  }).observe(document, { subtree: true, childList: true, attributes: true });
})();`;

export async function openWatched(browser: Browser, server: TestServer, opts: Omit<ContextOptions, 'bypassCSP'> = {}): Promise<Watched> {
  const tab = await openTab(browser, server, { ...opts, bypassCSP: true });
  const origin = new URL(server.url).origin;
  const findings: Finding[] = [];
  const popups: string[] = [];
  /** The app's own tabs, each with the screen it shows; any other page is a popup. */
  const tabs = new Map<Page, string>();
  const add = (kind: Finding['kind'], detail: string, page: Page | null) =>
    findings.push({ kind, detail, screen: (page && tabs.get(page)) ?? 'a popup' });

  // The trap counts in any page (a popup too); the DOM check only in the app's tabs (a popup
  // showing a browser error page has markup of its own).
  await tab.context.exposeBinding('__xssReport', (source, kind: string, detail: string) => {
    if (kind === 'trap') add('trap', detail, source.page);
    else if (tabs.has(source.page)) add('dom', detail, source.page);
  });
  await tab.context.addInitScript(INIT);
  // Nothing leaves the machine: every request to another host is refused (and reported below).
  await tab.context.route(
    (url) => url.origin !== origin,
    (route) => route.abort('blockedbyclient'),
  );
  /** The page a request comes from; null for a popup's first navigation (its page does not exist yet). */
  const pageOf = (r: Request): Page | null => {
    try {
      return r.frame().page();
    } catch {
      return null;
    }
  };
  tab.context.on('request', (r) => {
    const url = r.url();
    if (url.startsWith(`${origin}/`) || url.startsWith('data:') || url.startsWith('blob:')) return;
    const page = pageOf(r);
    // A popup going where a clicked link said is what links do (popup addresses are checked
    // below); anything else fetched from another host is a leak.
    if (!(page && tabs.has(page)) && r.isNavigationRequest()) return;
    add('foreign request', `${r.method()} ${url}`, page);
  });
  tab.context.on('dialog', (d) => {
    add('dialog', `${d.type()}: ${d.message()}`, d.page());
    void d.dismiss().catch(() => {});
  });
  const watchTab = (page: Page) => {
    tabs.set(page, 'start');
    page.on('framenavigated', (f) => {
      if (f === page.mainFrame() && !f.url().startsWith(`${origin}/`)) add('navigation', f.url(), page);
    });
  };
  watchTab(tab.page);
  let opening = false;
  tab.context.on('page', (p) => {
    if (opening) return;
    const seen = (url: string) => {
      popups.push(url);
      if (!/^(https?:|about:blank$|chrome-error:)/.test(url)) add('popup', url, null);
    };
    seen(p.url());
    p.on('framenavigated', (f) => f === p.mainFrame() && seen(f.url()));
  });
  const newTab = async () => {
    opening = true;
    const page = await tab.context.newPage().finally(() => (opening = false));
    watchTab(page);
    page.on('pageerror', (e) => tab.problems.pageErrors.push(e.message));
    await page.goto('/');
    return page;
  };
  const closePopups = async () => {
    for (const p of tab.context.pages()) if (!tabs.has(p)) await p.close().catch(() => {});
  };
  return { ...tab, findings, popups, newTab, closePopups, at: (page, screen) => void tabs.set(page, screen) };
}

/**
 * What a payload may need a person to do: moves the mouse over every element inside `scope` (and
 * the scope itself), then clicks each one, as a person would (links open popups, which are closed
 * again). The mouse goes to each element's centre, scrolled into view; hidden elements are skipped.
 */
export async function poke(scope: Locator): Promise<void> {
  const page = scope.page();
  const centres = () =>
    scope.evaluateAll((roots) => {
      roots[0]?.scrollIntoView({ block: 'nearest' });
      return roots
        .flatMap((r) => [r, ...r.querySelectorAll('*')])
        .map((el) => el.getBoundingClientRect())
        .filter((r) => r.width > 0 && r.height > 0 && r.bottom > 0 && r.top < innerHeight)
        .map((r) => ({ x: r.left + r.width / 2, y: r.top + r.height / 2 }));
    });
  for (const at of await centres()) await page.mouse.move(at.x, at.y);
  for (const at of await centres()) await page.mouse.click(at.x, at.y);
  await page.mouse.move(0, 0);
}
