/**
 * One bcrypt thread of the password pool (see bcrypt-pool.ts): computes each job synchronously,
 * at a lower CPU priority than the event loop, so a login flood's hashing yields the CPU to the
 * requests of signed-in users whenever they need it.
 */
import bcrypt from 'bcrypt';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';

/** A thread computes one job at a time, so an answer needs no id: it is the thread's current job's. */
export type BcryptJob = { op: 'hash'; input: string; cost: number } | { op: 'compare'; input: string; hashes: string[] };
export type BcryptAnswer = { result: string | boolean[] } | { error: string };

try {
  // On Linux the nice value is per thread: this lowers this thread only, not the event loop.
  setPriority((workerData as { nice: number }).nice);
} catch {
  // A platform that refuses leaves the thread at normal priority: slower for others, still correct.
}

parentPort!.on('message', (job: BcryptJob) => {
  let answer: BcryptAnswer;
  try {
    answer = { result: job.op === 'hash' ? bcrypt.hashSync(job.input, job.cost) : job.hashes.map((h) => bcrypt.compareSync(job.input, h)) };
  } catch (err) {
    answer = { error: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(answer);
});
