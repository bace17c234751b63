import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { backends, openTestStore } from '../../../test/helpers/services.ts';
import { MIGRATION_NAMES } from '../sql/migrations/index.ts';
import { openStore } from '../sql/open.ts';
import type { Store } from '../store.ts';
import { aUser } from './fixtures.ts';
import { attachmentContract } from './attachments.contract.ts';
import { capsAndHiddenContract } from './caps-hidden.contract.ts';
import { coreFeaturesContract } from './core-features.contract.ts';
import { followContract } from './follows.contract.ts';
import { messageContract } from './messages.contract.ts';
import { roomContract } from './rooms.contract.ts';
import { searchContract } from './search.contract.ts';
import { sessionAndKeyContract } from './sessions-keys.contract.ts';
import { ticketAndLockContract } from './tickets-locks.contract.ts';
import { userContract } from './users.contract.ts';
import { auditContract } from './audit.contract.ts';
import { hiddenDirectContract } from './hidden-direct.contract.ts';

// One suite, every backend: SQLite always, PostgreSQL when TEST_DATABASE_URL is set (required in CI).
for (const backend of backends()) {
  describe(`store contract: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    before(async () => {
      ({ store, cleanup } = await openTestStore(backend));
    });
    after(() => cleanup());

    it('migrates a fresh database, and migrating again changes nothing', async () => {
      const p = await backend.provision();
      try {
        const s1 = await openStore({ databaseUrl: p.databaseUrl, dataDir: p.dataDir });
        await s1.close();
        const s2 = await openStore({
          databaseUrl: p.databaseUrl,
          dataDir: p.dataDir,
          onMigration: (name) => assert.fail(`re-ran ${name}`),
        });
        await s2.ping();
        await s2.close();
      } finally {
        await p.cleanup();
      }
      assert.ok(MIGRATION_NAMES.length >= 1);
    });

    it('makes exactly one of several first accounts, created at once on an empty server, a server admin', async () => {
      const fresh = await openTestStore(backend);
      try {
        // Each signup's transaction stays open a moment after its insert, so on PostgreSQL they overlap.
        const users = await Promise.all(
          Array.from({ length: 6 }, () =>
            fresh.store.transaction(async (tx) => {
              const u = await tx.users.insert(aUser());
              await sleep(30);
              return u;
            }),
          ),
        );
        assert.equal(users.filter((u) => u.is_admin).length, 1, 'server admins among the first accounts');
      } finally {
        await fresh.cleanup();
      }
    });

    userContract(() => store);
    followContract(() => store);
    ticketAndLockContract(() => store);
    sessionAndKeyContract(() => store);
    roomContract(() => store);
    messageContract(() => store);
    capsAndHiddenContract(() => store);
    attachmentContract(() => store);
    searchContract(() => store);
    coreFeaturesContract(() => store);
    auditContract(() => store);
    hiddenDirectContract(() => store);
  });
}
