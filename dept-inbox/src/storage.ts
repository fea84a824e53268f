// Where uploaded bytes live: a tus data store (@tus/file-store on the local disk by
// default, @tus/s3-store for S3-compatible object storage such as MinIO), plus the few
// reads the inbox needs on top — hashing what was stored, streaming it to an approver,
// and discarding a refused or expired upload. A received file keeps the storage key of
// the upload that brought it; the `files` table maps content (sha256) to that key.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { FileStore } from '@tus/file-store';
import type { DataStore } from '@tus/server';
import type * as S3StoreModuleNs from '@tus/s3-store';

type S3StoreModule = typeof S3StoreModuleNs;

export interface S3StorageOptions {
  bucket: string;
  /** e.g. http://127.0.0.1:9000 for MinIO; absent for AWS. */
  endpoint?: string;
  region?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** MinIO and most S3-compatible servers need path-style URLs. Default true when an endpoint is given. */
  forcePathStyle?: boolean;
  /** Multipart part size in bytes (≥ 5 MiB). */
  partSize?: number;
}

export type StorageConfig = 'file' | { s3: S3StorageOptions };

export interface InboxStorage {
  readonly kind: 'file' | 's3';
  readonly datastore: DataStore;
  /** SHA-256 hex and byte count of the stored object. */
  digest(key: string): Promise<{ sha256: string; size: number }>;
  open(key: string): Promise<Readable>;
  /** Removes an upload's bytes and its tus record; a missing one is not an error. */
  discard(key: string): Promise<void>;
}

interface ReadableStore extends DataStore {
  read(id: string): Readable | Promise<Readable>;
}

/**
 * @tus/file-store checks its directory with an async mkdir whose callback throws: had
 * the data directory gone meanwhile (an uninstall, a test's temp dir), that would be
 * an uncaught exception in the window's process. Here the check is synchronous, at
 * construction, where a failure is an ordinary error.
 */
class FileStoreWithSyncDirectory extends FileStore {}
Object.defineProperty(FileStoreWithSyncDirectory.prototype, 'checkOrCreateDirectory', {
  value(this: { directory: string }) {
    mkdirSync(this.directory, { recursive: true });
  },
});

export async function createStorage(config: StorageConfig, dataDir: string, expiryMs: number): Promise<InboxStorage> {
  if (config === 'file') {
    const directory = join(dataDir, 'uploads');
    const store = new FileStoreWithSyncDirectory({ directory, expirationPeriodInMilliseconds: expiryMs });
    return wrap('file', store);
  }
  let module: S3StoreModule;
  try {
    module = await import('@tus/s3-store');
  } catch (error) {
    throw new Error('S3 storage needs the optional package @tus/s3-store (npm install @tus/s3-store)', {
      cause: error,
    });
  }
  const s3 = config.s3;
  if (!s3.bucket) throw new Error('S3 storage needs a bucket');
  const store = new module.S3Store({
    ...(s3.partSize ? { partSize: s3.partSize } : {}),
    expirationPeriodInMilliseconds: expiryMs,
    s3ClientConfig: {
      bucket: s3.bucket,
      region: s3.region ?? 'us-east-1',
      ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
      forcePathStyle: s3.forcePathStyle ?? s3.endpoint !== undefined,
      ...(s3.accessKeyId && s3.secretAccessKey
        ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
        : {}),
    },
  });
  return wrap('s3', store);
}

function wrap(kind: 'file' | 's3', store: ReadableStore): InboxStorage {
  const open = async (key: string): Promise<Readable> => store.read(key);
  return {
    kind,
    datastore: store,
    open,
    async digest(key) {
      const hash = createHash('sha256');
      let size = 0;
      for await (const chunk of await open(key)) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }
      return { sha256: hash.digest('hex'), size };
    },
    async discard(key) {
      try {
        await store.remove(key);
      } catch {
        // already gone: nothing to discard
      }
    },
  };
}
