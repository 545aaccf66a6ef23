import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FolderObjectStore } from './folder-object-store.js';
import type { ObjectStore } from './object-store.js';
import { S3ObjectStore } from './s3-object-store.js';

export interface ObjectStoreConfig {
  /** `auto`: the S3 API when an endpoint is configured, the folder store otherwise. */
  readonly mode: 'auto' | 'folder' | 's3';
  /** Folder store root: `s3://bucket/key` is `<bucketDir>/bucket/key`. Default `<data-dir>/buckets`. */
  readonly bucketDir?: string;
  readonly s3: {
    /** S3-compatible endpoint; none means AWS S3 in `region`. */
    readonly endpoint?: string;
    readonly region: string;
    /** Default: path-style when an endpoint is set (S3-compatible servers), virtual-hosted for AWS. */
    readonly forcePathStyle?: boolean;
    /** Set only from the environment (TROVE_S3_*); otherwise the AWS SDK's default credential chain. */
    readonly accessKeyId?: string;
    readonly secretAccessKey?: string;
    readonly sessionToken?: string;
  };
}

/** The folder the folder store reads, or undefined when objects come through the S3 API. */
export function folderStoreRoot(config: ObjectStoreConfig, dataDir: string): string | undefined {
  const mode = config.mode === 'auto' ? (config.s3.endpoint ? 's3' : 'folder') : config.mode;
  return mode === 'folder' ? config.bucketDir ?? join(dataDir, 'buckets') : undefined;
}

/** Opens the object store the configuration names (nothing is contacted until the first read). */
export function createObjectStore(config: ObjectStoreConfig, dataDir: string): ObjectStore {
  const root = folderStoreRoot(config, dataDir);
  if (root !== undefined) {
    // The default root is created so a user sees where buckets go; a configured one must exist already.
    if (config.bucketDir === undefined) mkdirSync(root, { recursive: true });
    return new FolderObjectStore(root);
  }
  const { s3 } = config;
  if ((s3.accessKeyId === undefined) !== (s3.secretAccessKey === undefined)) {
    throw new Error('TROVE_S3_ACCESS_KEY_ID and TROVE_S3_SECRET_ACCESS_KEY must be set together');
  }
  return new S3ObjectStore({
    endpoint: s3.endpoint,
    region: s3.region,
    forcePathStyle: s3.forcePathStyle ?? s3.endpoint !== undefined,
    credentials: s3.accessKeyId !== undefined && s3.secretAccessKey !== undefined
      ? { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey, sessionToken: s3.sessionToken }
      : undefined,
  });
}
