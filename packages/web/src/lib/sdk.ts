import { type LiveConnection, RoomsClient } from '@rooms/client';

const TOKEN_KEY = 'rooms.token';

/** The one SDK client of the app: every REST call and the live connection go through it. */
export const client = new RoomsClient({
  baseUrl: location.origin,
  clientName: 'Rooms web',
  token: localStorage.getItem(TOKEN_KEY) ?? undefined,
});

export function saveToken(token: string | undefined): void {
  client.token = token;
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

let live: LiveConnection | null = null;

export function getLive(): LiveConnection | null {
  return live;
}

export function setLive(conn: LiveConnection | null): void {
  live?.stop();
  live = conn;
}
