import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import { signup, startServer, type TestServer } from '../../../server/test/helpers/server.ts';
import { backends } from '../../../server/test/helpers/services.ts';
import { webBuild } from './build.ts';

/**
 * The browser harness of the web app's tests: Debian's Chromium driven by playwright-core (no
 * downloaded browser), against a real Rooms server serving the real build.
 */

export const CHROMIUM = process.env.TEST_CHROMIUM ?? '/usr/bin/chromium';

/** Quiet, deterministic Chromium: no sandbox (containers, root), no GPU, nothing fetched on its own. */
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

/**
 * Why the browser suites cannot run here (a message for `skip`), or false when they can. In CI a
 * missing Chromium is an error, not a skip: a green run must mean the suites ran (.ci/run installs it).
 */
export function browserSkip(): string | false {
  if (existsSync(CHROMIUM)) return false;
  const why = `no Chromium at ${CHROMIUM}: apt-get install chromium, or set TEST_CHROMIUM to one`;
  if (process.env.CI) throw new Error(`${why} (CI must not skip the browser suites)`);
  return why;
}

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/**
 * A real server (SQLite in a temp dir, the test settings of @rooms/server's suites: signup() works,
 * its first account is the admin) serving the real web build at /.
 */
export async function startRoomsServer(config: Record<string, unknown> = {}): Promise<TestServer> {
  const sqlite = backends().find((b) => b.name === 'sqlite')!;
  return startServer(sqlite, { config: { WEB_DIR: webBuild(), ...config } });
}

export interface ContextOptions {
  /** A phone: 360×640, touch, mobile viewport rules. Default: a 1280×800 desktop. */
  mobile?: boolean;
  /** prefers-color-scheme. Default light. */
  colorScheme?: 'light' | 'dark';
  /** Ignore the server's Content-Security-Policy (the XSS tests: what would run without it). */
  bypassCSP?: boolean;
  /** Anything else Playwright takes (locale, timezoneId, reducedMotion, …). */
  extra?: BrowserContextOptions;
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const MOBILE = { width: 360, height: 640 } as const;

/** What went wrong in a page that a user would not see but a test must: each entry one line. */
export interface Problems {
  /** console.error messages (Chromium logs failed loads and CSP refusals there too). */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections. */
  pageErrors: string[];
  /** securitypolicyviolation events: "directive blocked-uri". */
  cspViolations: string[];
  /** Requests to the server answered ≥ 400, or that failed. */
  failedRequests: string[];
  /** Every line above, for one assert.deepEqual(all(), []). */
  all(): string[];
}

/** Reports each CSP violation to the test through a binding (init scripts are not subject to the page's CSP). */
const REPORT_CSP = `document.addEventListener('securitypolicyviolation', (e) => {
  window.__roomsCspViolation(e.violatedDirective + ' ' + (e.blockedURI || '(inline)') + (e.sourceFile ? ' at ' + e.sourceFile + ':' + e.lineNumber : ''));
});`;

export interface Tab {
  context: BrowserContext;
  page: Page;
  problems: Problems;
}

/** A fresh browser context (its own cookies and storage: one person) and a page in it, watched for problems. */
export async function openTab(browser: Browser, server: Pick<TestServer, 'url'>, opts: ContextOptions = {}): Promise<Tab> {
  const context = await browser.newContext({
    baseURL: server.url,
    viewport: opts.mobile ? MOBILE : DESKTOP,
    ...(opts.mobile ? { isMobile: true, hasTouch: true, deviceScaleFactor: 2 } : {}),
    colorScheme: opts.colorScheme ?? 'light',
    bypassCSP: opts.bypassCSP ?? false,
    ...opts.extra,
  });
  const problems: Problems = {
    consoleErrors: [],
    pageErrors: [],
    cspViolations: [],
    failedRequests: [],
    all() {
      return [
        ...this.consoleErrors.map((e) => `console: ${e}`),
        ...this.pageErrors.map((e) => `page: ${e}`),
        ...this.cspViolations.map((e) => `csp: ${e}`),
        ...this.failedRequests.map((e) => `request: ${e}`),
      ];
    },
  };
  await context.exposeBinding('__roomsCspViolation', (_source, line: string) => void problems.cspViolations.push(line));
  await context.addInitScript(REPORT_CSP);
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') problems.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => problems.pageErrors.push(e.message));
  page.on('requestfailed', (r) => {
    if (r.url().startsWith(server.url)) problems.failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText ?? 'failed'}`);
  });
  page.on('response', (r) => {
    if (r.status() >= 400 && r.url().startsWith(server.url))
      problems.failedRequests.push(`${r.request().method()} ${r.url()}: ${r.status()}`);
  });
  return { context, page, problems };
}

export interface Person extends Tab {
  /** The account, signed up through the API: id, username, password, token, and a REST client (api). */
  user: Awaited<ReturnType<typeof signup>>;
}

/**
 * N people, each with an account (signed up through the API; the server's first account is its
 * admin) and a browser context of their own. The pages are blank: log in through the app as the
 * test needs (the app decides how a session is kept).
 */
export async function openPeople(
  browser: Browser,
  server: Pick<TestServer, 'url'>,
  n: number,
  opts: ContextOptions = {},
): Promise<Person[]> {
  const people: Person[] = [];
  for (let i = 0; i < n; i++) {
    const user = await signup(server.url);
    people.push({ user, ...(await openTab(browser, server, opts)) });
  }
  return people;
}

/**
 * Makes the page's frames come `ms` late, as on a busy machine, until the returned function puts
 * them back: work a component leaves to the next frame then lands between two keys of a test.
 */
export async function lateFrames(page: Page, ms: number): Promise<() => Promise<void>> {
  await page.evaluate((delay) => {
    const raf = window.requestAnimationFrame.bind(window);
    (window as unknown as { onTimeRaf: typeof raf }).onTimeRaf = raf;
    window.requestAnimationFrame = (cb) => window.setTimeout(() => raf(cb), delay);
  }, ms);
  return async () => {
    await page.evaluate(
      () => (window.requestAnimationFrame = (window as unknown as { onTimeRaf: typeof requestAnimationFrame }).onTimeRaf),
    );
  };
}
