import { RELAXED_LIMITS } from './server.ts';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { spawnServer, type ServerProcess } from './processes.ts';
import { tempDir } from './services.ts';

/** Settings every server process of the real-time suites shares: loopback, a free port, bcrypt's minimum cost. */
export const NODE_ENV_BASE = {
  PORT: '0',
  HOST: '127.0.0.1',
  BCRYPT_COST: '10',
  ...Object.fromEntries(Object.entries(RELAXED_LIMITS).map(([k, v]) => [k, String(v)])),
};

/** A JWT secret for several nodes that must accept each other's tokens. */
export const sharedSecret = (): string => randomBytes(48).toString('base64url');

/** A Redis prefix of its own, so a run never sees another run's keys or events. */
export const freshRedisPrefix = (): string => `rooms-test-${randomBytes(4).toString('hex')}:`;

/** One server process with its own DATA_DIR (unless given one), started and listening. */
export interface Node {
  url: string;
  proc: ServerProcess;
  dataDir: string;
}

/**
 * Spawns `packages/server/src/main.ts` with env and waits for its "listening" line. The data
 * directory is created when not given; removeDirs() deletes the ones created here.
 */
export function nodeLauncher() {
  const dirs: ReturnType<typeof tempDir>[] = [];
  const procs: ServerProcess[] = [];
  return {
    freshDir(): string {
      const d = tempDir('rooms-node-');
      dirs.push(d);
      return d.path;
    },
    async start(env: Record<string, string | undefined>, dataDir?: string): Promise<Node> {
      const dir = dataDir ?? this.freshDir();
      const proc = spawnServer({ ...NODE_ENV_BASE, ...env, DATA_DIR: dir });
      procs.push(proc);
      return { url: await proc.listening(30_000), proc, dataDir: dir };
    },
    /** Stops every process still running (SIGTERM, then SIGKILL after 10 s) and removes the directories. */
    async cleanup(): Promise<void> {
      await Promise.all(
        procs.map(async (p) => {
          const killer = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
          await p.stop('SIGTERM');
          clearTimeout(killer);
        }),
      );
      for (const d of dirs) d.remove();
    },
  };
}

/** Deletes every key under a prefix (rate limits, lockouts, presence) once a suite is done. */
export async function dropRedisPrefix(url: string, prefix: string): Promise<void> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
