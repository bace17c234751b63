/**
 * The in-process send benches' shared set-up (send-path.ts, index-cpu.ts, index-batch.ts): a Rooms
 * core on a fresh data dir (or a PostgreSQL database), and senders each owning a public room.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../packages/server/src/config/config.ts';
import { openCore } from '../../packages/server/src/core.ts';
import { systemClock } from '../../packages/server/src/ports/clock.ts';

export type Actor = { id: string; isAdmin: boolean; tokenVersion: number; ip: string };
export type Core = Awaited<ReturnType<typeof openCore>>;

/** Text of the bench's messages after their marker, as the load generator pads them. */
export const PADDING = ' the quick brown fox jumps over the lazy dog while the bench keeps counting every single message'
  .repeat(2)
  .slice(0, 60);

/**
 * A core with the bench's rate limit. SQL_TIMING=1 in the environment: the per-statement totals
 * are printed as a table when it closes (the server logs them at shutdown).
 */
export async function openSendCore(o: { name: string; databaseUrl?: string | undefined; searchIndex?: boolean }): Promise<{
  core: Core;
  config: Config;
  dataDir: string;
}> {
  const dataDir = mkdtempSync(join(tmpdir(), `rooms-${o.name}-`));
  const config = loadConfig({
    DATA_DIR: dataDir,
    BCRYPT_COST: '10',
    MESSAGE_RATE_LIMIT: '100000',
    ...(process.env.SQL_TIMING ? { SQL_TIMING: 'true' } : {}),
    ...(o.databaseUrl ? { DATABASE_URL: o.databaseUrl } : {}),
  });
  const timingLog = {
    info: (l: { statements?: { sql: string; count: number; mean_us: number; max_us: number; total_ms: number }[] }) =>
      l.statements && console.table(l.statements.map((t) => ({ ...t, sql: t.sql.slice(0, 90) }))),
    warn() {},
    error() {},
  };
  const core = await openCore(config, {
    clock: systemClock,
    ...(config.SQL_TIMING ? { logger: timingLog as never } : {}),
    ...(o.searchIndex === false ? { searchIndex: false } : {}),
  });
  return { core, config, dataDir };
}

/** n senders, each the owner of a public room of its own, created through the services. */
export async function ownRoomSenders(core: Core, n: number): Promise<{ actor: Actor; roomId: string }[]> {
  const senders: { actor: Actor; roomId: string }[] = [];
  for (let i = 0; i < n; i++) {
    const s = await core.services.accounts.createAccount({
      username: `sender${i}`,
      email: `s${i}@x.test`,
      password: 'correct horse battery',
      display_name: `Sender ${i}`,
    } as never);
    const actor = { id: s.user.id, isAdmin: false, tokenVersion: 0, ip: '127.0.0.1' };
    const room = await core.services.rooms.create(actor, { name: `room-${i}`, type: 'public', categories: [] } as never);
    senders.push({ actor, roomId: room.id });
  }
  return senders;
}
