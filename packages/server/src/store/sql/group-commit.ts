import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { GroupCommitOptions } from './dialects/dialect.ts';
import { loopBusyMeter } from './loop-busy.ts';
import { runDirectly } from './repositories/prepared.ts';
import type { DB } from './schema.ts';

interface Settled {
  unit: Unit;
  ok: boolean;
  value: unknown;
}

interface Unit {
  fn: (trx: Transaction<DB>) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

const SAVEPOINT = CompiledQuery.raw('savepoint unit');
const RELEASE = CompiledQuery.raw('release savepoint unit');
const ROLLBACK_TO = CompiledQuery.raw('rollback to savepoint unit');
/** Past this many units a batch commits, so reads waiting for the one connection get their turn. */
const MAX_UNITS = 64;

/**
 * How long a batch may stay open while sends arrive often and the event loop is busy. Near
 * saturation a commit (the pages it writes to the WAL, and its share of the checkpoints) was a
 * third of a send's database time, and sends 1 ms apart each committed alone; waiting 2 ms lets a
 * few share one commit and the pages they all touch (S1 100×10: 10,375 msg/s with it, 8,000
 * without). A bound, not a goal.
 */
export const HOLD_MS = 2;
/** The gap between arrivals a batch assumes at first: "rare", so a first send never waits. */
const QUIET_GAP_MS = 50;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Group commit for a database with one writer (SQLite). Its transactions run one after the
 * other anyway; committing each one alone made the commit (writing its pages to the WAL) the
 * largest single cost of a send. Here a transaction that arrives while another runs joins the
 * next database transaction, in a savepoint of its own: it still succeeds or fails alone (a
 * failing unit rolls back to its savepoint and rejects; the others go on), and every unit of a
 * batch resolves only after the batch committed, so events are still published after commit.
 * A transaction starts at once when the writer is free. With hold (reads have their own
 * connection, so nothing else needs the writer) a batch whose queue ran dry waits once before it
 * commits: for the event loop's next turn (a lone send waits a turn, no more), or, when units
 * arrive more often than HOLD_MS (the moving average of the gaps between them) and the loop is
 * busy (loopBusyMeter), until it is HOLD_MS old, so that the sends of the next milliseconds join it.
 */
export class GroupCommit {
  private readonly queue: Unit[] = [];
  private running = false;
  private readonly holdMs: number;
  /** Moving average of the time between two units' arrivals. */
  private gapMs = QUIET_GAP_MS;
  private lastArrival = 0;
  /** Whether the event loop is busy enough for a hold to pay (loopBusyMeter). */
  private readonly loopBusy: () => boolean;

  private readonly runOnWriter: GroupCommitOptions['runOnWriter'];
  /** A batch's transaction: the dialect's own (SQLite's writer), or Kysely's. */
  private readonly transaction: NonNullable<GroupCommitOptions['transaction']>;

  constructor(db: Kysely<DB>, opts: Partial<GroupCommitOptions> & { holdMs?: number; loopBusy?: () => boolean } = {}) {
    this.holdMs = opts.hold ? (opts.holdMs ?? HOLD_MS) : 0;
    this.loopBusy = opts.loopBusy ?? loopBusyMeter();
    this.runOnWriter = opts.runOnWriter;
    this.transaction = opts.transaction ?? ((fn) => db.transaction().execute(fn));
  }

  run<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
    const now = performance.now();
    if (this.lastArrival > 0) this.gapMs += (Math.min(now - this.lastArrival, QUIET_GAP_MS) - this.gapMs) / 8;
    this.lastArrival = now;
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      if (!this.running) void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) await this.batch();
    } finally {
      this.running = false;
    }
  }

  private async batch(): Promise<void> {
    const settled: Settled[] = [];
    const began = performance.now();
    try {
      const units = (trx: Transaction<DB>) => this.units(trx, settled, began);
      await this.transaction((trx) => (this.runOnWriter ? runDirectly(trx, this.runOnWriter, () => units(trx)) : units(trx)));
    } catch (err) {
      // The first unit failed, or the batch could not commit: nothing of it was stored.
      for (const s of settled) s.unit.reject(s.ok ? err : s.value);
      return;
    }
    for (const s of settled) (s.ok ? s.unit.resolve : s.unit.reject)(s.value);
  }

  /** The units of one batch, in the transaction: the first as it is, each of the others in a savepoint. */
  private async units(trx: Transaction<DB>, settled: Settled[], began: number): Promise<void> {
    const exec = (q: CompiledQuery) => (this.runOnWriter ? this.runOnWriter(q) : trx.executeQuery(q));
    // The first unit runs without a savepoint: if it fails, the whole transaction (only it) rolls back.
    const first: Settled = { unit: this.queue.shift()!, ok: true, value: undefined };
    settled.push(first);
    first.value = await first.unit.fn(trx);
    // One wait, bounded in time: a batch that waited again whenever a unit had come held its
    // first send 160 ms at 400 msg/s (a unit every turn, until 64 of them).
    let mayWait = this.holdMs > 0;
    for (;;) {
      if (this.queue.length === 0 && mayWait) {
        mayWait = false;
        const left = this.holdMs - (performance.now() - began);
        await (this.gapMs < this.holdMs && left >= 1 && this.loopBusy() ? sleep(left) : nextTurn());
      }
      if (this.queue.length === 0 || settled.length >= MAX_UNITS) break;
      const unit = this.queue.shift()!;
      await exec(SAVEPOINT);
      try {
        settled.push({ unit, ok: true, value: await unit.fn(trx) });
        await exec(RELEASE);
      } catch (err) {
        await exec(ROLLBACK_TO);
        await exec(RELEASE);
        settled.push({ unit, ok: false, value: err });
      }
    }
  }
}
