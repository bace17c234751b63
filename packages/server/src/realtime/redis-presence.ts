import type { Redis } from 'ioredis';
import { PRESENCE_TTL_MS, type PresenceState, type PresenceStatus, type PresenceStore } from '../ports/presence-store.ts';

// Per user: a sorted set of connection ids scored by their expiry, and a hash with status and
// last activity. Both expire with the TTL unless a node refreshes them, so a node that dies takes
// its users offline within 5 minutes.
const CONNECT = `
local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if before == 0 then redis.call('HSET', KEYS[2], 'status', 'online') end
redis.call('HSET', KEYS[2], 'last_active', now)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return before == 0 and 1 or 0`;

const DISCONNECT = `
local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) == 0 then
  redis.call('DEL', KEYS[2])
  redis.call('SET', KEYS[3], now, 'PX', 2592000000)
  return 1
end
return 0`;

export class RedisPresenceStore implements PresenceStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix = 'rooms:presence:') {
    this.redis = redis;
    this.prefix = prefix;
  }

  async connect(userId: string, connId: string): Promise<boolean> {
    return Number(await this.redis.eval(CONNECT, 2, this.conns(userId), this.state(userId), connId, PRESENCE_TTL_MS)) === 1;
  }

  async disconnect(userId: string, connId: string): Promise<boolean> {
    return Number(await this.redis.eval(DISCONNECT, 3, this.conns(userId), this.state(userId), this.seen(userId), connId)) === 1;
  }

  async refresh(entries: { userId: string; connId: string; lastActive: number }[]): Promise<void> {
    if (entries.length === 0) return;
    const expiry = Date.now() + PRESENCE_TTL_MS;
    const m = this.redis.multi();
    for (const e of entries) {
      m.zadd(this.conns(e.userId), expiry, e.connId).pexpire(this.conns(e.userId), PRESENCE_TTL_MS);
      m.hset(this.state(e.userId), 'last_active', e.lastActive).pexpire(this.state(e.userId), PRESENCE_TTL_MS);
    }
    await m.exec();
  }

  async setStatus(userId: string, status: Exclude<PresenceStatus, 'offline'>): Promise<void> {
    await this.redis.hset(this.state(userId), 'status', status);
  }

  async get(userIds: string[]): Promise<Map<string, PresenceState>> {
    const out = new Map<string, PresenceState>();
    if (userIds.length === 0) return out;
    const m = this.redis.multi();
    for (const id of userIds) m.zcount(this.conns(id), Date.now(), '+inf').hmget(this.state(id), 'status', 'last_active').get(this.seen(id));
    const res = (await m.exec()) ?? [];
    userIds.forEach((id, i) => {
      const count = Number(res[i * 3]?.[1] ?? 0);
      const [status, active] = (res[i * 3 + 1]?.[1] as (string | null)[]) ?? [];
      const seen = res[i * 3 + 2]?.[1] as string | null;
      const last = count > 0 ? active : seen;
      out.set(id, { status: count > 0 ? ((status as PresenceStatus) ?? 'online') : 'offline', last_active: last ? new Date(Number(last)).toISOString() : null });
    });
    return out;
  }

  async close(): Promise<void> {}

  private conns(id: string): string {
    return `${this.prefix}c:${id}`;
  }

  private state(id: string): string {
    return `${this.prefix}s:${id}`;
  }

  private seen(id: string): string {
    return `${this.prefix}l:${id}`;
  }
}
