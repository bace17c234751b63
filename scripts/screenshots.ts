import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { RoomsClient } from '@rooms/client';
import { TEST_SETUP_TOKEN } from '../packages/server/test/helpers/server.ts';
import { browserSkip, launchBrowser, openTab, startRoomsServer, type ContextOptions } from '../packages/web/test/helpers/browser.ts';

/**
 * `npm run screenshots [-- name …]`: the web app's screens as PNGs in screenshots/, each at
 * 1280×800 light, 1280×800 dark and 360×640, from a throwaway server (SQLite in a temp dir) seeded
 * with two people, a few rooms and messages. To add a screen, add an entry to SCREENS.
 */

const PASSWORD = 'correct horse battery';

/** What the seed made, for screens that go to a room or sign someone in. */
export interface Seed {
  /** alice is the server's first account (its admin); both have the password PASSWORD. */
  users: Record<'alice' | 'bob', { id: string; username: string; password: string; token: string }>;
  rooms: Record<'general' | 'design' | 'direct', { id: string }>;
}

export interface Screen {
  /** File name stem: screenshots/<name>-<variant>.png. */
  name: string;
  /** Where the shot is taken; a function for paths with seeded ids, e.g. (s) => `/r/${s.rooms.general.id}`. */
  path: string | ((seed: Seed) => string);
  /** Runs first, on a blank page of a fresh context: sign in, set storage… (the shot then goes to path). */
  setup?: (page: Page, seed: Seed) => Promise<void>;
}

const SCREENS: Screen[] = [
  { name: 'home', path: '/' },
  { name: 'login', path: '/login' },
];

const VARIANTS: { name: string; opts: ContextOptions }[] = [
  { name: 'desktop-light', opts: { colorScheme: 'light' } },
  { name: 'desktop-dark', opts: { colorScheme: 'dark' } },
  // At one device pixel per CSS pixel: a 360×640 picture (a phone would render it at 2 or 3).
  { name: 'mobile', opts: { mobile: true, colorScheme: 'light', extra: { deviceScaleFactor: 1 } } },
];

/** Same pictures on every machine and run, as far as the app allows: fixed locale and zone, no animation. */
const STEADY = { locale: 'en-US', timezoneId: 'UTC', reducedMotion: 'reduce' } as const;

async function seed(baseUrl: string): Promise<Seed> {
  const person = async (username: string) => {
    const client = new RoomsClient({ baseUrl });
    const { user, token } = await client.auth.signup({ username, email: `${username}@example.test`, password: PASSWORD, setup_token: TEST_SETUP_TOKEN });
    return { client, user: { id: user.id, username, password: PASSWORD, token } };
  };
  const alice = await person('alice');
  const bob = await person('bob');
  const general = await alice.client.rooms.create({ name: 'general', type: 'public', description: 'Everything and nothing', categories: ['general'] });
  await bob.client.rooms.join(general.id);
  const design = await alice.client.rooms.create({ name: 'design', type: 'private', description: 'Sketches and mock-ups' });
  const { room: direct } = await alice.client.rooms.openDirect(bob.user.id);
  const say = (who: typeof alice, roomId: string, content: string) => who.client.messages.send(roomId, { content });
  await say(alice, general.id, 'Welcome to **Rooms** 👋');
  await say(bob, general.id, 'Hi Alice! Is the new web app ready?');
  await say(alice, general.id, 'Nearly: have a look at `npm run screenshots`.');
  await say(alice, design.id, 'First mock-ups are up.');
  await say(bob, direct.id, 'Lunch at noon?');
  return { users: { alice: alice.user, bob: bob.user }, rooms: { general: { id: general.id }, design: { id: design.id }, direct: { id: direct.id } } };
}

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
        await screen.setup?.(tab.page, data);
        await tab.page.goto(typeof screen.path === 'function' ? screen.path(data) : screen.path);
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
