/** What every benchmark needs of a server under test: a fresh database, and the server as a child process. */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { basename, join } from 'node:path';
import pg from 'pg';
import { recordPerf } from './perf.ts';
import { SERVER_NODE_FLAGS } from '../../packages/server/src/node-flags.ts';

/**
 * A fresh PostgreSQL database next to the given admin URL (never the admin database itself, so
 * a benchmark cannot leave tables in it), dropped by the returned function; none → SQLite.
 */
export async function freshDatabase(adminUrl: string | undefined): Promise<{ url: string; drop: () => Promise<void> } | undefined> {
  if (!adminUrl) return undefined;
  const name = `rooms_bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`drop database if exists ${name} with (force)`) };
}

/** The setup token bench servers start with: a bench's first sign-up carries it. */
export const BENCH_SETUP_TOKEN = 'bench-setup-token-0123456789';

/**
 * A load generator is one IP opening thousands of sockets and sending as fast as its scenario
 * asks: the per-IP and per-connection bounds a real server keeps are raised for it (a scenario
 * about those bounds passes its own values).
 */
export const BENCH_LIMITS: Record<string, string> = {
  SETUP_TOKEN: BENCH_SETUP_TOKEN,
  LOGIN_IP_LIMIT: '1000000',
  SIGNUP_IP_LIMIT: '1000000',
  MAX_CONNECTIONS_PER_IP: '1000000',
  WS_FRAME_RATE: '1000000',
  WS_FRAME_BURST: '1000000',
  REFUSAL_DELAY_MS: '0',
  MAX_OWNED_ROOMS: '1000000',
  MAX_JOINED_ROOMS: '1000000',
  MAX_ROOM_INVITES: '1000000',
};

/** The token bench servers expose /metrics to (without one /metrics is off): the scraper of event-loop delay sends it. */
export const BENCH_METRICS_TOKEN = 'bench-metrics-token-0123456789';

export interface ChildServer {
  url: string;
  pid: number | undefined;
  /** SIGTERM and wait for the exit (a --cpu-prof profile is written then). */
  stop: () => Promise<void>;
  /** SIGKILL and wait: a crash. */
  kill: () => Promise<void>;
  /** stdout lines after startup that matched LaunchOptions.capture. */
  captured: string[];
}

export interface LaunchOptions {
  /** Cores to pin the process to (taskset -c), when the machine allows. */
  cores?: string | undefined;
  /** Extra node flags, such as --cpu-prof. */
  nodeFlags?: string[];
  /** Echo the child's stdout (logs) to ours. */
  verbose?: boolean;
  /** Keep the stdout lines (logs) that match this, once the server is up. */
  capture?: RegExp;
  /** Sample the server with perf while it runs; the data and a summary land in this directory. */
  perfDir?: string | undefined;
}

/**
 * Starts `node <script>` (pinned with taskset when cores are given) and resolves once a line of its
 * stdout matches ready, whose first group is the URL it listens on.
 */
export function launch(script: string, env: Record<string, string>, ready: RegExp, opts: LaunchOptions = {}): Promise<ChildServer> {
  const node = [...(opts.nodeFlags ?? []), script];
  const [cmd, args] = opts.cores ? ['taskset', ['-c', opts.cores, process.execPath, ...node]] : [process.execPath, node];
  const child = spawn(cmd, args, { env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  const signal = async (sig: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(sig);
    await exited;
  };
  return new Promise<ChildServer>((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer) => {
      if (opts.verbose) process.stdout.write(d);
      buf += d.toString();
      const m = ready.exec(buf);
      if (m) {
        child.stdout.off('data', onData);
        const captured: string[] = [];
        if (opts.verbose) child.stdout.pipe(process.stdout);
        if (opts.capture) keepLines(child.stdout, opts.capture, captured);
        else if (!opts.verbose) child.stdout.resume();
        // Sampling ends before the server does, so shutdown's work is not counted.
        const perf =
          opts.perfDir && child.pid ? recordPerf(child.pid, join(opts.perfDir, `${basename(script, '.ts')}-${child.pid}.perf`)) : undefined;
        const stop = async () => {
          await perf?.stop();
          await signal('SIGTERM');
        };
        // A crash is not delayed by the sampler: it ends with the process.
        const kill = async () => {
          await signal('SIGKILL');
          await perf?.stop();
        };
        resolve({ url: m[1]!, pid: child.pid, stop, kill, captured });
      } else if (buf.length > 1_000_000) {
        buf = buf.slice(-10_000);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code} before it was ready`)));
  });
}

/** Collects the lines of a stream that match re. */
function keepLines(stream: NodeJS.ReadableStream, re: RegExp, into: string[]): void {
  let rest = '';
  stream.on('data', (d: Buffer) => {
    const lines = (rest + d.toString()).split('\n');
    rest = lines.pop()!;
    for (const line of lines) if (re.test(line)) into.push(line);
  });
}

/** The server's own entry (`npm start`). */
export const ROOMS_MAIN = join(import.meta.dirname, '../../packages/server/src/main.ts');
/** The same server without search index writes (the rooms-noindex target). */
export const ROOMS_NOINDEX_MAIN = join(import.meta.dirname, '../rooms-noindex-server.ts');

/**
 * Starts the Rooms server (packages/server/src/main.ts, or another entry) with the given settings
 * (PORT 0 unless set) and waits for its address. Node's flags are npm start's (SERVER_NODE_FLAGS),
 * then opts.nodeFlags, which may override them (V8 takes a flag's last value: --memory-reducer).
 */
export function startServer(env: Record<string, string>, opts: LaunchOptions = {}, script = ROOMS_MAIN): Promise<ChildServer> {
  return launch(
    script,
    { PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', METRICS_TOKEN: BENCH_METRICS_TOKEN, ...BENCH_LIMITS, ...env },
    /"address":"(http:[^"]+)"/,
    { ...opts, nodeFlags: [...SERVER_NODE_FLAGS, ...(opts.nodeFlags ?? [])] },
  );
}
