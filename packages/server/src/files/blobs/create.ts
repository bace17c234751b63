import type { Config } from '../../config/config.ts';
import type { BlobStore } from '../../ports/blob-store.ts';
import { DiskBlobStore } from './disk.ts';
import { S3BlobStore } from './s3.ts';

/** The storage the configuration names: S3 when STORAGE=s3 (or S3_BUCKET is set), DATA_DIR otherwise. */
export async function createBlobStore(config: Config): Promise<BlobStore> {
  const storage = config.STORAGE ?? (config.S3_BUCKET ? 's3' : 'disk');
  if (storage === 'disk') return DiskBlobStore.open(config.DATA_DIR);
  return S3BlobStore.open({
    endpoint: config.S3_ENDPOINT,
    bucket: config.S3_BUCKET!, // the config schema requires it with STORAGE=s3
    region: config.S3_REGION,
    credentials:
      config.S3_ACCESS_KEY_ID && config.S3_SECRET_ACCESS_KEY
        ? { accessKeyId: config.S3_ACCESS_KEY_ID, secretAccessKey: config.S3_SECRET_ACCESS_KEY }
        : undefined,
    forcePathStyle: config.S3_FORCE_PATH_STYLE ?? Boolean(config.S3_ENDPOINT),
    createBucket: config.S3_CREATE_BUCKET,
  });
}
