import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ensureWebBuild, WEB_DIST } from '../../../../scripts/web-build.ts';

/**
 * The web build the tests check and the server serves (packages/web/dist), made first if it is
 * missing or older than its sources, so the tests see the code as it is. In CI the install
 * (npm ci's postinstall) must have built it: a missing build there is a failure, not a build.
 */
export function webBuild(): string {
  if (process.env.CI) {
    if (!existsSync(join(WEB_DIST, 'index.html')))
      throw new Error(`${WEB_DIST} has no index.html: npm ci should have built it (npm run build:web)`);
  } else {
    ensureWebBuild();
  }
  return WEB_DIST;
}
