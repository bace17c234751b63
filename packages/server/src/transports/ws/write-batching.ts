import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Coalesces what is written to a socket during one event-loop turn into one write. Under load a
 * member is sent several frames per turn (one per message fanned out to its rooms, plus acks);
 * written one by one, each frame costs a syscall, and the syscalls were the largest share of a
 * busy server's CPU. The socket is corked at its first frame of the turn and uncorked, with all
 * the others, once the turn's work is done (setImmediate runs after every pending promise).
 */
const corked = new Map<Duplex, number>();
let scheduled = false;

function flush(): void {
  scheduled = false;
  for (const socket of corked.keys()) socket.uncork();
  corked.clear();
}

const OPEN = 1;

// ws exposes no socket; its own sender corks this same socket around each frame, and corks nest.
const socketOf = (ws: WebSocket) => (ws as unknown as { _socket?: Duplex })._socket;

/**
 * Writes a complete WebSocket frame (see realtime/wire.ts) to the socket under the connection,
 * corked until the end of the turn: it leaves with the rest of this turn's frames for the socket.
 * Only while the connection is open: after a close frame nothing else may follow it. ws writes its
 * own control frames (ping, pong, close) to the same socket, in order with these.
 */
export function writeFrame(ws: WebSocket, frame: Buffer): void {
  const socket = socketOf(ws);
  if (!socket || socket.destroyed || ws.readyState !== OPEN) return;
  if (!corked.has(socket)) {
    corked.set(socket, ws.bufferedAmount);
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
  return (socket && corked.get(socket)) ?? ws.bufferedAmount;
}
