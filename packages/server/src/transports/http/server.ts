import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Logger } from 'pino';
import { newId } from '../../domain/ids.ts';
import type { Metrics } from '../../observability/metrics.ts';
import type { Services } from '../../services/index.ts';
import { limitConnections } from './connection-limits.ts';
import { acceptEmptyBodies } from './empty-body.ts';
import { documentApi } from './api-docs.ts';
import { recordRoutes } from './method-not-allowed.ts';
import { handleError, notFound } from './errors.ts';
import { delayRefusals } from './refusal-delay.ts';
import { refuseUnstorableStrings } from './input-guard.ts';
import { addSecurityHeaders } from './security-headers.ts';
import { serveWebApp } from './web-app.ts';
import { attachmentRoutes } from './routes/attachments.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import { memberRoutes } from './routes/members.routes.ts';
import { messageRoutes } from './routes/messages.routes.ts';
import { notificationRoutes } from './routes/notifications.routes.ts';
import { opsRoutes } from './routes/ops.routes.ts';
import { presenceRoutes } from './routes/presence.routes.ts';
import { roomRoutes } from './routes/rooms.routes.ts';
import { searchRoutes } from './routes/search.routes.ts';
import { userRoutes } from './routes/users.routes.ts';
import { coreFeatureRoutes } from './routes/core-features.routes.ts';
import { adminRoutes } from './routes/admin.routes.ts';
import { limitsRoutes } from './routes/limits.routes.ts';
import type { ServerLimits } from '@rooms/protocol';
import { directRoutes } from './routes/direct.routes.ts';
import type { HttpApp } from './types.ts';

export interface HttpDeps {
  logger: Logger;
  metrics: Metrics;
  bodyLimit: number;
  trustProxy: boolean | number | string;
  /** Seconds a client has to send a whole request, headers and body (REQUEST_TIMEOUT). */
  requestTimeout: number;
  /** Open connections one peer may hold (MAX_CONNECTIONS_PER_IP). */
  maxConnectionsPerIp: number;
  /** The bearer token /metrics answers to; absent → no /metrics. */
  metricsToken: string | undefined;
  /** How long a 429 / 503-with-Retry-After is held before it is sent (REFUSAL_DELAY_MS). */
  refusalDelayMs: number;
  services: Services;
  ready: () => Promise<void>;
  /** The built web app to serve at / (WEB_DIR); absent → the API only (WEB_UI=false). */
  webDir: string | undefined;
  /** The configured limits GET /limits tells clients. */
  limits: ServerLimits;
}

/** Trust exactly n proxies in front of us (X-Forwarded-For entries counted from the socket). */
const hops = (n: number) => (_addr: string, i: number) => i < n;

const REQUEST_ID = /^[\w.:-]{1,64}$/;

/**
 * Idle keep-alive sockets are closed after this. It outlives the 60 s idle timeout of common
 * reverse proxies and load balancers, so that the proxy, not us, ends an idle upstream socket
 * (otherwise a request it sends as we close gets a 502). Fastify's default, made explicit.
 */
const KEEP_ALIVE_MS = 72_000;

/** The REST transport: routes are thin, every rule lives in the services. */
export async function buildHttpServer(deps: HttpDeps): Promise<HttpApp> {
  const requestTimeoutMs = deps.requestTimeout * 1000;
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    bodyLimit: deps.bodyLimit,
    // A request, headers and body, must arrive within REQUEST_TIMEOUT (Node answers 408 and closes):
    // without it a client dribbling a large body held its socket forever. Node checks the deadlines
    // every 30 s by default, which lets a socket live up to twice the timeout: every second instead.
    requestTimeout: requestTimeoutMs,
    http: {
      requestTimeout: requestTimeoutMs,
      headersTimeout: requestTimeoutMs,
      connectionsCheckingInterval: Math.min(1000, requestTimeoutMs),
    },
    keepAliveTimeout: KEEP_ALIVE_MS,
    trustProxy: typeof deps.trustProxy === 'number' ? hops(deps.trustProxy) : deps.trustProxy,
    // Keep-alive connections that are idle are closed at shutdown; busy ones finish their request.
    forceCloseConnections: 'idle',
    // A caller's request id is kept (so logs can be joined across services); otherwise a fresh one.
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : newId();
    },
    ajv: { customOptions: { removeAdditional: false } },
    // The router's refusals (a path that is not UTF-8, an overlong segment) get the API's error shape too.
    frameworkErrors: handleError,
  }).withTypeProvider<ZodTypeProvider>();
  limitConnections(app.server, {
    perPeer: deps.maxConnectionsPerIp,
    logger: deps.logger,
    onRefused: (reason) => deps.metrics.connectionsRefused.inc({ reason }),
  });

  // The API speaks JSON only: without this, Fastify's built-in text/plain parser lets a string body reach validation (400, not 415).
  app.removeContentTypeParser('text/plain');
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.decorateRequest('actor', null);

  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
  });
  addSecurityHeaders(app);
  app.addHook('preValidation', refuseUnstorableStrings);
  acceptEmptyBodies(app);
  const routes = recordRoutes(app);
  // Responses still in flight at shutdown close their connection: Fastify closes only the sockets
  // idle when close() starts, so a keep-alive socket going idle later held close() open until the grace ran out.
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    if (closing) reply.header('connection', 'close');
    return payload;
  });
  delayRefusals(app, deps.refusalDelayMs);
  app.addHook('onResponse', async (req, reply) => {
    const route = req.routeOptions.url ?? 'unmatched';
    deps.metrics.httpDuration.observe({ method: req.method, route, status: String(reply.statusCode) }, reply.elapsedTime / 1000);
  });

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Rooms API',
        version: '0.1.0',
        description: 'Self-hosted real-time chat. Errors are { "error": { "code", "message", "details"? } }.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
    transformObject: (d) =>
      documentApi(('openapiObject' in d ? d.openapiObject : d.swaggerObject) as Parameters<typeof documentApi>[0]) as never,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  opsRoutes(app, { metrics: deps.metrics, metricsToken: deps.metricsToken, ready: deps.ready });
  const s = deps.services;
  authRoutes(app, s.accounts);
  userRoutes(app, s.users, s.accounts, s.blocks);
  roomRoutes(app, s.rooms, s.accounts, s.users);
  memberRoutes(app, s.members, s.invites, s.accounts, s.users);
  messageRoutes(app, s, s.accounts);
  notificationRoutes(app, s.notifications, s.accounts);
  presenceRoutes(app, s.presence, s.broadcasts, s.accounts);
  await attachmentRoutes(app, s.attachments, s.accounts);
  searchRoutes(app, s.search, s.accounts);
  coreFeatureRoutes(app, s);
  adminRoutes(app, s);
  limitsRoutes(app, deps.limits);
  directRoutes(app, s);
  // The web app last, and its fallback only as the not-found case: every API route is matched before the app's files.
  app.setNotFoundHandler(
    routes.orNotFound(deps.webDir === undefined ? notFound : await serveWebApp(app, { dir: deps.webDir, logger: deps.logger }, notFound)),
  );
  return app;
}
