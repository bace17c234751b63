import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kysely } from 'kysely';
import { backends } from '../../../../test/helpers/services.ts';
import { newId } from '../../../domain/ids.ts';
import { parseSearchQuery } from '../../../domain/search-query.ts';
import { aUser } from '../../contract/fixtures.ts';
import { aRoom, at } from '../../contract/room-fixtures.ts';
import { openDialect } from '../open.ts';
import { SqlStore } from '../sql-store.ts';
import { migrateToLatest } from './index.ts';

for (const backend of backends()) {
  describe(`migration 0007_search: ${backend.name}`, { skip: !backend.available && 'TEST_DATABASE_URL not set' }, () => {
    it('indexes the messages that exist, with progress, leaving out deleted and system ones', async () => {
      const p = await backend.provision();
      const dialect = openDialect(p);
      try {
        await migrateToLatest(dialect.db as Kysely<unknown>, dialect, () => {}, '0006_attachments');
        const store = new SqlStore(dialect);
        // The users table as 0006 left it (the store's own insert knows later migrations' tables).
        const u = aUser();
        await dialect.db
          .insertInto('users')
          .values({ ...u, search_name: u.display_name.toLowerCase(), is_admin: 0 })
          .execute();
        const r = await store.rooms.insert(aRoom());
        await store.members.add({ room_id: r.id, user_id: u.id, role: 'owner', joined_at: at(0) });
        const message = (seq: number, content: string, over: { type?: string; deleted_at?: string } = {}) => ({
          id: newId(),
          room_id: r.id,
          seq,
          sender_id: u.id,
          type: 'text',
          content,
          parent_id: null,
          client_id: null,
          mentions: '[]',
          mentions_room: 0,
          created_at: at(seq),
          edited_at: null,
          deleted_at: null,
          ...over,
        });
        await dialect.db
          .insertInto('messages')
          .values([
            message(1, 'Older café message'),
            message(2, '東京タワーに行った'),
            message(3, 'cafe but deleted', { deleted_at: at(4) }),
            message(4, 'cafe joined', { type: 'system' }),
          ])
          .execute();

        const lines: string[] = [];
        await migrateToLatest(dialect.db as Kysely<unknown>, dialect, (name, _i, _n, detail) =>
          lines.push(detail === undefined ? name : `${name}: ${detail}`),
        );
        assert.deepEqual(
          lines.filter((l) => l.startsWith('0007_search')),
          ['0007_search', '0007_search: indexed 4/4 messages'],
        );

        const find = async (q: string) =>
          (
            await store.messages.search(u.id, parseSearchQuery(q, { now: new Date() }), { sort: 'relevance', limit: 10, budgetMs: 5000 })
          ).items.map((m) => m.content);
        assert.deepEqual(await find('cafe'), ['Older café message']);
        assert.deepEqual(await find('東京'), ['東京タワーに行った']);
        // And the index is live: a later edit is indexed by its own write.
        const [first] = await dialect.db.selectFrom('messages').select('id').where('seq', '=', 1).execute();
        await store.transaction((tx) => tx.messages.update(first!.id, { content: 'now about tea', edited_at: at(9) }));
        assert.deepEqual(await find('cafe'), []);
        assert.deepEqual(await find('tea'), ['now about tea']);
      } finally {
        await dialect.close();
        await p.cleanup();
      }
    });
  });
}
