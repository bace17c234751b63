/**
 * The server under attack: a real Rooms child process on a fresh database (SQLite in a temporary
 * DATA_DIR, or a fresh PostgreSQL database), started with the server's DEFAULT limits — the bench
 * raise of the per-IP and per-connection bounds (BENCH_LIMITS) is undone — plus what a scenario
 * needs otherwise (named in its row).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema } from '../../packages/server/src/config/config.ts';
import { BENCH_LIMITS, BENCH_SETUP_TOKEN, freshDatabase, startServer, type ChildServer } from '../lib/server.ts';
import { PROBE, setupAddress } from './addresses.ts';
import { errorCode, HttpClient, sleep, type Answer } from './http.ts';
import { Probe } from './probe.ts';

export const PASSWORD = 'correct horse battery staple';

/** The real defaults of every setting BENCH_LIMITS raises (read from the config schema, so they follow it). */
export const DEFAULT_LIMITS: Record<string, string> = (() => {
  const defaults = ConfigSchema.parse({}) as Record<string, unknown>;
  return Object.fromEntries(Object.keys(BENCH_LIMITS).flatMap((k) => (k === 'SETUP_TOKEN' ? [] : [[k, String(defaults[k])]])));
})();

/** "defaults" or "defaults + MESSAGE_RATE_LIMIT=100000". */
export const limitsLabel = (extra: Record<string, string>): string =>
  Object.keys(extra).length === 0
    ? 'defaults'
    : `defaults + ${Object.entries(extra)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ')}`;

export interface TargetOptions {
  /** A PostgreSQL admin URL (a fresh database is made next to it); absent → SQLite. */
  postgresAdminUrl: string | undefined;
  /** bcrypt cost of the server (the other benches' 10 unless asked; the server's default is 12). */
  bcryptCost: number;
  verbose: boolean;
}

export interface Account {
  id: string;
  username: string;
  token: string;
}

export class Target {
  server: ChildServer;
  readonly http: HttpClient;
  readonly secret: string;
  readonly dataDir: string;
  readonly databaseUrl: string | undefined;
  private readonly env: Record<string, string>;
  private readonly opts: TargetOptions;
  private readonly dropDatabase: (() => Promise<void>) | undefined;
  private probes: Probe[] = [];

  private constructor(server: ChildServer, env: Record<string, string>, opts: TargetOptions, drop: (() => Promise<void>) | undefined) {
    this.server = server;
    this.env = env;
    this.opts = opts;
    this.secret = env.JWT_SECRET!;
    this.dataDir = env.DATA_DIR!;
    this.databaseUrl = env.DATABASE_URL || undefined;
    this.dropDatabase = drop;
    this.http = new HttpClient(server.url, 256);
  }

  static async start(opts: TargetOptions, extra: Record<string, string> = {}): Promise<Target> {
    const dataDir = mkdtempSync(join(tmpdir(), 'rooms-attack-'));
    const database = await freshDatabase(opts.postgresAdminUrl);
    const env = {
      DATA_DIR: dataDir,
      DATABASE_URL: database?.url ?? '',
      JWT_SECRET: randomBytes(32).toString('hex'),
      BCRYPT_COST: String(opts.bcryptCost),
      ...DEFAULT_LIMITS,
      ...extra,
    };
    const server = await startServer(env, { verbose: opts.verbose });
    return new Target(server, env, opts, database?.drop);
  }

  get url(): string {
    return this.server.url;
  }

  get wsUrl(): string {
    return this.server.url.replace(/^http/, 'ws');
  }

  /** kill -9, then start again on the same port and database. */
  async crashAndRestart(): Promise<number> {
    const port = new URL(this.server.url).port;
    await this.server.kill();
    const t0 = performance.now();
    this.server = await startServer({ ...this.env, PORT: port }, { verbose: this.opts.verbose });
    return performance.now() - t0;
  }

  request(method: string, path: string, o: Parameters<HttpClient['request']>[2] = {}): Promise<Answer> {
    return this.http.request(method, path, o);
  }

  /**
   * Signs up an account for a scenario's set-up (with the setup token, from a never-used address,
   * so the per-IP sign-up limit is not what is measured); load shedding is waited out.
   */
  async signup(username: string, o: { email?: string; password?: string } = {}): Promise<Account> {
    const body = {
      username,
      email: o.email ?? `${username}@attack.test`,
      password: o.password ?? PASSWORD,
      setup_token: BENCH_SETUP_TOKEN,
    };
    let last: Answer | undefined;
    for (let attempt = 0; attempt < 20; attempt++) {
      last = await this.request('POST', '/auth/signup', { body, localAddress: setupAddress(), keepBody: true });
      if (last.status === 201) {
        const r = JSON.parse(last.body) as { token: string; user: { id: string } };
        return { id: r.user.id, username, token: r.token };
      }
      if (last.status !== 429 && last.status !== 503 && last.status !== 0) break;
      await sleep(Math.min(5000, 1000 * Number(last.retryAfter ?? 1)));
    }
    throw new Error(`set-up sign-up of ${username}: ${last?.status} ${errorCode(last?.body ?? '') ?? last?.error ?? ''}`);
  }

  /** A probe of GET /auth/me as the given account, from the probe's own address. */
  probe(account: Account, hz = 50): Probe {
    const p = new Probe({ url: this.url, path: '/auth/me', token: account.token, localAddress: PROBE, hz });
    this.probes.push(p);
    return p;
  }

  async stop(): Promise<void> {
    await Promise.all(this.probes.map((p) => p.close()));
    this.http.close();
    await this.server.stop();
    await this.dropDatabase?.();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}
