import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, open, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Occupies every thread of libuv's pool (4 by default) until release(): each opens a named pipe
 * for reading, which blocks that thread until a writer comes. Deterministic, unlike CPU-bound work
 * timed to last "long enough" on a machine whose load varies.
 */
export function blockThreadPool(threads = 4): { done: () => number; release: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'rooms-pool-'));
  const fifos = Array.from({ length: threads }, (_, i) => join(dir, `fifo-${i}`));
  execFileSync('mkfifo', fifos);
  let finished = 0;
  const opened = fifos.map(
    (f) =>
      new Promise<number>((resolve, reject) =>
        open(f, 'r', (err, fd) => {
          finished++;
          if (err) reject(err);
          else resolve(fd);
        }),
      ),
  );
  return {
    done: () => finished,
    release: async () => {
      // A reader blocked in open() counts as one: a non-blocking writer's open succeeds and frees it.
      const writers = fifos.map((f) => openSync(f, constants.O_WRONLY | constants.O_NONBLOCK));
      for (const fd of await Promise.all(opened)) closeSync(fd);
      for (const fd of writers) closeSync(fd);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Resolves with work's result, or fails if it takes longer than ms (work that waits for a blocked pool never ends). */
export function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms: it waited for the thread pool`)), ms)),
  );
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}
