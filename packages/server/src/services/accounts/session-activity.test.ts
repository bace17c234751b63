import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import type { SessionRow } from '../../store/types.ts';
import { describeDevice, SessionActivity } from './session-activity.ts';

/** A store that only records the last-use writes it is asked for. */
function recordingStore() {
  const writes: { id: string; lastUsedAt: string }[][] = [];
  const store = {
    transaction: <T>(fn: (tx: Store) => Promise<T>) => fn(store as unknown as Store),
    sessions: { touch: async (uses: { id: string; lastUsedAt: string }[]) => void writes.push(uses) },
  };
  return { store: store as unknown as Store, writes };
}

const session = (id: string, lastUsed: Date): SessionRow => ({
  id,
  user_id: 'u',
  client: null,
  user_agent: null,
  ip: null,
  created_at: lastUsed.toISOString(),
  last_used_at: lastUsed.toISOString(),
  expires_at: '2099-01-01T00:00:00.000Z',
});

describe('session last use', () => {
  it('is written at most once a minute per session, many sessions in one write, never once per request', async () => {
    const clock = new ManualClock(new Date('2026-12-05T12:00:00Z'));
    const { store, writes } = recordingStore();
    const activity = new SessionActivity(store, clock);
    const fresh = session('fresh', clock.now());
    const old = [session('a', new Date(clock.now().getTime() - 61_000)), session('b', new Date(clock.now().getTime() - 3_600_000))];
    for (let i = 0; i < 1000; i++) for (const s of [fresh, ...old]) activity.used(s);
    await activity.flush();
    assert.equal(writes.length, 1, 'one write for a thousand requests');
    assert.deepEqual(writes[0]!.map((u) => u.id).sort(), ['a', 'b'], 'a session used within the minute is not rewritten');
    await activity.flush();
    assert.equal(writes.length, 1, 'nothing due, nothing written');
    await activity.close();
  });

  it('names the device a User-Agent describes', () => {
    assert.equal(
      describeDevice(
        'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36 Edg/131.0',
      ),
      'Edge on Windows',
    );
    assert.equal(
      describeDevice('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15'),
      'Safari on macOS',
    );
    assert.equal(
      describeDevice('Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36'),
      'Chrome on Android',
    );
    assert.equal(describeDevice('curl/8.5.0'), 'curl');
    assert.equal(describeDevice(undefined), null);
  });
});
