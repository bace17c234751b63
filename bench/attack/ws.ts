/** A raw WebSocket peer of the attack run: frames counted by type, close code and time kept, source address chosen. */
import WebSocket from 'ws';

export interface PeerOptions {
  token?: string;
  ticket?: string;
  localAddress?: string | undefined;
  headers?: Record<string, string>;
  /** Called with every frame (to count deliveries without parsing). */
  onFrame?: (data: Buffer) => void;
}

const TYPE_AT = '{"type":"'.length;

/** The frame's type, read from its first bytes (the server always writes type first). */
export function frameType(data: Buffer): string {
  const end = data.indexOf(0x22, TYPE_AT);
  return end > 0 ? data.toString('latin1', TYPE_AT, end) : '?';
}

export class Peer {
  readonly ws: WebSocket;
  readonly counts = new Map<string, number>();
  readonly openedAt = performance.now();
  closeCode: number | undefined;
  closedAt: number | undefined;
  /** Error codes of `error` frames: "rate_limited"×3... */
  readonly errors = new Map<string, number>();

  private constructor(ws: WebSocket, onFrame: ((data: Buffer) => void) | undefined) {
    this.ws = ws;
    ws.on('message', (data: Buffer) => {
      const type = frameType(data);
      this.counts.set(type, (this.counts.get(type) ?? 0) + 1);
      if (type === 'error') {
        const code = /"code":"(\w+)"/.exec(data.toString())?.[1] ?? '?';
        this.errors.set(code, (this.errors.get(code) ?? 0) + 1);
      }
      onFrame?.(data);
    });
    // Errors after the handshake (a reset) end in 'close', which is what is recorded.
    ws.on('error', () => {});
    ws.on('close', (code) => {
      this.closeCode = code;
      this.closedAt = performance.now();
    });
  }

  /**
   * Opens /ws and resolves on the server's `ready` frame; rejects with the handshake's HTTP status
   * ("401") or the close code when the server refuses.
   */
  static connect(baseWsUrl: string, o: PeerOptions): Promise<Peer> {
    const q = o.ticket ? `?ticket=${encodeURIComponent(o.ticket)}` : '';
    const headers = { ...o.headers, ...(o.token ? { authorization: `Bearer ${o.token}` } : {}) };
    const ws = new WebSocket(`${baseWsUrl}/ws${q}`, { perMessageDeflate: false, headers, localAddress: o.localAddress });
    const peer = new Peer(ws, o.onFrame);
    return new Promise((resolve, reject) => {
      const onMessage = (data: Buffer) => {
        if (frameType(data) !== 'ready') return;
        ws.off('message', onMessage);
        resolve(peer);
      };
      ws.on('message', onMessage);
      ws.once('unexpected-response', (_req, res) => {
        reject(Object.assign(new Error(`handshake answered ${res.statusCode}`), { status: res.statusCode }));
        ws.terminate();
      });
      ws.once('error', (err) => reject(err));
      ws.once('close', (code) => reject(Object.assign(new Error(`closed ${code} before ready`), { closeCode: code })));
    });
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  count(type: string): number {
    return this.counts.get(type) ?? 0;
  }

  /** Sends unless the socket is closed or has more than maxBuffered bytes waiting; says whether it sent. */
  send(text: string, maxBuffered = 8 * 1024 * 1024): boolean {
    if (!this.open || this.ws.bufferedAmount > maxBuffered) return false;
    this.ws.send(text);
    return true;
  }

  /** Waits until cond holds, the socket closes, or timeoutMs passes. */
  async until(cond: () => boolean, timeoutMs: number): Promise<void> {
    const end = performance.now() + timeoutMs;
    while (!cond() && this.closedAt === undefined && performance.now() < end) await new Promise((r) => setTimeout(r, 10));
  }

  /** "closed by the server after 1.2 s with 1008" or "still open". */
  describeClose(since: number): string {
    return this.closedAt === undefined
      ? 'socket still open'
      : `socket closed after ${((this.closedAt - since) / 1000).toFixed(1)} s with ${this.closeCode}`;
  }

  close(): void {
    this.ws.terminate();
  }
}
