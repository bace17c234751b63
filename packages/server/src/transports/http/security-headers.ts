import type { HttpApp } from './types.ts';

/**
 * The Content-Security-Policy of every answer. The web app is built with no inline script, so
 * scripts come from our own origin only; inline styles stay allowed (React's `style` props and
 * libraries that set them). `connect-src 'self'` covers the WebSocket too: CSP Level 3 matches
 * ws:/wss: to the page's own host and port under 'self' (verified in Chromium by the browser tests).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ');

const HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'x-frame-options': 'DENY',
} as const;

/**
 * Every answer carries the security headers, not only the app's HTML: an API answer opened in a
 * tab, an error page or the API docs get the same protection, and no route can forget them.
 * Set at onRequest, so refusals and 404s made before any handler runs carry them as well.
 */
export function addSecurityHeaders(app: HttpApp): void {
  app.addHook('onRequest', async (_req, reply) => {
    reply.headers(HEADERS);
  });
}
