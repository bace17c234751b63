/**
 * Seeds a Rooms database with a message history, fast (batched INSERT … SELECT, with a progress
 * bar): 10 rooms of 10 members, half the messages in the first room. Without --database it writes
 * a SQLite file in --data-dir; with a PostgreSQL URL it migrates and seeds that database.
 * Usage: npm run bench:seed -- --messages 10000000 [--database postgres://…/rooms] [--data-dir ./data]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { openStore } from '../packages/server/src/store/sql/open.ts';
import { seedHistory } from './scenarios/s5-storage.ts';

const { values } = parseArgs({
  options: {
    messages: { type: 'string', default: '1000000' },
    database: { type: 'string' },
    'data-dir': { type: 'string', default: './data' },
  },
});
const store = await openStore({ databaseUrl: values.database, dataDir: values['data-dir'] });
await store.close();
const secret = process.env.JWT_SECRET ?? randomBytes(32).toString('hex');
const { fixture, deep, seconds } = await seedHistory(values.database, values['data-dir'], secret, Number(values.messages));
console.log(
  `${Number(values.messages).toLocaleString('en')} messages in ${seconds.toFixed(1)} s; deep room ${fixture.rooms[0]!.id} holds ${deep.toLocaleString('en')}`,
);
console.log(
  `users hist_0 … hist_99, password "correct horse battery"${process.env.JWT_SECRET ? '' : ' (tokens in this run were signed with a throwaway secret: log in instead)'}`,
);
