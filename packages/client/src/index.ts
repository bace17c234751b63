/** @rooms/client: the Rooms SDK for browsers and Node (Node gets ./node.ts, which adds the ws sockets). */
export { RoomsClient } from './client.ts';
export { RoomsApiError, isRoomsApiError, type ClientErrorCode } from './errors.ts';
export { Http, type HttpOptions } from './http.ts';
export type { LoginResult, Session, SessionInfo } from './api/auth.ts';
export { formatBytes, type Attachment, type UploadOptions, type UploadProgress, type UploadSource } from './api/attachments.ts';
export type { Message, SendBody } from './api/messages.ts';
export type { Room, RoomPreviewT as RoomPreview } from './api/rooms.ts';
export type { Report } from './api/core-features.ts';
export type { AuditEntryView } from './api/admin.ts';
export { allPages, everyItem, type Page, type UserRef } from './api/pages.ts';
export { backoffDelay, DEFAULT_BACKOFF, type BackoffOptions } from './live/backoff.ts';
export { LiveConnection, type ClosedInfo, type LiveEvents, type LiveOptions, type LiveStatus } from './live/connection.ts';
export type { EventDataMap, EventMessage, ServerEvent, ServerFrame } from './live/events.ts';
export { MemoryOutbox, type OutboxItem, type OutboxStore } from './live/outbox.ts';
export {
  defaultSockets,
  globalSockets,
  setDefaultSockets,
  type LiveSocket,
  type SocketFactory,
  type SocketHandlers,
} from './live/socket.ts';
export type { SearchHit, SearchOptions, SearchPage } from './api/search.ts';
export { ELLIPSIS, highlightExcerpt, highlightRanges, normalizeRanges, type Segment } from './highlight.ts';
