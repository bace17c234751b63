/* eslint-disable @typescript-eslint/no-explicit-any -- the test client returns untyped JSON on purpose: tests assert on its shape. */
import assert from 'node:assert/strict';
import { signup, type Answer, type Client } from './server.ts';

export type User = Awaited<ReturnType<typeof signup>>;

/**
 * Signs up n users in parallel, none of them the server's admin. The first account on a server
 * becomes its admin, who may moderate any room: when n sign-ups raced on a fresh server, which of
 * them won was random, and a test's plain member could now and then delete others' messages. A
 * sign-up of its own goes first, so the role is taken before the n race.
 */
export async function signupMany(base: string, n: number): Promise<User[]> {
  await signup(base);
  const users = await Promise.all(Array.from({ length: n }, () => signup(base)));
  assert.ok(
    users.every((u) => u.me.is_admin === false),
    'none of the users is a server admin',
  );
  return users;
}

/** Creates a room owned by `owner` (public unless told) and adds `members` (as plain members). */
export async function makeRoom(owner: User, members: User[] = [], over: Record<string, unknown> = {}): Promise<string> {
  const created = await owner.api.post('/rooms', { name: `room ${Math.random().toString(36).slice(2, 8)}`, ...over });
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const id = created.body.id as string;
  for (const m of members) {
    const added = await owner.api.post(`/rooms/${id}/members`, { user_id: m.id });
    assert.equal(added.status, 201, JSON.stringify(added.body));
  }
  return id;
}

/** Makes a member a room admin (the owner calls). */
export async function promote(owner: User, roomId: string, user: User): Promise<void> {
  const r = await owner.api.patch(`/rooms/${roomId}/members/${user.id}/role`, { role: 'admin' });
  assert.equal(r.status, 200, JSON.stringify(r.body));
}

/** Sends a message that must be stored (201); returns the message view. */
export async function send(api: Client, roomId: string, content: string, extra: Record<string, unknown> = {}): Promise<any> {
  const r = await api.post(`/rooms/${roomId}/messages`, { content, ...extra });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  return r.body;
}

/** Every message of a room (or thread) as `api` sees it, newest first, by walking the `next` cursor. */
export async function listAll(api: Client, roomId: string, query = ''): Promise<any[]> {
  const out: any[] = [];
  let before: string | null = null;
  for (;;) {
    const r: Answer = await api.get(`/rooms/${roomId}/messages?limit=100${query}${before ? `&before=${before}` : ''}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    out.push(...r.body.items);
    before = r.body.next;
    if (!before) return out;
  }
}

/** The room as `api` sees it (GET /rooms/:id). */
export async function getRoom(api: Client, roomId: string): Promise<any> {
  const r = await api.get(`/rooms/${roomId}`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return r.body;
}

/** Asserts an error answer: status and code. */
export function refused(res: { status: number; body: any }, status: number, code?: string): void {
  assert.equal(res.status, status, JSON.stringify(res.body));
  if (code) assert.equal(res.body?.error?.code, code, JSON.stringify(res.body));
}
