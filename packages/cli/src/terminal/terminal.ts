import readline from 'node:readline';
import { Writable } from 'node:stream';

/**
 * The terminal a command talks to: lines typed, questions (secrets not echoed), and lines printed
 * above the one being typed without breaking it (clear the line, print, redraw prompt and input).
 * Works the same, minus the redrawing, when stdin/stdout are pipes.
 */
export class Terminal {
  readonly tty: boolean;
  private readonly rl: readline.Interface;
  private readonly out: NodeJS.WriteStream;
  private readonly history: string[] = [];
  private muted = false;
  private asking = false;
  private prompting = false;
  private ended = false;

  constructor(input: NodeJS.ReadStream = process.stdin, out: NodeJS.WriteStream = process.stdout) {
    this.out = out;
    this.tty = Boolean(input.isTTY && out.isTTY);
    // readline echoes through this stream, so a secret is typed into a muted one.
    const echo = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        if (!this.muted) out.write(chunk);
        done();
      },
    });
    Object.defineProperty(echo, 'columns', { get: () => out.columns || 80 });
    this.rl = readline.createInterface({ input, output: echo, terminal: this.tty, history: this.history, historySize: 200, prompt: '> ' });
    this.rl.on('close', () => void (this.ended = true));
  }

  /** Prints lines; on a terminal they appear above the input line, which is redrawn as it was. */
  print(text: string): void {
    if (!this.tty || this.ended) return void this.out.write(`${text}\n`);
    readline.clearLine(this.out, 0);
    readline.cursorTo(this.out, 0);
    this.out.write(`${text}\n`);
    if (this.prompting && !this.asking) this.rl.prompt(true);
  }

  setPrompt(prompt: string): void {
    this.rl.setPrompt(prompt);
  }

  /** Shows the prompt and waits for commands (see onLine). */
  prompt(): void {
    if (this.ended) return;
    this.prompting = true;
    this.rl.prompt();
  }

  /** The answer to a question (undefined if input ended first). */
  question(prompt: string): Promise<string | undefined> {
    return new Promise((resolve) => {
      if (this.ended) return resolve(undefined);
      this.asking = true;
      const ended = () => resolve(undefined);
      this.rl.once('close', ended);
      this.rl.question(prompt, (answer) => {
        this.asking = false;
        this.rl.off('close', ended);
        resolve(answer);
      });
    });
  }

  /** A question whose answer is not echoed and not kept in the history (passwords). */
  async secret(prompt: string): Promise<string | undefined> {
    this.out.write(prompt);
    this.muted = true;
    const answer = await this.question('');
    this.muted = false;
    if (this.tty) this.out.write('\n');
    if (answer !== undefined && this.history[0] === answer) this.history.shift();
    return answer;
  }

  onLine(handler: (line: string) => void): void {
    this.rl.on('line', handler);
  }

  /** Ctrl+C (on a terminal, readline sees it as a key, not a signal). */
  onInterrupt(handler: () => void): void {
    this.rl.on('SIGINT', handler);
  }

  /** Ctrl+D or the end of piped input. */
  onEnd(handler: () => void): void {
    this.rl.on('close', handler);
  }

  close(): void {
    this.rl.close();
  }
}
