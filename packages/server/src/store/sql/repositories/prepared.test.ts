import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { sql } from 'kysely';
import { openSqlite } from '../dialects/sqlite.ts';
import { prepared } from './prepared.ts';

describe('prepared: a query compiled once and run with new values', () => {
  const d = openSqlite(':memory:');
  after(() => d.close());

  it("runs with each call's values and keeps the query's own constants", async () => {
    await sql`create table users (id text primary key, username text, is_admin integer)`.execute(d.db);
    await sql`insert into users values ('a', 'ann', 1), ('b', 'bob', 0), ('c', 'cat', 1)`.execute(d.db);
    const admin = prepared((db, id: string) => db.selectFrom('users').select('username').where('id', '=', id).where('is_admin', '=', 1));
    assert.deepEqual((await admin(d.db, 'a')).rows, [{ username: 'ann' }]);
    assert.deepEqual((await admin(d.db, 'b')).rows, [], 'the constant 1 stays a constant');
    assert.deepEqual((await admin(d.db, 'c')).rows, [{ username: 'cat' }]);
  });

  it('refuses a builder that does not use each argument as one plain value', async () => {
    const unused = prepared((db, _id: string) => db.selectFrom('users').select('username'));
    await assert.rejects(unused(d.db, 'a'), /argument 0 must appear exactly once/);
    const twice = prepared((db, id: string) => db.selectFrom('users').select('username').where('id', '=', id).where('username', '=', id));
    await assert.rejects(twice(d.db, 'a'), /argument 0 must appear exactly once/);
  });
});
