/**
 * Baseline (a): the bare ws relay. Rooms in a Map, no auth, no storage, no limits: a client joins
 * one room by ?room=, sends { id, room, content }, and the relay serialises { room, content } once
 * and writes the same bytes to every member (the sender too), then acks the sender. The near-limit
 * reference for what one Node process with ws can fan out.
 *
 * With RELAY_BATCH=1, baseline (a'): each socket is corked at its first frame of an event-loop turn
 * and every corked socket uncorked at the next setImmediate, so a socket's frames of one turn leave
 * in one write, as Rooms batches them. The honest near-limit of Node + ws that goals are set against.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { loopMetricsHandler } from './loop-metrics.ts';

const rooms = new Map<string, Set<WebSocket>>();
const BATCH = process.env.RELAY_BATCH === '1';

/** The sockets corked this turn (RELAY_BATCH). */
const corked = new Set<{ cork(): void; uncork(): void }>();
const uncorkAll = () => {
  for (const s of corked) s.uncork();
  corked.clear();
};
const send = (ws: WebSocket, data: Buffer | string): void => {
  if (BATCH) {
    // ws keeps the net.Socket it writes to as _socket; its own sender corks around frames, and corks nest.
    const socket = (ws as unknown as { _socket: { cork(): void; uncork(): void } })._socket;
    if (!corked.has(socket)) {
      if (corked.size === 0) setImmediate(uncorkAll);
      socket.cork();
      corked.add(socket);
    }
  }
  ws.send(data);
};
const server = createServer(loopMetricsHandler());
const wss = new WebSocketServer({ server, path: '/ws', perMessageDeflate: false, maxPayload: 64 * 1024 });

wss.on('connection', (ws, req) => {
  const room = new URL(req.url ?? '/', 'http://relay').searchParams.get('room') ?? '';
  let members = rooms.get(room);
  if (!members) rooms.set(room, (members = new Set()));
  members.add(ws);
  ws.on('message', (data) => {
    let f: { id?: number; room?: string; content?: string };
    try {
      f = JSON.parse(data.toString()) as typeof f;
    } catch {
      return;
    }
    const out = Buffer.from(JSON.stringify({ room: f.room, content: f.content }));
    for (const m of rooms.get(f.room ?? '') ?? []) send(m, out);
    if (f.id !== undefined) send(ws, `{"ack":${Number(f.id)}}`);
  });
  ws.on('close', () => {
    members.delete(ws);
    if (members.size === 0) rooms.delete(room);
  });
  ws.on('error', () => {});
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const a = server.address();
  console.log(`relay${BATCH ? ' (batched)' : ''} listening on http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
});
process.on('SIGTERM', () => process.exit(0));
