import { historyLine } from './format.ts';
import type { ChatSession } from './session.ts';

/**
 * "While you were away": the direct messages that arrived since this user last read each direct
 * room (they were offline), up to where the live connection took over; then marked read.
 */
export async function showWhileAway(s: ChatSession): Promise<void> {
  const { items } = await s.client.rooms.list();
  const seqs = s.live.lastSeqs();
  const lines: string[] = [];
  for (const room of items) {
    if (room.type !== 'direct' || room.unread_count === 0 || !room.membership) continue;
    const upTo = seqs[room.id] ?? room.last_seq;
    const page = await s.client.messages.list(room.id, { after: String(room.membership.last_read_seq), limit: 100 });
    const missed = page.items.filter((m) => m.sender.id !== s.me.id && m.seq <= upTo && m.deleted_at === null);
    if (missed.length === 0) continue;
    lines.push(...missed.map((m) => historyLine(m, '  ', s.client.http.baseUrl)));
    await s.client.messages.markRead(room.id, { seq: missed.at(-1)!.seq });
  }
  if (lines.length > 0) s.print(['While you were away:', ...lines].join('\n'));
}
