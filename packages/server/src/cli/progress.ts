/**
 * Progress of a long command, one line per step. On a terminal the current step shows its
 * elapsed time as it runs (a slow migration on a large database is visibly alive); elsewhere
 * (logs, pipes) each step is one plain line.
 */
export class Progress {
  private readonly out: NodeJS.WriteStream;
  private readonly started = Date.now();
  private label: string | undefined;
  private stepStarted = 0;
  private ticker: NodeJS.Timeout | undefined;
  steps = 0;

  constructor(out: NodeJS.WriteStream = process.stdout) {
    this.out = out;
  }

  /** Starts a step (ending the previous one). */
  step(label: string): void {
    this.endStep();
    this.steps++;
    this.label = label;
    this.stepStarted = Date.now();
    if (!this.out.isTTY) {
      this.out.write(`${label}\n`);
      return;
    }
    this.out.write(label);
    this.ticker = setInterval(() => this.out.write(`\r${label} … ${seconds(Date.now() - this.stepStarted)}`), 1000);
    this.ticker.unref();
  }

  /** Progress within the current step ("indexed 10000/250000 messages"): its own line, or the step's line rewritten on a terminal. */
  detail(text: string): void {
    if (this.label === undefined) return;
    if (!this.out.isTTY) {
      this.out.write(`${this.label}: ${text}\n`);
      return;
    }
    this.out.write(`\r${this.label}: ${text}`);
  }

  /** Ends the last step; returns the time since the start, for a summary line. */
  finish(): string {
    this.endStep();
    return seconds(Date.now() - this.started);
  }

  private endStep(): void {
    if (this.label === undefined) return;
    clearInterval(this.ticker);
    if (this.out.isTTY) this.out.write(`\r${this.label} … done in ${seconds(Date.now() - this.stepStarted)}\n`);
    this.label = undefined;
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
