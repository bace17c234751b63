import type { MessageView, SearchHit, SearchPage, SearchParams } from '@rooms/protocol';
import type { Actor } from '../../domain/actor.ts';
import { DomainError } from '../../domain/errors.ts';
import { parseSearchQuery, type SearchQuery } from '../../domain/search-query.ts';
import type { Clock } from '../../ports/clock.ts';
import type { RateLimiter } from '../../ports/rate-limiter.ts';
import type { MessageRow, RoomRow } from '../../store/room-types.ts';
import type { Store } from '../../store/store.ts';
import { presentMessages, type AttachmentViewer } from '../messages/message-presenter.ts';
import { authorize } from '../rooms/room-access.ts';
import { toSummary } from '../users/user-presenter.ts';
import { matchRanges } from './match-ranges.ts';
import { searchBody } from '../../domain/search-document.ts';

export interface SearchDeps {
  store: Store;
  clock: Clock;
  attachments: AttachmentViewer;
  /** Searches per user per window (SEARCH_RATE_LIMIT / SEARCH_RATE_WINDOW). */
  rate: RateLimiter;
  /** How long one search may run in the database, in ms (SEARCH_TIME_BUDGET_MS). */
  budgetMs: number;
}

/** Context messages looked at on each side of a hit, to step over deleted ones. */
const CONTEXT_LOOKAHEAD = 3;

/**
 * Message search (SPEC §5, issue 17): the query language parsed once, run by the store over the
 * rooms the searcher is a member of now, and each hit presented as the messages routes present a
 * message, with its room, where the query matched, and its neighbours as context.
 */
export class SearchService {
  private readonly d: SearchDeps;

  constructor(d: SearchDeps) {
    this.d = d;
  }

  /** One page of hits. invalid_query names what is wrong with q; a room_id the actor cannot read is 404 (or 403 as for its messages). */
  async search(actor: Actor, params: SearchParams): Promise<SearchPage> {
    const limit = await this.d.rate.hit(actor.id);
    if (!limit.allowed)
      throw new DomainError('rate_limited', 'You are searching too fast. Slow down.', { retryAfterSeconds: limit.retryAfterSeconds });
    const now = this.d.clock.now();
    const query = parseSearchQuery(params.q, { now });
    if (params.room_id !== undefined) await authorize(this.d.store, actor, params.room_id, 'read', now);
    const page = await this.d.store.messages.search(actor.id, query, {
      roomId: params.room_id,
      sort: params.sort,
      limit: params.limit,
      cursor: params.cursor,
      budgetMs: this.d.budgetMs,
    });
    const items = await this.present(actor, query, page.items);
    return { items, next_cursor: page.next_cursor, total: page.total, total_exact: page.total_exact };
  }

  private async present(actor: Actor, query: SearchQuery, hits: MessageRow[]): Promise<SearchHit[]> {
    if (hits.length === 0) return [];
    const { store } = this.d;
    const roomIds = [...new Set(hits.map((m) => m.room_id))];
    const [rooms, peers] = await Promise.all([
      Promise.all(roomIds.map((id) => store.rooms.findById(id))),
      store.members.peers(roomIds, actor.id),
    ]);
    const roomById = new Map(rooms.filter((r): r is RoomRow => r !== undefined).map((r) => [r.id, r]));
    const contexts = await Promise.all(hits.map((m) => this.neighbours(m)));
    // One presentation per room for the hits and their neighbours together (a fixed number of queries per room).
    const views = new Map<string, MessageView>();
    await Promise.all(
      roomIds.map(async (roomId) => {
        const room = roomById.get(roomId);
        if (!room) return;
        const rows = new Map<string, MessageRow>();
        hits.forEach((m, i) => {
          if (m.room_id !== roomId) return;
          for (const row of [m, contexts[i]!.before, contexts[i]!.after]) if (row) rows.set(row.id, row);
        });
        for (const v of await presentMessages(store, this.d.attachments, actor.id, room, [...rows.values()])) views.set(v.id, v);
      }),
    );
    const terms = [...query.words, ...query.phrases].map(searchBody);
    const out: SearchHit[] = [];
    hits.forEach((m, i) => {
      const room = roomById.get(m.room_id);
      const message = views.get(m.id);
      // A room deleted between the search and now: its hits are gone too.
      if (!room || !message) return;
      const peer = peers.get(room.id);
      const { before, after } = contexts[i]!;
      out.push({
        message,
        room: { id: room.id, name: room.type === 'direct' && peer ? toSummary(peer).display_name : room.name, type: room.type },
        matches: matchRanges(m.content, terms),
        context: { before: (before && views.get(before.id)) ?? null, after: (after && views.get(after.id)) ?? null },
      });
    });
    return out;
  }

  /**
   * The message before and after a hit in its room (in its thread, for a reply), leaving out
   * deleted and system ones. The hit's room is one the searcher may read (the store searched only
   * those), so its neighbours are too.
   */
  private async neighbours(m: MessageRow): Promise<{ before: MessageRow | undefined; after: MessageRow | undefined }> {
    const thread = m.parent_id !== null ? { parentId: m.parent_id } : {};
    const shown = (r: MessageRow) => r.deleted_at === null && r.type !== 'system';
    const [before, after] = await Promise.all([
      this.d.store.messages.list(m.room_id, { limit: CONTEXT_LOOKAHEAD, beforeSeq: m.seq, ...thread }),
      this.d.store.messages.list(m.room_id, { limit: CONTEXT_LOOKAHEAD, afterSeq: m.seq, ...thread }),
    ]);
    return { before: before.find(shown), after: after.find(shown) };
  }
}
