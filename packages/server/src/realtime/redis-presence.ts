import type { Redis } from 'ioredis';
import {
  PRESENCE_HISTORY_MS,
  PRESENCE_TTL_MS,
  type PresenceEntry,
  type PresenceState,
  type PresenceStatus,
  type PresenceStore,
} from '../ports/presence-store.ts';

// Per user: a sorted set of connection ids scored by their expiry, and a hash with status and
// last activity. Both expire with the TTL unless a node refreshes them, so a node that dies takes
// its users offline within 5 minutes. Three shared sorted sets index users for listings: online
// (scored by expiry), connected (latest connection opened) and active (last activity).
const CONNECT = `
local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
local before = redis.call('ZCARD', KEYS[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
if before == 0 then redis.call('HSET', KEYS[2], 'status', 'online') end
redis.call('HSET', KEYS[2], 'last_active', now)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[3])
redis.call('ZADD', KEYS[4], now, ARGV[3])
redis.call('ZADD', KEYS[5], now, ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - tonumber(ARGV[4]))
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - tonumber(ARGV[4]))
return before == 0 and 1 or 0`;

const DISCONNECT = `
local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) > 0 then return 0 end
-- Offline now only if still listed online: a user whose last connection already went (a second
-- disconnect, an unknown connection) is not announced offline again, nor their last-seen moved.
if redis.call('ZREM', KEYS[4], ARGV[2]) == 0 then return 0 end
redis.call('DEL', KEYS[2])
redis.call('SET', KEYS[3], now, 'PX', 2592000000)
redis.call('ZADD', KEYS[5], 'GT', now, ARGV[2])
return 1`;

export class RedisPresenceStore implements PresenceStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(redis: Redis, prefix = 'rooms:presence:') {
    this.redis = redis;
    this.prefix = prefix;
  }

  async connect(userId: string, connId: string): Promise<boolean> {
    const keys = [this.conns(userId), this.state(userId), this.index('online'), this.index('connected'), this.index('active')];
    return Number(await this.redis.eval(CONNECT, keys.length, ...keys, connId, PRESENCE_TTL_MS, userId, PRESENCE_HISTORY_MS)) === 1;
  }

  async disconnect(userId: string, connId: string): Promise<boolean> {
    const keys = [this.conns(userId), this.state(userId), this.seen(userId), this.index('online'), this.index('active')];
    return Number(await this.redis.eval(DISCONNECT, keys.length, ...keys, connId, userId)) === 1;
  }

  async refresh(entries: { userId: string; connId: string; lastActive: number }[]): Promise<void> {
    if (entries.length === 0) return;
    const expiry = Date.now() + PRESENCE_TTL_MS;
    const m = this.redis.multi();
    for (const e of entries) {
      m.zadd(this.conns(e.userId), expiry, e.connId).pexpire(this.conns(e.userId), PRESENCE_TTL_MS);
      m.hset(this.state(e.userId), 'last_active', e.lastActive).pexpire(this.state(e.userId), PRESENCE_TTL_MS);
      m.zadd(this.index('online'), expiry, e.userId).zadd(this.index('active'), 'GT', e.lastActive, e.userId);
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
    for (const id of userIds)
      m.zcount(this.conns(id), Date.now(), '+inf').hmget(this.state(id), 'status', 'last_active').get(this.seen(id));
    const res = (await m.exec()) ?? [];
    userIds.forEach((id, i) => {
      const count = Number(res[i * 3]?.[1] ?? 0);
      const [status, active] = (res[i * 3 + 1]?.[1] as (string | null)[]) ?? [];
      const seen = res[i * 3 + 2]?.[1] as string | null;
      const last = count > 0 ? active : seen;
      out.set(id, {
        status: count > 0 ? ((status as PresenceStatus) ?? 'online') : 'offline',
        last_active: last ? new Date(Number(last)).toISOString() : null,
      });
    });
    return out;
  }

  async online(): Promise<PresenceEntry[]> {
    // A user whose connections all expired (their node died) may linger in the index until pruned.
    const entries = await this.entries(await this.redis.zrangebyscore(this.index('online'), Date.now(), '+inf'));
    return entries.filter((e) => e.status !== 'offline');
  }

  async recent(kind: 'connected' | 'active', sinceMs: number): Promise<PresenceEntry[]> {
    return this.entries(await this.redis.zrangebyscore(this.index(kind), sinceMs, '+inf'));
  }

  async close(): Promise<void> {}

  /** Status, latest connection and last activity of each user, in one round trip (plus get's). */
  private async entries(userIds: string[]): Promise<PresenceEntry[]> {
    if (userIds.length === 0) return [];
    const [states, scores] = await Promise.all([
      this.get(userIds),
      this.redis
        .multi()
        .zmscore(this.index('connected'), ...userIds)
        .zmscore(this.index('active'), ...userIds)
        .exec(),
    ]);
    const connected = (scores?.[0]?.[1] as (string | null)[] | undefined) ?? [];
    const active = (scores?.[1]?.[1] as (string | null)[] | undefined) ?? [];
    const ms = (v: string | null | undefined) => (v === null || v === undefined ? null : Number(v));
    return userIds.map((userId, i) => ({
      userId,
      status: states.get(userId)?.status ?? 'offline',
      connectedAt: ms(connected[i]),
      lastActive: ms(active[i]),
    }));
  }

  private conns(id: string): string {
    return `${this.prefix}c:${id}`;
  }

  private state(id: string): string {
    return `${this.prefix}s:${id}`;
  }

  private seen(id: string): string {
    return `${this.prefix}l:${id}`;
  }

  private index(name: 'online' | 'connected' | 'active'): string {
    return `${this.prefix}index:${name}`;
  }
}
