import type { HttpApp } from './types.ts';

/**
 * A body left out is an empty object: `POST /rooms/{id}/invites` with no body (and no Content-Type)
 * or with an empty JSON body takes the defaults, as `{}` would, and a route with required fields
 * names each missing one instead of refusing "the body". A body that is there is parsed as before
 * (Fastify's own JSON parser, with its prototype-poisoning guards).
 */
export function acceptEmptyBodies(app: HttpApp): void {
  const json = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    if (body === '') return done(null, undefined);
    return json(req, String(body), done);
  });
  app.addHook('preValidation', async (req) => {
    if (req.body === undefined && req.routeOptions.schema?.body !== undefined) req.body = {};
  });
}
