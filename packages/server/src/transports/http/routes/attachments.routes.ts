import multipart from '@fastify/multipart';
import { AttachmentView, IdParams, UploadResponse } from '@rooms/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DomainError } from '../../../domain/errors.ts';
import type { ByteRange } from '../../../ports/blob-store.ts';
import type { AccountsService } from '../../../services/accounts/accounts.service.ts';
import type { AttachmentsService, Download } from '../../../services/attachments/attachments.service.ts';
import type { Variant } from '../../../services/attachments/signed-urls.ts';
import { actorOf, bearerToken, requireAuth } from '../auth.ts';
import { BEARER, type HttpApp } from '../types.ts';

/** What a download answer may do in a browser: nothing. An HTML or SVG file opened from it runs no script and reaches nothing. */
const DOWNLOAD_CSP = "default-src 'none'; sandbox";
/** Kinds a browser shows in place (img, audio, video); everything else is offered as a download. */
const INLINE_KINDS = new Set(['image', 'audio', 'video']);

const SignedQuery = z.object({
  sub: z.string().max(64).optional(),
  exp: z.string().max(16).optional(),
  sig: z.string().max(64).optional(),
});

/**
 * Uploads and downloads. POST /attachments/upload takes multipart/form-data with one file part
 * named `file`, streamed to the attachments service (the JSON body limit does not apply; the upload
 * limit does, while the bytes arrive). GET /attachments/:id and /attachments/:id/thumbnail answer
 * the bytes, either to a bearer token or to a signed URL (the `url` of an attachment view), which
 * is what an <img src> or <a href> uses.
 */
export async function attachmentRoutes(app: HttpApp, attachments: AttachmentsService, accounts: AccountsService): Promise<void> {
  const auth = requireAuth(accounts);
  const tags = ['attachments'];
  const security = BEARER;

  await app.register(async (scope) => {
    await scope.register(multipart, {
      throwFileSizeLimit: false,
      limits: { files: 1, fields: 10, parts: 11, fieldSize: 1024, headerPairs: 100 },
    });
    scope.post(
      '/attachments/upload',
      {
        onRequest: auth,
        schema: {
          tags,
          security,
          consumes: ['multipart/form-data'],
          description: `Multipart form with one file part named "file" (streamed; at most ATTACHMENT_MAX_BYTES, default 10 MiB). 201 with the stored attachment; 413 payload_too_large, 415 unsupported_type (the type is read from the bytes), 422 malware_detected / unsafe_archive, 503 scanner_unavailable: nothing is kept.`,
          response: { 201: UploadResponse },
        },
      },
      async (req, reply) => {
        if (!req.isMultipart())
          throw new DomainError('unsupported_media_type', 'Send the file as multipart/form-data, in a part named "file".');
        // One byte past the limit is enough to refuse: busboy reads (and drops) the rest of the body so the client hears the answer.
        const file = await req.file({ limits: { fileSize: attachments.maxBytes + 1 } }).catch(multipartError);
        if (!file || file.fieldname !== 'file') {
          file?.file.resume();
          throw new DomainError('validation_failed', 'Send the file in a multipart part named "file".', {
            details: [{ field: 'body.file', message: 'is required' }],
          });
        }
        const attachment = await attachments.upload(actorOf(req), { stream: file.file, filename: file.filename });
        return reply.code(201).send({ attachment });
      },
    );
  });

  app.get(
    '/attachments/:id/info',
    {
      onRequest: auth,
      schema: {
        tags,
        security,
        description: 'The attachment view (its URLs signed for you).',
        params: IdParams,
        response: { 200: z.object({ attachment: AttachmentView }) },
      },
    },
    async (req) => ({ attachment: await attachments.get(actorOf(req), req.params.id) }),
  );

  const download = async (variant: Variant, id: string, query: z.infer<typeof SignedQuery>, req: FastifyRequest, reply: FastifyReply) => {
    const range = parseRange(req.headers.range);
    let d: Download;
    if (req.actor) d = await attachments.download(req.actor, id, variant, range ?? undefined).catch(rangeError(reply));
    else d = await attachments.downloadSigned(id, variant, query, range ?? undefined).catch(rangeError(reply));
    return sendDownload(req, reply, d);
  };
  /** Before the input is looked at (as every authenticated route): a signed URL carries sig; anything else needs a valid bearer token. */
  const tokenOrSignature = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (typeof (req.query as Record<string, unknown>).sig === 'string') return;
    if (!bearerToken(req)) throw new DomainError('unauthenticated', 'Sign in first, or use the signed URL of the attachment view.');
    await auth(req, reply);
  };
  const description = (what: string) =>
    `${what}, for a bearer token or a signed URL (?sub&exp&sig, from an attachment view). Only readers of the room it was posted in, or its uploader while it is unposted (404 otherwise). Range requests (206/416), ETag / If-None-Match (304).`;
  app.get(
    '/attachments/:id',
    {
      onRequest: tokenOrSignature,
      schema: { tags, security, description: description('The bytes of the file'), params: IdParams, querystring: SignedQuery },
    },
    async (req, reply) => download('original', req.params.id, req.query, req, reply),
  );
  app.get(
    '/attachments/:id/avatar',
    {
      schema: {
        tags,
        description:
          "A user's avatar uploaded as an attachment (avatar_url points here): served without a token while it is an active account's avatar.",
        params: IdParams,
      },
    },
    async (req, reply) => sendDownload(req, reply, await attachments.avatar(req.params.id)),
  );
  app.get(
    '/attachments/:id/thumbnail',
    {
      onRequest: tokenOrSignature,
      schema: { tags, security, description: description('The WebP thumbnail of an image'), params: IdParams, querystring: SignedQuery },
    },
    async (req, reply) => download('thumbnail', req.params.id, req.query, req, reply),
  );
}

function sendDownload(req: FastifyRequest, reply: FastifyReply, d: Download): FastifyReply {
  const inline = d.variant === 'thumbnail' || INLINE_KINDS.has(d.attachment.kind);
  reply.header('content-type', d.mimeType);
  reply.header('content-security-policy', DOWNLOAD_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('content-disposition', `${inline ? 'inline' : 'attachment'}; ${dispositionFilename(d.attachment.filename)}`);
  reply.header('cache-control', 'private, max-age=3600');
  reply.header('etag', d.etag);
  reply.header('accept-ranges', 'bytes');
  // The bytes of an id never change: a matching ETag is always current.
  if (etagMatches(req.headers['if-none-match'], d.etag)) {
    d.body.destroy();
    return reply.code(304).send();
  }
  if (d.range) {
    reply.header('content-range', `bytes ${d.range.start}-${d.range.end}/${d.size}`);
    reply.header('content-length', String(d.range.end - d.range.start + 1));
    return reply.code(206).send(d.body);
  }
  reply.header('content-length', String(d.size));
  return reply.code(200).send(d.body);
}

/** A single byte range (bytes=a-b, bytes=a-, bytes=-n); anything else is ignored and the whole file is sent, as RFC 9110 allows. */
export function parseRange(header: string | undefined): ByteRange | null {
  if (!header) return null;
  const m = /^bytes=(\d{0,15})-(\d{0,15})$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') return { start: -Number(m[2]), end: Number.MAX_SAFE_INTEGER };
  const start = Number(m[1]);
  const end = m[2] === '' ? Number.MAX_SAFE_INTEGER : Number(m[2]);
  return end < start ? null : { start, end };
}

/** 416 answers say the file's size in Content-Range. */
const rangeError =
  (reply: FastifyReply) =>
  (err: unknown): never => {
    if (err instanceof DomainError && err.code === 'range_not_satisfiable')
      reply.header('content-range', `bytes */${(err.details as { size: number }).size}`);
    throw err;
  };

function etagMatches(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((t) => {
    const v = t.trim().replace(/^W\//, '');
    return v === '*' || v === etag;
  });
}

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
function dispositionFilename(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** The multipart plugin's refusals, in the API's terms. */
function multipartError(err: unknown): never {
  const code = (err as { code?: string }).code;
  if (code === 'FST_INVALID_MULTIPART_CONTENT_TYPE')
    throw new DomainError('unsupported_media_type', 'Send the file as multipart/form-data.');
  if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT')
    throw new DomainError('validation_failed', 'Send one file per upload.');
  throw err;
}
