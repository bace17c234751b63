/**
 * What runs inside the page. Each exported function is handed to Playwright, which sends its
 * source text: it may use nothing from outside its own body (types excepted, they are erased).
 * The bench's tsconfig has no DOM library, so the few browser APIs used are typed here.
 */

interface Rect {
  top: number;
  bottom: number;
}
interface El {
  getBoundingClientRect(): Rect;
  querySelector(s: string): El | null;
  querySelectorAll(s: string): ArrayLike<El> & Iterable<El>;
  getAttribute(name: string): string | null;
  getClientRects(): ArrayLike<unknown>;
  checkVisibility?(o: Record<string, boolean>): boolean;
  textContent: string | null;
  scrollTop: number;
  scrollHeight: number;
  clientHeight: number;
}
interface PageWindow {
  document: El;
  location: { pathname: string };
  performance: { now(): number };
  requestAnimationFrame(cb: (t: number) => void): number;
  setTimeout(cb: () => void, ms: number): number;
  MessageChannel: new () => { port1: { onmessage: (() => void) | null }; port2: { postMessage(m: unknown): void } };
  addEventListener(type: string, cb: (e: { timeStamp: number }) => void, capture: boolean): void;
  MutationObserver: new (cb: () => void) => { observe(target: El, o: Record<string, boolean | string[]>): void };
  PerformanceObserver: new (cb: (list: { getEntries(): { startTime: number; duration: number }[] }) => void) => {
    observe(o: Record<string, unknown>): void;
  };
  fetch(input: unknown, init?: unknown): Promise<{ status: number }>;
  __bench: Bench;
}

/**
 * A paint to wait for: the element `selector` is rendered (checkVisibility: no `display: none`,
 * `content-visibility: hidden` or `visibility: hidden` on it or above it, as a room kept mounted
 * in the background has) and holds `probe` in its text, then a rAF has run (the frame that paints
 * it is being made), then a task after it (that frame has been handed to the compositor:
 * post-paint).
 */
export interface Watch {
  key: string;
  selector: string;
  probe: string;
}

/** A request the app made (fetch), in page time. */
export interface Req {
  url: string;
  start: number;
  end: number;
  status: number;
}

export interface Bench {
  marks: Record<string, number>;
  /** A task after the rAF of `marks` (a MessageChannel message posted from it): after that frame's paint. */
  post: Record<string, number>;
  found: Record<string, number>;
  watches: Watch[];
  maxArticles: number;
  clicks: number[];
  requests: Req[];
  longTasks: { start: number; duration: number }[];
  watch: (w: Watch) => void;
  /** Set while the scroll test runs: told of each fetch of older messages as it starts. */
  onOlder: ((r: Req) => void) | null;
  scroll: ScrollState | null;
}

/**
 * Installed before any script of every document: paint watches (a MutationObserver checks them
 * after each batch of DOM changes: found = the DOM holds the text, marks = a rAF after that has
 * run), the most `article[data-mid]` nodes seen at once, click times (capture phase, the event's
 * own timestamp), the app's requests (fetch), and long tasks.
 */
export function install(first: Watch | null): void {
  const w = globalThis as unknown as PageWindow;
  const doc = w.document;
  const b: Bench = {
    marks: {},
    post: {},
    found: {},
    watches: [],
    maxArticles: 0,
    clicks: [],
    requests: [],
    longTasks: [],
    watch: () => {},
    onOlder: null,
    scroll: null,
  };
  w.__bench = b;
  // Rendered: a box, and no ancestor that skips its contents (display: none, content-visibility:
  // hidden) or hides it (visibility): a room kept mounted behind the one shown is not painted.
  const rendered = (el: El) =>
    el.checkVisibility ? el.checkVisibility({ contentVisibilityAuto: false, visibilityProperty: true }) : el.getClientRects().length > 0;
  const check = () => {
    const n = doc.querySelectorAll('article[data-mid]').length;
    if (n > b.maxArticles) b.maxArticles = n;
    for (const x of b.watches.slice()) {
      const el = doc.querySelector(x.selector);
      if (!el || !rendered(el) || !(el.textContent ?? '').includes(x.probe)) continue;
      b.watches.splice(b.watches.indexOf(x), 1);
      b.found[x.key] = w.performance.now();
      w.requestAnimationFrame(() => {
        b.marks[x.key] = w.performance.now();
        const ch = new w.MessageChannel();
        ch.port1.onmessage = () => (b.post[x.key] = w.performance.now());
        ch.port2.postMessage(0);
      });
    }
  };
  b.watch = (x) => {
    b.watches.push(x);
    check();
  };
  if (first) b.watches.push(first);
  // Attributes too: a room kept mounted but hidden is shown again by a style change, no node added.
  new w.MutationObserver(check).observe(doc, {
    childList: true,
    subtree: true,
    characterData: true,
    attributes: true,
    attributeFilter: ['style', 'hidden', 'class'],
  });
  w.addEventListener('click', (e) => b.clicks.push(e.timeStamp), true);
  const fetch = w.fetch.bind(w);
  w.fetch = (input: unknown, init?: unknown) => {
    const url = typeof input === 'string' ? input : String((input as { url?: string }).url ?? input);
    const r: Req = { url, start: w.performance.now(), end: 0, status: 0 };
    b.requests.push(r);
    if (/\/messages\?/.test(url) && /[?&]before=/.test(url)) b.onOlder?.(r);
    return fetch(input, init).then(
      (res) => {
        r.end = w.performance.now();
        r.status = res.status;
        return res;
      },
      (err: unknown) => {
        r.end = w.performance.now();
        throw err;
      },
    );
  };
  try {
    new w.PerformanceObserver((list) => {
      for (const e of list.getEntries()) b.longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // no long-task timing in this browser: the report says none
  }
}

export interface ScrollState {
  stopped: boolean;
  /** rAF to rAF during the test (ms). */
  frames: number[];
  /**
   * Per frame: how far the message at the top of the view moved in the content (px), less what
   * the app's own scrollTop writes moved the view: content added or removed above it that the
   * scroll position did not follow. The user's scrolling does not enter it (it moves the view,
   * not the content), so this holds whatever drives the scroll.
   */
  maxFrameDrift: number;
  /** Frames that moved the top message: content is how far it moved in the log's content, app how far the app's scrollTop writes moved the view, articles the node count before → after. */
  driftFrames: {
    at: number;
    px: number;
    prepend: boolean;
    loading: boolean;
    content: number;
    app: number;
    user: number;
    articles: [number, number];
    first: [number, number];
  }[];
  /** Per fetch of older messages: the top message when the request starts vs once its page is rendered, measured the same way. */
  fetchDrifts: { url: string; start: number; end: number; rendered: number; px: number; scrolledPx: number }[];
  prepends: number;
  passed: number;
  topSeq: number;
  maxArticles: number;
  atBeginning: boolean;
  /** Page time of the last frame the top of the view reached an older message. */
  lastProgress: number;
  now: number;
  ms: number;
  longTasks: { count: number; totalMs: number; maxMs: number };
}

export interface ScrollOptions {
  /** The log's accessible name (the room's name). */
  label: string;
  /** The newest seq of the room; seq is read from the seeded ids (their last 12 hex digits). */
  newestSeq: number;
}

/**
 * Watches the log frame by frame while something else scrolls it (real input, from the harness):
 * the rAF interval, the most message nodes, how far back the top of the view is, and drift. The
 * app's writes to scrollTop are counted through a wrapper of Element.prototype's scrollTop setter
 * (installed here, before the test; the app keeps the position with `scrollTop =` and `+=`).
 */
export function startMonitor(o: ScrollOptions): void {
  const w = globalThis as unknown as PageWindow & { Element: { prototype: object } };
  const b = w.__bench;
  const log = w.document.querySelector(`[role="log"][aria-label="${o.label.replace(/"/g, '\\"')}"]`) as
    (El & { __appScroll?: number }) | null;
  if (!log) throw new Error(`no log named ${o.label}`);
  const proto = w.Element.prototype;
  const d = Object.getOwnPropertyDescriptor(proto, 'scrollTop')!;
  Object.defineProperty(proto, 'scrollTop', {
    configurable: true,
    enumerable: d.enumerable ?? false,
    get: d.get,
    set(this: El & { __appScroll?: number }, v: number) {
      const before = d.get!.call(this) as number;
      d.set!.call(this, v);
      this.__appScroll = (this.__appScroll ?? 0) + ((d.get!.call(this) as number) - before);
    },
  });
  const appScroll = () => log.__appScroll ?? 0;
  const seqOf = (el: El) => parseInt((el.getAttribute('data-mid') ?? '').slice(-12), 16);
  const s: ScrollState = {
    stopped: false,
    frames: [],
    maxFrameDrift: 0,
    driftFrames: [],
    fetchDrifts: [],
    prepends: 0,
    passed: 0,
    topSeq: o.newestSeq,
    maxArticles: 0,
    atBeginning: false,
    lastProgress: 0,
    now: 0,
    ms: 0,
    longTasks: { count: 0, totalMs: 0, maxMs: 0 },
  };
  b.scroll = s;
  b.maxArticles = log.querySelectorAll('article[data-mid]').length;

  /** Where an element's top is in the log's content (independent of the scroll position). */
  const contentY = (el: El) => el.getBoundingClientRect().top - log.getBoundingClientRect().top + log.scrollTop;
  /** The first message whose bottom is below the top of the log (nodes: the log's messages, in order). */
  const top = (nodes: ArrayLike<El> = log.querySelectorAll('article[data-mid]')): El | null => {
    const logTop = log.getBoundingClientRect().top;
    let lo = 0;
    let hi = nodes.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (nodes[mid]!.getBoundingClientRect().bottom > logTop) {
        found = mid;
        hi = mid - 1;
      } else lo = mid + 1;
    }
    return found < 0 ? null : nodes[found]!;
  };
  const byId = (id: string) => log.querySelector(`article[data-mid="${id}"]`);
  const firstSeq = () => {
    const el = log.querySelector('article[data-mid]');
    return el ? seqOf(el) : Infinity;
  };

  // A fetch of older messages: the top message, its place in the content and the app's scroll so far.
  // scrolled: how far the user's input moved the view up meanwhile (scrollTop changes the app did not make).
  const open: { r: Req; id: string; y: number; app: number; firstSeq: number; scrolled: number }[] = [];
  b.onOlder = (r) => {
    const t = top();
    if (t) open.push({ r, id: t.getAttribute('data-mid') ?? '', y: contentY(t), app: appScroll(), firstSeq: firstSeq(), scrolled: 0 });
  };

  const t0 = w.performance.now();
  s.lastProgress = t0;
  let prevT = 0;
  let prev: { id: string; y: number; app: number; articles: number; first: number } | null = null;
  let prevFirst = firstSeq();
  let lastTopSeq = Infinity;
  let prevScroll = { top: log.scrollTop, app: appScroll() };

  const frame = (t: number) => {
    if (s.stopped) return;
    if (prevT) s.frames.push(t - prevT);
    prevT = t;
    const now = w.performance.now();
    s.now = now;
    const user = log.scrollTop - prevScroll.top - (appScroll() - prevScroll.app);
    prevScroll = { top: log.scrollTop, app: appScroll() };
    for (const f of open) f.scrolled -= user;
    const nodes = log.querySelectorAll('article[data-mid]');
    const first = nodes.length ? seqOf(nodes[0]!) : Infinity;
    const prepended = first < prevFirst;
    if (prepended) s.prepends++;
    prevFirst = first;
    if (prev) {
      const el = byId(prev.id);
      if (el) {
        const px = Math.abs(contentY(el) - prev.y - (appScroll() - prev.app));
        if (px > s.maxFrameDrift) s.maxFrameDrift = px;
        if (px > 1)
          s.driftFrames.push({
            at: now,
            px,
            prepend: prepended,
            loading: open.length > 0,
            content: contentY(el) - prev.y,
            app: appScroll() - prev.app,
            user,
            articles: [prev.articles, nodes.length],
            first: [prev.first, first],
          });
      }
    }
    for (const f of open.slice()) {
      if (f.r.end === 0 || !(first < f.firstSeq)) continue;
      open.splice(open.indexOf(f), 1);
      const el = byId(f.id);
      s.fetchDrifts.push({
        url: f.r.url,
        start: f.r.start,
        end: f.r.end,
        rendered: now,
        px: el ? Math.abs(contentY(el) - f.y - (appScroll() - f.app)) : NaN,
        scrolledPx: f.scrolled,
      });
    }
    const cur = top(nodes);
    prev = null;
    if (cur) {
      prev = { id: cur.getAttribute('data-mid') ?? '', y: contentY(cur), app: appScroll(), articles: nodes.length, first };
      const seq = seqOf(cur);
      s.topSeq = seq;
      s.passed = o.newestSeq - seq;
      if (seq < lastTopSeq) {
        lastTopSeq = seq;
        s.lastProgress = now;
      }
    }
    if (nodes.length > s.maxArticles) s.maxArticles = nodes.length;
    s.atBeginning = log.scrollTop === 0 && (log.querySelector('.timeline-top')?.textContent ?? '').includes('beginning');
    w.requestAnimationFrame(frame);
  };
  w.requestAnimationFrame(frame);
}

/** Ends the monitor; the summary of long tasks during it is added. */
export function stopMonitor(): ScrollState {
  const w = globalThis as unknown as PageWindow;
  const b = w.__bench;
  const s = b.scroll!;
  s.stopped = true;
  b.onOlder = null;
  const t0 = s.now - s.frames.reduce((a, x) => a + x, 0);
  s.ms = s.now - t0;
  const tasks = b.longTasks.filter((x) => x.start >= t0);
  s.longTasks = {
    count: tasks.length,
    totalMs: tasks.reduce((a, x) => a + x.duration, 0),
    maxMs: tasks.reduce((a, x) => Math.max(a, x.duration), 0),
  };
  s.maxArticles = Math.max(s.maxArticles, b.maxArticles);
  return s;
}

/** Progress of the monitor, small enough to poll every second. */
export function progress(): { passed: number; atBeginning: boolean; idleMs: number; frames: number } {
  const s = (globalThis as unknown as PageWindow).__bench.scroll!;
  return { passed: s.passed, atBeginning: s.atBeginning, idleMs: s.now - s.lastProgress, frames: s.frames.length };
}
