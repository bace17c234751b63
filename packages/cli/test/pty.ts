import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../bin/rooms.js', import.meta.url));

/** Escape sequences (cursor moves, clears, colours) and carriage returns: what a reader never sees. */
const strip = (s: string) =>
  s
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b[()][A-Z0-9]/g, '')
    .replace(/\r/g, '');
const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * The real `rooms` command in a pseudo-terminal (util-linux `script` allocates it), driven like a
 * person would: type a line, press Ctrl+C, and wait for text to appear on the screen.
 */
export class Pty {
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  private raw = '';
  private cursor = 0;

  constructor(args: string[], env: Record<string, string>) {
    const command = `stty cols 200 rows 50; exec ${quote(process.execPath)} ${quote(BIN)} ${args.map(quote).join(' ')}`;
    this.child = spawn('script', ['-qfec', command, '/dev/null'], {
      env: { PATH: process.env.PATH!, TERM: 'xterm', LANG: 'C.UTF-8', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => (this.raw += d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => (this.raw += d));
    this.exited = new Promise((resolve) => this.child.on('close', (code) => resolve(code)));
  }

  /** Everything written to the terminal so far, escape sequences (colours, bold) and all. */
  written(): string {
    return this.raw;
  }

  /** Everything shown so far, as text. */
  screen(): string {
    return strip(this.raw);
  }

  /** Waits for the pattern to appear after what earlier expects matched; returns the match. */
  async expect(pattern: RegExp | string, timeoutMs = 8000): Promise<RegExpMatchArray> {
    const re = typeof pattern === 'string' ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : pattern;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const rest = this.screen().slice(this.cursor);
      const m = re.exec(rest);
      if (m) {
        this.cursor += m.index + m[0].length;
        return m;
      }
      if (Date.now() > deadline) throw new Error(`expected ${re} on the screen; after the last match it shows:\n${rest}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Asserts the pattern does not show up within ms (after the last match). */
  async never(pattern: RegExp, ms = 500): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    const rest = this.screen().slice(this.cursor);
    if (pattern.test(rest)) throw new Error(`did not expect ${pattern}; the screen shows:\n${rest}`);
  }

  /** Types a line and presses Enter. */
  type(line: string): void {
    this.keys(`${line}\r`);
  }

  keys(raw: string): void {
    this.child.stdin!.write(raw);
  }

  /** Ctrl+C, then waits for the exit code. */
  async interrupt(): Promise<number | null> {
    this.keys('\x03');
    return this.exited;
  }

  kill(): void {
    this.child.kill('SIGKILL');
  }
}

/** A home for one terminal user: the saved-session file lives here. */
export function home(): { env: Record<string, string>; file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'rooms-chat-'));
  const file = join(dir, 'config', 'rooms', 'chat.json');
  return { env: { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config') }, file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
