import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import { isDomainError } from '../../domain/errors.ts';
import type { Services } from '../../services/index.ts';
import type { LiveSessions } from '../../services/realtime/live-session.ts';
import type { GatewayContext } from './context.ts';
import { encodeFrame, FrameError, FrameReader } from './framing.ts';
import { HANDLERS } from './handlers.ts';
import { login } from './login.ts';
import { INSTRUCTIONS, isInstruction, protocolError, Request } from './requests.ts';
import { SessionRegistry } from './session-registry.ts';
import type { TcpSession } from './tcp-session.ts';

/** Request connections open at once; past it new ones are refused (each holds at most one frame). */
const MAX_CONNECTIONS = 1024;
/** How long a server stop waits for the shutdown notices to reach the clients. */
const SHUTDOWN_NOTICE_MS = 2000;

export interface TcpGatewayDeps {
  services: Services;
  live: LiveSessions;
  logger: Logger;
  host: string;
  port: number;
  blockSeconds: number;
  /** MESSAGE_MAX_LENGTH: checked before a direct room is opened for a message that would be refused. */
  maxMessageLength: number;
  idleTimeoutMs: number;
  /** Milliseconds a connection may take to send its request frame. */
  readTimeoutMs: number;
}

/** `::ffff:127.0.0.1` → `127.0.0.1`: the address a client logged in from is compared, and pushed to, as IPv4. */
export const peerAddress = (socket: Socket): string => (socket.remoteAddress ?? '').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');

/**
 * The simple chatroom's TCP protocol (GATEWAYS.md §3): one request frame per connection, one
 * answer, then the connection closes; pushes go the other way (tcp-session.ts). Only translates:
 * every rule is a service's. A request is accepted only from the address its user logged in from.
 */
export class TcpGateway {
  private readonly d: TcpGatewayDeps;
  private readonly server: Server;
  private readonly registry = new SessionRegistry();
  private readonly ctx: GatewayContext;
  private closing = false;

  constructor(deps: TcpGatewayDeps) {
    this.d = deps;
    this.ctx = {
      services: deps.services,
      live: deps.live,
      registry: this.registry,
      logger: deps.logger,
      blockSeconds: deps.blockSeconds,
      maxMessageLength: deps.maxMessageLength,
      idleTimeoutMs: deps.idleTimeoutMs,
      endSession: (s, notice, opts) => this.endSession(s, notice, opts),
    };
    this.server = createServer((socket) => this.accept(socket));
    this.server.maxConnections = MAX_CONNECTIONS;
    this.server.on('error', (err) => deps.logger.error({ err }, 'tcp gateway: server error'));
  }

  /** Starts listening; resolves to the bound port. */
  listen(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen({ host: this.d.host, port: this.d.port }, () => {
        this.server.off('error', reject);
        const { port } = this.server.address() as AddressInfo;
        this.d.logger.info({ host: this.d.host, port }, 'tcp gateway listening');
        resolve(port);
      });
    });
  }

  /** Stops taking requests and tells every client the server is shutting down (waiting briefly for the notices to go out). */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    const stopped = new Promise<void>((resolve) => this.server.close(() => resolve()));
    const notice = 'You have been disconnected by the server because the server is shutting down.';
    await Promise.all(this.registry.all().map((s) => this.endSession(s, notice)));
    await Promise.race([stopped, new Promise((r) => setTimeout(r, SHUTDOWN_NOTICE_MS))]);
  }

  private accept(socket: Socket): void {
    const reader = new FrameReader();
    socket.on('error', () => socket.destroy());
    // The whole request within the time, however it trickles in (not an idle timer a byte now and then would reset).
    const deadline = setTimeout(() => {
      socket.off('data', onData);
      this.answer(socket, protocolError('TIMEOUT', 'The request took too long to arrive.'));
    }, this.d.readTimeoutMs);
    socket.once('close', () => clearTimeout(deadline));
    const onData = (chunk: Buffer) => {
      let frame: { value: unknown } | undefined;
      try {
        frame = reader.push(chunk);
      } catch (err) {
        clearTimeout(deadline);
        socket.off('data', onData);
        this.answer(socket, protocolError('PROTOCOL_ERROR', err instanceof FrameError ? err.message : 'The frame could not be read.'));
        return;
      }
      if (!frame) return;
      clearTimeout(deadline);
      socket.off('data', onData);
      this.handle(frame.value, peerAddress(socket)).then(
        (reply) => this.answer(socket, reply),
        (err: unknown) => {
          // A service's refusal (busy, rate limited, not found...) in the protocol's shape, its code as the command.
          if (isDomainError(err)) return this.answer(socket, protocolError(err.code.toUpperCase(), err.message));
          this.d.logger.error({ err }, 'tcp gateway: request failed');
          this.answer(socket, protocolError('ERROR', 'Something went wrong on our side.'));
        },
      );
    };
    socket.on('data', onData);
  }

  /** Writes the answer (none: just closes) and closes the connection. */
  private answer(socket: Socket, reply: unknown): void {
    if (socket.destroyed) return;
    if (reply === undefined) socket.end();
    else socket.end(encodeFrame(reply));
    // A client that never reads its answer is not waited for.
    setTimeout(() => socket.destroy(), this.d.readTimeoutMs).unref();
  }

  /** One request: its shape, then LOGIN, or the instruction of a client logged in from this address. */
  private async handle(value: unknown, ip: string): Promise<unknown> {
    if (this.closing) return protocolError('SHUTTING_DOWN', 'The server is shutting down.');
    const req = Request.safeParse(value);
    if (!req.success) return protocolError('PROTOCOL_ERROR', 'A request is {"from": username, "instruction": X, "data": {...}}.');
    const { from, instruction } = req.data;
    if (!isInstruction(instruction)) return protocolError('UNKNOWN_INSTRUCTION', `${instruction} - is an invalid instruction.`);
    const data = INSTRUCTIONS[instruction].safeParse(req.data.data ?? {});
    if (!data.success) {
      const issue = data.error.issues[0];
      return protocolError(
        'PROTOCOL_ERROR',
        `Invalid data for ${instruction}: ${issue ? `${issue.path.join('.') || 'data'} ${issue.message}` : 'not valid'}.`,
      );
    }
    if (instruction === 'LOGIN') return login(this.ctx, from, INSTRUCTIONS.LOGIN.parse(data.data), ip);

    const session = this.registry.find(from);
    // The seed trusted `from` blindly: here it must be a user logged in from this very address.
    if (!session || session.ip !== ip) return protocolError('NOT_LOGGED_IN', `${from} is not logged in from this address. Log in first.`);
    try {
      session.actor = await this.d.services.accounts.authenticate(session.token, ip);
    } catch (err) {
      if (!isDomainError(err)) throw err;
      await this.endSession(session, undefined, { rooms: false });
      return protocolError('NOT_LOGGED_IN', 'Your session has ended. Log in again.');
    }
    session.touch(
      this.d.idleTimeoutMs,
      () => void this.endSession(session, 'You have been disconnected by the server due to being inactive.'),
    );
    if (instruction === 'LOGOUT') {
      await this.endSession(session, undefined);
      return undefined;
    }
    const handler = HANDLERS[instruction] as (ctx: GatewayContext, s: TcpSession, data: unknown) => Promise<unknown>;
    return handler(this.ctx, session, data.data);
  }

  /** See GatewayContext.endSession; rooms: false leaves the Rooms session alone (already ended). */
  private async endSession(s: TcpSession, notice: string | undefined, opts: { from?: boolean; rooms?: boolean } = {}): Promise<void> {
    if (s.ended) return;
    this.registry.remove(s);
    const pushed =
      notice === undefined
        ? undefined
        : s.push(opts.from === false ? { command: 'LOGOUT', message: notice } : { command: 'LOGOUT', from: 'SERVER', message: notice });
    // Marked ended before the Rooms session is: its revocation then finds nothing left to tell.
    const actor = s.actor;
    s.end();
    if (opts.rooms !== false)
      await this.d.services.accounts
        .logout(actor)
        .catch((err: unknown) => this.d.logger.warn({ err }, 'tcp gateway: ending a session failed'));
    if (pushed) await Promise.race([pushed, new Promise((r) => setTimeout(r, SHUTDOWN_NOTICE_MS))]);
  }
}
