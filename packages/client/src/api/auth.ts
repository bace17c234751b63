import type { AccountChoice, AuthResult, LoginBody, MeView, SignupBody, WsTicket } from '@rooms/protocol';
import type { Http } from '../http.ts';
import type { In, Out } from './types.ts';

export type Session = Out<typeof AuthResult>;
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
    /** A one-time ticket for a WebSocket handshake that cannot carry a header (browsers). */
    wsTicket: () => http.post<Out<typeof WsTicket>>('/auth/ws-ticket'),
  };
}
