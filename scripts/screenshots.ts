import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { browserSkip, launchBrowser, openTab, startRoomsServer, type ContextOptions } from '../packages/web/test/helpers/browser.ts';
import { logIn, SCREENS, seed } from '../packages/web/test/helpers/screens.ts';

/**
 * `npm run screenshots [-- name …]`: the web app's screens as PNGs in screenshots/, each at
 * 1280×800 light, 1280×800 dark and 360×640, from a throwaway server (SQLite in a temp dir) seeded
 * with three people, a few rooms, messages, a thread, reactions and a pin. The screens are the
 * ones the accessibility test checks (packages/web/test/helpers/screens.ts): add one there.
 */

const VARIANTS: { name: string; opts: ContextOptions }[] = [
  { name: 'desktop-light', opts: { colorScheme: 'light' } },
  { name: 'desktop-dark', opts: { colorScheme: 'dark' } },
  // At one device pixel per CSS pixel: a 360×640 picture (a phone would render it at 2 or 3).
  { name: 'mobile', opts: { mobile: true, colorScheme: 'light', extra: { deviceScaleFactor: 1 } } },
];

/** Same pictures on every machine and run, as far as the app allows: fixed locale and zone, no animation. */
const STEADY = { locale: 'en-US', timezoneId: 'UTC', reducedMotion: 'reduce' } as const;

async function main(only: string[]): Promise<void> {
  const screens = only.length ? SCREENS.filter((s) => only.includes(s.name)) : SCREENS;
  if (screens.length === 0) throw new Error(`no screen named ${only.join(', ')} (screens: ${SCREENS.map((s) => s.name).join(', ')})`);
  const skip = browserSkip();
  if (skip) throw new Error(skip);
  const out = fileURLToPath(new URL('../screenshots/', import.meta.url));
  mkdirSync(out, { recursive: true });

  const server = await startRoomsServer();
  const browser = await launchBrowser();
  let problems = 0;
  try {
    const data = await seed(server.url);
    for (const screen of screens) {
      for (const variant of VARIANTS) {
        const tab = await openTab(browser, server, { ...variant.opts, extra: { ...STEADY, ...variant.opts.extra } });
        if (screen.as) await logIn(tab.page, data.users[screen.as]);
        await screen.open(tab.page, data, variant.opts.mobile === true);
        await tab.page.waitForLoadState('networkidle');
        await tab.page.evaluate('document.fonts.ready.then(() => undefined)');
        const file = join(out, `${screen.name}-${variant.name}.png`);
        await tab.page.screenshot({ path: file });
        const seen = tab.problems.all();
        problems += seen.length;
        process.stdout.write(`${file}${seen.length ? `\n  ${seen.join('\n  ')}` : ''}\n`);
        await tab.context.close();
      }
    }
  } finally {
    await browser.close();
    await server.stop();
  }
  if (problems) process.stderr.write(`${problems} problem(s) in the pages above (console errors, failed requests, CSP violations)\n`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  process.stderr.write(`screenshots: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
