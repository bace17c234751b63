/* eslint-disable @typescript-eslint/no-explicit-any -- the test client returns untyped JSON on purpose: tests assert on its shape. */
import { createApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config/config.ts';
import type { Clock } from '../../src/ports/clock.ts';
import { checkAnswer, openApiCheckEnabled } from './openapi-check.ts';
import type { Backend } from './services.ts';

export interface TestServer {
  url: string;
  /** The running app (a new one after startApp()). */
  app: App;
  /** Stops the app gracefully (clients get 1001) and keeps its database, data directory and port. */
  stopApp(): Promise<void>;
  /** Starts a new app on the same database, data directory and port: a server restart. */
  startApp(): Promise<void>;
  stop(): Promise<void>;
}

/** The setup token every test server is started with; signup() carries it, so a server's first account can be made. */
export const TEST_SETUP_TOKEN = 'test-setup-token-0123456789';

/**
 * Limits that would trip suites which sign up, log in, connect and send from one IP as fast as they
 * can: raised here, and tested at their defaults by the suites about them (which override them).
 */
export const RELAXED_LIMITS = {
  SETUP_TOKEN: TEST_SETUP_TOKEN,
  LOGIN_IP_LIMIT: 1_000_000,
  SIGNUP_IP_LIMIT: 1_000_000,
  MAX_CONNECTIONS_PER_IP: 1_000_000,
  WS_FRAME_RATE: 1_000_000,
  WS_FRAME_BURST: 1_000_000,
  PASSWORD_HASH_QUEUE: 10_000,
  REFUSAL_DELAY_MS: 0,
  MAX_OWNED_ROOMS: 1_000_000,
  MAX_JOINED_ROOMS: 1_000_000,
  MAX_ROOM_INVITES: 1_000_000,
  UPLOAD_RATE_LIMIT: 1_000_000,
} as const;

/**
 * Starts the real server (same composition root as `npm start`) on a free port of 127.0.0.1 with a
 * fresh database of the given backend. Settings mirror the defaults except bcrypt's cost (the
 * minimum, 10), logging (silent) and the RELAXED_LIMITS.
 */
export async function startServer(
  backend: Backend,
  opts: { config?: Partial<Record<keyof Config, unknown>>; clock?: Clock } = {},
): Promise<TestServer> {
  const db = await backend.provision();
  const config = loadConfig(
    {},
    {
      PORT: 0,
      HOST: '127.0.0.1',
      DATA_DIR: db.dataDir,
      DATABASE_URL: db.databaseUrl,
      BCRYPT_COST: 10,
      ...RELAXED_LIMITS,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...opts.config,
    },
  );
  const launch = (c: Config) => createApp(c, opts.clock ? { clock: opts.clock } : {});
  let app = await launch(config);
  const url = await app.start();
  let running = true;
  const srv: TestServer = {
    url,
    app,
    stopApp: async () => {
      running = false;
      await srv.app.stop();
    },
    startApp: async () => {
      app = await launch({ ...config, PORT: Number(new URL(url).port) });
      await app.start();
      srv.app = app;
      running = true;
    },
    stop: async () => {
      if (running) await srv.app.stop();
      await db.cleanup();
    },
  };
  return srv;
}

export interface Answer<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

/** A tiny REST client: JSON in, JSON out, never throws on an error status. */
export function client(base: string, token?: string) {
  const call = async <T = any>(method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Answer<T>> => {
    const h: Record<string, string> = { ...headers };
    if (token) h.authorization = `Bearer ${token}`;
    let payload: string | undefined;
    if (body !== undefined) {
      payload = typeof body === 'string' ? body : JSON.stringify(body);
      h['content-type'] ??= 'application/json';
    }
    const res = await fetch(base + path, { method, headers: h, body: payload });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    if (openApiCheckEnabled()) await checkAnswer(base, method, path, res.status, parsed, res.headers.get('content-type'));
    return { status: res.status, body: parsed as T, headers: res.headers };
  };
  return {
    get: <T = any>(p: string, h?: Record<string, string>) => call<T>('GET', p, undefined, h),
    post: <T = any>(p: string, b?: unknown, h?: Record<string, string>) => call<T>('POST', p, b, h),
    put: <T = any>(p: string, b?: unknown, h?: Record<string, string>) => call<T>('PUT', p, b, h),
    patch: <T = any>(p: string, b?: unknown, h?: Record<string, string>) => call<T>('PATCH', p, b, h),
    delete: <T = any>(p: string, b?: unknown, h?: Record<string, string>) => call<T>('DELETE', p, b, h),
    as: (t: string) => client(base, t),
  };
}

export type Client = ReturnType<typeof client>;

let seq = 0;
/** Signs up a fresh user; returns its client (authenticated), id, username and password. */
export async function signup(base: string, over: Record<string, unknown> = {}) {
  seq++;
  const username = (over.username as string) ?? `u${seq}_${Math.random().toString(36).slice(2, 8)}`;
  const password = (over.password as string) ?? 'correct horse battery';
  const res = await client(base).post('/auth/signup', {
    username,
    email: `${username}@example.test`,
    password,
    setup_token: TEST_SETUP_TOKEN,
    ...over,
  });
  if (res.status !== 201) throw new Error(`signup failed: ${res.status} ${JSON.stringify(res.body)}`);
  return {
    api: client(base, res.body.token),
    id: res.body.user.id as string,
    username,
    password,
    token: res.body.token as string,
    me: res.body.user,
  };
}
