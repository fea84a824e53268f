// Content-addressed, encrypted file store for scans, PDFs, video segments and receipts.
//
// A blob's id is the SHA-256 of its PLAINTEXT; its file is `root/ab/<name>`, where
// name = HMAC-SHA256(nameKey, id) and nameKey is derived from the blob key. So a copy of
// the directory does not confirm that a known document is stored: hashing the document
// gives its id, but only the key gives its file name. (Stores made before names were
// keyed used `root/ab/<id>`; such a file is renamed when its id is first looked up.)
// File format (chunked AEAD, so any byte range can be read and authenticated alone):
//   header  = "TBB1" | salt (16 bytes) | plaintext chunk size (u32 BE)
//   chunk i = AES-256-GCM(plaintext[i*C, (i+1)*C)) | tag (16 bytes)
// key   = HKDF-SHA256(blobKey, salt, "tongban/blob-chunk/v1"), fresh per file
// nonce = chunk index (11 bytes BE) | final flag (1 byte), so chunks cannot be
//         reordered, and dropping trailing chunks fails on the new last one
// AAD   = the header, so the salt and chunk size cannot be altered.
// There is always at least one chunk (an empty blob has one empty final chunk) and
// the last one is never empty otherwise, so the plaintext size follows from the file size.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { AppError } from '../common/errors.ts';
import { mapStoreError } from './database.ts';
import { errorCode, fsyncDir, fsyncDirSync } from './fs-sync.ts';

const MAGIC = Buffer.from('TBB1', 'ascii');
const SALT_BYTES = 16;
const HEADER_BYTES = MAGIC.length + SALT_BYTES + 4;
const TAG_BYTES = 16;
const CHUNK_SIZE = 65536;
// Readers accept other chunk sizes (a future writer may change it) but cap memory.
const MAX_CHUNK_SIZE = 16 * 1024 * 1024;
const ID_PATTERN = /^[0-9a-f]{64}$/;
const NAME_PATTERN = ID_PATTERN;
const PREFIX_PATTERN = /^[0-9a-f]{2}$/;

export interface PutResult {
  sha256: string;
  size: number;
}

interface OpenBlob {
  id: string;
  handle: FileHandle;
  header: Buffer;
  key: Buffer;
  chunkSize: number;
  chunkCount: number;
  plainSize: number;
  /** Where each sealed chunk is read, reused for the next. */
  sealed: Buffer;
}

/**
 * The decrypted chunks `openRange` handed out that `release` may give back: only the
 * store's own, each the whole of its ArrayBuffer.
 */
const releasable = new WeakSet<ArrayBufferLike>();

export class BlobStore {
  readonly rootDir: string;
  readonly #key: Buffer;
  readonly #nameKey: Buffer;
  readonly #tmpDir: string;
  readonly #orphanedDir: string;
  // Temp files of puts still running, which cleanTemp must not delete.
  readonly #inFlight = new Set<string>();
  // Blobs a put has committed whose caller has not settled them yet (recorded them in
  // the database, or given up): removeUnrecorded never takes those away.
  readonly #unsettled = new Map<string, number>();

  constructor(rootDir: string, key: Buffer) {
    if (key.length !== 32) throw new RangeError(`blob key must be 32 bytes, got ${key.length}`);
    this.rootDir = rootDir;
    this.#key = key;
    this.#nameKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'tongban/blob-name/v1', 32));
    this.#tmpDir = join(rootDir, 'tmp');
    this.#orphanedDir = join(rootDir, 'orphaned');
    mkdirSync(rootDir, { recursive: true, mode: 0o700 });
  }

  /** Stores the content (streamed with bounded memory for iterables) and returns its id. */
  async put(data: Uint8Array | AsyncIterable<Uint8Array>): Promise<PutResult> {
    await mkdir(this.#tmpDir, { recursive: true, mode: 0o700 });
    const tempPath = join(this.#tmpDir, `${randomUUID()}.part`);
    this.#inFlight.add(tempPath);
    let handle: FileHandle | undefined;
    try {
      handle = await open(tempPath, 'wx', 0o600);
      const file = handle;
      const salt = randomBytes(SALT_BYTES);
      const header = makeHeader(salt, CHUNK_SIZE);
      const key = chunkKey(this.#key, salt);
      const hash = createHash('sha256');
      let position = 0;
      const write = async (buffer: Buffer): Promise<void> => {
        await writeFully(file, buffer, position);
        position += buffer.length;
      };

      await write(header);
      // A full chunk is sealed only once more data arrives, since only then is it known not to be the last.
      const pending = Buffer.allocUnsafe(CHUNK_SIZE);
      const sealed = Buffer.allocUnsafe(CHUNK_SIZE + TAG_BYTES);
      let fill = 0;
      let index = 0;
      let size = 0;
      for await (const piece of pieces(data)) {
        if (!(piece instanceof Uint8Array)) throw new TypeError('blob data must be Uint8Array chunks');
        hash.update(piece);
        size += piece.length;
        let offset = 0;
        while (offset < piece.length) {
          if (fill === CHUNK_SIZE) {
            await write(seal(key, header, index++, false, pending, sealed));
            fill = 0;
          }
          const n = Math.min(CHUNK_SIZE - fill, piece.length - offset);
          pending.set(piece.subarray(offset, offset + n), fill);
          fill += n;
          offset += n;
        }
      }
      await write(seal(key, header, index, true, pending.subarray(0, fill), sealed));
      await file.sync();
      await file.close();
      handle = undefined;

      const sha256 = hash.digest('hex');
      await this.#commit(tempPath, sha256, position);
      return { sha256, size };
    } catch (error) {
      await handle?.close().catch(() => undefined);
      await rm(tempPath, { force: true }).catch(() => undefined);
      throw mapStoreError(error);
    } finally {
      this.#inFlight.delete(tempPath);
    }
  }

  /** The whole blob, authenticated and checked against its id. */
  async read(sha256: string): Promise<Buffer> {
    const blob = await this.#open(sha256);
    try {
      const hash = createHash('sha256');
      const parts: Buffer[] = [];
      for (let i = 0; i < blob.chunkCount; i++) {
        const plain = await readChunk(blob, i);
        hash.update(plain);
        parts.push(plain);
      }
      if (hash.digest('hex') !== sha256) throw corrupt(sha256, 'content does not match its id');
      return Buffer.concat(parts, blob.plainSize);
    } finally {
      await blob.handle.close();
    }
  }

  /** Reads the whole blob with bounded memory and checks it against its id. */
  async verify(sha256: string): Promise<void> {
    const blob = await this.#open(sha256);
    try {
      const hash = createHash('sha256');
      for (let i = 0; i < blob.chunkCount; i++) {
        const plain = await readChunk(blob, i);
        hash.update(plain);
        freeBuffer(plain);
      }
      if (hash.digest('hex') !== sha256) throw corrupt(sha256, 'content does not match its id');
    } finally {
      await blob.handle.close();
    }
  }

  /**
   * Plaintext bytes [start, endExclusive), decrypting and authenticating only the chunks
   * that overlap the range. Each chunk is authentic, but the whole-content hash is not
   * checked (use read or verify for that). Iterate to the end or break, so the file closes.
   */
  async *openRange(sha256: string, start: number, endExclusive: number): AsyncGenerator<Buffer, void, undefined> {
    const blob = await this.#open(sha256);
    try {
      if (
        !Number.isSafeInteger(start) ||
        !Number.isSafeInteger(endExclusive) ||
        start < 0 ||
        endExclusive < start ||
        endExclusive > blob.plainSize
      ) {
        // A truncated file looks shorter than the caller expects: that is damage, not a bad range.
        if (endExclusive > blob.plainSize) await readChunk(blob, blob.chunkCount - 1);
        throw new RangeError(`range [${start}, ${endExclusive}) is outside the blob (size ${blob.plainSize})`);
      }
      if (start === endExclusive) return;
      const first = Math.floor(start / blob.chunkSize);
      const last = Math.floor((endExclusive - 1) / blob.chunkSize);
      for (let i = first; i <= last; i++) {
        const plain = await readChunk(blob, i);
        if (plain.byteOffset === 0 && plain.byteLength === plain.buffer.byteLength) releasable.add(plain.buffer);
        const base = i * blob.chunkSize;
        yield plain.subarray(Math.max(0, start - base), Math.min(plain.length, endExclusive - base));
      }
    } finally {
      await blob.handle.close();
    }
  }

  /**
   * Gives back the memory of a piece `openRange` yielded, at once instead of at the next
   * garbage collection; the piece (and every view of its chunk) is empty afterwards. Only
   * for a piece nothing reads any more — a socket write that has completed, not one in
   * flight. Anything else is left alone; not calling it is fine (the collector frees it).
   */
  release(piece: Uint8Array): void {
    if (releasable.delete(piece.buffer)) freeArrayBuffer(piece.buffer);
  }

  /** Plaintext size, from the file size (the header is read, no chunk is decrypted). */
  size(sha256: string): number {
    const path = this.#pathOf(sha256);
    let fd: number;
    try {
      fd = openSync(path, 'r');
    } catch (error) {
      throw errorCode(error) === 'ENOENT' ? missing(sha256) : error;
    }
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      const read = readSync(fd, header, 0, HEADER_BYTES, 0);
      if (read < HEADER_BYTES) throw corrupt(sha256, 'file is shorter than its header');
      const chunkSize = parseHeader(sha256, header);
      return layout(sha256, fstatSync(fd).size, chunkSize).plainSize;
    } finally {
      closeSync(fd);
    }
  }

  has(sha256: string): boolean {
    return ID_PATTERN.test(sha256) && existsSync(this.#pathOf(sha256));
  }

  /** The file name a blob id is stored under (ids are not names: see the top of this file). */
  fileNameOf(sha256: string): string {
    if (!ID_PATTERN.test(sha256)) throw missing(sha256, 'not a valid blob id');
    return createHmac('sha256', this.#nameKey).update(sha256).digest('hex');
  }

  /** The path of a blob's file, for tools and tests that inspect the disk. */
  filePath(sha256: string): string {
    return this.#pathOf(sha256);
  }

  /** File names of the stored blobs (not those in quarantine or temp); `fileNameOf` maps ids to them. */
  *listFileNames(): Generator<string, void, undefined> {
    for (const prefix of listDir(this.rootDir)) {
      if (!PREFIX_PATTERN.test(prefix)) continue;
      for (const name of listDir(join(this.rootDir, prefix))) {
        if (NAME_PATTERN.test(name) && name.startsWith(prefix)) yield name;
      }
    }
  }

  /** File names of the blobs in quarantine. */
  *listQuarantinedFileNames(): Generator<string, void, undefined> {
    for (const name of listDir(this.#orphanedDir)) {
      if (NAME_PATTERN.test(name)) yield name;
    }
  }

  /**
   * Moves a stored file (by its file name: an orphan's id is not known) to `orphaned/`,
   * where nothing reads it and nothing deletes it.
   */
  quarantineFile(name: string): void {
    if (!NAME_PATTERN.test(name)) throw missing(name, 'not a valid blob file name');
    const dir = join(this.rootDir, name.slice(0, 2));
    mkdirSync(this.#orphanedDir, { recursive: true, mode: 0o700 });
    try {
      renameSync(join(dir, name), join(this.#orphanedDir, name));
    } catch (error) {
      throw errorCode(error) === 'ENOENT' ? missing(name) : error;
    }
    fsyncDirSync(this.#orphanedDir);
    fsyncDirSync(dir);
  }

  /** Moves a stored blob to quarantine. */
  quarantine(sha256: string): void {
    this.#adoptLegacy(sha256);
    this.quarantineFile(this.fileNameOf(sha256));
  }

  /**
   * Moves a quarantined blob back into the store. Returns false, leaving the quarantined
   * copy alone, when the store already has that blob.
   */
  restore(sha256: string): boolean {
    const to = this.#pathOf(sha256);
    const name = this.fileNameOf(sha256);
    const from = [name, sha256].map((each) => join(this.#orphanedDir, each)).find((each) => existsSync(each));
    if (!from) throw missing(sha256);
    if (existsSync(to)) return false;
    const dir = join(this.rootDir, name.slice(0, 2));
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    renameSync(from, to);
    fsyncDirSync(dir);
    fsyncDirSync(this.#orphanedDir);
    return true;
  }

  /** Deletes what interrupted writes left in `tmp/` (never the temp files of puts still running). */
  cleanTemp(): number {
    let removed = 0;
    for (const name of listDir(this.#tmpDir)) {
      const path = join(this.#tmpDir, name);
      if (this.#inFlight.has(path)) continue;
      rmSync(path, { force: true, recursive: true });
      removed++;
    }
    return removed;
  }

  /** The caller of `put` has recorded the blob in the database (or given up on it). */
  settle(sha256: string): void {
    const count = this.#unsettled.get(sha256) ?? 0;
    if (count <= 1) this.#unsettled.delete(sha256);
    else this.#unsettled.set(sha256, count - 1);
  }

  /**
   * For a caller that stored a blob and then could not record it: settles it and removes
   * the file at once — unless `isRecorded` says the database does reference it, or another
   * put of the same content has not settled yet (that caller is about to record it).
   * Synchronous from the check to the unlink, so no put can slip in between.
   */
  removeUnrecorded(sha256: string, isRecorded: () => boolean): boolean {
    this.settle(sha256);
    if (this.#unsettled.has(sha256) || isRecorded()) return false;
    const path = this.#pathOf(sha256);
    try {
      rmSync(path);
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return false;
      throw error;
    }
    fsyncDirSync(dirname(path));
    return true;
  }

  async #commit(tempPath: string, sha256: string, fileSize: number): Promise<void> {
    // Held from before the file is in place until the caller settles it.
    this.#unsettled.set(sha256, (this.#unsettled.get(sha256) ?? 0) + 1);
    try {
      await this.#place(tempPath, sha256, fileSize);
    } catch (error) {
      this.settle(sha256);
      throw error;
    }
  }

  async #place(tempPath: string, sha256: string, fileSize: number): Promise<void> {
    this.#adoptLegacy(sha256);
    const final = this.#finalPath(sha256);
    const dir = dirname(final);
    const dirExisted = existsSync(dir);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (!dirExisted) await fsyncDir(this.rootDir);
    // Same id = same content; but a file of the wrong size is damaged, so replace it.
    const existing = await stat(final).catch(() => undefined);
    if (existing?.isFile() && existing.size === fileSize) {
      await rm(tempPath, { force: true });
      return;
    }
    await rename(tempPath, final);
    await fsyncDir(dir);
  }

  async #open(sha256: string): Promise<OpenBlob> {
    const path = this.#pathOf(sha256);
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      throw errorCode(error) === 'ENOENT' ? missing(sha256) : error;
    }
    try {
      const header = Buffer.alloc(HEADER_BYTES);
      await readFully(sha256, handle, header, 0);
      const chunkSize = parseHeader(sha256, header);
      const { plainSize, chunkCount } = layout(sha256, (await handle.stat()).size, chunkSize);
      const key = chunkKey(this.#key, header.subarray(MAGIC.length, MAGIC.length + SALT_BYTES));
      const sealed = Buffer.allocUnsafe(Math.min(chunkSize, plainSize) + TAG_BYTES);
      return { id: sha256, handle, header, key, chunkSize, chunkCount, plainSize, sealed };
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  #pathOf(sha256: string): string {
    // Also keeps arbitrary strings from becoming paths outside the store.
    if (!ID_PATTERN.test(sha256)) throw missing(sha256, 'not a valid blob id');
    this.#adoptLegacy(sha256);
    return this.#finalPath(sha256);
  }

  #finalPath(sha256: string): string {
    const name = this.fileNameOf(sha256);
    return join(this.rootDir, name.slice(0, 2), name);
  }

  /**
   * A file stored before names were keyed sits at `ab/<id>`: it moves to its keyed name
   * the first time its id is looked up (start-up's integrity check looks up every id the
   * database knows). Renaming is atomic, so an interrupted move is simply done again.
   */
  #adoptLegacy(sha256: string): void {
    const legacy = join(this.rootDir, sha256.slice(0, 2), sha256);
    if (!existsSync(legacy)) return;
    const target = this.#finalPath(sha256);
    if (existsSync(target)) return;
    const dir = dirname(target);
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    renameSync(legacy, target);
    fsyncDirSync(dir);
    fsyncDirSync(dirname(legacy));
  }
}

async function* pieces(data: Uint8Array | AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array, void, undefined> {
  if (data instanceof Uint8Array) yield data;
  else yield* data;
}

function makeHeader(salt: Buffer, chunkSize: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  MAGIC.copy(header, 0);
  salt.copy(header, MAGIC.length);
  header.writeUInt32BE(chunkSize, MAGIC.length + SALT_BYTES);
  return header;
}

function parseHeader(sha256: string, header: Buffer): number {
  if (!header.subarray(0, MAGIC.length).equals(MAGIC)) throw corrupt(sha256, 'bad file header');
  const chunkSize = header.readUInt32BE(MAGIC.length + SALT_BYTES);
  if (chunkSize < 1 || chunkSize > MAX_CHUNK_SIZE) throw corrupt(sha256, 'bad chunk size in header');
  return chunkSize;
}

/** Chunk count and plaintext size implied by the file size; rejects sizes no writer produces. */
function layout(sha256: string, fileSize: number, chunkSize: number): { plainSize: number; chunkCount: number } {
  const body = fileSize - HEADER_BYTES;
  if (body < TAG_BYTES) throw corrupt(sha256, 'file is truncated');
  const unit = chunkSize + TAG_BYTES;
  const chunkCount = Math.ceil(body / unit);
  const lastSealed = body - (chunkCount - 1) * unit;
  if (lastSealed < TAG_BYTES || (chunkCount > 1 && lastSealed === TAG_BYTES)) {
    throw corrupt(sha256, 'file size does not fit the format');
  }
  return { plainSize: body - chunkCount * TAG_BYTES, chunkCount };
}

function chunkKey(blobKey: Buffer, salt: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', blobKey, salt, 'tongban/blob-chunk/v1', 32));
}

function nonce(index: number, final: boolean): Buffer {
  const iv = Buffer.alloc(12);
  iv.writeBigUInt64BE(BigInt(index), 3);
  iv[11] = final ? 1 : 0;
  return iv;
}

/** Seals one chunk into `out` (reused from chunk to chunk) and returns the part written. */
function seal(key: Buffer, header: Buffer, index: number, final: boolean, plain: Buffer, out: Buffer): Buffer {
  const cipher = createCipheriv('aes-256-gcm', key, nonce(index, final), { authTagLength: TAG_BYTES });
  cipher.setAAD(header);
  let length = 0;
  for (const part of [cipher.update(plain), cipher.final()]) {
    length += part.copy(out, length);
    freeBuffer(part);
  }
  length += cipher.getAuthTag().copy(out, length);
  return out.subarray(0, length);
}

async function readChunk(blob: OpenBlob, index: number): Promise<Buffer> {
  const final = index === blob.chunkCount - 1;
  const plainLength = final ? blob.plainSize - index * blob.chunkSize : blob.chunkSize;
  const sealed = blob.sealed.subarray(0, plainLength + TAG_BYTES);
  await readFully(blob.id, blob.handle, sealed, HEADER_BYTES + index * (blob.chunkSize + TAG_BYTES));
  const decipher = createDecipheriv('aes-256-gcm', blob.key, nonce(index, final), { authTagLength: TAG_BYTES });
  decipher.setAAD(blob.header);
  decipher.setAuthTag(sealed.subarray(plainLength));
  try {
    const body = decipher.update(sealed.subarray(0, plainLength));
    const tail = decipher.final(); // empty for GCM: then no copy of the body
    return tail.length === 0 ? body : Buffer.concat([body, tail]);
  } catch (error) {
    throw corrupt(blob.id, `chunk ${index} failed authentication`, error);
  }
}

/**
 * Frees a Buffer's memory now rather than at a garbage collection: for the Buffers the
 * ciphers return, which Node allocates anew for every chunk (it has no way to decrypt
 * into a Buffer of the caller's). Without this, sending or verifying 1 GiB leaves 1 GiB of
 * 64 KiB Buffers to the collector, which takes them once 32 MiB of young ones have piled
 * up — and glibc keeps part of what it then frees. Only for a Buffer that is the whole
 * of its ArrayBuffer (never a slice of Node's shared pool) and that nothing reads any more.
 *
 * Transferring an ArrayBuffer detaches it: its memory goes with the message and every
 * view of it becomes empty. A port that is closed drops the message, memory and all.
 */
function freeBuffer(buffer: Uint8Array): void {
  if (buffer.byteOffset === 0 && buffer.byteLength === buffer.buffer.byteLength) freeArrayBuffer(buffer.buffer);
}

function freeArrayBuffer(memory: ArrayBufferLike): void {
  if (memory.byteLength === 0) return;
  try {
    drop().postMessage(null, [memory as ArrayBuffer]);
  } catch {
    // Not transferable after all (a SharedArrayBuffer, say): the collector frees it.
  }
}

let closedPort: MessagePort | undefined;
function drop(): MessagePort {
  if (!closedPort) {
    const { port1 } = new MessageChannel();
    port1.close();
    closedPort = port1;
  }
  return closedPort;
}

async function writeFully(handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesWritten } = await handle.write(buffer, done, buffer.length - done, position + done);
    done += bytesWritten;
  }
}

async function readFully(sha256: string, handle: FileHandle, buffer: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < buffer.length) {
    const { bytesRead } = await handle.read(buffer, done, buffer.length - done, position + done);
    // The file shrank since its size was taken.
    if (bytesRead === 0) throw corrupt(sha256, 'file is truncated');
    done += bytesRead;
  }
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (error) {
    const code = errorCode(error);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw error;
  }
}

function missing(sha256: string, why = 'blob file not found'): AppError {
  return new AppError('store.blobMissing', why, { sha256: String(sha256).slice(0, 12) });
}

function corrupt(sha256: string, why: string, cause?: unknown): AppError {
  return new AppError('store.blobCorrupt', `blob is damaged: ${why}`, { sha256: sha256.slice(0, 12) }, { cause });
}
