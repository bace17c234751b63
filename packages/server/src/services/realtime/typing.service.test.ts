import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { RecordingBus } from '../../../test/helpers/recording-bus.ts';
import type { Actor } from '../../domain/actor.ts';
import { systemClock } from '../../ports/clock.ts';
import type { Store } from '../../store/store.ts';
import { TypingService } from './typing.service.ts';

const alice: Actor = { id: 'alice', isAdmin: false, tokenVersion: 0, ip: '' };

/** Just what typing reads: a room alice belongs to, its other member, and the blocks between them. */
function storeWith(type: 'public' | 'direct', blocked = false): Store {
  return {
    rooms: { findById: async (id: string) => ({ id, type, archived: false }) },
    members: {
      get: async () => ({ role: 'member', muted: false, muted_until: null }),
      peers: async (ids: string[]) => new Map(ids.map((id) => [id, { id: 'bob' }])),
    },
    blocks: { between: async () => blocked },
  } as unknown as Store;
}

/** Lets the service's awaited reads settle (they resolve at once) without moving the mocked clock. */
const settle = async () => {
  for (let i = 0; i < 10; i++) await Promise.resolve();
};

describe('TypingService: announcements', () => {
  let bus: RecordingBus;
  beforeEach(() => {
    mock.timers.enable({ apis: ['setTimeout', 'Date'] });
    bus = new RecordingBus();
  });
  afterEach(() => mock.timers.reset());

  const announced = () => bus.published.map((e) => (e.data as { typing: boolean }).typing);
  const tick = async (ms: number) => {
    mock.timers.tick(ms);
    await settle();
  };

  it('a flood of start/stop pairs is announced as one start and one stop a second at most, ending on the last state', async () => {
    const typing = new TypingService({ store: storeWith('public'), bus, clock: systemClock });
    // 5 s of start/stop pairs, 100 a second, ending on a stop.
    for (let ms = 0; ms < 5000; ms += 10) {
      await typing.start(alice, 'r');
      await typing.stop(alice, 'r');
      await tick(10);
    }
    assert.ok(bus.published.length <= 10, `two announcements a second at most: ${bus.published.length}`);
    assert.equal(announced().at(-1), false, 'the final state (stopped) is announced');
    const count = bus.published.length;
    await tick(10_000);
    assert.equal(bus.published.length, count, 'then nothing more');
    typing.close();
  });

  it('a start within a second of the last one is announced when the second ends; a stop at once; the expiry after 5 s', async () => {
    const typing = new TypingService({ store: storeWith('public'), bus, clock: systemClock });
    await typing.start(alice, 'r');
    await typing.stop(alice, 'r');
    assert.deepEqual(announced(), [true, false], 'the stop at once');
    await typing.start(alice, 'r');
    await tick(999);
    assert.deepEqual(announced(), [true, false]);
    await tick(1);
    assert.deepEqual(announced(), [true, false, true], 'the start, once the second ended');
    await typing.stop(alice, 'r');
    await typing.start(alice, 'r');
    await tick(1000);
    assert.deepEqual(announced(), [true, false, true, false, true]);
    await tick(5000);
    assert.deepEqual(announced(), [true, false, true, false, true, false], 'expired 5 s after the last typing_start');
    typing.close();
  });

  it('keeps announcing a typist who keeps typing, every 3 s (the repeat rule)', async () => {
    const typing = new TypingService({ store: storeWith('public'), bus, clock: systemClock });
    for (let ms = 0; ms <= 7000; ms += 500) {
      await typing.start(alice, 'r');
      await tick(500);
    }
    assert.deepEqual(announced(), [true, true, true]);
    typing.close();
  });

  it('forgets a typist once the others were told they stopped', async () => {
    const typing = new TypingService({ store: storeWith('public'), bus, clock: systemClock });
    await typing.start(alice, 'r');
    await tick(1500);
    await typing.stop(alice, 'r');
    await typing.start(alice, 'other');
    await typing.stop(alice, 'other');
    await tick(1000);
    assert.equal((typing as unknown as { typists: Map<string, unknown> }).typists.size, 0);
    typing.close();
  });

  it('a stop from someone not typing is silent, unless asked for (bubble), then at most once a second', async () => {
    const typing = new TypingService({ store: storeWith('public'), bus, clock: systemClock });
    await typing.stop(alice, 'r');
    assert.deepEqual(bus.published, [], '/ws: nothing changed, nothing sent');
    await typing.stop(alice, 'r', { evenIfNotTyping: true });
    assert.deepEqual(announced(), [false], 'bubble: the stop is told to the room');
    assert.equal((bus.published as { exclude?: string }[])[0]!.exclude, 'alice', 'to the others');
    await typing.stop(alice, 'r', { evenIfNotTyping: true });
    await tick(999);
    await typing.stop(alice, 'r', { evenIfNotTyping: true });
    assert.deepEqual(announced(), [false], 'once a second at most');
    await tick(1);
    await typing.stop(alice, 'r', { evenIfNotTyping: true });
    assert.deepEqual(announced(), [false, false]);
    await tick(1000);
    // Typing, then a stop: the ordinary stop, once.
    await typing.start(alice, 'r');
    await typing.stop(alice, 'r', { evenIfNotTyping: true });
    assert.deepEqual(announced(), [false, false, true, false]);
    typing.close();
    const blocked = new TypingService({ store: storeWith('direct', true), bus: (bus = new RecordingBus()), clock: systemClock });
    await blocked.stop(alice, 'd', { evenIfNotTyping: true });
    assert.deepEqual(bus.published, [], 'never across a block');
    blocked.close();
  });

  it('is silent in a direct room whose members are separated by a block, including the end of typing', async () => {
    const typing = new TypingService({ store: storeWith('direct', true), bus, clock: systemClock });
    await typing.start(alice, 'd');
    await tick(6000);
    await typing.start(alice, 'd');
    await typing.stop(alice, 'd');
    await tick(2000);
    assert.deepEqual(bus.published, []);
    const open = new TypingService({ store: storeWith('direct', false), bus, clock: systemClock });
    await open.start(alice, 'd');
    assert.deepEqual(announced(), [true], 'without a block the peer hears it');
    typing.close();
    open.close();
  });
});
