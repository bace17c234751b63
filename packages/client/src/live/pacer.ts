/** The server's frame budget, as `ready` tells it (WS_FRAME_RATE per second, WS_FRAME_BURST at most). */
export interface FrameBudget {
  rate: number;
  burst: number;
}

/**
 * What of the server's budget the client lets itself use: frames sent evenly can still arrive
 * bunched (network jitter), and the server counts them at arrival.
 */
const MARGIN = 0.9;

/**
 * Paces one connection's frames to the server's frame budget (a token bucket, where costly frames
 * weigh more: see frameWeight in @rooms/protocol). A connection that overdraws it is closed by
 * the server (1008); here a frame that would overdraw waits, in order, until the bucket refilled.
 */
export class FramePacer {
  /** When the last frame went out (or was queued): touch() needs to send nothing while frames flow. */
  lastSentAt = 0;
  private readonly rate: number;
  private readonly burst: number;
  private tokens: number;
  private refilledAt = Date.now();
  private readonly queue: { weight: number; send: () => void }[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(budget: FrameBudget) {
    this.rate = budget.rate * MARGIN;
    this.burst = Math.max(1, Math.floor(budget.burst * MARGIN));
    this.tokens = this.burst;
  }

  /** Sends now if the budget allows and nothing waits ahead of it; otherwise once it does. */
  send(weight: number, send: () => void): void {
    this.lastSentAt = Date.now();
    // A frame heavier than the whole bucket goes out once the bucket is full: waiting longer cannot help.
    const w = Math.min(weight, this.burst);
    if (this.queue.length === 0 && this.take(w)) return send();
    this.queue.push({ weight: w, send });
    this.schedule();
  }

  /** The connection ended: frames still waiting are dropped (their requests fail as disconnected). */
  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.queue.length = 0;
  }

  private take(weight: number): boolean {
    this.refill();
    if (this.tokens < weight) return false;
    this.tokens -= weight;
    return true;
  }

  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.rate) / 1000);
    this.refilledAt = now;
  }

  private schedule(): void {
    if (this.timer) return;
    const head = this.queue[0];
    if (!head) return;
    this.refill();
    const wait = Math.ceil(((head.weight - this.tokens) * 1000) / this.rate);
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        while (this.queue.length > 0 && this.take(this.queue[0]!.weight)) this.queue.shift()!.send();
        this.schedule();
      },
      Math.max(1, wait),
    );
  }
}
