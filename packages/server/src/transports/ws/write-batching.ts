import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Coalesces what is written to a socket during one event-loop turn into one write. Under load a
 * member is sent several frames per turn (one per message fanned out to its rooms, plus acks);
 * written one by one, each frame costs a syscall, and the syscalls were the largest share of a
 * busy server's CPU. The socket is corked at its first frame of the turn and uncorked, with all
 * the others, once the turn's work is done (setImmediate runs after every pending promise).
 */
/** Set on a socket corked this turn: what it still had queued when the turn began. */
const QUEUED_BEFORE = Symbol('queuedBefore');
type Corkable = Duplex & { [QUEUED_BEFORE]?: number | undefined };

/**
 * The sockets corked this turn, in slots reused turn after turn. A Map cleared every turn made
 * garbage in the old generation: a long-lived Map's new tables (after clear(), and each time it
 * grows) are allocated where its table lives, and that was a quarter of what a busy server
 * promoted, so the major collections (the 20-50 ms pauses in the p99) came that much sooner.
 */
const corked: (Corkable | undefined)[] = [];
let count = 0;
let scheduled = false;

function flush(): void {
  scheduled = false;
  // A frame written while uncorking (a drain handler) lands in a slot past i: it is uncorked here too.
  for (let i = 0; i < count; i++) {
    const socket = corked[i]!;
    corked[i] = undefined;
    socket[QUEUED_BEFORE] = undefined;
    socket.uncork();
  }
  count = 0;
}

const OPEN = 1;

// ws exposes no socket; its own sender corks this same socket around each frame, and corks nest.
const socketOf = (ws: WebSocket) => (ws as unknown as { _socket?: Corkable })._socket;

/**
 * Writes a complete WebSocket frame (see frames.ts) to the socket under the connection,
 * corked until the end of the turn: it leaves with the rest of this turn's frames for the socket.
 * Only while the connection is open: after a close frame nothing else may follow it. ws writes its
 * own control frames (ping, pong, close) to the same socket, in order with these.
 */
export function writeFrame(ws: WebSocket, frame: Buffer): void {
  const socket = socketOf(ws);
  if (!socket || socket.destroyed || ws.readyState !== OPEN) return;
  if (socket[QUEUED_BEFORE] === undefined) {
    socket[QUEUED_BEFORE] = ws.bufferedAmount;
    corked[count++] = socket;
    socket.cork();
    if (!scheduled) {
      scheduled = true;
      setImmediate(flush);
    }
  }
  socket.write(frame);
}

/**
 * Bytes the client is behind by: what was still queued when this turn began. Frames corked during
 * the turn have not been offered to the client yet, so they do not count against it.
 */
export function backlog(ws: WebSocket): number {
  const socket = socketOf(ws);
  return socket?.[QUEUED_BEFORE] ?? ws.bufferedAmount;
}
