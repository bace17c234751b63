import { createReadStream } from 'node:fs';
import { type Socket, createConnection } from 'node:net';
import { type Scanner, ScannerUnavailableError, type ScanVerdict } from '../../ports/scanner.ts';

/** Where clamd listens: `tcp://host:port` or `unix:/path/to/clamd.ctl`. */
export type ClamdAddress = { host: string; port: number } | { path: string };

/** Parses CLAMD_URL (`tcp://host:port`, `unix:/path` or `unix:///path`); throws on anything else. */
export function parseClamdUrl(url: string): ClamdAddress {
  const unix = /^unix:(?:\/\/)?(\/.+)$/.exec(url);
  if (unix) return { path: unix[1]! };
  const tcp = /^tcp:\/\/(\[[^\]]+\]|[^:/]+):(\d{1,5})\/?$/.exec(url);
  if (tcp && Number(tcp[2]) > 0 && Number(tcp[2]) < 65536) return { host: tcp[1]!.replace(/^\[|\]$/g, ''), port: Number(tcp[2]) };
  throw new Error(`not a clamd address: ${url} (expected tcp://host:port or unix:/path)`);
}

/** Frames of INSTREAM data; clamd's default StreamMaxLength is 25 MB, uploads are smaller. */
const CHUNK = 64 * 1024;

/**
 * ClamAV's daemon over its INSTREAM command: the file is sent in length-prefixed chunks and
 * clamd answers `stream: OK` or `stream: <signature> FOUND`. Anything else (refused connection,
 * timeout, an ERROR answer) throws ScannerUnavailableError: the upload fails closed.
 */
export class ClamdScanner implements Scanner {
  readonly name = 'clamd';
  private readonly address: ClamdAddress;
  private readonly timeoutMs: number;

  constructor(url: string, timeoutMs: number) {
    this.address = parseClamdUrl(url);
    this.timeoutMs = timeoutMs;
  }

  async scan(path: string, _info: { mimeType: string | null; size: number }): Promise<ScanVerdict> {
    const answer = await this.command('zINSTREAM\0', async (socket) => {
      for await (const chunk of createReadStream(path, { highWaterMark: CHUNK }) as AsyncIterable<Buffer>) {
        const frame = Buffer.allocUnsafe(4 + chunk.length);
        frame.writeUInt32BE(chunk.length, 0);
        chunk.copy(frame, 4);
        if (!socket.write(frame)) await waitDrain(socket);
      }
      socket.write(Buffer.alloc(4));
    });
    const found = /^stream: (.+) FOUND$/.exec(answer);
    if (found) return { ok: false, code: 'malware_detected', reason: `ClamAV found ${found[1]}` };
    if (answer === 'stream: OK') return { ok: true };
    throw new ScannerUnavailableError(`clamd answered: ${answer}`);
  }

  /** True when clamd answers PING (readiness checks); never throws. */
  async ping(): Promise<boolean> {
    try {
      return (await this.command('zPING\0', async () => {})) === 'PONG';
    } catch {
      return false;
    }
  }

  async close(): Promise<void> {}

  /** Sends one command on a fresh connection and resolves with clamd's NUL-terminated answer. */
  private command(cmd: string, send: (socket: Socket) => Promise<void>): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const socket = 'path' in this.address ? createConnection(this.address.path) : createConnection(this.address.port, this.address.host);
      const parts: Buffer[] = [];
      let settled = false;
      const finish = (err: Error | null, answer?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (err) reject(err instanceof ScannerUnavailableError ? err : new ScannerUnavailableError(`clamd is unavailable: ${err.message}`));
        else resolve(answer!);
      };
      const timer = setTimeout(() => finish(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      socket.on('error', (err) => finish(err));
      socket.on('data', (d: Buffer) => {
        parts.push(d);
        const all = Buffer.concat(parts);
        const end = all.indexOf(0);
        if (end !== -1) finish(null, all.toString('utf8', 0, end).trim());
      });
      socket.on('end', () => {
        const all = Buffer.concat(parts).toString('utf8').replace(/\0$/, '').trim();
        // clamd closes after "INSTREAM size limit exceeded" and the like: an answer, not a verdict.
        finish(all ? null : new Error('connection closed without an answer'), all);
      });
      socket.once('connect', () => {
        socket.write(cmd);
        send(socket).catch((err: Error) => finish(err));
      });
    });
  }
}

function waitDrain(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      socket.off('close', onClose);
      resolve();
    };
    const onClose = () => {
      socket.off('drain', onDrain);
      reject(new Error('connection closed while sending'));
    };
    socket.once('drain', onDrain);
    socket.once('close', onClose);
  });
}
