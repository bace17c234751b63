import type { Kysely } from 'kysely';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import type { DB } from '../schema.ts';
import { loopBusyMeter } from '../loop-busy.ts';
import { mergeOwed, mergePages, readStructure } from './fts5-structure.ts';
import type { RunWrite } from './search-queue.ts';

/** The SQLite search indexes (FTS5) the tidier looks after. */
export const SEARCH_INDEXES = ['message_search_words', 'message_search_trigram'] as const;
export type SearchIndexName = (typeof SEARCH_INDEXES)[number];

/**
 * Segments an index may have before the tidier merges it. The search queue's batches merge a few
 * pages each (MERGE_PAGES_PER_MESSAGE): enough to keep an index of 100,000 messages at 8-12
 * segments, not enough for a million: one loaded at full speed ended with 54 segments in its
 * trigram index, and a search reads every segment (a phrase's p99 84 ms against 58 with 6, a
 * rare word's 10.8 against 5.9, bench/search.ts on one machine in one hour).
 */
export const TIDY_SEGMENTS = 12;
/**
 * Leaf pages a tidy step merges, in its own write transaction: ~3 ms (p50) at a million messages.
 * FTS5 stops a merge step only between terms, so a step that reaches a very common term copies
 * its whole doclist: a few steps of a large index's catch-up take far longer (one of 904 took
 * 0.54 s at a million messages), which is why the tidier only runs while the server is quiet.
 */
export const TIDY_PAGES = 16;
/** How long after the queue's last batch the tidier looks at the indexes (again while the loop is busy). */
export const TIDY_DELAY_MS = 1000;
/** The event loop's busy share under which the server counts as quiet (steps stop above it). */
export const TIDY_QUIET_SHARE = 0.3;

/**
 * Merges the FTS5 indexes' segments while the server is quiet (SQLite): when an index has more
 * than TIDY_SEGMENTS, small steps of FTS5's own 'merge' (the merges it owes, levels of 4 segments
 * or more), each its own transaction on the writer, until it owes none. A send that arrives
 * meanwhile waits for one step at most; a busy loop pauses the tidy until it is quiet again. The
 * work is what the batches left undone (4.5 s for the million-message index above, ending with 6
 * segments), not a rewrite of the whole index as FTS5's 'optimize' would be each time.
 */
export class SearchTidier {
  private readonly db: Kysely<DB>;
  private readonly runWrite: RunWrite;
  private readonly loopActive: () => boolean;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private closed = false;
  /** Indexes whose tidy began and has not finished: it goes on past the threshold, to no merge owed. */
  private readonly owing = new Set<SearchIndexName>();

  constructor(db: Kysely<DB>, runWrite: RunWrite, loopActive: () => boolean = loopBusyMeter(TIDY_QUIET_SHARE)) {
    this.db = db;
    this.runWrite = runWrite;
    this.loopActive = loopActive;
  }

  /** After a batch: the indexes are looked at once the server has been quiet TIDY_DELAY_MS. */
  soon(): void {
    if (this.timer !== undefined || this.running !== undefined || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // A failed step (the store closing under it) is left: the next batch looks again.
      void this.tidy().catch(() => {});
    }, TIDY_DELAY_MS);
    this.timer.unref();
  }

  /**
   * Merges every index past the threshold until it owes no merge, stepping only while the loop
   * is quiet (or always, with `always`: a benchmark's or a test's wait for what a quiet server would do).
   */
  tidy(always = false): Promise<void> {
    this.running ??= this.run(always).then(
      (paused) => {
        this.running = undefined;
        if (paused) this.soon();
      },
      (err: unknown) => {
        this.running = undefined;
        throw err;
      },
    );
    return this.running;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Whether it paused for a busy loop (to go on once quiet: what an index owes is kept, and FTS5 goes on with a merge it began). */
  private async run(always: boolean): Promise<boolean> {
    // A busy loop: nothing read, again once quiet.
    if (!always && this.loopActive()) return true;
    for (const index of SEARCH_INDEXES) if ((await readStructure(this.db, index)).segments > TIDY_SEGMENTS) this.owing.add(index);
    for (const index of [...this.owing]) {
      for (;;) {
        if (this.closed) return false;
        if (!always && this.loopActive()) return true;
        if (!mergeOwed(await readStructure(this.db, index))) break;
        await this.runWrite(async (trx) => {
          await mergePages(trx, index, TIDY_PAGES);
          return 0;
        });
        await yieldToLoop();
      }
      this.owing.delete(index);
    }
    return false;
  }
}
