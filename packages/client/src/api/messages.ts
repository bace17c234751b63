import type {
  DirectSendResult,
  PageQuery,
  MessageListQuery,
  MessagePage,
  MessageView,
  PinList,
  ReactionGroup,
  ReactorList,
  ReadBody,
  ReaderList,
  ReadState,
  SendMessageBody,
} from '@rooms/protocol';
import { seg, type Http } from '../http.ts';
import { userRefBody, type UserRef } from './pages.ts';
import type { In, Out, QueryIn } from './types.ts';

/** A stored message; `attachments` are the files sent with it (signed URLs that expire: re-read the message for fresh ones). */
export type Message = Out<typeof MessageView>;
/** What a send takes: content (may be empty with attachments), and up to 10 attachment ids of my own unposted uploads. */
export type SendBody = In<typeof SendMessageBody>;

/** Messages, reactions, read points and pins. */
export function messagesApi(http: Http) {
  const msg = (id: string) => `/messages/${seg(id)}`;
  return {
    /** Newest first; before= / after= take a message id or a seq (after: oldest first); cursor= a page's next_cursor. */
    list: (roomId: string, query: QueryIn<typeof MessageListQuery> = {}) =>
      http.get<Out<typeof MessagePage>>(`/rooms/${seg(roomId)}/messages`, query),
    /** created: false when this client_id was already used: the original comes back, nothing is stored twice. */
    send: async (roomId: string, body: SendBody) => {
      const res = await http.request<Message>('POST', `/rooms/${seg(roomId)}/messages`, { body });
      return { message: res.body, created: res.status === 201 };
    },
    /**
     * A message to a person (an id, or { username }): opens the direct room with them when there is
     * none (room_created) or sends into the one there is, in one call. created: false for a resend.
     */
    sendToUser: async (who: UserRef, body: SendBody) => {
      const ref = userRefBody(who);
      const path = 'user_id' in ref ? `/users/${seg(ref.user_id)}/messages` : `/users/by-name/${seg(ref.username)}/messages`;
      const res = await http.request<Out<typeof DirectSendResult>>('POST', path, { body });
      return { ...res.body, created: res.status === 201 };
    },
    get: (id: string) => http.get<Message>(msg(id)),
    edit: (id: string, content: string) => http.put<Message>(msg(id), { content }),
    remove: (id: string) => http.delete(msg(id)),
    react: (id: string, emoji: string) => http.post<{ reactions: Out<typeof ReactionGroup>[] }>(`${msg(id)}/reactions`, { emoji }),
    unreact: (id: string, emoji: string) => http.delete(`${msg(id)}/reactions/${seg(emoji)}`),
    /** Who reacted with each emoji (the first 50 people per emoji). */
    reactors: (id: string) => http.get<Out<typeof ReactorList>>(`${msg(id)}/reactions`),
    readers: (id: string, page: QueryIn<typeof PageQuery> = {}) => http.get<Out<typeof ReaderList>>(`${msg(id)}/readers`, page),
    /** Moves my read point forward (never back). */
    markRead: (roomId: string, body: In<typeof ReadBody>) => http.post<Out<typeof ReadState>>(`/rooms/${seg(roomId)}/read`, body),
    pins: (roomId: string, page: QueryIn<typeof PageQuery> = {}) => http.get<Out<typeof PinList>>(`/rooms/${seg(roomId)}/pins`, page),
    pin: (id: string) => http.post<void>(`${msg(id)}/pin`),
    unpin: (id: string) => http.delete(`${msg(id)}/pin`),
  };
}
