/**
 * The web UI's performance bench: a real server with 1,000 rooms and 100,000 messages, the built
 * UI (packages/web/dist) in Debian's Chromium with the CPU throttled 4×, and per run: the first
 * load's script and style bytes, navigation → the landing room painted (cold and warm cache), a
 * switch to a room already visited, and a scroll back through 10,000 messages (message nodes in
 * the DOM, scroll position kept on each prepend, frame times, JS heap after). Budgets missed are
 * reported, not thrown; a UI that never paints fails the run (non-zero exit). Usage:
 *   npm run bench:ui -- [--runs 5] [--rooms 1000] [--messages 100000] [--landing 12000]
 *                       [--scroll-messages 10000] [--ui-from server|bench] [--dist packages/web/dist]
 *                       [--profile [--trace]] [--write] [--verbose]
 * --write puts the report into BENCHMARKS.md (its own kept section, which full bench runs keep).
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openStore } from '../packages/server/src/store/sql/open.ts';
import { loadAvg, machine } from './lib/proc.ts';
import { seededMessageId } from './lib/seed.ts';
import { startServer } from './lib/server.ts';
import { writeSection } from './report/kept-sections.ts';
import { launchBrowser } from './web-ui/browser.ts';
import { initialAssets } from './web-ui/bytes.ts';
import { renderReport } from './web-ui/report.ts';
import { summarize as summarizeProfile } from './web-ui/profile.ts';
import { profileRun, runOnce, type RoomTarget, type RunOptions, type RunResult } from './web-ui/run.ts';
import { serveUi } from './web-ui/serve.ts';
import { seedUi } from './web-ui/seed.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '5' },
    rooms: { type: 'string', default: '1000' },
    messages: { type: 'string', default: '100000' },
    landing: { type: 'string', default: '12000' },
    'scroll-messages': { type: 'string', default: '10000' },
    switches: { type: 'string', default: '6' },
    'flick-speed': { type: 'string', default: '4000' },
    'flick-px': { type: 'string', default: '1500' },
    'flick-pause': { type: 'string', default: '150' },
    'ui-from': { type: 'string', default: 'server' },
    dist: { type: 'string', default: join(import.meta.dirname, '../packages/web/dist') },
    profile: { type: 'boolean', default: false },
    trace: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
});
const log = (msg: string) => console.error(msg);
const n = (k: keyof typeof values) => Number(values[k]);

const started = new Date();
const load0 = loadAvg();
const dist = values.dist!;
const assets = initialAssets(dist);

// A fresh SQLite database, migrated, then seeded before the server starts (nothing cached over it).
const dataDir = mkdtempSync(join(tmpdir(), 'rooms-web-ui-'));
await (await openStore({ dataDir })).close();
const fixture = await seedUi(undefined, dataDir, { rooms: n('rooms'), messages: n('messages'), landingMessages: n('landing') });
log(
  `seeded ${fixture.rooms.toLocaleString('en')} rooms, ${fixture.messages.toLocaleString('en')} messages in ${fixture.seconds.toFixed(1)} s; landing room #${fixture.landing.name} holds ${fixture.landing.messages.toLocaleString('en')}`,
);

// The server with the bench's limits (BENCH_LIMITS: paging 10,000 messages is 200 requests from one address).
// The server serves the UI at / from WEB_DIR (--dist): `--ui-from server`, the default. `--ui-from bench`
// serves dist/ from the bench instead (web-ui/serve.ts), the API and /ws passed through to the server:
// how the bench ran before the server served the app, kept to compare the two.
const server = await startServer(
  { DATA_DIR: dataDir, JWT_SECRET: randomBytes(32).toString('hex'), BCRYPT_COST: '10', WEB_DIR: dist },
  { verbose: values.verbose },
);
if (!['server', 'bench'].includes(values['ui-from']!)) throw new Error(`--ui-from is server or bench, not ${values['ui-from']}`);
const ui = values['ui-from'] === 'server' ? { url: server.url, close: async () => {} } : await serveUi(dist, server.url);

// ── Helpers ──────────────────────────────────────────────────────────────────────────────────────

let token: string | undefined;

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** The room's newest message through the API, and a stretch of its text that the DOM shows as written. */
async function roomTarget(room: { id: string; name: string; messages: number }, index: number): Promise<RoomTarget> {
  token ??= (await api<{ token: string }>('POST', '/auth/login', { username: fixture.username, password: fixture.password })).token;
  const newestId = seededMessageId(index, room.messages);
  const m = await api<{ id: string; room_id: string; seq: number; content: string }>('GET', `/messages/${newestId}`);
  if (m.room_id !== room.id || m.seq !== room.messages) throw new Error(`message ${newestId} is not the newest of ${room.name}`);
  const probe = (m.content.match(/[\p{L}\p{N}][\p{L}\p{N} ,'?]*[\p{L}\p{N}]/u)?.[0] ?? m.content).slice(0, 40);
  return { id: room.id, name: room.name, newestId, newestSeq: m.seq, probe };
}

/** The app opens the most recent room: the landing room must come first in the reader's list, the second next. */
async function checkRoomOrder(ids: string[]): Promise<void> {
  const page = await api<{ items: { id: string }[] }>('GET', '/rooms?limit=2');
  const got = page.items.map((r) => r.id);
  if (got.join() !== ids.join()) throw new Error(`the reader's rooms start ${got.join(', ')}, expected ${ids.join(', ')}`);
}

let exit = 0;
try {
  const landing = await roomTarget(fixture.landing, 0);
  const second = await roomTarget(fixture.second, 1);
  await checkRoomOrder([landing.id, second.id]);
  const browser = await launchBrowser();
  const browserVersion = browser.version();
  const runs: RunResult[] = [];
  const options: RunOptions = {
    ui: ui.url,
    username: fixture.username,
    password: fixture.password,
    landing,
    second,
    switches: n('switches'),
    scrollMessages: n('scroll-messages'),
    flickSpeed: n('flick-speed'),
    flickPx: n('flick-px'),
    flickPauseMs: n('flick-pause'),
    stallMs: 20_000,
    log,
  };
  try {
    for (let i = 0; i < n('runs'); i++) {
      log(`run ${i + 1}/${n('runs')}`);
      runs.push(await runOnce(browser, options));
    }
    if (values.profile) {
      // Profiles of a separate pass (profiling slows the page), the scroll cut to 1,000 messages.
      log('profiled pass');
      const dir = join(import.meta.dirname, 'results', `web-ui-profile-${started.toISOString().replace(/[:.]/g, '-')}`);
      mkdirSync(dir, { recursive: true });
      const profiles = await profileRun(
        browser,
        { ...options, scrollMessages: Math.min(1000, options.scrollMessages) },
        values.trace ? dir : undefined,
      );
      for (const [name, p] of Object.entries(profiles)) {
        writeFileSync(join(dir, `${name}.cpuprofile`), JSON.stringify(p));
        const text = summarizeProfile(p, dist);
        writeFileSync(join(dir, `${name}.txt`), text);
        console.log(`\n### CPU profile: ${name}\n\n${text}`);
      }
      log(`written: ${dir}`);
    }
  } finally {
    await browser.close();
  }
  if (runs.length === 0) {
    log('no measured runs (--runs 0): no report');
    await server.stop();
    process.exit(0);
  }
  const report = renderReport({
    started,
    seconds: (Date.now() - started.getTime()) / 1000,
    machine: machine(),
    browser: browserVersion,
    loadAvg: [load0, loadAvg()],
    fixture,
    assets,
    runs,
    uiFrom: values['ui-from']!,
    flick: { px: n('flick-px'), speed: n('flick-speed'), pauseMs: n('flick-pause') },
  });
  console.log(`\n${report}`);
  const dir = join(import.meta.dirname, 'results');
  mkdirSync(dir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  writeFileSync(join(dir, `web-ui-${stamp}.md`), report);
  writeFileSync(join(dir, `web-ui-${stamp}.json`), JSON.stringify({ fixture, assets, runs }, null, 2));
  log(`written: bench/results/web-ui-${stamp}.md and .json`);
  if (values.write) {
    writeSection(
      join(import.meta.dirname, '..', 'BENCHMARKS.md'),
      'web-ui',
      `${report}\nReproduce with \`npm run bench:ui -- --write\`.\n`,
    );
    log('written: the web-ui section of BENCHMARKS.md');
  }
} catch (err) {
  console.error(`bench:ui failed: ${(err as Error).stack ?? err}`);
  exit = 1;
} finally {
  await ui.close();
  await server.stop();
  rmSync(dataDir, { recursive: true, force: true });
}
process.exit(exit);
