import { existsSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import fastifyStatic from '@fastify/static';
import { isApiPath } from '@rooms/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import type { HttpApp } from './types.ts';

/** Vite names what it writes under assets/ by content hash: a changed file is a new URL. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
/** index.html (and unhashed files such as a favicon) may be cached but must be checked each time: a deploy changes them in place. */
const REVALIDATE = 'no-cache';

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Rooms: web UI not built</title></head>
<body>
<h1>The Rooms web UI is not built</h1>
<p>This server is running and answers the API (reference at <a href="/docs">/docs</a>), but it has no built web app to show.</p>
<p>Build it from the project's directory with <code>npm run build:web</code> (<code>npm ci</code> and <code>npm start</code> build it for you),
or point <code>WEB_DIR</code> at a built copy. Set <code>WEB_UI=false</code> to serve the API only.</p>
</body>
</html>
`;

export interface WebAppOptions {
  /** The built app: index.html and assets/ (WEB_DIR). */
  dir: string;
  logger: Logger;
}

const DOT_DOT = /(^|[/\\])\.\.([/\\]|$)/;

type NotFoundHandler = (req: FastifyRequest, reply: FastifyReply) => FastifyReply | Promise<FastifyReply>;

/**
 * Serves the single-page app at / from its build: files as they are, and index.html for every
 * browser navigation to a path that is neither a file nor the API's, so deep links
 * (/r/:room/m/:message, /invite/:code) load the app, which routes them itself.
 *
 * The API is never shadowed: API routes are matched before the static catch-all, and a path under
 * an API prefix (isApiPath, the one list in @rooms/protocol) that no route matches gets the API's
 * JSON 404 whatever its Accept header says. Returns the not-found handler that does this, wrapping
 * the API's own.
 *
 * Files are looked up on each request (no listing at start), so a rebuild while the server runs is
 * picked up; if the build is missing the server still runs and navigations get a page saying how
 * to build it.
 */
export async function serveWebApp(app: HttpApp, opts: WebAppOptions, apiNotFound: NotFoundHandler): Promise<NotFoundHandler> {
  const root = resolve(opts.dir);
  const assets = join(root, 'assets') + sep;
  const indexFile = join(root, 'index.html');
  if (!existsSync(indexFile)) {
    opts.logger.warn(
      { web_dir: root },
      'The web UI is not built (no index.html in WEB_DIR): / answers a page saying so. Build it with: npm run build:web',
    );
  }

  await app.register(fastifyStatic, {
    root,
    prefix: '/',
    // One catch-all route, files looked up per request (wildcard: false would list them once at start).
    wildcard: true,
    index: ['index.html'],
    // Cache-Control is ours (below), not send's default max-age=0.
    cacheControl: false,
    etag: true,
    lastModified: true,
    // Serves file.br / file.gz beside a file when the client accepts them (the build writes them).
    preCompressed: true,
    dotfiles: 'ignore',
    suppressWarning: true,
    // Belt and braces: the API's paths never reach the file system, even if a file had their name.
    allowedPath: (pathname) => !isApiPath(pathname),
    setHeaders: (reply, path) => {
      reply.header('cache-control', path.startsWith(assets) ? IMMUTABLE : REVALIDATE);
    },
  });

  return (req, reply) => {
    if (!wantsTheApp(req)) return apiNotFound(req, reply);
    if (!existsSync(indexFile))
      return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    return reply.sendFile('index.html');
  };
}

/**
 * A request the app's index.html answers: a browser navigation (GET or HEAD accepting HTML, or
 * anything asking for / itself) to a path that is not the API's and not under assets/ (a missing
 * asset is a 404, never a page of HTML in place of a script).
 */
function wantsTheApp(req: FastifyRequest): boolean {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  const raw = req.url.split('?', 1)[0] ?? '/';
  let path: string;
  try {
    // As the router sees it: /%72ooms/x is under /rooms.
    path = decodeURI(raw);
    // A path climbing out (../, ..%2f, ..\) is refused, not answered with the app as if it were a page.
    if (DOT_DOT.test(decodeURIComponent(raw))) return false;
  } catch {
    return false;
  }
  if (isApiPath(path) || path.startsWith('/assets/')) return false;
  return path === '/' || (req.headers.accept ?? '').includes('text/html');
}
