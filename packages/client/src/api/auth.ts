import type { AccountChoice, AuthResult, LoginBody, MeView, SessionList, SignupBody, WsTicket } from '@rooms/protocol';
import type { Http } from '../http.ts';
import type { In, Out } from './types.ts';

export type Session = Out<typeof AuthResult>;
/** One of my sessions (a login) as the server lists them. */
export type SessionInfo = Out<typeof SessionList>['sessions'][number];
export type LoginResult = { kind: 'session'; session: Session } | ({ kind: 'choose' } & Out<typeof AccountChoice>);

/** Sign-up and log-in. Calls that answer with a session make the client use its token from then on. */
export function authApi(http: Http) {
  const use = (s: Session): Session => {
    http.token = s.token;
    return s;
  };
  return {
    signup: async (body: In<typeof SignupBody>) => use(await http.post<Session>('/auth/signup', body)),
    /** 300 (several accounts share the email and password) comes back as kind 'choose': log in again by username. */
    login: async (body: In<typeof LoginBody>): Promise<LoginResult> => {
      const res = await http.request<Session | Out<typeof AccountChoice>>('POST', '/auth/login', { body, accept: [300] });
      if (res.status === 300) return { kind: 'choose', ...(res.body as Out<typeof AccountChoice>) };
      return { kind: 'session', session: use(res.body as Session) };
    },
    me: () => http.get<Out<typeof MeView>>('/auth/me'),
    /** Signs out every other session; this client gets the fresh token. */
    logoutAll: async () => use(await http.post<Session>('/auth/logout-all')),
    /** Ends this client's session on the server (the token stops working everywhere) and forgets the token. */
    logout: async (): Promise<void> => {
      const token = http.token;
      await http.post<void>('/auth/logout');
      if (http.token === token) http.token = undefined; // unless another login replaced it meanwhile
    },
    /** My sessions, the most recently used first; `current` is this client's. */
    sessions: async (): Promise<SessionInfo[]> => (await http.get<Out<typeof SessionList>>('/auth/sessions')).sessions,
    /** Signs one of my sessions out: its token stops working and its live connection closes at once. */
    revokeSession: (id: string) => http.delete<void>(`/auth/sessions/${encodeURIComponent(id)}`),
    /** A one-time ticket for a WebSocket handshake that cannot carry a header (browsers). */
    wsTicket: () => http.post<Out<typeof WsTicket>>('/auth/ws-ticket'),
  };
}
