/// <reference lib="dom" />
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import axe from 'axe-core';
import type { Browser, Page } from 'playwright-core';
import type { TestServer } from '../../server/test/helpers/server.ts';
import { browserSkip, type ContextOptions, launchBrowser, openTab, startRoomsServer } from './helpers/browser.ts';
import { logIn, SCREENS, type Seed, seed } from './helpers/screens.ts';

/**
 * Accessibility: every main screen (helpers/screens.ts, the same ones `npm run screenshots`
 * pictures) checked by axe-core against WCAG 2.1 A and AA, colour contrast included, in the light
 * and dark themes on a desktop and on a 360 px phone. A violation fails with the rule, the elements
 * and axe's explanation.
 */
const skip = browserSkip();

const VARIANTS: { name: string; opts: ContextOptions }[] = [
  { name: 'light', opts: { colorScheme: 'light' } },
  { name: 'dark', opts: { colorScheme: 'dark' } },
  { name: 'phone', opts: { mobile: true, colorScheme: 'light' } },
];

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; summary: string }[];
}

/** Runs axe in the page (evaluated over the DevTools protocol: the page's CSP does not apply). */
async function audit(page: Page): Promise<Violation[]> {
  await page.evaluate(axe.source);
  // No animation in flight: colours are read from what is painted.
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
  return page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
      rules: {
        // Experimental in axe (WCAG 2.5.3, label in name). It counts an avatar's initials (decorative,
        // aria-hidden) and a badge's count as the visible label of the button around them, so
        // "Profile of Alice Liddell" fails for showing "AL"; the names given are the better ones.
        'label-content-name-mismatch': { enabled: false },
      },
    });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? null,
      help: v.help,
      nodes: v.nodes
        .slice(0, 5)
        .map((n) => ({ target: n.target.map(String), summary: (n.failureSummary ?? '').split('\n').slice(0, 3).join(' ') })),
    }));
  });
}

function report(violations: Violation[]): string {
  return violations
    .map((v) => `${v.id} (${v.impact}): ${v.help}\n${v.nodes.map((n) => `    ${n.target.join(' ')}: ${n.summary}`).join('\n')}`)
    .join('\n');
}

describe('accessibility (axe-core, WCAG 2.1 AA)', { skip }, () => {
  let server: TestServer;
  let browser: Browser;
  let data: Seed;

  before(async () => {
    server = await startRoomsServer();
    browser = await launchBrowser();
    data = await seed(server.url);
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const variant of VARIANTS) {
    it(`every main screen, ${variant.name}`, async (t) => {
      const failures: string[] = [];
      let checked = 0;
      for (const screen of SCREENS) {
        const tab = await openTab(browser, server, { ...variant.opts, extra: { reducedMotion: 'reduce' } });
        try {
          if (screen.as) await logIn(tab.page, data.users[screen.as]);
          await screen.open(tab.page, data, variant.opts.mobile === true);
          const violations = await audit(tab.page);
          checked++;
          if (violations.length) failures.push(`${screen.name}:\n  ${report(violations)}`);
        } catch (err) {
          failures.push(`${screen.name}: could not open: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
        } finally {
          await tab.context.close();
        }
      }
      t.diagnostic(`${checked} screens checked`);
      assert.deepEqual(failures, [], `violations:\n${failures.join('\n')}`);
      assert.equal(checked, SCREENS.length);
    });
  }
});
