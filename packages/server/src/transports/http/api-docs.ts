/**
 * What the OpenAPI document says beyond the route schemas: a summary for every operation, the
 * statuses each answers (204s, errors), and where the WebSocket protocol is described. Applied to
 * the generated document (swagger's transformObject), so route files stay as they are; the e2e
 * suite checks every answer it receives against the result (test/helpers/openapi-check.ts).
 */
import { ErrorResponse } from '@rooms/protocol';
import { z } from 'zod';

type Operation = {
  summary?: string;
  description?: string;
  parameters?: { in: string }[];
  requestBody?: unknown;
  security?: unknown[];
  responses?: Record<string, unknown>;
};
type Doc = { info: { description?: string }; paths: Record<string, Record<string, Operation>> };

/** [summary, success statuses when not in the route schema] by "METHOD /path". 204: no body. */
const OPERATIONS: Record<string, [string, ...number[]]> = {
  'POST /auth/signup': ['Create an account and sign in'],
  'POST /auth/login': ['Log in by username or email'],
  'GET /auth/me': ['My account'],
  'POST /auth/logout-all': ['Sign out every other session'],
  'POST /auth/ws-ticket': ['A one-time ticket for the WebSocket'],
  'GET /users/search': ['Search users by username or name'],
  'GET /users/by-name/{username}': ['A user by username'],
  'GET /users/{id}': ['A user’s profile'],
  'PATCH /users/me': ['Edit my profile'],
  'DELETE /users/me': ['Deactivate my account', 204],
  'PUT /users/me/username': ['Change my username'],
  'PUT /users/me/password': ['Change my password'],
  'PUT /users/me/email': ['Change my email'],
  'POST /users/{id}/follow': ['Follow a user', 204],
  'DELETE /users/{id}/follow': ['Unfollow a user', 204],
  'GET /users/{id}/followers': ['Who follows a user'],
  'GET /users/{id}/following': ['Whom a user follows'],
  'GET /users/me/blocks': ['My block list'],
  'POST /users/me/blocks': ['Block a user by username or id', 204],
  'POST /users/{id}/block': ['Block a user', 204],
  'DELETE /users/{id}/block': ['Unblock a user', 204],
  'GET /rooms': ['My rooms'],
  'POST /rooms': ['Create a room'],
  'GET /rooms/public': ['Discover public rooms'],
  'GET /rooms/{id}': ['A room'],
  'PUT /rooms/{id}': ['Edit a room’s settings'],
  'DELETE /rooms/{id}': ['Delete a room', 204],
  'PUT /rooms/{id}/flags': ['Feature or archive a room (server admins)'],
  'POST /rooms/{id}/join': ['Join a public room'],
  'POST /rooms/{id}/leave': ['Leave a room', 204],
  'PUT /rooms/{id}/notifications': ['My notification level in a room', 204],
  'POST /direct/{userId}': ['Open a direct room with a user'],
  'POST /direct': ['Open a direct room by username or id'],
  'GET /rooms/{id}/members': ['A room’s members'],
  'POST /rooms/{id}/members': ['Add a member by username or id'],
  'DELETE /rooms/{id}/members/{userId}': ['Remove a member', 204],
  'PATCH /rooms/{id}/members/{userId}': ['Mute or unmute a member'],
  'PATCH /rooms/{id}/members/{userId}/role': ['Change a member’s role'],
  'POST /rooms/{id}/transfer': ['Hand the room over to another member'],
  'POST /rooms/{id}/bans': ['Ban a user by username or id', 204],
  'GET /rooms/{id}/bans': ['A room’s bans'],
  'DELETE /rooms/{id}/bans/{userId}': ['Lift a ban', 204],
  'POST /rooms/{id}/invites': ['Create an invite code'],
  'GET /rooms/{id}/invites': ['A room’s usable invites'],
  'GET /invites/{code}': ['Where an invite code leads'],
  'DELETE /invites/{code}': ['Revoke an invite', 204],
  'POST /invites/{code}/accept': ['Join with an invite code'],
  'GET /rooms/{id}/messages': ['A room’s messages'],
  'POST /rooms/{id}/messages': ['Send a message'],
  'GET /messages/{id}': ['A message'],
  'PUT /messages/{id}': ['Edit a message'],
  'DELETE /messages/{id}': ['Delete a message', 204],
  'POST /messages/{id}/reactions': ['React to a message'],
  'GET /messages/{id}/reactions': ['Who reacted to a message'],
  'DELETE /messages/{id}/reactions/{emoji}': ['Take back a reaction', 204],
  'GET /messages/{id}/readers': ['Who read a message'],
  'POST /rooms/{id}/read': ['Mark a room read up to a message'],
  'GET /rooms/{id}/pins': ['A room’s pinned messages'],
  'POST /messages/{id}/pin': ['Pin a message', 204],
  'DELETE /messages/{id}/pin': ['Unpin a message', 204],
  'GET /notifications': ['My notifications'],
  'PATCH /notifications/read-all': ['Mark every notification read'],
  'PATCH /notifications/{id}/read': ['Mark a notification read', 204],
  'GET /presence': ['Who is online, or was lately'],
  'POST /broadcasts': ['Announce to everyone online (server admins)'],
  'POST /attachments/upload': ['Upload a file'],
  'GET /attachments/{id}/info': ['An attachment’s details'],
  'GET /attachments/{id}': ['Download a file', 206, 304, 416],
  'GET /attachments/{id}/avatar': ['An avatar image', 304],
  'GET /attachments/{id}/thumbnail': ['A thumbnail', 206, 304, 416],
  'POST /auth/logout': ['Log out: end this session', 204],
  'GET /auth/sessions': ['My sessions'],
  'DELETE /auth/sessions/{id}': ['End one of my sessions', 204],
  'GET /search': ['Search messages'],
  'GET /limits': ["This server's limits (lengths, windows, rates)"],
  'POST /rooms/{id}/like': ['Like a room, or take the like back'],
  'GET /rooms/following': ['Rooms of people I follow'],
  'POST /reports': ['Report a message or a user'],
  'GET /reports': ['Reports to review, or my own'],
  'GET /reports/{id}': ['A report'],
  'PATCH /reports/{id}': ['Resolve or dismiss a report'],
  'PUT /counsellors/{id}': ['Make a user a counsellor, or not (server admins)'],
  'GET /counsellors/me': ['My counsellor status'],
  'POST /counsellors/availability': ['Mark myself available as a counsellor, or not'],
  'POST /counsellors/match': ['Be matched with a counsellor'],
  'GET /counsellors/requests': ['My counselling requests (counsellors)'],
  'POST /admin/users/{id}/deactivate': ['Deactivate an account (server admins)', 204],
  'GET /admin/audit': ['The moderation audit log (server admins)'],
  'POST /users/{id}/messages': ['Send a message to a user'],
  'POST /users/by-name/{username}/messages': ['Send a message to a user by username'],
  'POST /rooms/{id}/hide': ['Hide a direct room from my list', 204],
  'DELETE /rooms/{id}/hide': ['Show a hidden direct room in my list again', 204],
};

/** A request body for each operation that takes one: valid as it stands, so /docs' "Try it out" works once ids are filled in. */
const EXAMPLES: Record<string, unknown> = {
  'POST /auth/signup': { username: 'alice', email: 'alice@example.com', password: 'correct horse battery', display_name: 'Alice' },
  'POST /auth/login': { username: 'alice', password: 'correct horse battery' },
  'PATCH /users/me': { display_name: 'Alice', status_message: 'Around until six' },
  'DELETE /users/me': { password: 'correct horse battery' },
  'PUT /users/me/username': { username: 'alice_2' },
  'PUT /users/me/password': { current_password: 'correct horse battery', new_password: 'a longer passphrase still' },
  'PUT /users/me/email': { email: 'alice@example.org', password: 'correct horse battery' },
  'POST /users/me/blocks': { username: 'mallory' },
  'POST /rooms': { name: 'General', type: 'public', description: 'Say hello', categories: ['social'] },
  'PUT /rooms/{id}': { description: 'Say hello, then stay a while' },
  'PUT /rooms/{id}/flags': { featured: true },
  'PUT /rooms/{id}/notifications': { level: 'mentions' },
  'POST /direct': { username: 'bob' },
  'POST /rooms/{id}/members': { username: 'bob' },
  'PATCH /rooms/{id}/members/{userId}': { muted: true, muted_until: '2030-01-01T00:00:00.000Z' },
  'PATCH /rooms/{id}/members/{userId}/role': { role: 'admin' },
  'POST /rooms/{id}/transfer': { user_id: '01900000-0000-7000-8000-000000000001' },
  'POST /rooms/{id}/bans': { username: 'mallory', reason: 'spam' },
  'POST /rooms/{id}/invites': { expires_in: 86400, max_uses: 5 },
  'POST /rooms/{id}/messages': { content: 'Hello, **everyone**!', client_id: 'my-client-1' },
  'PUT /messages/{id}': { content: 'Hello, everyone (edited)' },
  'POST /messages/{id}/reactions': { emoji: '👍' },
  'POST /reports': { message_id: '01900000-0000-7000-8000-000000000001', reason: 'Spam links in every room' },
  'PATCH /reports/{id}': { status: 'resolved', action: 'Deleted the message and muted the sender for a day' },
  'PUT /counsellors/{id}': { counsellor: true },
  'POST /counsellors/availability': { available: true },
  'POST /rooms/{id}/read': { seq: 1 },
  'POST /broadcasts': { content: 'The server restarts at 22:00 UTC.' },
  'POST /admin/users/{id}/deactivate': { reason: 'Spam accounts run by the same person' },
  'POST /users/{id}/messages': { content: 'Hi! Got a minute?', client_id: 'my-client-2' },
  'POST /users/by-name/{username}/messages': { content: 'Hi! Got a minute?', client_id: 'my-client-3' },
};

/** What a status means, where the route schema does not say. */
const DESCRIPTIONS: Record<string, string> = {
  200: 'OK',
  201: 'Created',
  300: 'Several accounts match: choose one',
  403: 'Refused',
  409: 'Conflict',
  429: 'Too many requests (Retry-After)',
  503: 'Unavailable (Retry-After)',
};

const errorSchema = z.toJSONSchema(ErrorResponse, { target: 'openapi-3.0' });
const error = (description: string) => ({ description, content: { 'application/json': { schema: errorSchema } } });

export const WEBSOCKET_DOC = 'docs/websocket.md';

/** The document with every operation summarised and every status it answers listed. */
export function documentApi(doc: Doc): Doc {
  doc.info.description = `${doc.info.description ?? ''}\n\nLists answer \`{ items, next_cursor }\` and take \`?limit=&cursor=\` (pass a page's next_cursor for the next one). A wrong method on a path is 405 with \`Allow\`. Live events: a WebSocket at \`/ws\`, described in the repository's ${WEBSOCKET_DOC}.`;
  for (const [path, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const [summary, ...extra] = OPERATIONS[`${method.toUpperCase()} ${path}`] ?? [`${method.toUpperCase()} ${path}`];
      op.summary ??= summary;
      const responses = (op.responses ??= {});
      const placeholder = responses['200'] as { description?: string; content?: unknown } | undefined;
      if (extra.includes(204) && placeholder && placeholder.content === undefined) delete responses['200'];
      for (const [status, r] of Object.entries(responses) as [string, { description?: string }][])
        if (r.description === 'Default Response') r.description = DESCRIPTIONS[status] ?? 'See the operation.';
      for (const status of extra)
        responses[String(status)] ??= {
          description:
            status === 204
              ? 'Done; no body.'
              : status === 304
                ? 'Not modified (ETag).'
                : status === 206
                  ? 'Part of the file (Range).'
                  : 'Range not satisfiable.',
        };
      const body = (
        op.requestBody as
          { required?: boolean; content?: Record<string, { schema?: { required?: string[] }; example?: unknown }> } | undefined
      )?.content?.['application/json'];
      if (body) {
        const example = EXAMPLES[`${method.toUpperCase()} ${path}`];
        if (example !== undefined) body.example = example;
        // A body whose fields are all optional may be left out (it is then {}).
        if (!body.schema?.required?.length) (op.requestBody as { required?: boolean }).required = false;
      }
      const hasInput = (op.parameters?.length ?? 0) > 0 || op.requestBody !== undefined;
      if (hasInput)
        responses['400'] ??= error('Invalid input: error.details names each field (validation_failed, invalid_cursor, invalid_json …).');
      if (op.security) responses['401'] ??= error('No valid token (unauthenticated, token_expired, token_revoked).');
      if (op.parameters?.some((p) => p.in === 'path'))
        responses['404'] ??= error('Not found, or not yours to see (private things are 404 to outsiders).');
      responses.default ??= error(
        'Any other refusal, with its code (403 forbidden / not_a_member …, 409, 413, 415, 429 with Retry-After, 503).',
      );
    }
  }
  return doc;
}
