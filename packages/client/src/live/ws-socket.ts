import WebSocket from 'ws';
import type { SocketFactory } from './socket.ts';

/** Node's sockets: the ws package, with the token in an Authorization header and protocol pings. */
export const wsSockets: SocketFactory = {
  headers: true,
  open(url, headers, on) {
    const ws = new WebSocket(url, { headers, perMessageDeflate: false });
    ws.on('open', () => on.open());
    ws.on('message', (data: Buffer) => on.message(data.toString('utf8')));
    ws.on('close', (code, reason) => on.close(code, reason.toString()));
    ws.on('pong', () => on.pong?.());
    ws.on('unexpected-response', (_req, res) => {
      on.refused?.(res.statusCode ?? 0);
      ws.terminate();
    });
    // Every error is followed by 'close', which is what the connection acts on.
    ws.on('error', () => {});
    return {
      send: (t) => ws.send(t),
      close: (c, r) => ws.close(c, r),
      terminate: () => ws.terminate(),
      ping: () => ws.ping(),
    };
  },
};
