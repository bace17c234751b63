/** The contract between the load generator and a target (the relay, Socket.IO, Rooms): one thin adapter each. */

/** rooms × members: every member of a room receives every message sent to it (the sender too). */
export interface Grid {
  rooms: number;
  members: number;
}

/** What a client hands back to the generator; frames stay raw Buffers (parsing them is the generator's cost). */
export interface ClientEvents {
  /** A chat message delivered to this member; the generator finds its marker in the bytes. */
  delivery(client: Client, frame: Buffer): void;
  /** The server accepted (stored, for Rooms) request reqId. */
  ack(client: Client, reqId: number): void;
  /** The server refused request reqId. */
  refused(client: Client, reqId: number, code: string): void;
  /** The socket closed (code as the client saw it). */
  closed(client: Client, code: number): void;
}

/** One member's connection. */
export interface Client {
  /** Position in the grid: room index and member index within the room. */
  readonly room: number;
  readonly member: number;
  readonly open: boolean;
  /** Sends a chat message (content is plain ASCII without quotes or backslashes). */
  send(reqId: number, content: string): void;
  close(): void;
}

export interface TargetOptions {
  /** Cores the server runs on (taskset), if pinning. */
  cores: string | undefined;
  /** node flags for the server process (--cpu-prof ...). */
  nodeFlags: string[];
  /** Sample the server with perf into this directory (--perf). */
  perfDir?: string | undefined;
  /** A fixed port (to restart on the same address), or 0. */
  port?: number;
}

/** A started server under test and the way to talk to it. */
export interface Target {
  readonly name: TargetName;
  readonly pid: number | undefined;
  /** http://host:port of the server. */
  readonly url: string;
  /** Prepares the grid (Rooms: accounts, rooms, memberships) and opens one client per member. */
  connect(grid: Grid, events: ClientEvents, opts?: ConnectOptions): Promise<Client[]>;
  /**
   * Reopens a closed client (after a restart): the same member, resuming where it stopped when the
   * protocol can (Rooms). Resolves when the client may send and hears live messages again.
   */
  reconnect(client: Client): Promise<void>;
  /** Event-loop delay since the previous call (p99 and max, ms), from the server's metrics. */
  loopDelay(): Promise<{ p99: number; max: number } | undefined>;
  /** SIGKILL, then start the same server again on the same port and database. */
  crashAndRestart(downMs: number): Promise<{ readyAt: number }>;
  stop(): Promise<void>;
}

export type TargetName = 'relay' | 'relay-batched' | 'socketio' | 'rooms' | 'rooms-noindex' | 'rooms-b' | 'bubble';

export interface ConnectOptions {
  /** Sockets opening at once. */
  concurrency?: number;
  /** Progress callback (opened so far). */
  progress?: (opened: number) => void;
}

export const TARGET_LABELS: Record<TargetName, string> = {
  relay: '(a) bare ws relay',
  'relay-batched': "(a') relay, per-turn batching",
  socketio: '(b) Socket.IO 4',
  rooms: 'Rooms',
  'rooms-noindex': 'Rooms without the search index',
  'rooms-b': 'Rooms, the checkout in ROOMS_B_DIR',
  bubble: 'Rooms via the bubble gateway (Socket.IO)',
};
