/**
 * The web UI bench's history, written straight into the database (accounts, rooms and memberships
 * as rows, messages through the batched INSERT … SELECT of lib/seed.ts): 1,000 rooms and 100,000
 * messages, one reader who is a member of every room, and a landing room (the most recent, so the
 * app opens it) deep enough to scroll back through 10,000 messages. Contents are a chat's mix:
 * mostly one-liners, some paragraphs, multi-line notes, Markdown (lists, code, quotes, links) and
 * a few long posts; senders write in runs of two, a message every 97 s (so day separators and
 * grouping under one name both occur).
 */
import { newId } from '../../packages/server/src/domain/ids.ts';
import { progressBar } from '../lib/progress.ts';
import { insertRows, membershipRow, openDb, passwordHash, PASSWORD, roomRow, userRow } from '../lib/rooms-fixture.ts';
import { seededMessageId, seedMessages, type SeedRoom, type SeedShape } from '../lib/seed.ts';

export interface UiSeedOptions {
  rooms: number;
  messages: number;
  /** Messages of the landing room (the rest are spread over the other rooms, a few big, most small). */
  landingMessages: number;
}

export interface UiFixture {
  username: string;
  password: string;
  /** The landing room (most recent) and the next one in the list (for the room switch). */
  landing: { id: string; name: string; messages: number };
  second: { id: string; name: string; messages: number };
  rooms: number;
  messages: number;
  users: number;
  seconds: number;
}

const SHORT = [
  'ok, merging {n} now',
  'sounds good 👍 ({n})',
  'can someone review PR {n}? it is small',
  'thanks, that fixed it ({n})',
  'running 5 min late to standup, sorry ({n})',
  'deployed build {n} to staging',
  'lunch at 12:30? #{n}',
  'yes',
  '+1 on {n}',
  'looking into it now ({n})',
  'ticket {n} is done, moving it to review',
  'who owns the flaky test in suite {n}?',
];

const MEDIUM = [
  'Heads up: nightly job {n} failed again on the integration step. Looks like the database container did not come up in time; I will retry it and raise the health-check timeout if it happens again.',
  'Does anyone know why build {n} takes twice as long since Tuesday? The cache hit rate dropped from 90 % to about 40 %, I suspect the lockfile change.',
  'For release {n} we still need the changelog, the migration notes and a go from support. @dana can you take the notes?',
  'I tried the new search on my phone (item {n}): results are good but the keyboard covers the last two, we should scroll the list when it opens.',
];

const MULTILINE = [
  'Notes from sync {n}:\n- search is one sprint behind\n- onboarding copy is done\n- ops to check the alert thresholds',
  'Plan for release {n}\n\n1. freeze on Thursday\n2. smoke tests Friday morning\n3. ship after lunch if green',
  'quick question about ticket {n}\nthe spec says the limit is per room\nbut the code applies it per user\nwhich one is right?',
  'Standup {n}\nYesterday: paging API, two reviews\nToday: the retry logic for uploads\nBlocked: nothing',
];

const MARKDOWN = [
  'Repro for issue {n}:\n```ts\nconst page = await client.messages.list(roomId, { before, limit: 50 });\nfor (const m of page.items) console.log(m.seq, m.content.length);\n```\nfails with `RangeError` on the second page.',
  '**Reminder {n}**: the _design review_ moved to 3 pm, agenda in [the doc](https://example.com/docs/review).',
  'Agreed on point {n}\n\n> the server should never drop an acknowledged message\n\nthat is the one rule we cannot bend.',
  'Checklist {n}\n- [x] migrations\n- [x] feature flag\n- [ ] dashboards\n- [ ] announce in `#general`',
  'Config for env {n}:\n```json\n{ "pool": 16, "timeoutMs": 2500, "retries": 3 }\n```',
];

const LONG = [
  'Postmortem draft for incident {n}. At 14:02 the primary database started rejecting connections after a configuration push raised the pool size on every node at once; the combined pools exceeded the server limit and new connections failed. The health checks kept passing because they reuse a connection, so the load balancer never drained the failing nodes. We rolled back at 14:19 and errors stopped within a minute. What went well: the alert fired in two minutes and the rollback was one command. What did not: nobody knew the limit was shared, and the checks hid the failure. Actions: make the pool size part of the capacity review, add a check that opens a fresh connection, and stage configuration pushes by zone. Comments welcome here or in the doc before Friday.',
  'Long answer to the question about pagination ({n}). We page by sequence number, not by offset, because an offset shifts under you when new messages arrive: page two would repeat the last messages of page one. With a sequence cursor each page starts exactly where the last one ended, and a message inserted meanwhile lands after the cursor, so nothing repeats and nothing is skipped. The cost is that you cannot jump to page 37 directly, but nobody reads a chat that way: you scroll, or you jump to a message by its link, which loads the stretch around it.\n\nFor the UI that means: keep the oldest loaded id, ask for the page before it, prepend, and keep the message at the top of the view where it was.',
];

/** The mix: weights by repetition (about 55 % short, 15 % medium, 12 % multi-line, 12 % Markdown, 6 % long). */
export const CONTENTS: string[] = [...rep(SHORT, 4), ...rep(MEDIUM, 3), ...rep(MULTILINE, 3), ...rep(MARKDOWN, 2), ...rep(LONG, 3)];

function rep<T>(items: T[], times: number): T[] {
  return Array.from({ length: times }, () => items).flat();
}

export const SHAPE: SeedShape = { contents: CONTENTS, spacingMs: 97_000, run: 2 };

const NAMES = [
  'alice',
  'bob',
  'carol',
  'dana',
  'erin',
  'frank',
  'grace',
  'heidi',
  'ivan',
  'judy',
  'mallory',
  'niaj',
  'olivia',
  'peggy',
  'rupert',
  'sybil',
  'trent',
  'uma',
  'victor',
  'walter',
  'xena',
  'yusuf',
  'zoe',
  'amir',
  'bea',
  'chen',
  'diego',
  'eli',
  'fatima',
  'goran',
  'hana',
  'igor',
  'jun',
  'kofi',
  'lena',
  'mateo',
  'noor',
  'oskar',
  'priya',
  'quinn',
];
const TEAMS = [
  'eng',
  'design',
  'ops',
  'sales',
  'support',
  'product',
  'data',
  'mobile',
  'web',
  'infra',
  'security',
  'qa',
  'people',
  'finance',
  'marketing',
  'research',
  'legal',
  'growth',
  'platform',
  'release',
];
const TOPICS = [
  'general',
  'standup',
  'alerts',
  'random',
  'review',
  'planning',
  'help',
  'builds',
  'incidents',
  'launch',
  'oncall',
  'hiring',
  'docs',
  'metrics',
  'retro',
  'social',
  'books',
  'music',
  'travel',
  'pets',
];

/** Room names: "general" for the landing room, then team-topic, numbered past the 400 pairs. */
function roomName(i: number): string {
  if (i === 0) return 'general';
  const k = i - 1;
  const base = `${TEAMS[k % TEAMS.length]}-${TOPICS[Math.floor(k / TEAMS.length) % TOPICS.length]}`;
  const round = Math.floor(k / (TEAMS.length * TOPICS.length));
  return round === 0 ? base : `${base}-${round + 1}`;
}

/**
 * How many messages each room other than the landing one gets: `total` spread by 1/rank^0.9 (a few
 * busy rooms, a long tail), at least one each, largest first.
 */
function spread(total: number, rooms: number): number[] {
  const w = Array.from({ length: rooms }, (_, i) => 1 / (i + 1) ** 0.9);
  const sum = w.reduce((a, b) => a + b, 0);
  const counts = w.map((x) => Math.max(1, Math.floor((total * x) / sum)));
  let left = total - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; left > 0; i = (i + 1) % rooms, left--) counts[i]!++;
  for (let i = rooms - 1; left < 0; i = i === 0 ? rooms - 1 : i - 1) {
    if (counts[i]! > 1) {
      counts[i]!--;
      left++;
    }
  }
  return counts;
}

/** Writes the whole fixture into the (migrated, empty) database of dataDir or databaseUrl. */
export async function seedUi(databaseUrl: string | undefined, dataDir: string, o: UiSeedOptions): Promise<UiFixture> {
  if (o.landingMessages > o.messages) throw new Error('the landing room cannot hold more than all the messages');
  const others = spread(o.messages - o.landingMessages, o.rooms - 1);
  if (others[0]! >= o.landingMessages)
    throw new Error(`the landing room (${o.landingMessages}) must be the busiest, so the most recent; the next holds ${others[0]}`);
  const counts = [o.landingMessages, ...others];
  const hash = await passwordHash();
  const now = new Date().toISOString();
  const reader = { id: newId(), username: 'reader' };
  const senders = NAMES.map((username) => ({ id: newId(), username }));
  const users = [reader, ...senders].map((u) => userRow(u.id, u.username, hash, now));
  const roomRows = [];
  const memberships = [];
  const plan: SeedRoom[] = [];
  for (let i = 0; i < o.rooms; i++) {
    const id = newId();
    // The landing room has everyone; every other room four senders, a different four by room.
    const inRoom = i === 0 ? senders : [0, 1, 2, 3].map((j) => senders[(i * 3 + j * 7) % senders.length]!);
    const last = counts[i]!;
    // The reader has read everything but the last 3 messages of the landing room and of every 10th room.
    const unread = i % 10 === 0 ? Math.min(3, last) : 0;
    const read = last - unread;
    roomRows.push(roomRow(id, roomName(i), inRoom[0]!.id, inRoom.length + 1, now));
    memberships.push(membershipRow(id, reader.id, 'member', now, read > 0 ? { seq: read, id: seededMessageId(i, read) } : undefined));
    for (const [j, u] of inRoom.entries()) memberships.push(membershipRow(id, u.id, j === 0 ? 'owner' : 'member', now));
    plan.push({ id, senders: inRoom, messages: last });
  }
  const { db, close } = openDb(databaseUrl, dataDir);
  const t0 = performance.now();
  try {
    await insertRows(db, { users, rooms: roomRows, memberships });
    await seedMessages(db, databaseUrl ? 'postgres' : 'sqlite', plan, progressBar('seeding', o.messages), SHAPE);
  } finally {
    await close();
  }
  const room = (i: number) => ({ id: plan[i]!.id, name: roomName(i), messages: counts[i]! });
  return {
    username: reader.username,
    password: PASSWORD,
    landing: room(0),
    second: room(1),
    rooms: o.rooms,
    messages: o.messages,
    users: users.length,
    seconds: (performance.now() - t0) / 1000,
  };
}
