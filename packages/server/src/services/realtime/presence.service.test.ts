import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { MemoryBus } from '../../bus/memory-bus.ts';
import { systemClock } from '../../ports/clock.ts';
import { MemoryPresenceStore } from '../../realtime/memory-presence.ts';
import type { Store } from '../../store/store.ts';
import { PresenceService } from './presence.service.ts';

/** Going offline runs on a timer after the grace: nobody awaits it, so its failures need a home. */
describe('PresenceService: going offline after the grace', () => {
  const unusedStore = {} as Store;

  it('reports a failure of the deferred offline work to onBackgroundError instead of leaving it unhandled', async () => {
    const presence = new MemoryPresenceStore(systemClock);
    presence.disconnect = () => Promise.reject(new Error('Connection is closed.'));
    const reported: { err: unknown; what: string }[] = [];
    const svc = new PresenceService({
      store: unusedStore,
      presence,
      bus: new MemoryBus(),
      clock: systemClock,
      offlineGraceMs: 5,
      onBackgroundError: (err, what) => reported.push({ err, what }),
    });
    svc.disconnected('u1', 'c1');
    await sleep(30);
    assert.equal(reported.length, 1);
    assert.match((reported[0]!.err as Error).message, /Connection is closed/);
    assert.match(reported[0]!.what, /offline/);
    await svc.close();
  });

  it('does nothing for sockets that close after the service was closed (the shutdown closes them)', async () => {
    const presence = new MemoryPresenceStore(systemClock);
    let disconnects = 0;
    presence.disconnect = async () => {
      disconnects++;
      return false;
    };
    const svc = new PresenceService({ store: unusedStore, presence, bus: new MemoryBus(), clock: systemClock, offlineGraceMs: 5 });
    svc.disconnected('u1', 'c1');
    await svc.close();
    svc.disconnected('u2', 'c2');
    await sleep(30);
    assert.equal(disconnects, 0, 'neither the pending grace nor a later close touched the presence store');
  });
});
