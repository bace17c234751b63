import type { Logger } from 'pino';
import type { Services } from '../../services/index.ts';
import type { LiveSessions } from '../../services/realtime/live-session.ts';
import type { SessionRegistry } from './session-registry.ts';
import type { TcpSession } from './tcp-session.ts';

/** What the request handlers share: the services, this node's live sessions and TCP clients, the settings. */
export interface GatewayContext {
  services: Services;
  live: LiveSessions;
  registry: SessionRegistry;
  logger: Logger;
  /** BLOCK_TIME, for the lockout's words. */
  blockSeconds: number;
  /** MESSAGE_MAX_LENGTH (the request schema holds text only to the ceiling a server may configure). */
  maxMessageLength: number;
  /** TIME_OUT. */
  idleTimeoutMs: number;
  /**
   * Ends a client's session: told why first (a LOGOUT push) when notice is given, forgotten here,
   * its live session closed and its Rooms session ended (its token stops working).
   */
  endSession(s: TcpSession, notice: string | undefined, opts?: { from?: boolean }): Promise<void>;
}
