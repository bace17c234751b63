/**
 * Serves the built web app (packages/web/dist) the way the server will once it serves it itself
 * (WEB_DIR): files under assets/ as immutable, gzip when the browser accepts it, index.html for
 * every other path that is not the API's; API paths (isApiPath, the list in @rooms/protocol) and
 * the WebSocket upgrade are passed through to the Rooms server unchanged (Host and Origin as the
 * browser sent them, as Vite's dev proxy does with changeOrigin: false).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { extname, join, normalize, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import { isApiPath } from '../../packages/protocol/src/paths.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.png': 'image/png',
};

export interface UiServer {
  url: string;
  close: () => Promise<void>;
}

/** The files are read (and gzipped) once, on first request: a bench does not rebuild under itself. */
export async function serveUi(dist: string, api: string): Promise<UiServer> {
  const root = normalize(dist) + sep;
  if (!existsSync(join(root, 'index.html'))) throw new Error(`${root}index.html is missing: build the UI first (npm run build:web)`);
  const target = new URL(api);
  const cache = new Map<string, { raw: Buffer; gz: Buffer }>();
  const file = (path: string) => {
    let f = cache.get(path);
    if (!f) {
      const raw = readFileSync(path);
      f = { raw, gz: gzipSync(raw, { level: 9 }) };
      cache.set(path, f);
    }
    return f;
  };

  const proxy = (req: IncomingMessage, res: ServerResponse) => {
    const up = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', (err) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`proxy: ${err.message}`);
    });
    req.pipe(up);
  };

  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    if (isApiPath(path)) return proxy(req, res);
    const wanted = normalize(join(root, path));
    const isFile = wanted.startsWith(root) && existsSync(wanted) && statSync(wanted).isFile();
    if (!isFile && path.startsWith('/assets/')) {
      res.writeHead(404).end();
      return;
    }
    const at = isFile ? wanted : join(root, 'index.html');
    const { raw, gz } = file(at);
    const zip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    res.writeHead(200, {
      'content-type': TYPES[extname(at)] ?? 'application/octet-stream',
      'cache-control': at.startsWith(join(root, 'assets') + sep) ? 'public, max-age=31536000, immutable' : 'no-cache',
      'content-length': (zip ? gz : raw).length,
      ...(zip ? { 'content-encoding': 'gzip' } : {}),
      vary: 'accept-encoding',
    });
    res.end(req.method === 'HEAD' ? undefined : zip ? gz : raw);
  });

  // The WebSocket: the upgrade request is replayed to the server as it came, then bytes flow both ways.
  const tunnels = new Set<{ destroy: () => void }>();
  server.on('upgrade', (req: IncomingMessage, socket, head: Buffer) => {
    const up = connect(Number(target.port), target.hostname, () => {
      const lines = [`${req.method} ${req.url} HTTP/1.1`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      up.write(`${lines.join('\r\n')}\r\n\r\n`);
      if (head.length) up.write(head);
      up.pipe(socket).pipe(up);
    });
    const tunnel = { destroy: () => (up.destroy(), socket.destroy()) };
    tunnels.add(tunnel);
    const end = () => {
      tunnels.delete(tunnel);
      tunnel.destroy();
    };
    up.on('error', end);
    socket.on('error', end);
    up.on('close', end);
    socket.on('close', end);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of tunnels) t.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
