import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Keeps packages/web/dist in step with its sources. `npm start` (its prestart), `rooms serve` and
 * the web tests call it: it rebuilds (`npm run build:web`) only when dist/index.html is missing or
 * older than a source file, so a start with nothing changed costs a walk of a few source trees.
 *
 * Run alone (`node scripts/web-build.ts`) it does nothing when the server will not serve this build
 * (WEB_UI=false, or WEB_DIR set to another one).
 */

const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const WEB_DIST = join(ROOT, 'packages/web/dist');
const INDEX = join(WEB_DIST, 'index.html');

/** What the build reads: the app, its page and config, and the workspace packages it bundles. */
const SOURCES = [
  'packages/web/src',
  'packages/web/public',
  'packages/web/index.html',
  'packages/web/vite.config.ts',
  'packages/web/package.json',
  'packages/client/src',
  'packages/protocol/src',
].map((p) => join(ROOT, p));

/** The newest file under the sources: its path and modification time (ms). */
function newestSource(): { path: string; mtimeMs: number } {
  let newest = { path: '', mtimeMs: 0 };
  const visit = (path: string) => {
    let st;
    try {
      st = statSync(path);
    } catch {
      return; // an optional source (public/) that does not exist
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(path)) visit(join(path, name));
    } else if (st.mtimeMs > newest.mtimeMs) {
      newest = { path, mtimeMs: st.mtimeMs };
    }
  };
  for (const s of SOURCES) visit(s);
  return newest;
}

/** Why the build must be made again, or undefined when it is up to date. */
export function staleReason(): string | undefined {
  if (!existsSync(INDEX)) return 'packages/web/dist has no index.html';
  const built = statSync(INDEX).mtimeMs;
  const newest = newestSource();
  return newest.mtimeMs > built ? `${relative(ROOT, newest.path)} changed since the last build` : undefined;
}

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * One build at a time per checkout: test files run in parallel, and two Vite builds emptying the
 * same dist/ would break each other. A lock older than 5 minutes is a crashed build's: taken over.
 */
function withLock<T>(fn: () => T): T {
  const lock = join(tmpdir(), `rooms-web-build-${createHash('sha256').update(ROOT).digest('hex').slice(0, 12)}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      try {
        if (Date.now() - statSync(lock).mtimeMs > 5 * 60_000) rmdirSync(lock);
      } catch {
        /* released meanwhile */
      }
      sleep(200);
    }
  }
  try {
    return fn();
  } finally {
    rmdirSync(lock);
  }
}

/**
 * Builds the web app if it is missing or stale; returns whether it built. Throws when the build
 * fails. `say` reports what it does (nothing is said when the build is up to date).
 */
export function ensureWebBuild(say: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): boolean {
  if (staleReason() === undefined) return false;
  return withLock(() => {
    const reason = staleReason(); // another process may have built it while we waited
    if (reason === undefined) return false;
    say(`Building the web app (${reason}): npm run build:web`);
    // Its output goes to stderr: the server's stdout is its JSON log.
    const started = performance.now();
    const run = spawnSync('npm', ['run', '--silent', 'build:web'], {
      cwd: ROOT,
      stdio: ['ignore', 2, 2],
      shell: process.platform === 'win32',
    });
    if (run.status !== 0) throw new Error(`npm run build:web failed (${run.error?.message ?? `exit ${run.status ?? run.signal}`})`);
    say(`Built the web app in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    return true;
  });
}

/** Whether the server about to start serves packages/web/dist (its settings from the environment). */
export function servesThisBuild(env: NodeJS.ProcessEnv = process.env): boolean {
  return env.WEB_UI !== 'false' && (!env.WEB_DIR || resolve(env.WEB_DIR) === WEB_DIST);
}

if (import.meta.main) {
  if (servesThisBuild()) {
    try {
      ensureWebBuild();
    } catch (err) {
      process.stderr.write(`${(err as Error).message}. Fix the web app's build, or start with WEB_UI=false to serve the API only.\n`);
      process.exit(1);
    }
  }
}
