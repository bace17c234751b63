/**
 * Baseline (a): the bare ws relay. Rooms in a Map, no auth, no storage, no limits: a client joins
 * one room by ?room=, sends { id, room, content }, and the relay serialises { room, content } once
 * and writes the same bytes to every member (the sender too), then acks the sender. The near-limit
 * reference for what one Node process with ws can fan out.
 */
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { loopMetricsHandler } from './loop-metrics.ts';

const rooms = new Map<string, Set<WebSocket>>();
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
    for (const m of rooms.get(f.room ?? '') ?? []) m.send(out);
    if (f.id !== undefined) ws.send(`{"ack":${Number(f.id)}}`);
  });
  ws.on('close', () => {
    members.delete(ws);
    if (members.size === 0) rooms.delete(room);
  });
  ws.on('error', () => {});
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const a = server.address();
  console.log(`relay listening on http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
});
process.on('SIGTERM', () => process.exit(0));
