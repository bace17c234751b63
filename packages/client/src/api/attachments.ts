import type { AttachmentView } from '@rooms/protocol';
import { RoomsApiError } from '../errors.ts';
import type { Http } from '../http.ts';
import type { Out } from './types.ts';

export type Attachment = Out<typeof AttachmentView>;

/**
 * What can be uploaded: a Blob or File (browser; in Node `openFile(path)` gives one that streams
 * from disk), bytes, or any async iterable of byte chunks (a Node Readable).
 */
export type UploadSource = Blob | Uint8Array | ArrayBuffer | AsyncIterable<Uint8Array>;

export interface UploadProgress {
  /** File bytes sent so far. */
  loaded: number;
  /** The file's size, when known. */
  total: number | undefined;
}

export interface UploadOptions {
  /** Shown to readers (the server sanitises it); a File's own name by default, else "file". */
  filename?: string | undefined;
  /** Called as bytes go out (several times a second at most in browsers). */
  onProgress?: ((p: UploadProgress) => void) | undefined;
  /** Aborting cancels the upload: the promise rejects with code `aborted`, nothing is kept. */
  signal?: AbortSignal | undefined;
  /** The file's size when the source is a stream (for progress totals). */
  size?: number | undefined;
  /** How to send: XMLHttpRequest (browsers: upload progress) or fetch with a streamed body (Node). Auto by default. */
  transport?: 'xhr' | 'fetch' | undefined;
}

const PATH = '/attachments/upload';
const CHUNK = 64 * 1024;

const aborted = () => new RoomsApiError(0, 'aborted', 'The upload was cancelled.');

function nameOf(source: UploadSource, filename: string | undefined): string {
  if (filename) return filename;
  const own = (source as { name?: unknown }).name;
  return typeof own === 'string' && own ? own : 'file';
}

function sizeOf(source: UploadSource, given: number | undefined): number | undefined {
  if (given !== undefined) return given;
  if (source instanceof Blob) return source.size;
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return source.byteLength;
  return undefined;
}

/** The source as chunks of at most CHUNK bytes, read only as fast as they are sent. */
async function* chunksOf(source: UploadSource): AsyncGenerator<Uint8Array> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : source;
    for (let i = 0; i < bytes.byteLength; i += CHUNK) yield bytes.subarray(i, i + CHUNK);
    return;
  }
  const iterable: AsyncIterable<Uint8Array> = source instanceof Blob ? (source.stream() as unknown as AsyncIterable<Uint8Array>) : source;
  for await (const chunk of iterable) {
    for (let i = 0; i < chunk.byteLength; i += CHUNK) yield chunk.subarray(i, i + CHUNK);
  }
}

/** A filename as a quoted multipart parameter: quotes and line breaks escaped the way browsers do. */
const quoted = (name: string) => name.replace(/"/g, '%22').replace(/\r/g, '%0D').replace(/\n/g, '%0A');

/** Node (and any fetch with streamed request bodies): the multipart body built as it is sent, never held whole. */
async function uploadWithFetch(http: Http, source: UploadSource, opts: UploadOptions): Promise<Attachment> {
  const filename = nameOf(source, opts.filename);
  const total = sizeOf(source, opts.size);
  const boundary = `----rooms${globalThis.crypto.randomUUID().replace(/-/g, '')}`;
  const enc = new TextEncoder();
  const head = enc.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${quoted(filename)}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = enc.encode(`\r\n--${boundary}--\r\n`);
  const chunks = chunksOf(source);
  let loaded = 0;
  let stage: 'head' | 'file' | 'done' = 'head';
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        if (stage === 'head') {
          stage = 'file';
          controller.enqueue(head);
          return;
        }
        if (stage === 'done') return;
        const next = await chunks.next();
        if (next.done) {
          stage = 'done';
          controller.enqueue(tail);
          controller.close();
          return;
        }
        controller.enqueue(next.value);
        loaded += next.value.byteLength;
        opts.onProgress?.({ loaded, total });
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 0 },
  );
  const headers: Record<string, string> = { accept: 'application/json', 'content-type': `multipart/form-data; boundary=${boundary}` };
  if (http.token) headers.authorization = `Bearer ${http.token}`;
  if (opts.signal?.aborted) throw aborted();
  let res: Response;
  try {
    res = await http.fetchFn(http.url(PATH), { method: 'POST', headers, body, signal: opts.signal, duplex: 'half' } as RequestInit);
  } catch (err) {
    if (opts.signal?.aborted) throw aborted();
    throw new RoomsApiError(0, 'network_error', `Cannot upload to ${http.baseUrl}: ${(err as Error).message}`);
  }
  let text: string;
  try {
    text = await res.text();
  } catch (err) {
    if (opts.signal?.aborted) throw aborted();
    throw new RoomsApiError(0, 'network_error', `The upload's answer was cut off: ${(err as Error).message}`);
  }
  return http.answer<{ attachment: Attachment }>('POST', PATH, res.status, text, res.headers.get('retry-after')).body.attachment;
}

/** Browsers: XMLHttpRequest, the one way to hear upload progress over HTTP/1.1. */
function uploadWithXhr(http: Http, source: UploadSource, opts: UploadOptions): Promise<Attachment> {
  return new Promise((resolve, reject) => {
    if (opts.signal?.aborted) return reject(aborted());
    const filename = nameOf(source, opts.filename);
    const blob =
      source instanceof Blob
        ? source
        : source instanceof Uint8Array || source instanceof ArrayBuffer
          ? new Blob([source as BlobPart])
          : null;
    if (!blob) return reject(new RoomsApiError(0, 'unexpected_response', 'In a browser, upload a Blob, a File or bytes.'));
    const xhr = new XMLHttpRequest();
    xhr.open('POST', http.url(PATH));
    xhr.setRequestHeader('accept', 'application/json');
    if (http.token) xhr.setRequestHeader('authorization', `Bearer ${http.token}`);
    const onAbort = () => xhr.abort();
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => opts.signal?.removeEventListener('abort', onAbort);
    xhr.upload.onprogress = (e) => opts.onProgress?.({ loaded: Math.min(e.loaded, blob.size), total: blob.size });
    xhr.onload = () => {
      done();
      try {
        resolve(
          http.answer<{ attachment: Attachment }>('POST', PATH, xhr.status, xhr.responseText, xhr.getResponseHeader('retry-after')).body
            .attachment,
        );
      } catch (err) {
        reject(err);
      }
    };
    xhr.onerror = () => {
      done();
      reject(new RoomsApiError(0, 'network_error', `Cannot upload to ${http.baseUrl}: the connection failed.`));
    };
    xhr.onabort = () => {
      done();
      reject(aborted());
    };
    const form = new FormData();
    form.append('file', blob, filename);
    xhr.send(form);
  });
}

/** Uploads: a file in, its attachment view out, ready to be sent with a message (`attachments: [id]`). */
export function attachmentsApi(http: Http) {
  return {
    /**
     * Streams a file to the server. Rejects with a RoomsApiError: payload_too_large (413),
     * unsupported_type (415), malware_detected / unsafe_archive (422), scanner_unavailable (503),
     * rate_limited (429), aborted (the signal), network_error.
     */
    upload(source: UploadSource, opts: UploadOptions = {}): Promise<Attachment> {
      const xhr = opts.transport ? opts.transport === 'xhr' : typeof XMLHttpRequest === 'function';
      return xhr ? uploadWithXhr(http, source, opts) : uploadWithFetch(http, source, opts);
    },
  };
}

const UNITS = ['B', 'KB', 'MB', 'GB'];

/** A size as people read it: 532 B, 1.2 MB (powers of 1024, one decimal under 10). */
export function formatBytes(n: number): string {
  let v = n;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${v} B` : `${v < 10 ? v.toFixed(1) : Math.round(v)} ${UNITS[u]}`;
}
