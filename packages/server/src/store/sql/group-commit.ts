import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { DB } from './schema.ts';

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

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Group commit for a database with one writer (SQLite). Its transactions run one after the
 * other anyway; committing each one alone made the commit (writing its pages to the WAL) the
 * largest single cost of a send. Here a transaction that arrives while another runs joins the
 * next database transaction, in a savepoint of its own: it still succeeds or fails alone (a
 * failing unit rolls back to its savepoint and rejects; the others go on), and every unit of a
 * batch resolves only after the batch committed, so events are still published after commit.
 * A transaction starts at once when the writer is free. With holdForTurn (reads have their own
 * connection, so nothing else needs the writer) a batch whose queue ran dry stays open until the
 * event loop's next turn, once: the sends that arrive on other sockets in this turn join it
 * instead of each committing alone. That costs a transaction at most one turn.
 */
export class GroupCommit {
  private readonly db: Kysely<DB>;
  private readonly queue: Unit[] = [];
  private running = false;
  private readonly holdForTurn: boolean;

  constructor(db: Kysely<DB>, opts: { holdForTurn?: boolean } = {}) {
    this.db = db;
    this.holdForTurn = opts.holdForTurn ?? false;
  }

  run<T>(fn: (trx: Transaction<DB>) => Promise<T>): Promise<T> {
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
    const settled: { unit: Unit; ok: boolean; value: unknown }[] = [];
    let first: Unit | undefined;
    try {
      await this.db.transaction().execute(async (trx) => {
        // The first unit runs without a savepoint: if it fails, the whole transaction (only it) rolls back.
        first = this.queue.shift()!;
        settled.push({ unit: first, ok: true, value: await first.fn(trx) });
        first = undefined;
        // Held open for one turn at most: under a steady trickle every turn brings a unit, and a
        // batch that waited each time filled up only after 64 of them (160 ms at 400 msg/s).
        let held = !this.holdForTurn;
        for (;;) {
          if (this.queue.length === 0 && !held) {
            held = true;
            await nextTurn();
          }
          if (this.queue.length === 0 || settled.length >= MAX_UNITS) break;
          const unit = this.queue.shift()!;
          await trx.executeQuery(SAVEPOINT);
          try {
            settled.push({ unit, ok: true, value: await unit.fn(trx) });
            await trx.executeQuery(RELEASE);
          } catch (err) {
            await trx.executeQuery(ROLLBACK_TO);
            await trx.executeQuery(RELEASE);
            settled.push({ unit, ok: false, value: err });
          }
        }
      });
    } catch (err) {
      // The first unit failed, or the batch could not commit: nothing of it was stored.
      first?.reject(err);
      for (const s of settled) s.unit.reject(s.ok ? err : s.value);
      return;
    }
    for (const s of settled) (s.ok ? s.unit.resolve : s.unit.reject)(s.value);
  }
}
