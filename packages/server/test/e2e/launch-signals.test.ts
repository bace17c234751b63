import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { describe, it } from 'node:test';
import { childEnv, ROOT } from '../helpers/processes.ts';
import { TEST_SETUP_TOKEN } from '../helpers/server.ts';
import { tempDir } from '../helpers/services.ts';

const GRACE_S = 5;

/** Every live process below pid (zombies count as gone: their reaper may be slow). */
function descendants(pid: number): number[] {
  const parents = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] !== 'Z') parents.set(Number(name), Number(fields[1]));
    } catch {
      // gone meanwhile
    }
  }
  const found: number[] = [];
  const visit = (p: number) => {
    for (const [child, parent] of parents) {
      if (parent !== p) continue;
      found.push(child);
      visit(child);
    }
  };
  visit(pid);
  return found;
}

const alive = (pid: number): boolean => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
};

const portOpen = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });

/**
 * The command an operator types (README), started as a process manager would, then signalled on
 * the one PID it knows: the whole tree must be gone and the port free within SHUTDOWN_GRACE.
 */
async function startAndSignal(command: string, args: string[], signal: NodeJS.Signals): Promise<void> {
  const dir = tempDir('rooms-launch-');
  const child = spawn(command, args, {
    cwd: ROOT,
    detached: true, // its own process group: the cleanup below can reach whatever it left behind
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv({
      HOME: process.env.HOME,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_DIR: dir.path,
      WEB_UI: 'false',
      BCRYPT_COST: '10',
      SETUP_TOKEN: TEST_SETUP_TOKEN,
      SHUTDOWN_GRACE: String(GRACE_S),
    }),
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  try {
    const deadline = Date.now() + 60_000;
    let port: number | undefined;
    while (port === undefined) {
      assert.ok(Date.now() < deadline, `never listened:\n${out}`);
      const m = /Rooms is listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      if (m) port = Number(m[1]);
      else await new Promise((r) => setTimeout(r, 100));
    }
    const tree = descendants(child.pid!);
    assert.ok(tree.length > 0, 'the server runs below the launcher');
    assert.equal(await portOpen(port), true);

    const signalled = Date.now();
    process.kill(child.pid!, signal);
    for (;;) {
      const left = [child.pid!, ...tree].filter(alive);
      const open = await portOpen(port);
      if (left.length === 0 && !open) break;
      assert.ok(
        Date.now() - signalled < GRACE_S * 1000,
        `${GRACE_S} s after ${signal}: processes ${left.join(', ') || 'none'} left, port ${open ? 'still' : 'not'} open\n${out}`,
      );
      await new Promise((r) => setTimeout(r, 100));
    }
    await exited;
    assert.match(out, /shutdown complete/, 'the server stopped gracefully, not killed');
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // the group is gone: nothing left behind
    }
    dir.remove();
  }
}

describe('a signal to the process an operator started reaches the server', () => {
  it('npm start, SIGTERM to npm: the server shuts down gracefully, the port is free and no process is left', async () => {
    await startAndSignal('npm', ['start'], 'SIGTERM');
  });
  it('npm start, SIGINT to npm (not through the terminal): the same', async () => {
    await startAndSignal('npm', ['start'], 'SIGINT');
  });
  it('npx rooms serve, SIGTERM to npx: the same', async () => {
    await startAndSignal('npx', ['rooms', 'serve'], 'SIGTERM');
  });
});
