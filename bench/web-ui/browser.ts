/**
 * Debian's Chromium through playwright-core, as the brief fixes it: headless, no sandbox, no GPU,
 * no background networking or component updates, a 1280×800 viewport, the CPU throttled 4× by
 * CDP (Emulation.setCPUThrottlingRate, set on each page before its first navigation: it holds for
 * the page's target across same-origin navigations, which the calibration after one checks).
 */
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from 'playwright-core';
import { install, type Watch } from './page.ts';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
export const VIEWPORT = { width: 1280, height: 800 };
export const CPU_THROTTLE = 4;

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

export interface Tab {
  ctx: BrowserContext;
  page: Page;
  cdp: CDPSession;
  close: () => Promise<void>;
}

/** A fresh context (empty profile and cache) with one throttled page; every document gets the instrumentation, watching for `first`. */
export async function openTab(browser: Browser, first: Watch | null): Promise<Tab> {
  const ctx = await browser.newContext({ viewport: VIEWPORT });
  await ctx.addInitScript(install, first);
  const page = await ctx.newPage();
  const cdp = await ctx.newCDPSession(page);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLE });
  await cdp.send('Performance.enable');
  return { ctx, page, cdp, close: () => ctx.close() };
}

/** JSHeapUsedSize after a full GC (HeapProfiler.collectGarbage, twice: finalizers can free more). */
export async function heapAfterGc(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  await cdp.send('HeapProfiler.collectGarbage');
  const { metrics } = await cdp.send('Performance.getMetrics');
  const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value;
  if (used === undefined) throw new Error('Performance.getMetrics has no JSHeapUsedSize');
  return used;
}

/** A fixed loop in the page, in ms: run once throttled and once not, it shows what the throttle does on this machine. */
export async function calibrate(page: Page, cdp: CDPSession): Promise<{ throttled: number; unthrottled: number }> {
  const loop = () =>
    page.evaluate(() => {
      const t = performance.now();
      let x = 0;
      for (let i = 0; i < 1e7; i++) x = (x + i * 7) % 1_000_003;
      return { ms: performance.now() - t, x };
    });
  await loop();
  const throttled = (await loop()).ms;
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 1 });
  const unthrottled = (await loop()).ms;
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_THROTTLE });
  return { throttled, unthrottled };
}
