// Where uploaded bytes live: a tus data store (@tus/file-store on the local disk by
// default, @tus/s3-store for S3-compatible object storage such as MinIO), plus the few
// reads the inbox needs on top — hashing what was stored, streaming it to an approver,
// and discarding a refused or expired upload. A received file keeps the storage key of
// the upload that brought it; the `files` table maps content (sha256) to that key.
import { createHash, type Hash } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { stat, utimes } from 'node:fs/promises';
import type { BigIntStats } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FileStore } from '@tus/file-store';
import { ERRORS, type DataStore } from '@tus/server';
import type * as S3StoreModuleNs from '@tus/s3-store';
import { transientCode } from './errors.ts';
import { SealedFileStore } from './sealed-file-store.ts';

type S3StoreModule = typeof S3StoreModuleNs;
type S3StoreOptions = ConstructorParameters<S3StoreModule['S3Store']>[0];

export interface S3StorageOptions {
  bucket: string;
  /**
   * e.g. http://127.0.0.1:9000 for MinIO; absent for AWS. With an endpoint the SDK sends
   * checksums only where S3 requires them (see createStorage).
   */
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
  /**
   * The digest of a finished upload — from its bytes as they arrived when every write of
   * it went through this process one after another, else read from the store — remembered
   * (in this process) while the stored file stays as it is, so a commit right after the
   * upload need not read every byte again: see `remembered`.
   */
  digestAndRemember(key: string): Promise<{ sha256: string; size: number }>;
  /**
   * What digestAndRemember found, if the stored file has not been written, replaced or
   * removed since (one stat, no read); otherwise undefined and the caller reads it all.
   * Always undefined for S3 and after a restart or on another replica.
   */
  remembered(key: string): Promise<{ sha256: string; size: number } | undefined>;
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
class FileStoreWithSyncDirectory extends FileStore {
  /**
   * @tus/file-store's own write answers every failure with a generic 500 and drops the
   * cause, so a full disk would reach the window as `internal`. This is the same write
   * (same stream, same offset) keeping a transient cause — ENOSPC, EDQUOT, EMFILE — for
   * the tus server's error mapping, which answers `storage.full` (503, Retry-After).
   * The bytes written before the failure stay: the window resumes at the offset a HEAD
   * reports.
   */
  override async write(readable: Readable, id: string, offset: number): Promise<number> {
    const path = (this as unknown as { resolve(id: string): string }).resolve(id); // refuses paths outside
    let received = 0;
    const count = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        received += chunk.length;
        done(null, chunk);
      },
    });
    try {
      await pipeline(readable, count, createWriteStream(path, { flags: 'r+', start: offset }));
    } catch (error) {
      throw transientCode(error) ? error : ERRORS.FILE_WRITE_ERROR;
    }
    return offset + received;
  }
}
Object.defineProperty(FileStoreWithSyncDirectory.prototype, 'checkOrCreateDirectory', {
  value(this: { directory: string }) {
    mkdirSync(this.directory, { recursive: true });
  },
});

/** `fileKey`: uploads are stored encrypted (file storage only; see sealed-file-store.ts). */
export async function createStorage(
  config: StorageConfig,
  dataDir: string,
  expiryMs: number,
  fileKey?: Buffer,
): Promise<InboxStorage> {
  if (config === 'file' && fileKey) {
    const directory = join(dataDir, 'uploads');
    return wrap(
      'file',
      new SealedFileStore({ directory, fileKey, expirationPeriodInMilliseconds: expiryMs }),
      directory,
    );
  }
  if (fileKey) throw new Error('an at-rest key applies to file storage only; encrypt the bucket server-side');
  if (config === 'file') {
    const directory = join(dataDir, 'uploads');
    const store = new FileStoreWithSyncDirectory({ directory, expirationPeriodInMilliseconds: expiryMs });
    return wrap('file', store, directory);
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
  const store = createS3Store(module, {
    ...(s3.partSize ? { partSize: s3.partSize } : {}),
    expirationPeriodInMilliseconds: expiryMs,
    // The store's expiry tags (Tus-Completed=…) only serve a bucket lifecycle rule; the
    // inbox sweeps expired uploads itself from its own rows. Servers without object
    // tagging (OpenStack Swift's s3api, among others) refuse any PUT carrying them (501).
    useTags: false,
    s3ClientConfig: {
      bucket: s3.bucket,
      region: s3.region ?? 'us-east-1',
      ...(s3.endpoint ? { endpoint: s3.endpoint } : {}),
      forcePathStyle: s3.forcePathStyle ?? s3.endpoint !== undefined,
      ...(s3.accessKeyId && s3.secretAccessKey
        ? { credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey } }
        : {}),
      // An S3-compatible server gets checksums only where S3 itself requires them. The
      // SDK's default sends every streamed body aws-chunked with a CRC32 trailer, which
      // many such servers refuse (Swift's s3api: 501 NotImplemented on every part); the
      // inbox hashes each stored file with SHA-256 itself before accepting it.
      ...(s3.endpoint
        ? { requestChecksumCalculation: 'WHEN_REQUIRED' as const, responseChecksumValidation: 'WHEN_REQUIRED' as const }
        : {}),
    },
  });
  return wrap('s3', store);
}

/** S3 error names that mean "this object or multipart upload does not exist" (not a missing bucket). */
const S3_MISSING = new Set(['NoSuchKey', 'NotFound', 'NoSuchUpload']);

function isS3Missing(error: unknown): boolean {
  const { name, Code } = (error ?? {}) as { name?: unknown; Code?: unknown };
  return S3_MISSING.has(name as string) || S3_MISSING.has(Code as string);
}

/**
 * @tus/s3-store with a remove() that really removes. The stock one aborts the multipart
 * upload first and gives up when there is none — which is every completed upload, so a
 * refused (hash mismatch) or altered file kept its object and `.info` in the bucket —
 * then deletes with DeleteObjects, which older S3 implementations accept only with a
 * Content-MD5 the SDK no longer sends (Swift: 400 InvalidRequest), and never deletes the
 * `.part` object of an unfinished upload. Here: abort if still open, then one
 * DeleteObject per key, the `.info` last so an interrupted remove can run again.
 */
function createS3Store(module: S3StoreModule, options: S3StoreOptions): ReadableStore {
  class InboxS3Store extends module.S3Store {
    override async remove(id: string): Promise<void> {
      let uploadId: string | undefined;
      try {
        uploadId = (await this.getMetadata(id))['upload-id'];
      } catch (error) {
        if (isS3Missing(error)) throw ERRORS.FILE_NOT_FOUND;
        throw error;
      }
      if (uploadId) {
        try {
          await this.client.abortMultipartUpload({ Bucket: this.bucket, Key: id, UploadId: uploadId });
        } catch (error) {
          if (!isS3Missing(error)) throw error; // completed, or aborted before
        }
      }
      for (const key of [id, this.partKey(id, true), this.infoKey(id)]) {
        await this.client.deleteObject({ Bucket: this.bucket, Key: key });
      }
      await this.clearCache(id);
    }
  }
  return new InboxS3Store(options);
}

/** Digests remembered at most; a commit comes seconds after its uploads, so old ones are rarely asked for. */
const REMEMBERED_MAX = 10_000;

interface Remembered {
  digest: { sha256: string; size: number };
  /** The file as it was once hashed and marked. */
  stats: BigIntStats;
}

/** `directory`: where a file store keeps each key as a file of that name (none for S3). */
function wrap(kind: 'file' | 's3', store: ReadableStore, directory?: string): InboxStorage {
  const open = async (key: string): Promise<Readable> => {
    try {
      return await store.read(key);
    } catch (error) {
      // A missing object reads as a missing file does (ENOENT), so callers need not know
      // the store: a commit then asks the window for the file again instead of failing.
      if (kind === 's3' && isS3Missing(error)) {
        throw Object.assign(new Error(`no stored object ${key}`), { code: 'ENOENT', cause: error });
      }
      throw error;
    }
  };
  const digest = async (key: string) => {
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of await open(key)) {
      hash.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    return { sha256: hash.digest('hex'), size };
  };
  const remembered = new Map<string, Remembered>();

  // The stored file by its key; the stores refuse keys that leave their directory, and
  // every key here was one of theirs.
  const pathOf = (key: string) =>
    directory && !key.includes('/') && !key.includes('\\') ? join(directory, key) : undefined;
  // Uploads hashed as their bytes arrive, by key: the SHA-256 state of bytes [0, at). The
  // last PATCH's finish then needs no read of the whole file. Kept only while writes
  // continue one another in this process; any other write (resumed elsewhere, after a
  // restart, a failed or short write) drops it, and the finish reads the file as before.
  const arriving = new Map<string, { hash: Hash; at: number; stats?: BigIntStats | undefined }>();
  const write = store.write.bind(store);
  store.write = async (readable: Readable, id: string, offset: number): Promise<number> => {
    const continued = offset === 0 ? { hash: createHash('sha256'), at: 0 } : arriving.get(id);
    arriving.delete(id);
    if (!continued || continued.at !== offset) return write(readable, id, offset);
    const path = pathOf(id);
    if (offset > 0 && path) {
      // Touched since the last write marked it: what it holds is no longer what arrived.
      const now = await stat(path, { bigint: true }).catch(() => undefined);
      if (!now || !continued.stats || !unchanged(continued.stats, now)) return write(readable, id, offset);
    }
    const running = continued;
    let seen = offset;
    async function* hashed(): AsyncGenerator<Buffer> {
      for await (const chunk of readable) {
        running.hash.update(chunk as Buffer);
        seen += (chunk as Buffer).length;
        yield chunk as Buffer;
      }
    }
    const written = await write(Readable.from(hashed(), { objectMode: false }), id, offset);
    if (written === seen) {
      running.at = written;
      // The file as this write left it, marked (see `mark`): touched by anything else
      // before the next write or the finish, it is read back instead.
      if (path) {
        running.stats = await mark(path).catch(() => undefined);
        if (!running.stats) return written;
      }
      if (arriving.size >= REMEMBERED_MAX) arriving.delete(arriving.keys().next().value as string);
      arriving.set(id, running);
    }
    return written;
  };
  /**
   * What arrived of an upload, hashed on the way, if every byte of it came through this
   * process's writes and the stored file is as the last one left it (`now`: its stats).
   */
  const arrived = (key: string, now?: BigIntStats) => {
    const running = arriving.get(key);
    arriving.delete(key);
    if (!running || (now && !(running.stats && unchanged(running.stats, now)))) return undefined;
    return { sha256: running.hash.digest('hex'), size: running.at };
  };
  return {
    kind,
    datastore: store,
    open,
    digest,
    async digestAndRemember(key) {
      const path = pathOf(key);
      remembered.delete(key);
      if (!path) return arrived(key) ?? digest(key);
      const remember = (found: { sha256: string; size: number }, stats: BigIntStats) => {
        if (remembered.size >= REMEMBERED_MAX) remembered.delete(remembered.keys().next().value as string);
        remembered.set(key, { digest: found, stats });
        return found;
      };
      const before = await stat(path, { bigint: true });
      // Hashed as it arrived and untouched since its last write marked it.
      const hashedOnArrival = arrived(key, before);
      if (hashedOnArrival) return remember(hashedOnArrival, before);
      const found = await digest(key);
      const after = await stat(path, { bigint: true });
      // Written while being hashed: not remembered (the commit reads it again).
      if (!unchanged(before, after)) return found;
      const marked = await mark(path, after);
      if (!sameFile(after, marked)) return found;
      return remember(found, marked);
    },
    async remembered(key) {
      const known = remembered.get(key);
      const path = pathOf(key);
      if (!known || !path) return undefined;
      const now = await stat(path, { bigint: true }).catch(() => undefined);
      if (now && unchanged(known.stats, now)) return known.digest;
      remembered.delete(key);
      return undefined;
    },
    async discard(key) {
      remembered.delete(key);
      arriving.delete(key);
      try {
        await store.remove(key);
      } catch (error) {
        // Already gone is fine; a store that failed (S3 unreachable) must not pass for done.
        const { status_code: status, code } = (error ?? {}) as { status_code?: number; code?: string };
        if (status !== 404 && code !== 'ENOENT') throw error;
      }
    },
  };
}

/**
 * File times tick coarsely (a few ms): a write in the same tick as the upload's last one
 * would keep its mtime. So a hashed file gets an mtime two seconds in the past, which any
 * later write replaces with the present; answers the file's stats after that. `now`: its
 * stats just taken, if the caller has them.
 */
async function mark(path: string, now?: BigIntStats): Promise<BigIntStats> {
  now ??= await stat(path, { bigint: true });
  await utimes(path, new Date(Number(now.atimeMs)), new Date(Number(now.mtimeMs) - 2000));
  return stat(path, { bigint: true });
}

function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.dev === b.dev && a.ino === b.ino && a.size === b.size;
}

/** The same file, not written (mtime) nor replaced or changed otherwise (ctime) since `a`. */
function unchanged(a: BigIntStats, b: BigIntStats): boolean {
  return sameFile(a, b) && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}
