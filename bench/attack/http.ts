/**
 * The attack run's HTTP client: node:http on keep-alive agents (no per-request client objects), a
 * source address per request (127.0.0.0/8 is all loopback, so one machine looks like many IPs), and
 * a tally of the answers by status class. Every failure is an answer with status 0 and its error
 * code: a scenario records what happened rather than throwing.
 */
import http from 'node:http';

export interface Answer {
  /** 0 when no HTTP answer came (refused, reset, timeout): see error. */
  status: number;
  /** The body when asked for (keepBody), else ''. */
  body: string;
  bytes: number;
  ms: number;
  error?: string;
  retryAfter?: string | undefined;
}

export interface RequestOptions {
  body?: unknown;
  token?: string | undefined;
  localAddress?: string | undefined;
  headers?: Record<string, string>;
  keepBody?: boolean;
  timeoutMs?: number;
}

/** A keep-alive client of one server; requests from several source addresses keep separate pools. */
export class HttpClient {
  private readonly agent: http.Agent;
  private host: string;
  private port: number;

  constructor(baseUrl: string, maxSockets = 64) {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port);
    this.agent = new http.Agent({ keepAlive: true, maxSockets });
  }

  /** The server came back on another address (a restart with PORT 0). */
  retarget(baseUrl: string): void {
    const u = new URL(baseUrl);
    this.host = u.hostname;
    this.port = Number(u.port);
  }

  request(method: string, path: string, o: RequestOptions = {}): Promise<Answer> {
    const t0 = performance.now();
    const payload = o.body === undefined ? undefined : Buffer.from(JSON.stringify(o.body));
    const headers: Record<string, string | number> = { ...o.headers };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    return new Promise((resolve) => {
      let settled = false;
      const done = (a: Omit<Answer, 'ms'>) => {
        if (settled) return;
        settled = true;
        resolve({ ...a, ms: performance.now() - t0 });
      };
      const req = http.request(
        { host: this.host, port: this.port, method, path, headers, agent: this.agent, localAddress: o.localAddress },
        (res) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          res.on('data', (c: Buffer) => {
            bytes += c.length;
            if (o.keepBody) chunks.push(c);
          });
          res.on('end', () =>
            done({
              status: res.statusCode ?? 0,
              body: o.keepBody ? Buffer.concat(chunks).toString() : '',
              bytes,
              retryAfter: res.headers['retry-after'],
            }),
          );
          res.on('error', (err: NodeJS.ErrnoException) => done({ status: 0, body: '', bytes, error: err.code ?? err.message }));
        },
      );
      req.setTimeout(o.timeoutMs ?? 120_000, () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
      req.on('error', (err: NodeJS.ErrnoException) => done({ status: 0, body: '', bytes: 0, error: err.code ?? err.message }));
      req.end(payload);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Answers by status class. 503 (load shed with Retry-After) is apart from the other 5xx, whose goal is 0. */
export class Tally {
  sent = 0;
  ok = 0;
  client = 0;
  limited = 0;
  shed = 0;
  server = 0;
  none = 0;
  /** Per status (or error code): "201", "429", "ECONNRESET"... */
  readonly by = new Map<string, number>();

  add(a: { status: number; error?: string | undefined }): void {
    this.sent++;
    const s = a.status;
    if (s === 0) this.none++;
    else if (s < 400) this.ok++;
    else if (s === 429) this.limited++;
    else if (s === 503) this.shed++;
    else if (s >= 500) this.server++;
    else this.client++;
    const key = s === 0 ? (a.error ?? 'no answer') : String(s);
    this.by.set(key, (this.by.get(key) ?? 0) + 1);
  }

  merge(t: Tally): this {
    this.sent += t.sent;
    this.ok += t.ok;
    this.client += t.client;
    this.limited += t.limited;
    this.shed += t.shed;
    this.server += t.server;
    this.none += t.none;
    for (const [k, v] of t.by) this.by.set(k, (this.by.get(k) ?? 0) + v);
    return this;
  }

  /** "201×10, 429×5000" */
  breakdown(): string {
    return [...this.by]
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}×${v}`)
      .join(', ');
  }
}

/** The error code of a JSON error answer, if any. */
export function errorCode(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { code?: string } }).error?.code;
  } catch {
    return undefined;
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * `n` workers each running `one` back to back until `untilMs` (performance.now() time), then the
 * in-flight ones finish: a closed loop, like a script hammering an endpoint.
 */
export async function closedLoop(n: number, untilMs: number, one: (worker: number) => Promise<unknown>): Promise<void> {
  await Promise.all(
    Array.from({ length: n }, async (_, w) => {
      while (performance.now() < untilMs) await one(w);
    }),
  );
}

/** Runs `count` tasks with at most `concurrency` at once. */
export async function pool(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, count) }, async () => {
      while (next < count) await task(next++);
    }),
  );
}
