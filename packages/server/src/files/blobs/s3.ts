import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { BlobStore, ByteRange } from '../../ports/blob-store.ts';
import { assertBlobKey, BlobRangeError, clampRange, exactly } from './common.ts';

export interface S3BlobStoreOptions {
  /** An S3-compatible server's URL; absent → AWS itself (from the region). */
  endpoint?: string | undefined;
  bucket: string;
  region: string;
  /** Absent → the SDK's default chain (AWS_* environment, instance or task role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  /** bucket in the path (http://host/bucket/key), as most S3-compatible servers want. */
  forcePathStyle: boolean;
  /** Create the bucket at open when it does not exist, instead of refusing to start. */
  createBucket: boolean;
}

/** The bucket cannot be used: missing, refused, or the server unreachable. Said at boot. */
export class BlobStoreUnavailableError extends Error {
  override name = 'BlobStoreUnavailableError';
}

/**
 * Attachment bytes as objects in an S3-compatible bucket (scaled mode: every node sees the same
 * bytes). A put is one PutObject with the known length, streamed; S3 makes it atomic (readers see
 * the old object or the new one).
 */
export class S3BlobStore implements BlobStore {
  private readonly client: S3Client;
  private readonly bucket: string;

  private constructor(client: S3Client, bucket: string) {
    this.client = client;
    this.bucket = bucket;
  }

  /**
   * Connects and checks that the bucket is there (creating it when told to), so a wrong bucket
   * name or key stops the server at start rather than failing the first upload.
   */
  static async open(opts: S3BlobStoreOptions): Promise<S3BlobStore> {
    const client = new S3Client({
      region: opts.region,
      forcePathStyle: opts.forcePathStyle,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
      ...(opts.credentials ? { credentials: opts.credentials } : {}),
      // Checksums only where S3 requires them: the default (CRC32 trailers in aws-chunked bodies)
      // is not understood by every S3-compatible server, and the size is checked on our side.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 120_000 },
      // The SDK would print a failed streamed put to the console; the error reaches the caller anyway.
      logger: SILENT,
    });
    const where = `S3 bucket "${opts.bucket}"${opts.endpoint ? ` at ${new URL(opts.endpoint).origin}` : ` in ${opts.region}`}`;
    try {
      await client.send(new HeadBucketCommand({ Bucket: opts.bucket }));
    } catch (err) {
      const status = statusOf(err);
      if (status === 404 && opts.createBucket) {
        // 409: another node created it meanwhile.
        await client.send(new CreateBucketCommand({ Bucket: opts.bucket })).catch((e: unknown) => {
          if (statusOf(e) !== 409) throw e;
        });
      } else {
        client.destroy();
        const why =
          status === 404
            ? 'does not exist (create it, or set S3_CREATE_BUCKET=true)'
            : status === 403 || status === 401
              ? 'refused the credentials (check S3_ACCESS_KEY_ID / S3_SECRET_ACCESS_KEY and the bucket policy)'
              : `cannot be reached: ${(err as Error).message}`;
        throw new BlobStoreUnavailableError(`${where} ${why}`);
      }
    }
    return new S3BlobStore(client, opts.bucket);
  }

  async put(key: string, body: Readable, info: { size: number; contentType: string }): Promise<void> {
    assertBlobKey(key);
    const counted = exactly(info.size);
    // A body that fails or has the wrong length aborts the request: S3 then keeps nothing of it.
    const abort = new AbortController();
    const piped = pipeline(body, counted).catch((err: unknown) => abort.abort(err));
    try {
      await this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: key, Body: counted, ContentLength: info.size, ContentType: info.contentType }),
        { abortSignal: abort.signal },
      );
    } catch (err) {
      counted.destroy();
      throw abort.signal.aborted ? abort.signal.reason : err;
    } finally {
      await piped;
    }
  }

  async get(key: string, range?: ByteRange): Promise<{ body: Readable; size: number } | null> {
    assertBlobKey(key);
    if (range) clampRange(range, Number.MAX_SAFE_INTEGER); // its shape; the size is S3's to check
    try {
      const out = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: key, ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}) }),
      );
      const total = out.ContentRange ? Number(out.ContentRange.split('/')[1]) : out.ContentLength;
      return { body: out.Body as Readable, size: total ?? 0 };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      if (statusOf(err) === 416) throw new BlobRangeError(`range ${range?.start}-${range?.end} is not satisfiable for ${key}`);
      throw err;
    }
  }

  async stat(key: string): Promise<{ size: number } | null> {
    assertBlobKey(key);
    try {
      const out = await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return { size: out.ContentLength ?? 0 };
    } catch (err) {
      if (statusOf(err) === 404) return null;
      throw err;
    }
  }

  async delete(key: string): Promise<void> {
    assertBlobKey(key);
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
  }

  async close(): Promise<void> {
    this.client.destroy();
  }
}

const quiet = () => {};
const SILENT = { trace: quiet, debug: quiet, info: quiet, warn: quiet, error: quiet };

function statusOf(err: unknown): number | undefined {
  if (err instanceof S3ServiceException) return err.$metadata.httpStatusCode;
  return (err as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
}
