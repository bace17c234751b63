import { CLIENT_NAME_HEADER } from '@rooms/protocol';
import { RoomsApiError } from './errors.ts';

export type Query = Record<string, string | number | boolean | undefined>;

export interface HttpOptions {
  /** The server, e.g. https://chat.example.com (a path prefix is kept). */
  baseUrl: string;
  token?: string | undefined;
  /** Another fetch (tests, proxies); the global one by default. */
  fetch?: typeof fetch;
  /** How this client names itself ("Rooms web", "rooms chat"): shown in the user's list of sessions. */
  clientName?: string | undefined;
}

export interface Answer<T> {
  status: number;
  body: T;
}

/** JSON over fetch: the bearer token, query strings, and every failure as a RoomsApiError. */
export class Http {
  readonly baseUrl: string;
  token: string | undefined;
  readonly fetchFn: typeof fetch;
  readonly clientName: string | undefined;

  constructor(opts: HttpOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.token = opts.token;
    this.clientName = opts.clientName;
    this.fetchFn = opts.fetch ?? ((...args) => fetch(...args));
  }

  /** Resolves for 2xx answers and for the extra statuses in `accept` (300 at login); rejects otherwise. */
  async request<T>(method: string, path: string, opts: { body?: unknown; query?: Query; accept?: number[] } = {}): Promise<Answer<T>> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    if (this.clientName && !this.token) headers[CLIENT_NAME_HEADER] = this.clientName; // only where a session starts (login, sign-up)
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await this.fetchFn(this.url(path, opts.query), {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
    } catch (err) {
      throw new RoomsApiError(0, 'network_error', `Cannot reach ${this.baseUrl}: ${(err as Error).message}`);
    }
    return this.answer<T>(method, path, res.status, await res.text(), res.headers.get('retry-after'), opts.accept);
  }

  /** An answer's body as JSON, or the RoomsApiError it stands for (uploads read answers this way too). */
  answer<T>(method: string, path: string, status: number, text: string, retryAfter: string | null, accept?: number[]): Answer<T> {
    let body: unknown;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      throw new RoomsApiError(status, 'unexpected_response', `${method} ${path} answered ${status} with something other than JSON.`);
    }
    if ((status >= 200 && status < 300) || accept?.includes(status)) return { status, body: body as T };
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    const retry = Number(retryAfter);
    throw new RoomsApiError(
      status,
      (error?.code ?? 'unexpected_response') as RoomsApiError['code'],
      error?.message ?? `${method} ${path} failed with ${status}.`,
      {
        details: error?.details,
        retryAfter: Number.isFinite(retry) && retry > 0 ? retry : undefined,
      },
    );
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', path, query ? { query } : {}).then((a) => a.body);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, { body }).then((a) => a.body);
  }

  put<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PUT', path, { body }).then((a) => a.body);
  }

  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, { body }).then((a) => a.body);
  }

  delete<T = void>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('DELETE', path, { body }).then((a) => a.body);
  }

  url(path: string, query?: Query): string {
    const q = Object.entries(query ?? {}).filter(([, v]) => v !== undefined);
    const search = q.length === 0 ? '' : `?${new URLSearchParams(q.map(([k, v]): [string, string] => [k, String(v)])).toString()}`;
    return `${this.baseUrl}${path}${search}`;
  }
}

/** A path segment from an id, code or emoji. */
export const seg = (s: string): string => encodeURIComponent(s);
