import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import type { TestContext } from 'node:test';
import { type LiveConnection, type LiveStatus, RoomsClient, type ServerEvent } from '../src/node.ts';

import { TEST_SETUP_TOKEN } from '../../server/test/helpers/server.ts';

export { wsSetups, type TestServer } from '../../server/test/helpers/ws-suite.ts';

let n = 0;
/** Signs a fresh user up through the SDK; the client then carries the token. */
export async function member(baseUrl: string) {
  const username = `c${++n}_${randomBytes(3).toString('hex')}`;
  const password = 'correct horse battery';
  const client = new RoomsClient({ baseUrl });
  const { user } = await client.auth.signup({ username, email: `${username}@example.test`, password, setup_token: TEST_SETUP_TOKEN });
  return { client, id: user.id, username, password };
}

export type Member = Awaited<ReturnType<typeof member>>;

/** Fast reconnects for tests (production defaults: 0.5 s doubling up to 30 s). */
export const FAST = { backoff: { baseMs: 100, maxMs: 1000 } } as const;

/** Everything a live connection reported, and ways to wait for it. */
export function record(live: LiveConnection) {
  const events: ServerEvent[] = [];
  const statuses: { status: LiveStatus; at: number }[] = [];
  live.on('event', (e) => events.push(e));
  live.on('status', (status) => statuses.push({ status, at: performance.now() }));
  const messages = () => events.flatMap((e) => (e.type === 'message_created' ? [e.data.message] : []));
  return {
    events,
    statuses,
    messages,
    /** Resolves when pred holds (checked every 10 ms), or fails after timeoutMs. */
    async until(pred: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!pred()) {
        if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    /** The time the connection next reaches this status (after `since`, a performance.now() stamp). */
    async reached(status: LiveStatus, since: number, timeoutMs = 10_000): Promise<number> {
      await this.until(() => statuses.some((s) => s.status === status && s.at >= since), `status ${status}`, timeoutMs);
      return statuses.find((s) => s.status === status && s.at >= since)!.at;
    },
  };
}

/** Starts a live connection and waits until it is connected. */
export async function connected(live: LiveConnection): Promise<ReturnType<typeof record>> {
  const rec = record(live);
  live.start();
  await rec.reached('connected', 0);
  return rec;
}

/** A room of the given members, created by the first. */
export async function roomOf(owner: Member, ...others: Member[]): Promise<string> {
  const room = await owner.client.rooms.create({ name: `sdk ${randomBytes(3).toString('hex')}`, type: 'private' });
  for (const o of others) await owner.client.members.add(room.id, o.id);
  return room.id;
}

/** Asserts there are no repeats and reports the count of repeats (0) for the measurements. */
export function duplicates(ids: string[]): number {
  return ids.length - new Set(ids).size;
}

/** Prints a measurement line in the test report. */
export function report(t: TestContext, line: string): void {
  t.diagnostic(line);
}
