/* eslint-disable @typescript-eslint/no-explicit-any -- frames are untyped JSON on purpose: tests assert on their shape. */
import { connect, createServer, type Server, type Socket } from 'node:net';

/**
 * A client of the TCP gateway that puts exactly the bytes the simple chatroom's Client.py (Python
 * 2.7) puts on the wire: Python 2's json.dumps (", " and ": " separators, everything outside
 * printable ASCII escaped, its dict order: "data", "instruction", "from"), the length line and the
 * body in two writes, one request per connection; and, once logged in, a listening port (the one
 * the server assigned) that takes one pushed frame per connection.
 */

/** Python 2's json.dumps with its defaults, keys in the order given. */
export function pyDumps(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return `"${value.replace(/[\\"]|[^ -~]/g, escapeChar)}"`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(pyDumps).join(', ')}]`;
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pyDumps(k)}: ${pyDumps(v)}`)
    .join(', ')}}`;
}

const ESCAPES: Record<string, string> = { '\\': '\\\\', '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };
function escapeChar(c: string): string {
  return ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** A request as Client.py builds it (dict order of Python 2 for these keys). */
export function requestBody(from: string, instruction: string, data: Record<string, unknown>): string {
  return pyDumps({ data, instruction, from });
}

/** Reads one `"<length>\n" + body` frame from a socket, as Connection.receive does. */
export function readFrame(socket: Socket, timeoutMs = 10_000): Promise<any> {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => fail(new Error('no frame in time')), timeoutMs);
    const fail = (err: Error) => {
      clearTimeout(timer);
      socket.off('data', onData);
      reject(err);
    };
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      const nl = buf.indexOf(0x0a);
      if (nl < 0) return;
      const total = Number(buf.subarray(0, nl).toString('latin1'));
      if (buf.length - nl - 1 < total) return;
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('end', onEnd);
      try {
        resolve(JSON.parse(buf.subarray(nl + 1, nl + 1 + total).toString('utf8')));
      } catch (err) {
        reject(err as Error);
      }
    };
    const onEnd = () => fail(new Error(`connection closed before a whole frame: ${JSON.stringify(buf.toString('latin1'))}`));
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('error', fail);
  });
}

/** Opens a connection, writes raw bytes (in the pieces given), and reads the answer frame (or undefined when the server just closes). */
export async function rawExchange(
  port: number,
  pieces: (string | Buffer)[],
  opts: { expectReply?: boolean; timeoutMs?: number } = {},
): Promise<any> {
  const socket = await open(port);
  try {
    for (const p of pieces) socket.write(p);
    if (opts.expectReply === false) {
      await new Promise<void>((r) => socket.once('close', () => r()));
      return undefined;
    }
    return await readFrame(socket, opts.timeoutMs);
  } finally {
    socket.destroy();
  }
}

function open(port: number, host = '127.0.0.1'): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host }, () => resolve(s));
    s.once('error', reject);
  });
}

export class ChatroomClient {
  readonly serverPort: number;
  username = '';
  /** What the login answer said: the address and port the server will push to. */
  addr = '';
  port = 0;
  /** Every pushed frame, in arrival order. */
  readonly pushes: any[] = [];
  private listener: Server | undefined;
  private waiters: { match: (f: any) => boolean; resolve: (f: any) => void }[] = [];

  constructor(serverPort: number) {
    this.serverPort = serverPort;
  }

  /** One request, one answer, as every Client.py command does (LOGOUT reads none). */
  async request(instruction: string, data: Record<string, unknown>, from = this.username): Promise<any> {
    const body = requestBody(from, instruction, data);
    // Connection.send: s.send("%d\n" % len(data_json)); s.send(data_json) — the length of an ASCII str.
    return rawExchange(this.serverPort, [`${body.length}\n`, body], { expectReply: instruction !== 'LOGOUT' });
  }

  /** ClientUtils.login, then invoke(): on OK, listens on the assigned port for pushes. */
  async login(username: string, password: string): Promise<any> {
    const body = pyDumps({ data: { password }, instruction: 'LOGIN', from: username });
    const answer = await rawExchange(this.serverPort, [`${body.length}\n`, body]);
    if (answer.command === 'OK') {
      this.username = username;
      this.addr = answer.response.ip;
      this.port = answer.response.port;
      await this.listen();
    }
    return answer;
  }

  who = () => this.request('WHO', {});
  last = (n: number) => this.request('LAST', { number: n });
  active = (n: number) => this.request('ACTIVE', { number: n });
  broadcast = (message: string) => this.request('BROADCAST', { message });
  send = (to: string[], message: string) => this.request('SEND', { message_to: to, message });
  blacklist = (targets: string[], command: 'blacklist' | 'whitelist' = 'blacklist') => this.request(command.toUpperCase(), { targets });
  check = (target: string) => this.request('CHECK', { target });
  logout = () => this.request('LOGOUT', {});

  /** The next push matching (already received or still to come). */
  nextPush(match: (f: any) => boolean = () => true, timeoutMs = 10_000): Promise<any> {
    const seen = this.pushes.find(match);
    if (seen) {
      this.pushes.splice(this.pushes.indexOf(seen), 1);
      return Promise.resolve(seen);
    }
    return new Promise((resolve, reject) => {
      const waiter = { match, resolve: (f: any) => (clearTimeout(timer), resolve(f)) };
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new Error(`no matching push in ${timeoutMs} ms; got ${JSON.stringify(this.pushes)}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Stops listening (as the process exiting would). */
  async close(): Promise<void> {
    const l = this.listener;
    this.listener = undefined;
    if (l) await new Promise<void>((r) => l.close(() => r()));
  }

  private async listen(): Promise<void> {
    await this.close();
    const server = createServer((socket) => {
      readFrame(socket).then(
        (frame) => {
          socket.destroy();
          const waiter = this.waiters.find((w) => w.match(frame));
          if (waiter) {
            this.waiters = this.waiters.filter((w) => w !== waiter);
            waiter.resolve(frame);
          } else this.pushes.push(frame);
        },
        () => socket.destroy(),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.listener = server;
  }
}
