/**
 * Accounts, rooms and memberships for Rooms, written straight into its database: signing up 15 000
 * users through bcrypt would take minutes, and the bench measures messaging, not signup. They are
 * real rows (a real bcrypt hash: each account can log in) and the tokens are real session JWTs
 * signed with the server's JWT_SECRET, so every WebSocket still authenticates the normal way.
 */
import bcrypt from 'bcrypt';
import { SignJWT } from 'jose';
import type { Kysely } from 'kysely';
import { newId } from '../../packages/server/src/domain/ids.ts';
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

/** rooms × members users (prefix_<n>), rooms named prefix-room-<r>, each user a member of one room. */
export async function seedGrid(db: Kysely<DB>, secret: string, prefix: string, rooms: number, members: number): Promise<Fixture> {
  hash ??= await bcrypt.hash(PASSWORD, 10);
  const now = new Date().toISOString();
  const key = new TextEncoder().encode(secret);
  const iat = Math.floor(Date.now() / 1000);
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
      users.push({ id: userId, username, email: `${username}@bench.test`, password_hash: hash, display_name: username, search_name: username, avatar_url: null, bio: null, website: null, status_message: null, is_admin: 0, created_at: now, last_seen: null, deactivated_at: null, purge_after: null, deleted_at: null });
      memberships.push({ room_id: roomId, user_id: userId, role: m === 0 ? 'owner' : 'member', joined_at: now, last_read_message_id: null, last_read_at: null, muted_until: null });
      const token = await new SignJWT({ tv: 0 }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(userId).setIssuer('rooms').setIssuedAt(iat).setExpirationTime(iat + 86_400).sign(key);
      room.members.push({ userId, username, token });
    }
    roomRows.push({ id: roomId, type: 'public', name: `${prefix}-room-${r}`, name_lower: `${prefix}-room-${r}`, description: null, topic_kind: 'text', cover_attachment_id: null, categories: '[]', member_limit: null, member_count: members, direct_key: null, created_by: room.members[0]!.userId, created_at: now, last_message_at: null });
    fixture.rooms.push(room);
  }
  await inBatches(users, (b) => db.insertInto('users').values(b).execute());
  await inBatches(roomRows, (b) => db.insertInto('rooms').values(b).execute());
  await inBatches(memberships, (b) => db.insertInto('memberships').values(b).execute());
  return fixture;
}
