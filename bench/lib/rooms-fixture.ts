/**
 * Accounts, rooms and memberships for Rooms, written straight into its database: signing up 15 000
 * users through bcrypt would take minutes, and the bench measures messaging, not signup. They are
 * real rows (a real bcrypt hash: each account can log in) and the tokens are real session JWTs
 * signed with the server's JWT_SECRET, so every WebSocket still authenticates the normal way.
 */
import type { Kysely } from 'kysely';
import { newId } from '../../packages/server/src/domain/ids.ts';
import { systemClock } from '../../packages/server/src/ports/clock.ts';
import { PasswordHasher } from '../../packages/server/src/services/accounts/passwords.ts';
import { TokenService } from '../../packages/server/src/services/accounts/tokens.ts';
import { KeyRing } from '../../packages/server/src/services/accounts/signing-keys.ts';
import type { SessionRow } from '../../packages/server/src/store/types.ts';
import { openDialect } from '../../packages/server/src/store/sql/open.ts';
import type { DB } from '../../packages/server/src/store/sql/schema.ts';

export const PASSWORD = 'correct horse battery';
const BATCH = 500;

export interface Fixture {
  /** Per room: its id and, per member, the user id and a session token. */
  rooms: { id: string; members: { userId: string; username: string; token: string }[] }[];
}

let hash: string | undefined;

/** Opens the server's database (the SQLite file in dataDir, or the PostgreSQL URL). */
export function openDb(databaseUrl: string | undefined, dataDir: string): { db: Kysely<DB>; close: () => Promise<void> } {
  const d = openDialect({ databaseUrl, dataDir });
  return { db: d.db, close: () => d.close() };
}

async function inBatches<T>(rows: T[], write: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += BATCH) await write(rows.slice(i, i + BATCH));
}

/**
 * The hash of PASSWORD (bcrypt cost 10) as the server stores one, computed once by the server's own
 * hasher: it prehashes a password before bcrypt, so a plain bcrypt of it would never log in.
 */
export async function passwordHash(): Promise<string> {
  if (hash) return hash;
  const hasher = new PasswordHasher({ cost: 10, concurrency: 1, maxWaiting: 1 });
  try {
    hash = await hasher.hash(PASSWORD);
  } finally {
    await hasher.close();
  }
  return hash;
}

/** A users row that can log in with PASSWORD. */
export const userRow = (id: string, username: string, passwordHash: string, now: string) => ({
  id,
  username,
  email: `${username}@bench.test`,
  password_hash: passwordHash,
  display_name: username,
  search_name: username,
  avatar_url: null,
  bio: null,
  website: null,
  status_message: null,
  is_admin: 0,
  created_at: now,
  last_seen: null,
  deactivated_at: null,
  purge_after: null,
  deleted_at: null,
});

/** A public room's row (no messages yet: the seeder sets last_seq and last_message_at). */
export const roomRow = (id: string, name: string, createdBy: string, memberCount: number, now: string) => ({
  id,
  type: 'public',
  name,
  name_lower: name.toLowerCase(),
  description: null,
  topic_kind: 'text',
  cover_attachment_id: null,
  categories: '[]',
  member_limit: null,
  member_count: memberCount,
  direct_key: null,
  created_by: createdBy,
  created_at: now,
  last_message_at: null,
});

/** A membership; lastRead (seq and message id) marks what the member has read. */
export const membershipRow = (
  roomId: string,
  userId: string,
  role: 'owner' | 'member',
  now: string,
  lastRead?: { seq: number; id: string },
) => ({
  room_id: roomId,
  user_id: userId,
  role,
  joined_at: now,
  last_read_seq: lastRead?.seq ?? 0,
  last_read_message_id: lastRead?.id ?? null,
  last_read_at: lastRead ? now : null,
  muted_until: null,
});

/** Inserts rows in batches of 500 (SQLite's limit on bound parameters). */
export async function insertRows(
  db: Kysely<DB>,
  rows: { users?: ReturnType<typeof userRow>[]; rooms?: ReturnType<typeof roomRow>[]; memberships?: ReturnType<typeof membershipRow>[] },
): Promise<void> {
  await inBatches(rows.users ?? [], (b) => db.insertInto('users').values(b).execute());
  await inBatches(rows.rooms ?? [], (b) => db.insertInto('rooms').values(b).execute());
  await inBatches(rows.memberships ?? [], (b) => db.insertInto('memberships').values(b).execute());
}

/** rooms × members users (prefix_<n>), rooms named prefix-room-<r>, each user a member of one room. */
export async function seedGrid(db: Kysely<DB>, secret: string, prefix: string, rooms: number, members: number): Promise<Fixture> {
  const hash = await passwordHash();
  const now = new Date().toISOString();
  const tokens = new TokenService(KeyRing.fixed(secret), 86_400, systemClock);
  const sessions: SessionRow[] = [];
  const expires = new Date(Date.now() + 86_400_000).toISOString();
  const fixture: Fixture = { rooms: [] };
  const users = [];
  const roomRows = [];
  const memberships = [];
  for (let r = 0; r < rooms; r++) {
    const roomId = newId();
    const room: Fixture['rooms'][number] = { id: roomId, members: [] };
    for (let m = 0; m < members; m++) {
      const userId = newId();
      const username = `${prefix}_${r * members + m}`;
      users.push(userRow(userId, username, hash, now));
      memberships.push(membershipRow(roomId, userId, m === 0 ? 'owner' : 'member', now));
      const sessionId = newId();
      sessions.push({
        id: sessionId,
        user_id: userId,
        client: 'bench',
        user_agent: null,
        ip: null,
        created_at: now,
        last_used_at: now,
        expires_at: expires,
      });
      const { token } = tokens.issue({ userId, tokenVersion: 0, sessionId });
      room.members.push({ userId, username, token });
    }
    roomRows.push(roomRow(roomId, `${prefix}-room-${r}`, room.members[0]!.userId, members, now));
    fixture.rooms.push(room);
  }
  await insertRows(db, { users, rooms: roomRows, memberships });
  await inBatches(sessions, (b) => db.insertInto('sessions').values(b).execute());
  return fixture;
}
