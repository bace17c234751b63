import { ERROR_STATUS, type ErrorBody, type ErrorCode } from '@rooms/protocol';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { isDomainError } from '../../domain/errors.ts';
import { humanMessage } from './validation-messages.ts';

const body = (code: ErrorCode, message: string, details?: unknown): ErrorBody => ({
  error: details === undefined ? { code, message } : { code, message, details },
});

/** Fastify's own failures (before a handler runs, the router's included: see frameworkErrors), by its error code. */
const FRAMEWORK_ERRORS: Record<string, [ErrorCode, string]> = {
  FST_ERR_BAD_URL: ['validation_failed', 'The URL is not valid: every part must be percent-encoded UTF-8.'],
  FST_ERR_MAX_PARAM_LENGTH: ['validation_failed', 'A part of the URL path is too long.'],
  FST_ERR_CTP_BODY_TOO_LARGE: ['payload_too_large', 'The request body is too large.'],
  FST_ERR_CTP_INVALID_MEDIA_TYPE: ['unsupported_media_type', 'Send the body as application/json.'],
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: ['validation_failed', 'The Content-Length does not match the body.'],
  FST_ERR_CTP_EMPTY_JSON_BODY: ['invalid_json', 'The body is empty; send a JSON object.'],
  FST_ERR_CTP_INVALID_JSON_BODY: ['invalid_json', 'The body is not valid JSON.'],
  // @fastify/static refusing a path that leaves its root (../) or is not canonical (//, /./): answered as any missing file.
  FST_STATIC_FORBIDDEN_PATH: ['not_found', 'No such file.'],
};

/**
 * Maps every failure to the API's error shape: domain errors keep their code and status, schema
 * failures list each bad field, anything unexpected is logged and answered as a bare 500.
 */
export function handleError(err: FastifyError, req: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (isDomainError(err)) {
    if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
    return reply.code(err.status).send(body(err.code, err.message, err.details));
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const details = err.validation.flatMap((v) => {
      const field = [where, ...v.instancePath.split('/').filter(Boolean)].join('.');
      // An unknown key is reported on its parent object: name the key itself, one entry per key.
      const keys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: unknown }).keys : undefined;
      if (Array.isArray(keys) && keys.length > 0)
        return keys.map((k) => ({ field: `${field}.${String(k)}`, message: 'is not a known field' }));
      return [{ field, message: humanMessage(v) }];
    });
    return reply
      .code(400)
      .send(body('validation_failed', `Invalid ${where}: ${details.map((d) => `${d.field} ${d.message}`).join('; ')}`, details));
  }
  const known = err.code ? FRAMEWORK_ERRORS[err.code] : undefined;
  if (known) return reply.code(ERROR_STATUS[known[0]]).send(body(known[0], known[1]));
  if (err instanceof SyntaxError || (err.statusCode === 400 && /JSON/i.test(err.message))) {
    return reply.code(400).send(body('invalid_json', 'The body is not valid JSON.'));
  }
  if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
    req.log.info({ code: err.code }, 'request refused by the framework');
    return reply.code(err.statusCode).send(body(err.statusCode === 404 ? 'not_found' : 'validation_failed', err.message));
  }
  req.log.error({ err }, 'unhandled error');
  return reply.code(500).send(body('internal', 'Something went wrong on our side.'));
}

export const notFound = (_req: FastifyRequest, reply: FastifyReply): FastifyReply =>
  reply.code(404).send(body('not_found', 'No such endpoint.'));
