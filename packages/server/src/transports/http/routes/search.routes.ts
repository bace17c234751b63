import { SearchPage, SearchParams } from '@rooms/protocol';
import type { AccountsService } from '../../../services/accounts/accounts.service.ts';
import type { SearchService } from '../../../services/search/search.service.ts';
import { actorOf, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

const DESCRIPTION = [
  'Message search over every room you are a member of (or one, with room_id).',
  'q: words (all must match, also inside longer words and CJK text), "exact phrase", -word, -"phrase",',
  'from:username | from:me, in:room-name | in:room-id, mentions:me, before:/after:/during: YYYY-MM-DD (during: also YYYY-MM),',
  'has:attachment|image|file|link, is:thread, is:pinned.',
  'A bad query is 400 invalid_query naming the problem; one that would run too long is 400 query_too_broad.',
  'matches are UTF-16 ranges of message.content; context holds the neighbouring messages.',
].join(' ');

export function searchRoutes(app: HttpApp, search: SearchService, accounts: AccountsService): void {
  app.get(
    '/search',
    {
      onRequest: requireAuth(accounts),
      schema: { tags: ['search'], security: BEARER, description: DESCRIPTION, querystring: SearchParams, response: { 200: SearchPage } },
    },
    async (req) => search.search(actorOf(req), req.query),
  );
}
