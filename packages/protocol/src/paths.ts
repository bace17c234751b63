/**
 * The first path segments that belong to the API (REST, the WebSocket, the API docs, probes). The
 * server serves the web app for every other GET a browser navigates to, so an app path can never
 * shadow the API; the web app's dev server proxies exactly these to a running server.
 */
export const API_PATH_PREFIXES = [
  'auth',
  'users',
  'rooms',
  'direct',
  'messages',
  'invites',
  'notifications',
  'attachments',
  'presence',
  'broadcasts',
  'search',
  'reports',
  'counsellors',
  'admin',
  'healthz',
  'readyz',
  'metrics',
  'limits',
  'ws',
  // The gateways' transports (issue 18): never the web app, even when a gateway is off.
  'socket.io',
  'compat',
  'docs',
  'openapi.json',
] as const;

const API = new Set<string>(API_PATH_PREFIXES);

/** True when a request path (no query) is the API's, whatever the rest of the path is. */
export function isApiPath(pathname: string): boolean {
  const first = pathname.split('/', 2)[1] ?? '';
  return API.has(first);
}

/**
 * The header a client names itself with when it logs in or signs up (shown in the list of
 * sessions). Here, with no zod beside it: the SDK imports it, and the web app's bundle must not
 * pull a schema module (zod, and its eval probe that the CSP reports) along with it.
 */
export const CLIENT_NAME_HEADER = 'x-rooms-client';
