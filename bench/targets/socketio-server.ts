/**
 * Baseline (b): a plain Socket.IO 4 server as its docs show it — `join`, then `io.to(room).emit`
 * (which encodes once and writes to each member, the sender too), with an ack to the sender.
 * WebSocket transport only and compression off, like the other targets; ws uses bufferutil and
 * utf-8-validate when they are installed (the add-ons Socket.IO recommends).
 */
import { createServer } from 'node:http';
import { Server } from 'socket.io';
import { loopMetricsHandler } from './loop-metrics.ts';

const http = createServer(loopMetricsHandler());
const io = new Server(http, {
  transports: ['websocket'],
  perMessageDeflate: false,
  httpCompression: false,
  serveClient: false,
  maxHttpBufferSize: 64 * 1024,
});

io.on('connection', (socket) => {
  socket.on('join', (room: string, ack?: () => void) => {
    void socket.join(room);
    ack?.();
  });
  socket.on('send', (msg: { room: string; content: string }, ack?: () => void) => {
    io.to(msg.room).emit('msg', msg);
    ack?.();
  });
});

http.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const a = http.address();
  console.log(`socket.io listening on http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}`);
});
process.on('SIGTERM', () => process.exit(0));
