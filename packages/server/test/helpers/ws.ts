import WebSocket from 'ws';

export interface Frame {
  type: string;
  id?: string;
  room_id?: string;
  seq?: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- frames are untyped JSON; tests assert on their shape.
  data?: any;
  error?: { code: string; message: string; retry_after?: number };
}

/**
 * A real WebSocket client for tests: records every frame, waits for frames matching a
 * predicate, and sends requests that resolve with their ack (or reject with their error).
 */
export class TestSocket {
  readonly frames: Frame[] = [];
  readonly ws: WebSocket;
  closeCode: number | undefined;
  closeReason = '';
  private waiters: { match: (f: Frame) => boolean; resolve: (f: Frame) => void }[] = [];
  private nextId = 0;

  private constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      const f = JSON.parse(data.toString()) as Frame;
      this.frames.push(f);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(f)) return true;
        w.resolve(f);
        return false;
      });
    });
    ws.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
    });
  }

  /** Opens a socket and waits for `ready`; `first` is sent the moment the socket opens, before `ready`. */
  static async open(
    base: string,
    auth: { token?: string; ticket?: string; header?: boolean; origin?: string; query?: Record<string, string>; first?: unknown } = {},
  ): Promise<TestSocket> {
    const url = new URL('/ws', base.replace(/^http/, 'ws'));
    for (const [k, v] of Object.entries(auth.query ?? {})) url.searchParams.set(k, v);
    if (auth.ticket) url.searchParams.set('ticket', auth.ticket);
    else if (auth.token && !auth.header) url.searchParams.set('token', auth.token);
    const headers: Record<string, string> = {};
    if (auth.token && auth.header) headers.authorization = `Bearer ${auth.token}`;
    if (auth.origin) headers.origin = auth.origin;
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    const s = new TestSocket(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => {
        if (auth.first !== undefined) ws.send(JSON.stringify(auth.first));
        resolve();
      });
      ws.once('unexpected-response', (_req, res) =>
        reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })),
      );
      ws.once('error', reject);
    });
    await s.next((f) => f.type === 'ready');
    return s;
  }

  /** The first frame (already received or upcoming) matching, or a timeout error. */
  next(match: (f: Frame) => boolean, timeoutMs = 3000): Promise<Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no matching frame within ${timeoutMs} ms; got: ${this.frames.map((f) => f.type).join(', ')}`)),
        timeoutMs,
      );
      this.waiters.push({ match, resolve: (f) => (clearTimeout(timer), resolve(f)) });
    });
  }

  /** Sends a frame with an id; resolves with the ack's data, rejects with the error frame. */
  async request(type: string, data: unknown = {}): Promise<Frame['data']> {
    const id = `r${++this.nextId}`;
    this.ws.send(JSON.stringify({ type, id, data }));
    const f = await this.next((x) => x.id === id && (x.type === 'ack' || x.type === 'error'));
    if (f.type === 'error') throw Object.assign(new Error(`${f.error?.code}: ${f.error?.message}`), { frame: f, code: f.error?.code });
    return f.data;
  }

  sendRaw(text: string | Buffer): void {
    this.ws.send(text);
  }

  /** Frames of a type received so far. */
  ofType(type: string): Frame[] {
    return this.frames.filter((f) => f.type === type);
  }

  closed(timeoutMs = 3000): Promise<{ code: number; reason: string }> {
    if (this.closeCode !== undefined) return Promise.resolve({ code: this.closeCode, reason: this.closeReason });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
      this.ws.once('close', (code, reason) => {
        clearTimeout(timer);
        resolve({ code, reason: reason.toString() });
      });
    });
  }

  close(): void {
    this.ws.close();
  }
}
