import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The repository root: commands run from here, as `npm start` and `npm run migrate` do. */
export const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
export const SERVER_MAIN = 'packages/server/src/main.ts';

/**
 * A child's environment: only PATH from ours plus the given variables, so a DATABASE_URL or
 * REDIS_URL of the machine running the tests never leaks into a process that should be embedded.
 */
export const childEnv = (vars: Record<string, string | undefined>): NodeJS.ProcessEnv => ({ PATH: process.env.PATH, ...vars });

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs a TypeScript entry point with this Node (24) to the end; never rejects on a failing exit code. */
export function runNode(script: string, args: string[], env: Record<string, string | undefined>, timeoutMs = 30_000): Promise<Finished> {
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { cwd: ROOT, env: childEnv(env), timeout: timeoutMs }, (err, stdout, stderr) => {
      const e = err as (Error & { code?: unknown; signal?: NodeJS.Signals | null }) | null;
      resolve({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stdout, stderr });
    });
  });
}

export type LogLine = Record<string, unknown> & { msg?: string };

/** The real server (`packages/server/src/main.ts`) as a child process, with its output captured. */
export interface ServerProcess {
  child: ChildProcess;
  /** Everything written so far. */
  stdout(): string;
  stderr(): string;
  /** The JSON log lines written to stdout so far. */
  logs(): LogLine[];
  /** Resolves once `count` log lines (already written or to come) match pred; with the last of them. */
  waitForLog(pred: (l: LogLine) => boolean, opts?: { count?: number; timeoutMs?: number }): Promise<LogLine>;
  /** The base URL from the "Rooms is listening" line. */
  listening(timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal (SIGTERM by default) unless it has exited, and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function spawnServer(env: Record<string, string | undefined>): ServerProcess {
  const child = spawn(process.execPath, [SERVER_MAIN], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  const lines: LogLine[] = [];
  let partial = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
    const parts = (partial + chunk).split('\n');
    partial = parts.pop()!;
    for (const p of parts) {
      try {
        lines.push(JSON.parse(p) as LogLine);
      } catch {
        lines.push({ msg: p });
      }
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close', not 'exit': by then every byte the child wrote has been read.
    child.on('close', (code, signal) => {
      done = true;
      resolve({ code, signal });
    }),
  );

  const waitForLog = (pred: (l: LogLine) => boolean, { count = 1, timeoutMs = 15_000 } = {}): Promise<LogLine> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => finish(new Error(`no matching log line within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`)),
        timeoutMs,
      );
      const check = () => {
        const hits = lines.filter(pred);
        if (hits.length >= count) finish(undefined, hits[count - 1]);
      };
      const onExit = () => {
        check();
        finish(new Error(`the server exited before the log line; stdout:\n${out}\nstderr:\n${err}`));
      };
      let settled = false;
      function finish(e?: Error, hit?: LogLine) {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        child.stdout!.off('data', check);
        child.off('close', onExit);
        if (hit) resolve(hit);
        else reject(e ?? new Error('unreachable'));
      }
      child.stdout!.on('data', check);
      child.on('close', onExit);
      check();
    });

  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logs: () => lines,
    waitForLog,
    listening: async (timeoutMs) => {
      const line = await waitForLog((l) => typeof l.msg === 'string' && l.msg.startsWith('Rooms is listening on '), { timeoutMs });
      return String(line.address);
    },
    exited,
    stop: (signal = 'SIGTERM') => {
      if (!done) child.kill(signal);
      return exited;
    },
  };
}
