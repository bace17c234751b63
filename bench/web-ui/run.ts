/**
 * One run of the UI bench in a fresh browser context: log in through the form, then a navigation
 * to the landing room with the HTTP cache emptied (cold) and one with it (warm), room switches,
 * and the scroll back through the landing room's history with the JS heap before and after.
 */
import type { Browser, CDPSession, Page } from 'playwright-core';
import type { Req, ScrollState, Watch } from './page.ts';
import { progress, startMonitor, stopMonitor } from './page.ts';
import { calibrate, heapAfterGc, openTab, VIEWPORT } from './browser.ts';
import { join } from 'node:path';
import { startProfile, stopProfile, type Profile } from './profile.ts';

/** DevTools' own timeline categories: main-thread tasks with Blink's style/layout/paint, V8's GC, frames. */
const TRACE_CATEGORIES = [
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'disabled-by-default-devtools.timeline.frame',
  'v8',
  'blink.user_timing',
  'benchmark',
  'cc',
];

/** A room as the bench knows it: what its newest message shows once painted. */
export interface RoomTarget {
  id: string;
  name: string;
  newestId: string;
  newestSeq: number;
  /** A stretch of the newest message's text as the DOM shows it. */
  probe: string;
}

export interface RunOptions {
  ui: string;
  username: string;
  password: string;
  landing: RoomTarget;
  second: RoomTarget;
  /** Switches back and forth between the two rooms after the first visit of the second. */
  switches: number;
  scrollMessages: number;
  /** Flick gestures: start speed (px/s) and distance (px) of each; the pause between them. */
  flickSpeed: number;
  flickPx: number;
  flickPauseMs: number;
  stallMs: number;
  log: (msg: string) => void;
}

export interface Load {
  /** Page time (ms from navigation start) when the newest message's text was in the DOM, and when a rAF after it ran. */
  domMs: number;
  paintMs: number;
  /** Milestones of the load, ms from navigation start. */
  responseEnd: number;
  domContentLoaded: number;
  /** The app's requests up to the paint, in page time. */
  requests: Req[];
  /** Script and style files the page fetched up to the paint (a lazy chunk loaded at start shows here). */
  assets: string[];
}

export interface Switch {
  to: string;
  firstVisit: boolean;
  /** Click → the rAF after the newest message is in the DOM and rendered (the frame that paints it is being made). */
  ms: number;
  /** Click → a task after that rAF (the frame has been painted and handed on): the more faithful "painted". */
  postMs: number;
}

export interface RunResult {
  calibration: { throttled: number; unthrottled: number };
  cold: Load;
  warm: Load;
  switches: Switch[];
  scroll: ScrollState & { heapBefore: number; heapAfter: number; olderFetches: number; gestures: number; reason: string };
  /** Frame intervals of a static page (no script but the rAF loop) flicked the same way just before the scroll: what the machine allows at that moment. */
  control: { frames: number[] };
}

const sel = (room: RoomTarget) => `[role="log"][aria-label="${room.name}"] article[data-mid="${room.newestId}"]`;
export const watchOf = (key: string, room: RoomTarget): Watch => ({ key, selector: sel(room), probe: room.probe });

/** Waits for a paint watch; a UI that never paints is the bench's one hard failure. */
async function painted(page: Page, key: string, timeoutMs = 60_000): Promise<{ found: number; mark: number; post: number }> {
  try {
    await page.waitForFunction(
      (k) => (globalThis as unknown as { __bench: { post: Record<string, number> } }).__bench?.post[k] !== undefined,
      key,
      { timeout: timeoutMs, polling: 50 },
    );
  } catch (err) {
    const shot = `/tmp/rooms-web-ui-${key}-${Date.now()}.png`;
    await page.screenshot({ path: shot }).catch(() => {});
    throw new Error(
      `the UI never painted "${key}" within ${timeoutMs / 1000} s (screenshot: ${shot}): ${(err as Error).message.split('\n')[0]}`,
      { cause: err },
    );
  }
  return page.evaluate((k) => {
    const b = (
      globalThis as unknown as {
        __bench: { marks: Record<string, number>; post: Record<string, number>; found: Record<string, number> };
      }
    ).__bench;
    return { found: b.found[k]!, mark: b.marks[k]!, post: b.post[k]! };
  }, key);
}

async function load(page: Page, url: string): Promise<Load> {
  await page.goto(url, { waitUntil: 'commit' });
  const { found, mark } = await painted(page, 'nav');
  return page.evaluate(
    ({ domMs, paintMs }) => {
      const perf = performance as unknown as {
        getEntriesByType(t: string): { name: string; startTime: number; responseEnd: number; domContentLoadedEventEnd: number }[];
      };
      const nav = perf.getEntriesByType('navigation')[0]!;
      const b = (globalThis as unknown as { __bench: { requests: Req[] } }).__bench;
      const assets = perf
        .getEntriesByType('resource')
        .filter((e) => e.startTime <= paintMs && /\.(js|css)(\?|$)/.test(e.name))
        .map((e) => new URL(e.name).pathname);
      return {
        domMs,
        paintMs,
        responseEnd: nav.responseEnd,
        domContentLoaded: nav.domContentLoadedEventEnd,
        requests: b.requests.filter((r) => r.start <= paintMs),
        assets,
      };
    },
    { domMs: found, paintMs: mark },
  );
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Log in through the form: the token lands in localStorage as a user's would; the app then opens the most recent room. */
export async function logIn(page: Page, o: RunOptions): Promise<void> {
  await page.goto(`${o.ui}/`);
  await page.getByLabel('Username or email').fill(o.username);
  await page.getByLabel('Password').fill(o.password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await painted(page, 'nav');
  if (!new URL(page.url()).pathname.endsWith(`/r/${o.landing.id}`))
    throw new Error(`after login the app opened ${page.url()}, not the landing room`);
}

export async function runOnce(browser: Browser, o: RunOptions): Promise<RunResult> {
  const tab = await openTab(browser, watchOf('nav', o.landing));
  const { page, cdp } = tab;
  try {
    await logIn(page, o);

    await cdp.send('Network.clearBrowserCache');
    const cold = await load(page, `${o.ui}/r/${o.landing.id}`);
    o.log(`  cold load: painted at ${cold.paintMs.toFixed(0)} ms`);
    const warm = await load(page, `${o.ui}/r/${o.landing.id}`);
    o.log(`  warm load: painted at ${warm.paintMs.toFixed(0)} ms`);
    const calibration = await calibrate(page, cdp);

    await settle(1000);
    const switches = await roomSwitches(page, o);
    o.log(
      `  switches: ${switches.map((s) => `${s.ms.toFixed(0)}/${s.postMs.toFixed(0)}${s.firstVisit ? ' (first visit)' : ''}`).join(', ')} ms (rAF / post-paint)`,
    );

    const control = await controlScroll(browser, o);
    o.log(`  control: a static page flicked the same way, p95 frame ${percentileOf(control.frames, 95).toFixed(1)} ms`);

    // The scroll test starts from a fresh page of the landing room.
    await load(page, `${o.ui}/r/${o.landing.id}`);
    await settle(1000);
    const scroll = await scrollBack(page, cdp, o);
    return { calibration, cold, warm, switches, scroll, control };
  } finally {
    await tab.close();
  }
}

/** Second room (first visit), then back and forth; each timed from the click event to the painted newest message. */
async function roomSwitches(page: Page, o: RunOptions, fromSecond = false): Promise<Switch[]> {
  const nav = page.getByRole('navigation', { name: 'Rooms' });
  const link = (room: RoomTarget) =>
    nav.getByRole('link', { name: new RegExp(`^${room.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(,|$)`) });
  const out: Switch[] = [];
  for (let i = 0; i <= o.switches; i++) {
    const room = (i + (fromSecond ? 1 : 0)) % 2 === 0 ? o.second : o.landing;
    const key = `switch${i}`;
    await page.evaluate((w) => (globalThis as unknown as { __bench: { watch: (x: Watch) => void } }).__bench.watch(w), watchOf(key, room));
    // Where the link is, found first: the click itself is raw input (CDP), with no locator work in the page meanwhile.
    const box = await link(room).boundingBox();
    if (!box) throw new Error(`no link to ${room.name} in the navigation named Rooms`);
    await settle(300);
    const clicks = await page.evaluate(() => (globalThis as unknown as { __bench: { clicks: number[] } }).__bench.clicks.length);
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    const { mark, post } = await painted(page, key, 30_000);
    const clickAt = await page.evaluate((n) => (globalThis as unknown as { __bench: { clicks: number[] } }).__bench.clicks[n]!, clicks);
    out.push({ to: room.name, firstVisit: i === 0 && !fromSecond, ms: mark - clickAt, postMs: post - clickAt });
    await settle(700);
  }
  return out;
}

/**
 * Flicks upward over the log with real input (CDP Input.synthesizeScrollGesture, the synthetic
 * gestures Chromium's own smoothness benchmarks use: mouse-wheel ticks at the given speed, through
 * the compositor as a user's), a pause between flicks, while the page monitor measures.
 */
export async function scrollBack(page: Page, cdp: CDPSession, o: RunOptions): Promise<RunResult['scroll']> {
  const heapBefore = await heapAfterGc(cdp);
  const box = await page.locator(`[role="log"][aria-label="${o.landing.name}"]`).boundingBox();
  if (!box) throw new Error('the landing room has no log on screen');
  const x = Math.round(box.x + box.width / 2);
  const y = Math.round(box.y + Math.min(box.height / 2, VIEWPORT.height / 2));
  await page.evaluate(startMonitor, { label: o.landing.name, newestSeq: o.landing.newestSeq });
  let reason = '';
  let gestures = 0;
  let lastLog = 0;
  const t0 = performance.now();
  for (;;) {
    const p = await page.evaluate(progress);
    if (p.passed >= o.scrollMessages) reason = `${o.scrollMessages.toLocaleString('en')} messages passed`;
    else if (p.atBeginning) reason = 'the beginning of the room';
    else if (p.idleMs > o.stallMs) reason = `stalled: the view did not reach an older message for ${(o.stallMs / 1000).toFixed(0)} s`;
    if (reason) break;
    if (performance.now() - lastLog > 15_000) {
      lastLog = performance.now();
      o.log(`  scroll: ${p.passed.toLocaleString('en')} messages back after ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    await cdp.send('Input.synthesizeScrollGesture', {
      x,
      y,
      yDistance: o.flickPx,
      speed: o.flickSpeed,
      gestureSourceType: 'mouse',
      preventFling: true,
    });
    gestures++;
    await settle(o.flickPauseMs);
  }
  const state = await page.evaluate(stopMonitor);
  const heapAfter = await heapAfterGc(cdp);
  const olderFetches = await page.evaluate(
    () => (globalThis as unknown as { __bench: { requests: Req[] } }).__bench.requests.filter((r) => /[?&]before=/.test(r.url)).length,
  );
  o.log(`  scroll: ${reason} in ${(state.ms / 1000).toFixed(0)} s, ${gestures} flicks`);
  return { ...state, heapBefore, heapAfter, olderFetches, gestures, reason };
}

const percentileOf = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.max(0, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;

/**
 * The frame metric on this machine at this moment without the app: a static page (plain
 * messages, no script but the rAF loop) in a fresh tab of the same browser, throttled the same,
 * flicked the same way for CONTROL_MS. What makes its frames late is the machine (other processes
 * on the same cores) and the browser's own work for a scroll, not the app, so the app's p95 reads
 * against it: on a shared 2-core machine the control alone has read 33-100 ms.
 */
const CONTROL_MS = 10_000;
/** Enough for 10 s of the default flicks (~30,000 px), few enough to stay a light page. */
const CONTROL_MESSAGES = 800;
async function controlScroll(browser: Browser, o: RunOptions): Promise<{ frames: number[] }> {
  const tab = await openTab(browser, null);
  const { page, cdp } = tab;
  try {
    const rows = Array.from(
      { length: CONTROL_MESSAGES },
      (_, i) =>
        `<article><b>Person ${i % 7}</b> <time>12:${String(i % 60).padStart(2, '0')}</time><p>Message ${i}: a line or two of plain text, about as long as chat messages are, so that it wraps now and then in the view.</p></article>`,
    ).join('');
    await page.setContent(
      `<style>body{margin:0;font:15px sans-serif}#log{height:${VIEWPORT.height - 100}px;overflow-y:auto}article{padding:4px 16px}p{margin:0}</style><div id="log">${rows}</div>`,
    );
    await page.evaluate(() => {
      const w = globalThis as unknown as {
        document: { getElementById(id: string): { scrollTop: number; scrollHeight: number } };
        requestAnimationFrame(cb: (t: number) => void): number;
        __control: number[];
      };
      const log = w.document.getElementById('log');
      log.scrollTop = log.scrollHeight;
      w.__control = [];
      let prev = 0;
      const frame = (t: number) => {
        if (prev) w.__control.push(t - prev);
        prev = t;
        w.requestAnimationFrame(frame);
      };
      w.requestAnimationFrame(frame);
    });
    const t0 = performance.now();
    while (performance.now() - t0 < CONTROL_MS) {
      await cdp.send('Input.synthesizeScrollGesture', {
        x: VIEWPORT.width / 2,
        y: Math.round(VIEWPORT.height / 2),
        yDistance: o.flickPx,
        speed: o.flickSpeed,
        gestureSourceType: 'mouse',
        preventFling: true,
      });
      await settle(o.flickPauseMs);
    }
    const frames = await page.evaluate(() => (globalThis as unknown as { __control: number[] }).__control);
    return { frames };
  } finally {
    await tab.close();
  }
}

/**
 * A diagnostic pass, not counted in the figures (the profiler slows the page): CPU profiles of a
 * cold load, of the room switches, and of the first `scrollMessages` of the scroll back. With
 * traceDir, also a Chromium performance trace of the switches and of the scroll (what the CPU
 * profile cannot show: style, layout, paint and GC as Blink's own events, and the compositor's
 * frames), to open in DevTools' Performance panel or summarise with web-ui/trace.ts.
 */
export async function profileRun(
  browser: Browser,
  o: RunOptions,
  traceDir?: string,
): Promise<Record<'load' | 'switches' | 'scroll', Profile>> {
  const tab = await openTab(browser, watchOf('nav', o.landing));
  const { page, cdp } = tab;
  try {
    await logIn(page, o);
    await cdp.send('Network.clearBrowserCache');
    await startProfile(cdp);
    await load(page, `${o.ui}/r/${o.landing.id}`);
    const loadProfile = await stopProfile(cdp);
    await settle(1000);
    // The first visit is left out: the profile is of switches to visited rooms.
    await roomSwitches(page, { ...o, switches: 0 });
    if (traceDir) await browser.startTracing(page, { path: join(traceDir, 'switches.trace.json'), categories: TRACE_CATEGORIES });
    await startProfile(cdp);
    await roomSwitches(page, o, true).then((s) => o.log(`  profiled switches: ${s.map((x) => x.ms.toFixed(0)).join(', ')} ms`));
    const switches = await stopProfile(cdp);
    if (traceDir) await browser.stopTracing();
    await load(page, `${o.ui}/r/${o.landing.id}`);
    await settle(1000);
    if (traceDir) await browser.startTracing(page, { path: join(traceDir, 'scroll.trace.json'), categories: TRACE_CATEGORIES });
    await startProfile(cdp);
    await scrollBack(page, cdp, o);
    const scroll = await stopProfile(cdp);
    if (traceDir) await browser.stopTracing();
    return { load: loadProfile, switches, scroll };
  } finally {
    await tab.close();
  }
}
